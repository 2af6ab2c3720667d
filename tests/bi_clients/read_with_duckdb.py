"""Read a DuckDB file the way a BI tool browses it, and describe what it saw as JSON on stdout.

Run by tests/test_bi_compat.py with the pinned DuckDB 1.x of tests/bi_clients/constraints.txt and,
for reference, with the project's DuckDB 2.0: both must see the same thing. Standalone: it imports
nothing but duckdb, so it runs in a virtual environment that has only the pinned packages.

    python read_with_duckdb.py PATH  ->  {"duckdb_version", "storage_version", "relations",
                                          "keys"}

``relations`` maps every table and view to its kind, comment, column comments, row count and a
SHA-256 of all its rows (read with ``select *``, sorted), so two DuckDB versions can be compared
value for value. ``keys`` lists the declared primary and foreign keys (``duckdb_constraints()``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import sys
from typing import Any

import duckdb

RELATIONS = """
    select 'table' as kind, table_name as name, comment
    from duckdb_tables()
    where database_name = current_database() and not internal
    union all
    select 'view' as kind, view_name as name, comment
    from duckdb_views()
    where database_name = current_database() and not internal
    order by kind, name
"""

COLUMNS = """
    select table_name, column_name, comment
    from duckdb_columns()
    where database_name = current_database() and not internal
    order by table_name, column_index
"""

KEYS = """
    select
        table_name,
        constraint_type,
        constraint_column_names,
        referenced_table,
        referenced_column_names
    from duckdb_constraints()
    where database_name = current_database()
        and constraint_type in ('PRIMARY KEY', 'FOREIGN KEY')
    order by table_name, constraint_type, constraint_index
"""


def quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def canonical(value: object) -> str:
    """A value as text that does not depend on the DuckDB version's Python conversion.

    Times as ISO 8601: DuckDB 1.x returns time zones as pytz objects, DuckDB 2.0 as zoneinfo.
    """
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return repr(value)


def read_every_row(con: duckdb.DuckDBPyConnection, name: str) -> tuple[int, str]:
    """Fetch every value of ``select *`` (so each column is decoded), sorted; count and digest."""
    digest = hashlib.sha256()
    row_count = 0
    result = con.execute(f"select * from {quote(name)} order by all")
    while batch := result.fetchmany(10_000):
        for row in batch:
            digest.update("\x1f".join(map(canonical, row)).encode("utf-8") + b"\n")
            row_count += 1
    return row_count, digest.hexdigest()


def describe(path: str) -> dict[str, Any]:
    con = duckdb.connect(path, read_only=True)
    try:
        tags = con.execute(
            "select tags from duckdb_databases() where database_name = current_database()"
        ).fetchone()
        relations: dict[str, dict[str, Any]] = {}
        for kind, name, comment in con.execute(RELATIONS).fetchall():
            relations[name] = {"kind": kind, "comment": comment, "columns": {}}
        for table, column, comment in con.execute(COLUMNS).fetchall():
            relations[table]["columns"][column] = comment
        for name, relation in relations.items():
            relation["row_count"], relation["rows_sha256"] = read_every_row(con, name)
        keys = [
            {
                "table": table,
                "type": kind,
                "columns": list(columns),
                "referenced_table": referenced_table,
                "referenced_columns": list(referenced_columns or []),
            }
            for table, kind, columns, referenced_table, referenced_columns in con.execute(
                KEYS
            ).fetchall()
        ]
    finally:
        con.close()
    return {
        "duckdb_version": duckdb.__version__,
        "storage_version": (tags[0] if tags else {}).get("storage_version"),
        "relations": relations,
        "keys": keys,
    }


if __name__ == "__main__":
    json.dump(describe(sys.argv[1]), sys.stdout, indent=1)
