"""Retention: keep the newest N, the published one, and the last published version of a period;
keep a run's record and report with its snapshot, and blocked runs newer than every kept one."""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path

import pytest

from techpact.config import Settings
from techpact.warehouse.publications import PublicationEvent
from techpact.warehouse.retention import RetentionPlan, plan_retention, plan_run_retention
from techpact.warehouse.runs import (
    RunRecord,
    delete_run_files,
    is_running,
    list_run_files,
    record_run,
    run_docs_dir,
)
from techpact.warehouse.snapshots import SnapshotError, SnapshotStore

OLD, MID, NEW, NEWEST = "s1", "s2", "s3", "s4"
HBO = "hbo_enrolment_technology"
PERIODS = {
    OLD: {(HBO, "2019/20"), (HBO, "2020/21")},
    MID: {(HBO, "2020/21"), (HBO, "2021/22")},
    NEW: {(HBO, "2021/22"), (HBO, "2022/23")},
    NEWEST: {(HBO, "2022/23"), (HBO, "2023/24")},
}


def events(*published: str) -> list[PublicationEvent]:
    return [
        PublicationEvent(n, "publish", snapshot_id, None, f"t{n}")
        for n, snapshot_id in enumerate(published, start=1)
    ]


def plan(published: list[str], keep_last: int, ids: list[str] | None = None):
    return plan_retention(
        ids or [OLD, MID, NEW, NEWEST],
        events(*published),
        published_id=published[-1] if published else None,
        keep_last=keep_last,
        periods_of=PERIODS.__getitem__,
    )


def test_nothing_published_keeps_only_the_newest() -> None:
    result = plan([], keep_last=2)
    assert result.delete == (OLD, MID)
    assert result.keep == {NEW: ("one of the 2 newest",), NEWEST: ("one of the 2 newest",)}


def test_the_last_published_version_of_a_period_is_kept_when_later_publications_drop_it() -> None:
    result = plan([OLD, MID, NEW], keep_last=0)
    # 2019/20 was last published in OLD, 2020/21 in MID, 2021/22 and 2022/23 in NEW.
    assert result.delete == (NEWEST,)  # never published, not among the newest 0
    assert result.keep[OLD] == ("last published version of 2019/20",)
    assert result.keep[MID] == ("last published version of 2020/21",)
    assert result.keep[NEW] == ("published", "last published version of 2021/22, 2022/23")


def test_a_publication_replaced_for_all_its_periods_may_go() -> None:
    periods = {OLD: {(HBO, "2020/21")}, MID: {(HBO, "2020/21")}, NEW: {(HBO, "2020/21")}}
    result = plan_retention(
        [OLD, MID, NEW],
        events(OLD, MID),
        published_id=MID,
        keep_last=0,
        periods_of=periods.__getitem__,
    )
    assert result.delete == (OLD, NEW)
    assert set(result.keep) == {MID}


def test_a_rollback_makes_the_rolled_back_snapshot_the_last_published_version() -> None:
    periods = {OLD: {(HBO, "2020/21")}, MID: {(HBO, "2020/21")}}
    result = plan_retention(
        [OLD, MID],
        events(OLD, MID, OLD),
        published_id=OLD,
        keep_last=0,
        periods_of=periods.__getitem__,
    )
    assert result.delete == (MID,)


def test_periods_are_tracked_per_indicator() -> None:
    share = "hbo_enrolment_technology_share"
    periods = {OLD: {(share, "2020/21"), (HBO, "2020/21")}, MID: {(HBO, "2020/21")}}
    result = plan_retention(
        [OLD, MID],
        events(OLD, MID),
        published_id=MID,
        keep_last=0,
        periods_of=periods.__getitem__,
    )
    assert result.delete == ()  # OLD holds the last published share for 2020/21


def test_the_published_snapshot_is_kept_with_keep_last_zero_even_when_deleted_snapshots_exist() -> (
    None
):
    result = plan([NEWEST], keep_last=0, ids=[OLD, NEWEST])
    assert result.delete == (OLD,)
    assert result.keep[NEWEST][0] == "published"


def test_keep_last_must_not_be_negative() -> None:
    with pytest.raises(ValueError, match="0 or more"):
        plan([], keep_last=-1)


# --- run records and reports -------------------------------------------------------------------

# Ids as runs make them: a run's id is the id of the snapshot it builds.
SNAP_OCT, SNAP_NOV = "20261001T100000Z-0000aa", "20261101T100000Z-0000bb"
BLOCKED_SEP, BLOCKED_OCT, BLOCKED_DEC = (
    "20260901T100000Z-0000c1",
    "20261015T100000Z-0000c2",
    "20261201T100000Z-0000c3",
)


def run_plan(
    runs: list[str],
    *,
    kept: Collection[str],
    deleted: Collection[str] = (),
    running: Collection[str] = (),
) -> RetentionPlan:
    return plan_run_retention(runs, kept_snapshots=kept, deleted_snapshots=deleted, running=running)


def test_a_run_is_kept_with_its_snapshot_and_deleted_with_it() -> None:
    result = run_plan([SNAP_OCT, SNAP_NOV], kept={SNAP_NOV}, deleted={SNAP_OCT})

    assert result.keep == {SNAP_NOV: ("its snapshot is kept",)}
    assert result.delete == (SNAP_OCT,)


