"""Check a DUO file of any size piece by piece: `techpact land-file` in bounded memory.

Parsing a whole file holds every record as Python objects and then as a frame: about 12×
the file's size. Checking a file before it lands needs only what the parsers refuse and a few
totals, so a large file is parsed in pieces of whole records, each behind the file's header,
and the totals are added up. An error in a piece names the line in the whole file.

The pieces decide nothing the whole file would decide differently: what concerns the whole
file (its header, NUL bytes, its encoding) is checked on the whole file first, and where the
file's kind follows from its values (hbo or wo) and two pieces disagree, or a piece holds no
data rows at all, the whole file is parsed after all, as before.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from techpact.sources.duo import DatasetMismatchError, TidyFile, parse_duo_file
from techpact.sources.duo_formats import read_file
from techpact.sources.errors import SourceFormatError

# Files up to twice this size are parsed whole; larger ones in pieces of at least this size.
PIECE_BYTES = 2 * 1024 * 1024


@dataclass(frozen=True)
class FileSummary:
    """What `land-file` reports about a file it accepts."""

    file_name: str
    format: str
    dataset: str
    resource: str
    row_count: int
    suppressed_cell_count: int
    empty_records: int

    @classmethod
    def of(cls, tidy: TidyFile) -> FileSummary:
        return cls(
            file_name=tidy.file_name,
            format=tidy.format,
            dataset=tidy.dataset,
            resource=tidy.resource,
            row_count=len(tidy.rows),
            suppressed_cell_count=tidy.suppressed_cell_count,
            empty_records=tidy.empty_records,
        )


def check_duo_file(
    data: bytes, file_name: str, *, dataset: str | None = None, piece_bytes: int = PIECE_BYTES
) -> FileSummary:
    """Parse ``data`` as :func:`parse_duo_file` would, in pieces when it is large.

    Raises the same errors, with line numbers of the whole file.
    """
    if len(data) <= 2 * piece_bytes or b"\n" not in data:
        return FileSummary.of(parse_duo_file(data, file_name, dataset=dataset))
    read_file(data, file_name)  # what concerns the whole file first (header, NUL, encoding)
    header = data[: data.find(b"\n") + 1]
    summaries: list[FileSummary] = []
    for first_line, piece in record_pieces(data, len(header), piece_bytes):
        try:
            tidy = parse_duo_file(header + piece, file_name, dataset=dataset)
        except DatasetMismatchError:
            return FileSummary.of(parse_duo_file(data, file_name, dataset=dataset))
        except SourceFormatError as exc:
            if exc.line is None or exc.line < 2:  # about the piece as a whole (no data rows)
                return FileSummary.of(parse_duo_file(data, file_name, dataset=dataset))
            raise _in_whole_file(exc, first_line) from None
        summaries.append(FileSummary.of(tidy))
        if summaries[0].resource != summaries[-1].resource:
            return FileSummary.of(parse_duo_file(data, file_name, dataset=dataset))
    return _added(summaries)


def record_pieces(data: bytes, start: int, piece_bytes: int) -> Iterator[tuple[int, bytes]]:
    """Cut ``data`` from ``start`` (the lines after the header) into pieces of whole records.

    Yields the line number in the file of each piece's first line (the header is line 1) and
    the piece. A piece ends at a line break outside quotes, at least ``piece_bytes`` into it;
    a short rest joins the piece before it.
    """
    line = 2
    while start < len(data):
        end = _record_end_after(data, start, start + piece_bytes)
        if len(data) - end < piece_bytes:
            end = len(data)
        yield line, data[start:end]
        line += line_ends(data, start, end)
        start = end


def line_ends(data: bytes, start: int, end: int) -> int:
    """Line ends between ``start`` and ``end`` as the csv module counts lines: ``\\r\\n``,
    ``\\n`` and a lone ``\\r``."""
    return (
        data.count(b"\n", start, end)
        + data.count(b"\r", start, end)
        - data.count(b"\r\n", start, end)
    )


def _record_end_after(data: bytes, start: int, at_least: int) -> int:
    """The offset just after the first line break at or past ``at_least`` that ends a record:
    the quotes from ``start`` to it are balanced (a quoted field may hold line breaks)."""
    quotes = data.count(b'"', start, at_least)
    position = at_least
    while True:
        newline = data.find(b"\n", position)
        if newline == -1:
            return len(data)
        quotes += data.count(b'"', position, newline)
        if quotes % 2 == 0:
            return newline + 1
        position = newline + 1


def _in_whole_file(exc: SourceFormatError, first_line: int) -> SourceFormatError:
    """The error of a piece, its line counted in the whole file (a piece's line 2 is
    ``first_line``; line 1 is the header in both)."""
    line = exc.line if exc.line is None or exc.line < 2 else exc.line + first_line - 2
    return SourceFormatError(exc.file_name, exc.reason, line=line, column=exc.column)


def _added(summaries: list[FileSummary]) -> FileSummary:
    first = summaries[0]
    return FileSummary(
        file_name=first.file_name,
        format=first.format,
        dataset=first.dataset,
        resource=first.resource,
        row_count=sum(s.row_count for s in summaries),
        suppressed_cell_count=sum(s.suppressed_cell_count for s in summaries),
        empty_records=sum(s.empty_records for s in summaries),
    )
