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

The sample also holds CBS "Gebieden in Nederland 2024" (85755NED, the region hierarchy), in the
v3 shape of the real table (nested TopicGroups "Lokaliseringen van gemeenten" > "COROP-gebieden"
> Topics "Code"/"Naam", values padded to 10 and 50 characters), with only the groups techpact
reads, keyed as in the 2023+ tables: the gemeenten of the bundled seed (Twente, Zuidoost-Noord-
Brabant and the rest of Overijssel it lists) and the other gemeenten the DUO sample uses. The
data tables are landed as a fetch for the sample's pact regions (``SAMPLE_PACT_REGIONS``:
Twente and Zuidoost-Noord-Brabant) asks for them.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from techpact.sources.cbs import FetchedTable, Response, api_url, feed_url, land_table
from techpact.sources.cbs_parse import tidy_table
from techpact.sources.cbs_regions import (
    RegionRecord,
    parse_region_seed,
    parse_region_table,
    read_seed_text,
    regions_to_fetch,
)
from techpact.sources.cbs_tables import RegionTableSpec, TableSpec, load_cbs_tables
from techpact.sources.landing import LandingZone

SEED = 20260102
BASE_URL = "https://opendata.cbs.nl"
FETCHED_AT = "2026-01-01T00:00:00+00:00"
PAGE_SIZE = 60  # tests/test_run_online.py replays the sample with this page size
# Key widths as real CBS responses have them (../shared/samples/cbs_real/PROVENANCE.md): RegioS
# 6 wide in regional tables ("NL01  ", "GM0153"), 10 wide in the Gebieden tables
# ("GM0141    "); category keys padded to the longest key of their dimension.
REGION_KEY_WIDTH = 6
GEBIEDEN_KEY_WIDTH = 10
NOTE = (
    "GENERATED SAMPLE DATA (sample/cbs_sample.py): plausible magnitudes in CBS StatLine's "
    "OData v3 format; not official CBS figures"
)

SAMPLE_PACT_REGIONS = ("CR12", "CR36")  # Twente and Zuidoost-Noord-Brabant (Eindhoven)
# Regions as CBS lists them (key padded to REGION_KEY_WIDTH), with the share of the Dutch figure
# and the shift of the unemployment rate (both invented, of plausible size). New regions go
# last: each table draws its random numbers region by region.
_REGION_ROWS = (
    ("NL01", "Nederland", 1.0, 0.0),
    ("LD02", "Oost-Nederland (LD)", 0.215, -0.1),
    ("PV23", "Overijssel (PV)", 0.066, -0.2),
    ("CR12", "Twente (CR)", 0.0345, 0.8),
    ("CR13", "Noord-Overijssel (CR)", 0.021, -0.6),
    ("GM0141", "Almelo", 0.0039, 1.3),
    ("GM0153", "Enschede", 0.0087, 1.5),
    ("GM0164", "Hengelo (O.)", 0.0045, 0.7),
    ("PV30", "Noord-Brabant (PV)", 0.149, -0.3),
    ("CR36", "Zuidoost-Noord-Brabant (CR)", 0.0455, 0.1),
    ("GM0743", "Asten", 0.0010, -0.8),
    ("GM1724", "Bergeijk", 0.0011, -0.9),
    ("GM0753", "Best", 0.0018, -0.7),
    ("GM1728", "Bladel", 0.0012, -0.8),
    ("GM1706", "Cranendonck", 0.0012, -0.5),
    ("GM0762", "Deurne", 0.0018, -0.4),
    ("GM0770", "Eersel", 0.0011, -0.9),
    ("GM0772", "Eindhoven", 0.0138, 0.9),
    ("GM1771", "Geldrop-Mierlo", 0.0023, -0.2),
    ("GM1652", "Gemert-Bakel", 0.0018, -0.6),
    ("GM1658", "Heeze-Leende", 0.0009, -0.8),
    ("GM0794", "Helmond", 0.0053, 1.1),
    ("GM1659", "Laarbeek", 0.0013, -0.7),
    ("GM0820", "Nuenen, Gerwen en Nederwetten", 0.0013, -0.9),
    ("GM0823", "Oirschot", 0.0011, -0.9),
    ("GM1667", "Reusel-De Mierden", 0.0008, -1.0),
    ("GM0847", "Someren", 0.0011, -0.7),
    ("GM0848", "Son en Breugel", 0.0010, -0.8),
    ("GM0858", "Valkenswaard", 0.0018, -0.2),
    ("GM0861", "Veldhoven", 0.0026, -0.5),
    ("GM0866", "Waalre", 0.0009, -1.0),
)
REGIONS = {code: title for code, title, _, _ in _REGION_ROWS}
REGION_SHARE = {code: share for code, _, share, _ in _REGION_ROWS}
REGION_UNEMPLOYMENT_SHIFT = {code: shift for code, _, _, shift in _REGION_ROWS}


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


def _pad(key: str, width: int = REGION_KEY_WIDTH) -> str:
    return key.ljust(width)


