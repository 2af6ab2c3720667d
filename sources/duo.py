"""DUO Open Onderwijsdata: recognise and parse the current (CKAN portal) CSV format.

The portal publishes comma-separated files, every text field double-quoted, UTF-8 (sometimes
with a BOM), CRLF line ends, in a long layout: one row per year. Small numbers are suppressed:
the files hold ``-1``; DUO's notes also describe ``<5``. A suppressed cell is never a count.

Parsing is pure: bytes in, a :class:`ParsedFile` out. The layout is recognised from the header,
never from the file name or column positions.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

from techpact.sources.errors import SourceFormatError

SUPPRESSION_MARKERS = frozenset({"-1", "<5"})
_WHOLE_NUMBER = re.compile(r"-?[0-9]+")
_YEAR = re.compile(r"[0-9]{4}")
UTF8_BOM = b"\xef\xbb\xbf"


@dataclass(frozen=True)
class Layout:
    """One kind of file DUO publishes, recognised by its header."""

    resource: str
    dataset: str
    description: str
    year_column: str
    measure_column: str
    columns: tuple[str, ...]

    @property
    def text_columns(self) -> tuple[str, ...]:
        return tuple(c for c in self.columns if c not in (self.year_column, self.measure_column))


_HO_LOCATION = (
    "PROVINCIENAAM",
    "GEMEENTENUMMER",
    "GEMEENTENAAM",
    "SOORT_INSTELLING",
)
_HO_INSTITUTION = (
    "INSTELLINGSCODE_ACTUEEL",
    "INSTELLINGSNAAM_ACTUEEL",
    "ONDERDEEL",
    "SUBONDERDEEL",
)
_PROGRAMME = ("OPLEIDINGSCODE_ACTUEEL", "OPLEIDINGSNAAM_ACTUEEL")

LAYOUTS: tuple[Layout, ...] = (
    Layout(
        resource="hbo_enrolment_by_sex",
        dataset="p01hoinges",
        description="Ingeschrevenen hbo by location, institution, CROHO sector and sex",
        year_column="STUDIEJAAR",
        measure_column="AANTAL_INGESCHREVENEN",
        columns=(
            "STUDIEJAAR",
            *_HO_LOCATION,
            "TYPE_HOGER_ONDERWIJS",
            *_HO_INSTITUTION,
            "GESLACHT",
            "AANTAL_INGESCHREVENEN",
        ),
    ),
    Layout(
        resource="hbo_enrolment_by_programme",
        dataset="p01hoinges",
        description="Ingeschrevenen hbo by location, institution and CROHO programme",
        year_column="STUDIEJAAR",
        measure_column="AANTAL_INGESCHREVENEN",
        columns=(
            "STUDIEJAAR",
            *_HO_LOCATION,
            "TYPE_HOGER_ONDERWIJS",
            *_HO_INSTITUTION,
            *_PROGRAMME,
            "AANTAL_INGESCHREVENEN",
        ),
    ),
    Layout(
        resource="hbo_inflow_by_programme",
        dataset="p02ho1ejrs",
        description="Eerstejaars ingeschrevenen hbo by location, institution and programme",
        year_column="STUDIEJAAR",
        measure_column="AANTAL_EERSTEJAARS_INGESCHREVENEN",
        columns=(
            "STUDIEJAAR",
            *_HO_LOCATION,
            "TYPE_HOGER_ONDERWIJS",
            *_HO_INSTITUTION,
            *_PROGRAMME,
            "AANTAL_EERSTEJAARS_INGESCHREVENEN",
        ),
    ),
    Layout(
        resource="hbo_graduates_by_programme",
        dataset="p04hogdipl",
        description="Gediplomeerden hbo by location, institution, programme and diploma",
        year_column="DIPLOMAJAAR",
        measure_column="AANTAL_GEDIPLOMEERDEN",
        columns=(
            "DIPLOMAJAAR",
            *_HO_LOCATION,
            *_HO_INSTITUTION,
            *_PROGRAMME,
            "SOORT_DIPLOMA",
            "AANTAL_GEDIPLOMEERDEN",
        ),
    ),
)

LAYOUTS_BY_RESOURCE = {layout.resource: layout for layout in LAYOUTS}


@dataclass(frozen=True)
class ParsedFile:
    """A parsed DUO file: the layout it has and one row per data line.

    ``rows`` keeps the file's own column names (text as published), plus ``year`` (int),
    ``count`` (nullable int: null where suppressed), ``is_suppressed`` and ``line_number``.
    """

    file_name: str
    layout: Layout
    rows: pd.DataFrame


def decode_text(data: bytes, file_name: str) -> str:
    """UTF-8 with or without a BOM; any other encoding is an error that names the line."""
    if data.startswith(UTF8_BOM):
        data = data[len(UTF8_BOM) :]
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


def recognise_layout(header: list[str], file_name: str) -> Layout:
    """Pick the layout whose columns the header holds; name what is missing otherwise."""
    names = [h.strip().upper() for h in header]
    present = set(names)
    matches = [layout for layout in LAYOUTS if set(layout.columns) <= present]
    if matches:
        return max(matches, key=lambda layout: len(layout.columns))
    # The closest layout is the one missing the fewest columns (ties: the smaller layout).
    closest = min(
        LAYOUTS, key=lambda layout: (len(set(layout.columns) - present), len(layout.columns))
    )
    overlap = len(set(closest.columns) & present)
    if overlap < len(closest.columns) // 2:
        raise SourceFormatError(
            file_name,
            f"unknown header {names!r}; known DUO layouts: "
            + ", ".join(layout.resource for layout in LAYOUTS),
            line=1,
        )
    missing = [c for c in closest.columns if c not in present]
    raise SourceFormatError(
        file_name,
        f"required column missing for a {closest.resource} file ({closest.description})",
        line=1,
        column=missing[0],
    )


def parse_count(value: str, *, file_name: str, line: int, column: str) -> int | None:
    """A count, or None for a suppressed cell. Anything else is an error."""
    text = value.strip()
    if text in SUPPRESSION_MARKERS:
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
    return count


def parse_year(value: str, *, file_name: str, line: int, column: str) -> int:
    text = value.strip()
    if not _YEAR.fullmatch(text):
        raise SourceFormatError(file_name, f"{value!r} is not a year", line=line, column=column)
    return int(text)


def parse_current_csv(data: bytes, file_name: str) -> ParsedFile:
    """Parse one current-format DUO CSV file."""
    text = decode_text(data, file_name)
    if not text.strip():
        raise SourceFormatError(file_name, "file is empty")
    first_line = text.split("\n", 1)[0]
    if first_line.count(";") > first_line.count(","):
        raise SourceFormatError(
            file_name,
            "header is ';'-separated: this is the legacy duo.nl format, not the current "
            "comma-separated portal format",
            line=1,
        )
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=",", quotechar='"', strict=True)
    try:
        header = next(reader)
    except csv.Error as exc:
        raise SourceFormatError(file_name, f"unreadable header ({exc})", line=1) from exc
    layout = recognise_layout(header, file_name)
    names = [h.strip().upper() for h in header]
    records = list(_parse_records(reader, names, layout, file_name))
    if not records:
        raise SourceFormatError(file_name, "header only, no data rows", line=1)
    frame = pd.DataFrame.from_records(
        records, columns=[*layout.text_columns, "year", "count", "is_suppressed", "line_number"]
    )
    frame["count"] = frame["count"].astype("Int64")
    return ParsedFile(file_name=file_name, layout=layout, rows=frame)


def _parse_records(
    reader: Iterable[list[str]], names: list[str], layout: Layout, file_name: str
) -> Iterable[tuple[object, ...]]:
    index = {name: i for i, name in enumerate(names)}
    text_positions = [index[c] for c in layout.text_columns]
    year_at, measure_at = index[layout.year_column], index[layout.measure_column]
    line = 1
    try:
        for fields in reader:
            line = reader.line_num  # type: ignore[attr-defined]  # last line of this record
            if not fields or fields == [""]:
                continue
            if len(fields) != len(names):
                raise SourceFormatError(
                    file_name,
                    f"{len(fields)} fields where the header has {len(names)}",
                    line=line,
                )
            count = parse_count(
                fields[measure_at], file_name=file_name, line=line, column=layout.measure_column
            )
            year = parse_year(
                fields[year_at], file_name=file_name, line=line, column=layout.year_column
            )
            yield (
                *(fields[i] for i in text_positions),
                year,
                count,
                count is None,
                line,
            )
    except csv.Error as exc:
        line = reader.line_num  # type: ignore[attr-defined]
        raise SourceFormatError(file_name, f"malformed CSV ({exc})", line=line) from exc
