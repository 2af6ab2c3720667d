"""Errors that tell a person exactly where bad input is."""

from __future__ import annotations


class SourceFormatError(ValueError):
    """Input that does not have the shape its source publishes.

    The message names the file, the line (1 is the header) and the column where known.
    """

    def __init__(
        self,
        file_name: str,
        message: str,
        *,
        line: int | None = None,
        column: str | None = None,
    ) -> None:
        self.file_name = file_name
        self.line = line
        self.column = column
        self.reason = message
        where = [file_name]
        if line is not None:
            where.append(f"line {line}")
        if column is not None:
            where.append(f"column {column}")
        super().__init__(f"{', '.join(where)}: {message}")