def _regions(codes: Iterable[str] | None = None) -> Dimension:
    """The region dimension: every sample region, or those of ``codes`` (in that order)."""
    return Dimension(
        "RegioS",
        "Regio's",
        "GeoDimension",
        tuple((_pad(k), REGIONS[k]) for k in (codes if codes is not None else REGIONS)),
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
# Education levels in Persoonskenmerken, titled as the older tables have them and as CBS renamed
# them in 2025 ("1 Basisonderwijs, vmbo, mbo1" is the wording of a real 2025 response): (key,
# old title, new title, share of the labour force, unemployment factor, participation shift).
EDUCATION_LEVELS = (
    ("2018700", "Onderwijsniveau: 1 Laag", "1 Basisonderwijs, vmbo, mbo1", 0.21, 1.7, -18.0),
    ("2018740", "Onderwijsniveau: 2 Middelbaar", "2 Havo, vwo, mbo2-4", 0.41, 1.0, 2.0),
    ("2018790", "Onderwijsniveau: 3 Hoog", "3 Hbo, wo", 0.38, 0.6, 12.0),
)
# CBS publishes no education cells for small gemeenten (too few survey respondents).
EDUCATION_MIN_SHARE = 0.003


def _persons(renamed: bool) -> Dimension:
    levels = tuple((key, new if renamed else old) for key, old, new, *_ in EDUCATION_LEVELS)
    return Dimension(PERSONS.key, PERSONS.title, PERSONS.type, (*PERSONS.codes, *levels))


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


def _labour_cells(
    periods: Dimension, table_id: str
) -> Callable[[random.Random], list[dict[str, Any]]]:
    def cells(rng: random.Random) -> list[dict[str, Any]]:
        # The education rows draw from their own generator: the other rows keep their numbers.
        by_level = random.Random(f"{SEED}-{table_id}-education")
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
                        _labour_row(
                            person_key,
                            region_key,
                            period_key,
                            force,
                            unemployed,
                            round(participation + rng.uniform(-0.5, 0.5), 1),
                        )
                    )
                for key, _, _, share, factor, shift in EDUCATION_LEVELS:
                    if REGION_SHARE[region] < EDUCATION_MIN_SHARE:
                        rows.append(_labour_row(key, region_key, period_key, None, None, None))
                        continue
                    force = round(
                        NL_LABOUR_FORCE[year]
                        * REGION_SHARE[region]
                        * share
                        * by_level.uniform(0.97, 1.03)
                    )
                    rate = max(
                        1.0,
                        (NL_UNEMPLOYMENT[year] + REGION_UNEMPLOYMENT_SHIFT[region]) * factor
                        + by_level.uniform(-0.3, 0.3),
                    )
                    participation = NL_PARTICIPATION[year] + shift - 1.2 * (region != "NL01")
                    rows.append(
                        _labour_row(
                            key,
                            region_key,
                            period_key,
                            force,
                            round(force * rate / 100),
                            round(participation + by_level.uniform(-1.0, 1.0), 1),
                            # as CBS: the rate of the unrounded counts, not of the thousands
                            rate=round(rate, 1),
                        )
                    )
        return rows

    return cells


def _labour_row(
    person_key: str,
    region_key: str,
    period_key: str,
    force: int | None,
    unemployed: int | None,
    participation: float | None,
    rate: float | None = None,
) -> dict[str, Any]:
    """One TypedDataSet row; a suppressed cell has every figure null. The unemployment rate is
    ``rate``, else the rate of the (rounded) counts."""
    known = force is not None and unemployed is not None
    if rate is None and known:
        rate = round(100 * unemployed / force, 1)
    return {
        "Persoonskenmerken": person_key,
        "RegioS": region_key,
        "Perioden": period_key,
        "Beroepsbevolking_1": force,
        "WerkzameBeroepsbevolking_2": force - unemployed if known else None,
        "WerklozeBeroepsbevolking_3": unemployed,
        "Werkloosheidspercentage_4": rate,
        "Nettoarbeidsparticipatie_5": participation,
    }


