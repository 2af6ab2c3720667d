"""`snapshots diff`: two snapshots built from landing zones that differ in one file."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from conftest import SAMPLE_LANDING
from test_publish import PASSED

from techpact.config import Settings
from techpact.sources.landing import LandingZone
from techpact.transforms.catalog import BREAKDOWN_COLUMNS, load_catalog
from techpact.warehouse.build import build_warehouse
from techpact.warehouse.diff import diff_snapshots
from techpact.warehouse.snapshots import SnapshotError, SnapshotStore, new_snapshot_id

ENROLMENT_DATASET = "p01hoinges"
ENROLMENT_FILE = "ingeschrevenengeslhbo.csv"
# Enschede (GM0153), 2023, Saxion bachelor TECHNIEK, men: 2247 in the sample file.
CHANGED_ROW = (
    b'"2023","Overijssel","0153","Enschede","reguliere inst.","bachelor","23AH",'
    b'"Saxion Hogeschool","TECHNIEK","n.v.t. (techniek)","MAN",'
)
INCREASE = 10
KEY = ["indicator_id", "region_code", "period", *BREAKDOWN_COLUMNS]


def landing_with_one_changed_file(root: Path) -> Path:
    """The sample landing zone, with the DUO enrolment file changed in one count."""
    [original] = SAMPLE_LANDING.glob(f"duo/{ENROLMENT_DATASET}/*/{ENROLMENT_FILE}")
    shutil.copytree(SAMPLE_LANDING, root)
    shutil.rmtree(root / original.parent.relative_to(SAMPLE_LANDING))
    manifest = json.loads((original.parent / "manifest.json").read_text())
    lines = original.read_bytes().split(b"\r\n")
    [index] = [n for n, line in enumerate(lines) if line.startswith(CHANGED_ROW)]
    count = int(lines[index][len(CHANGED_ROW) :])
    lines[index] = CHANGED_ROW + str(count + INCREASE).encode()
    LandingZone(root).land_bytes(
        b"\r\n".join(lines),
        source=manifest["source"],
        dataset=manifest["dataset"],
        resource=manifest["resource"],
        file_name=manifest["file_name"],
        media_type=manifest["media_type"],
        fetched_at=manifest["fetched_at"],
        is_sample_data=True,
        note="test: one count changed",
    )
    return root


def snapshot_from(settings: Settings, landing: Path, created_at: str) -> str:
    snapshot_id = new_snapshot_id()
    build = build_warehouse(
        settings.work_dir / f"build-{snapshot_id}.duckdb",
        landing=LandingZone(landing),
        catalog=load_catalog(),
        snapshot_id=snapshot_id,
    )
    SnapshotStore(settings).finalise(build, PASSED, snapshot_id=snapshot_id, created_at=created_at)
    return snapshot_id


def indicator_values(store: SnapshotStore, snapshot_id: str) -> pd.DataFrame:
    with duckdb.connect(str(store.path_of(snapshot_id)), read_only=True) as con:
        return con.execute(f"select {', '.join(KEY)}, value from indicator_values").df()


@pytest.fixture(scope="module")
def two_snapshots(tmp_path_factory: pytest.TempPathFactory) -> tuple[SnapshotStore, str, str]:
    root = tmp_path_factory.mktemp("diff")
    settings = Settings.from_paths(root / "data")
    old = snapshot_from(settings, SAMPLE_LANDING, "2026-11-29T10:00:00+00:00")
    new = snapshot_from(
        settings, landing_with_one_changed_file(root / "landing"), "2026-11-29T11:00:00+00:00"
    )
    return SnapshotStore(settings), old, new


def test_diff_reports_exactly_the_values_that_one_changed_count_moved(
    two_snapshots: tuple[SnapshotStore, str, str],
) -> None:
    store, old, new = two_snapshots

    diff = diff_snapshots(store, old, new)

    # An independent oracle: the two tables compared with pandas.
    merged = indicator_values(store, old).merge(
        indicator_values(store, new), on=KEY, suffixes=("_old", "_new"), validate="one_to_one"
    )
    moved = merged[merged["value_old"] != merged["value_new"]]
    expected = {tuple(row[c] for c in KEY) for _, row in moved.iterrows()}
    assert {tuple(c.key[k] for k in KEY) for c in diff.changed} == expected
    assert diff.key_columns == tuple(KEY)
    assert diff.rows_added == [] and diff.rows_removed == []
    assert diff.indicators_added == diff.indicators_removed == []
    assert diff.regions_added == diff.regions_removed == []
    assert diff.periods_added == diff.periods_removed == []

    # By hand: the count moved by exactly 10 for men and in total, in Enschede and every
    # region Enschede lies in, in 2023/24 only.
    counts = [c for c in diff.changed if c.key["indicator_id"] == "hbo_enrolment_technology"]
    with duckdb.connect(str(store.path_of(new)), read_only=True) as con:
        enclosing = {
            r[0]
            for r in con.execute(
                """
                select distinct indicator_values.region_code
                from indicator_values
                cross join (select * from region where region_code = 'GM0153') as enschede
                where indicator_values.region_code in (
                    'GM0153', 'NL01', enschede.corop_code, enschede.province_code,
                    enschede.landsdeel_code
                )
                """
            ).fetchall()
        }
    assert {"GM0153", "CR12", "NL01"} <= enclosing
    assert {(c.key["region_code"], c.key["period"], c.key["sex"]) for c in counts} == {
        (region, "2023/24", sex) for region in enclosing for sex in ("male", "total")
    }
    for change in counts:
        assert change.absolute_change == INCREASE
        assert change.new_value - change.old_value == INCREASE
        assert change.relative_change == pytest.approx(INCREASE / change.old_value)
    shares = [c for c in diff.changed if c.key["indicator_id"] == "hbo_enrolment_technology_share"]
    assert {c.key["region_code"] for c in shares} == enclosing
    assert all(c.new_value > c.old_value for c in shares)  # more technology students


def test_two_snapshots_of_the_same_landing_zone_do_not_differ(tmp_path: Path) -> None:
    settings = Settings.from_paths(tmp_path / "data")
    old = snapshot_from(settings, SAMPLE_LANDING, "2026-11-29T10:00:00+00:00")
    new = snapshot_from(settings, SAMPLE_LANDING, "2026-11-29T11:00:00+00:00")

    diff = diff_snapshots(SnapshotStore(settings), old, new)

    assert diff.is_empty
    assert diff.periods_added == diff.periods_removed == []


def test_diff_reports_rows_added_and_removed_with_their_periods(tmp_path: Path) -> None:
    settings = Settings.from_paths(tmp_path / "data")
    store = SnapshotStore(settings)
    old = snapshot_from(settings, SAMPLE_LANDING, "2026-11-29T10:00:00+00:00")
    new = snapshot_from(settings, SAMPLE_LANDING, "2026-11-29T11:00:00+00:00")
    path = store.path_of(new)
    path.chmod(0o644)
    with duckdb.connect(str(path)) as con:
        con.execute("delete from indicator_values where period = '2020/21'")

    diff = diff_snapshots(store, old, new)

    assert diff.periods_removed == ["2020/21"]
    assert diff.periods_added == []
    assert diff.rows_removed and {r["period"] for r in diff.rows_removed} == {"2020/21"}
    assert diff.changed == []
    reverse = diff_snapshots(store, new, old)
    assert reverse.periods_added == ["2020/21"]
    assert len(reverse.rows_added) == len(diff.rows_removed)


@pytest.mark.parametrize("bad", ["../../etc/passwd", "20990101T000000Z-abcdef"])
def test_diff_refuses_ids_that_are_not_snapshots(
    two_snapshots: tuple[SnapshotStore, str, str], bad: str
) -> None:
    store, old, _new = two_snapshots
    with pytest.raises(SnapshotError):
        diff_snapshots(store, old, bad)
