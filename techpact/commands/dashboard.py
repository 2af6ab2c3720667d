"""`techpact dashboard`: write the static HTML dashboard of the published snapshot."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import duckdb
import typer
from rich.text import Text

from techpact.commands.common import DEFAULT_DATA_DIR, DataDir, Verbose, console, fail, settings_for
from techpact.config import Settings
from techpact.warehouse.dashboard import DashboardError, write_dashboard
from techpact.warehouse.lock import LockTimeout
from techpact.warehouse.snapshots import SnapshotStore


def dashboard(
    data_dir: DataDir = DEFAULT_DATA_DIR,
    verbose: Verbose = False,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            help="Write the site into this folder (replaced whole; it must be new, empty or a "
            "dashboard already). Default: DATA_DIR/published/dashboard.",
            file_okay=False,
        ),
    ] = None,
) -> None:
    """Write the dashboard: a static HTML site of the published snapshot, no network needed.

    An overview (snapshot, quality status, whether it is GENERATED SAMPLE DATA), one page per
    pact action point with each indicator's trend for the pact regions (TECHPACT_PACT_REGIONS)
    against Nederland, its definition, unit and source and its latest value per gemeente, and
    a quality page. Publishing and rollback refresh the default folder by themselves; this
    command rewrites it (or writes a copy elsewhere with --out). Open index.html in a browser.
    """
    settings = settings_for(data_dir)
    out_dir = (out or settings.dashboard_dir).resolve()
    try:
        index = _write(settings, out_dir)
    except (DashboardError, LockTimeout, duckdb.Error, OSError) as exc:
        raise fail(f"the dashboard was not written: {exc}") from None
    console.print(Text(f"Dashboard: {index.as_uri()}"), soft_wrap=True)


def _write(settings: Settings, out_dir: Path) -> Path:
    """Write the site; the default folder under the publish lock, like a publish does."""
    if out_dir != settings.dashboard_dir:
        return _write_dashboard(settings, out_dir)
    with SnapshotStore(settings).publish_lock("writing the dashboard"):
        return _write_dashboard(settings, out_dir)


def _write_dashboard(settings: Settings, out_dir: Path) -> Path:
    return write_dashboard(
        settings.published_path,
        out_dir,
        pact_regions=settings.pact_regions,
        runs_dir=settings.runs_dir,
    )
