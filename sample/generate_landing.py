"""Generate the bundled sample landing zone: GENERATED data in DUO's real file format.

The numbers are invented (plausible magnitudes, deterministic from a fixed seed); they are
not official DUO figures. Only the file format imitates DUO's open-data portal file
``ingeschrevenengeslhbo.csv`` (hbo students by location, institution, sector and sex):
comma-separated, every text field double-quoted, the count unquoted, UTF-8 without BOM,
CRLF line ends, small numbers (below 5) suppressed as ``-1``.

Usage::

    python sample/generate_landing.py [OUT_DIR]     # default: sample/landing

The output directory is emptied first (it must hold nothing but a landing zone), then one
file is landed with its manifest. Running it twice gives byte-identical files.
"""

from __future__ import annotations

import argparse
import random
import shutil
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from cbs_sample import land_cbs_samples  # sample/ is on sys.path when run as a script

from techpact.sources.landing import LandingZone

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT_DIR = REPO_ROOT / "sample" / "landing"

SEED = 20260101
YEARS = tuple(range(2020, 2025))
SUPPRESSION_THRESHOLD = 5
SUPPRESSED = -1

SOURCE = "duo"
DATASET = "p01hoinges"
RESOURCE = "hbo_enrolment_by_sex"
FILE_NAME = "ingeschrevenengeslhbo.csv"
MEDIA_TYPE = "text/csv"
FETCHED_AT = "2026-01-01T00:00:00+00:00"
NOTE = (
    "GENERATED SAMPLE DATA (sample/generate_landing.py): plausible magnitudes in the real "
    "DUO format; not official DUO figures"
)

HEADER = (
    "STUDIEJAAR",
    "PROVINCIENAAM",
    "GEMEENTENUMMER",
    "GEMEENTENAAM",
    "SOORT_INSTELLING",
    "TYPE_HOGER_ONDERWIJS",
    "INSTELLINGSCODE_ACTUEEL",
    "INSTELLINGSNAAM_ACTUEEL",
    "ONDERDEEL",
    "SUBONDERDEEL",
    "GESLACHT",
    "AANTAL_INGESCHREVENEN",
)
SOORT_INSTELLING = "reguliere inst."
TECHNIEK = "TECHNIEK"

AD, BACHELOR, MASTER = "associate degree", "bachelor", "master"
MAN, VROUW, ONBEKEND = "MAN", "VROUW", "ONBEKEND"


@dataclass(frozen=True)
class Sector:
    """One CROHO sector (ONDERDEEL) or subsector (SUBONDERDEEL) as DUO names it."""

    onderdeel: str
    subonderdeel: str
    female_share: float
    types: tuple[str, ...]


def _nvt(onderdeel: str) -> str:
    return f"n.v.t. ({onderdeel.lower().replace('_', ' ')})"


SECTORS: dict[str, Sector] = {
    s.onderdeel if s.subonderdeel.startswith("n.v.t.") else s.subonderdeel: s
    for s in (
        Sector("ECONOMIE", _nvt("ECONOMIE"), 0.42, (AD, BACHELOR, MASTER)),
        Sector("GEDRAG_EN_MAATSCHAPPIJ", _nvt("GEDRAG_EN_MAATSCHAPPIJ"), 0.72, (AD, BACHELOR)),
        Sector("GEZONDHEIDSZORG", _nvt("GEZONDHEIDSZORG"), 0.80, (BACHELOR, MASTER)),
        Sector(
            "LANDBOUW_EN_NATUURLIJKE_OMGEVING",
            _nvt("LANDBOUW_EN_NATUURLIJKE_OMGEVING"),
            0.45,
            (BACHELOR,),
        ),
        Sector("ONDERWIJS", "leraar basisonderwijs", 0.84, (BACHELOR,)),
        Sector("ONDERWIJS", _nvt("ONDERWIJS"), 0.55, (AD, BACHELOR, MASTER)),
        Sector("SECTOROVERSTIJGEND", "sectoroverstijgend", 0.50, (BACHELOR,)),
        Sector("TAAL_EN_CULTUUR", "opleidingen op het gebied van de kunst", 0.58, (BACHELOR,)),
        Sector("TAAL_EN_CULTUUR", _nvt("TAAL_EN_CULTUUR"), 0.62, (BACHELOR,)),
        Sector(TECHNIEK, _nvt(TECHNIEK), 0.19, (AD, BACHELOR, MASTER)),
    )
}

