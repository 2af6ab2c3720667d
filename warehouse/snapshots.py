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
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import stat
import tempfile
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from techpact import __version__
from techpact.config import Settings
from techpact.expectations.gate import QualityReport
from techpact.sources.landing import write_atomic
from techpact.warehouse.build import BuildResult, source_files_json
from techpact.warehouse.schema import apply_comments

SNAPSHOT_ID = re.compile(r"^[0-9]{8}T[0-9]{6}Z-[0-9a-f]{6}$")
CURRENT_POINTER = "current.json"


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

    def path_of(self, snapshot_id: str) -> Path:
        return self.folder / f"{check_snapshot_id(snapshot_id)}.duckdb"

    def finalise(
        self,
        build: BuildResult,
        report: QualityReport,
        *,
        snapshot_id: str,
        created_at: str,
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
        )
        with duckdb.connect(str(build.path)) as con:
            _write_snapshot_tables(con, record, report)
            apply_comments(con)
            con.execute("checkpoint")
        self.folder.mkdir(parents=True, exist_ok=True)
        target = self.path_of(snapshot_id)
        os.replace(build.path, target)
        target.chmod(stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)
        write_atomic(self.folder / f"{snapshot_id}.json", record.to_json().encode("utf-8"))
        return record

    def publish(self, snapshot_id: str) -> Path:
        """Make a snapshot the published file, atomically."""
        source = self.path_of(snapshot_id)
        if not (source.exists() and (self.folder / f"{snapshot_id}.json").exists()):
            raise SnapshotError(f"no complete snapshot {snapshot_id} in {self.folder}")
        published = self.settings.published_path
        published.parent.mkdir(parents=True, exist_ok=True)
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
        pointer = {"snapshot_id": snapshot_id, "published_at": _now_iso()}
        write_atomic(
            published.parent / CURRENT_POINTER,
            (json.dumps(pointer, indent=2) + "\n").encode("utf-8"),
        )
        return published

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

    def published_id(self) -> str | None:
        pointer = self.settings.published_dir / CURRENT_POINTER
        if not pointer.exists() or not self.settings.published_path.exists():
            return None
        return json.loads(pointer.read_text("utf-8")).get("snapshot_id")


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
            $source_files::varchar as source_files
        """,
        {
            "snapshot_id": record.snapshot_id,
            "created_at": record.created_at,
            "is_sample_data": record.is_sample_data,
            "quality_status": record.quality_status,
            "row_count": record.row_count,
            "version": record.techpact_version,
            "source_files": json.dumps(record.source_files, sort_keys=True),
        },
    )
    frame = quality_results_frame(report, record.snapshot_id)
    con.register("quality_rows", frame)
    try:
        con.execute("create or replace table quality_results as select * from quality_rows")
    finally:
        con.unregister("quality_rows")


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
        ],
    )


def _now_iso() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()
