"""The two skeleton indicators, computed from the real DUO file, match an independent count.

../shared/SOURCES.md: share of HBO students in ONDERDEEL TECHNIEK at Twente locations 30.6 %
(2020) … 30.6 % (2024), Netherlands 20.8 % … 20.6 %; Twente technology students 5,740 (2020) →
5,197 (2024); suppressed ``-1`` counted as 0.
"""

from __future__ import annotations

import csv
from pathlib import Path

import duckdb
import pytest
from conftest import shared_file

from techpact.expectations.config import ChecksConfig, load_checks_config, measure_ids
from techpact.expectations.gate import validate_build
from techpact.expectations.suites import build_checks
from techpact.sources.duo import parse_duo_file
from techpact.sources.landing import LandingZone
from techpact.transforms.catalog import Catalog, load_catalog
from techpact.warehouse.build import build_warehouse
from techpact.warehouse.loaders import duo as duo_loader

TWENTE_GEMEENTEN = {
    "0141", "0147", "0153", "0158", "0163", "0164", "0168",
    "0173", "0183", "0189", "1700", "1735", "1742", "1774",
}  # fmt: skip
REAL_FILE = "duo/onderwijsdata_ckan_2026/ingeschrevenengeslhbo.csv"


def independent_totals(path: Path) -> dict[tuple[str, int], tuple[int, int]]:
    """(region, year) -> (technology students, all students), with the plain csv module."""
    totals: dict[tuple[str, int], list[int]] = {}
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            count = int(row["AANTAL_INGESCHREVENEN"])
            count = 0 if count == -1 else count
            year = int(row["STUDIEJAAR"])
            regions = ["NL01"] + (["CR12"] if row["GEMEENTENUMMER"] in TWENTE_GEMEENTEN else [])
            for region in regions:
                tech_all = totals.setdefault((region, year), [0, 0])
                tech_all[0] += count if row["ONDERDEEL"] == "TECHNIEK" else 0
                tech_all[1] += count
    return {key: (tech, total) for key, (tech, total) in totals.items()}


# Every real DUO file, with the dataset it is landed under (a legacy student file's header does
# not say whether it counts all students or first-years; those two are first-years).
REAL_FILES = {
    "duo/onderwijsdata_ckan_2026/ingeschrevenengeslhbo.csv": "p01hoinges",
    "duo/onderwijsdata_ckan_2026/ingeschrevenenhbo.csv": "p01hoinges",
    "duo/onderwijsdata_ckan_2026/eerstejaarsingeschrevenenhbo.csv": "p02ho1ejrs",
    "duo/onderwijsdata_ckan_2026/gediplomeerdenhbo.csv": "p04hogdipl",
    "duo/onderwijsdata_ckan_2026/01.-instellingen-hbo-en-wo.csv": "adressen-ho",
    "duo/open_onderwijsdata_legacy_2019/hbo_inscriptions_2019.csv": "p02ho1ejrs",
    "duo/open_onderwijsdata_legacy_2019/wo_inscriptions_2019.csv": "p02ho1ejrs",
    "duo/open_onderwijsdata_legacy_2019/hbo_gediplomeerden_2019.csv": "p04hogdipl",
    "duo/open_onderwijsdata_legacy_2019/mbo_inscriptions_2019_EXCERPT_first100_plus_27YU.csv": (
        "mbo-deelnemers"
    ),
}
# No real file of these kinds exists in ../shared/samples (no wo enrolment, no wo graduates,
# no mbo graduates): they are covered by the generated sample landing zone, hand-made fixtures
# in the exact published header and the SQL model tests.
NOT_COMPUTABLE_FROM_REAL_FILES = {
    "wo_enrolment_technology_share",
    "wo_graduates_technology_share",
    "ho_technology_female_share",
    "mbo_technical_graduates",
    "mbo_graduates_total",
    "mbo_graduates_technology_share",
}


