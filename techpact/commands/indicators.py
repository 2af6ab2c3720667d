"""`techpact indicators`: what is published, and what each indicator means."""

from __future__ import annotations

from typing import Annotated

import duckdb
import typer
from rich.table import Table

from techpact.commands.common import DEFAULT_DATA_DIR, DataDir, Verbose, console, fail
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
)

select
    catalog.indicator_id,
    catalog.title_en,
    catalog.action_point,
    catalog.unit,
    latest.latest_period,
    (
        select string_agg(distinct v.region_code, ', ' order by v.region_code)
        from indicator_values as v
        where v.indicator_id = catalog.indicator_id
    ) as regions
from indicator_catalog as catalog
left join latest on latest.indicator_id = catalog.indicator_id
order by catalog.action_point, catalog.indicator_id
"""

LATEST_VALUES_SQL = """
select region_code, region_name, period, sex, value, unit, suppressed_cell_count
from indicator_values
where indicator_id = $id
  and period = (select max(period) from indicator_values where indicator_id = $id)
order by
    case region_level
        when 'land' then 0 when 'landsdeel' then 1 when 'provincie' then 2
        when 'corop' then 3 else 4
    end,
    region_code,
    sex
"""


def _connect(settings: Settings) -> duckdb.DuckDBPyConnection:
    if not settings.published_path.exists():
        raise fail(f"nothing is published in {settings.data_dir} yet; run `techpact run --offline`")
    return duckdb.connect(str(settings.published_path), read_only=True)


def _say_if_sample(con: duckdb.DuckDBPyConnection) -> None:
    """Put the published snapshot's 'generated sample data' label before its numbers."""
    [(is_sample_data,)] = con.execute("select is_sample_data from snapshot_info").fetchall()
    if is_sample_data:
        console.print(
            "GENERATED SAMPLE DATA (snapshot_info.is_sample_data): not official figures.",
            style="bold yellow",
            highlight=False,
        )


@indicators_app.callback()
def indicators(ctx: typer.Context, data_dir: DataDir = DEFAULT_DATA_DIR) -> None:
    """List indicators: id, title, action point, latest period, regions."""
    if ctx.invoked_subcommand is not None:
        return
    with _connect(Settings.from_paths(data_dir)) as con:
        rows = con.execute(LIST_SQL).fetchall()
        _say_if_sample(con)
    table = Table(title="Published indicators")
    table.add_column("id", no_wrap=True)
    for column in ("title", "action point", "unit", "latest period", "regions"):
        table.add_column(column, overflow="fold")
    for indicator_id, title, action_point, unit, latest, regions in rows:
        table.add_row(indicator_id, title, str(action_point), unit, latest or "-", regions or "")
    console.print(table)


@indicators_app.command("show")
def show(
    indicator_id: Annotated[str, typer.Argument(help="Indicator id, as in the list.")],
    data_dir: DataDir = DEFAULT_DATA_DIR,
    verbose: Verbose = False,
) -> None:
    """Print an indicator's definition and its latest values."""
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
        values = con.execute(LATEST_VALUES_SQL, {"id": indicator_id}).fetchall()
        _say_if_sample(con)
        entry = dict(zip(columns, row, strict=True))
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
    table = Table(title="Latest values")
    for column in ("region", "period", "sex", "value", "suppressed cells"):
        table.add_column(column)
    for code, name, period, sex, value, value_unit, suppressed in values:
        shown = f"{value:.1%}" if value_unit == "fraction" else f"{value:,.0f}"
        table.add_row(f"{name} ({code})", period, sex, shown, str(suppressed))
    console.print(table)
