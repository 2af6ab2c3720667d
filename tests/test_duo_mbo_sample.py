"""The generated sample's mbo files: the portal formats, and every mbo indicator for Twente
(CR12), Zuidoost-Noord-Brabant (CR36, the Eindhoven pact) and Nederland in every year.

Generated into a temporary landing zone (sample/generate_landing.py), never into sample/landing.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from techpact.sources.duo import parse_duo_file
from techpact.sources.landing import LandingZone
from techpact.transforms.catalog import Catalog, load_catalog
from techpact.transforms.runner import load_region_seed, run_models
from techpact.warehouse.loaders import duo as duo_loader

GENERATOR = Path(__file__).resolve().parent.parent / "sample" / "generate_landing.py"
MBO_RESOURCES = {"mbo_students_by_qualification", "mbo_graduates_by_qualification"}


@pytest.fixture(scope="module")
def landing(tmp_path_factory: pytest.TempPathFactory) -> LandingZone:
    out = tmp_path_factory.mktemp("sample") / "landing"
    subprocess.run([sys.executable, str(GENERATOR), str(out)], check=True, capture_output=True)
    return LandingZone(out)


def test_the_sample_holds_both_mbo_portal_files_labelled_as_generated(
    landing: LandingZone,
) -> None:
    portal = {
        f.manifest.dataset: f
        for f in landing.files("duo")
        if f.manifest.dataset in {"mbo-studenten-per-instelling", "gediplomeerde-mbo-studenten"}
    }
    assert set(portal) == {"mbo-studenten-per-instelling", "gediplomeerde-mbo-studenten"}
    for landed in portal.values():
        assert landed.manifest.is_sample_data
        assert "GENERATED" in (landed.manifest.note or "")
        data = landed.path.read_bytes()
        assert data.endswith(b"\r\n") and data.count(b"\n") == data.count(b"\r\n")
        tidy = parse_duo_file(data, landed.manifest.file_name, dataset=landed.manifest.dataset)
        assert tidy.resource == landed.manifest.resource
        assert sorted(tidy.rows["year"].unique()) == [2021, 2022, 2023, 2024, 2025]
        assert tidy.suppressed_cell_count > 0


def test_every_mbo_indicator_has_twente_eindhoven_and_nederland_in_every_period(
    landing: LandingZone,
) -> None:
    catalog = Catalog(
        indicators=tuple(i for i in load_catalog().indicators if set(i.resources) <= MBO_RESOURCES)
    )
    assert len(catalog.indicators) >= 9
    with duckdb.connect() as con:
        load_region_seed(con)
        duo_loader.load_raw(con, landing, sorted(MBO_RESOURCES))
        run_models(con, catalog)
        for indicator in catalog.indicators:
            periods = {
                period: set(regions)
                for period, regions in con.execute(
                    f'select period, list(region_code) from "{indicator.model}" group by period'
                ).fetchall()
            }
            assert periods, indicator.id
            for period, regions in periods.items():
                assert {"CR12", "CR36", "NL01"} <= regions, (indicator.id, period)
        student_periods = con.execute(
            "select list(period order by period) from mbo_technical_students "
            "where region_code = 'CR36'"
        ).fetchone()
    assert student_periods == (
        [
            "2015/16", "2016/17", "2017/18", "2018/19", "2019/20",
            "2021/22", "2022/23", "2023/24", "2024/25", "2025/26",
        ],
    )  # fmt: skip
