"""The period table: one row per period of indicator_values, with dates BI tools can use."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
from conftest import SAMPLE_LANDING

from techpact.sources.landing import LandingZone
from techpact.transforms.catalog import load_catalog
from techpact.warehouse.build import build_warehouse


def test_every_published_period_has_one_row_with_its_dates(tmp_path: Path) -> None:
    out = tmp_path / "build.duckdb"
    build_warehouse(
        out, landing=LandingZone(SAMPLE_LANDING), catalog=load_catalog(), snapshot_id="t"
    )
    with duckdb.connect(str(out), read_only=True) as con:
        missing = con.execute(
            "select distinct period from indicator_values "
            "where period not in (select period from period)"
        ).fetchall()
        [school_year] = con.execute("select * from period where period = '2023/24'").fetchall()
        [year] = con.execute("select * from period where period = '2023'").fetchall()
        counts = con.execute("select count(*), count(distinct period) from period").fetchone()
    assert missing == []
    assert counts[0] == counts[1]
    assert school_year == (
        "2023/24",
        "school_year",
        2023,
        dt.date(2023, 8, 1),
        dt.date(2024, 7, 31),
        "schooljaar 2023/24",
        "school year 2023/24",
    )
    assert year == (
        "2023",
        "year",
        2023,
        dt.date(2023, 1, 1),
        dt.date(2023, 12, 31),
        "2023",
        "2023",
    )
