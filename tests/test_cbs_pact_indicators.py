"""The CBS indicators of pact action points 2, 4 and 5, recomputed from the landed sample.

Every test states one rule of an indicator's definition (``transforms/indicators/*.toml``) and
checks what a build of ``sample/landing`` publishes against the same rule worked out
independently from the landed CBS responses. The expected side uses plain Python only: the
JSON files are found through each table's ``fetch-batch.json`` and the manifests, dimension
code keys are looked up by their titles in the landed code lists (keys and titles as CBS pads
them, stripped here), topics by their title in DataProperties. Nothing of techpact's parser,
table specs or SQL is used to compute an expected value.

The sample is GENERATED (``sample/cbs_sample.py``); the rules are CBS's and the catalog's.
"""

from __future__ import annotations

import csv
import functools
import json
import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

import duckdb
import pytest
from conftest import REPO_ROOT, SAMPLE_LANDING

from techpact.sources.landing import LandingZone
from techpact.transforms.catalog import load_catalog
from techpact.warehouse.build import build_warehouse

CBS_LANDING = SAMPLE_LANDING / "cbs"
REGION_SEED = REPO_ROOT / "transforms" / "seeds" / "region.csv"

TWENTE = "CR12"
NEDERLAND = "NL01"
OVERIJSSEL = "PV23"  # Twente's provincie: stands in where CBS has no COROP figures
ENSCHEDE = "GM0153"
REGIONS_WITH_GEMEENTEN = (TWENTE, NEDERLAND, ENSCHEDE)

# The youth tables, one per regional classification; the newer one wins where they overlap.
YOUTH_TABLES = ("86087NED", "86223NED")
BENEFITS_TABLE = "80794ned"
MIGRATION_TABLE = "85451NED"
VACANCIES_TABLE = "83599NED"
LABOUR_TABLES = ("85269NED", "85494NED", "86088NED")

# CBS renamed the education levels in the 2025 release (86088NED); either title is the level.
EDUCATION_LEVEL_TITLES = {
    "total": ("Totaal personen",),
    "low": ("Onderwijsniveau: 1 Laag", "1 Basisonderwijs, vmbo, mbo1"),
    "middle": ("Onderwijsniveau: 2 Middelbaar", "2 Havo, vwo, mbo2-4"),
    "high": ("Onderwijsniveau: 3 Hoog", "3 Hbo, wo"),
}
TECHNICAL_SECTOR_TITLES = ("C Industrie", "F Bouwnijverheid", "J Informatie en communicatie")
ALL_SECTORS_TITLE = "A-U Alle economische activiteiten"
UNIT_FACTORS = {"x 1 000": 1000, "aantal": 1, "%": 1}
RELATIVE_TOLERANCE = 1e-9


# -- The landed responses, read by hand ------------------------------------------------------


