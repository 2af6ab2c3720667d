"""Immutable snapshots and the one published file BI tools open.

Write, audit, publish:

1. a build is written into ``work/`` and validated there;
2. a build that passed is finalised: ``snapshot_info`` and ``quality_results`` are added, the
   file is moved to ``snapshots/<id>.duckdb`` (read-only from then on), and a sidecar
   ``snapshots/<id>.json`` is written last: a snapshot without its sidecar is incomplete and
   never listed;
3. publishing copies the snapshot next to the published file and swaps it in with
   ``os.replace``. A reader that has the old file open keeps its view; a new connection sees
   the new snapshot. The pipeline never needs a BI tool's lock.

A blocked build is never published; its run record under ``runs/`` says why.

Every change of the published file (publish, rollback) happens under the publish lock
``published/.lock`` and is recorded in the append-only ``published/publications.jsonl``.
A run killed at any point leaves temporary files that ``clean_up_interrupted`` removes; the
published file is only ever replaced whole. See ``docs/snapshots.md``.
"""

from __future__ import annotations

import filecmp
import json
import logging
import os
import re
import secrets
import shutil
import stat
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from techpact import __version__
from techpact.config import Settings
from techpact.expectations.gate import QualityReport
from techpact.sources.landing import write_atomic
from techpact.warehouse import dashboard
from techpact.warehouse.build import BuildResult, source_files_json
from techpact.warehouse.lock import exclusive_lock, is_locked
from techpact.warehouse.publications import (
    EventKind,
    PublicationEvent,
    append_event,
    fsync_directory,
    read_events,
)
from techpact.warehouse.schema import apply_comments

SNAPSHOT_ID = re.compile(r"^[0-9]{8}T[0-9]{6}Z-[0-9a-f]{6}$")
CURRENT_POINTER = "current.json"
PUBLISH_LOCK = ".lock"
PUBLICATION_LOG = "publications.jsonl"
BUILD_FILE = re.compile(r"^build-([0-9]{8}T[0-9]{6}Z-[0-9a-f]{6})\.duckdb(\.wal)?$")
RUN_LOCK = re.compile(r"^build-([0-9]{8}T[0-9]{6}Z-[0-9a-f]{6})\.lock$")

log = logging.getLogger(__name__)


class SnapshotError(RuntimeError):
    """A snapshot operation was refused; the message says why."""


@dataclass(frozen=True)
class SnapshotRecord:
    """The sidecar of one complete snapshot."""

    snapshot_id: str
    created_at: str
    row_count: int
    quality_status: str
    is_sample_data: bool
    source_files: list[dict[str, Any]]
    techpact_version: str
    # What the snapshot was built from (warehouse.fingerprint): a run whose fingerprint equals
    # the published snapshot's has nothing new to publish. None in sidecars written before.
    build_fingerprint: str | None = None
    # Failed checks accepted to publish it (``techpact run --accept``): check_name, reason.
    accepted_checks: list[dict[str, str]] = field(default_factory=list)

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=2, sort_keys=True) + "\n"


def new_snapshot_id(now: datetime | None = None) -> str:
    now = now or datetime.now(UTC)
    return f"{now:%Y%m%dT%H%M%SZ}-{secrets.token_hex(3)}"


def check_snapshot_id(snapshot_id: str) -> str:
    """Snapshot ids become file names: accept only the generated form."""
    if not SNAPSHOT_ID.match(snapshot_id):
        raise SnapshotError(f"{snapshot_id!r} is not a snapshot id (like 20261129T101500Z-1a2b3c)")
    return snapshot_id