# Share of a sector's students by type, before restricting to the types the sector offers.
TYPE_WEIGHTS = {AD: 0.07, BACHELOR: 0.87, MASTER: 0.06}
ONBEKEND_CHANCE = 0.06


@dataclass(frozen=True)
class Location:
    """One institution at one location, with its (invented) size and sector mix in 2020."""

    provincie: str
    gemeentenummer: str
    gemeente: str
    instellingscode: str
    instellingsnaam: str
    students_2020: int
    technology_share: float
    other_sectors: tuple[tuple[str, float], ...]
    yearly_growth: float

    @property
    def is_twente(self) -> bool:
        return self.gemeentenummer in TWENTE_GEMEENTEN


TWENTE_GEMEENTEN = frozenset({"0153", "0164", "0141"})

_BROAD = (
    ("ECONOMIE", 0.30),
    ("GEDRAG_EN_MAATSCHAPPIJ", 0.20),
    ("GEZONDHEIDSZORG", 0.15),
    ("leraar basisonderwijs", 0.08),
    ("ONDERWIJS", 0.10),
    ("opleidingen op het gebied van de kunst", 0.07),
    ("TAAL_EN_CULTUUR", 0.03),
    ("LANDBOUW_EN_NATUURLIJKE_OMGEVING", 0.03),
    ("sectoroverstijgend", 0.01),
)

LOCATIONS: tuple[Location, ...] = (
    Location(
        "Overijssel", "0153", "Enschede", "23AH", "Saxion Hogeschool", 13000, 0.27, _BROAD, 0.012
    ),
    Location(
        "Overijssel",
        "0164",
        "Hengelo",
        "99XB",
        "Hogeschool Voorbeeld Hengelo",
        2800,
        0.55,
        (("ECONOMIE", 0.55), ("GEDRAG_EN_MAATSCHAPPIJ", 0.25), ("ONDERWIJS", 0.20)),
        0.018,
    ),
    Location(
        "Overijssel",
        "0141",
        "Almelo",
        "99XC",
        "Hogeschool Voorbeeld Almelo",
        1200,
        0.24,
        (("ECONOMIE", 0.35), ("GEZONDHEIDSZORG", 0.40), ("leraar basisonderwijs", 0.25)),
        -0.010,
    ),
    Location(
        "Overijssel", "0150", "Deventer", "23AH", "Saxion Hogeschool", 6000, 0.12, _BROAD, 0.005
    ),
    Location(
        "Overijssel",
        "0193",
        "Zwolle",
        "99XD",
        "Hogeschool Voorbeeld Zwolle",
        8000,
        0.12,
        _BROAD,
        0.015,
    ),
    Location(
        "Groningen",
        "0014",
        "Groningen",
        "99XE",
        "Hogeschool Voorbeeld Groningen",
        12000,
        0.22,
        _BROAD,
        -0.005,
    ),
    Location(
        "Utrecht",
        "0344",
        "Utrecht",
        "99XF",
        "Hogeschool Voorbeeld Utrecht",
        12000,
        0.15,
        _BROAD,
        0.010,
    ),
    Location(
        "Noord-Holland",
        "0363",
        "Amsterdam",
        "99XG",
        "Hogeschool Voorbeeld Amsterdam",
        14000,
        0.16,
        _BROAD,
        0.020,
    ),
    Location(
        "Noord-Brabant",
        "0772",
        "Eindhoven",
        "99XH",
        "Hogeschool Voorbeeld Eindhoven",
        8000,
        0.30,
        _BROAD,
        0.015,
    ),
    Location(
        "Zuid-Holland",
        "0599",
        "Rotterdam",
        "99XJ",
        "Hogeschool Voorbeeld Rotterdam",
        10000,
        0.18,
        _BROAD,
        -0.008,
    ),
)


@dataclass(frozen=True)
class Row:
    """One generated data line; ``count`` is the true generated number (before suppression)."""

    year: int
    location: Location
    type_ho: str
    sector: Sector
    geslacht: str
    count: int

    @property
    def published_count(self) -> int:
        return SUPPRESSED if 0 < self.count < SUPPRESSION_THRESHOLD else self.count

    def fields(self) -> tuple[str, ...]:
        """The text fields, in header order (without the count)."""
        loc = self.location
        return (
            str(self.year),
            loc.provincie,
            loc.gemeentenummer,
            loc.gemeente,
            SOORT_INSTELLING,
            self.type_ho,
            loc.instellingscode,
            loc.instellingsnaam,
            self.sector.onderdeel,
            self.sector.subonderdeel,
            self.geslacht,
        )