@dataclass(frozen=True)
class LandedTable:
    """One landed fetch of a CBS v3 table: its DataProperties, code lists and data rows."""

    table_id: str
    classification_year: int
    data_properties: tuple[dict[str, Any], ...]
    code_lists: Mapping[str, tuple[dict[str, Any], ...]]  # dimension key -> codes
    rows: tuple[dict[str, Any], ...]  # TypedDataSet rows, padded keys stripped

    def _property(self, title: str, types: tuple[str, ...]) -> dict[str, Any]:
        found = [
            p
            for p in self.data_properties
            if p["Type"] in types and p["Title"].strip() == title.strip()
        ]
        assert len(found) == 1, f"{self.table_id}: {len(found)} properties titled {title!r}"
        return found[0]

    def topic_key(self, title: str) -> str:
        return self._property(title, ("Topic",))["Key"]

    def topic_factor(self, title: str) -> int:
        """What a value of the topic is multiplied by to count units ("x 1 000" -> 1000)."""
        return UNIT_FACTORS[self._property(title, ("Topic",))["Unit"].strip()]

    def dimensions(self) -> dict[str, str]:
        """Title -> key of every dimension other than region and period."""
        return {
            p["Title"].strip(): p["Key"] for p in self.data_properties if p["Type"] == "Dimension"
        }

    def code(self, dimension_title: str, *code_titles: str) -> str:
        """The key of the one code of the dimension titled by any of ``code_titles``."""
        codes = self.code_lists[self.dimensions()[dimension_title]]
        keys = [c["Key"].strip() for c in codes if c["Title"].strip() in code_titles]
        assert len(keys) == 1, f"{self.table_id} {dimension_title}: codes {code_titles} -> {keys}"
        return keys[0]

    def values(
        self, topic_title: str, codes: Mapping[str, str | tuple[str, ...]] | None = None
    ) -> dict[tuple[str, str], float | None]:
        """(region, period code) -> the topic's value in the cell ``codes`` names.

        ``codes`` names a code title (or its alternative titles) for every dimension of the
        table, so that each region and period has exactly one cell.
        """
        codes = codes or {}
        dimensions = self.dimensions()
        assert set(codes) == set(dimensions), f"{self.table_id}: name every dimension"
        wanted = {
            dimensions[title]: self.code(title, *((c,) if isinstance(c, str) else c))
            for title, c in codes.items()
        }
        topic = self.topic_key(topic_title)
        cells: dict[tuple[str, str], float | None] = {}
        for row in self.rows:
            if all(row[key] == code for key, code in wanted.items()):
                cell = (row["RegioS"], row["Perioden"])
                assert cell not in cells, f"{self.table_id}: two rows for {cell}"
                cells[cell] = row[topic]
        return cells


def _stripped(row: dict[str, Any]) -> dict[str, Any]:
    return {k: v.strip() if isinstance(v, str) else v for k, v in row.items()}


@functools.cache
def read_landed_table(table_id: str) -> LandedTable:
    """The table's one fetch in sample/landing, its files found by the batch's sha256s."""
    folder = CBS_LANDING / table_id
    by_sha256: dict[str, Path] = {}
    for manifest_path in folder.glob("*/manifest.json"):
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        by_sha256[manifest["sha256"]] = manifest_path.parent / manifest["file_name"]
    batches = [path for path in by_sha256.values() if path.name == "fetch-batch.json"]
    assert len(batches) == 1, f"{folder}: expected one fetch, found {len(batches)}"
    batch = json.loads(batches[0].read_text(encoding="utf-8"))

    def read(entry: dict[str, Any]) -> list[dict[str, Any]]:
        return json.loads(by_sha256[entry["sha256"]].read_text(encoding="utf-8"))["value"]

    entries = batch["files"]
    (properties,) = [read(e) for e in entries if e["role"] == "data_properties"]
    code_lists = {e["dimension"]: tuple(read(e)) for e in entries if e["role"] == "dimension"}
    pages = sorted((e for e in entries if e["role"] == "data_page"), key=lambda e: e["page"])
    return LandedTable(
        table_id=table_id,
        classification_year=batch["classification_year"],
        data_properties=tuple(properties),
        code_lists=code_lists,
        rows=tuple(_stripped(row) for page in pages for row in read(page)),
    )


def year_of(period_code: str) -> str:
    return period_code[:4]


def by_classification_year(table_ids: tuple[str, ...]) -> Iterator[LandedTable]:
    """The tables of a spliced series, oldest classification first: a later one overwrites."""
    tables = [read_landed_table(t) for t in table_ids]
    yield from sorted(tables, key=lambda t: t.classification_year)


def gemeenten_of(corop_code: str) -> list[str]:
    with REGION_SEED.open(encoding="utf-8", newline="") as seed:
        return [
            row["region_code"]
            for row in csv.DictReader(seed)
            if row["region_level"] == "gemeente" and row["corop_code"] == corop_code
        ]


# -- The expected values --------------------------------------------------------------------


