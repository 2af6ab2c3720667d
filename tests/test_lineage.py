"""Every published row can be traced to its source table and landed file."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from conftest import SAMPLE_LANDING

from techpact.sources.landing import LandingZone
from techpact.transforms.catalog import load_catalog
from techpact.warehouse.build import build_warehouse


@pytest.fixture(scope="module")
def sample_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("lineage") / "build.duckdb"
    build_warehouse(
        out, landing=LandingZone(SAMPLE_LANDING), catalog=load_catalog(), snapshot_id="t"
    )
    return out


def test_spliced_cbs_rows_keep_the_table_id_of_their_classification_year(
    sample_build: Path,
) -> None:
    with duckdb.connect(str(sample_build), read_only=True) as con:
        tables = dict(
            con.execute(
                """
                select period, source_dataset from indicator_values
                where indicator_id = 'labour_force' and region_code = 'CR12'
                order by period
                """
            ).fetchall()
        )
    assert tables["2019"] == "85269NED"
    assert tables["2024"] == "86088NED"


def test_every_row_names_a_landed_file_by_sha256(sample_build: Path) -> None:
    landed = {f.manifest.sha256 for f in LandingZone(SAMPLE_LANDING).files()}
    with duckdb.connect(str(sample_build), read_only=True) as con:
        rows = con.execute("select distinct source_sha256 from indicator_values").fetchall()
    shas = {sha for (value,) in rows for sha in value.split(",")}
    assert shas and shas <= landed


def test_cbs_counts_keep_the_gemeenten_the_table_has(sample_build: Path) -> None:
    with duckdb.connect(str(sample_build), read_only=True) as con:
        regions = {
            r[0]
            for r in con.execute(
                "select distinct region_code from indicator_values "
                "where indicator_id = 'jobs_total'"
            ).fetchall()
        }
    assert {"GM0153", "CR12", "NL01"} <= regions


def test_the_gemeente_sum_rule_leaves_cbs_counts_alone_when_configured(sample_build: Path) -> None:
    """CBS rounds each region on its own and publishes only some gemeenten."""
    from techpact.expectations.config import load_checks_config
    from techpact.expectations.consistency import read_gemeente_sum

    sources = load_checks_config().consistency.gemeente_sum.sources
    assert sources == ("duo",)
    with duckdb.connect(str(sample_build), read_only=True) as con:
        compared = set(read_gemeente_sum(con, sources)["indicator_id"])
        with_cbs = set(read_gemeente_sum(con, ("duo", "cbs"))["indicator_id"])
    assert "jobs_total" not in compared
    assert "jobs_total" in with_cbs
