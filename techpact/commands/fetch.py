"""`techpact fetch`: download source tables into the landing zone."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from techpact.commands.common import (
    DEFAULT_DATA_DIR,
    DataDir,
    Source,
    Verbose,
    console,
    err_console,
    fail,
    settings_for,
)
from techpact.config import Settings
from techpact.sources.cbs import AnySpec, CbsFetchError, TableFetch, fetch_table
from techpact.sources.cbs_tables import CbsTables, CbsTablesError, load_cbs_tables
from techpact.sources.ckan import DuoDatasetsError, ResourceFetch, fetch_duo, load_duo_datasets
from techpact.sources.http import FetchError, make_session
from techpact.sources.landing import LandingError, LandingZone


def fetch(
    source: Annotated[Source, typer.Option("--source", help="Source to fetch.")],
    table: Annotated[
        list[str] | None,
        typer.Option(
            "--table",
            metavar="ID",
            help="CBS: only this table id (repeatable; ids in sources/cbs_tables.toml); "
            "default: all.",
        ),
    ] = None,
    dataset: Annotated[
        list[str] | None,
        typer.Option(
            "--dataset",
            metavar="ID",
            help="DUO: only this dataset id (repeatable; ids in sources/duo_datasets.toml); "
            "default: all.",
        ),
    ] = None,
    force: Annotated[
        bool,
        typer.Option(
            "--force",
            help="Download data even when it looks unchanged (a CBS table's Modified, a DUO "
            "file's portal metadata or legacy URL).",
        ),
    ] = False,
    data_dir: DataDir = DEFAULT_DATA_DIR,
    verbose: Verbose = False,
) -> None:
    """Download CBS StatLine tables or DUO files into the landing zone.

    CBS (sources/cbs_tables.toml): each table's responses land unchanged with their manifests,
    then a fetch-batch marker; a table whose TableInfos.Modified equals the landed one is
    reported "unchanged" and no data is downloaded. DUO (sources/duo_datasets.toml): the portal's
    package_show lists each dataset's files; only files whose last_modified/hash changed are
    downloaded, then parsed before they land. Servers: TECHPACT_CBS_BASE_URL (OData v3),
    TECHPACT_CBS_V4_BASE_URL (OData v4) and TECHPACT_DUO_BASE_URL (defaults: the public
    addresses); TECHPACT_CBS_TABLES: another cbs_tables.toml.
    """
    settings = settings_for(data_dir)
    if source is Source.duo:
        if table:
            raise fail("DUO datasets are chosen with --dataset ID (--table is for CBS)", code=2)
        _fetch_duo(settings, dataset, force=force)
        return
    if dataset:
        raise fail("CBS tables are chosen with --table ID (--dataset is for DUO)", code=2)
    try:
        tables = load_cbs_tables(settings.cbs_tables_path)
        specs = [tables.get(t) for t in dict.fromkeys(table)] if table else list(tables.table)
    except CbsTablesError as exc:
        raise fail(str(exc)) from None
    except KeyError as exc:
        known = ", ".join(t.id for t in tables.table)
        raise fail(f"table {exc.args[0]} is not in cbs_tables.toml ({known})", code=2) from None
    zone = LandingZone(settings.landing_dir)
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=err_console, transient=True) as progress:
        bar = progress.add_task("CBS tables", total=len(specs))

        def fetch_one(spec: AnySpec) -> TableFetch | str:
            """One table's outcome, or the message of its failure."""
            progress.update(bar, description=f"fetch cbs {spec.id}")
            try:
                return fetch_table(
                    make_session(settings.http),  # a session per thread
                    spec,
                    zone,
                    base_url=settings.cbs_base_url,
                    v4_base_url=settings.cbs_v4_base_url,
                    http=settings.http,
                    force=force,
                    progress=lambda step: progress.update(bar, description=step),
                    pact_regions=settings.pact_regions,
                    tables=tables,
                )
            except (CbsFetchError, LandingError) as exc:
                return str(exc)
            finally:
                progress.advance(bar)

        # The region table first: the data tables' regions are resolved against it.
        first, rest = region_table_first(specs, tables)
        results = [fetch_one(spec) for spec in first]
        with ThreadPoolExecutor(max_workers=settings.http.max_fetches_per_host) as pool:
            results += pool.map(fetch_one, rest)
    outcomes = [r for r in results if isinstance(r, TableFetch)]
    failures = [r for r in results if isinstance(r, str)]
    _print_outcomes(outcomes)
    for message in failures:
        err_console.print(f"[bold red]failed:[/] {message}", highlight=False, soft_wrap=True)
    console.print(f"Landing zone: {settings.landing_dir}")
    if failures:
        raise typer.Exit(1)


def _fetch_duo(settings: Settings, datasets: list[str] | None, *, force: bool = False) -> None:
    try:
        config = load_duo_datasets()
    except DuoDatasetsError as exc:
        raise fail(str(exc)) from None
    known = {d.id for d in config.dataset} | {legacy.dataset for legacy in config.legacy}
    unknown = sorted(set(datasets or ()) - known)
    if unknown:
        raise fail(f"dataset(s) {unknown} not in duo_datasets.toml ({sorted(known)})", code=2)
    with Progress(TextColumn("{task.description}"), console=err_console, transient=True) as bar:
        step = bar.add_task("DUO")
        ids = list(dict.fromkeys(datasets)) if datasets else config.dataset_ids
        with ThreadPoolExecutor(max_workers=settings.http.max_fetches_per_host) as pool:
            futures = [
                pool.submit(
                    fetch_duo,
                    settings,
                    datasets=config,
                    only={dataset_id},
                    progress=lambda text: bar.update(step, description=text),
                    force=force,
                )
                for dataset_id in ids
            ]
    outcomes: list[ResourceFetch] = []
    unlisted: list[str] = []  # datasets whose package_show failed: every other one is reported
    for future in futures:
        try:
            outcomes += future.result()
        except FetchError as exc:
            unlisted.append(str(exc))
    table = Table(title="DUO files")
    for column in ("dataset", "file", "status", "note"):
        table.add_column(column)
    for o in outcomes:
        note = "see below" if o.status == "failed" else o.message or ""
        table.add_row(o.dataset, Text(o.file_name), o.status, Text(note))
    console.print(table)
    failed = [o for o in outcomes if o.status == "failed"]
    for o in failed:  # one line each, whole: a table cell would wrap the message
        err_console.print(
            f"[bold red]failed:[/] DUO {o.dataset} {o.file_name} ({o.url}): {o.message}",
            highlight=False,
            soft_wrap=True,
        )
    for message in unlisted:
        err_console.print(f"[bold red]failed:[/] {message}", highlight=False, soft_wrap=True)
    console.print(f"Landing zone: {settings.landing_dir}")
    if failed or unlisted:
        raise typer.Exit(1)


def region_table_first(
    specs: list[AnySpec], tables: CbsTables
) -> tuple[list[AnySpec], list[AnySpec]]:
    """(the region table, if asked for; the other tables), in the order asked."""
    region_id = tables.region_table.id.lower() if tables.region_table else None
    first = [spec for spec in specs if spec.id.lower() == region_id]
    return first, [spec for spec in specs if spec not in first]


def _print_outcomes(outcomes: list[TableFetch]) -> None:
    if not outcomes:
        return
    table = Table(title="CBS tables")
    for column in ("table", "status", "Modified", "pages", "rows"):
        table.add_column(column)
    for o in outcomes:
        pages, rows = (str(o.page_count), str(o.row_count)) if o.status == "fetched" else ("", "")
        table.add_row(o.table_id, o.status, o.modified, pages, rows)
    console.print(table)
