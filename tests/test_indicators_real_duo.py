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

from techpact.sources.landing import LandingZone
from techpact.transforms.catalog import load_catalog
from techpact.warehouse.build import build_warehouse

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


@pytest.fixture(scope="module")
def real_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = shared_file(REAL_FILE)
    root = tmp_path_factory.mktemp("real")
    LandingZone(root / "landing").land_bytes(
        path.read_bytes(),
        source="duo",
        dataset="p01hoinges",
        resource="hbo_enrolment_by_sex",
        file_name=path.name,
        media_type="text/csv",
    )
    out = root / "build.duckdb"
    build_warehouse(
        out, landing=LandingZone(root / "landing"), catalog=load_catalog(), snapshot_id="test"
    )
    return out


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


def test_gemeenten_appear_only_where_hbo_is_taught_in_twente(real_warehouse: Path) -> None:
    regions = {region for region, _ in values(real_warehouse, "hbo_enrolment_technology")}
    assert regions == {"GM0153", "CR12", "NL01"}


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
