"""Errors that tell a person exactly where bad input is."""

from __future__ import annotations

from collections.abc import Sequence

# An error message quotes the input it refuses, but never all of it: a one-line file of 8 MiB
# must not become a 20 MB message.
MAX_MESSAGE_CHARS = 600
MAX_QUOTED_CHARS = 60
MAX_QUOTED_ITEMS = 12


def quoted(value: object) -> str:
    """``repr`` of a value from the input, cut to ``MAX_QUOTED_CHARS``."""
    text = repr(value)
    if len(text) <= MAX_QUOTED_CHARS:
        return text
    return f"{text[: MAX_QUOTED_CHARS - 1]}… ({len(text)} characters)"


def quoted_list(values: Sequence[object]) -> str:
    """The first ``MAX_QUOTED_ITEMS`` values of a header or row, each cut (``quoted``)."""
    shown = ", ".join(quoted(v) for v in values[:MAX_QUOTED_ITEMS])
    more = len(values) - MAX_QUOTED_ITEMS
    return f"[{shown}{f', … {more} more' if more > 0 else ''}]"


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
        if len(message) > MAX_MESSAGE_CHARS:
            message = f"{message[:MAX_MESSAGE_CHARS]}… ({len(message)} characters, cut)"
        self.reason = message
        where = [file_name]
        if line is not None:
            where.append(f"line {line}")
        if column is not None:
            where.append(f"column {column}")
        super().__init__(f"{', '.join(where)}: {message}")
