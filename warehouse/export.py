"""Export a snapshot as Parquet: one file per table plus a ``manifest.json``.

Spark, Trino, pandas or another DuckDB read the files; the manifest says, per table, the row
count, the schema (column names and DuckDB types) and the sha256 of its Parquet file, so a
reader can check it got every file whole. The export is written into a temporary folder beside
the target and renamed into place: a target folder either holds a complete export or nothing.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import secrets
import shutil
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb

from techpact import __version__
from techpact.config import Settings
from techpact.warehouse.publications import fsync_directory
from techpact.warehouse.snapshots import SnapshotError, SnapshotStore, check_snapshot_id

log = logging.getLogger(__name__)

MANIFEST_NAME = "manifest.json"
FORMATS = ("parquet",)
_TABLE_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
EXACT_AS_DECIMAL = ("HUGEINT", "UHUGEINT")


@dataclass(frozen=True)
class ExportedTable:
    """One exported table; ``columns`` give each column's Parquet type as a reader sees it
    (``type``) and its type in the snapshot (``snapshot_type``)."""

    name: str
    kind: str  # table | view (a view is exported with its rows, like a table)
    file: str
    row_count: int
    columns: list[dict[str, str]]
    sha256: str
    byte_size: int


@dataclass(frozen=True)
class ExportManifest:
    snapshot_id: str
    format: str
    exported_at: str
    techpact_version: str
    tables: list[ExportedTable]

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=2, sort_keys=True) + "\n"

    @classmethod
    def from_json(cls, text: str) -> ExportManifest:
        data: dict[str, Any] = json.loads(text)
        tables = [ExportedTable(**t) for t in data.pop("tables")]
        return cls(**data, tables=tables)


def export_snapshot(
    store: SnapshotStore, snapshot_id: str, target: Path, *, file_format: str = "parquet"
) -> ExportManifest:
    """Export one complete snapshot of ``store`` into the new or empty folder ``target``."""
    store.get(snapshot_id)
    if file_format not in FORMATS:
        raise SnapshotError(f"cannot export as {file_format!r}; formats: {', '.join(FORMATS)}")
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise SnapshotError(f"{target} exists and is not an empty folder; export into a new one")
    target.parent.mkdir(parents=True, exist_ok=True)
    scratch = target.parent / f".{target.name}.{secrets.token_hex(4)}.tmp"
    scratch.mkdir()
    try:
        manifest = _write_export(store.path_of(snapshot_id), snapshot_id, scratch)
        os.replace(scratch, target)
    except BaseException:
        shutil.rmtree(scratch, ignore_errors=True)
        raise
    fsync_directory(target.parent)
    log.info("Exported snapshot %s as Parquet to %s", snapshot_id, target)
    return manifest


def export_after_publish(settings: Settings, snapshot_id: str) -> Path | None:
    """Export a just-published snapshot to ``settings.export_dir/<id>``, if one is configured.

    Returns the export folder, or None when no export directory is configured. A snapshot
    exported before (published again by a rollback) is not exported twice.
    """
    if settings.export_dir is None:
        return None
    target = settings.export_dir / check_snapshot_id(snapshot_id)
    if (target / MANIFEST_NAME).exists():
        return target
    export_snapshot(SnapshotStore(settings), snapshot_id, target)
    return target


def _write_export(snapshot_path: Path, snapshot_id: str, folder: Path) -> ExportManifest:
    tables = []
    with duckdb.connect(str(snapshot_path), read_only=True) as con:
        relations = con.execute(
            """
            select table_name, case table_type when 'VIEW' then 'view' else 'table' end
            from information_schema.tables
            where table_schema = 'main'
            order by table_name
            """
        ).fetchall()
        for name, kind in relations:
            if not _TABLE_NAME.match(name):
                raise SnapshotError(f"table name {name!r} in {snapshot_path} is not exportable")
            file = folder / f"{name}.parquet"
            columns = con.execute(
                """
                select column_name, data_type
                from information_schema.columns
                where table_schema = 'main' and table_name = ?
                order by ordinal_position
                """,
                [name],
            ).fetchall()
            select_list = ", ".join(_exported_column(column, kind) for column, kind in columns)
            con.execute(
                f"copy (select {select_list} from {_quoted(name)}) to ? (format parquet)",
                [str(file)],
            )
            row_count = con.execute(f"select count(*) from {_quoted(name)}").fetchone()[0]  # type: ignore[index]
            read_back = con.execute("describe select * from read_parquet(?)", [str(file)])
            parquet_types = [row[1] for row in read_back.fetchall()]
            _fsync_file(file)
            tables.append(
                ExportedTable(
                    name=name,
                    kind=kind,
                    file=file.name,
                    row_count=row_count,
                    columns=[
                        {"name": c, "type": parquet_type, "snapshot_type": t}
                        for (c, t), parquet_type in zip(columns, parquet_types, strict=True)
                    ],
                    sha256=_sha256(file),
                    byte_size=file.stat().st_size,
                )
            )
    manifest = ExportManifest(
        snapshot_id=snapshot_id,
        format="parquet",
        exported_at=datetime.now(UTC).replace(microsecond=0).isoformat(),
        techpact_version=__version__,
        tables=tables,
    )
    manifest_path = folder / MANIFEST_NAME
    manifest_path.write_text(manifest.to_json(), "utf-8")
    _fsync_file(manifest_path)
    fsync_directory(folder)
    return manifest


def _exported_column(column: str, data_type: str) -> str:
    """A column of the select that is exported; HUGEINT has no Parquet type.

    DuckDB would write HUGEINT as DOUBLE (losing digits beyond 2**53); DECIMAL(38,0) keeps
    every value exactly and every Parquet reader knows it.
    """
    if data_type in EXACT_AS_DECIMAL:
        return f"cast({_quoted(column)} as decimal(38, 0)) as {_quoted(column)}"
    return _quoted(column)


def _quoted(identifier: str) -> str:
    """A name read from the snapshot's own catalog, as a quoted SQL identifier."""
    return '"' + identifier.replace('"', '""') + '"'


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(block)
    return digest.hexdigest()


def _fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
