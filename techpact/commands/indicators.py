"""`techpact indicators`: what is published, and what each indicator means."""

from __future__ import annotations

import json
from typing import Annotated

import duckdb
import typer
from rich import box
from rich.table import Table
from rich.text import Text

from techpact.commands.common import DEFAULT_DATA_DIR, AsJson, DataDir, Verbose, console, fail
from techpact.config import Settings

indicators_app = typer.Typer(
    help="List the published indicators (the default), or show one with its latest values.",
    invoke_without_command=True,
    no_args_is_help=False,
)

LIST_SQL = """
with latest as (
    select indicator_id, max(period) as latest_period
    from indicator_values
    group by indicator_id
),

regions as (
    select
        indicator_id,
        count(distinct region_code) as region_count,
        list(distinct region_code order by region_code) as region_codes
    from indicator_values
    group by indicator_id
)

select
    catalog.indicator_id,
    catalog.title_en,
    catalog.action_point,
    catalog.unit,
    latest.latest_period,
    coalesce(regions.region_count, 0) as region_count,
    coalesce(regions.region_codes, []) as region_codes
from indicator_catalog as catalog
left join latest on latest.indicator_id = catalog.indicator_id
left join regions on regions.indicator_id = catalog.indicator_id
order by catalog.action_point, catalog.indicator_id
"""

LATEST_VALUES_SQL = """
select
    region_code, region_name, period, sex, education_level, institution, value, unit,
    suppressed_cell_count
from indicator_values
where indicator_id = $id
  and period = (select max(period) from indicator_values where indicator_id = $id)
order by
    case region_level
        when 'land' then 0 when 'landsdeel' then 1 when 'provincie' then 2
        when 'corop' then 3 else 4
    end,
    region_code,
    sex,
    education_level,
    institution
"""


def _connect(settings: Settings) -> duckdb.DuckDBPyConnection:
    if not settings.published_path.exists():
        raise fail(f"nothing is published in {settings.data_dir} yet; run `techpact run --offline`")
    return duckdb.connect(str(settings.published_path), read_only=True)


def _is_sample_data(con: duckdb.DuckDBPyConnection) -> bool:
    [(is_sample_data,)] = con.execute("select is_sample_data from snapshot_info").fetchall()
    return bool(is_sample_data)


def _say_if_sample(is_sample_data: bool) -> None:
    """Put the published snapshot's 'generated sample data' label before its numbers."""
    if is_sample_data:
        console.print(
            "GENERATED SAMPLE DATA (snapshot_info.is_sample_data): not official figures.",
            style="bold yellow",
            highlight=False,
        )


@indicators_app.callback()
def indicators(
    ctx: typer.Context,
    data_dir: DataDir = DEFAULT_DATA_DIR,
    verbose: Verbose = False,
    as_json: AsJson = False,
) -> None:
    """List indicators: id, action point, title, latest period, number of regions
    (--json: with the unit and the region codes)."""
    if ctx.invoked_subcommand is not None:
        return
    with _connect(Settings.from_paths(data_dir)) as con:
        cursor = con.execute(LIST_SQL)
        columns = [d[0] for d in cursor.description or ()]
        rows = [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]
        is_sample_data = _is_sample_data(con)
        gaps = _gaps(con)
    if as_json:
        typer.echo(
            json.dumps(
                {"is_sample_data": is_sample_data, "indicators": rows, "gaps": gaps}, indent=2
            )
        )
        return
    _say_if_sample(is_sample_data)
    table = Table(title="Published indicators", box=box.SIMPLE_HEAD)
    # Whole ids (they are what `indicators show` takes); the title gives way when narrow.
    id_width = max(len(r["indicator_id"]) for r in rows)
    table.add_column("id", no_wrap=True, min_width=id_width)
    table.add_column("ap", no_wrap=True, justify="right")
    # The other columns and the cell padding take 30 characters.
    title_width = max(12, console.width - id_width - 30)
    table.add_column("title", no_wrap=True, overflow="ellipsis", max_width=title_width)
    table.add_column("latest", no_wrap=True, min_width=7)
    table.add_column("regions", no_wrap=True, justify="right", min_width=7)
    for row in rows:
        table.add_row(
            Text(row["indicator_id"]),
            str(row["action_point"]),
            Text(row["title_en"]),
            row["latest_period"] or "-",
            str(row["region_count"]),
        )
    console.print(table)
    _print_gaps(gaps)
    console.print(
        "ap: pact action point. An indicator's definition, unit and latest values: "
        "techpact indicators show ID.",
        highlight=False,
        soft_wrap=True,
    )