def sector_mix(location: Location) -> dict[str, float]:
    """Shares of the location's students by sector key, summing to one."""
    other_total = sum(weight for _, weight in location.other_sectors)
    mix = {TECHNIEK: location.technology_share}
    for key, weight in location.other_sectors:
        mix[key] = (1.0 - location.technology_share) * weight / other_total
    return mix


def type_mix(sector: Sector) -> dict[str, float]:
    """Shares of a sector's students by type of higher education, summing to one."""
    total = sum(TYPE_WEIGHTS[t] for t in sector.types)
    return {t: TYPE_WEIGHTS[t] / total for t in sector.types}


def generate_rows(rng: random.Random) -> list[Row]:
    """Every generated row, in no particular order; zero counts are left out (as DUO does)."""
    rows: list[Row] = []
    for location in LOCATIONS:
        for key, share in sector_mix(location).items():
            sector = SECTORS[key]
            for type_ho, type_share in type_mix(sector).items():
                base = location.students_2020 * share * type_share * rng.uniform(0.85, 1.15)
                trend = rng.uniform(-0.015, 0.015)
                female = min(0.95, max(0.05, sector.female_share + rng.uniform(-0.05, 0.05)))
                has_onbekend = rng.random() < ONBEKEND_CHANCE
                for year in YEARS:
                    growth = (1.0 + location.yearly_growth + trend) ** (year - YEARS[0])
                    total = base * growth * rng.uniform(0.98, 1.02)
                    unknown = rng.randint(1, 6) if has_onbekend else 0
                    counts = {
                        MAN: round(total * (1.0 - female)),
                        VROUW: round(total * female),
                        ONBEKEND: unknown,
                    }
                    rows.extend(
                        Row(year, location, type_ho, sector, geslacht, count)
                        for geslacht, count in counts.items()
                        if count > 0
                    )
    return sort_rows(rows)


def sort_rows(rows: Iterable[Row]) -> list[Row]:
    """DUO's order: year, province, gemeente, type, institution, sector, subsector, sex."""

    def key(row: Row) -> tuple[str, ...]:
        f = row.fields()
        return (f[0], f[1], f[2], f[5], f[6], f[8], f[9], f[10])

    return sorted(rows, key=key)


