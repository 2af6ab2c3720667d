"""GENERATED sample CBS tables, in CBS StatLine's OData v3 response format, for the sample landing.

The numbers are invented (plausible magnitudes, deterministic from a fixed seed); they are not
official CBS figures. Only the format imitates CBS: for each table of ``cbs_tables.toml`` that
the sample covers, the responses a fetch lands (TableInfos, DataProperties, every dimension's
code list, TypedDataSet pages linked by ``odata.nextLink``), with space-padded region keys,
per-table measure keys with a numeric suffix, ``x 1 000`` units and provisional periods marked
``*``. Every manifest says ``is_sample_data: true`` and carries a note starting with
"GENERATED SAMPLE DATA".

Use::

    from cbs_sample import land_cbs_samples      # beside generate_landing.py
    land_cbs_samples(LandingZone(out_dir))

``render_table(...)`` gives the responses without landing them (tests serve them over HTTP).
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from techpact.sources.cbs import FetchedTable, Response, api_url, feed_url, land_table
from techpact.sources.cbs_parse import tidy_table
from techpact.sources.cbs_tables import TableSpec, load_cbs_tables
from techpact.sources.landing import LandingZone

SEED = 20260102
BASE_URL = "https://opendata.cbs.nl"
FETCHED_AT = "2026-01-01T00:00:00+00:00"
PAGE_SIZE = 60
NOTE = (
    "GENERATED SAMPLE DATA (sample/cbs_sample.py): plausible magnitudes in CBS StatLine's "
    "OData v3 format; not official CBS figures"
)

# Regions as CBS lists them: key padded to 8 characters.
REGIONS = {
    "NL01": "Nederland",
    "LD02": "Oost-Nederland (LD)",
    "PV23": "Overijssel (PV)",
    "CR12": "Twente (CR)",
    "CR13": "Noord-Overijssel (CR)",
    "GM0141": "Almelo",
    "GM0153": "Enschede",
    "GM0164": "Hengelo (O.)",
}
# Share of the Dutch figure per region (invented, of plausible size).
REGION_SHARE = {
    "NL01": 1.0,
    "LD02": 0.215,
    "PV23": 0.066,
    "CR12": 0.0345,
    "CR13": 0.021,
    "GM0141": 0.0039,
    "GM0153": 0.0087,
    "GM0164": 0.0045,
}
REGION_UNEMPLOYMENT_SHIFT = {
    "NL01": 0.0,
    "LD02": -0.1,
    "PV23": -0.2,
    "CR12": 0.8,
    "CR13": -0.6,
    "GM0141": 1.3,
    "GM0153": 1.5,
    "GM0164": 0.7,
}


@dataclass(frozen=True)
class Dimension:
    key: str
    title: str
    type: str
    codes: tuple[tuple[str, str], ...]  # (key as published, padded or not; title)


@dataclass(frozen=True)
class Topic:
    key: str
    title: str
    unit: str
    decimals: int
    datatype: str = "Long"


@dataclass(frozen=True)
class SampleTable:
    table_id: str
    title: str
    short_title: str
    modified: str
    period: str
    dimensions: tuple[Dimension, ...]
    topics: tuple[Topic, ...]
    cells: Callable[[random.Random], list[dict[str, Any]]]


def _pad(key: str, width: int = 8) -> str:
    return key.ljust(width)


def _regions() -> Dimension:
    return Dimension(
        "RegioS",
        "Regio's",
        "GeoDimension",
        tuple((_pad(k), t) for k, t in REGIONS.items()),
    )


def _years(first: int, last: int, provisional: int | None = None) -> Dimension:
    return Dimension(
        "Perioden",
        "Perioden",
        "TimeDimension",
        tuple(
            (f"{y}JJ00", f"{y}{'*' if y == provisional else ''}") for y in range(first, last + 1)
        ),
    )


def _school_years(first: int, last: int, provisional: int | None = None) -> Dimension:
    return Dimension(
        "Perioden",
        "Perioden",
        "TimeDimension",
        tuple(
            (f"{y}SJ00", f"{y}/'{(y + 1) % 100:02d}{'*' if y == provisional else ''}")
            for y in range(first, last + 1)
        ),
    )


def _code(dim: Dimension, title: str) -> str:
    return next(key for key, t in dim.codes if t == title)


# -- labour participation ("Arbeidsdeelname; regionale indeling <year>") ----------------------

PERSONS = Dimension(
    "Persoonskenmerken",
    "Persoonskenmerken",
    "Dimension",
    (("T009002", "Totaal personen"), ("3000   ", "Mannen"), ("4000   ", "Vrouwen")),
)
LABOUR_TOPICS = (
    Topic("Beroepsbevolking_1", "Beroepsbevolking", "x 1 000", 0),
    Topic("WerkzameBeroepsbevolking_2", "Werkzame beroepsbevolking", "x 1 000", 0),
    Topic("WerklozeBeroepsbevolking_3", "Werkloze beroepsbevolking", "x 1 000", 0),
    Topic("Werkloosheidspercentage_4", "Werkloosheidspercentage", "%", 1, "Double"),
    Topic("Nettoarbeidsparticipatie_5", "Nettoarbeidsparticipatie", "%", 1, "Double"),
)
NL_LABOUR_FORCE = {2019: 9230, 2020: 9310, 2021: 9440, 2022: 9640, 2023: 9800, 2024: 9930}
NL_UNEMPLOYMENT = {2019: 3.4, 2020: 3.8, 2021: 4.2, 2022: 3.5, 2023: 3.6, 2024: 3.7}
NL_PARTICIPATION = {2019: 68.0, 2020: 67.8, 2021: 68.9, 2022: 70.3, 2023: 70.8, 2024: 71.0}


def _labour_cells(periods: Dimension) -> Callable[[random.Random], list[dict[str, Any]]]:
    def cells(rng: random.Random) -> list[dict[str, Any]]:
        rows = []
        for region_key, _ in _regions().codes:
            region = region_key.strip()
            for period_key, _ in periods.codes:
                year = int(period_key[:4])
                for person_key, _ in PERSONS.codes:
                    part = (
                        1.0 if person_key == "T009002" else (0.53 if "3000" in person_key else 0.47)
                    )
                    force = round(
                        NL_LABOUR_FORCE[year]
                        * REGION_SHARE[region]
                        * part
                        * rng.uniform(0.99, 1.01)
                    )
                    rate = max(
                        1.5,
                        NL_UNEMPLOYMENT[year]
                        + REGION_UNEMPLOYMENT_SHIFT[region]
                        + rng.uniform(-0.2, 0.2),
                    )
                    unemployed = round(force * rate / 100)
                    participation = NL_PARTICIPATION[year] - 1.2 * (region != "NL01")
                    rows.append(
                        {
                            "Persoonskenmerken": person_key,
                            "RegioS": region_key,
                            "Perioden": period_key,
                            "Beroepsbevolking_1": force,
                            "WerkzameBeroepsbevolking_2": force - unemployed,
                            "WerklozeBeroepsbevolking_3": unemployed,
                            "Werkloosheidspercentage_4": round(100 * unemployed / force, 1),
                            "Nettoarbeidsparticipatie_5": round(
                                participation + rng.uniform(-0.5, 0.5), 1
                            ),
                        }
                    )
        return rows

    return cells


def _labour_table(table_id: str, year: int, first: int, last: int, provisional=None):
    periods = _years(first, last, provisional)
    return SampleTable(
        table_id=table_id,
        title=f"Arbeidsdeelname; regionale indeling {year}",
        short_title=f"Arbeidsdeelname; regio {year}",
        modified=f"{last + 1}-03-2{year % 10}T02:00:00",
        period=f"{first}-{last}",
        dimensions=(PERSONS, _regions(), periods),
        topics=LABOUR_TOPICS,
        cells=_labour_cells(periods),
    )


# -- jobs by sector (83582NED) ------------------------------------------------------------------

SECTORS = Dimension(
    "BedrijfstakkenBranchesSBI2008",
    "Bedrijfstakken/branches (SBI 2008)",
    "Dimension",
    (
        ("T001081", "A-U Alle economische activiteiten"),
        ("301000 ", "A Landbouw, bosbouw en visserij"),
        ("307500 ", "C Industrie"),
        ("391600 ", "F Bouwnijverheid"),
        ("422400 ", "J Informatie en communicatie"),
    ),
)
NL_JOBS = {2019: 7980, 2020: 7990, 2021: 8150, 2022: 8420, 2023: 8560}
SECTOR_SHARE = {  # (Nederland, Twente-like regions)
    "A Landbouw, bosbouw en visserij": (0.013, 0.011),
    "C Industrie": (0.098, 0.158),
    "F Bouwnijverheid": (0.041, 0.054),
    "J Informatie en communicatie": (0.041, 0.027),
}
TWENTE_LIKE = {"CR12", "GM0141", "GM0153", "GM0164", "PV23", "CR13", "LD02"}


def _jobs_cells(rng: random.Random) -> list[dict[str, Any]]:
    rows = []
    for region_key, _ in _regions().codes:
        region = region_key.strip()
        for period_key, _ in _years(2019, 2023, 2023).codes:
            year = int(period_key[:4])
            total = NL_JOBS[year] * REGION_SHARE[region] * 0.93 * rng.uniform(0.99, 1.01)
            if region == "NL01":
                total = NL_JOBS[year]
            for sector_key, title in SECTORS.codes:
                if sector_key == "T001081":
                    value = total
                else:
                    shares = SECTOR_SHARE[title]
                    value = total * shares[region in TWENTE_LIKE] * rng.uniform(0.97, 1.03)
                rows.append(
                    {
                        "BedrijfstakkenBranchesSBI2008": sector_key,
                        "RegioS": region_key,
                        "Perioden": period_key,
                        "BanenVanWerknemers_1": round(value, 1),
                    }
                )
    return rows


JOBS = SampleTable(
    table_id="83582NED",
    title="Banen van werknemers; economische activiteit (SBI 2008), regio",
    short_title="Banen werknemers; SBI 2008, regio",
    modified="2025-06-30T02:00:00",
    period="2019-2023*",
    dimensions=(SECTORS, _regions(), _years(2019, 2023, 2023)),
    topics=(Topic("BanenVanWerknemers_1", "Banen van werknemers", "x 1 000", 1, "Double"),),
    cells=_jobs_cells,
)

# -- students and graduates by woonregio (85701NED, 85702NED) ------------------------------------

SEX = Dimension(
    "Geslacht",
    "Geslacht",
    "Dimension",
    (("T001038", "Totaal mannen en vrouwen"), ("3000   ", "Mannen"), ("4000   ", "Vrouwen")),
)
AGE = Dimension("Leeftijd", "Leeftijd", "Dimension", (("10000  ", "Totaal"),))
MIGRATION = Dimension(
    "Migratieachtergrond", "Migratieachtergrond", "Dimension", (("1012600", "Totaal"),)
)
STUDENT_TYPES = Dimension(
    "Onderwijssoort",
    "Onderwijssoort",
    "Dimension",
    (
        ("A041867", "Totaal middelbaar beroepsonderwijs"),
        ("A041868", "Mbo bol"),
        ("A025294", "Hoger beroepsonderwijs"),
        ("A025297", "Wetenschappelijk onderwijs"),
    ),
)
NL_STUDENTS = {"A041867": 505_000, "A041868": 380_000, "A025294": 495_000, "A025297": 335_000}
GRADUATE_TYPES = Dimension(
    "Onderwijssoort",
    "Onderwijssoort",
    "Dimension",
    (
        ("A025290", "Totaal mbo"),
        ("A043049", "Hbo bachelor"),
        ("A043054", "Wo bachelor"),
    ),
)
NL_GRADUATES = {"A025290": 152_000, "A043049": 79_000, "A043054": 47_000}


def _education_cells(
    types: Dimension, national: dict[str, int], measure: str
) -> Callable[[random.Random], list[dict[str, Any]]]:
    def cells(rng: random.Random) -> list[dict[str, Any]]:
        rows = []
        for region_key, _ in _regions().codes:
            region = region_key.strip()
            for period_key, _ in _school_years(2019, 2023, 2023).codes:
                growth = 1.0 + 0.008 * (int(period_key[:4]) - 2019)
                for type_key, _ in types.codes:
                    total = national[type_key] * REGION_SHARE[region] * growth
                    total *= rng.uniform(0.97, 1.03) if region != "NL01" else 1.0
                    for sex_key, _ in SEX.codes:
                        part = 1.0 if sex_key == "T001038" else 0.5
                        rows.append(
                            {
                                "Geslacht": sex_key,
                                "Leeftijd": AGE.codes[0][0],
                                "Onderwijssoort": type_key,
                                "Migratieachtergrond": MIGRATION.codes[0][0],
                                "RegioS": region_key,
                                "Perioden": period_key,
                                measure: round(total * part),
                            }
                        )
        return rows

    return cells


STUDENTS = SampleTable(
    table_id="85701NED",
    title="Leerlingen, deelnemers en studenten; onderwijssoort, woonregio",
    short_title="Leerlingen en studenten; woonregio",
    modified="2025-03-14T02:00:00",
    period="2019/'20-2023/'24*",
    dimensions=(SEX, AGE, STUDENT_TYPES, MIGRATION, _regions(), _school_years(2019, 2023, 2023)),
    topics=(Topic("LeerlingenStudenten_1", "Leerlingen, deelnemers en studenten", "aantal", 0),),
    cells=_education_cells(STUDENT_TYPES, NL_STUDENTS, "LeerlingenStudenten_1"),
)
GRADUATES = SampleTable(
    table_id="85702NED",
    title="Gediplomeerden; onderwijssoort, woonregio",
    short_title="Gediplomeerden; woonregio",
    modified="2025-03-14T02:00:00",
    period="2019/'20-2023/'24*",
    dimensions=(SEX, AGE, GRADUATE_TYPES, MIGRATION, _regions(), _school_years(2019, 2023, 2023)),
    topics=(Topic("Gediplomeerden_1", "Gediplomeerden", "aantal", 0),),
    cells=_education_cells(GRADUATE_TYPES, NL_GRADUATES, "Gediplomeerden_1"),
)

SAMPLE_TABLES = (
    STUDENTS,
    GRADUATES,
    _labour_table("85269NED", 2021, 2019, 2021),
    _labour_table("85494NED", 2022, 2020, 2022),
    _labour_table("86088NED", 2024, 2022, 2024, provisional=2024),
    JOBS,
)

# -- OData v3 rendering ---------------------------------------------------------------------------


def _json(payload: dict[str, Any]) -> bytes:
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _envelope(metadata: str, values: list[dict[str, Any]], next_link: str | None = None) -> bytes:
    payload: dict[str, Any] = {"odata.metadata": metadata, "value": values}
    if next_link:
        payload["odata.nextLink"] = next_link
    return _json(payload)


def render_table_infos(table: SampleTable, base_url: str) -> bytes:
    meta = api_url(base_url, table.table_id, "$metadata#Cbs.OData.WebAPI.TableInfos")
    return _envelope(
        meta,
        [
            {
                "ID": 1,
                "Title": table.title,
                "ShortTitle": table.short_title,
                "Identifier": table.table_id,
                "Summary": "GENERATED SAMPLE DATA: not an official CBS table",
                "Modified": table.modified,
                "MetaDataModified": table.modified,
                "ReasonDelivery": "Actualisering",
                "ExplanatoryText": "",
                "OutputStatus": "Regulier",
                "Source": "CBS.",
                "Language": "nl",
                "Catalog": "CBS",
                "Frequency": "Perjaar",
                "Period": table.period,
                "ShortDescription": "GENERATED SAMPLE DATA (techpact)",
                "Description": "GENERATED SAMPLE DATA (techpact); not official CBS figures.",
                "DefaultPresentation": "",
                "DefaultSelection": "$filter=...",
                "GraphTypes": "Table,Bar,Line",
                "RecordCount": 0,
                "ColumnCount": len(table.dimensions) + len(table.topics),
                "SearchPriority": "2",
            }
        ],
    )


def render_data_properties(table: SampleTable, base_url: str) -> bytes:
    meta = api_url(base_url, table.table_id, "$metadata#Cbs.OData.WebAPI.DataProperties")
    values: list[dict[str, Any]] = []
    for position, dim in enumerate(table.dimensions):
        entry: dict[str, Any] = {
            "odata.type": f"Cbs.OData.WebAPI.{dim.type}",
            "ID": len(values),
            "Position": position,
            "ParentID": None,
            "Type": dim.type,
            "Key": dim.key,
            "Title": dim.title,
            "Description": "",
        }
        if dim.type == "GeoDimension":
            entry |= {"MapYear": "2024", "ReleasePolicy": True}
        elif dim.type == "TimeDimension":
            entry |= {"ReleasePolicy": True}
        else:
            entry |= {"Default": "Selected", "Hierarchical": False}
        values.append(entry)
    for position, topic in enumerate(table.topics, start=len(table.dimensions)):
        values.append(
            {
                "odata.type": "Cbs.OData.WebAPI.Topic",
                "ID": len(values),
                "Position": position,
                "ParentID": None,
                "Type": "Topic",
                "Key": topic.key,
                "Title": topic.title,
                "ShortTitle": topic.title,
                "Description": "",
                "Datatype": topic.datatype,
                "Unit": topic.unit,
                "Decimals": topic.decimals,
                "Default": "Impossible",
                "PresentationType": "Absolute",
            }
        )
    return _envelope(meta, values)


def render_dimension(table: SampleTable, dim: Dimension, base_url: str) -> bytes:
    meta = api_url(base_url, table.table_id, f"$metadata#Cbs.OData.WebAPI.{dim.key}")
    values = []
    for key, title in dim.codes:
        entry: dict[str, Any] = {"Key": key, "Title": title, "Description": ""}
        if dim.type == "TimeDimension":
            entry["Status"] = "Voorlopig" if title.endswith("*") else "Definitief"
        else:
            entry["CategoryGroupID"] = None
        values.append(entry)
    return _envelope(meta, values)


def render_pages(
    table: SampleTable, rows: list[dict[str, Any]], base_url: str, page_size: int = PAGE_SIZE
) -> list[tuple[str, bytes]]:
    """(url, body) per TypedDataSet page, linked by ``odata.nextLink``; rows get their ID."""
    feed = feed_url(base_url, table.table_id)
    meta = feed.removesuffix("TypedDataSet") + "$metadata#Cbs.OData.WebAPI.TypedDataSet"
    numbered = [{"ID": n, **row} for n, row in enumerate(rows)]
    chunks = [numbered[i : i + page_size] for i in range(0, len(numbered), page_size)] or [[]]
    urls = [feed] + [f"{feed}?$format=json&$skip={i * page_size}" for i in range(1, len(chunks))]
    return [
        (urls[n], _envelope(meta, chunk, urls[n + 1] if n + 1 < len(chunks) else None))
        for n, chunk in enumerate(chunks)
    ]


def selected_rows(table: SampleTable, spec: TableSpec, rng: random.Random) -> list[dict[str, Any]]:
    """The rows a ``$filter`` on the spec's regions and periods returns."""
    regions = set(spec.regions)
    first = spec.first_year
    return [
        row
        for row in table.cells(rng)
        if row["RegioS"].strip() in regions and int(row["Perioden"][:4]) >= first
    ]


