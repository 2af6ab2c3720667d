"""Which of DUO's two file formats a file is in, recognised from its header line.

- **current** (CKAN portal): comma-separated, every text field double-quoted, UTF-8, long
  layout (one row per year).
- **legacy** (duo.nl ``open_onderwijsdata/images``): ``;``-separated, unquoted, ISO-8859-1
  (copies re-encoded to UTF-8 circulate too), wide layout (one column per year).

Both may start with a UTF-8 BOM. The decision uses only the header line: the delimiter that
separates its column names. Never the file name, never column positions.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

import pandas as pd

from techpact.sources.errors import SourceFormatError

UTF8_BOM = b"\xef\xbb\xbf"
Format = Literal["current", "legacy"]


@dataclass(frozen=True)
class RecognisedFile:
    """A file's format, the encoding it was read with, and its text (BOM removed)."""

    format: Format
    encoding: str
    delimiter: str
    text: str


def strip_bom(data: bytes) -> bytes:
    return data[len(UTF8_BOM) :] if data.startswith(UTF8_BOM) else data


def header_line(data: bytes) -> bytes:
    return strip_bom(data).split(b"\n", 1)[0].rstrip(b"\r")


def recognise_format(data: bytes, file_name: str) -> Format:
    """``current`` when the header's names are separated by commas, ``legacy`` by ``;``."""
    header = header_line(data)
    if not header.strip():
        raise SourceFormatError(file_name, "file is empty", line=1)
    semicolons, commas = header.count(b";"), header.count(b",")
    if semicolons == 0 and commas == 0:
        raise SourceFormatError(
            file_name,
            "header has one column only: neither ',' (current DUO format) nor ';' "
            "(legacy duo.nl format) separates its names",
            line=1,
        )
    return "legacy" if semicolons > commas else "current"


def decode_current(data: bytes, file_name: str) -> str:
    """UTF-8 with or without a BOM; any other encoding, or a NUL byte, is an error that names
    the line."""
    data = strip_bom(data)
    refuse_nul_bytes(data, file_name, b",")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise SourceFormatError(
            file_name,
            f"byte 0x{data[exc.start]:02x} is not UTF-8; the current DUO format is UTF-8 "
            "(a legacy duo.nl file is ISO-8859-1 and ';'-separated)",
            line=line,
        ) from exc


def decode_legacy(data: bytes) -> tuple[str, str]:
    """Legacy files are ISO-8859-1 as published; re-encoded UTF-8 copies circulate too.

    Text that is valid UTF-8 is read as UTF-8 (ISO-8859-1 text with accented letters is
    practically never valid UTF-8); anything else as ISO-8859-1, which decodes every byte.
    """
    data = strip_bom(data)
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return data.decode("iso-8859-1"), "iso-8859-1"


def refuse_nul_bytes(data: bytes, file_name: str, delimiter: bytes) -> None:
    """A NUL byte is never in a DUO text file: the file is damaged (or not text at all)."""
    at = data.find(b"\x00")
    if at < 0:
        return
    line_start = data.rfind(b"\n", 0, at) + 1
    names = header_line(data).split(delimiter)
    field = data[line_start:at].count(delimiter)  # DUO quotes no delimiter inside a field
    column = (
        names[field].strip().strip(b'"').decode("utf-8", "replace") if field < len(names) else None
    )
    raise SourceFormatError(
        file_name,
        "NUL byte: the file is damaged or is not a text file",
        line=data.count(b"\n", 0, at) + 1,
        column=column,
    )


def read_file(data: bytes, file_name: str) -> RecognisedFile:
    """Recognise the format from the header and decode the file the way that format needs."""
    kind = recognise_format(data, file_name)
    if kind == "current":
        return RecognisedFile("current", "utf-8", ",", decode_current(data, file_name))
    refuse_nul_bytes(strip_bom(data), file_name, b";")
    text, encoding = decode_legacy(data)
    return RecognisedFile("legacy", encoding, ";", text)


# --- Cell values ----------------------------------------------------------------------------
# DUO suppresses small numbers (fewer than 5 students). Seen and documented markers:
# - ``-1``: the current portal files (the only marker in the real files);
# - ``<5``: newer portal pages;
# - a blank cell: legacy files ("none or suppressed"; the current format is never blank);
# - ``4`` with an AVG flag: DUO's notes describe small numbers replaced by 4 and flagged under
#   the AVG (GDPR). No real file with the flag is known, so it is recognised in the two ways it
#   can show in a CSV: a cell written ``4*``, or a row whose column named like ``AVG``
#   (``AVG``, ``AVG_VLAG``, ``INDICATIE AVG``, …) holds anything but blank/N/NEE/0. A flagged
#   row's ``4`` is suppressed; an unflagged ``4`` is a real count.
SUPPRESSION_MARKERS = frozenset({"-1", "<5", "4*"})
AVG_SUPPRESSED_VALUE = 4
_WHOLE_NUMBER = re.compile(r"-?[0-9]+")
_AVG_COLUMN = re.compile(r"(^|[ _])AVG($|[ _])")


def is_avg_flag_column(name: str) -> bool:
    return bool(_AVG_COLUMN.search(name.strip().upper()))


def parse_count(
    value: str,
    *,
    file_name: str,
    line: int,
    column: str,
    blank_is_suppressed: bool = False,
    avg_flagged: bool = False,
) -> int | None:
    """A count, or None for a suppressed cell. Anything else is an error naming the cell."""
    text = value.strip()
    if text in SUPPRESSION_MARKERS or (blank_is_suppressed and text == ""):
        return None
    if not _WHOLE_NUMBER.fullmatch(text):
        raise SourceFormatError(
            file_name, f"{value!r} is not a whole number", line=line, column=column
        )
    count = int(text)
    if count < 0:
        raise SourceFormatError(
            file_name,
            f"negative count {count} (only -1 marks a suppressed small number)",
            line=line,
            column=column,
        )
    if avg_flagged and count == AVG_SUPPRESSED_VALUE:
        return None
    return count


# The columns a wide file's rows get after its text columns: one row per count cell.
WIDE_CELL_COLUMNS = ("year", "sex_column", "count", "is_suppressed", "line_number", "column")


def wide_cells_frame(
    records: Iterable[tuple[object, ...]], text_columns: Sequence[str]
) -> pd.DataFrame:
    """The cells of a wide file (one count column per year, or per sex and year) as rows: its
    text columns, then ``WIDE_CELL_COLUMNS``; a suppressed cell's count is NA."""
    frame = pd.DataFrame.from_records(records, columns=[*text_columns, *WIDE_CELL_COLUMNS])
    frame["count"] = frame["count"].astype("Int64")
    return frame