def youth_cells(table: LandedTable) -> dict[str, dict[tuple[str, str], float | None]]:
    """all_youth (Totaal x Totaal) and neet (not in education x not working), by region, year."""
    totals = {
        "Uitkering": "Totaal met of zonder uitkering",
        "Geregistreerd werkzoekende bij UWV": "Totaal",
    }
    topic = "Jongeren (15 tot 27 jaar)"
    cells = {
        "all_youth": {"Onderwijsvolgend": "Totaal", "Arbeidskenmerken": "Totaal"},
        "neet": {
            "Onderwijsvolgend": "Niet onderwijsvolgend",
            "Arbeidskenmerken": "Arb.pos.: niet-werkzame bevolking",
        },
    }
    return {
        group: {
            (region, year_of(period)): value
            for (region, period), value in table.values(topic, {**codes, **totals}).items()
        }
        for group, codes in cells.items()
    }


def expected_youth() -> dict[tuple[str, str], tuple[float, float, str]]:
    """(region, year) -> (neet, all youth, table id), the newest classification winning."""
    expected: dict[tuple[str, str], tuple[float, float, str]] = {}
    for table in by_classification_year(YOUTH_TABLES):
        cells = youth_cells(table)
        for key, neet in cells["neet"].items():
            expected[key] = (neet, cells["all_youth"][key], table.table_id)
    return expected


def expected_december(topic_key: str) -> dict[tuple[str, str], float]:
    """(region, year) -> the topic's value in December of the year (80794ned, monthly)."""
    table = read_landed_table(BENEFITS_TABLE)
    return {
        (row["RegioS"], year_of(row["Perioden"])): row[topic_key]
        for row in table.rows
        if row["Perioden"].endswith("MM12") and row[topic_key] is not None
    }


def expected_foreign_nationals(topic_title: str) -> dict[tuple[str, str], float]:
    """(region, year) -> the topic for every nationality minus the Dutch one, all sexes/ages."""
    table = read_landed_table(MIGRATION_TABLE)
    everyone = {"Geslacht": "Totaal mannen en vrouwen", "Leeftijd": "Totaal"}
    total = table.values(topic_title, {**everyone, "Nationaliteit": "Totaal"})
    dutch = table.values(topic_title, {**everyone, "Nationaliteit": "Nederlands"})
    return {
        (region, year_of(period)): total[region, period] - dutch[region, period]
        for region, period in total
    }


def quarterly_vacancies(sector_titles: tuple[str, ...]) -> dict[tuple[str, str], list[float]]:
    """(region, year) -> per quarter, the open vacancies of the sectors summed, in vacancies."""
    table = read_landed_table(VACANCIES_TABLE)
    topic = "Openstaande vacatures"
    factor = table.topic_factor(topic)
    by_sector = [
        table.values(topic, {"Bedrijfstakken/branches (SBI 2008)": title})
        for title in sector_titles
    ]
    quarters: dict[tuple[str, str], list[float]] = {}
    for region, period in sorted(by_sector[0]):
        summed = sum(values[region, period] for values in by_sector) * factor
        quarters.setdefault((region, year_of(period)), []).append(summed)
    return quarters


def yearly_average(quarters: dict[tuple[str, str], list[float]]) -> dict[tuple[str, str], float]:
    """The mean of a year's four quarters; a year with fewer has no value."""
    return {key: sum(q) / 4 for key, q in quarters.items() if len(q) == 4}


def expected_labour_by_education(
    topic_title: str,
) -> dict[tuple[str, str, str], tuple[float | None, str]]:
    """(region, year, education level) -> (value or None, table id), newest table winning."""
    expected: dict[tuple[str, str, str], tuple[float | None, str]] = {}
    for table in by_classification_year(LABOUR_TABLES):
        for level, titles in EDUCATION_LEVEL_TITLES.items():
            cells = table.values(topic_title, {"Persoonskenmerken": titles})
            for (region, period), value in cells.items():
                expected[region, year_of(period), level] = (value, table.table_id)
    return expected


# -- The published values -------------------------------------------------------------------