def _labour_table(table_id: str, year: int, first: int, last: int, provisional=None):
    periods = _years(first, last, provisional)
    return SampleTable(
        table_id=table_id,
        title=f"Arbeidsdeelname; regionale indeling {year}",
        short_title=f"Arbeidsdeelname; regio {year}",
        modified=f"{last + 1}-03-2{year % 10}T02:00:00",
        period=f"{first}-{last}",
        dimensions=(_persons(renamed=year >= 2024), _regions(), periods),
        topics=LABOUR_TOPICS,
        cells=_labour_cells(periods, table_id),
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
# Regions with Twente's sector mix (more industry): Overijssel and Zuidoost-Noord-Brabant.
TWENTE_LIKE = {"CR12", "GM0141", "GM0153", "GM0164", "PV23", "CR13", "LD02", "PV30", "CR36"} | {
    code for code in REGIONS if code.startswith("GM")
}


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

# -- youth 15-27 by school enrolment and labour position (86087NED, 86223NED) ------------------

ENROLMENT = Dimension(
    "Onderwijsvolgend",
    "Onderwijsvolgend",
    "Dimension",
    (("T001018", "Totaal"), ("A028793", "Onderwijsvolgend"), ("A028794", "Niet onderwijsvolgend")),
)
LABOUR_POSITION = Dimension(
    "Arbeidskenmerken",
    "Arbeidskenmerken",
    "Dimension",
    (
        ("T001113", "Totaal "),  # with the trailing space of the real code list
        ("A028751", "Arb.pos.: werkzame beroepsbevolking"),
        ("A028752", "Arb.pos.: niet-werkzame bevolking"),
    ),
)
BENEFIT = Dimension(
    "Uitkering", "Uitkering", "Dimension", (("T001020", "Totaal met of zonder uitkering"),)
)
JOBSEEKER = Dimension(
    "GeregistreerdWerkzoekendeBijUWV",
    "Geregistreerd werkzoekende bij UWV",
    "Dimension",
    (("T001022", "Totaal"),),
)
# What each code selects: None the total, True or False one side (in education, working).
SELECTS = {
    "T001018": None, "A028793": True, "A028794": False,
    "T001113": None, "A028751": True, "A028752": False,
}  # fmt: skip
NL_YOUTH = 2_560_000
# (in education, working) share of all youth 15-27 in Nederland: 4.5 % neither.
YOUTH_SHARES = {
    (True, True): 0.37,
    (True, False): 0.42,
    (False, True): 0.166,
    (False, False): 0.044,
}


def _youth_cells(periods: Dimension) -> Callable[[random.Random], list[dict[str, Any]]]:
    def cells(rng: random.Random) -> list[dict[str, Any]]:
        rows = []
        for region_key, _ in _regions().codes:
            region = region_key.strip()
            for period_key, _ in periods.codes:
                youth = NL_YOUTH * REGION_SHARE[region] * rng.uniform(0.97, 1.03)
                neet_factor = 1.0 + 0.12 * REGION_UNEMPLOYMENT_SHIFT[region]
                counts = {
                    (school, work): youth * share * (neet_factor if not school and not work else 1)
                    for (school, work), share in YOUTH_SHARES.items()
                }
                for school_key, _ in ENROLMENT.codes:
                    for work_key, _ in LABOUR_POSITION.codes:
                        in_school, working = SELECTS[school_key], SELECTS[work_key]
                        value = sum(
                            count
                            for (school, work), count in counts.items()
                            if in_school in (None, school) and working in (None, work)
                        )
                        rows.append(
                            {
                                "Onderwijsvolgend": school_key,
                                "Arbeidskenmerken": work_key,
                                "Uitkering": BENEFIT.codes[0][0],
                                "GeregistreerdWerkzoekendeBijUWV": JOBSEEKER.codes[0][0],
                                "RegioS": region_key,
                                "Perioden": period_key,
                                # CBS rounds these counts to hundreds
                                "Jongeren15Tot27Jaar_1": round(value, -2),
                            }
                        )
        return rows

    return cells


def _youth_table(table_id: str, title: str, first: int, last: int, modified: str) -> SampleTable:
    periods = _years(first, last, last)
    return SampleTable(
        table_id=table_id,
        title=title,
        short_title="Arbeidsmarktsituatie jongeren; regio",
        modified=modified,
        period=f"{first}-{last}*",
        dimensions=(ENROLMENT, LABOUR_POSITION, BENEFIT, JOBSEEKER, _regions(), periods),
        topics=(Topic("Jongeren15Tot27Jaar_1", "Jongeren (15 tot 27 jaar)", "aantal", 0),),
        cells=_youth_cells(periods),
    )


YOUTH_2024 = _youth_table(
    "86087NED",
    "Arbeidsmarktsituatie jongeren 15 tot 27 jaar; regio 2024,2005-2023",
    2019,
    2023,
    "2024-10-15T02:00:00",
)
YOUTH_2025 = _youth_table(
    "86223NED",
    "Arbeidsmarktsituatie jongeren (15 tot 27 jaar); regio (indeling 2025)",
    2022,
    2024,
    "2025-10-14T02:00:00",
)

# -- persons with a benefit, monthly (80794ned) ---------------------------------------------------

# The other gemeenten of Twente (the region seed lists them): the benefits table publishes
# gemeenten, provincies and Nederland but no COROP regions, so Twente is their sum and needs
# every one of its gemeenten. (key, name, share of the Dutch figure.)
TWENTE_OTHER_GEMEENTEN = (
    ("GM0147", "Borne", 0.0013),
    ("GM0158", "Haaksbergen", 0.0014),
    ("GM0163", "Hellendoorn", 0.0021),
    ("GM0168", "Losser", 0.0013),
    ("GM0173", "Oldenzaal", 0.0018),
    ("GM0183", "Tubbergen", 0.0012),
    ("GM0189", "Wierden", 0.0014),
    ("GM1700", "Twenterand", 0.0019),
    ("GM1735", "Hof van Twente", 0.0020),
    ("GM1742", "Rijssen-Holten", 0.0022),
    ("GM1774", "Dinkelland", 0.0015),
)
BENEFIT_REGIONS = {
    **{k: REGIONS[k] for k in REGIONS if not k.startswith("CR")},
    **{k: name for k, name, _ in TWENTE_OTHER_GEMEENTEN},
}
BENEFIT_SHARE = REGION_SHARE | {k: share for k, _, share in TWENTE_OTHER_GEMEENTEN}
MONTHS = (
    "januari", "februari", "maart", "april", "mei", "juni",
    "juli", "augustus", "september", "oktober", "november", "december",
)  # fmt: skip
NL_WW = {2021: 240_000, 2022: 165_000, 2023: 180_000, 2024: 200_000}
NL_BIJSTAND = {2021: 410_000, 2022: 400_000, 2023: 395_000, 2024: 398_000}


def _months(first: int, last_year: int, last_month: int) -> Dimension:
    """Monthly periods ``2023MM01`` ("2023 januari"); the last three provisional (``*``)."""
    keys = [
        (year, month)
        for year in range(first, last_year + 1)
        for month in range(1, 13)
        if (year, month) <= (last_year, last_month)
    ]
    return Dimension(
        "Perioden",
        "Perioden",
        "TimeDimension",
        tuple(
            (
                f"{year}MM{month:02d}",
                f"{year} {MONTHS[month - 1]}{'*' if n >= len(keys) - 3 else ''}",
            )
            for n, (year, month) in enumerate(keys)
        ),
    )


BENEFIT_MONTHS = _months(2021, 2024, 6)


def _benefit_cells(rng: random.Random) -> list[dict[str, Any]]:
    rows = []
    for region, _ in BENEFIT_REGIONS.items():
        for period_key, _ in BENEFIT_MONTHS.codes:
            year, month = int(period_key[:4]), int(period_key[6:])
            season = 1.0 + 0.04 * (month in (1, 2, 12))
            shift = 1.0 + 0.15 * REGION_UNEMPLOYMENT_SHIFT.get(region, 0.3)
            share = BENEFIT_SHARE[region]
            ww = NL_WW[year] * share * season * (rng.uniform(0.97, 1.03) if share < 1 else 1)
            bijstand = (
                NL_BIJSTAND[year] * share * shift * (rng.uniform(0.98, 1.02) if share < 1 else 1)
            )
            rows.append(
                {
                    "RegioS": _pad(region),
                    "Perioden": period_key,
                    "UitkeringsontvangersTotaal_1": round((ww + bijstand) * 9.5, -1),
                    "Werkloosheid_4": round(ww, -1),
                    "BijstandTotDeAOWLeeftijd_7": round(bijstand, -1),
                }
            )
    return rows


BENEFITS = SampleTable(
    table_id="80794ned",
    title="Personen met een uitkering; uitkeringsontvangers per regio",
    short_title="Uitkeringsontvangers per regio",
    modified="2024-09-16T02:00:00",
    period="2021 januari-2024 juni*",
    dimensions=(
        Dimension(
            "RegioS",
            "Regio's",
            "GeoDimension",
            tuple((_pad(k), t) for k, t in BENEFIT_REGIONS.items()),
        ),
        BENEFIT_MONTHS,
    ),
    topics=(
        Topic("UitkeringsontvangersTotaal_1", "Uitkeringsontvangers totaal", "aantal", 0),
        Topic("Werkloosheid_4", "Werkloosheid", "aantal", 0),
        Topic("BijstandTotDeAOWLeeftijd_7", "Bijstand tot de AOW-leeftijd", "aantal", 0),
    ),
    cells=_benefit_cells,
)

# -- immigration and emigration by nationality (85451NED) -----------------------------------------

NATIONALITY = Dimension(
    "Nationaliteit",
    "Nationaliteit",
    "Dimension",
    (
        ("T001059", "Totaal"),
        ("1000   ", "Nederlands"),
        ("A050901", "Europa (exclusief Nederlands)"),
    ),
)
SEX_TOTAL_FEMALE = Dimension(
    "Geslacht",
    "Geslacht",
    "Dimension",
    (("T001038", "Totaal mannen en vrouwen"), ("4000   ", "Vrouwen")),
)
NL_IMMIGRATION = {2019: 269_000, 2020: 221_000, 2021: 253_000, 2022: 403_000, 2023: 334_000}
NL_EMIGRATION = {2019: 162_000, 2020: 152_000, 2021: 144_000, 2022: 179_000, 2023: 194_000}
# Share of Dutch nationals in immigration and in emigration; of Europeans among the others.
DUTCH_SHARE = (0.15, 0.32)
EUROPEAN_SHARE = 0.55
# Regions with a university draw more foreign students and knowledge workers.
MIGRATION_FACTOR = {"GM0153": 1.8, "GM0772": 1.9, "CR12": 0.95, "CR36": 1.25}


def _migration_cells(rng: random.Random) -> list[dict[str, Any]]:
    rows = []
    for region_key, _ in _regions().codes:
        region = region_key.strip()
        factor = MIGRATION_FACTOR.get(region, 0.8) if region != "NL01" else 1.0
        for period_key, _ in _years(2019, 2023).codes:
            year = int(period_key[:4])
            spread = rng.uniform(0.95, 1.05) if region != "NL01" else 1.0
            immigration = NL_IMMIGRATION[year] * REGION_SHARE[region] * factor * spread
            emigration = NL_EMIGRATION[year] * REGION_SHARE[region] * factor * spread * 0.9
            for nationality_key, title in NATIONALITY.codes:
                part_in, part_out = {
                    "Totaal": (1.0, 1.0),
                    "Nederlands": DUTCH_SHARE,
                }.get(title, ((1 - DUTCH_SHARE[0]) * EUROPEAN_SHARE, (1 - DUTCH_SHARE[1]) * 0.6))
                for sex_key, _ in SEX_TOTAL_FEMALE.codes:
                    half = 1.0 if sex_key == "T001038" else 0.48
                    immi = round(immigration * part_in * half)
                    emi = round(emigration * part_out * half)
                    rows.append(
                        {
                            "Geslacht": sex_key,
                            "Leeftijd": AGE.codes[0][0],
                            "Nationaliteit": nationality_key,
                            "RegioS": region_key,
                            "Perioden": period_key,
                            "Immigratie_1": immi,
                            "EmigratieInclusiefAdministratieveC_2": emi,
                            "MigratiesaldoInclusiefAdministratie_3": immi - emi,
                        }
                    )
    return rows


MIGRATION_TABLE = SampleTable(
    table_id="85451NED",
    title="Immi- en emigratie; geslacht, leeftijd, nationaliteit, regio",
    short_title="Immi- en emigratie; nationaliteit, regio",
    modified="2024-07-15T02:00:00",
    period="2019-2023",
    dimensions=(SEX_TOTAL_FEMALE, AGE, NATIONALITY, _regions(), _years(2019, 2023)),
    topics=(
        Topic("Immigratie_1", "Immigratie", "aantal", 0),
        Topic(
            "EmigratieInclusiefAdministratieveC_2",
            "Emigratie inclusief administratieve correcties",
            "aantal",
            0,
        ),
        Topic(
            "MigratiesaldoInclusiefAdministratie_3",
            "Migratiesaldo inclusief administratieve correcties",
            "aantal",
            0,
        ),
    ),
    cells=_migration_cells,
)

# -- open vacancies by sector, quarterly (83599NED) -----------------------------------------------

# As the real response: Nederland, landsdelen and provincies only; quarters 2019 Q1 - 2024 Q2.
VACANCY_REGIONS = ("NL01", "LD02", "PV23", "PV30")
VACANCY_QUARTERS = Dimension(
    "Perioden",
    "Perioden",
    "TimeDimension",
    tuple(
        (f"{year}KW{q:02d}", f"{year} {q}e kwartaal{'*' if (year, q) == (2024, 2) else ''}")
        for year in range(2019, 2025)
        for q in range(1, 5)
        if (year, q) <= (2024, 2)
    ),
)
NL_VACANCIES = {2019: 285, 2020: 205, 2021: 330, 2022: 445, 2023: 420, 2024: 395}
VACANCY_SHARE = {  # of all vacancies (Nederland, Overijssel / Noord-Brabant)
    "A Landbouw, bosbouw en visserij": (0.012, 0.012),
    "C Industrie": (0.085, 0.125),
    "F Bouwnijverheid": (0.055, 0.062),
    "J Informatie en communicatie": (0.062, 0.045),
}


def _vacancy_cells(rng: random.Random) -> list[dict[str, Any]]:
    rows = []
    for region in VACANCY_REGIONS:
        for period_key, _ in VACANCY_QUARTERS.codes:
            quarter = int(period_key[-2:])
            total = NL_VACANCIES[int(period_key[:4])] * (1.0 + 0.02 * (quarter in (2, 3)))
            if region != "NL01":
                total *= REGION_SHARE[region] * rng.uniform(0.95, 1.05)
            for sector_key, title in SECTORS.codes:
                value = total
                if sector_key != "T001081":
                    value *= VACANCY_SHARE[title][region != "NL01"] * rng.uniform(0.95, 1.05)
                rows.append(
                    {
                        "BedrijfstakkenBranchesSBI2008": sector_key,
                        "RegioS": _pad(region),
                        "Perioden": period_key,
                        "OpenstaandeVacatures_1": round(value, 1),
                    }
                )
    return rows


VACANCIES = SampleTable(
    table_id="83599NED",
    title="Openstaande vacatures; SBI 2008, regio",
    short_title="Openstaande vacatures; SBI 2008, regio",
    modified="2024-08-14T02:00:00",
    period="2019 1e kwartaal-2024 2e kwartaal*",
    dimensions=(SECTORS, _regions(VACANCY_REGIONS), VACANCY_QUARTERS),
    topics=(Topic("OpenstaandeVacatures_1", "Openstaande vacatures", "x 1 000", 1, "Double"),),
    cells=_vacancy_cells,
)

# -- international students in higher education, Nederland only (85125NED) ------------------------

STAY_YEAR = Dimension(
    "Verblijfsjaar", "Verblijfsjaar", "Dimension", (("T001299", "Totaal verblijfsjaar"),)
)
HIGHER_EDUCATION = Dimension(
    "Onderwijssoort",
    "Onderwijssoort",
    "Dimension",
    (
        ("A025278", "Hoger onderwijs"),
        ("A025294", "Hoger beroepsonderwijs"),
        ("A025297", "Wetenschappelijk onderwijs"),
    ),
)
FIELD = Dimension(
    "Studierichting",
    "Studierichting",
    "Dimension",
    (
        ("T001072", "Totaal studierichting"),
        ("A045893", "05 Wiskunde, natuurwetenschappen"),
        ("A045895", "07 Techniek, industrie en bouwkunde"),
    ),
)
PHASE = Dimension(
    "Opleidingsfase", "Opleidingsfase", "Dimension", (("T001295", "Totaal opleidingsfase"),)
)
# Enrolled students in Nederland by (type, field) and the international share of each.
NL_ENROLLED = {
    ("A025294", "T001072"): 488_000,
    ("A025297", "T001072"): 345_000,
    ("A025294", "A045893"): 9_000,
    ("A025297", "A045893"): 38_000,
    ("A025294", "A045895"): 72_000,
    ("A025297", "A045895"): 52_000,
}
INTERNATIONAL_SHARE = {"A025294": 0.075, "A025297": 0.235}
FIELD_FACTOR = {"T001072": 1.0, "A045893": 1.3, "A045895": 1.35}


def _international_cells(rng: random.Random) -> list[dict[str, Any]]:
    rows = []
    for period_key, _ in _school_years(2019, 2024, 2024).codes:
        growth = 1.0 + 0.06 * (int(period_key[:4]) - 2019) - 0.05 * (period_key >= "2023")
        cells = {}
        for (kind, field), enrolled in NL_ENROLLED.items():
            total = round(enrolled * (1.0 + 0.01 * (int(period_key[:4]) - 2019)))
            share = INTERNATIONAL_SHARE[kind] * FIELD_FACTOR[field] * growth
            cells[kind, field] = (total, round(total * share * rng.uniform(0.98, 1.02)))
        for field, _ in FIELD.codes:
            hbo, wo = cells["A025294", field], cells["A025297", field]
            cells["A025278", field] = (hbo[0] + wo[0], hbo[1] + wo[1])
        for sex_key, _ in SEX_TOTAL_FEMALE.codes:
            part = 1.0 if sex_key == "T001038" else 0.52
            for (kind, field), (total, international) in sorted(cells.items()):
                rows.append(
                    {
                        "Geslacht": sex_key,
                        "Verblijfsjaar": STAY_YEAR.codes[0][0],
                        "Onderwijssoort": kind,
                        "Studierichting": field,
                        "Opleidingsfase": PHASE.codes[0][0],
                        "Perioden": period_key,
                        "TotaalIngeschrevenen_1": round(total * part),
                        "TotaalNietInternationaleStudenten_2": round(
                            (total - international) * part
                        ),
                        "TotaalInternationaleStudenten_3": round(international * part),
                    }
                )
    return rows


INTERNATIONAL_STUDENTS = SampleTable(
    table_id="85125NED",
    title="Hoger onderwijs; internationale studenten, onderwijskenmerken",
    short_title="Hoger onderwijs; internationale studenten",
    modified="2025-04-10T02:00:00",
    period="2019/'20-2024/'25*",
    dimensions=(
        SEX_TOTAL_FEMALE,
        STAY_YEAR,
        HIGHER_EDUCATION,
        FIELD,
        PHASE,
        _school_years(2019, 2024, 2024),
    ),
    topics=(
        Topic("TotaalIngeschrevenen_1", "Totaal ingeschrevenen", "aantal", 0),
        Topic(
            "TotaalNietInternationaleStudenten_2",
            "Totaal niet-internationale studenten",
            "aantal",
            0,
        ),
        Topic("TotaalInternationaleStudenten_3", "Totaal internationale studenten", "aantal", 0),
    ),
    cells=_international_cells,
)


SAMPLE_TABLES = (
    STUDENTS,
    GRADUATES,
    _labour_table("85269NED", 2021, 2019, 2021),
    _labour_table("85494NED", 2022, 2020, 2022),
    _labour_table("86088NED", 2024, 2022, 2024, provisional=2024),
    JOBS,
    YOUTH_2024,
    YOUTH_2025,
    BENEFITS,
    MIGRATION_TABLE,
    VACANCIES,
    INTERNATIONAL_STUDENTS,
)

# -- OData v3 rendering ---------------------------------------------------------------------------


def _json(payload: dict[str, Any]) -> bytes:
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def metadata_url(base_url: str, service: str, table_id: str, entity: str = "") -> str:
    """``odata.metadata`` as CBS writes it: ``OData`` with a capital D, whatever was asked."""
    fragment = f"#Cbs.OData.WebAPI.{entity}" if entity else ""
    return f"{base_url.rstrip('/')}/{service}/OData/{table_id}/$metadata{fragment}"


def _envelope(metadata: str, values: list[dict[str, Any]], next_link: str | None = None) -> bytes:
    payload: dict[str, Any] = {"odata.metadata": metadata, "value": values}
    if next_link:
        payload["odata.nextLink"] = next_link
    return _json(payload)


def render_table_infos(table: SampleTable, base_url: str) -> bytes:
    meta = metadata_url(base_url, "ODataApi", table.table_id, "TableInfos")
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
                "SearchPriority": "2",
            }
        ],
    )


