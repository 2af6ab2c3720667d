"""DUO Open Onderwijsdata: parse any DUO file into one tidy shape.

:func:`parse_duo_file` is the entry point: it recognises the format from the header
(:mod:`techpact.sources.duo_formats`), parses a current hbo/wo file here, a current mbo file
(wide, ``MAN2021,VROUW2021,…``) with :mod:`techpact.sources.duo_mbo` or a legacy file with
:mod:`techpact.sources.duo_legacy`, tells hbo from wo by the values, and returns rows in the
tidy shape of :data:`TIDY_COLUMNS` together with the resource they belong to.

The current (CKAN portal) CSV format:

The portal publishes comma-separated files, every text field double-quoted, UTF-8 (sometimes
with a BOM), CRLF line ends, in a long layout: one row per year. Small numbers are suppressed:
the files hold ``-1``; DUO's notes also describe ``<5``. A suppressed cell is never a count.

Parsing is pure: bytes in, a :class:`ParsedFile` out. The layout is recognised from the header,
never from the file name or column positions.
"""

from __future__ import annotations

import csv
import io
import logging
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import pandas as pd

from techpact.sources import duo_legacy, duo_mbo
from techpact.sources.duo_formats import SUPPRESSION_MARKERS as SUPPRESSION_MARKERS
from techpact.sources.duo_formats import UTF8_BOM as UTF8_BOM
from techpact.sources.duo_formats import (
    decode_current,
    header_line,
    is_avg_flag_column,
    parse_count,
    recognise_format,
)
from techpact.sources.duo_published import refuse_unread_breakdown
from techpact.sources.errors import SourceFormatError, quoted_list

_YEAR = re.compile(r"[0-9]{4}")


log = logging.getLogger(__name__)


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
    return decode_current(data, file_name)


def recognise_layout(header: list[str], file_name: str) -> Layout:
    """Pick the layout whose columns the header holds; name what is missing otherwise."""
    names = [h.strip().upper() for h in header]
    present = set(names)
    matches = [layout for layout in LAYOUTS if set(layout.columns) <= present]
    if matches:
        layout = max(matches, key=lambda layout: len(layout.columns))
        extra = [n for n in names if n not in layout.columns]
        if extra:  # kept in the rows, never read: said, not silently accepted
            log.warning(
                "%s: column(s) %s are not part of the %s layout and are not used",
                file_name,
                quoted_list(extra),
                layout.resource,
            )
        return layout
    # Another breakdown of a dataset (graduates by sex, …): refused by name, not as broken.
    refuse_unread_breakdown(header, file_name)
    # The closest layout is the one missing the fewest columns (ties: the smaller layout).
    closest = min(
        LAYOUTS, key=lambda layout: (len(set(layout.columns) - present), len(layout.columns))
    )
    overlap = len(set(closest.columns) & present)
    if overlap < len(closest.columns) // 2:
        raise SourceFormatError(
            file_name,
            f"unknown header {quoted_list(names)}; known DUO layouts: "
            + ", ".join(
                [layout.resource for layout in LAYOUTS]
                + [layout.resource for layout in duo_mbo.MBO_LAYOUTS]
            ),
            line=1,
        )
    missing = [c for c in closest.columns if c not in present]
    raise SourceFormatError(
        file_name,
        f"required column missing for a {closest.resource} file ({closest.description})",
        line=1,
        column=missing[0],
    )


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
    avg_at = [i for i, name in enumerate(names) if is_avg_flag_column(name)]
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
                fields[measure_at],
                file_name=file_name,
                line=line,
                column=layout.measure_column,
                avg_flagged=any(
                    fields[i].strip().upper() not in {"", "N", "NEE", "0"} for i in avg_at
                ),
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


# --- One tidy shape for every DUO file --------------------------------------------------------