def render_table(
    table: SampleTable, spec: TableSpec, base_url: str = BASE_URL, seed: int = SEED
) -> FetchedTable:
    """Every response a fetch of ``spec`` gets from a server holding ``table``."""
    rng = random.Random(f"{seed}-{table.table_id}")
    pages = render_pages(table, selected_rows(table, spec, rng), base_url)
    return FetchedTable(
        table_infos=Response(
            api_url(base_url, table.table_id, "TableInfos"), render_table_infos(table, base_url)
        ),
        data_properties=Response(
            api_url(base_url, table.table_id, "DataProperties"),
            render_data_properties(table, base_url),
        ),
        dimensions={
            dim.key: Response(
                api_url(base_url, table.table_id, dim.key), render_dimension(table, dim, base_url)
            )
            for dim in table.dimensions
        },
        pages=tuple(Response(url, body) for url, body in pages),
    )


def land_cbs_samples(zone: LandingZone, tables: Iterable[SampleTable] = SAMPLE_TABLES) -> None:
    """Land every sample table as one complete fetch (marker last), labelled GENERATED."""
    specs = load_cbs_tables()
    for table in tables:
        spec = specs.get(table.table_id)
        fetched = render_table(table, spec)
        rows = tidy_table(spec, fetched.as_responses(), file_name=table.table_id)
        land_table(
            zone,
            spec,
            fetched,
            modified=table.modified,
            row_count=len(rows),
            fetched_at=FETCHED_AT,
            is_sample_data=True,
            note=NOTE,
        )