class SnapshotStore:
    """The snapshots folder and the published file of one data directory."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.folder = settings.snapshots_dir

    @property
    def publication_log(self) -> Path:
        return self.settings.published_dir / PUBLICATION_LOG

    def path_of(self, snapshot_id: str) -> Path:
        return self.folder / f"{check_snapshot_id(snapshot_id)}.duckdb"

    def sidecar_of(self, snapshot_id: str) -> Path:
        return self.folder / f"{check_snapshot_id(snapshot_id)}.json"

    def build_path_of(self, snapshot_id: str) -> Path:
        """Where the run that makes ``snapshot_id`` builds it, before the quality gate."""
        return self.settings.work_dir / f"build-{check_snapshot_id(snapshot_id)}.duckdb"

    @contextmanager
    def publish_lock(self, what: str = "publishing") -> Iterator[None]:
        """Hold ``published/.lock``; wait at most ``publish_lock_timeout_seconds`` for it."""
        with exclusive_lock(
            self.settings.published_dir / PUBLISH_LOCK,
            timeout_seconds=self.settings.publish_lock_timeout_seconds,
            what=what,
        ):
            yield

    @contextmanager
    def run_lock(self, snapshot_id: str) -> Iterator[None]:
        """Mark the run that builds ``snapshot_id`` as alive for as long as this is held.

        ``clean_up_interrupted`` removes the scratch files of a run only when nobody holds its
        run lock, so the flow holds it from before the build until after publishing.
        """
        lock = self.settings.work_dir / f"build-{check_snapshot_id(snapshot_id)}.lock"
        with exclusive_lock(lock, timeout_seconds=0, what=f"run {snapshot_id}"):
            try:
                yield
            finally:
                lock.unlink(missing_ok=True)  # still held: nobody can take it in between

    def finalise(
        self,
        build: BuildResult,
        report: QualityReport,
        *,
        snapshot_id: str,
        created_at: str,
        build_fingerprint: str | None = None,
    ) -> SnapshotRecord:
        """Turn a validated build into an immutable, listed snapshot."""
        if report.blocked:
            raise SnapshotError("a build that failed a critical check is never a snapshot")
        record = SnapshotRecord(
            snapshot_id=check_snapshot_id(snapshot_id),
            created_at=created_at,
            row_count=build.row_count,
            quality_status=report.status,
            is_sample_data=build.is_sample_data,
            source_files=json.loads(source_files_json(build.source_files)),
            techpact_version=__version__,
            build_fingerprint=build_fingerprint,
            accepted_checks=accepted_checks(report),
        )
        with duckdb.connect(str(build.path)) as con:
            _write_snapshot_tables(con, record, report)
            apply_comments(con, is_sample_data=record.is_sample_data)
            con.execute("checkpoint")
        self.folder.mkdir(parents=True, exist_ok=True)
        target = self.path_of(snapshot_id)
        with self.publish_lock("finalising a snapshot"):
            os.replace(build.path, target)
            target.chmod(stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)
            fsync_directory(self.folder)
            write_atomic(self.sidecar_of(snapshot_id), record.to_json().encode("utf-8"))
            fsync_directory(self.folder)
        return record

    def publish(self, snapshot_id: str) -> Path:
        """Make a snapshot the published file, atomically, and record it in the log."""
        return self._publish(snapshot_id, event="publish")

    def rollback(self, snapshot_id: str) -> PublicationEvent:
        """Publish an older (or any other complete) snapshot again; nothing is deleted."""
        self.get(snapshot_id)
        self._publish(snapshot_id, event="rollback")
        return self.publications()[-1]

    def _publish(self, snapshot_id: str, *, event: EventKind) -> Path:
        source = self.path_of(snapshot_id)
        if not (source.exists() and self.sidecar_of(snapshot_id).exists()):
            raise SnapshotError(f"no complete snapshot {snapshot_id} in {self.folder}")
        published = self.settings.published_path
        published.parent.mkdir(parents=True, exist_ok=True)
        with self.publish_lock():
            previous = self.published_id()
            if event == "rollback" and previous == snapshot_id:
                raise SnapshotError(f"{snapshot_id} is the published snapshot already")
            _swap_in_copy(source, published)
            published_at = _now_iso()
            append_event(
                self.publication_log,
                event=event,
                snapshot_id=snapshot_id,
                previous_snapshot_id=previous,
                published_at=published_at,
                accepted_checks=(
                    tuple(self.get(snapshot_id).accepted_checks) if event == "publish" else ()
                ),
            )
            self._write_pointer(snapshot_id, published_at)
            self._refresh_dashboard(snapshot_id)
        log.info("Published snapshot %s to %s (%s)", snapshot_id, published, event)
        return published

    def refresh_dashboard(self) -> Path | None:
        """Rewrite the HTML dashboard of the published snapshot, under the publish lock.

        Its index.html; None when nothing is published or it could not be written (logged).
        """
        with self.publish_lock("refreshing the dashboard"):
            snapshot_id = self.published_id()
            return None if snapshot_id is None else self._refresh_dashboard(snapshot_id)

    def _refresh_dashboard(self, snapshot_id: str) -> Path | None:
        """Rewrite the HTML dashboard for the snapshot just published (``warehouse.dashboard``).

        It reads the snapshot file, a byte-for-byte copy of the published file, because this
        process may hold an older view of the published path in DuckDB's cache. A dashboard
        that cannot be written is a warning: the publication stands.
        """
        try:
            index = dashboard.refresh_dashboard(self.settings, source=self.path_of(snapshot_id))
        except Exception as exc:
            log.warning(
                "The dashboard was not refreshed for snapshot %s (%s: %s); the snapshot is "
                "published. Rewrite it with `techpact dashboard`.",
                snapshot_id,
                type(exc).__name__,
                exc,
            )
            return None
        log.info("Dashboard of snapshot %s: %s", snapshot_id, index.as_uri())
        return index

    def _write_pointer(self, snapshot_id: str, published_at: str) -> None:
        pointer = {"snapshot_id": snapshot_id, "published_at": published_at}
        write_atomic(
            self.settings.published_dir / CURRENT_POINTER,
            (json.dumps(pointer, indent=2) + "\n").encode("utf-8"),
        )

    def list(self) -> list[SnapshotRecord]:
        """Every complete snapshot, oldest first."""
        if not self.folder.exists():
            return []
        records = []
        for sidecar in sorted(self.folder.glob("*.json")):
            snapshot_id = sidecar.stem
            if SNAPSHOT_ID.match(snapshot_id) and self.path_of(snapshot_id).exists():
                records.append(SnapshotRecord(**json.loads(sidecar.read_text("utf-8"))))
        return sorted(records, key=lambda r: (r.created_at, r.snapshot_id))

    def get(self, snapshot_id: str) -> SnapshotRecord:
        """The record of one complete snapshot; an unknown or malformed id is an error."""
        sidecar = self.sidecar_of(snapshot_id)
        if not (sidecar.exists() and self.path_of(snapshot_id).exists()):
            raise SnapshotError(
                f"there is no snapshot {snapshot_id} in {self.folder} "
                "(`techpact snapshots list` shows the ones there are)"
            )
        return SnapshotRecord(**json.loads(sidecar.read_text("utf-8")))

    def published_id(self) -> str | None:
        pointer = self.settings.published_dir / CURRENT_POINTER
        if not pointer.exists() or not self.settings.published_path.exists():
            return None
        return json.loads(pointer.read_text("utf-8")).get("snapshot_id")

    def publications(self) -> list[PublicationEvent]:
        """Every publication event, oldest first.

        A data directory published before the log existed has only ``current.json``: its
        published snapshot is reported as one ``publish`` event.
        """
        events = read_events(self.publication_log)
        if events:
            return events
        pointer = self.settings.published_dir / CURRENT_POINTER
        published = self.published_id()
        if published is None:
            return []
        published_at = json.loads(pointer.read_text("utf-8")).get("published_at", "")
        return [PublicationEvent(1, "publish", published, None, published_at)]

    def delete(self, snapshot_ids: list[str]) -> list[Path]:
        """Delete snapshots (sidecar first, so a crash leaves no listed half); never the
        published one."""
        removed: list[Path] = []
        with self.publish_lock("pruning snapshots"):
            published = self.published_id()
            for snapshot_id in snapshot_ids:
                if snapshot_id == published:
                    raise SnapshotError(f"{snapshot_id} is published and is never deleted")
                self.get(snapshot_id)
                for path in (self.sidecar_of(snapshot_id), self.path_of(snapshot_id)):
                    path.unlink()
                    removed.append(path)
                _unlink_if_exists(self.folder / f"{snapshot_id}.duckdb.wal", removed)
            fsync_directory(self.folder)
        return removed

    def clean_up_interrupted(self) -> list[Path]:
        """Remove what interrupted runs left behind; return the paths removed.

        * temporary files of atomic writes (``.techpact.duckdb.*.tmp``, ``.current.json.*.tmp``,
          ``.<id>.json.*.tmp``) and folders of dashboard writes (``.dashboard.*.tmp``);
        * snapshot files without their sidecar (a run killed while finalising);
        * ``work/build-<id>.duckdb`` (and ``.wal``) of runs whose run lock nobody holds;
        * and, when a run was killed between swapping in the published file and recording it,
          the pointer and the log are brought in line with the published file.

        Call it at the start of every run. Live runs are left alone: their builds are guarded
        by their run lock and their snapshot moves by the publish lock held here.
        """
        removed: list[Path] = []
        published_dir = self.settings.published_dir
        with self.publish_lock("cleaning up after interrupted runs"):
            for pattern in (f".{self.settings.published_path.name}.*.tmp", ".*.json.*.tmp"):
                for path in sorted(published_dir.glob(pattern)):
                    _unlink_if_exists(path, removed)
            for path in sorted(self.folder.glob(".*.json.*.tmp")):
                _unlink_if_exists(path, removed)
            for path in dashboard.interrupted_writes(self.settings.dashboard_dir):
                shutil.rmtree(path, ignore_errors=True)
                removed.append(path)
            for path in sorted(self.folder.glob("*.duckdb*")):
                snapshot_id = path.name.split(".", 1)[0]
                if (
                    SNAPSHOT_ID.match(snapshot_id)
                    and not (self.folder / f"{snapshot_id}.json").exists()
                ):
                    path.chmod(stat.S_IRUSR | stat.S_IWUSR)
                    _unlink_if_exists(path, removed)
            removed += self._clean_up_dead_builds()
            self._reconcile_pointer()
        for path in removed:
            log.info("Removed %s, left by an interrupted run", path)
        return removed

    def _clean_up_dead_builds(self) -> list[Path]:
        removed: list[Path] = []
        work = self.settings.work_dir
        for path in sorted(work.glob("build-*")):
            match = BUILD_FILE.match(path.name) or RUN_LOCK.match(path.name)
            if match is None or not path.exists():
                continue
            lock = work / f"build-{match.group(1)}.lock"
            if is_locked(lock):
                continue
            _unlink_if_exists(path, removed)
        return removed

    def _reconcile_pointer(self) -> None:
        published = self.settings.published_path
        if not published.exists():
            return
        recorded = self.published_id()
        actual = self._snapshot_copied_to(published, recorded)
        if actual is None:
            try:
                actual = read_published_snapshot_id(published)
            except duckdb.IOException as exc:  # held open read-write by a BI tool
                log.warning("Cannot check which snapshot %s holds: %s", published, exc)
                return
        if actual == recorded:
            return
        log.warning(
            "The published file holds snapshot %s but %s says %s: recording it",
            actual,
            CURRENT_POINTER,
            recorded,
        )
        published_at = _now_iso()
        append_event(
            self.publication_log,
            event="recovered",
            snapshot_id=actual,
            previous_snapshot_id=recorded,
            published_at=published_at,
        )
        self._write_pointer(actual, published_at)

    def _snapshot_copied_to(self, published: Path, recorded: str | None) -> str | None:
        """The snapshot whose file ``published`` is a byte-for-byte copy of (publishing copies
        it), the recorded one tried first; found without opening ``published`` with DuckDB,
        which a BI tool holding it open read-write would refuse."""
        size = published.stat().st_size
        candidates = [r.snapshot_id for r in self.list()]
        if recorded in candidates:
            candidates.remove(recorded)
            candidates.insert(0, recorded)
        for snapshot_id in candidates:
            path = self.path_of(snapshot_id)
            same_size = path.exists() and path.stat().st_size == size
            if same_size and filecmp.cmp(path, published, shallow=False):
                return snapshot_id
        return None


def read_published_snapshot_id(path: Path) -> str:
    """The snapshot id a published (or snapshot) file says it holds."""
    with duckdb.connect(str(path), read_only=True) as con:
        row = con.execute("select snapshot_id from snapshot_info").fetchone()
    if row is None:
        raise SnapshotError(f"{path} has no snapshot_info row")
    return check_snapshot_id(row[0])


def _swap_in_copy(source: Path, published: Path) -> None:
    """Copy ``source`` beside ``published``, fsync it, and rename it over ``published``."""
    fd, tmp_name = tempfile.mkstemp(
        prefix=f".{published.name}.", suffix=".tmp", dir=published.parent
    )
    try:
        with os.fdopen(fd, "wb") as out, source.open("rb") as src:
            shutil.copyfileobj(src, out, length=1024 * 1024)
            out.flush()
            os.fsync(out.fileno())
        Path(tmp_name).chmod(stat.S_IRUSR | stat.S_IWUSR | stat.S_IRGRP | stat.S_IROTH)
        os.replace(tmp_name, published)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise
    fsync_directory(published.parent)


def _unlink_if_exists(path: Path, removed: list[Path]) -> None:
    try:
        path.unlink()
    except FileNotFoundError:
        return
    removed.append(path)


def _write_snapshot_tables(
    con: duckdb.DuckDBPyConnection, record: SnapshotRecord, report: QualityReport
) -> None:
    con.execute(
        """
        create or replace table snapshot_info as
        select
            $snapshot_id::varchar as snapshot_id,
            $created_at::timestamptz as created_at,
            $is_sample_data::boolean as is_sample_data,
            $quality_status::varchar as quality_status,
            $row_count::bigint as row_count,
            $version::varchar as techpact_version,
            $source_files::varchar as source_files,
            $accepted_checks::varchar as accepted_checks
        """,
        {
            "snapshot_id": record.snapshot_id,
            "created_at": record.created_at,
            "is_sample_data": record.is_sample_data,
            "quality_status": record.quality_status,
            "row_count": record.row_count,
            "version": record.techpact_version,
            "source_files": json.dumps(record.source_files, sort_keys=True),
            "accepted_checks": json.dumps(record.accepted_checks, sort_keys=True),
        },
    )
    frame = quality_results_frame(report, record.snapshot_id)
    con.register("quality_rows", frame)
    try:
        con.execute("create or replace table quality_results as select * from quality_rows")
    finally:
        con.unregister("quality_rows")


def accepted_checks(report: QualityReport) -> list[dict[str, str]]:
    """The failed checks a person accepted for this run, with their reason."""
    return [{"check_name": r.name, "reason": r.accepted_reason or ""} for r in report.accepted]


def quality_results_frame(report: QualityReport, snapshot_id: str) -> pd.DataFrame:
    rows = [
        {
            "snapshot_id": snapshot_id,
            "check_name": r["check_name"],
            "severity": r["severity"],
            "success": r["success"],
            "unexpected_count": r["unexpected_count"],
            "failing_keys": json.dumps(r["failing_keys"], sort_keys=True),
            "description": r["description"],
            "accepted_reason": r.get("accepted_reason"),
        }
        for r in report.to_records()
    ]
    return pd.DataFrame.from_records(
        rows,
        columns=[
            "snapshot_id",
            "check_name",
            "severity",
            "success",
            "unexpected_count",
            "failing_keys",
            "description",
            "accepted_reason",
        ],
    ).astype({"accepted_reason": "string"})


def _now_iso() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()
