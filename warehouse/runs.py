"""Run records: one JSON file per pipeline run under ``runs/``, published or blocked.

A run's id is the id of the snapshot it builds (``runs/<id>.json`` and its quality report
``runs/<id>.docs/``; ``snapshots/<id>.duckdb`` when it published). `techpact snapshots prune`
deletes the runs of deleted snapshots and older blocked runs (``warehouse.retention``).
"""

from __future__ import annotations

import json
import shutil
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from techpact.config import Settings
from techpact.sources.landing import write_atomic
from techpact.warehouse.lock import is_locked
from techpact.warehouse.publications import fsync_directory
from techpact.warehouse.snapshots import SNAPSHOT_ID, check_snapshot_id

# The stages of a run, in the order they run (``RunRecord.stage_seconds``).
STAGES = ("fetch", "build", "validate", "publish")


@dataclass(frozen=True)
class RunRecord:
    run_id: str
    started_at: str
    finished_at: str
    status: str  # published | blocked
    landing_dir: str
    snapshot_id: str | None
    is_sample_data: bool
    quality_status: str
    quality_results: list[dict[str, Any]] = field(default_factory=list)
    # index.html of the run's quality report (expectations.docs.write_data_docs), when written.
    data_docs: str | None = None
    # Failed checks accepted for this run (techpact run --accept): check_name, reason.
    accepted_checks: list[dict[str, str]] = field(default_factory=list)
    # Wall-clock seconds of each stage, in run order: fetch (online runs), build, validate,
    # publish (a blocked run has none).
    stage_seconds: dict[str, float] = field(default_factory=dict)


def run_docs_dir(settings: Settings, run_id: str) -> Path:
    """Where a run's quality report lives: beside its run record, ``runs/<run_id>.docs/``."""
    return settings.runs_dir / f"{run_id}.docs"


def record_run(settings: Settings, record: RunRecord) -> None:
    path = settings.runs_dir / f"{record.run_id}.json"
    write_atomic(path, (json.dumps(asdict(record), indent=2, sort_keys=True) + "\n").encode())


def list_runs(settings: Settings) -> list[RunRecord]:
    if not settings.runs_dir.exists():
        return []
    records = [
        RunRecord(**json.loads(path.read_text("utf-8")))
        for path in settings.runs_dir.glob("*.json")
    ]
    return sorted(records, key=lambda r: (r.started_at, r.run_id))


@dataclass(frozen=True)
class RunFiles:
    """What one run left under ``runs/``: its record, its report folder, or both (a run that
    died between writing its report and its record leaves only the folder)."""

    run_id: str
    record: Path | None
    docs: Path | None
    status: str | None  # published | blocked, from the record; None without one

    @property
    def byte_size(self) -> int:
        """Bytes on disk of the record and every file of the report folder."""
        size = self.record.stat().st_size if self.record else 0
        if self.docs:
            size += sum(p.stat().st_size for p in self.docs.rglob("*") if p.is_file())
        return size


def list_run_files(settings: Settings) -> list[RunFiles]:
    """Every run under ``runs/`` with a record or a report folder, oldest first.

    Only names made of a generated id count (``<id>.json``, ``<id>.docs``); anything else in
    the folder (a temporary file of an atomic write, a file someone put there) is left alone.
    """
    folder = settings.runs_dir
    if not folder.exists():
        return []
    run_ids = sorted(
        {
            path.stem
            for path in folder.iterdir()
            if SNAPSHOT_ID.match(path.stem)
            and (
                (path.suffix == ".json" and path.is_file())
                or (path.suffix == ".docs" and path.is_dir())
            )
        }
    )
    return [_run_files(settings, run_id) for run_id in run_ids]


def _run_files(settings: Settings, run_id: str) -> RunFiles:
    record = settings.runs_dir / f"{run_id}.json"
    docs = run_docs_dir(settings, run_id)
    status = json.loads(record.read_text("utf-8")).get("status") if record.is_file() else None
    return RunFiles(
        run_id=run_id,
        record=record if record.is_file() else None,
        docs=docs if docs.is_dir() else None,
        status=status,
    )


def is_running(settings: Settings, run_id: str) -> bool:
    """Whether the run is alive: it holds its run lock (``SnapshotStore.run_lock``,
    ``work/build-<id>.lock``) from before its build until it has published."""
    return is_locked(settings.work_dir / f"build-{check_snapshot_id(run_id)}.lock")


def delete_run_files(settings: Settings, run_ids: list[str]) -> list[Path]:
    """Delete runs' records and report folders; return what was removed.

    The record goes first: a crash half way leaves a report folder without a record, which
    ``list_run_files`` still lists, so the next prune finishes the job.
    """
    removed: list[Path] = []
    for run_id in run_ids:
        record = settings.runs_dir / f"{check_snapshot_id(run_id)}.json"
        if record.is_file():
            record.unlink()
            removed.append(record)
        docs = run_docs_dir(settings, run_id)
        if docs.is_dir():
            shutil.rmtree(docs)
            removed.append(docs)
    if removed:
        fsync_directory(settings.runs_dir)
    return removed
