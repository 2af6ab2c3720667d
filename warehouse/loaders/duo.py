"""Load landed DUO files into tidy raw tables, one per resource.

A resource (``hbo_inflow_by_programme``, ``mbo_students_by_qualification``, …) may be fed by
several landed files: a legacy duo.nl file for the years before the portal and a current
portal file for the recent years. Every landed file of the resource is parsed
(:func:`techpact.sources.duo.parse_duo_file`) into the same tidy shape; each year is taken from
the most recently landed file that holds it, so a re-published file replaces its predecessor's
years and two files never both count the same year.

Sibling resources (the same students by sex and by programme) are separate tables and are
never added together; :func:`sibling_total_mismatches` checks that their totals agree.

A data line that repeats the key of another line of its file (every text column and the year)
would be counted twice. The parser keeps both; :func:`write_source_duplicates` writes every
such key, with the file and its line numbers, into the build's audit table
``source_duplicates``, and the quality gate's check ``source_rows_unique`` blocks publishing
when that table is not empty.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from techpact.sources import duo
from techpact.sources.landing import LandedFile, LandingZone
from techpact.warehouse.loaders import BuildError, duo_csv, duo_legacy_csv, raw_table_name
from techpact.warehouse.loaders.duo_csv import FileRead

log = logging.getLogger(__name__)

# A suppressed cell hides fewer than 5: at most 4 per cell.
MAX_HIDDEN_PER_SUPPRESSED_CELL = 4

# The published audit table of repeated source lines (documented in warehouse/schema.py).
SOURCE_DUPLICATES_TABLE = "source_duplicates"
RAW_PREFIX = raw_table_name("duo", "")


@dataclass(frozen=True)
class ResourceLoad:
    """What loading one resource did: the files used and the lines skipped, for the run log."""

    resource: str
    files: tuple[LandedFile, ...]
    years_by_file: dict[str, tuple[int, ...]]
    row_count: int
    empty_records: int
    empty_year_groups: int


def landed_files_of(landing: LandingZone, resource: str) -> list[LandedFile]:
    """Every landed DUO file of ``resource``, newest first."""
    files = [f for f in landing.files("duo") if f.manifest.resource == resource]
    return list(reversed(files))


def _read_landed(
    con: duckdb.DuckDBPyConnection, landing: LandingZone, landed: LandedFile, table: str
) -> FileRead:
    """One landed file into table ``table`` in the tidy shape: straight from disk by DuckDB's
    CSV reader (current or legacy format); a file that reader declines through the parser,
    which also names the file, line and column of what is wrong."""
    manifest = landed.manifest
    scan = duo_csv.FileScan.of(landed.path)
    landing.refuse_changed(landed, scan.sha256)
    read = duo_csv.read_current(
        con, landed.path, scan, table, file_name=manifest.file_name, sha256=manifest.sha256
    )
    if read is None:
        read = duo_legacy_csv.read_legacy(
            con,
            scan,
            table,
            path=landed.path,
            file_name=manifest.file_name,
            sha256=manifest.sha256,
            dataset=manifest.dataset,
        )
    if read is not None and manifest.dataset not in (None, read.dataset):
        con.execute(f'drop table "{table}"')  # the parser names the mismatch
        read = None
    if read is not None:
        return read
    tidy = duo.parse_duo_file(landing.verify(landed), manifest.file_name, dataset=manifest.dataset)
    con.register("parsed_rows", tidy.rows)
    try:
        con.execute(
            f'create or replace table "{table}" as '
            "select *, $file as source_file, $sha as source_sha256 from parsed_rows",
            {"file": manifest.file_name, "sha": manifest.sha256},
        )
    finally:
        con.unregister("parsed_rows")
    years = sorted(tidy.rows["year"].unique().tolist()) if "year" in tidy.rows else []
    return FileRead(
        resource=tidy.resource,
        dataset=tidy.dataset,
        years=tuple(int(year) for year in years),
        empty_records=tidy.empty_records,
        empty_year_groups=tidy.empty_year_groups,
    )


def load_resource(
    con: duckdb.DuckDBPyConnection, landing: LandingZone, resource: str
) -> ResourceLoad:
    """Table ``raw_duo__<resource>`` from all the resource's landed files, each year from one
    file (the newest that holds it), with ``source_file`` and ``source_sha256`` per row."""
    files = landed_files_of(landing, resource)
    if not files:
        raise BuildError(
            f"the landing zone {landing.root} holds no file for duo/{resource}. "
            "Land one with `techpact land-file` (or fetch it) first."
        )
    parts: list[tuple[str, LandedFile, list[int] | None]] = []
    covered: set[int] = set()
    years_read: dict[str, list[int]] = {}
    empty_records = empty_year_groups = 0
    try:
        for index, landed in enumerate(files):
            part = f"_duo_file_{index}"  # names are the loader's own, never data
            read = _read_landed(con, landing, landed, part)
            parts.append((part, landed, []))  # [] until it turns out to add years
            years_read[part] = sorted(read.years)
            if read.resource != resource:
                raise BuildError(
                    f"{landed.path}: the manifest says {resource!r} but the file's header and "
                    f"values are those of {read.resource!r}"
                )
            # A file without years (the address list) is whole: the newest one is the resource.
            years = set(read.years) if read.years else {0}
            new_years = sorted(years - covered)
            if not new_years:
                log.info("duo/%s: %s adds no new year; not used", resource, landed.path)
                continue
            covered.update(new_years)
            parts[-1] = (part, landed, new_years if read.years else None)
            empty_records += read.empty_records
            empty_year_groups += read.empty_year_groups
            if read.empty_records:  # a known quirk of DUO's legacy files: detail, not a problem
                log.debug(
                    'duo/%s: skipped %d empty record(s) (lines holding only "") in %s',
                    resource,
                    read.empty_records,
                    landed.path,
                )
        used = [(part, landed, years) for part, landed, years in parts if years != []]
        table = raw_table_name("duo", resource)
        con.execute(f'drop table if exists "{table}"')
        if len(used) == 1 and used[0][2] in (None, years_read[used[0][0]]):
            con.execute(f'alter table "{used[0][0]}" rename to "{table}"')  # the whole file
        else:
            selects = [
                f'select * from "{part}"'
                + ("" if years is None else f" where list_contains($years_{index}, year)")
                for index, (part, _, years) in enumerate(used)
            ]
            params = {
                f"years_{index}": years
                for index, (_, _, years) in enumerate(used)
                if years is not None
            }
            con.execute(f'create table "{table}" as ' + " union all ".join(selects), params)
        [(row_count,)] = con.execute(f'select count(*) from "{table}"').fetchall()
    finally:
        for part, _, _ in parts:
            con.execute(f'drop table if exists "{part}"')
    return ResourceLoad(
        resource=resource,
        files=tuple(landed for _, landed, _ in used),
        years_by_file={str(landed.path): tuple(years or [0]) for _, landed, years in used},
        row_count=row_count,
        empty_records=empty_records,
        empty_year_groups=empty_year_groups,
    )


def load_raw(
    con: duckdb.DuckDBPyConnection, landing: LandingZone, resources: list[str]
) -> list[LandedFile]:
    """Each resource's landed files, read into the tidy table ``raw_duo__<resource>``."""
    used: list[LandedFile] = []
    for resource in resources:
        load = load_resource(con, landing, resource)
        log.debug(
            "Loaded %d rows of duo/%s from %d file(s): %s; %d empty record(s) skipped",
            load.row_count,
            resource,
            len(load.files),
            "; ".join(f"{path} years {years}" for path, years in load.years_by_file.items()),
            load.empty_records,
        )
        used += load.files
    return used


