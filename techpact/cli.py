"""The ``techpact`` command line."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from techpact.config import Settings
from techpact.runtime import configure_environment
from techpact.sources import duo
from techpact.sources.errors import SourceFormatError
from techpact.sources.landing import LandingError, LandingZone
from techpact.transforms.catalog import CatalogError, load_catalog
from techpact.warehouse.build import BuildError, select_source_files
from techpact.warehouse.snapshots import SnapshotStore

console = Console()
err_console = Console(stderr=True)

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
snapshots_app = typer.Typer(
    help="List the published snapshots (the default) and inspect them.",
    invoke_without_command=True,
    no_args_is_help=False,
)
app.add_typer(snapshots_app, name="snapshots")

DataDir = Annotated[
    Path,
    typer.Option(
        "--data-dir",
        envvar="TECHPACT_DATA_DIR",
        help="Data directory: landing zone, snapshots, published file, run records.",
        show_default=True,
    ),
]
DUO_DATASETS = sorted({layout.dataset for layout in duo.LAYOUTS})


def _settings(data_dir: Path, landing_dir: Path | None = None) -> Settings:
    settings = Settings.from_paths(data_dir, landing_dir)
    configure_environment(settings)
    return settings


def _fail(message: str, code: int = 1) -> typer.Exit:
    err_console.print(f"[bold red]error:[/] {message}", highlight=False, soft_wrap=True)
    return typer.Exit(code)


@app.callback()
def main(
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Log debug detail.")] = False,
) -> None:
    logging.basicConfig(
        level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    logging.getLogger("techpact").setLevel(logging.DEBUG if verbose else logging.INFO)


@app.command()
def run(
    data_dir: DataDir = Path("data"),
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
        raise _fail(
            "fetching from CBS and DUO is not part of this version yet; land files with "
            "`techpact land-file` and run with --offline",
            code=2,
        )
    settings = _settings(data_dir, landing_dir)
    try:  # fail fast, before Prefect starts, when the landing zone cannot be built at all
        select_source_files(LandingZone(settings.landing_dir), load_catalog())
    except (BuildError, LandingError, CatalogError) as exc:
        raise _fail(str(exc)) from None
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
        raise _fail(
            f"{blocked}. Nothing was published; the run record is "
            f"{settings.runs_dir / (blocked.run_id + '.json')}"
        ) from None
    except (BuildError, SourceFormatError, LandingError, CatalogError) as exc:
        raise _fail(str(exc)) from None

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
    console.print(
        f"Snapshots: {settings.snapshots_dir}  (list them with "
        f"`techpact snapshots --data-dir {data_dir}`)"
    )


@app.command("land-file")
def land_file(
    path: Annotated[
        Path,
        typer.Argument(help="A file downloaded by hand.", exists=True, dir_okay=False),
    ],
    source: Annotated[str, typer.Option("--source", help="Source: duo.")],
    dataset: Annotated[
        str,
        typer.Option("--dataset", help=f"Dataset id, one of: {', '.join(DUO_DATASETS)}."),
    ],
    url: Annotated[
        str | None, typer.Option("--url", help="Where the file was downloaded from.")
    ] = None,
    data_dir: DataDir = Path("data"),
) -> None:
    """Copy a downloaded file into the landing zone, unchanged, with its manifest.

    The file is parsed first: its layout is recognised from the header, and a file that does
    not parse is refused with the file, line and column named.
    """
    settings = _settings(data_dir)
    if source != "duo":
        raise _fail(f"unknown source {source!r}; land-file supports: duo", code=2)
    data = path.read_bytes()
    try:
        parsed = duo.parse_current_csv(data, path.name)
    except SourceFormatError as exc:
        raise _fail(str(exc)) from None
    if parsed.layout.dataset != dataset:
        raise _fail(
            f"{path.name} is a {parsed.layout.resource} file, which belongs to dataset "
            f"{parsed.layout.dataset}, not {dataset}",
            code=2,
        )
    try:
        landed, is_new = LandingZone(settings.landing_dir).land_bytes(
            data,
            source=source,
            dataset=dataset,
            resource=parsed.layout.resource,
            file_name=path.name,
            media_type="text/csv",
            original_url=url,
            note="landed by hand with `techpact land-file`",
        )
    except LandingError as exc:
        raise _fail(str(exc)) from None
    verb = "Landed" if is_new else "Already landed (same sha256)"
    console.print(
        f"{verb}: {landed.path} ({parsed.layout.resource}, {len(parsed.rows)} rows, "
        f"{int(parsed.rows['is_suppressed'].sum())} suppressed cells, "
        f"sha256 {landed.manifest.sha256[:12]}…)"
    )


@snapshots_app.callback()
def snapshots(
    ctx: typer.Context,
    data_dir: DataDir = Path("data"),
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
) -> None:
    """List snapshots: id, created, rows, quality status, sample or official data."""
    if ctx.invoked_subcommand is not None:
        ctx.obj = data_dir
        return
    _list_snapshots(data_dir, as_json)


@snapshots_app.command("list")
def snapshots_list(
    data_dir: DataDir = Path("data"),
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


def _print_quality(results: object, *, only_failures: bool) -> None:
    table = Table(title="Failed quality checks" if only_failures else "Quality checks")
    for column in ("check", "severity", "rows", "failing keys (sample)"):
        table.add_column(column, overflow="fold")
    for r in results:  # type: ignore[attr-defined]
        if only_failures and r.success:
            continue
        keys = "; ".join(json.dumps(k, ensure_ascii=False) for k in r.failing_keys[:5])
        table.add_row(r.name, r.severity, str(r.unexpected_count), keys)
    err_console.print(table)