class Published(NamedTuple):
    value: float
    source_dataset: str


@pytest.fixture(scope="module")
def sample_build(tmp_path_factory: pytest.TempPathFactory) -> Iterator[duckdb.DuckDBPyConnection]:
    out = tmp_path_factory.mktemp("pact-indicators") / "build.duckdb"
    build_warehouse(
        out, landing=LandingZone(SAMPLE_LANDING), catalog=load_catalog(), snapshot_id="t"
    )
    with duckdb.connect(str(out), read_only=True) as con:
        yield con


def published(
    con: duckdb.DuckDBPyConnection, indicator_id: str
) -> dict[tuple[str, str, str], Published]:
    """(region, year, education level) -> the published row (other breakdowns total)."""
    rows = con.execute(
        """
        select region_code, period, education_level, value, source_dataset
        from indicator_values
        where indicator_id = $id and sex = 'total' and institution = 'total'
        """,
        {"id": indicator_id},
    ).fetchall()
    assert rows, f"{indicator_id} publishes no rows"
    return {(r[0], r[1], r[2]): Published(r[3], r[4]) for r in rows}


def published_totals(
    con: duckdb.DuckDBPyConnection, indicator_id: str, region: str
) -> dict[str, Published]:
    """Year -> the published row of one region (every breakdown total)."""
    return {
        year: row
        for (row_region, year, level), row in published(con, indicator_id).items()
        if row_region == region and level == "total"
    }


def assert_same_values(
    indicator_id: str, region: str, published_by_year: dict, expected_by_year: dict
) -> None:
    assert sorted(published_by_year) == sorted(expected_by_year), (
        f"{indicator_id} {region}: published years {sorted(published_by_year)}, "
        f"expected {sorted(expected_by_year)}"
    )
    for year, expected in sorted(expected_by_year.items()):
        value = published_by_year[year].value
        assert math.isclose(value, expected, rel_tol=RELATIVE_TOLERANCE), (
            f"{indicator_id} {region} {year}: published {value}, recomputed {expected}"
        )


# -- neet_youth, neet_youth_share (86087NED, 86223NED) ---------------------------------------


@pytest.mark.parametrize("region", REGIONS_WITH_GEMEENTEN)
def test_neet_youth_is_the_not_in_education_and_not_working_cell(
    sample_build: duckdb.DuckDBPyConnection, region: str
) -> None:
    """Onderwijsvolgend "Niet onderwijsvolgend" x "Arb.pos.: niet-werkzame bevolking", with
    or without a benefit and UWV registration; the newest classification where tables overlap."""
    expected = {year: neet for (r, year), (neet, _, _) in expected_youth().items() if r == region}
    assert_same_values(
        "neet_youth", region, published_totals(sample_build, "neet_youth", region), expected
    )


@pytest.mark.parametrize("region", REGIONS_WITH_GEMEENTEN)
def test_neet_youth_share_is_the_neet_cell_over_all_youth(
    sample_build: duckdb.DuckDBPyConnection, region: str
) -> None:
    """NEET over the Totaal x Totaal cell of the same table, region and year."""
    expected = {
        year: neet / everyone
        for (r, year), (neet, everyone, _) in expected_youth().items()
        if r == region
    }
    rows = published_totals(sample_build, "neet_youth_share", region)
    assert_same_values("neet_youth_share", region, rows, expected)


