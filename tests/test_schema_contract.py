"""The published schema is a contract with BI tools: any change shows up as a reviewed diff.

After an intended change, regenerate the snapshot with
``.venv/bin/pytest tests/test_schema_contract.py --update-schema-contract`` and record the
change in CHANGELOG.md.
"""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest
from conftest import SAMPLE_LANDING

from techpact.config import Settings
from techpact.expectations.gate import CheckResult, QualityReport
from techpact.sources.landing import LandingZone
from techpact.transforms.catalog import load_catalog
from techpact.warehouse.build import build_warehouse
from techpact.warehouse.snapshots import SnapshotStore, new_snapshot_id

CONTRACT = Path(__file__).parent / "contract" / "published_schema.json"


def published_schema(path: Path) -> dict[str, dict[str, object]]:
    with duckdb.connect(str(path), read_only=True) as con:
        objects = con.execute(
            """
            select table_name, 'table' as kind from duckdb_tables()
            union all
            select view_name, 'view' from duckdb_views() where not internal
            order by 1
            """
        ).fetchall()
        columns = con.execute(
            """
            select table_name, column_name, data_type from duckdb_columns()
            where not internal
            order by table_name, column_index
            """
        ).fetchall()
        keys = con.execute(
            """
            select table_name, constraint_type, constraint_column_names,
                referenced_table, referenced_column_names
            from duckdb_constraints()
            where constraint_type in ('PRIMARY KEY', 'FOREIGN KEY')
            order by table_name, constraint_type desc, constraint_index
            """
        ).fetchall()
    schema: dict[str, dict[str, object]] = {
        name: {
            "kind": kind,
            "columns": [[c, t] for table, c, t in columns if table == name],
        }
        for name, kind in objects
    }
    for table, kind, key_columns, referenced, referenced_columns in keys:
        if kind == "PRIMARY KEY":
            schema[table]["primary_key"] = list(key_columns)
        else:
            foreign = schema[table].setdefault("foreign_keys", [])
            foreign.append([list(key_columns), referenced, list(referenced_columns)])  # type: ignore[union-attr]
    return schema


@pytest.fixture(scope="module")
def snapshot_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    settings = Settings.from_paths(tmp_path_factory.mktemp("data"))
    snapshot_id = new_snapshot_id()
    build = build_warehouse(
        settings.work_dir / "build.duckdb",
        landing=LandingZone(SAMPLE_LANDING),
        catalog=load_catalog(),
        snapshot_id=snapshot_id,
    )
    report = QualityReport((CheckResult("grain_unique", "critical", "d", True, 0, ()),))
    store = SnapshotStore(settings)
    store.finalise(build, report, snapshot_id=snapshot_id, created_at="2026-01-01T00:00:00+00:00")
    return store.path_of(snapshot_id)


def test_published_tables_columns_and_types_match_the_contract(
    snapshot_file: Path, request: pytest.FixtureRequest
) -> None:
    actual = published_schema(snapshot_file)
    if request.config.getoption("--update-schema-contract"):
        CONTRACT.write_text(json.dumps(actual, indent=2, sort_keys=True) + "\n")
    expected = json.loads(CONTRACT.read_text())
    assert actual == expected, (
        "the published schema changed: if intended, rerun with --update-schema-contract, "
        "review the diff of tests/contract/published_schema.json and add a CHANGELOG.md entry"
    )


def test_the_published_tables_declare_their_grain_and_joins_as_keys(snapshot_file: Path) -> None:
    """BI tools (Metabase, Superset, DBeaver) find the grain and the joins from declared keys."""
    schema = published_schema(snapshot_file)

    assert schema["indicator_values"]["primary_key"] == [
        "indicator_id",
        "region_code",
        "period",
        "sex",
        "education_level",
        "institution",
    ]
    assert {t: schema[t]["primary_key"] for t in ("region", "period", "indicator_catalog")} == {
        "region": ["region_code"],
        "period": ["period"],
        "indicator_catalog": ["indicator_id"],
    }
    assert sorted(schema["indicator_values"]["foreign_keys"]) == [  # type: ignore[arg-type]
        [["indicator_id"], "indicator_catalog", ["indicator_id"]],
        [["period"], "period", ["period"]],
        [["region_code"], "region", ["region_code"]],
    ]


def test_every_published_table_view_and_column_has_a_comment(snapshot_file: Path) -> None:
    with duckdb.connect(str(snapshot_file), read_only=True) as con:
        undocumented = con.execute(
            """
            select table_name, column_name from duckdb_columns()
            where not internal and comment is null
            union all
            select table_name, null from duckdb_tables() where comment is null
            union all
            select view_name, null from duckdb_views() where not internal and comment is null
            """
        ).fetchall()
    assert undocumented == []


def test_the_published_file_holds_no_build_internals(snapshot_file: Path) -> None:
    names = set(published_schema(snapshot_file))
    assert not {n for n in names if n.startswith(("raw_", "stg_", "int_"))}
