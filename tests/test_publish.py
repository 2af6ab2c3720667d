"""Publishing: immutable snapshots and an atomic swap that readers never notice."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import duckdb
import pytest
from conftest import SAMPLE_LANDING

from techpact.config import Settings
from techpact.expectations.gate import CheckResult, QualityReport
from techpact.sources.landing import LandingZone
from techpact.transforms.catalog import load_catalog
from techpact.warehouse.build import build_warehouse
from techpact.warehouse.snapshots import SnapshotError, SnapshotStore, new_snapshot_id

PASSED = QualityReport((CheckResult("grain_unique", "critical", "d", True, 0, ()),))
BLOCKED = QualityReport((CheckResult("grain_unique", "critical", "d", False, 2, ()),))

READER = textwrap.dedent(
    """
    import sys, duckdb
    con = duckdb.connect(sys.argv[1], read_only=True)
    print(con.execute("select snapshot_id from snapshot_info").fetchone()[0], flush=True)
    sys.stdin.readline()  # wait while the test publishes a new snapshot
    print(con.execute("select snapshot_id from snapshot_info").fetchone()[0], flush=True)
    print(con.execute("select count(*) from indicator_values").fetchone()[0], flush=True)
    """
)


def make_snapshot(settings: Settings) -> str:
    snapshot_id = new_snapshot_id()
    build = build_warehouse(
        settings.work_dir / f"build-{snapshot_id}.duckdb",
        landing=LandingZone(SAMPLE_LANDING),
        catalog=load_catalog(),
        snapshot_id=snapshot_id,
    )
    SnapshotStore(settings).finalise(
        build, PASSED, snapshot_id=snapshot_id, created_at="2026-11-29T10:00:00+00:00"
    )
    return snapshot_id


def published_snapshot_id(settings: Settings) -> str:
    with duckdb.connect(str(settings.published_path), read_only=True) as con:
        return con.execute("select snapshot_id from snapshot_info").fetchone()[0]


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings.from_paths(tmp_path / "data")


def test_a_reader_keeps_working_while_a_new_snapshot_is_published(settings: Settings) -> None:
    store = SnapshotStore(settings)
    first, second = make_snapshot(settings), make_snapshot(settings)
    store.publish(first)
    reader = subprocess.Popen(
        [sys.executable, "-c", READER, str(settings.published_path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert reader.stdout is not None and reader.stdin is not None
        assert reader.stdout.readline().strip() == first

        store.publish(second)  # while the reader holds the published file open

        assert published_snapshot_id(settings) == second  # a new connection sees the new one
        out, err = reader.communicate("go\n", timeout=60)
    finally:
        reader.kill()
    assert reader.returncode == 0, err
    old_view, row_count = out.split()
    assert old_view == first  # the open connection keeps its consistent view
    assert int(row_count) > 0


def test_snapshots_are_read_only_and_listed_only_when_complete(settings: Settings) -> None:
    store = SnapshotStore(settings)
    snapshot_id = make_snapshot(settings)
    (settings.snapshots_dir / "20990101T000000Z-abcdef.duckdb").write_bytes(b"half-written")
    path = store.path_of(snapshot_id)
    assert not path.stat().st_mode & 0o222
    assert [r.snapshot_id for r in store.list()] == [snapshot_id]


def test_snapshot_tables_say_what_was_checked_and_where_data_came_from(
    settings: Settings,
) -> None:
    snapshot_id = make_snapshot(settings)
    with duckdb.connect(str(SnapshotStore(settings).path_of(snapshot_id)), read_only=True) as con:
        info = con.execute("select is_sample_data, quality_status, source_files from snapshot_info")
        is_sample, status, source_files = info.fetchone()
        checks = con.execute("select check_name, success from quality_results").fetchall()
        undocumented = con.execute(
            """
            select table_name, column_name from duckdb_columns()
            where table_name in ('indicator_values', 'indicator_catalog', 'region',
                                 'snapshot_info', 'quality_results')
              and comment is null
            """
        ).fetchall()
    assert is_sample is True
    assert status == "passed"
    assert "sha256" in source_files
    assert checks == [("grain_unique", True)]
    assert undocumented == []


def test_a_sample_snapshot_says_so_in_the_comment_of_every_table_and_view(
    settings: Settings,
) -> None:
    """A BI user browsing the schema reads 'GENERATED SAMPLE DATA' before anything else."""
    snapshot_id = make_snapshot(settings)
    with duckdb.connect(str(SnapshotStore(settings).path_of(snapshot_id)), read_only=True) as con:
        comments = con.execute(
            """
            select table_name, comment from duckdb_tables() where schema_name = 'main'
            union all
            select view_name, comment from duckdb_views()
            where schema_name = 'main' and not internal
            """
        ).fetchall()
    names = {name for name, _ in comments}
    assert {"indicator_values", "indicator_totals", "action_point_1_school_year"} <= names
    unlabelled = [name for name, doc in comments if not doc.startswith("GENERATED SAMPLE DATA")]
    assert unlabelled == []


def test_a_blocked_report_never_becomes_a_snapshot(settings: Settings) -> None:
    snapshot_id = new_snapshot_id()
    build = build_warehouse(
        settings.work_dir / "build.duckdb",
        landing=LandingZone(SAMPLE_LANDING),
        catalog=load_catalog(),
        snapshot_id=snapshot_id,
    )
    with pytest.raises(SnapshotError, match="critical"):
        SnapshotStore(settings).finalise(build, BLOCKED, snapshot_id=snapshot_id, created_at="x")
    assert SnapshotStore(settings).list() == []


@pytest.mark.parametrize("bad_id", ["../../etc/passwd", "latest", "20261129T101500Z-ZZZZZZ"])
def test_snapshot_ids_from_outside_are_checked(settings: Settings, bad_id: str) -> None:
    with pytest.raises(SnapshotError, match="not a snapshot id"):
        SnapshotStore(settings).publish(bad_id)


def test_a_warning_only_run_publishes_and_shows_the_warning(settings: Settings) -> None:
    warning = CheckResult(
        "drift_value_jump",
        "warning",
        "values moved at most 50 % from the previous period",
        False,
        1,
        ({"indicator_id": "hbo_enrolment_technology", "region_code": "CR12"},),
    )
    report = QualityReport((PASSED.results[0], warning))
    assert not report.blocked
    snapshot_id = new_snapshot_id()
    build = build_warehouse(
        settings.work_dir / "build.duckdb",
        landing=LandingZone(SAMPLE_LANDING),
        catalog=load_catalog(),
        snapshot_id=snapshot_id,
    )
    store = SnapshotStore(settings)
    store.finalise(build, report, snapshot_id=snapshot_id, created_at="2026-11-29T10:00:00+00:00")
    store.publish(snapshot_id)

    with duckdb.connect(str(settings.published_path), read_only=True) as con:
        status = con.execute("select quality_status from snapshot_info").fetchone()[0]
        failed = con.execute(
            "select check_name, severity, unexpected_count, failing_keys from quality_results "
            "where not success"
        ).fetchall()
    assert status == "passed_with_warnings"
    assert failed == [
        (
            "drift_value_jump",
            "warning",
            1,
            '[{"indicator_id": "hbo_enrolment_technology", "region_code": "CR12"}]',
        )
    ]