def sibling_total_mismatches(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Years where two sibling tables (same students, other breakdown) disagree on the total.

    For every pair in :data:`techpact.sources.duo.SIBLING_RESOURCES` whose raw tables both
    exist, per year: the two totals and suppressed-cell counts. A suppressed cell hides 0..4
    students, so the totals agree when they differ by at most 4 x the suppressed cells of both
    sides together; a larger gap, or a year only one side has, is a mismatch. Returns one row
    per mismatching (pair, year); empty when everything agrees. Meant for the quality gate
    (a critical check: fail on any row).
    """
    tables = {row[0] for row in con.execute("select table_name from duckdb_tables()").fetchall()}
    parts = []
    # A repeated line is counted once here: the gate's source_rows_unique check reports it.
    for left, right in duo.SIBLING_RESOURCES:
        left_table, right_table = raw_table_name("duo", left), raw_table_name("duo", right)
        if left_table not in tables or right_table not in tables:
            continue
        # Table names come from the fixed SIBLING_RESOURCES constant, never from data.
        frame = con.execute(
            f"""
            with left_totals as (
                select year, coalesce(sum("count"), 0) as total_count,
                    count(*) filter (where is_suppressed) as suppressed_cells
                from ({distinct_rows_sql(con, left_table)}) group by year
            ),
            right_totals as (
                select year, coalesce(sum("count"), 0) as total_count,
                    count(*) filter (where is_suppressed) as suppressed_cells
                from ({distinct_rows_sql(con, right_table)}) group by year
            )
            select
                $left as left_resource,
                $right as right_resource,
                coalesce(l.year, r.year) as year,
                l.total_count as left_total,
                r.total_count as right_total,
                l.suppressed_cells as left_suppressed_cells,
                r.suppressed_cells as right_suppressed_cells
            from left_totals as l
            full outer join right_totals as r on r.year = l.year
            """,
            {"left": left, "right": right},
        ).df()
        parts.append(frame)
    if not parts:
        return pd.DataFrame(
            columns=[
                "left_resource",
                "right_resource",
                "year",
                "left_total",
                "right_total",
                "left_suppressed_cells",
                "right_suppressed_cells",
            ]
        )
    totals = pd.concat(parts, ignore_index=True)
    slack = MAX_HIDDEN_PER_SUPPRESSED_CELL * (
        totals["left_suppressed_cells"].fillna(0) + totals["right_suppressed_cells"].fillna(0)
    )
    gap = (totals["left_total"] - totals["right_total"]).abs()
    mismatched = totals["left_total"].isna() | totals["right_total"].isna() | (gap > slack)
    return totals[mismatched].reset_index(drop=True)


def raw_duo_tables(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The raw DUO tables of a build (``raw_duo__<resource>``), in name order."""
    names = con.execute(
        "select table_name from duckdb_tables() where starts_with(table_name, $prefix) "
        "order by table_name",
        {"prefix": RAW_PREFIX},
    ).fetchall()
    return [name for (name,) in names]


def row_key_columns(con: duckdb.DuckDBPyConnection, table: str) -> tuple[str, ...]:
    """The columns that identify one data line's row: ``year`` and every text column.

    The text columns include ``source_file``, so a key repeats only within one file (each year
    of a resource comes from one file). Counts, flags and ``line_number`` are not part of it.
    """
    columns = con.execute(
        "select column_name, data_type from duckdb_columns() where table_name = $table "
        "order by column_index",
        {"table": table},
    ).fetchall()
    return tuple(name for name, data_type in columns if name == "year" or data_type == "VARCHAR")


def _quoted(columns: tuple[str, ...]) -> str:
    return ", ".join(f'"{column}"' for column in columns)


def has_repeated_keys(con: duckdb.DuckDBPyConnection, table: str) -> bool:
    """Whether two rows of a raw table share a key. Keys are compared by their hash first:
    equal keys hash alike, so no repeated hash means no repeated key, and only then must the
    (wide, text) keys themselves be grouped. Names come from the build's own catalog."""
    keys = _quoted(row_key_columns(con, table))
    [(repeated,)] = con.execute(
        f'select count(*) from (select hash({keys}) as key_hash from "{table}" '
        "group by key_hash having count(*) > 1)"
    ).fetchall()
    return repeated > 0


def distinct_rows_sql(con: duckdb.DuckDBPyConnection, table: str) -> str:
    """``select`` of a raw table with each key once (the first line that has it).

    Table and column names come from the build's own catalog (``duckdb_columns``), never data.
    """
    if not has_repeated_keys(con, table):
        return f'select * from "{table}"'
    keys = _quoted(row_key_columns(con, table))
    return (
        f'select * from "{table}" '
        f"qualify row_number() over (partition by {keys} order by line_number) = 1"
    )


_NO_DUPLICATES = """
select
    null::varchar as source,
    null::varchar as resource,
    null::varchar as file_name,
    null::varchar as source_sha256,
    null::integer as year,
    null::varchar as duplicate_key,
    null::varchar as line_numbers,
    null::bigint as row_count
where false
"""


def source_duplicates_sql(con: duckdb.DuckDBPyConnection) -> tuple[str, dict[str, Any]]:
    """A ``select`` of every key that two or more rows of a raw DUO table share, with params.

    One row per repeated key: the file, the year, the key's text and the line numbers. Always
    typed, also when no raw DUO table exists (then it selects nothing).
    """
    parts = [_NO_DUPLICATES]
    params: dict[str, Any] = {}
    for index, table in enumerate(raw_duo_tables(con)):
        if not has_repeated_keys(con, table):
            continue
        keys = row_key_columns(con, table)
        text = ", ".join(
            f'"{c}"::varchar' if c == "year" else f'"{c}"'
            for c in keys
            if c not in ("source_file", "source_sha256", "source_format")
        )
        year = '"year"::integer' if "year" in keys else "null::integer"
        params[f"resource_{index}"] = table.removeprefix(RAW_PREFIX)
        parts.append(
            f"""
            select
                'duo' as source,
                $resource_{index} as resource,
                "source_file" as file_name,
                "source_sha256" as source_sha256,
                {year} as year,
                concat_ws(' | ', {text}) as duplicate_key,
                string_agg(line_number::varchar, ', ' order by line_number) as line_numbers,
                count(*) as row_count
            from "{table}"
            group by {_quoted(keys)}
            having count(*) > 1
            """
        )
    sql = "\nunion all\n".join(parts) + "\norder by resource, file_name, year, line_numbers"
    return sql, params


def find_source_duplicates(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every repeated key of the raw DUO tables in ``con`` (empty when every line is unique)."""
    sql, params = source_duplicates_sql(con)
    return con.execute(sql, params).df()


def write_source_duplicates(con: duckdb.DuckDBPyConnection, path: Path) -> int:
    """Write the audit table ``source_duplicates`` into the build file ``path``.

    ``con`` holds the raw tables (the build's in-memory connection); ``path`` is the build file
    the published tables were copied into. Returns the number of repeated keys (normally 0).
    """
    sql, params = source_duplicates_sql(con)
    con.execute("attach $path as audit_output", {"path": str(path)})
    try:
        con.execute(f'create table audit_output."{SOURCE_DUPLICATES_TABLE}" as {sql}', params)
        repeated = con.execute(
            "select resource, file_name, line_numbers "
            f'from audit_output."{SOURCE_DUPLICATES_TABLE}"'
        ).fetchall()
    finally:
        con.execute("detach audit_output")
    for resource, file_name, line_numbers in repeated:
        log.warning(
            "duo/%s: %s repeats a data line at lines %s; the quality gate will block it",
            resource,
            file_name,
            line_numbers,
        )
    return len(repeated)
