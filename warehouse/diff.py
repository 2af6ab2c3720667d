"""What changed between two snapshots: indicators, regions, periods, rows and values.

Both snapshot files are attached read-only to one in-memory DuckDB connection and compared in
SQL. Rows are matched on the grain of ``indicator_values``: indicator, region, period and every
breakdown column (``techpact.transforms.catalog.BREAKDOWN_COLUMNS``) that both snapshots have.
A value has changed when ``value`` or ``suppressed_cell_count`` differs (nulls compare equal).
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import duckdb

from techpact.transforms.catalog import BREAKDOWN_COLUMNS
from techpact.warehouse.snapshots import SnapshotError, SnapshotStore

GRAIN = ("indicator_id", "region_code", "period")
OLD = "old_snapshot"
NEW = "new_snapshot"
_IDENTIFIER = re.compile(r"^[a-z][a-z0-9_]*$")

ONLY_ITEMS_SQL = """
with only_items as (
    select distinct {column} as item from {left}.indicator_values
    except
    select distinct {column} as item from {right}.indicator_values
)

select item from only_items order by item
"""

ONLY_IN_SQL = """
with only_keys as (
    select {keys} from {left}.indicator_values
    except
    select {keys} from {right}.indicator_values
)

select {keys} from only_keys order by all
"""

CHANGED_SQL = """
with old_rows as (
    select {keys}, value, suppressed_cell_count from old_snapshot.indicator_values
),

new_rows as (
    select {keys}, value, suppressed_cell_count from new_snapshot.indicator_values
),

matched as (
    select
        {old_keys},
        old_rows.value as old_value,
        new_rows.value as new_value,
        old_rows.suppressed_cell_count as old_suppressed_cell_count,
        new_rows.suppressed_cell_count as new_suppressed_cell_count
    from old_rows
    inner join new_rows on {join_condition}
    where old_rows.value is distinct from new_rows.value
       or old_rows.suppressed_cell_count is distinct from new_rows.suppressed_cell_count
)

select
    *,
    new_value - old_value as absolute_change,
    case when old_value <> 0 then (new_value - old_value) / abs(old_value) end
        as relative_change
from matched
order by all
"""


@dataclass(frozen=True)
class ValueChange:
    """One grain key whose value changed; ``relative_change`` is null when the old value is 0."""

    key: dict[str, str]
    old_value: float | None
    new_value: float | None
    absolute_change: float | None
    relative_change: float | None
    old_suppressed_cell_count: int | None
    new_suppressed_cell_count: int | None


@dataclass(frozen=True)
class SnapshotDiff:
    """Snapshot ``new_id`` compared with ``old_id``."""

    old_id: str
    new_id: str
    key_columns: tuple[str, ...]
    indicators_added: list[str]
    indicators_removed: list[str]
    regions_added: list[str]
    regions_removed: list[str]
    periods_added: list[str]
    periods_removed: list[str]
    rows_added: list[dict[str, str]]
    rows_removed: list[dict[str, str]]
    changed: list[ValueChange]

    @property
    def is_empty(self) -> bool:
        return not (self.rows_added or self.rows_removed or self.changed)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def diff_snapshots(store: SnapshotStore, old_id: str, new_id: str) -> SnapshotDiff:
    """Compare two complete snapshots of ``store``; unknown ids are an error."""
    store.get(old_id)
    store.get(new_id)
    if old_id == new_id:
        raise SnapshotError("diff needs two different snapshots")
    return diff_files(store.path_of(old_id), store.path_of(new_id), old_id, new_id)


def diff_files(old_path: Path, new_path: Path, old_id: str, new_id: str) -> SnapshotDiff:
    """Compare two snapshot files (paths from the store, never from user input)."""
    with duckdb.connect() as con:
        con.execute(f"attach ? as {OLD} (read_only)", [str(old_path)])
        con.execute(f"attach ? as {NEW} (read_only)", [str(new_path)])
        key_columns = (*GRAIN, *_shared_breakdowns(con))
        keys = ", ".join(f'"{c}"' for c in key_columns)

        def items(column: str, left: str, right: str) -> list[str]:
            sql = ONLY_ITEMS_SQL.format(column=column, left=left, right=right)
            return [row[0] for row in con.execute(sql).fetchall()]

        def only_in(left: str, right: str) -> list[dict[str, str]]:
            sql = ONLY_IN_SQL.format(keys=keys, left=left, right=right)
            return [dict(zip(key_columns, row, strict=True)) for row in con.execute(sql).fetchall()]

        changed_sql = CHANGED_SQL.format(
            keys=keys,
            old_keys=", ".join(f'old_rows."{c}"' for c in key_columns),
            join_condition=" and ".join(f'old_rows."{c}" = new_rows."{c}"' for c in key_columns),
        )
        cursor = con.execute(changed_sql)
        names = [d[0] for d in cursor.description]
        changed = []
        for row in cursor.fetchall():
            record = dict(zip(names, row, strict=True))
            changed.append(
                ValueChange(
                    key={c: record.pop(c) for c in key_columns},
                    **record,
                )
            )
        return SnapshotDiff(
            old_id=old_id,
            new_id=new_id,
            key_columns=key_columns,
            indicators_added=items("indicator_id", NEW, OLD),
            indicators_removed=items("indicator_id", OLD, NEW),
            regions_added=items("region_code", NEW, OLD),
            regions_removed=items("region_code", OLD, NEW),
            periods_added=items("period", NEW, OLD),
            periods_removed=items("period", OLD, NEW),
            rows_added=only_in(NEW, OLD),
            rows_removed=only_in(OLD, NEW),
            changed=changed,
        )


def _shared_breakdowns(con: duckdb.DuckDBPyConnection) -> list[str]:
    rows = con.execute(
        """
        select column_name
        from duckdb_columns()
        where table_name = 'indicator_values'
          and database_name in ('old_snapshot', 'new_snapshot')
          and column_name in (select unnest($breakdowns::varchar[]))
        group by column_name
        having count(distinct database_name) = 2
        """,
        {"breakdowns": list(BREAKDOWN_COLUMNS)},
    ).fetchall()
    present = {row[0] for row in rows}
    columns = [c for c in BREAKDOWN_COLUMNS if c in present]
    for column in columns:
        if not _IDENTIFIER.match(column):
            raise SnapshotError(f"breakdown column {column!r} is not a plain identifier")
    return columns