TIDY_COLUMNS = (
    "year",
    "education_sector",
    "province_name",
    "gemeente_code",
    "gemeente_name",
    "place_name",
    "institution_code",
    "institution_name",
    "sector",
    "subsector",
    "sectorkamer",
    "programme_code",
    "programme_name",
    "programme_type",
    "level",
    "study_path",
    "study_mode",
    "diploma_type",
    "sex",
    "count",
    "is_suppressed",
    "source_format",
    "line_number",
)
"""Columns of every tidy DUO table. ``sector`` is the CROHO sector (``ONDERDEEL``) for hbo/wo
and the mbo sector for legacy mbo, upper case (null in the current mbo files, which have none);
``subsector`` the CROHO subsector, or the mbo hoofdgroep of a current mbo file;
``sectorkamer`` the mbo sectorkamer (SBB sector unit), lower case; ``sex`` is ``male``,
``female``, ``unknown`` or ``total`` (a file without a sex breakdown, or the legacy mbo
``TOTAAL`` columns; the current mbo files have MAN and VROUW only); ``study_path`` is the
learning path as published (``BOLVT``, ``BOLDT``, ``BBL``, ``EX``, ``OVO``); ``count`` is null
where suppressed."""

INSTITUTION_COLUMNS = (
    "institution_code",
    "institution_name",
    "education_sector",
    "gemeente_code",
    "gemeente_name",
    "corop_code",
    "corop_name",
    "line_number",
)

# Which dataset a measure belongs to, and the resource a file of it lands as.
DATASET_OF_MEASURE = {
    "enrolment": "p01hoinges",
    "inflow": "p02ho1ejrs",
    "graduates": "p04hogdipl",
}
MEASURE_OF_DATASET = {dataset: measure for measure, dataset in DATASET_OF_MEASURE.items()}
MBO_STUDENTS_DATASET = "mbo-deelnemers"  # the legacy duo.nl deelnemers file, 2015-2019
INSTITUTIONS_DATASET = "adressen-ho"
# The current-portal mbo datasets (techpact.sources.duo_mbo).
MBO_PORTAL_DATASETS = tuple(layout.dataset for layout in duo_mbo.MBO_LAYOUTS)
DATASETS = (
    *DATASET_OF_MEASURE.values(),
    MBO_STUDENTS_DATASET,
    *MBO_PORTAL_DATASETS,
    INSTITUTIONS_DATASET,
)

# Sibling resources: the same students broken down in different ways. Never add them
# together; their totals per year must agree (see warehouse.loaders.duo.sibling_totals).
SIBLING_RESOURCES = (
    ("hbo_enrolment_by_sex", "hbo_enrolment_by_programme"),
    ("wo_enrolment_by_sex", "wo_enrolment_by_programme"),
)

MEASURE_OF_LAYOUT = {
    "hbo_enrolment_by_sex": ("enrolment", "by_sex"),
    "hbo_enrolment_by_programme": ("enrolment", "by_programme"),
    "hbo_inflow_by_programme": ("inflow", "by_programme"),
    "hbo_graduates_by_programme": ("graduates", "by_programme"),
}
_SEX = {"MAN": "male", "VROUW": "female", "TOTAAL": "total"}
_WO_INSTITUTION = re.compile(r"universit(?!.*applied sciences)", re.IGNORECASE)


class DatasetMismatchError(SourceFormatError):
    """A file that parses, but belongs to another dataset than the one it was given as."""


@dataclass(frozen=True)
class TidyFile:
    """A DUO file of any format, parsed and normalised.

    ``rows`` has :data:`TIDY_COLUMNS` (or :data:`INSTITUTION_COLUMNS` for the address list).
    ``empty_records`` counts the ``""``-only lines legacy files carry between records, and
    ``empty_year_groups`` the legacy mbo years with MAN, VROUW and TOTAAL all blank.
    """

    file_name: str
    format: str
    encoding: str
    dataset: str
    resource: str
    education_sector: str | None
    rows: pd.DataFrame
    empty_records: int = 0
    empty_year_groups: int = 0

    @property
    def suppressed_cell_count(self) -> int:
        return int(self.rows["is_suppressed"].sum()) if "is_suppressed" in self.rows else 0


