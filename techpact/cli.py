"""The ``techpact`` command line: one app, commands from ``techpact.commands``."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version
from typing import Annotated

import typer

from techpact.commands.common import DEFAULT_DATA_DIR, DataDir, Verbose
from techpact.commands.dashboard import dashboard
from techpact.commands.fetch import fetch
from techpact.commands.indicators import indicators_app
from techpact.commands.land import land_file
from techpact.commands.quality import quality
from techpact.commands.run import run
from techpact.commands.serve import serve
from techpact.commands.snapshots import snapshots_app
from techpact.console_log import configure_console_logging

app = typer.Typer(
    name="techpact",
    help=(
        "Keep a warehouse of Techniekpact indicators built from public CBS and DUO data.\n\n"
        "Raw files land unchanged in a landing zone; runs build indicator tables in DuckDB, "
        "check them with Great Expectations, and publish an immutable snapshot to one stable "
        "file that BI tools open read-only."
    ),
    no_args_is_help=True,
    rich_markup_mode="rich",
    context_settings={"help_option_names": ["-h", "--help"]},
)


def installed_version() -> str:
    try:
        return version("techpact")
    except PackageNotFoundError:  # run from a checkout that was never installed
        return "unknown (not installed)"


def _print_version(value: bool) -> None:
    if value:
        typer.echo(f"techpact {installed_version()}")
        raise typer.Exit()


@app.callback()
def main(
    verbose: Verbose = False,
    data_dir: DataDir = DEFAULT_DATA_DIR,
    show_version: Annotated[
        bool,
        typer.Option(
            "--version",
            help="Print the version and exit.",
            callback=_print_version,
            is_eager=True,
        ),
    ] = False,
) -> None:
    configure_console_logging(verbose=verbose)


app.command("run")(run)
app.command("land-file")(land_file)
app.command("fetch")(fetch)
app.command("serve")(serve)
app.command("quality")(quality)
app.command("dashboard")(dashboard)
app.add_typer(snapshots_app, name="snapshots")
app.add_typer(indicators_app, name="indicators")