def real_landing(root: Path) -> LandingZone:
    """A landing zone holding every real DUO file, each landed as `techpact land-file` would."""
    landing = LandingZone(root)
    for name, dataset in REAL_FILES.items():
        path = shared_file(name)
        tidy = parse_duo_file(path.read_bytes(), path.name, dataset=dataset)
        landing.land_bytes(
            path.read_bytes(),
            source="duo",
            dataset=dataset,
            resource=tidy.resource,
            file_name=path.name,
            media_type="text/csv",
        )
    return landing


def computable(catalog: Catalog, landing: LandingZone) -> Catalog:
    landed = {f.manifest.resource for f in landing.files()}
    return Catalog(indicators=tuple(i for i in catalog.indicators if set(i.resources) <= landed))


@pytest.fixture(scope="module")
def real_build(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Catalog]:
    root = tmp_path_factory.mktemp("real")
    landing = real_landing(root / "landing")
    catalog = computable(load_catalog(), landing)
    out = root / "build.duckdb"
    build_warehouse(out, landing=landing, catalog=catalog, snapshot_id="test")
    return out, catalog


@pytest.fixture(scope="module")
def real_warehouse(real_build: tuple[Path, Catalog]) -> Path:
    return real_build[0]


def values(warehouse: Path, indicator_id: str) -> dict[tuple[str, str], float]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        rows = con.execute(
            """
            select region_code, period, value from indicator_values
            where indicator_id = $id and sex = 'total'
            """,
            {"id": indicator_id},
        ).fetchall()
    return {(region, period): value for region, period, value in rows}


@pytest.mark.parametrize("region", ["CR12", "NL01"])
@pytest.mark.parametrize("year", [2020, 2021, 2022, 2023, 2024])
def test_technology_share_equals_an_independent_count(
    real_warehouse: Path, region: str, year: int
) -> None:
    tech, total = independent_totals(shared_file(REAL_FILE))[(region, year)]
    period = f"{year}/{str(year + 1)[-2:]}"
    share = values(real_warehouse, "hbo_enrolment_technology_share")[(region, period)]
    count = values(real_warehouse, "hbo_enrolment_technology")[(region, period)]
    assert count == tech
    assert share == pytest.approx(tech / total, abs=1e-12)


@pytest.mark.parametrize(
    ("region", "period", "published_pct"),
    [
        ("CR12", "2020/21", 30.6),
        ("CR12", "2024/25", 30.6),
        ("NL01", "2020/21", 20.8),
        ("NL01", "2024/25", 20.6),
    ],
)
def test_technology_share_reproduces_the_figures_in_sources_md(
    real_warehouse: Path, region: str, period: str, published_pct: float
) -> None:
    share = values(real_warehouse, "hbo_enrolment_technology_share")[(region, period)]
    assert round(100 * share, 1) == published_pct


def test_twente_technology_students_reproduce_sources_md(real_warehouse: Path) -> None:
    counts = values(real_warehouse, "hbo_enrolment_technology")
    assert counts[("CR12", "2020/21")] == 5740
    assert counts[("CR12", "2024/25")] == 5197


def test_gemeenten_appear_only_where_hbo_is_taught_and_overijssel_is_summed(
    real_warehouse: Path,
) -> None:
    regions = {region for region, _ in values(real_warehouse, "hbo_enrolment_technology")}
    # Enschede (Twente), Zwolle (Noord-Overijssel), Deventer (Zuidwest-Overijssel); Eindhoven
    # and Helmond (Zuidoost-Noord-Brabant, the second pact region). No Noord-Brabant (PV30):
    # the seed does not list its other gemeenten (Breda, Tilburg, ...), so a PV30 summed from it
    # would be only Zuidoost-Noord-Brabant under the provincie's name.
    assert regions == {
        "GM0153", "CR12", "GM0193", "CR10", "GM0150", "CR11", "PV23",
        "GM0772", "GM0794", "CR36", "NL01",
    }  # fmt: skip
    counts = values(real_warehouse, "hbo_enrolment_technology")
    for period in ("2020/21", "2024/25"):
        corops = sum(counts[(c, period)] for c in ("CR10", "CR11", "CR12"))
        assert counts[("PV23", period)] == corops