def recognise_education_sector(
    institution_names: pd.Series, diploma_types: pd.Series | None, file_name: str
) -> str:
    """hbo or wo, from the values: the diploma type (``hbo bachelor``/``wo master``) where the
    file has one, else the institutions (most rows at a *universiteit* or *university* that is
    not "of applied sciences": wo). The headers of hbo and wo files are the same."""
    if diploma_types is not None:
        prefixes = diploma_types.str.strip().str.lower().str.split(" ").str[0]
        counts = prefixes[prefixes.isin(["hbo", "wo"])].value_counts()
        if not counts.empty:
            return str(counts.idxmax())
    return education_sector_of_names(institution_names.dropna().value_counts().to_dict(), file_name)


def education_sector_of_names(rows_by_name: Mapping[str, int], file_name: str) -> str:
    """wo when more than half of the rows are at a *universiteit* or *university* that is not
    "of applied sciences", else hbo; each distinct name is classified once."""
    rows = sum(rows_by_name.values())
    if not rows:
        raise SourceFormatError(file_name, "no institution names to tell hbo from wo")
    wo = sum(n for name, n in rows_by_name.items() if _WO_INSTITUTION.search(name))
    return "wo" if wo / rows > 0.5 else "hbo"


def parse_duo_file(data: bytes, file_name: str, *, dataset: str | None = None) -> TidyFile:
    """Parse any DUO file, current or legacy, into the tidy shape.

    ``dataset`` is needed only where the header cannot tell: a legacy hbo/wo student file has
    the same header whether it counts all students (``p01hoinges``) or first-years
    (``p02ho1ejrs``). Where the header can tell, a ``dataset`` that disagrees is an error.
    """
    if recognise_format(data, file_name) == "current":
        if is_mbo_header(data, file_name):
            tidy = _tidy_mbo(duo_mbo.parse_mbo_csv(data, file_name))
        else:
            tidy = _tidy_current(parse_current_csv(data, file_name))
    else:
        tidy = _tidy_legacy(duo_legacy.parse_legacy_csv(data, file_name), dataset)
    if dataset is not None and tidy.dataset != dataset:
        raise DatasetMismatchError(
            file_name,
            f"this is a {tidy.resource} file ({tidy.format} format), which belongs to dataset "
            f"{tidy.dataset}, not {dataset}",
        )
    return tidy


def is_mbo_header(data: bytes, file_name: str) -> bool:
    """True when a current-format header is closer to an mbo portal file than to a hbo/wo one.

    Closeness is the share of a layout's text columns the header holds, so a header with one
    renamed column still goes to the parser of its kind, which names the missing column.
    """
    header = header_line(data).decode("utf-8", errors="replace")  # the parser reports bad bytes
    names = duo_mbo.read_header(header, file_name)
    ho = max(len(set(layout.columns) & set(names)) / len(layout.columns) for layout in LAYOUTS)
    mbo = max(duo_mbo.overlap(layout, names) for layout in duo_mbo.MBO_LAYOUTS)
    return mbo > ho


def _gemeente_code(numbers: pd.Series) -> pd.Series:
    return "GM" + numbers.str.strip().str.zfill(4)


def _sex(values: pd.Series) -> pd.Series:
    upper = values.str.strip().str.upper()
    return upper.map(_SEX).fillna("unknown")


def _finish(frame: pd.DataFrame) -> pd.DataFrame:
    for column in TIDY_COLUMNS:
        if column not in frame:
            frame[column] = None
    frame = frame[list(TIDY_COLUMNS)].copy()
    frame["count"] = frame["count"].astype("Int64")
    frame["year"] = frame["year"].astype("int32")
    frame["line_number"] = frame["line_number"].astype("int64")
    frame["is_suppressed"] = frame["is_suppressed"].astype(bool)
    text = [c for c in TIDY_COLUMNS if c not in {"year", "count", "is_suppressed", "line_number"}]
    frame[text] = frame[text].astype("string")
    return frame


def _column(rows: pd.DataFrame, name: str) -> pd.Series | None:
    return rows[name].astype("string").str.strip() if name in rows else None