def _gaps(con: duckdb.DuckDBPyConnection) -> list[dict[str, object]]:
    """The published gaps (none in a snapshot from before there were any)."""
    tables = {name for (name,) in con.execute("select table_name from duckdb_tables()").fetchall()}
    if "indicator_gaps" not in tables:
        return []
    cursor = con.execute(
        "select indicator_id, action_point, title_en, why, nearest_source from indicator_gaps "
        "order by action_point, indicator_id"
    )
    columns = [d[0] for d in cursor.description or ()]
    return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]


def _print_gaps(gaps: list[dict[str, object]]) -> None:
    """The indicators the pact asks for that no open source publishes, one line each."""
    if not gaps:
        return
    console.print(
        "Gaps (no open source per region; why: --json or the dashboard):",
        style="bold",
        highlight=False,
    )
    for gap in gaps:
        console.print(Text(f"  ap {gap['action_point']}  {gap['title_en']}"), soft_wrap=True)


@indicators_app.command("show")
def show(
    indicator_id: Annotated[str, typer.Argument(help="Indicator id, as in the list.")],
    data_dir: DataDir = DEFAULT_DATA_DIR,
    verbose: Verbose = False,
    as_json: AsJson = False,
) -> None:
    """Print an indicator's definition and its latest values (--json: as JSON)."""
    with _connect(Settings.from_paths(data_dir)) as con:
        # select *: a file published by an older version lacks the newer catalog columns.
        cursor = con.execute(
            "select * from indicator_catalog where indicator_id = $id", {"id": indicator_id}
        )
        row = cursor.fetchone()
        columns = [d[0] for d in cursor.description or ()]
        if row is None:
            known = [
                r[0] for r in con.execute("select indicator_id from indicator_catalog").fetchall()
            ]
            raise fail(f"unknown indicator {indicator_id!r}; known: {', '.join(known)}")
        cursor = con.execute(LATEST_VALUES_SQL, {"id": indicator_id})
        value_columns = [d[0] for d in cursor.description or ()]
        values = cursor.fetchall()
        is_sample_data = _is_sample_data(con)
        entry = dict(zip(columns, row, strict=True))
    if as_json:
        latest = [dict(zip(value_columns, v, strict=True)) for v in values]
        payload = {"is_sample_data": is_sample_data, **entry, "latest_values": latest}
        typer.echo(json.dumps(payload, indent=2, default=str))
        return
    _say_if_sample(is_sample_data)
    console.print(
        f"[bold]{indicator_id}[/]: {entry['title_en']} ({entry['title_nl']})", highlight=False
    )
    console.print(entry["definition"], highlight=False)
    target = (
        f" Pact target: {entry['target_value']:g} in {entry['target_year']}."
        if entry["target_value"] is not None
        else ""
    )
    console.print(
        f"Unit: {entry['unit']}. Action point {entry['action_point']}. Source: "
        f"{entry['source']} {entry['source_dataset']}, counted by "
        f"{entry['counted_by'].replace('_', ' ')}.{target}",
        highlight=False,
    )
    if entry.get("region_levels"):
        breakdowns = entry["breakdowns"] or "none"
        console.print(
            f"Grain: {entry['region_levels']} x {entry['period_type']}; breakdowns: "
            f"{breakdowns}. Computed by transforms/models/{entry['model']}.sql.",
            highlight=False,
        )
    from techpact.warehouse.dashboard import format_value  # as the dashboard shows values

    table = Table(title="Latest values")
    for column in ("region", "period", "breakdown", "value", "suppressed cells"):
        table.add_column(column)
    for code, name, period, *breakdowns, value, value_unit, suppressed in values:
        broken_down = [b for b in breakdowns if b != "total"]
        table.add_row(
            f"{name} ({code})",
            period,
            ", ".join(broken_down) or "total",
            format_value(value, value_unit),
            str(suppressed),
        )
    console.print(table)