def test_suppressed_cells_are_counted_not_summed(real_warehouse: Path) -> None:
    with duckdb.connect(str(real_warehouse), read_only=True) as con:
        suppressed = con.execute(
            """
            select sum(suppressed_cell_count) from indicator_values
            where indicator_id = 'hbo_enrolment_technology_share'
              and region_code = 'NL01' and sex = 'total'
            """
        ).fetchone()[0]
    with shared_file(REAL_FILE).open(encoding="utf-8", newline="") as handle:
        expected = sum(row["AANTAL_INGESCHREVENEN"] == "-1" for row in csv.DictReader(handle))
    assert suppressed == expected == 273


def test_real_files_publish_every_indicator_they_can_and_pass_the_gate(
    real_build: tuple[Path, Catalog],
) -> None:
    path, catalog = real_build
    # ../shared holds real DUO files only: every DUO indicator but the ones they cannot feed.
    duo = load_catalog().only("duo")
    expected = {i.id for i in duo.indicators} - NOT_COMPUTABLE_FROM_REAL_FILES
    assert {i.id for i in catalog.indicators} == expected
    with duckdb.connect(str(path), read_only=True) as con:
        published = {
            r[0] for r in con.execute("select indicator_id from indicator_values").fetchall()
        }
    assert published == expected
    config = consistency_rules_within(load_checks_config(), catalog)
    report = validate_build(
        path, build_checks(catalog, config), config, [i.id for i in catalog.indicators]
    )
    assert [r.name for r in report.failures] == []
    assert report.status == "passed"


def consistency_rules_within(config: ChecksConfig, catalog: Catalog) -> ChecksConfig:
    """The checks configuration without the consistency rules that compare indicators outside
    ``catalog`` (the real files feed a subset; a pipeline run always checks every rule)."""
    ids = {i.id for i in catalog.indicators}

    def inside(*measures: str | tuple[str, ...]) -> bool:
        return all(set(measure_ids(m)) <= ids for m in measures)

    consistency = config.consistency.model_copy(
        update={
            "at_most": tuple(r for r in config.consistency.at_most if inside(r.part, r.whole)),
            "share": tuple(
                r for r in config.consistency.share if inside(r.share, r.numerator, r.denominator)
            ),
        }
    )
    return config.model_copy(update={"consistency": consistency})


def plain_inflow_share(name: str, twente: bool) -> dict[int, float]:
    """Technology share of first-years per year, legacy file, with the csv module only."""
    tech: dict[int, int] = {}
    total: dict[int, int] = {}
    with shared_file(name).open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle, delimiter=";")
        header = next(reader)
        for fields in reader:
            if fields == [""] or (twente and fields[1] not in TWENTE_GEMEENTEN):
                continue
            for i, column in enumerate(header):
                if column.isdigit():
                    count = int(fields[i] or 0)
                    total[int(column)] = total.get(int(column), 0) + count
                    if fields[7] == "techniek":
                        tech[int(column)] = tech.get(int(column), 0) + count
    return {year: tech[year] / total[year] for year in total}


@pytest.mark.parametrize(
    ("indicator_id", "name"),
    [
        ("wo_inflow_technology_share", "wo_inscriptions_2019.csv"),
        ("hbo_inflow_technology_share", "hbo_inscriptions_2019.csv"),
    ],
)
def test_legacy_inflow_shares_equal_an_independent_count(
    real_warehouse: Path, indicator_id: str, name: str
) -> None:
    published = values(real_warehouse, indicator_id)
    for region, twente in (("CR12", True), ("NL01", False)):
        expected = plain_inflow_share(f"duo/open_onderwijsdata_legacy_2019/{name}", twente)
        for year, share in expected.items():
            period = f"{year}/{str(year + 1)[-2:]}"
            assert published[(region, period)] == pytest.approx(share, abs=1e-12)