def _tidy_current(parsed: ParsedFile) -> TidyFile:
    rows = parsed.rows
    measure, breakdown = MEASURE_OF_LAYOUT[parsed.layout.resource]
    sector = recognise_education_sector(
        rows["INSTELLINGSNAAM_ACTUEEL"], _column(rows, "SOORT_DIPLOMA"), parsed.file_name
    )
    programme_type = _column(rows, "TYPE_HOGER_ONDERWIJS")
    diploma = _column(rows, "SOORT_DIPLOMA")
    frame = pd.DataFrame(
        {
            "year": rows["year"],
            "education_sector": sector,
            "province_name": _column(rows, "PROVINCIENAAM"),
            "gemeente_code": _gemeente_code(rows["GEMEENTENUMMER"]),
            "gemeente_name": _column(rows, "GEMEENTENAAM"),
            "institution_code": _column(rows, "INSTELLINGSCODE_ACTUEEL"),
            "institution_name": _column(rows, "INSTELLINGSNAAM_ACTUEEL"),
            "sector": rows["ONDERDEEL"].str.strip().str.upper(),
            "subsector": _column(rows, "SUBONDERDEEL"),
            "programme_code": _column(rows, "OPLEIDINGSCODE_ACTUEEL"),
            "programme_name": _column(rows, "OPLEIDINGSNAAM_ACTUEEL"),
            "programme_type": None if programme_type is None else programme_type.str.lower(),
            "diploma_type": None if diploma is None else diploma.str.lower(),
            "sex": _sex(rows["GESLACHT"]) if "GESLACHT" in rows else "total",
            "count": rows["count"],
            "is_suppressed": rows["is_suppressed"],
            "source_format": "current",
            "line_number": rows["line_number"],
        }
    )
    return TidyFile(
        file_name=parsed.file_name,
        format="current",
        encoding="utf-8",
        dataset=DATASET_OF_MEASURE[measure],
        resource=f"{sector}_{measure}_{breakdown}",
        education_sector=sector,
        rows=_finish(frame),
    )


def _tidy_mbo(parsed: duo_mbo.MboParsedFile) -> TidyFile:
    """A current-portal mbo file: place as published (upper case), sectorkamer lower case (as
    the legacy file's sector unit), hoofdgroep in ``subsector``, sex from MAN/VROUW."""
    rows = parsed.rows
    frame = pd.DataFrame(
        {
            "year": rows["year"],
            "education_sector": "mbo",
            "place_name": rows["PLAATSNAAM INSTELLING"].str.upper(),
            "institution_code": rows["INSTELLINGSCODE"],
            "institution_name": rows["INSTELLINGSNAAM"],
            "subsector": rows["HOOFDGROEP NAAM"],
            "sectorkamer": rows["SECTORKAMER NAAM"].str.lower(),
            "programme_code": rows["ERKENDE OPLEIDING CODE"],
            "programme_name": rows["ERKENDE OPLEIDING NAAM"],
            "level": rows["NIVEAU"],
            "study_path": rows["LEERWEG"].str.upper(),
            "sex": _sex(rows["sex_column"]),
            "count": rows["count"],
            "is_suppressed": rows["is_suppressed"],
            "source_format": "current",
            "line_number": rows["line_number"],
        }
    )
    return TidyFile(
        file_name=parsed.file_name,
        format="current",
        encoding="utf-8",
        dataset=parsed.layout.dataset,
        resource=parsed.layout.resource,
        education_sector="mbo",
        rows=_finish(frame),
    )