def test_blocked_runs_since_the_newest_kept_snapshot_are_kept_and_older_ones_go() -> None:
    result = run_plan(
        [BLOCKED_SEP, SNAP_OCT, BLOCKED_OCT, SNAP_NOV, BLOCKED_DEC],
        kept={SNAP_OCT, SNAP_NOV},
    )

    # BLOCKED_OCT goes although SNAP_OCT before it is kept: SNAP_NOV was published since.
    assert result.delete == (BLOCKED_SEP, BLOCKED_OCT)
    assert result.keep[BLOCKED_DEC] == ("newer than the newest kept snapshot",)


def test_a_run_still_running_is_kept_however_old() -> None:
    result = run_plan([BLOCKED_SEP, SNAP_NOV], kept={SNAP_NOV}, running={BLOCKED_SEP})

    assert result.keep[BLOCKED_SEP] == ("still running",)
    assert result.delete == ()


def test_with_no_snapshot_kept_every_run_without_a_snapshot_is_kept() -> None:
    result = run_plan([BLOCKED_SEP, BLOCKED_DEC], kept=set())

    assert result.delete == ()
    assert set(result.keep) == {BLOCKED_SEP, BLOCKED_DEC}


def test_the_run_of_a_deleted_snapshot_goes_even_when_it_is_the_newest() -> None:
    # --keep-last 0 after a rollback to SNAP_OCT: SNAP_NOV (newer) is deleted, so is its run.
    result = run_plan([SNAP_OCT, SNAP_NOV, BLOCKED_DEC], kept={SNAP_OCT}, deleted={SNAP_NOV})

    assert result.delete == (SNAP_NOV,)
    assert result.keep[BLOCKED_DEC] == ("newer than the newest kept snapshot",)


def write_run(settings: Settings, run_id: str, *, status: str | None, docs: bool = True) -> None:
    """A run's files as the flow leaves them: a record (unless ``status`` is None) and a
    report folder (unless ``docs`` is False)."""
    if status is not None:
        record_run(
            settings,
            RunRecord(
                run_id=run_id,
                started_at="2026-11-29T10:00:00+00:00",
                finished_at="2026-11-29T10:00:30+00:00",
                status=status,
                landing_dir="/landing",
                snapshot_id=run_id if status == "published" else None,
                is_sample_data=True,
                quality_status="passed" if status == "published" else "blocked",
            ),
        )
    if docs:
        report = run_docs_dir(settings, run_id)
        (report / "tables").mkdir(parents=True)
        (report / "index.html").write_text("<!DOCTYPE html>")
        (report / "tables" / "indicator_values.html").write_text("<!DOCTYPE html>")


def test_run_files_are_listed_by_id_and_other_names_are_left_out(tmp_path: Path) -> None:
    settings = Settings.from_paths(tmp_path)
    write_run(settings, SNAP_NOV, status="published")
    write_run(settings, BLOCKED_SEP, status="blocked", docs=False)
    write_run(settings, BLOCKED_DEC, status=None)  # died between its report and its record
    (settings.runs_dir / "notes.txt").write_text("mine")
    (settings.runs_dir / f".{SNAP_OCT}.json.x1y2.tmp").write_text("{")

    runs = list_run_files(settings)

    assert [(r.run_id, r.status) for r in runs] == [
        (BLOCKED_SEP, "blocked"),
        (SNAP_NOV, "published"),
        (BLOCKED_DEC, None),
    ]
    assert runs[0].docs is None and runs[2].record is None
    assert runs[1].byte_size == runs[1].record.stat().st_size + 2 * len("<!DOCTYPE html>")


def test_deleting_runs_removes_record_and_report_and_nothing_else(tmp_path: Path) -> None:
    settings = Settings.from_paths(tmp_path)
    write_run(settings, SNAP_OCT, status="published")
    write_run(settings, SNAP_NOV, status="published")
    write_run(settings, BLOCKED_DEC, status=None)
    (settings.runs_dir / "notes.txt").write_text("mine")

    removed = delete_run_files(settings, [SNAP_OCT, BLOCKED_DEC])

    assert removed == [
        settings.runs_dir / f"{SNAP_OCT}.json",
        run_docs_dir(settings, SNAP_OCT),
        run_docs_dir(settings, BLOCKED_DEC),
    ]
    assert sorted(p.name for p in settings.runs_dir.iterdir()) == [
        f"{SNAP_NOV}.docs",
        f"{SNAP_NOV}.json",
        "notes.txt",
    ]


def test_run_ids_from_outside_are_checked_before_deleting(tmp_path: Path) -> None:
    settings = Settings.from_paths(tmp_path)
    with pytest.raises(SnapshotError, match="not a snapshot id"):
        delete_run_files(settings, ["../published/techpact"])


def test_a_run_holding_its_run_lock_is_running(tmp_path: Path) -> None:
    settings = Settings.from_paths(tmp_path)
    settings.work_dir.mkdir(parents=True)

    with SnapshotStore(settings).run_lock(BLOCKED_DEC):
        assert is_running(settings, BLOCKED_DEC)
    assert not is_running(settings, BLOCKED_DEC)