@pytest.mark.parametrize("indicator_id", ["neet_youth", "neet_youth_share"])
def test_where_the_youth_tables_overlap_the_newer_classification_is_published(
    sample_build: duckdb.DuckDBPyConnection, indicator_id: str
) -> None:
    older, newer = by_classification_year(YOUTH_TABLES)
    assert (older.table_id, newer.table_id) == ("86087NED", "86223NED")
    old_cells, new_cells = youth_cells(older), youth_cells(newer)
    overlap = sorted(
        {year for _, year in old_cells["neet"]} & {year for _, year in new_cells["neet"]}
    )
    assert overlap == ["2022", "2023"]
    for region in (TWENTE, NEDERLAND):
        rows = published_totals(sample_build, indicator_id, region)
        for year in overlap:
            key = (region, year)
            # The sample gives the two tables different figures here, so the choice shows.
            assert old_cells["neet"][key] != new_cells["neet"][key]
            new_value = new_cells["neet"][key]
            if indicator_id == "neet_youth_share":
                new_value /= new_cells["all_youth"][key]
            assert rows[year].source_dataset == newer.table_id, (indicator_id, region, year)
            assert math.isclose(rows[year].value, new_value, rel_tol=RELATIVE_TOLERANCE), (
                f"{indicator_id} {region} {year}: published {rows[year].value}, "
                f"{newer.table_id} gives {new_value}"
            )


# -- ww_recipients, bijstand_recipients (80794ned) -------------------------------------------

BENEFIT_TOPICS = {
    "ww_recipients": "Werkloosheid_4",
    "bijstand_recipients": "BijstandTotDeAOWLeeftijd_7",
}


@pytest.mark.parametrize("region", [NEDERLAND, ENSCHEDE])
@pytest.mark.parametrize("indicator_id", sorted(BENEFIT_TOPICS))
def test_benefit_recipients_are_the_december_figure_of_the_year(
    sample_build: duckdb.DuckDBPyConnection, indicator_id: str, region: str
) -> None:
    expected = {
        year: value
        for (r, year), value in expected_december(BENEFIT_TOPICS[indicator_id]).items()
        if r == region
    }
    assert_same_values(
        indicator_id, region, published_totals(sample_build, indicator_id, region), expected
    )


@pytest.mark.parametrize("indicator_id", sorted(BENEFIT_TOPICS))
def test_a_year_without_a_december_figure_is_not_published(
    sample_build: duckdb.DuckDBPyConnection, indicator_id: str
) -> None:
    periods = {row["Perioden"] for row in read_landed_table(BENEFITS_TABLE).rows}
    assert "2024MM01" in periods and "2024MM12" not in periods  # the sample's current year
    published_years = {year for _, year, _ in published(sample_build, indicator_id)}
    assert "2024" not in published_years
    assert published_years == {year_of(p) for p in periods if p.endswith("MM12")}


@pytest.mark.parametrize("indicator_id", sorted(BENEFIT_TOPICS))
def test_twente_which_the_benefits_table_lacks_is_the_sum_of_its_gemeenten(
    sample_build: duckdb.DuckDBPyConnection, indicator_id: str
) -> None:
    december = expected_december(BENEFIT_TOPICS[indicator_id])
    regions = {region for region, _ in december}
    gemeenten = gemeenten_of(TWENTE)
    assert len(gemeenten) == 14
    assert TWENTE not in regions and set(gemeenten) <= regions
    years = sorted({year for _, year in december})
    expected = {year: sum(december[g, year] for g in gemeenten) for year in years}
    assert_same_values(
        indicator_id, TWENTE, published_totals(sample_build, indicator_id, TWENTE), expected
    )


# -- immigration_foreign_nationals, net_migration_foreign_nationals (85451NED) ---------------

MIGRATION_TOPICS = {
    "immigration_foreign_nationals": "Immigratie",
    "net_migration_foreign_nationals": "Migratiesaldo inclusief administratieve correcties",
}


@pytest.mark.parametrize("region", REGIONS_WITH_GEMEENTEN)
@pytest.mark.parametrize("indicator_id", sorted(MIGRATION_TOPICS))
def test_foreign_nationals_are_every_nationality_minus_dutch_all_sexes_and_ages(
    sample_build: duckdb.DuckDBPyConnection, indicator_id: str, region: str
) -> None:
    expected = {
        year: value
        for (r, year), value in expected_foreign_nationals(MIGRATION_TOPICS[indicator_id]).items()
        if r == region
    }
    assert_same_values(
        indicator_id, region, published_totals(sample_build, indicator_id, region), expected
    )