def _tidy_legacy(parsed: duo_legacy.LegacyParsedFile, dataset: str | None) -> TidyFile:
    kind = parsed.layout.kind
    rows = parsed.rows
    common = {
        "file_name": parsed.file_name,
        "format": "legacy",
        "encoding": parsed.encoding,
        "empty_records": parsed.empty_records,
        "empty_year_groups": parsed.empty_year_groups,
    }
    if kind == "ho_institutions":
        frame = pd.DataFrame(
            {
                "institution_code": rows["INSTELLINGSCODE"].str.strip(),
                "institution_name": rows["INSTELLINGSNAAM"].str.strip(),
                "education_sector": rows["SOORT HO"].str.strip().str.lower(),
                "gemeente_code": _gemeente_code(rows["GEMEENTENUMMER"]),
                "gemeente_name": rows["GEMEENTENAAM"].str.strip(),
                "corop_code": "CR" + rows["COROPGEBIED CODE"].str.strip().str.zfill(2),
                "corop_name": rows["COROPGEBIED NAAM"].str.strip(),
                "line_number": rows["line_number"],
            }
        ).astype({c: "string" for c in INSTITUTION_COLUMNS if c != "line_number"})
        return TidyFile(
            **common,
            dataset=INSTITUTIONS_DATASET,
            resource="ho_institutions",
            education_sector=None,
            rows=frame,
        )
    if kind == "mbo_students":
        sectorkamer = rows["SECTORUNIT SBB"].str.strip().str.lower().str.removeprefix("sectorunit ")
        frame = pd.DataFrame(
            {
                "year": rows["year"],
                "education_sector": "mbo",
                "place_name": rows["PLAATSNAAM"].str.strip().str.upper(),
                "institution_code": rows["BRIN NUMMER"].str.strip(),
                "institution_name": rows["INSTELLINGSNAAM"].str.strip(),
                "sector": rows["MBO SECTOR"].str.strip().str.upper(),
                "sectorkamer": sectorkamer,
                "programme_code": rows["KWALIFICATIE CODE"].str.strip(),
                "programme_name": rows["KWALIFICATIE NAAM"].str.strip(),
                "level": rows["KWALIFICATIENIVEAU"].str.strip(),
                "study_path": rows["TYPE MBO"].str.strip().str.upper(),
                "sex": _sex(rows["sex_column"]),
                "count": rows["count"],
                "is_suppressed": rows["is_suppressed"],
                "source_format": "legacy",
                "line_number": rows["line_number"],
            }
        )
        return TidyFile(
            **common,
            dataset=MBO_STUDENTS_DATASET,
            resource="mbo_students_by_qualification",
            education_sector="mbo",
            rows=_finish(frame),
        )
    diploma = rows.get("SOORT DIPLOMA")
    sector = recognise_education_sector(rows["INSTELLINGSNAAM ACTUEEL"], diploma, parsed.file_name)
    if kind == "ho_graduates":
        measure = "graduates"
    elif dataset in ("p01hoinges", "p02ho1ejrs"):
        measure = MEASURE_OF_DATASET[dataset]
    else:
        raise SourceFormatError(
            parsed.file_name,
            "a legacy hbo/wo student file has the same header whether it counts all students "
            "or first-years: name its dataset (p01hoinges: all students, p02ho1ejrs: "
            f"first-years){'' if dataset is None else f', not {dataset}'}",
            line=1,
        )
    frame = pd.DataFrame(
        {
            "year": rows["year"],
            "education_sector": sector,
            "province_name": rows["PROVINCIE"].str.strip(),
            "gemeente_code": _gemeente_code(rows["GEMEENTENUMMER"]),
            "gemeente_name": rows["GEMEENTENAAM"].str.strip(),
            "institution_code": rows["BRIN NUMMER ACTUEEL"].str.strip(),
            "institution_name": rows["INSTELLINGSNAAM ACTUEEL"].str.strip(),
            "sector": rows["CROHO ONDERDEEL"].str.strip().str.upper(),
            "subsector": rows["CROHO SUBONDERDEEL"].str.strip(),
            "programme_code": rows["OPLEIDINGSCODE ACTUEEL"].str.strip(),
            "programme_name": rows["OPLEIDINGSNAAM ACTUEEL"].str.strip(),
            "programme_type": (
                rows["TYPE HOGER ONDERWIJS"].str.strip().str.lower()
                if "TYPE HOGER ONDERWIJS" in rows
                else None
            ),
            "study_mode": rows["OPLEIDINGSVORM"].str.strip().str.lower(),
            "diploma_type": None if diploma is None else diploma.str.strip().str.lower(),
            "sex": _sex(rows["GESLACHT"]),
            "count": rows["count"],
            "is_suppressed": rows["is_suppressed"],
            "source_format": "legacy",
            "line_number": rows["line_number"],
        }
    )
    return TidyFile(
        **common,
        dataset=DATASET_OF_MEASURE[measure],
        resource=f"{sector}_{measure}_by_programme",
        education_sector=sector,
        rows=_finish(frame),
    )
