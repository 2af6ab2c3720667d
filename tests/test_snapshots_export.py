"""`snapshots export`: Parquet per table and a manifest that another reader can trust."""

from __future__ import annotations

import dataclasses
import hashlib
import json
from pathlib import Path

import duckdb
import pytest
from test_publish import make_snapshot

from techpact.config import Settings
from techpact.warehouse.export import (
    MANIFEST_NAME,
    ExportManifest,
    export_after_publish,
    export_snapshot,
)
from techpact.warehouse.snapshots import SnapshotError, SnapshotStore


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings.from_paths(tmp_path / "data")


def test_an_exported_snapshot_read_back_from_parquet_equals_the_snapshot_table_for_table(
    settings: Settings, tmp_path: Path
) -> None:
    store = SnapshotStore(settings)
    snapshot_id = make_snapshot(settings)
    target = tmp_path / "export"

    manifest = export_snapshot(store, snapshot_id, target)

    assert ExportManifest.from_json((target / MANIFEST_NAME).read_text()) == manifest
    assert sorted(p.name for p in target.iterdir()) == sorted(
        [MANIFEST_NAME, *(t.file for t in manifest.tables)]
    )
    with duckdb.connect() as con:
        con.execute("attach ? as snapshot (read_only)", [str(store.path_of(snapshot_id))])
        names = [
            r[0]
            for r in con.execute(
                "select table_name from information_schema.tables "
                "where table_catalog = 'snapshot' and table_schema = 'main' order by 1"
            ).fetchall()
        ]
        assert [t.name for t in manifest.tables] == names
        assert {"indicator_values", "snapshot_info", "quality_results", "region"} <= set(names)
        for table in manifest.tables:
            parquet = str(target / table.file)
            original = f'snapshot.main."{table.name}"'
            copy = "read_parquet($parquet)"
            args = {"parquet": parquet}
            missing = con.execute(
                f"select count(*) from (from {original} except all from {copy})", args
            ).fetchone()[0]
            extra = con.execute(
                f"select count(*) from (from {copy} except all from {original})", args
            ).fetchone()[0]
            read_back = con.execute(f"select count(*) from {copy}", args).fetchone()[0]
            schema = con.execute(f"describe select * from {copy}", args).fetchall()
            snapshot_schema = con.execute(f"describe select * from {original}").fetchall()
            assert (missing, extra) == (0, 0), table.name
            assert read_back == table.row_count
            assert [(c["name"], c["type"]) for c in table.columns] == [r[:2] for r in schema]
            assert [(c["name"], c["snapshot_type"]) for c in table.columns] == [
                r[:2] for r in snapshot_schema
            ]
            assert hashlib.sha256(Path(parquet).read_bytes()).hexdigest() == table.sha256
    values = next(t for t in manifest.tables if t.name == "indicator_values")
    assert values.row_count == store.get(snapshot_id).row_count > 0


def test_hugeint_columns_are_exported_exactly_as_decimal(
    settings: Settings, tmp_path: Path
) -> None:
    store = SnapshotStore(settings)
    snapshot_id = make_snapshot(settings)
    path = store.path_of(snapshot_id)
    path.chmod(0o644)
    beyond_double = 2**70 + 1
    with duckdb.connect(str(path)) as con:
        con.execute("create table big_counts as select ?::hugeint as n", [beyond_double])

    manifest = export_snapshot(store, snapshot_id, tmp_path / "export")

    [big] = [t for t in manifest.tables if t.name == "big_counts"]
    assert big.columns == [{"name": "n", "type": "DECIMAL(38,0)", "snapshot_type": "HUGEINT"}]
    with duckdb.connect() as con:
        [(value,)] = con.execute(
            "select n::hugeint from read_parquet(?)", [str(tmp_path / "export" / big.file)]
        ).fetchall()
    assert value == beyond_double


def test_export_refuses_a_folder_that_holds_files_and_unknown_ids(
    settings: Settings, tmp_path: Path
) -> None:
    store = SnapshotStore(settings)
    snapshot_id = make_snapshot(settings)
    occupied = tmp_path / "occupied"
    occupied.mkdir()
    (occupied / "keep.txt").write_text("mine")
    with pytest.raises(SnapshotError, match="not an empty folder"):
        export_snapshot(store, snapshot_id, occupied)
    assert [p.name for p in occupied.iterdir()] == ["keep.txt"]
    with pytest.raises(SnapshotError, match="no snapshot"):
        export_snapshot(store, "20990101T000000Z-abcdef", tmp_path / "new")
    with pytest.raises(SnapshotError, match="formats: parquet"):
        export_snapshot(store, snapshot_id, tmp_path / "new", file_format="csv")
    assert not (tmp_path / "new").exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_the_publish_step_exports_to_the_configured_folder_once(
    settings: Settings, tmp_path: Path
) -> None:
    snapshot_id = make_snapshot(settings)
    assert export_after_publish(settings, snapshot_id) is None  # no export folder configured

    exporting = dataclasses.replace(settings, export_dir=tmp_path / "exports")
    folder = export_after_publish(exporting, snapshot_id)

    assert folder == tmp_path / "exports" / snapshot_id
    manifest = json.loads((folder / MANIFEST_NAME).read_text())
    assert manifest["snapshot_id"] == snapshot_id
    written = (folder / MANIFEST_NAME).stat().st_mtime_ns
    assert export_after_publish(exporting, snapshot_id) == folder  # published again: kept
    assert (folder / MANIFEST_NAME).stat().st_mtime_ns == written
