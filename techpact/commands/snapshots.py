"""`techpact snapshots`: list and inspect published snapshots."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from techpact.commands.common import DEFAULT_DATA_DIR, DataDir, console
from techpact.config import Settings
from techpact.warehouse.snapshots import SnapshotStore

snapshots_app = typer.Typer(
    help="List the published snapshots (the default) and inspect them.",
    invoke_without_command=True,
    no_args_is_help=False,
)


@snapshots_app.callback()
def snapshots(
    ctx: typer.Context,
    data_dir: DataDir = DEFAULT_DATA_DIR,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
) -> None:
    """List snapshots: id, created, rows, quality status, sample or official data."""
    if ctx.invoked_subcommand is not None:
        ctx.obj = data_dir
        return
    _list_snapshots(data_dir, as_json)


@snapshots_app.command("list")
def snapshots_list(
    data_dir: DataDir = DEFAULT_DATA_DIR,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
) -> None:
    """List snapshots: id, created, rows, quality status, sample or official data."""
    _list_snapshots(data_dir, as_json)


def _list_snapshots(data_dir: Path, as_json: bool) -> None:
    settings = Settings.from_paths(data_dir)
    store = SnapshotStore(settings)
    records = store.list()
    published = store.published_id()
    if as_json:
        payload = [{**r.__dict__, "is_published": r.snapshot_id == published} for r in records]
        typer.echo(json.dumps(payload, indent=2))
        return
    if not records:
        console.print(f"No snapshots in {settings.snapshots_dir} yet. Run `techpact run`.")
        return
    table = Table(title=f"Snapshots in {settings.snapshots_dir}")
    for column in ("snapshot", "created (UTC)", "rows", "quality", "data", "published"):
        table.add_column(column)
    for r in records:
        table.add_row(
            r.snapshot_id,
            r.created_at,
            str(r.row_count),
            r.quality_status,
            "SAMPLE (generated)" if r.is_sample_data else "official",
            "← published" if r.snapshot_id == published else "",
        )
    console.print(table)
    console.print(f"Published file: {settings.published_path}")
