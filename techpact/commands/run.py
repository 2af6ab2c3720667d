"""`techpact run`: build, validate and publish a snapshot."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table
from rich.text import Text

from techpact.commands.common import (
    DEFAULT_DATA_DIR,
    DataDir,
    console,
    err_console,
    fail,
    settings_for,
)
from techpact.expectations.gate import CheckResult
from techpact.sources.errors import SourceFormatError
from techpact.sources.landing import LandingError, LandingZone
from techpact.transforms.catalog import CatalogError, load_catalog
from techpact.warehouse.build import BuildError, check_landing_zone


def run(
    data_dir: DataDir = DEFAULT_DATA_DIR,
    offline: Annotated[
        bool,
        typer.Option("--offline", help="Build only from what is in the landing zone (no fetch)."),
    ] = False,
    landing_dir: Annotated[
        Path | None,
        typer.Option(
            "--landing-dir",
            help="Read this landing zone instead of DATA_DIR/landing (e.g. sample/landing).",
            exists=True,
            file_okay=False,
        ),
    ] = None,
) -> None:
    """Build, validate and publish a snapshot of the warehouse.

    Stages the landed files into DuckDB, computes every indicator in the catalog, runs the
    quality gate, and publishes a new snapshot only when no critical check failed.
    """
    if not offline:
        raise fail(
            "fetching from CBS and DUO is not part of this version yet; land files with "
            "`techpact land-file` and run with --offline",
            code=2,
        )
    settings = settings_for(data_dir, landing_dir)
    try:  # fail fast, before Prefect starts, when the landing zone cannot be built at all
        check_landing_zone(LandingZone(settings.landing_dir), load_catalog())
    except (BuildError, LandingError, CatalogError) as exc:
        raise fail(str(exc)) from None
    from techpact.flows.build import QualityGateBlocked, build_and_publish

    console.print(
        f"Building from [bold]{settings.landing_dir}[/] (Prefect starts a temporary local "
        "server: the first run on a machine takes 15-30 s longer)…"
    )
    try:
        outcome = build_and_publish(
            data_dir=str(settings.data_dir), landing_dir=str(settings.landing_dir)
        )
    except QualityGateBlocked as blocked:
        _print_quality(blocked.report.results, only_failures=True)
        if blocked.data_docs is not None:
            err_console.print(f"Quality report: {blocked.data_docs.as_uri()}", highlight=False)
        raise fail(
            f"{blocked}. Nothing was published; the run record is "
            f"{settings.runs_dir / (blocked.run_id + '.json')}"
        ) from None
    except (BuildError, SourceFormatError, LandingError, CatalogError) as exc:
        raise fail(str(exc)) from None

    record = outcome.snapshot
    console.print(
        f"[bold green]Published[/] snapshot [bold]{record.snapshot_id}[/]: "
        f"{record.row_count} indicator rows, quality {record.quality_status}."
    )
    if record.is_sample_data:
        console.print(
            "[bold yellow]This snapshot holds GENERATED SAMPLE DATA, not official figures[/] "
            "(snapshot_info.is_sample_data = true)."
        )
    console.print(f"Published warehouse (open read-only in BI tools): {outcome.published_path}")
    console.print(f"Quality report: {outcome.data_docs.as_uri()}", highlight=False)
    console.print(
        f"Snapshots: {settings.snapshots_dir}  (list them with "
        f"`techpact snapshots --data-dir {data_dir}`)"
    )


def _print_quality(results: tuple[CheckResult, ...], *, only_failures: bool) -> None:
    table = Table(title="Failed quality checks" if only_failures else "Quality checks")
    for column in ("check", "severity", "rows", "failing keys (sample)"):
        table.add_column(column, overflow="fold")
    for r in results:
        if only_failures and r.success:
            continue
        keys = "; ".join(json.dumps(k, ensure_ascii=False) for k in r.failing_keys[:5])
        # Failing keys are data: Text() keeps rich from reading them as markup.
        table.add_row(Text(r.name), Text(r.severity), Text(str(r.unexpected_count)), Text(keys))
    err_console.print(table)
