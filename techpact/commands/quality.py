"""`techpact quality`: the quality summary of the last run (or of one run or snapshot)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import duckdb
import typer
from rich.table import Table
from rich.text import Text

from techpact.commands.common import (
    DEFAULT_DATA_DIR,
    AsJson,
    DataDir,
    Verbose,
    console,
    fail,
    settings_for,
)
from techpact.commands.snapshots import resolve_snapshot_id
from techpact.config import Settings
from techpact.expectations.report import SAMPLE_DATA_NOTE, status_of, summary_rows
from techpact.warehouse.runs import STAGES, RunRecord, list_runs, run_docs_dir
from techpact.warehouse.snapshots import SnapshotError, SnapshotStore, check_snapshot_id


def quality(
    run_id: Annotated[
        str | None,
        typer.Argument(
            metavar="SNAPSHOT",
            help="A run or snapshot id, or `published` or `latest` (default: the last run).",
            show_default=False,
        ),
    ] = None,
    data_dir: DataDir = DEFAULT_DATA_DIR,
    verbose: Verbose = False,
    failures_only: Annotated[
        bool, typer.Option("--failures", help="Show only the checks that failed.")
    ] = False,
    as_json: AsJson = False,
) -> None:
    """Print the quality summary of the last run, or of one run or snapshot.

    Exit status 1 when that run was blocked (a critical check failed, nothing was published),
    so a scheduler or CI job can act on it.
    """
    settings = settings_for(data_dir)
    try:
        run_id, status, records, is_sample_data = _load(settings, run_id)
    except (SnapshotError, LookupError) as exc:
        raise fail(str(exc)) from None
    quality_status = status_of(records)
    if as_json:
        shown = [r for r in records if not (failures_only and r["success"])]
        payload = {
            "run_id": run_id,
            "status": status,
            "quality_status": quality_status,
            "is_sample_data": is_sample_data,
            "checks": shown,
        }
        typer.echo(json.dumps(payload, indent=2, default=str))
        if status == "blocked":
            raise typer.Exit(1)
        return
    console.print(
        Text.assemble(
            ("Run ", ""),
            (run_id, "bold"),
            (f": {status}, quality {quality_status} ", ""),
            (f"({len(records)} checks, {sum(not r['success'] for r in records)} failed)", ""),
        )
    )
    stages = _stage_seconds(settings, run_id)
    if stages:
        total = sum(stages.values())
        console.print(
            Text(
                f"Stages ({total:.1f} s): "
                + ", ".join(f"{stage} {seconds:.1f} s" for stage, seconds in stages.items())
            )
        )
    if is_sample_data:
        console.print(Text(SAMPLE_DATA_NOTE, style="bold yellow"), soft_wrap=True)
    table = Table(title="Quality checks")
    for column in ("check", "severity", "result", "rows", "failing keys (sample)"):
        table.add_column(column, overflow="fold")
    for row in summary_rows(records):
        if failures_only and row["result"] == "passed":
            continue
        style = "red" if row["result"] == "FAILED" and row["severity"] == "critical" else ""
        # Text cells: a region name is data, never rich markup.
        table.add_row(
            Text(row["check"]),
            Text(row["severity"]),
            Text(row["result"], style=style),
            Text(str(row["unexpected"])),
            Text(row["failing_keys"]),
        )
    console.print(table)
    docs = run_docs_dir(settings, run_id) / "index.html"
    if docs.exists():
        console.print(Text(f"Quality report: {docs.as_uri()}"), soft_wrap=True)
    if status == "blocked":
        raise typer.Exit(1)


def _load(settings: Settings, run_id: str | None) -> tuple[str, str, list[dict[str, Any]], bool]:
    """(run id, published|blocked, check records, is_sample_data) of the chosen run or
    snapshot."""
    if run_id is None:
        runs = list_runs(settings)
        if not runs:
            raise LookupError(f"no runs recorded in {settings.runs_dir} yet; run `techpact run`")
        return _from_run(runs[-1])
    if run_id in ("published", "latest"):
        run_id = resolve_snapshot_id(SnapshotStore(settings), run_id)
    check_snapshot_id(run_id)
    record_path = settings.runs_dir / f"{run_id}.json"
    if record_path.exists():
        return _from_run(RunRecord(**json.loads(record_path.read_text("utf-8"))))
    snapshot = SnapshotStore(settings).path_of(run_id)
    if not snapshot.exists():
        raise LookupError(f"no run record or snapshot {run_id} in {settings.data_dir}")
    records, is_sample_data = _snapshot_records(snapshot)
    return run_id, "published", records, is_sample_data


def _stage_seconds(settings: Settings, run_id: str) -> dict[str, float]:
    """How long each stage of a run took (its run record); empty for a snapshot without one."""
    record = settings.runs_dir / f"{run_id}.json"
    if not record.is_file():
        return {}
    seconds = json.loads(record.read_text("utf-8")).get("stage_seconds", {})
    return {stage: seconds[stage] for stage in STAGES if stage in seconds}


def _from_run(record: RunRecord) -> tuple[str, str, list[dict[str, Any]], bool]:
    return record.run_id, record.status, list(record.quality_results), record.is_sample_data


def _snapshot_records(path: Path) -> tuple[list[dict[str, Any]], bool]:
    with duckdb.connect(str(path), read_only=True) as con:
        rows = con.execute(
            "select check_name, severity, description, success, unexpected_count, failing_keys "
            "from quality_results order by rowid"
        ).fetchall()
        [(is_sample_data,)] = con.execute("select is_sample_data from snapshot_info").fetchall()
    records = [
        {
            "check_name": name,
            "severity": severity,
            "description": description,
            "success": bool(success),
            "unexpected_count": int(unexpected),
            "failing_keys": json.loads(keys) if keys else [],
        }
        for name, severity, description, success, unexpected, keys in rows
    ]
    return records, bool(is_sample_data)
