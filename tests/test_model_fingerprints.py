"""Guard: every published table comes out of the models row for row as recorded.

A refactoring of transforms/ (a macro instead of repeated SQL, a new dependency finder) must
not change one published row. The fingerprints in tests/contract/model_fingerprints.json are a
build of the bundled sample landing zone and a build of the real DUO files in ../shared/samples:
per published table its columns with their types, its row count and a sha256 over its rows in
sorted order (floats written exactly, with ``repr``).

A change that is meant to change published rows (new sample data, a corrected model) rewrites
them (both builds; the real-file one needs ../shared/samples), and the diff of the JSON file
is then reviewed:

    .venv/bin/pytest -q tests/test_model_fingerprints.py --update-model-fingerprints
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import duckdb
import pytest
from conftest import REPO_ROOT, SAMPLE_LANDING
from test_indicators_real_duo import computable, real_landing

from techpact.sources.landing import LandingZone
from techpact.transforms.catalog import Catalog, load_catalog
from techpact.warehouse.build import build_warehouse

FINGERPRINTS = REPO_ROOT / "tests" / "contract" / "model_fingerprints.json"
SNAPSHOT_ID = "fingerprint"


def canonical(value: object) -> str:
    """One cell as text that changes whenever the value does (floats exactly)."""
    if isinstance(value, float):
        return repr(value)
    return f"{type(value).__name__}:{value!r}"


def table_fingerprint(con: duckdb.DuckDBPyConnection, table: str) -> dict[str, object]:
    columns = con.execute(
        "select column_name, data_type from duckdb_columns() "
        "where table_name = $table order by column_index",
        {"table": table},
    ).fetchall()
    rows = con.execute(f'select * from "{table}"').fetchall()
    lines = sorted("\t".join(canonical(v) for v in row) for row in rows)
    digest = hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()
    return {
        "columns": [f"{name} {data_type}" for name, data_type in columns],
        "row_count": len(rows),
        "rows_sha256": digest,
    }


def build_fingerprints(path: Path, landing: LandingZone, catalog: Catalog) -> dict[str, object]:
    build_warehouse(path, landing=landing, catalog=catalog, snapshot_id=SNAPSHOT_ID)
    with duckdb.connect(str(path), read_only=True) as con:
        tables = [
            row[0]
            for row in con.execute(
                "select table_name from duckdb_tables() order by table_name"
            ).fetchall()
        ]
        return {table: table_fingerprint(con, table) for table in tables}


def sample_build(root: Path) -> dict[str, object]:
    """The bundled sample landing zone (generated sample data), every indicator."""
    return build_fingerprints(root / "sample.duckdb", LandingZone(SAMPLE_LANDING), load_catalog())


def real_duo_build(root: Path) -> dict[str, object]:
    """The real DUO files of ../shared/samples, every indicator they can feed."""
    real = real_landing(root / "real_landing")
    return build_fingerprints(root / "real.duckdb", real, computable(load_catalog(), real))


BUILDS = {"sample_landing": sample_build, "shared_samples_duo": real_duo_build}


@pytest.mark.parametrize("build", sorted(BUILDS))
def test_published_tables_match_their_recorded_fingerprints(
    build: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    current = BUILDS[build](tmp_path)
    recorded = json.loads(FINGERPRINTS.read_text("utf-8")) if FINGERPRINTS.exists() else {}
    if request.config.getoption("--update-model-fingerprints"):
        recorded[build] = current
        FINGERPRINTS.write_text(json.dumps(recorded, indent=2, sort_keys=True) + "\n", "utf-8")
    assert build in recorded, f"no fingerprints of {build}: run with --update-model-fingerprints"
    assert set(current) == set(recorded[build]), f"{build}: the published tables differ"
    for table, fingerprint in recorded[build].items():
        assert current[table] == fingerprint, (
            f"{build}: published table {table} changed (if that is meant, rerun with "
            "--update-model-fingerprints and review the diff)"
        )


def test_a_changed_row_changes_the_fingerprint() -> None:
    with duckdb.connect() as con:
        con.execute("create table t (k integer, x double)")
        con.execute("insert into t values (1, 0.1), (2, 0.2)")
        before = table_fingerprint(con, "t")
        con.execute("update t set x = 0.2 + 1e-15 where k = 2")
        after = table_fingerprint(con, "t")
    assert before["row_count"] == after["row_count"]
    assert before["rows_sha256"] != after["rows_sha256"]
