"""DUO's current-portal mbo files (onderwijsdata.duo.nl): pure parser.

Two files, both comma-separated, double-quoted, UTF-8 (maybe with a BOM), **wide**: one count
column per sex and year, the year only in the column name:

- ``mbo-studenten-per-instelling``, resource "Studenten per instelling plaats van de instelling
  sectorkamer leerweg opleiding niveau geslacht": students (1 October) by institution, the
  institution's place, learning path, level, qualification (erkende opleiding), sectorkamer and
  hoofdgroep, in ``MAN2021,VROUW2021,…``. The successor of the legacy deelnemers file.
- ``gediplomeerde-mbo-studenten``, resource "Gediplomeerden": diplomas by the same keys (without
  ``SOORT INSTELLING``), in ``DIPMAN2021,DIPVROUW2021,…``. ``LEERWEG`` also holds ``OVO``.

Neither file has a total column: the total of a year is MAN + VROUW. ``-1`` marks a suppressed
small number (fewer than 5); ``0`` is a real zero; a blank cell is an error (the portal never
writes one). The years are read from the header, never from the file name (the graduates
file's name says 2020-2024 while its columns run 2021-2025).

The layout is recognised from the header names, never from column positions or the file name.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import pandas as pd

from techpact.sources.duo_formats import decode_current, parse_count, wide_cells_frame
from techpact.sources.errors import SourceFormatError


@dataclass(frozen=True)
class MboLayout:
    """One kind of current-portal mbo file, recognised by the text columns its header holds."""

    resource: str
    dataset: str
    description: str
    columns: tuple[str, ...]
    count_prefix: str  # "" for MAN2021/VROUW2021, "DIP" for DIPMAN2021/DIPVROUW2021

    @property
    def count_column(self) -> re.Pattern[str]:
        return re.compile(rf"^{self.count_prefix}(MAN|VROUW)([0-9]{{4}})$")

    def example_count_columns(self) -> str:
        return f"{self.count_prefix}MAN2021,{self.count_prefix}VROUW2021"


_QUALIFICATION = (
    "LEERWEG",
    "NIVEAU",
    "ERKENDE OPLEIDING CODE",
    "ERKENDE OPLEIDING NAAM",
    "SECTORKAMER NAAM",
    "HOOFDGROEP NAAM",
)

MBO_STUDENTS = MboLayout(
    resource="mbo_students_by_qualification",
    dataset="mbo-studenten-per-instelling",
    description="mbo students by institution, its place, path, level, qualification, "
    "sectorkamer and sex, MAN/VROUW per year",
    columns=(
        "INSTELLINGSCODE",
        "INSTELLINGSNAAM",
        "SOORT INSTELLING",
        "PLAATSNAAM INSTELLING",
        *_QUALIFICATION,
    ),
    count_prefix="",
)
MBO_GRADUATES = MboLayout(
    resource="mbo_graduates_by_qualification",
    dataset="gediplomeerde-mbo-studenten",
    description="mbo graduates by institution, its place, path, level, qualification, "
    "sectorkamer and sex, DIPMAN/DIPVROUW per year",
    columns=("INSTELLINGSCODE", "INSTELLINGSNAAM", "PLAATSNAAM INSTELLING", *_QUALIFICATION),
    count_prefix="DIP",
)
MBO_LAYOUTS: tuple[MboLayout, ...] = (MBO_STUDENTS, MBO_GRADUATES)


@dataclass(frozen=True)
class MboParsedFile:
    """A parsed mbo portal file in long form.

    ``rows``: the layout's text columns as published, ``year`` (int, from the column name),
    ``sex_column`` (``MAN`` or ``VROUW``), ``count`` (nullable int, null where suppressed),
    ``is_suppressed``, ``line_number`` and ``column`` (the header name the count came from).
    """

    file_name: str
    layout: MboLayout
    rows: pd.DataFrame


def header_names(header: list[str]) -> list[str]:
    return [name.strip().upper() for name in header]


def overlap(layout: MboLayout, names: Iterable[str]) -> float:
    """How much of the layout's text columns a header holds (0..1)."""
    return len(set(layout.columns) & set(names)) / len(layout.columns)


def closest_mbo_layout(names: list[str]) -> MboLayout:
    """The mbo layout whose text columns the header holds most of (ties: the larger one)."""
    present = set(names)
    return max(
        MBO_LAYOUTS,
        key=lambda layout: (
            set(layout.columns) <= present,
            overlap(layout, present),
            len(layout.columns),
        ),
    )