# -- open_vacancies_technical(_share) (83599NED) ---------------------------------------------


@pytest.mark.parametrize("region", [OVERIJSSEL, NEDERLAND])
def test_open_vacancies_technical_is_the_yearly_average_of_c_f_and_j_in_vacancies(
    sample_build: duckdb.DuckDBPyConnection, region: str
) -> None:
    """CBS publishes thousands ("x 1 000"): the sum of C, F and J times 1000, averaged."""
    expected = {
        year: value
        for (r, year), value in yearly_average(quarterly_vacancies(TECHNICAL_SECTOR_TITLES)).items()
        if r == region
    }
    rows = published_totals(sample_build, "open_vacancies_technical", region)
    assert_same_values("open_vacancies_technical", region, rows, expected)


@pytest.mark.parametrize("region", [OVERIJSSEL, NEDERLAND])
def test_open_vacancies_technical_share_is_c_f_and_j_over_all_sectors(
    sample_build: duckdb.DuckDBPyConnection, region: str
) -> None:
    technical = yearly_average(quarterly_vacancies(TECHNICAL_SECTOR_TITLES))
    everything = yearly_average(quarterly_vacancies((ALL_SECTORS_TITLE,)))
    expected = {
        year: technical[r, year] / everything[r, year] for r, year in technical if r == region
    }
    rows = published_totals(sample_build, "open_vacancies_technical_share", region)
    assert_same_values("open_vacancies_technical_share", region, rows, expected)


@pytest.mark.parametrize(
    "indicator_id", ["open_vacancies_technical", "open_vacancies_technical_share"]
)
def test_vacancies_have_no_twente_row_and_no_year_short_of_four_quarters(
    sample_build: duckdb.DuckDBPyConnection, indicator_id: str
) -> None:
    quarters = quarterly_vacancies(TECHNICAL_SECTOR_TITLES)
    assert len(quarters[NEDERLAND, "2024"]) == 2  # the sample's current year: two quarters
    rows = published(sample_build, indicator_id)
    assert TWENTE not in {region for region, _, _ in rows}
    assert {region for region, _, _ in rows} == {region for region, _ in quarters}
    assert "2024" not in {year for _, year, _ in rows}


# -- unemployment_rate_by_education, net_labour_participation_by_education -------------------

LABOUR_TOPICS = {
    "unemployment_rate_by_education": "Werkloosheidspercentage",
    "net_labour_participation_by_education": "Nettoarbeidsparticipatie",
}


@pytest.mark.parametrize("region", REGIONS_WITH_GEMEENTEN)
@pytest.mark.parametrize("indicator_id", sorted(LABOUR_TOPICS))
def test_education_levels_are_the_persoonskenmerken_codes_of_each_table(
    sample_build: duckdb.DuckDBPyConnection, indicator_id: str, region: str
) -> None:
    """low/middle/high/total by their titles in each table; the newest table where they
    overlap (2020-2022)."""
    expected = {
        (year, level): (value, table_id)
        for (r, year, level), (value, table_id) in expected_labour_by_education(
            LABOUR_TOPICS[indicator_id]
        ).items()
        if r == region and value is not None
    }
    rows = {
        (year, level): row
        for (r, year, level), row in published(sample_build, indicator_id).items()
        if r == region
    }
    assert sorted(rows) == sorted(expected), f"{indicator_id} {region}: published rows differ"
    for (year, level), (value, table_id) in sorted(expected.items()):
        row = rows[year, level]
        assert math.isclose(row.value, value, rel_tol=RELATIVE_TOLERANCE), (
            f"{indicator_id} {region} {year} {level}: published {row.value}, "
            f"{table_id} gives {value}"
        )
        assert row.source_dataset == table_id, (indicator_id, region, year, level)


