"""`techpact snapshots`: list, inspect, compare, roll back, prune and export snapshots."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.table import Table

from techpact.commands.common import DEFAULT_DATA_DIR, AsJson, DataDir, Verbose, console, fail
from techpact.config import Settings
from techpact.warehouse.lock import LockTimeout
from techpact.warehouse.snapshots import SnapshotError, SnapshotStore

if TYPE_CHECKING:
    from techpact.warehouse.retention import PrunePlan, RetentionPlan

snapshots_app = typer.Typer(
    help="List the published snapshots (the default) and inspect them.",
    invoke_without_command=True,
    no_args_is_help=False,
)

SnapshotId = Annotated[
    str,
    typer.Argument(
        help="Snapshot id, as `techpact snapshots` lists it, or `published` or `latest`."
    ),
]


def resolve_snapshot_id(store: SnapshotStore, reference: str) -> str:
    """A snapshot id, or the id ``published`` or ``latest`` stands for."""
    if reference == "published":
        published = store.published_id()
        if published is None:
            raise SnapshotError(f"nothing is published in {store.settings.data_dir} yet")
        return published
    if reference == "latest":
        records = store.list()
        if not records:
            raise SnapshotError(f"no snapshots in {store.folder} yet")
        return records[-1].snapshot_id
    return reference


@snapshots_app.callback()
def snapshots(
    ctx: typer.Context,
    data_dir: DataDir = DEFAULT_DATA_DIR,
    verbose: Verbose = False,
    as_json: AsJson = False,
) -> None:
    """List snapshots: id, created, rows, quality status, sample or official data."""
    if ctx.invoked_subcommand is not None:
        ctx.obj = data_dir
        return
    _list_snapshots(data_dir, as_json)


@snapshots_app.command("list")
def snapshots_list(
    ctx: typer.Context,
    data_dir: DataDir = DEFAULT_DATA_DIR,
    verbose: Verbose = False,
    as_json: AsJson = False,
) -> None:
    """List snapshots: id, created, rows, quality status, sample or official data."""
    _list_snapshots(_data_dir(ctx, data_dir), as_json)


@snapshots_app.command("show")
def snapshots_show(
    ctx: typer.Context,
    snapshot_id: SnapshotId,
    data_dir: DataDir = DEFAULT_DATA_DIR,
    verbose: Verbose = False,
    as_json: AsJson = False,
) -> None:
    """Show one snapshot: its sidecar, snapshot_info, quality results and tables."""
    from techpact.warehouse.describe import describe_snapshot

    store = _store(ctx, data_dir)
    with _refusals():
        description = describe_snapshot(store, resolve_snapshot_id(store, snapshot_id))
    if as_json:
        typer.echo(json.dumps(description.to_dict(), indent=2, default=str))
        return
    record = description.record
    console.print(
        f"[bold]{record.snapshot_id}[/]"
        + ("  ← published" if description.is_published else "")
        + f"\ncreated {record.created_at}, {record.row_count} indicator rows, "
        f"quality {record.quality_status}, "
        + ("SAMPLE (generated) data" if record.is_sample_data else "official data")
        + f", techpact {record.techpact_version}",
        highlight=False,
    )
    sources = Table(title="Source files")
    for column in ("source", "dataset", "file", "sha256"):
        sources.add_column(column)
    for f in record.source_files:
        sources.add_row(f["source"], f["dataset"], f["file_name"], f["sha256"])
    console.print(sources)
    quality = ", ".join(f"{k}: {v}" for k, v in description.quality_summary.items())
    console.print(f"Quality checks: {quality or 'none recorded'}", highlight=False)
    for check in description.failed_checks:
        console.print(
            f"  {check['severity']} {check['check_name']} failed on "
            f"{check['unexpected_count']} row(s): {check['description']}",
            highlight=False,
        )
    tables = Table(title="Tables")
    tables.add_column("table")
    tables.add_column("rows", justify="right")
    for name, count in description.tables.items():
        tables.add_row(name, str(count))
    console.print(tables)


@snapshots_app.command("diff")
def snapshots_diff(
    ctx: typer.Context,
    old_id: Annotated[
        str, typer.Argument(help="The older snapshot id (or `published`, `latest`).")
    ],
    new_id: Annotated[
        str, typer.Argument(help="The newer snapshot id (or `published`, `latest`).")
    ],
    data_dir: DataDir = DEFAULT_DATA_DIR,
    verbose: Verbose = False,
    as_json: AsJson = False,
    limit: Annotated[
        int, typer.Option(help="Print at most this many changed values (--json prints all).")
    ] = 50,
) -> None:
    """Show what changed from OLD_ID to NEW_ID: indicators, regions, periods and values.

    `published` and `latest` stand for those snapshots: `techpact snapshots diff published
    latest` shows what publishing the newest snapshot would change."""
    from techpact.warehouse.diff import diff_snapshots

    store = _store(ctx, data_dir)
    with _refusals():
        old, new = resolve_snapshot_id(store, old_id), resolve_snapshot_id(store, new_id)
        diff = diff_snapshots(store, old, new)
    if as_json:
        typer.echo(json.dumps(diff.to_dict(), indent=2, default=str))
        return
    console.print(f"[bold]{diff.old_id} → {diff.new_id}[/]", highlight=False)
    for label, added, removed in (
        ("indicators", diff.indicators_added, diff.indicators_removed),
        ("regions", diff.regions_added, diff.regions_removed),
        ("periods", diff.periods_added, diff.periods_removed),
    ):
        console.print(
            f"{label}: added {', '.join(added) or 'none'}; removed {', '.join(removed) or 'none'}",
            highlight=False,
        )
    console.print(
        f"rows: {len(diff.rows_added)} added, {len(diff.rows_removed)} removed, "
        f"{len(diff.changed)} with a changed value",
        highlight=False,
    )
    if not diff.changed:
        return
    table = Table(title=f"Changed values (first {min(limit, len(diff.changed))})")
    for column in (*diff.key_columns, "old", "new", "change", "relative"):
        table.add_column(column, justify="right" if column in ("old", "new") else "left")
    for change in diff.changed[:limit]:
        table.add_row(
            *(str(change.key[c]) for c in diff.key_columns),
            _number(change.old_value),
            _number(change.new_value),
            _number(change.absolute_change, signed=True),
            "" if change.relative_change is None else f"{change.relative_change:+.2%}",
        )
    console.print(table)


@snapshots_app.command("rollback")
def snapshots_rollback(
    ctx: typer.Context,
    snapshot_id: SnapshotId,
    data_dir: DataDir = DEFAULT_DATA_DIR,
    verbose: Verbose = False,
    yes: Annotated[
        bool, typer.Option("--yes", "-y", help="Publish without asking for confirmation.")
    ] = False,
) -> None:
    """Publish an older snapshot again (atomically, logged as a new publication event).

    Asks for confirmation first, like `prune`; --yes skips the question (for scripts)."""
    store = _store(ctx, data_dir)
    with _refusals():
        snapshot_id = resolve_snapshot_id(store, snapshot_id)
        record = store.get(snapshot_id)
    published = store.published_id()
    if not yes:
        console.print(
            f"Publish {snapshot_id} (created {record.created_at}, {record.row_count} rows, "
            + ("SAMPLE data" if record.is_sample_data else "official data")
            + f") again in place of {published or 'nothing'}?",
            highlight=False,
            soft_wrap=True,
        )
        if not typer.confirm("Roll back", default=False):
            raise fail("not rolled back (answer y, or pass --yes)")
    with _refusals():
        event = store.rollback(snapshot_id)
    console.print(
        f"Published {event.snapshot_id} again (was {event.previous_snapshot_id}); "
        f"publication #{event.sequence} in {store.publication_log}.",
        highlight=False,
        soft_wrap=True,
    )


@snapshots_app.command("prune")
def snapshots_prune(
    ctx: typer.Context,
    data_dir: DataDir = DEFAULT_DATA_DIR,
    verbose: Verbose = False,
    yes: Annotated[bool, typer.Option("--yes", help="Delete; without it, only show.")] = False,
    keep_last: Annotated[
        int | None,
        typer.Option(min=0, help="Keep this many newest snapshots (default: the setting, 5)."),
    ] = None,
) -> None:
    """Show which snapshots and run records retention would delete; delete them with --yes.

    A run record (runs/<id>.json and its report runs/<id>.docs/) is kept with its snapshot,
    while it runs, and when it is newer than the newest kept snapshot (a blocked run).
    """
    from techpact.warehouse.retention import delete_runs, plan_full_prune

    store = _store(ctx, data_dir)
    keep = store.settings.retention_keep_last if keep_last is None else keep_last
    with _refusals():
        plan = plan_full_prune(store, keep)
    console.print(_snapshot_plan_table(plan.snapshots, keep, yes))
    if plan.runs.keep or plan.runs.delete:
        console.print(_run_plan_table(plan, yes))
    snapshots, runs = plan.snapshots.delete, plan.runs.delete
    if not snapshots and not runs:
        console.print("Nothing to delete.")
        return
    counts = f"{len(snapshots)} snapshot(s) and {len(runs)} run(s)"
    if runs:
        freed = sum(plan.run_files[run_id].byte_size for run_id in runs)
        counts += f" ({_size(freed)} of run records and reports)"
    if not yes:
        console.print(f"{counts} would be deleted; run with --yes to delete.", soft_wrap=True)
        return
    with _refusals():
        store.delete(list(snapshots))
        delete_runs(store, list(runs))
    console.print(f"Deleted {counts}.", soft_wrap=True)


def _snapshot_plan_table(plan: RetentionPlan, keep: int, yes: bool) -> Table:
    table = Table(
        title=f"Retention (keep the {keep} newest, the published one, and the last "
        "published version of every period)"
    )
    table.add_column("snapshot")
    table.add_column("action")
    table.add_column("why kept")
    for snapshot_id, reasons in plan.keep.items():
        table.add_row(snapshot_id, "keep", "; ".join(reasons))
    for snapshot_id in plan.delete:
        table.add_row(snapshot_id, "delete" if yes else "would delete", "")
    return table


def _run_plan_table(plan: PrunePlan, yes: bool) -> Table:
    table = Table(title="Run records and reports (runs/<id>.json, runs/<id>.docs/)")
    for column in ("run", "status", "size", "action", "why kept"):
        table.add_column(column, justify="right" if column == "size" else "left")
    rows = [(r, "keep", "; ".join(why)) for r, why in plan.runs.keep.items()]
    rows += [(r, "delete" if yes else "would delete", "") for r in plan.runs.delete]
    for run_id, action, why in sorted(rows):
        files = plan.run_files[run_id]
        status = files.status or ("report only" if files.docs else "")
        table.add_row(run_id, status, _size(files.byte_size), action, why)
    return table


def _size(byte_count: int) -> str:
    if byte_count < 1024 * 1024:
        return f"{byte_count / 1024:.0f} kB"
    return f"{byte_count / 1024 / 1024:.1f} MB"


@snapshots_app.command("export")
def snapshots_export(
    ctx: typer.Context,
    snapshot_id: SnapshotId,
    target: Annotated[Path, typer.Argument(help="New or empty folder to write into.")],
    data_dir: DataDir = DEFAULT_DATA_DIR,
    verbose: Verbose = False,
    file_format: Annotated[
        str, typer.Option("--format", help="Export format (only parquet).")
    ] = "parquet",
) -> None:
    """Export a snapshot: one Parquet file per table plus manifest.json."""
    from techpact.warehouse.export import export_snapshot

    store = _store(ctx, data_dir)
    with _refusals():
        snapshot_id = resolve_snapshot_id(store, snapshot_id)
        manifest = export_snapshot(store, snapshot_id, target, file_format=file_format)
    rows = sum(t.row_count for t in manifest.tables)
    console.print(
        f"Exported {snapshot_id}: {len(manifest.tables)} tables, {rows} rows, to {target} "
        "(manifest.json lists files, schemas and sha256).",
        highlight=False,
    )


def _list_snapshots(data_dir: Path, as_json: bool) -> None:
    settings = Settings.from_paths(data_dir)
    store = SnapshotStore(settings)
    records = store.list()
    published = store.published_id()
    if as_json:
        payload: list[dict[str, Any]] = [
            {**dataclasses.asdict(r), "is_published": r.snapshot_id == published} for r in records
        ]
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


def _data_dir(ctx: typer.Context, data_dir: Path) -> Path:
    """``--data-dir`` given to the subcommand, else to ``techpact snapshots``, else default."""
    source = ctx.get_parameter_source("data_dir")
    given_here = source is not None and source.name != "DEFAULT"
    if not given_here and isinstance(ctx.obj, Path):
        return ctx.obj
    return data_dir


def _store(ctx: typer.Context, data_dir: Path) -> SnapshotStore:
    return SnapshotStore(Settings.from_paths(_data_dir(ctx, data_dir)))


@contextmanager
def _refusals() -> Iterator[None]:
    """Turn a refused snapshot operation into a clear error and exit code 1."""
    try:
        yield
    except (SnapshotError, LockTimeout) as exc:
        raise fail(str(exc)) from exc


def _number(value: float | None, *, signed: bool = False) -> str:
    if value is None:
        return ""
    text = f"{value:+,.6f}" if signed else f"{value:,.6f}"
    return text.rstrip("0").rstrip(".") if "." in text else text
