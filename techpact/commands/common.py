"""What every command shares: the data-directory option, consoles, settings, errors."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from techpact.config import Settings
from techpact.runtime import configure_environment

console = Console()
err_console = Console(stderr=True)

DataDir = Annotated[
    Path,
    typer.Option(
        "--data-dir",
        envvar="TECHPACT_DATA_DIR",
        help="Data directory: landing zone, snapshots, published file, run records.",
        show_default=True,
    ),
]
DEFAULT_DATA_DIR = Path("data")


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