def test_86088NED_names_the_education_levels_differently_from_the_older_tables() -> None:
    """The recomputation above finds each level under its title in each table."""
    titles = {
        table_id: {
            c["Title"].strip() for c in read_landed_table(table_id).code_lists["Persoonskenmerken"]
        }
        for table_id in LABOUR_TABLES
    }
    assert "Onderwijsniveau: 1 Laag" in titles["85269NED"] & titles["85494NED"]
    assert "1 Basisonderwijs, vmbo, mbo1" in titles["86088NED"]
    assert "Onderwijsniveau: 1 Laag" not in titles["86088NED"]


@pytest.mark.parametrize("indicator_id", sorted(LABOUR_TOPICS))
def test_small_gemeenten_without_a_survey_value_publish_no_row(
    sample_build: duckdb.DuckDBPyConnection, indicator_id: str
) -> None:
    expected = expected_labour_by_education(LABOUR_TOPICS[indicator_id])
    missing = sorted(key for key, (value, _) in expected.items() if value is None)
    assert missing, "the sample should have gemeenten with null education-level cells"
    assert all(region.startswith("GM") and level != "total" for region, _, level in missing)
    rows = published(sample_build, indicator_id)
    assert [key for key in missing if key in rows] == []
    # The gemeente's total is published all the same.
    assert all((region, year, "total") in rows for region, year, _ in missing)


# -- international_students_share, international_students_technology_share (85125NED) ----------

INTERNATIONAL_TABLE = "85125NED"
# Published education level or indicator -> the (Onderwijssoort, Studierichting) cell.
INTERNATIONAL_CELLS = {
    ("international_students_share", "total"): ("Hoger onderwijs", "Totaal studierichting"),
    ("international_students_share", "hbo"): ("Hoger beroepsonderwijs", "Totaal studierichting"),
    ("international_students_share", "wo"): ("Wetenschappelijk onderwijs", "Totaal studierichting"),
    ("international_students_technology_share", "total"): (
        "Hoger onderwijs",
        "07 Techniek, industrie en bouwkunde",
    ),
}


def expected_international_share(kind: str, field: str) -> dict[str, float]:
    """School year ('2023/24') -> international students / all students of the cell, all
    sexes, years of stay and phases (the table has no region: Nederland)."""
    table = read_landed_table(INTERNATIONAL_TABLE)
    dims = table.dimensions()
    wanted = {
        dims["Geslacht"]: table.code("Geslacht", "Totaal mannen en vrouwen"),
        dims["Verblijfsjaar"]: table.code("Verblijfsjaar", "Totaal verblijfsjaar"),
        dims["Opleidingsfase"]: table.code("Opleidingsfase", "Totaal opleidingsfase"),
        dims["Onderwijssoort"]: table.code("Onderwijssoort", kind),
        dims["Studierichting"]: table.code("Studierichting", field),
    }
    assert set(wanted) == set(dims.values()), "every dimension held at one code"
    enrolled = table.topic_key("Totaal ingeschrevenen")
    international = table.topic_key("Totaal internationale studenten")
    shares = {}
    for row in table.rows:
        if all(row[key] == code for key, code in wanted.items()):
            year = int(row["Perioden"][:4])
            school_year = f"{year}/{(year + 1) % 100:02d}"
            assert school_year not in shares, f"two rows for {school_year}"
            shares[school_year] = row[international] / row[enrolled]
    return shares


@pytest.mark.parametrize(("indicator_id", "level"), sorted(INTERNATIONAL_CELLS))
def test_international_students_are_a_share_of_all_students_of_the_cell_for_nederland(
    sample_build: duckdb.DuckDBPyConnection, indicator_id: str, level: str
) -> None:
    expected = expected_international_share(*INTERNATIONAL_CELLS[indicator_id, level])
    rows = published(sample_build, indicator_id)
    assert {region for region, _, _ in rows} == {NEDERLAND}  # no region dimension
    assert_same_values(
        indicator_id,
        f"{NEDERLAND} {level}",
        {year: row for (_, year, lvl), row in rows.items() if lvl == level},
        expected,
    )
