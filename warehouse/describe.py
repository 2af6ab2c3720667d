"""What one snapshot holds, read from its file: for `techpact snapshots show`."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from typing import Any

import duckdb

from techpact.warehouse.snapshots import SnapshotRecord, SnapshotStore


@dataclass(frozen=True)
class SnapshotDescription:
    record: SnapshotRecord
    is_published: bool
    snapshot_info: dict[str, Any]
    quality_summary: dict[str, int]
    failed_checks: list[dict[str, Any]]
    tables: dict[str, int]

    def to_dict(self) -> dict[str, Any]:
        return {
            "sidecar": asdict(self.record),
            "is_published": self.is_published,
            "snapshot_info": self.snapshot_info,
            "quality_summary": self.quality_summary,
            "failed_checks": self.failed_checks,
            "tables": self.tables,
        }


def describe_snapshot(store: SnapshotStore, snapshot_id: str) -> SnapshotDescription:
    """The sidecar, ``snapshot_info``, a summary of ``quality_results`` and every table's rows."""
    record = store.get(snapshot_id)
    with duckdb.connect(str(store.path_of(snapshot_id)), read_only=True) as con:
        cursor = con.execute("select * from snapshot_info")
        names = [d[0] for d in cursor.description]
        info = dict(zip(names, cursor.fetchone() or (), strict=False))
        info["created_at"] = str(info.get("created_at"))
        if isinstance(info.get("source_files"), str):
            info["source_files"] = json.loads(info["source_files"])
        summary_rows = con.execute(
            """
            select severity, success, count(*) as check_count
            from quality_results
            group by severity, success
            order by severity, success
            """
        ).fetchall()
        failed = con.execute(
            """
            select check_name, severity, unexpected_count, description
            from quality_results
            where not success
            order by severity, check_name
            """
        ).fetchall()
        relations = con.execute(
            """
            select table_name
            from information_schema.tables
            where table_schema = 'main'
            order by table_name
            """
        ).fetchall()
        tables = {
            name: con.execute(f"select count(*) from {_quoted(name)}").fetchone()[0]  # type: ignore[index]
            for (name,) in relations
        }
    summary = {
        f"{severity}_{'passed' if success else 'failed'}": count
        for severity, success, count in summary_rows
    }
    return SnapshotDescription(
        record=record,
        is_published=store.published_id() == snapshot_id,
        snapshot_info=info,
        quality_summary=summary,
        failed_checks=[
            {"check_name": c, "severity": s, "unexpected_count": u, "description": d}
            for c, s, u, d in failed
        ],
        tables=tables,
    )


def _quoted(identifier: str) -> str:
    """A table name read from the snapshot's own catalog, as a quoted SQL identifier."""
    return '"' + identifier.replace('"', '""') + '"'
