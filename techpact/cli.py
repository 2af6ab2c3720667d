"""The ``techpact`` command line: one app, commands from ``techpact.commands``."""

from __future__ import annotations

import logging
from typing import Annotated

import typer

from techpact.commands.dashboard import dashboard
from techpact.commands.fetch import fetch
from techpact.commands.indicators import indicators_app
from techpact.commands.land import land_file
from techpact.commands.quality import quality
from techpact.commands.run import run
from techpact.commands.serve import serve
from techpact.commands.snapshots import snapshots_app

app = typer.Typer(
    name="techpact",
    help=(
        "Keep a warehouse of Techniekpact indicators built from public CBS and DUO data.\n\n"
        "Raw files land unchanged in a landing zone; runs build indicator tables in DuckDB, "
        "check them with Great Expectations, and publish an immutable snapshot to one stable "
        "file that BI tools open read-only."
    ),
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode="rich",
)


@app.callback()
def main(
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Log debug detail.")] = False,
) -> None:
    logging.basicConfig(
        level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    logging.getLogger("techpact").setLevel(logging.DEBUG if verbose else logging.INFO)


app.command("run")(run)
app.command("land-file")(land_file)
app.command("fetch")(fetch)
app.command("serve")(serve)
app.command("quality")(quality)
app.command("dashboard")(dashboard)
app.add_typer(snapshots_app, name="snapshots")
app.add_typer(indicators_app, name="indicators")
