"""DUO's legacy duo.nl open-data files (``open_onderwijsdata/images/<file>.csv``): pure parser.

The format: ``;``-separated, unquoted, ISO-8859-1 (re-encoded UTF-8 copies circulate), CRLF,
**wide**: one count column per year (``2015;2016;…``), or per sex and year for mbo
(``MAN2015;VROUW2015;TOTAAL2015;…``). Text values are lower case (``techniek``, ``man``).
Some files hold lines with nothing but ``""`` between records: they are skipped and counted.

Counts: a blank cell, ``-1``, ``<5`` and an AVG-flagged ``4`` (see :mod:`techpact.sources.duo`)
are suppressed. In the mbo file a year whose MAN, VROUW and TOTAAL cells are *all* blank is a
year in which the qualification had no students at that institution: it yields no rows
(counted as ``empty_year_groups``), not three suppressed cells.

The layout is recognised from the header names, never from column positions or the file name.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass

import pandas as pd

from techpact.sources.duo_formats import (
    is_avg_flag_column,
    parse_count,
    read_file,
    wide_cells_frame,
)
from techpact.sources.errors import SourceFormatError, quoted_list

_YEAR_COLUMN = re.compile(r"^([0-9]{4})$")
_SEX_YEAR_COLUMN = re.compile(r"^(MAN|VROUW|TOTAAL)([0-9]{4})$")
SEX_OF_PREFIX = {"MAN": "MAN", "VROUW": "VROUW", "TOTAAL": "TOTAAL"}


@dataclass(frozen=True)
class LegacyLayout:
    """One kind of legacy file, recognised by the text columns its header holds."""

    kind: str
    description: str
    columns: tuple[str, ...]
    years: str  # "year": one column per year; "sex_year": MAN/VROUW/TOTAAL per year; "none"


_HO_PLACE = (
    "PROVINCIE",
    "GEMEENTENUMMER",
    "GEMEENTENAAM",
    "SOORT INSTELLING",
)
_HO_PROGRAMME = (
    "BRIN NUMMER ACTUEEL",
    "INSTELLINGSNAAM ACTUEEL",
    "CROHO ONDERDEEL",
    "CROHO SUBONDERDEEL",
    "OPLEIDINGSCODE ACTUEEL",
    "OPLEIDINGSNAAM ACTUEEL",
    "OPLEIDINGSVORM",
)

LEGACY_LAYOUTS: tuple[LegacyLayout, ...] = (
    LegacyLayout(
        kind="ho_students",
        description="hbo/wo students or first-years by location, institution, programme, "
        "mode and sex, one column per year",
        columns=(*_HO_PLACE, "TYPE HOGER ONDERWIJS", *_HO_PROGRAMME, "GESLACHT"),
        years="year",
    ),
    LegacyLayout(
        kind="ho_graduates",
        description="hbo/wo graduates by location, institution, programme, mode, diploma and "
        "sex, one column per year",
        columns=(*_HO_PLACE, *_HO_PROGRAMME, "SOORT DIPLOMA", "GESLACHT"),
        years="year",
    ),
    LegacyLayout(
        kind="mbo_students",
        description="mbo students by institution, place, path, level, qualification, sector, "
        "with MAN/VROUW/TOTAAL per year",
        columns=(
            "BRIN NUMMER",
            "INSTELLINGSNAAM",
            "PLAATSNAAM",
            "TYPE MBO",
            "KWALIFICATIENIVEAU",
            "KWALIFICATIE CODE",
            "KWALIFICATIE NAAM",
            "MBO SECTOR",
            "SECTORUNIT SBB",
        ),
        years="sex_year",
    ),
    LegacyLayout(
        kind="ho_institutions",
        description="address list of hbo and wo institutions with their COROP region",
        columns=(
            "SOORT HO",
            "INSTELLINGSCODE",
            "INSTELLINGSNAAM",
            "GEMEENTENUMMER",
            "GEMEENTENAAM",
            "COROPGEBIED CODE",
            "COROPGEBIED NAAM",
        ),
        years="none",
    ),
)


@dataclass(frozen=True)
class LegacyParsedFile:
    """A parsed legacy file in long form.

    ``rows``: the layout's text columns as published, ``year`` (int), ``sex_column`` (the
    ``MAN``/``VROUW``/``TOTAAL`` prefix of a mbo count, else null), ``count`` (nullable int,
    null where suppressed), ``is_suppressed``, ``line_number`` and ``column`` (the header
    name of the cell the count came from). For the address list, the text columns only.
    """

    file_name: str
    layout: LegacyLayout
    encoding: str
    rows: pd.DataFrame
    empty_records: int
    empty_year_groups: int


def recognise_legacy_layout(names: list[str], file_name: str) -> LegacyLayout:
    present = set(names)
    matches = [layout for layout in LEGACY_LAYOUTS if set(layout.columns) <= present]
    if matches:
        return max(matches, key=lambda layout: len(layout.columns))
    closest = min(
        LEGACY_LAYOUTS,
        key=lambda layout: (len(set(layout.columns) - present), len(layout.columns)),
    )
    if len(set(closest.columns) & present) < len(closest.columns) // 2:
        raise SourceFormatError(
            file_name,
            f"unknown header {quoted_list(names)}; known legacy DUO layouts: "
            + ", ".join(layout.kind for layout in LEGACY_LAYOUTS),
            line=1,
        )
    missing = [c for c in closest.columns if c not in present]
    raise SourceFormatError(
        file_name,
        f"required column missing for a legacy {closest.kind} file ({closest.description})",
        line=1,
        column=missing[0],
    )


def count_columns(names: list[str], layout: LegacyLayout, file_name: str) -> list[tuple[int, int]]:
    """(position, year) of every count column; a wide file without one is an error."""
    pattern = _YEAR_COLUMN if layout.years == "year" else _SEX_YEAR_COLUMN
    found = []
    for position, name in enumerate(names):
        match = pattern.match(name)
        if match:
            found.append((position, int(match.groups()[-1])))
    if layout.years != "none" and not found:
        expected = "2015" if layout.years == "year" else "MAN2015;VROUW2015;TOTAAL2015"
        raise SourceFormatError(
            file_name,
            f"no year columns (like {expected}) in the header of a legacy {layout.kind} file",
            line=1,
        )
    return found


def parse_legacy_csv(data: bytes, file_name: str) -> LegacyParsedFile:
    """Parse one legacy duo.nl file (``;``, ISO-8859-1 or UTF-8, wide) into long rows."""
    recognised = read_file(data, file_name)
    if recognised.format != "legacy":
        raise SourceFormatError(
            file_name, "header is ','-separated: this is the current DUO format", line=1
        )
    reader = csv.reader(
        io.StringIO(recognised.text, newline=""), delimiter=";", quoting=csv.QUOTE_NONE
    )
    header = next(reader)
    names = [h.strip().upper() for h in header]
    layout = recognise_legacy_layout(names, file_name)
    counts = count_columns(names, layout, file_name)
    index = {name: i for i, name in enumerate(names)}
    text_at = [index[c] for c in layout.columns]
    avg_at = [i for i, name in enumerate(names) if is_avg_flag_column(name)]
    records: list[tuple[object, ...]] = []
    empty_records = 0
    empty_year_groups = 0
    for line, fields in enumerate(reader, start=2):  # unquoted: one record per line
        if all(f.strip().strip('"') == "" for f in fields):
            empty_records += 1
            continue
        if len(fields) != len(names):
            raise SourceFormatError(
                file_name, f"{len(fields)} fields where the header has {len(names)}", line=line
            )
        text = tuple(fields[i].strip() for i in text_at)
        if layout.years == "none":
            records.append((*text, line))
            continue
        avg_flagged = any(fields[i].strip().upper() not in {"", "N", "NEE", "0"} for i in avg_at)
        if layout.years == "sex_year":
            by_year: dict[int, list[int]] = {}
            for position, year in counts:
                by_year.setdefault(year, []).append(position)
            skip = {
                year
                for year, positions in by_year.items()
                if all(fields[p].strip() == "" for p in positions)
            }
            empty_year_groups += len(skip)
        else:
            skip = set()
        for position, year in counts:
            if year in skip:
                continue
            count = parse_count(
                fields[position],
                file_name=file_name,
                line=line,
                column=names[position],
                blank_is_suppressed=True,
                avg_flagged=avg_flagged,
            )
            sex = _SEX_YEAR_COLUMN.match(names[position])
            records.append(
                (
                    *text,
                    year,
                    sex.group(1) if sex else None,
                    count,
                    count is None,
                    line,
                    names[position],
                )
            )
    if not records:
        raise SourceFormatError(file_name, "header only, no data rows", line=1)
    columns = list(layout.columns)
    if layout.years == "none":
        frame = pd.DataFrame.from_records(records, columns=[*columns, "line_number"])
    else:
        frame = wide_cells_frame(records, columns)
    return LegacyParsedFile(
        file_name=file_name,
        layout=layout,
        encoding=recognised.encoding,
        rows=frame,
        empty_records=empty_records,
        empty_year_groups=empty_year_groups,
    )
