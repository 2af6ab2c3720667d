"""What every command shares: the data-directory option, consoles, settings, errors."""

from __future__ import annotations

import os
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from techpact.config import Settings
from techpact.console_log import configure_console_logging
from techpact.runtime import configure_environment

console = Console()
err_console = Console(stderr=True)

# Where a --data-dir given before the command (`techpact --data-dir D run`) is kept for it.
_DATA_DIR_KEY = "techpact.data_dir"


def _data_dir_option(ctx: typer.Context, param: typer.CallbackParam, value: Path) -> Path:
    """``--data-dir`` in any position: given here, it wins and holds for the subcommands;
    otherwise the one given before the command, else TECHPACT_DATA_DIR, else ``data``."""
    source = ctx.get_parameter_source(param.name or "data_dir")
    if source is not None and source.name == "COMMANDLINE":  # typer vendors its own click
        ctx.meta[_DATA_DIR_KEY] = value
        return value
    return ctx.meta.get(_DATA_DIR_KEY, value)


def _verbose_option(value: bool) -> bool:
    if value:
        configure_console_logging(verbose=True)
    return value


DataDir = Annotated[
    Path,
    typer.Option(
        "--data-dir",
        envvar="TECHPACT_DATA_DIR",
        help="Data directory: landing zone, snapshots, published file, run records.",
        show_default=True,
        callback=_data_dir_option,
    ),
]
DEFAULT_DATA_DIR = Path("data")
# -v works before the command and after it (`techpact -v run`, `techpact run -v`).
Verbose = Annotated[
    bool,
    typer.Option("--verbose", "-v", help="Log debug detail.", callback=_verbose_option),
]
AsJson = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]


def settings_for(data_dir: Path, landing_dir: Path | None = None) -> Settings:
    """The configuration object of one command, with the process environment set up."""
    try:
        settings = Settings.from_paths(
            data_dir,
            landing_dir,
            cbs_base_url=os.environ.get("TECHPACT_CBS_BASE_URL"),
            cbs_v4_base_url=os.environ.get("TECHPACT_CBS_V4_BASE_URL"),
            cbs_tables_path=_path(os.environ.get("TECHPACT_CBS_TABLES")),
            duo_base_url=os.environ.get("TECHPACT_DUO_BASE_URL"),
            duo_legacy_base_url=os.environ.get("TECHPACT_DUO_LEGACY_BASE_URL"),
            pact_regions=_split(os.environ.get("TECHPACT_PACT_REGIONS")),
        )
    except ValueError as exc:  # a TECHPACT_HTTP_* value that is not a number
        raise fail(str(exc), code=2) from None
    configure_environment(settings)
    return settings


def _path(value: str | None) -> Path | None:
    return Path(value) if value else None


def _split(value: str | None) -> tuple[str, ...] | None:
    parts = tuple(part.strip() for part in (value or "").split(",") if part.strip())
    return parts or None


def fail(message: str, code: int = 1) -> typer.Exit:
    """Print an error and return the Exit to raise (1: failed, 2: wrong usage)."""
    err_console.print(f"[bold red]error:[/] {message}", highlight=False, soft_wrap=True)
    return typer.Exit(code)


class Source(StrEnum):
    """The public sources techpact fetches."""

    cbs = "cbs"
    duo = "duo"