def test_inflow_growth_spans_the_legacy_and_the_portal_years(real_warehouse: Path) -> None:
    growth = values(real_warehouse, "hbo_inflow_technology_growth")
    periods = sorted(p for r, p in growth if r == "CR12")
    assert periods == [f"{y}/{str(y + 1)[-2:]}" for y in range(2016, 2025)]


def test_sibling_files_by_sex_and_by_programme_agree_on_the_totals(tmp_path: Path) -> None:
    landing = real_landing(tmp_path / "landing")
    with duckdb.connect() as con:
        duo_loader.load_raw(con, landing, ["hbo_enrolment_by_sex", "hbo_enrolment_by_programme"])
        mismatches = duo_loader.sibling_total_mismatches(con)
        years = con.execute(
            "select count(distinct year) from raw_duo__hbo_enrolment_by_programme"
        ).fetchone()
    assert years == (5,)
    assert mismatches.empty, mismatches.to_string()


def test_saxion_technology_first_year_growth_in_twente_equals_an_independent_count(
    real_build: tuple[Path, Catalog],
) -> None:
    """The pact's own example, "Saxion +20 %": growth per institution (23AH) at its Twente
    locations, from the real legacy first-years file (2015-2019)."""
    counts = {2015: 0, 2016: 0}
    name = "duo/open_onderwijsdata_legacy_2019/hbo_inscriptions_2019.csv"
    with shared_file(name).open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle, delimiter=";"):
            if (
                row.get("BRIN NUMMER ACTUEEL") == "23AH"
                and row["GEMEENTENUMMER"] in TWENTE_GEMEENTEN
                and row["CROHO ONDERDEEL"] == "techniek"
            ):
                for year in counts:
                    counts[year] += int(row[str(year)] or 0)
    path, _ = real_build
    with duckdb.connect(str(path), read_only=True) as con:
        [(growth,)] = con.execute(
            """
            select value from indicator_values
            where indicator_id = 'hbo_inflow_technology_growth' and region_code = 'CR12'
              and institution = '23AH' and period = '2016/17'
            """
        ).fetchall()
    assert counts[2015] > 0
    assert growth == pytest.approx(counts[2016] / counts[2015] - 1)


@pytest.mark.parametrize("year", [2015, 2017, 2019])
def test_women_in_technical_mbo_in_twente_equal_an_independent_count(
    real_build: tuple[Path, Catalog], year: int
) -> None:
    """ROC van Twente (HENGELO OV) in the real legacy mbo file: VROUW / (MAN + VROUW) over the
    qualifications of sectorunit techniek en gebouwde omgeving; blank cells are none."""
    women = men = 0
    name = "duo/open_onderwijsdata_legacy_2019/mbo_inscriptions_2019_EXCERPT_first100_plus_27YU.csv"
    with shared_file(name).open(encoding="latin-1", newline="") as handle:
        for row in csv.DictReader(handle, delimiter=";"):
            if (
                row["PLAATSNAAM"] == "HENGELO OV"
                and row["SECTORUNIT SBB"] == "Sectorunit techniek en gebouwde omgeving"
            ):
                women += int(row[f"VROUW{year}"] or 0)
                men += int(row[f"MAN{year}"] or 0)
    path, _ = real_build
    with duckdb.connect(str(path), read_only=True) as con:
        [(share,)] = con.execute(
            """
            select value from indicator_values
            where indicator_id = 'mbo_technical_female_share' and region_code = 'CR12'
              and period = $period
            """,
            {"period": f"{year}/{(year + 1) % 100:02d}"},
        ).fetchall()
    assert women > 0
    assert share == pytest.approx(women / (women + men))