def recognise_mbo_layout(names: list[str], file_name: str) -> MboLayout:
    """The mbo layout of a header; a missing text column is an error that names it."""
    layout = closest_mbo_layout(names)
    missing = [c for c in layout.columns if c not in set(names)]
    if missing:
        raise SourceFormatError(
            file_name,
            f"required column missing for a {layout.resource} file ({layout.description})",
            line=1,
            column=missing[0],
        )
    return layout


def count_columns(
    names: list[str], layout: MboLayout, file_name: str
) -> list[tuple[int, str, int]]:
    """(position, MAN/VROUW, year) of every count column, from the header names.

    Every year needs both a MAN and a VROUW column: a year with one of them means a renamed
    column (``VROUW 2023``), whose students would otherwise be silently left out.
    """
    pattern = layout.count_column
    found: list[tuple[int, str, int]] = []
    seen: dict[str, int] = {}
    for position, name in enumerate(names):
        if name in seen:
            raise SourceFormatError(
                file_name, "column name appears twice in the header", line=1, column=name
            )
        seen[name] = position
        match = pattern.match(name)
        if match:
            found.append((position, match.group(1), int(match.group(2))))
    if not found:
        raise SourceFormatError(
            file_name,
            f"no year columns (like {layout.example_count_columns()}) in the header of a "
            f"{layout.resource} file",
            line=1,
        )
    sexes_by_year: dict[int, set[str]] = {}
    for _, sex, year in found:
        sexes_by_year.setdefault(year, set()).add(sex)
    for year, sexes in sorted(sexes_by_year.items()):
        for sex in ("MAN", "VROUW"):
            if sex not in sexes:
                raise SourceFormatError(
                    file_name,
                    f"the header has no {layout.count_prefix}{sex}{year} column although "
                    f"other {year} columns are there (renamed?)",
                    line=1,
                    column=f"{layout.count_prefix}{sex}{year}",
                )
    return found


def read_header(text: str, file_name: str) -> list[str]:
    """The header names of a decoded current-format file (upper case, stripped)."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=",", quotechar='"', strict=True)
    try:
        return header_names(next(reader, []))
    except csv.Error as exc:
        raise SourceFormatError(file_name, f"unreadable header ({exc})", line=1) from exc


def parse_mbo_csv(data: bytes, file_name: str) -> MboParsedFile:
    """Parse one current-portal mbo file (students or graduates) into long rows."""
    text = decode_current(data, file_name)
    if not text.strip():
        raise SourceFormatError(file_name, "file is empty", line=1)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=",", quotechar='"', strict=True)
    try:
        names = header_names(next(reader))
    except csv.Error as exc:
        raise SourceFormatError(file_name, f"unreadable header ({exc})", line=1) from exc
    layout = recognise_mbo_layout(names, file_name)
    counts = count_columns(names, layout, file_name)
    records = list(_parse_records(reader, names, layout, counts, file_name))
    if not records:
        raise SourceFormatError(file_name, "header only, no data rows", line=1)
    frame = wide_cells_frame(records, layout.columns)
    return MboParsedFile(file_name=file_name, layout=layout, rows=frame)


def _parse_records(
    reader: Iterator[list[str]],
    names: list[str],
    layout: MboLayout,
    counts: list[tuple[int, str, int]],
    file_name: str,
) -> Iterator[tuple[object, ...]]:
    index = {name: i for i, name in enumerate(names)}
    text_at = [index[c] for c in layout.columns]
    try:
        for fields in reader:
            line = reader.line_num  # type: ignore[attr-defined]  # last line of this record
            if not fields or fields == [""]:
                continue
            if len(fields) != len(names):
                raise SourceFormatError(
                    file_name, f"{len(fields)} fields where the header has {len(names)}", line=line
                )
            text = tuple(fields[i].strip() for i in text_at)
            for position, sex, year in counts:
                count = parse_count(
                    fields[position], file_name=file_name, line=line, column=names[position]
                )
                yield (*text, year, sex, count, count is None, line, names[position])
    except csv.Error as exc:
        line = reader.line_num  # type: ignore[attr-defined]
        raise SourceFormatError(file_name, f"malformed CSV ({exc})", line=line) from exc