def _quote(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def render_csv(rows: Iterable[Row]) -> bytes:
    """The file's bytes: UTF-8 without BOM, CRLF line ends, text quoted, the count not."""
    lines = [",".join(_quote(name) for name in HEADER)]
    lines.extend(
        ",".join([*(_quote(f) for f in row.fields()), str(row.published_count)]) for row in rows
    )
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")


def generate_csv(seed: int = SEED) -> bytes:
    return render_csv(generate_rows(random.Random(seed)))


# --- The other DUO dataset kinds, in the current and the legacy format -------------------------
# Same idea: invented numbers of plausible size, real file layouts. Current-format files cover
# the portal years, legacy-format files (';', ISO-8859-1, wide, blank = suppressed, a line
# holding only "" now and then) the years before. Names and codes of programmes are
# illustrative; institution codes other than Saxion's (23AH), the UT's (21PH) and ROC van
# Twente's (27YU) are invented.

LEGACY_YEARS = tuple(range(2015, 2020))
GRADUATE_YEARS = tuple(range(2019, 2024))
LEGACY_GRADUATE_YEARS = tuple(range(2014, 2019))
INFLOW_FRACTION = 0.26
GRADUATE_FRACTION = 0.19


@dataclass(frozen=True)
class Programme:
    onderdeel: str
    subonderdeel: str
    code: str
    name: str
    type_ho: str
    female_share: float


HBO_PROGRAMMES: dict[str, tuple[Programme, ...]] = {
    TECHNIEK: (
        Programme(TECHNIEK, _nvt(TECHNIEK), "34267", "B Elektrotechniek", BACHELOR, 0.08),
        Programme(TECHNIEK, _nvt(TECHNIEK), "30038", "B Ruimtelijke Ontwikkeling", BACHELOR, 0.3),
    ),
    "ECONOMIE": (
        Programme("ECONOMIE", _nvt("ECONOMIE"), "34035", "B Bedrijfskunde", BACHELOR, 0.4),
    ),
    "GEZONDHEIDSZORG": (
        Programme(
            "GEZONDHEIDSZORG", _nvt("GEZONDHEIDSZORG"), "34560", "B Verpleegkunde", BACHELOR, 0.85
        ),
    ),
    "ONDERWIJS": (
        Programme(
            "ONDERWIJS",
            "leraar basisonderwijs",
            "34808",
            "B Opleiding tot leraar Basisonderwijs",
            BACHELOR,
            0.84,
        ),
    ),
}
WO_PROGRAMMES: dict[str, tuple[Programme, ...]] = {
    TECHNIEK: (
        Programme(TECHNIEK, _nvt(TECHNIEK), "56953", "B Technische Natuurkunde", BACHELOR, 0.2),
        Programme(TECHNIEK, _nvt(TECHNIEK), "60336", "M Mechanical Engineering", MASTER, 0.15),
    ),
    "RECHT": (Programme("RECHT", _nvt("RECHT"), "50700", "B Rechtsgeleerdheid", BACHELOR, 0.62),),
    "GEDRAG EN MAATSCHAPPIJ": (
        Programme(
            "GEDRAG EN MAATSCHAPPIJ",
            _nvt("GEDRAG EN MAATSCHAPPIJ"),
            "56604",
            "B Psychologie",
            BACHELOR,
            0.75,
        ),
    ),
    "GEZONDHEIDSZORG": (
        Programme(
            "GEZONDHEIDSZORG", _nvt("GEZONDHEIDSZORG"), "56551", "B Geneeskunde", BACHELOR, 0.68
        ),
    ),
}


@dataclass(frozen=True)
class Site:
    """An institution at one location: size, technology share, programmes offered."""

    provincie: str
    gemeentenummer: str
    gemeente: str
    code: str
    name: str
    students: int
    technology_share: float


HBO_SITES = tuple(
    Site(
        loc.provincie,
        loc.gemeentenummer,
        loc.gemeente,
        loc.instellingscode,
        loc.instellingsnaam,
        loc.students_2020,
        loc.technology_share,
    )
    for loc in LOCATIONS
)
WO_SITES = (
    Site("Overijssel", "0153", "Enschede", "21PH", "Universiteit Twente", 11000, 0.62),
    Site("Utrecht", "0344", "Utrecht", "99YA", "Universiteit Voorbeeld Utrecht", 30000, 0.10),
    Site(
        "Noord-Holland",
        "0363",
        "Amsterdam",
        "99YB",
        "Universiteit Voorbeeld Amsterdam",
        38000,
        0.08,
    ),
    Site(
        "Noord-Brabant",
        "0772",
        "Eindhoven",
        "99YC",
        "Technische Universiteit Voorbeeld",
        13000,
        0.85,
    ),
    Site("Groningen", "0014", "Groningen", "99YD", "Rijksuniversiteit Voorbeeld", 32000, 0.12),
)


@dataclass(frozen=True)
class Cell:
    """One site x programme x year x sex, with the true (unsuppressed) count."""

    site: Site
    programme: Programme
    year: int
    sex: str
    count: int


def generate_cells(
    rng: random.Random,
    sites: tuple[Site, ...],
    programmes: dict[str, tuple[Programme, ...]],
    years: tuple[int, ...],
    fraction: float,
) -> list[Cell]:
    cells = []
    for site in sites:
        others = [key for key in programmes if key != TECHNIEK]
        for key, offered in programmes.items():
            share = (
                site.technology_share
                if key == TECHNIEK
                else ((1 - site.technology_share) / len(others))
            )
            for programme in offered:
                base = site.students * fraction * share / len(offered) * rng.uniform(0.8, 1.2)
                trend = rng.uniform(-0.04, 0.06)
                for year in years:
                    total = base * (1 + trend) ** (year - years[0]) * rng.uniform(0.95, 1.05)
                    female = round(total * programme.female_share)
                    male = round(total) - female
                    cells += [
                        Cell(site, programme, year, MAN, male),
                        Cell(site, programme, year, VROUW, female),
                    ]
    return cells


def _published(count: int, marker: str) -> str:
    return marker if 0 < count < SUPPRESSION_THRESHOLD else str(count)


def render_current(
    cells: list[Cell], header: tuple[str, ...], by: str, graduates: bool = False
) -> bytes:
    """A current-format file. ``by``: "sex" sums programmes per sector; "programme" sexes."""
    totals: dict[tuple[str, ...], int] = {}
    for cell in cells:
        site, prog = cell.site, cell.programme
        place = (site.provincie, site.gemeentenummer, site.gemeente, SOORT_INSTELLING)
        institution = (site.code, site.name, prog.onderdeel, prog.subonderdeel)
        if by == "sex":
            key = (str(cell.year), *place, prog.type_ho, *institution, cell.sex)
        elif graduates:
            diploma = f"{'wo' if site in WO_SITES else 'hbo'} {prog.type_ho}"
            key = (str(cell.year), *place, *institution, prog.code, prog.name, diploma)
        else:
            key = (str(cell.year), *place, prog.type_ho, *institution, prog.code, prog.name)
        totals[key] = totals.get(key, 0) + cell.count
    lines = [",".join(_quote(name) for name in header)]
    lines += [
        ",".join([*(_quote(f) for f in key), _published(count, str(SUPPRESSED))])
        for key, count in sorted(totals.items())
        if count > 0
    ]
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")


def render_legacy(cells: list[Cell], years: tuple[int, ...], graduates: bool) -> bytes:
    """A legacy duo.nl file: ';', unquoted, ISO-8859-1, one column per year, lower case."""
    columns = [
        "PROVINCIE", "GEMEENTENUMMER", "GEMEENTENAAM", "SOORT INSTELLING",
        *([] if graduates else ["TYPE HOGER ONDERWIJS"]),
        "BRIN NUMMER ACTUEEL", "INSTELLINGSNAAM ACTUEEL", "CROHO ONDERDEEL",
        "CROHO SUBONDERDEEL", "OPLEIDINGSCODE ACTUEEL", "OPLEIDINGSNAAM ACTUEEL",
        "OPLEIDINGSVORM", *(["SOORT DIPLOMA"] if graduates else []), "GESLACHT",
        *(str(y) for y in years),
    ]  # fmt: skip
    by_row: dict[tuple[str, ...], dict[int, int]] = {}
    for cell in cells:
        site, prog = cell.site, cell.programme
        kind = "wo" if site in WO_SITES else "hbo"
        key = (
            site.provincie, site.gemeentenummer, site.gemeente, SOORT_INSTELLING,
            *([] if graduates else [prog.type_ho]),
            site.code, site.name, prog.onderdeel.lower(), prog.subonderdeel, prog.code,
            prog.name, "voltijd onderwijs", *([f"{kind} {prog.type_ho}"] if graduates else []),
            cell.sex.lower(),
        )  # fmt: skip
        by_row.setdefault(key, {})[cell.year] = cell.count
    lines = [";".join(columns)]
    for number, (key, counts) in enumerate(sorted(by_row.items()), start=1):
        lines.append(";".join([*key, *(_published(counts.get(y, 0), "") for y in years)]))
        if number % 40 == 0:
            lines.append('""')  # as in the real legacy files
    return ("\r\n".join(lines) + "\r\n").encode("iso-8859-1")


MBO_HEADER = (
    "BRIN NUMMER", "SOORTINS", "INSTELLINGSNAAM", "PLAATSNAAM", "TYPE MBO",
    "KWALIFICATIENIVEAU", "KWALIFICATIE CODE", "KWALIFICATIE NAAM", "MBO SECTOR", "DOMEIN",
    "SECTORUNIT SBB", "BRIN NUMMER KENNISCENTRUM", "NAAM KENNISCENTRUM",
)  # fmt: skip
TGO = "Sectorunit techniek en gebouwde omgeving"
MBO_QUALIFICATIONS = (
    # level, code, name, sector, domain, sector unit, female share, relative size
    (
        "2",
        "25250",
        "Monteur elektrotechnische installaties",
        "techniek",
        "Bouw en infra",
        TGO,
        0.03,
        1.0,
    ),
    (
        "3",
        "25251",
        "Eerste monteur elektrotechnische installaties",
        "techniek",
        "Bouw en infra",
        TGO,
        0.04,
        0.9,
    ),
    (
        "4",
        "25252",
        "Technicus engineering",
        "techniek",
        "Techniek en procesindustrie",
        TGO,
        0.1,
        1.1,
    ),
    (
        "3",
        "25478",
        "Verzorgende-IG",
        "zorg en welzijn",
        "Zorg en welzijn",
        "Sectorunit zorg, welzijn en sport",
        0.9,
        1.5,
    ),
    (
        "4",
        "25180",
        "Ondernemer/manager",
        "economie",
        "Handel en ondernemerschap",
        "Sectorunit handel",
        0.45,
        1.2,
    ),
)
MBO_SITES = (
    ("27YU", "ROC van Twente", "HENGELO OV", 420),
    ("99ZA", "ROC Voorbeeld Zwolle", "ZWOLLE", 300),
    ("99ZB", "ROC Voorbeeld Utrecht", "UTRECHT", 500),
    ("99ZC", "ROC Voorbeeld Eindhoven", "EINDHOVEN", 450),
)


def generate_mbo_legacy(rng: random.Random) -> bytes:
    """The legacy deelnemers file: MAN/VROUW/TOTAAL per year, ';', ISO-8859-1."""
    years = LEGACY_YEARS
    header = [*MBO_HEADER, *(f"{s}{y}" for y in years for s in ("MAN", "VROUW", "TOTAAL"))]
    lines = [";".join(header)]
    for code, name, place, size in MBO_SITES:
        for level, q_code, q_name, sector, domain, unit, female, rel in MBO_QUALIFICATIONS:
            for path, path_share in (("BBL", 0.45 if unit == TGO else 0.2), ("BOLVT", 0.6)):
                cells = []
                base = size * rel * path_share * rng.uniform(0.8, 1.2)
                for year in years:
                    if path == "BBL" and level == "4" and year == years[0]:
                        cells += ["", "", ""]  # not offered that year: all blank
                        continue
                    total = round(base * rng.uniform(0.9, 1.1))
                    women = round(total * female)
                    men = total - women
                    cells += [
                        _published(men, ""),
                        _published(women, ""),
                        str(total),
                    ]
                lines.append(
                    ";".join(
                        [
                            code,
                            "ROC",
                            name,
                            place,
                            path,
                            level,
                            q_code,
                            q_name,
                            sector,
                            domain,
                            unit,
                            "02PR",
                            "Kenniscentrum Voorbeeld",
                            *cells,
                        ]
                    )
                )
    return ("\r\n".join(lines) + "\r\n").encode("iso-8859-1")


# The portal's mbo files (mbo-studenten-per-instelling, gediplomeerde-mbo-studenten): comma,
# quoted text, UTF-8, CRLF, wide (MAN2021,VROUW2021,... / DIPMAN2021,...), -1 = suppressed.
# Institutions in Twente and in Zuidoost-Noord-Brabant (Eindhoven's COROP CR36), so every mbo
# indicator has CR12, CR36 and NL01 rows; GELDROP is a place that is not its gemeente's name
# (Geldrop-Mierlo). Codes other than ROC van Twente's 27YU, and all names but its, are invented.
MBO_PORTAL_YEARS = tuple(range(2021, 2026))
MBO_PORTAL_TEXT = (
    "INSTELLINGSCODE", "INSTELLINGSNAAM", "SOORT INSTELLING", "PLAATSNAAM INSTELLING", "LEERWEG",
    "NIVEAU", "ERKENDE OPLEIDING CODE", "ERKENDE OPLEIDING NAAM", "SECTORKAMER NAAM",
    "HOOFDGROEP NAAM",
)  # fmt: skip
MBO_PORTAL_SITES = (
    # code, name, soort instelling, place, size
    ("27YU", "ROC van Twente", "ROC", "HENGELO OV", 420),
    ("99ZD", "Vakschool Voorbeeld Enschede", "BER", "ENSCHEDE", 90),
    ("99ZA", "ROC Voorbeeld Zwolle", "ROC", "ZWOLLE", 300),
    ("99ZB", "ROC Voorbeeld Utrecht", "ROC", "UTRECHT", 500),
    ("99ZC", "ROC Voorbeeld Eindhoven", "ROC", "EINDHOVEN", 450),
    ("99ZE", "Vakcollege Voorbeeld Geldrop", "BER", "GELDROP", 80),
)
MBO_PORTAL_PATHS = (
    # path, share of technical students, share of the others
    ("BBL", 0.4, 0.2),
    ("BOLVT", 0.55, 0.75),
    ("BOLDT", 0.01, 0.02),
    ("EX", 0.02, 0.02),
)
MBO_DIPLOMA_FRACTION = 0.3


def _sectorkamer(unit: str) -> str:
    """The portal's SECTORKAMER NAAM from the legacy sector unit: 'Techniek en gebouwde ...'."""
    return unit.removeprefix("Sectorunit ").capitalize()


MBO_PORTAL_NUMERIC = ("NIVEAU", "ERKENDE OPLEIDING CODE")  # numbers: unquoted, like the counts


def _portal_line(columns: list[str], text: list[str], counts: list[int]) -> str:
    pairs = zip(columns, text, strict=True)
    fields = [value if column in MBO_PORTAL_NUMERIC else _quote(value) for column, value in pairs]
    return ",".join([*fields, *(_published(c, str(SUPPRESSED)) for c in counts)])


def generate_mbo_portal(rng: random.Random, graduates: bool) -> bytes:
    """The portal's students file (``graduates=False``) or its "Gediplomeerden" file."""
    prefix = "DIP" if graduates else ""
    text_columns = [c for c in MBO_PORTAL_TEXT if not (graduates and c == "SOORT INSTELLING")]
    count_columns = [f"{prefix}{s}{y}" for y in MBO_PORTAL_YEARS for s in ("MAN", "VROUW")]
    lines = [",".join(_quote(c) for c in [*text_columns, *count_columns])]
    paths = [*MBO_PORTAL_PATHS, *([("OVO", 0.0, 0.03)] if graduates else [])]
    for code, name, soort, place, size in MBO_PORTAL_SITES:
        for level, q_code, q_name, _, domain, unit, female, rel in MBO_QUALIFICATIONS:
            for path, technical_share, other_share in paths:
                share = technical_share if unit == TGO else other_share
                if share == 0:
                    continue
                base = size * rel * share * rng.uniform(0.8, 1.2)
                if graduates:
                    base *= MBO_DIPLOMA_FRACTION
                trend = rng.uniform(-0.03, 0.05)
                counts = []
                for number, _year in enumerate(MBO_PORTAL_YEARS):
                    total = round(base * (1 + trend) ** number * rng.uniform(0.9, 1.1))
                    women = round(total * female)
                    counts += [total - women, women]
                text = [code, name, *([] if graduates else [soort]), place, path, level, q_code]
                text += [q_name, _sectorkamer(unit), domain]
                lines.append(_portal_line(text_columns, text, counts))
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")


INFLOW_HEADER = (
    "STUDIEJAAR",
    "PROVINCIENAAM",
    "GEMEENTENUMMER",
    "GEMEENTENAAM",
    "SOORT_INSTELLING",
    "TYPE_HOGER_ONDERWIJS",
    "INSTELLINGSCODE_ACTUEEL",
    "INSTELLINGSNAAM_ACTUEEL",
    "ONDERDEEL",
    "SUBONDERDEEL",
    "OPLEIDINGSCODE_ACTUEEL",
    "OPLEIDINGSNAAM_ACTUEEL",
    "AANTAL_EERSTEJAARS_INGESCHREVENEN",
)
GRADUATES_HEADER = (
    "DIPLOMAJAAR",
    "PROVINCIENAAM",
    "GEMEENTENUMMER",
    "GEMEENTENAAM",
    "SOORT_INSTELLING",
    "INSTELLINGSCODE_ACTUEEL",
    "INSTELLINGSNAAM_ACTUEEL",
    "ONDERDEEL",
    "SUBONDERDEEL",
    "OPLEIDINGSCODE_ACTUEEL",
    "OPLEIDINGSNAAM_ACTUEEL",
    "SOORT_DIPLOMA",
    "AANTAL_GEDIPLOMEERDEN",
)


@dataclass(frozen=True)
class SampleFile:
    dataset: str
    resource: str
    file_name: str
    data: bytes


def generate_other_files(seed: int = SEED) -> list[SampleFile]:
    """Every other DUO dataset kind the catalog needs, current and legacy format."""
    files = []
    for kind, sites, programmes in (
        ("hbo", HBO_SITES, HBO_PROGRAMMES),
        ("wo", WO_SITES, WO_PROGRAMMES),
    ):
        rng = random.Random(f"{seed}-{kind}")
        if kind == "wo":
            enrolled = generate_cells(rng, sites, programmes, YEARS, 1.0)
            files.append(
                SampleFile(
                    "p01hoinges",
                    "wo_enrolment_by_sex",
                    "ingeschrevenengeslwo.csv",
                    render_current(enrolled, HEADER, "sex"),
                )
            )
        inflow = generate_cells(rng, sites, programmes, (*LEGACY_YEARS, *YEARS), INFLOW_FRACTION)
        files += [
            SampleFile(
                "p02ho1ejrs",
                f"{kind}_inflow_by_programme",
                f"eerstejaarsingeschrevenen{kind}.csv",
                render_current([c for c in inflow if c.year in YEARS], INFLOW_HEADER, "programme"),
            ),
            SampleFile(
                "p02ho1ejrs",
                f"{kind}_inflow_by_programme",
                f"03b-eerstejaars-ingeschrevenen-{kind}-domein-{kind}-2019.csv",
                render_legacy([c for c in inflow if c.year in LEGACY_YEARS], LEGACY_YEARS, False),
            ),
        ]
        graduates = generate_cells(
            rng, sites, programmes, (*LEGACY_GRADUATE_YEARS, *GRADUATE_YEARS), GRADUATE_FRACTION
        )
        files += [
            SampleFile(
                "p04hogdipl",
                f"{kind}_graduates_by_programme",
                f"gediplomeerden{kind}.csv",
                render_current(
                    [c for c in graduates if c.year in GRADUATE_YEARS],
                    GRADUATES_HEADER,
                    "programme",
                    graduates=True,
                ),
            ),
            SampleFile(
                "p04hogdipl",
                f"{kind}_graduates_by_programme",
                f"05-gediplomeerden-{kind}-2019.csv",
                render_legacy(
                    [c for c in graduates if c.year in LEGACY_GRADUATE_YEARS],
                    LEGACY_GRADUATE_YEARS,
                    True,
                ),
            ),
        ]
    files.append(
        SampleFile(
            "mbo-deelnemers",
            "mbo_students_by_qualification",
            "03-deelnemers-per-instelling-mbo-2015-2019.csv",
            generate_mbo_legacy(random.Random(f"{seed}-mbo")),
        )
    )
    files += [
        SampleFile(
            "mbo-studenten-per-instelling",
            "mbo_students_by_qualification",
            "2021-2025-studenten-per-instelling-plaats-sectorkamer-leerweg-opleiding-niveau-"
            "geslacht.csv",
            generate_mbo_portal(random.Random(f"{seed}-mbo-portal"), graduates=False),
        ),
        SampleFile(
            "gediplomeerde-mbo-studenten",
            "mbo_graduates_by_qualification",
            "2021-2025-gediplomeerden.csv",
            generate_mbo_portal(random.Random(f"{seed}-mbo-diplomas"), graduates=True),
        ),
    ]
    return files


def clear_landing_dir(out_dir: Path) -> None:
    """Remove a previous landing zone at ``out_dir``, refusing anything that is not one."""
    if not out_dir.exists():
        return
    if not out_dir.is_dir():
        raise SystemExit(f"{out_dir} exists and is not a directory")
    for path in out_dir.rglob("*"):
        depth = len(path.relative_to(out_dir).parts)
        if (path.is_file() and depth != 4) or (path.is_dir() and depth > 3):
            raise SystemExit(
                f"{out_dir} holds {path}, which is not part of a landing zone; "
                "refusing to delete it"
            )
    shutil.rmtree(out_dir)


def write_landing(out_dir: Path) -> tuple[Path, int]:
    """Empty ``out_dir``, land the generated file there; return its path and row count."""
    data = generate_csv()
    clear_landing_dir(out_dir)
    landed, _ = LandingZone(out_dir).land_bytes(
        data,
        source=SOURCE,
        dataset=DATASET,
        resource=RESOURCE,
        file_name=FILE_NAME,
        media_type=MEDIA_TYPE,
        original_url=None,
        fetched_at=FETCHED_AT,
        is_sample_data=True,
        note=NOTE,
    )
    zone = LandingZone(out_dir)
    for sample in generate_other_files():
        zone.land_bytes(
            sample.data,
            source=SOURCE,
            dataset=sample.dataset,
            resource=sample.resource,
            file_name=sample.file_name,
            media_type=MEDIA_TYPE,
            original_url=None,
            fetched_at=FETCHED_AT,
            is_sample_data=True,
            note=NOTE,
        )
    land_cbs_samples(zone)
    return landed.path, data.count(b"\r\n") - 1


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "out_dir",
        nargs="?",
        type=Path,
        default=DEFAULT_OUT_DIR,
        help="landing zone directory to (re)create (default: sample/landing)",
    )
    args = parser.parse_args(argv)
    path, n_rows = write_landing(args.out_dir)
    print(f"wrote GENERATED sample data: {n_rows} rows ({YEARS[0]}-{YEARS[-1]}) to {path}")


if __name__ == "__main__":
    main()