def render_data_properties(table: SampleTable, base_url: str) -> bytes:
    meta = metadata_url(base_url, "ODataApi", table.table_id, "DataProperties")
    values: list[dict[str, Any]] = []
    for position, dim in enumerate(table.dimensions):
        entry: dict[str, Any] = {
            "odata.type": f"Cbs.OData.{dim.type}",
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
        values.append(entry)
    for position, topic in enumerate(table.topics, start=len(table.dimensions)):
        values.append(
            {
                "odata.type": "Cbs.OData.Topic",
                "ID": len(values),
                "Position": position,
                "ParentID": None,
                "Type": "Topic",
                "Key": topic.key,
                "Title": topic.title,
                "Description": "",
                "Datatype": topic.datatype,
                "Unit": topic.unit,
                "Decimals": topic.decimals,
                "Default": "Impossible",
            }
        )
    return _envelope(meta, values)


def render_dimension(table: SampleTable, dim: Dimension, base_url: str) -> bytes:
    meta = metadata_url(base_url, "ODataApi", table.table_id, dim.key)
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
    meta = metadata_url(base_url, "ODataFeed", table.table_id, "TypedDataSet")
    numbered = [{"ID": n, **row} for n, row in enumerate(rows)]
    chunks = [numbered[i : i + page_size] for i in range(0, len(numbered), page_size)] or [[]]
    # CBS's nextLink: ".../ODataFeed/OData/<id>/TypedDataSet/?$format=json&$skip=N" (capital D,
    # a slash before the query)
    link = metadata_url(base_url, "ODataFeed", table.table_id).removesuffix("$metadata")
    links = [
        f"{link}TypedDataSet/?$format=json&$skip={i * page_size}" for i in range(1, len(chunks))
    ]
    urls = [feed, *links]
    return [
        (urls[n], _envelope(meta, chunk, urls[n + 1] if n + 1 < len(chunks) else None))
        for n, chunk in enumerate(chunks)
    ]


def selected_rows(
    table: SampleTable, spec: TableSpec, rng: random.Random, regions: Iterable[str]
) -> list[dict[str, Any]]:
    """The rows a ``$filter`` on ``regions`` and the spec's periods returns."""
    regions = set(regions)
    first = spec.first_year
    return [
        row
        for row in table.cells(rng)
        if ("RegioS" not in row or row["RegioS"].strip() in regions)  # national tables: no RegioS
        and int(row["Perioden"][:4]) >= first
    ]


def render_table(
    table: SampleTable,
    spec: TableSpec,
    base_url: str = BASE_URL,
    seed: int = SEED,
    regions: Iterable[str] | None = None,
) -> FetchedTable:
    """Every response a fetch of ``spec`` for ``regions`` (default: the spec's override, else
    every region of the table) gets from a server holding ``table``."""
    rng = random.Random(f"{seed}-{table.table_id}")
    wanted = regions if regions is not None else (spec.regions or [k.strip() for k in REGIONS])
    pages = render_pages(table, selected_rows(table, spec, rng, wanted), base_url)
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


def land_cbs_samples(
    zone: LandingZone,
    tables: Iterable[SampleTable] = SAMPLE_TABLES,
    pact_regions: Sequence[str] = SAMPLE_PACT_REGIONS,
) -> None:
    """Land the Gebieden sample, then every sample table as the fetch for ``pact_regions``
    would (marker last, regions listed), all labelled GENERATED."""
    specs = load_cbs_tables()
    region_spec = specs.region_table
    assert region_spec is not None, "cbs_tables.toml configures no region_hierarchy table"
    gebieden = render_gebieden(region_spec)
    records = parse_region_table(
        region_spec, gebieden.as_responses(), file_name=region_spec.id, source_note=NOTE
    )
    land_table(
        zone,
        region_spec,
        gebieden,
        modified=GEBIEDEN_MODIFIED,
        row_count=sum(r.region_level == "gemeente" for r in records),
        fetched_at=FETCHED_AT,
        is_sample_data=True,
        note=NOTE,
    )
    for table in tables:
        spec = specs.get(table.table_id)
        assert isinstance(spec, TableSpec), f"{table.table_id} is not a data table"
        # A table of national figures (region_code) is fetched without a region filter.
        regions = (
            None if spec.region_code else spec.regions or regions_to_fetch(records, pact_regions)
        )
        fetched = render_table(table, spec, regions=regions)
        rows = tidy_table(spec, fetched.as_responses(), file_name=table.table_id, regions=regions)
        land_table(
            zone,
            spec,
            fetched,
            modified=table.modified,
            row_count=len(rows),
            regions=regions,
            fetched_at=FETCHED_AT,
            is_sample_data=True,
            note=NOTE,
        )


# -- Gebieden in Nederland 2024 (85755NED) --------------------------------------------------------

GEBIEDEN_MODIFIED = "2024-07-01T02:00:00"
# The other gemeenten the DUO sample (generate_landing.py) places institutions in; the seed
# lacks them. (gemeente, name, COROP, COROP name, provincie, name, landsdeel, name)
DUO_GEMEENTEN = (
    (
        "GM0014",
        "Groningen",
        "CR03",
        "Overig Groningen",
        "PV20",
        "Groningen",
        "LD01",
        "Noord-Nederland",
    ),
    ("GM0344", "Utrecht", "CR17", "Utrecht", "PV26", "Utrecht", "LD03", "West-Nederland"),
    (
        "GM0363",
        "Amsterdam",
        "CR23",
        "Groot-Amsterdam",
        "PV27",
        "Noord-Holland",
        "LD03",
        "West-Nederland",
    ),
    (
        "GM0599",
        "Rotterdam",
        "CR29",
        "Groot-Rijnmond",
        "PV28",
        "Zuid-Holland",
        "LD03",
        "West-Nederland",
    ),
)
# DataProperties as the 2023+ tables have them: (ID, ParentID, Type, Key, Title); TopicGroups
# have an empty Key. Only the groups techpact reads; the real table has ~20 more region groups
# (arbeidsmarktregio's, GGD-regio's, ...), sizes, urbanisation and population.
GEBIEDEN_PROPERTIES = (
    (0, None, "GeoDimension", "RegioS", "Regio's"),
    (1, None, "TopicGroup", "", "Codes en namen van gemeenten"),
    (2, 1, "Topic", "Code_1", "Code"),
    (3, 1, "Topic", "Naam_2", "Naam"),
    (4, 1, "Topic", "SorteringNaam_3", "Sortering naam"),
    (5, None, "TopicGroup", "", "Lokaliseringen van gemeenten"),
    (6, 5, "TopicGroup", "", "COROP-gebieden"),
    (7, 6, "Topic", "Code_10", "Code"),
    (8, 6, "Topic", "Naam_11", "Naam"),
    (9, 5, "TopicGroup", "", "Landsdelen"),
    (10, 9, "Topic", "Code_26", "Code"),
    (11, 9, "Topic", "Naam_27", "Naam"),
    (12, 5, "TopicGroup", "", "Provincies"),
    (13, 12, "Topic", "Code_28", "Code"),
    (14, 12, "Topic", "Naam_29", "Naam"),
)


def gebieden_gemeenten() -> list[tuple[str, ...]]:
    """(gemeente, name, COROP, name, provincie, name, landsdeel, name) of every sample gemeente:
    those of the bundled seed, then the DUO sample's others; by code."""
    seed: tuple[RegionRecord, ...] = parse_region_seed(read_seed_text())
    names = {r.region_code: r.region_name for r in seed}
    # The seed leaves the provincie of gemeenten empty where it does not list the whole
    # provincie; a Gebieden row always has one: its COROP region's.
    corop_province = {r.region_code: r.province_code for r in seed if r.region_level == "corop"}
    gemeenten = []
    for r in seed:
        if r.region_level == "gemeente":
            province = r.province_code or corop_province.get(r.corop_code or "") or ""
            parents = (r.corop_code or "", province, r.landsdeel_code or "")
            gemeenten.append(
                (r.region_code, r.region_name, *(x for p in parents for x in (p, names[p])))
            )
    return sorted([*gemeenten, *DUO_GEMEENTEN])


def _sort_name(name: str) -> str:
    """CBS's "Sortering naam": a leading article moved to the end ("Gravenhage 's-")."""
    first, _, rest = name.partition(" ")
    return f"{rest} {first}" if first in ("'s-", "De", "Den") and rest else name


def render_gebieden(spec: RegionTableSpec, base_url: str = BASE_URL) -> FetchedTable:
    """Every response a fetch of the Gebieden table gets: one page, one row per gemeente."""
    api = api_url(base_url, spec.id, "")
    properties = []
    positions = iter(range(len(GEBIEDEN_PROPERTIES)))
    for node_id, parent, kind, key, title in GEBIEDEN_PROPERTIES:
        entry: dict[str, Any] = {
            "odata.type": f"Cbs.OData.{kind}",
            "ID": node_id,
            "Position": None if kind == "TopicGroup" else next(positions),  # as CBS has it
            "ParentID": parent,
            "Type": kind,
            "Key": key,
            "Title": title,
            "Description": "",
        }
        if kind == "GeoDimension":
            entry |= {"MapYear": str(spec.classification_year), "ReleasePolicy": True}
        elif kind == "Topic":
            entry |= {
                "Datatype": "String",
                "Unit": "",
                "Decimals": 0,
                "Default": "Impossible",
            }
        properties.append(entry)
    gemeenten = gebieden_gemeenten()
    rows = []
    for number, (gm, name, cr, cr_name, pv, pv_name, ld, ld_name) in enumerate(gemeenten):
        rows.append(
            {
                "ID": number,
                "RegioS": gm.ljust(GEBIEDEN_KEY_WIDTH),
                "Code_1": gm.ljust(10),
                "Naam_2": name.ljust(50),
                "SorteringNaam_3": _sort_name(name).ljust(50),
                "Code_10": cr.ljust(10),
                "Naam_11": cr_name.ljust(50),
                "Code_26": ld.ljust(10),
                "Naam_27": ld_name.ljust(50),
                "Code_28": pv.ljust(10),
                "Naam_29": pv_name.ljust(50),
            }
        )
    regions = [
        {
            "Key": gm.ljust(GEBIEDEN_KEY_WIDTH),
            "Title": name,
            "Description": "",
            "CategoryGroupID": None,
        }
        for gm, name, *_ in gemeenten
    ]
    table = SampleTable(
        table_id=spec.id,
        title=spec.title,
        short_title=spec.title,
        modified=GEBIEDEN_MODIFIED,
        period=str(spec.classification_year),
        dimensions=(),
        topics=(),
        cells=lambda _: rows,
    )
    feed = feed_url(base_url, spec.id)
    meta = metadata_url(base_url, "ODataFeed", spec.id, "TypedDataSet")
    return FetchedTable(
        table_infos=Response(api + "TableInfos", render_table_infos(table, base_url)),
        data_properties=Response(
            api + "DataProperties",
            _envelope(metadata_url(base_url, "ODataApi", spec.id, "DataProperties"), properties),
        ),
        dimensions={
            "RegioS": Response(
                api + "RegioS",
                _envelope(metadata_url(base_url, "ODataApi", spec.id, "RegioS"), regions),
            )
        },
        pages=(Response(feed, _envelope(meta, rows)),),
    )
