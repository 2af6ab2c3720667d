"""Add every table and view of a DuckDB file as a dataset the way Superset does; JSON on stdout.

Superset connects through SQLAlchemy with duckdb_engine (URI ``duckdb:///<path>``, engine
parameters ``{"connect_args": {"read_only": true}}``), lists the tables and views with the
inspector, reflects each one's columns, keys, indexes and comment, and queries it through a
reflected ``Table``. Run by tests/test_bi_compat.py in the pinned venv of
tests/bi_clients/constraints.txt; imports only sqlalchemy, duckdb_engine and duckdb.

    python reflect_like_superset.py PATH  ->  {"versions", "tables", "views", "inspected",
                                               "errors", "reflected", "selected",
                                               "write_refused"}

Every inspector call is made for every relation; one that raises is recorded in ``errors``
(``"<call>(<relation>)": "<exception>"``) instead of stopping the run, so a test names them all.
"""

from __future__ import annotations

import json
import sys
import warnings
from collections.abc import Callable
from importlib.metadata import version
from typing import Any

import sqlalchemy as sa

# duckdb_engine warns that it does not reflect indexes (get_indexes returns []); Superset shows
# no indexes either way.
warnings.filterwarnings("ignore", message=".*support reflection on indices.*")

INSPECTOR_CALLS = (
    "get_columns",
    "get_pk_constraint",
    "get_foreign_keys",
    "get_indexes",
    "get_table_comment",
)


def plain(value: Any) -> Any:
    """Inspector results as JSON: column types by their SQLAlchemy class name."""
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, sa.types.TypeEngine):
        return type(value).__name__
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return repr(value)


def attempt(errors: dict[str, str], label: str, call: Callable[[], Any]) -> Any:
    try:
        return call()
    except Exception as error:  # each failing call is reported, not just the first
        errors[label] = f"{type(error).__name__}: {str(error).splitlines()[0]}"
        return None


def reflect(path: str) -> dict[str, Any]:
    engine = sa.create_engine(f"duckdb:///{path}", connect_args={"read_only": True})
    errors: dict[str, str] = {}
    inspector = sa.inspect(engine)
    tables = attempt(errors, "get_table_names()", inspector.get_table_names) or []
    views = attempt(errors, "get_view_names()", inspector.get_view_names) or []
    inspected: dict[str, dict[str, Any]] = {}
    for name in [*tables, *views]:
        inspected[name] = {
            call: plain(
                attempt(errors, f"{call}({name})", lambda c=call, n=name: getattr(inspector, c)(n))
            )
            for call in INSPECTOR_CALLS
        }

    metadata = sa.MetaData()
    attempt(errors, "MetaData.reflect(views=True)", lambda: metadata.reflect(engine, views=True))
    reflected = {name: [c.name for c in table.columns] for name, table in metadata.tables.items()}
    selected: dict[str, dict[str, Any]] = {}
    with engine.connect() as con:
        for name, table in metadata.tables.items():
            # what Superset runs for a dataset: a count, and a sample of rows for the explorer
            count = attempt(
                errors,
                f"select count(*) from {name}",
                lambda t=table: con.execute(sa.select(sa.func.count()).select_from(t)).scalar_one(),
            )
            sample = attempt(
                errors,
                f"select * from {name} limit 10",
                lambda t=table: con.execute(sa.select(t).limit(10)).fetchall(),
            )
            selected[name] = {"row_count": count, "sample_rows": len(sample or [])}
        try:
            con.execute(sa.text("create table superset_was_here (x integer)"))
            write_refused = False
        except sa.exc.DBAPIError:
            write_refused = True
    engine.dispose()
    return {
        "versions": {p: version(p) for p in ("duckdb", "duckdb_engine", "sqlalchemy")},
        "tables": tables,
        "views": views,
        "inspected": inspected,
        "errors": errors,
        "reflected": reflected,
        "selected": selected,
        "write_refused": write_refused,
    }


if __name__ == "__main__":
    json.dump(reflect(sys.argv[1]), sys.stdout, indent=1)
