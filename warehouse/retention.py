"""Which snapshots to keep, and which `techpact snapshots prune` may delete.

A snapshot is kept when any of these holds:

1. it is the published snapshot;
2. it is one of the ``keep_last`` newest snapshots (by creation time);
3. it is the **last published version of an indicator period**: for every pair
   (indicator_id, period) in ``indicator_values`` of any snapshot that was ever published, the
   snapshot containing that pair whose most recent publication event (publish, rollback or
   recovered, in the order of the publication log) is the latest. So when a later publication
   no longer holds a period (a series window moved on, an indicator was dropped), the last
   published figures for it are kept; and figures that were once published and then replaced
   by a newer publication of the same period may go.

Everything else may be deleted. The rules are a pure function of the snapshot list, the
publication log and the periods of each published snapshot, so they are tested without files.

Runs (``runs/<id>.json`` and the report folder ``runs/<id>.docs/``; a run's id is the id of the
snapshot it builds) are pruned with them. A run is kept when

1. it built a snapshot that is kept;
2. it is still running (holds its run lock);
3. it built no snapshot that is being deleted and started at or after the newest kept
   snapshot: the blocked (or failed) runs since the last kept publication are the ones
   someone may be investigating. With no snapshot kept at all, every such run is kept.

So a run goes with its snapshot, and a blocked run goes once a later snapshot is kept.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from pathlib import Path

import duckdb

from techpact.warehouse.publications import PublicationEvent
from techpact.warehouse.runs import RunFiles, delete_run_files, is_running, list_run_files
from techpact.warehouse.snapshots import SnapshotStore

IndicatorPeriod = tuple[str, str]


@dataclass(frozen=True)
class RetentionPlan:
    """Every snapshot id, oldest first, with why it is kept; and those that may go."""

    keep: dict[str, tuple[str, ...]]
    delete: tuple[str, ...]


def plan_retention(
    snapshot_ids: list[str],
    events: Iterable[PublicationEvent],
    *,
    published_id: str | None,
    keep_last: int,
    periods_of: Callable[[str], set[IndicatorPeriod]],
) -> RetentionPlan:
    """Apply the retention rules; ``snapshot_ids`` are the complete snapshots, oldest first."""
    if keep_last < 0:
        raise ValueError(f"keep_last must be 0 or more, not {keep_last}")
    existing = set(snapshot_ids)
    reasons: dict[str, list[str]] = {snapshot_id: [] for snapshot_id in snapshot_ids}
    if published_id in reasons:
        reasons[published_id].append("published")
    for snapshot_id in snapshot_ids[len(snapshot_ids) - keep_last :] if keep_last else []:
        reasons[snapshot_id].append(f"one of the {keep_last} newest")

    last_event: dict[str, int] = {}
    for event in events:
        if event.snapshot_id in existing:
            last_event[event.snapshot_id] = event.sequence
    latest_for: dict[IndicatorPeriod, tuple[int, str]] = {}
    for snapshot_id, sequence in last_event.items():
        for pair in periods_of(snapshot_id):
            if pair not in latest_for or latest_for[pair][0] < sequence:
                latest_for[pair] = (sequence, snapshot_id)
    periods_kept: dict[str, set[str]] = {}
    for (_indicator, period), (_sequence, snapshot_id) in latest_for.items():
        periods_kept.setdefault(snapshot_id, set()).add(period)
    for snapshot_id, periods in periods_kept.items():
        reasons[snapshot_id].append(f"last published version of {', '.join(sorted(periods))}")

    keep = {s: tuple(r) for s, r in reasons.items() if r}
    delete = tuple(s for s in snapshot_ids if s not in keep)
    return RetentionPlan(keep=keep, delete=delete)


def read_indicator_periods(path: Path) -> set[IndicatorPeriod]:
    """The (indicator_id, period) pairs one snapshot file holds."""
    with duckdb.connect(str(path), read_only=True) as con:
        rows = con.execute("select distinct indicator_id, period from indicator_values").fetchall()
    return {(indicator_id, period) for indicator_id, period in rows}


def plan_prune(store: SnapshotStore, keep_last: int) -> RetentionPlan:
    """The retention plan of one data directory, read from its snapshots and log."""
    return plan_retention(
        [r.snapshot_id for r in store.list()],
        store.publications(),
        published_id=store.published_id(),
        keep_last=keep_last,
        periods_of=lambda snapshot_id: read_indicator_periods(store.path_of(snapshot_id)),
    )


def plan_run_retention(
    run_ids: Iterable[str],
    *,
    kept_snapshots: Collection[str],
    deleted_snapshots: Collection[str],
    running: Collection[str] = (),
) -> RetentionPlan:
    """Which runs to keep (and why) and which may go, given the snapshot retention plan."""
    newest_kept = max(map(_started, kept_snapshots), default=None)
    keep: dict[str, tuple[str, ...]] = {}
    delete: list[str] = []
    for run_id in sorted(run_ids):
        reason = _run_kept_because(run_id, kept_snapshots, deleted_snapshots, running, newest_kept)
        if reason:
            keep[run_id] = (reason,)
        else:
            delete.append(run_id)
    return RetentionPlan(keep=keep, delete=tuple(delete))


def _run_kept_because(
    run_id: str,
    kept_snapshots: Collection[str],
    deleted_snapshots: Collection[str],
    running: Collection[str],
    newest_kept: str | None,
) -> str | None:
    if run_id in kept_snapshots:
        return "its snapshot is kept"
    if run_id in running:
        return "still running"
    if run_id in deleted_snapshots:
        return None
    if newest_kept is None:
        return "no snapshot is kept"
    if _started(run_id) >= newest_kept:
        return "newer than the newest kept snapshot"
    return None


def _started(run_id: str) -> str:
    """The start time in a run or snapshot id (``20261129T101500Z``), sortable as text."""
    return run_id.split("-", 1)[0]


@dataclass(frozen=True)
class PrunePlan:
    """The snapshots and the runs one prune keeps and deletes."""

    snapshots: RetentionPlan
    runs: RetentionPlan
    run_files: dict[str, RunFiles]


def plan_full_prune(store: SnapshotStore, keep_last: int) -> PrunePlan:
    """The snapshot retention plan of one data directory and the runs that go with it."""
    snapshots = plan_prune(store, keep_last)
    settings = store.settings
    run_files = {run.run_id: run for run in list_run_files(settings)}
    runs = plan_run_retention(
        run_files,
        kept_snapshots=set(snapshots.keep),
        deleted_snapshots=set(snapshots.delete),
        running={run_id for run_id in run_files if is_running(settings, run_id)},
    )
    return PrunePlan(snapshots=snapshots, runs=runs, run_files=run_files)


def delete_runs(store: SnapshotStore, run_ids: list[str]) -> list[Path]:
    """Delete runs' records and report folders, under the publish lock (like snapshots)."""
    with store.publish_lock("pruning run records"):
        return delete_run_files(store.settings, run_ids)
