"""`techpact run`: build, validate and publish a snapshot."""

from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
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
from techpact.expectations.gate import CheckResult
from techpact.reaper import start_reaper
from techpact.runtime import quiet_known_failures
from techpact.sources.errors import SourceFormatError
from techpact.sources.landing import LandingError, LandingZone
from techpact.transforms.catalog import CatalogError, load_catalog
from techpact.warehouse.build import BuildError, check_landing_zone
from techpact.warehouse.regions import RegionError, region_table_landed, resolve_regions

if TYPE_CHECKING:
    from techpact.flows.pipeline import PipelineOutcome
    from techpact.warehouse.snapshots import SnapshotRecord


def run(
    data_dir: DataDir = DEFAULT_DATA_DIR,
    verbose: Verbose = False,
    offline: Annotated[
        bool,
        typer.Option("--offline", help="Build only from what is in the landing zone (no fetch)."),
    ] = False,
    force: Annotated[
        bool,
        typer.Option("--force", help="Rebuild and publish even when nothing is new."),
    ] = False,
    source: Annotated[
        list[Source] | None,
        typer.Option("--source", help="Fetch only this source (repeatable); default: both."),
    ] = None,
    dask: Annotated[
        str | None,
        typer.Option(
            "--dask",
            help="Fetch with a Dask task runner: 'local' (a temporary cluster) or the address "
            "of a Dask scheduler. Needs the optional extra: pip install 'techpact\\[dask]'.",
        ),
    ] = None,
    landing_dir: Annotated[
        Path | None,
        typer.Option(
            "--landing-dir",
            help="Read this landing zone instead of DATA_DIR/landing (e.g. sample/landing).",
            exists=True,
            file_okay=False,
        ),
    ] = None,
    accept: Annotated[
        list[str] | None,
        typer.Option(
            "--accept",
            metavar="CHECK",
            help="Publish although this critical check fails, for a known, intended change "
            "(sample data replaced by real data, a region that really went); repeatable; "
            "needs --reason. Recorded in the run record, snapshot_info and the publication log.",
        ),
    ] = None,
    reason: Annotated[
        str | None,
        typer.Option("--reason", help="Why the --accept checks may fail in this run."),
    ] = None,
) -> None:
    """Fetch CBS and DUO, then build, validate and publish a snapshot of the warehouse.

    Fetching lands only what changed upstream (TECHPACT_CBS_BASE_URL, TECHPACT_DUO_BASE_URL).
    The build stages the landed files into DuckDB, computes every indicator in the catalog,
    runs the quality gate, and publishes a new snapshot only when no critical check failed.
    When the published snapshot was built from the same landed files and code, the run says
    "nothing new" and changes nothing.
    """
    settings = settings_for(data_dir, landing_dir)
    sources = [s.value for s in source] if source else None
    check_acceptance(accept or [], reason)
    landing = LandingZone(settings.landing_dir)
    try:  # fail fast, before Prefect starts, on a pact region nobody knows
        resolve_regions(settings.pact_regions, landing)
    except RegionError as exc:
        # Online and no CBS region table landed yet: the run fetches it first, and the pact
        # regions are resolved against it then (the seed knows only a few regions).
        if offline or "cbs" not in (sources or ("cbs",)) or region_table_landed(landing):
            raise fail(str(exc), code=2) from None
        err_console.print(
            f"{exc}; it is looked up again once the CBS region table is fetched.",
            highlight=False,
            soft_wrap=True,
        )
    if offline:
        try:  # fail fast, before Prefect starts, when the landing zone cannot be built at all
            check_landing_zone(LandingZone(settings.landing_dir), load_catalog())
        except (BuildError, LandingError, CatalogError) as exc:
            raise fail(str(exc)) from None
    # Nothing new: decided without Prefect, from the landing zone and code (and online from
    # one metadata request per table or dataset); a no-op rerun takes about a second.
    unchanged = None if force else _published_if_nothing_new(settings)
    if unchanged is not None and _nothing_changed_upstream(settings, offline, sources):
        _print_nothing_new(settings, unchanged, offline=offline)
        return
    from techpact.flows.build import QualityGateBlocked
    from techpact.flows.pipeline import run_pipeline
    from techpact.sources.cbs import CbsFetchError
    from techpact.sources.http import FetchError

    quiet_known_failures(
        (
            QualityGateBlocked,
            BuildError,
            SourceFormatError,
            LandingError,
            CatalogError,
            CbsFetchError,
            FetchError,
        )
    )

    console.print(
        Text(
            status_line(offline, sources, settings.landing_dir)
            + " (Prefect starts a temporary local server: the first run on a machine takes "
            "15-30 s longer)…"
        ),
        soft_wrap=True,
    )
    if not os.environ.get("PREFECT_API_URL"):
        # A temporary Prefect server is started for this run: end it even if the run is
        # killed (kill -9 leaves it no chance to), instead of leaving it orphaned.
        start_reaper()
    try:
        outcome = run_pipeline(
            data_dir=str(settings.data_dir),
            landing_dir=str(settings.landing_dir),
            offline=offline,
            force=force,
            sources=sources,
            cbs_base_url=settings.cbs_base_url,
            cbs_v4_base_url=settings.cbs_v4_base_url,
            duo_base_url=settings.duo_base_url,
            duo_legacy_base_url=settings.duo_legacy_base_url,
            pact_regions=list(settings.pact_regions),
            dask_address=dask,
            accept=accept,
            accept_reason=reason,
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
    except (CbsFetchError, FetchError) as exc:
        raise fail(f"fetching failed, nothing was built: {exc}") from None

    if not offline:
        _print_fetches(outcome)
    build = outcome.build
    record = build.snapshot
    if build.status == "nothing_new":
        _print_nothing_new(settings, record, offline=offline)
        return
    console.print(
        f"[bold green]Published[/] snapshot [bold]{record.snapshot_id}[/]: "
        f"{record.row_count} indicator rows, quality {record.quality_status}.",
        soft_wrap=True,
    )
    if record.is_sample_data:
        console.print(
            "[bold yellow]This snapshot holds GENERATED SAMPLE DATA, not official figures[/] "
            "(snapshot_info.is_sample_data = true).",
            soft_wrap=True,
        )
    for accepted in record.accepted_checks:
        console.print(
            f"[bold yellow]Accepted failed check[/] {accepted['check_name']}: {accepted['reason']}",
            highlight=False,
            soft_wrap=True,
        )
    _print_paths(
        ("Published warehouse (open read-only in BI tools)", str(build.published_path)),
        ("Quality report", build.data_docs.as_uri() if build.data_docs else None),
        ("Dashboard", _dashboard_uri(settings)),
    )
    _print_next_commands(data_dir)


def status_line(offline: bool, sources: list[str] | None, landing_dir: Path) -> str:
    """What the run is about to do: which sources it fetches into which landing zone."""
    if offline:
        return f"Building from {landing_dir}"
    names = " and ".join(name.upper() for name in (sources or ("cbs", "duo")))
    return f"Fetching {names} into {landing_dir}, then building from it"


def _print_paths(*paths: tuple[str, str | None]) -> None:
    """One line per path, never wrapped (a wrapped path cannot be copied)."""
    for label, path in paths:
        if path:
            console.print(Text(f"{label}: {path}"), soft_wrap=True)


def _print_next_commands(data_dir: Path) -> None:
    """The commands to try next, spelled the way this one was started."""
    command = command_name()
    option = "" if data_dir == DEFAULT_DATA_DIR else f" --data-dir {data_dir}"
    console.print("Next, try:", highlight=False)
    for args in ("indicators", "quality", "snapshots"):
        console.print(Text(f"  {command} {args}{option}"), soft_wrap=True)


def command_name(argv0: str | None = None) -> str:
    """``techpact`` when that is what PATH finds, else this script's path (relative to the
    working directory when under it, e.g. ``.venv/bin/techpact``)."""
    script = Path(argv0 or sys.argv[0]).absolute()
    on_path = shutil.which("techpact")
    if on_path and Path(on_path).absolute() == script:
        return "techpact"
    try:
        return str(script.relative_to(Path.cwd()))
    except ValueError:
        return str(script)


def _dashboard_uri(settings: Settings) -> str | None:
    index = settings.dashboard_dir / "index.html"
    return index.as_uri() if index.is_file() else None


def _nothing_changed_upstream(settings: Settings, offline: bool, sources: list[str] | None) -> bool:
    """Offline: nothing can have. Online: every CBS table and DUO file is as landed (one
    metadata request each, no Prefect); a change or a failure is left to the run's fetch."""
    if offline:
        return True
    from techpact.sources.upstream import check_upstream

    upstream = check_upstream(settings, sources or ("cbs", "duo"))
    if upstream.unchanged:
        console.print(f"Checked {upstream.describe()}: none changed upstream.")
    return upstream.unchanged


def _published_if_nothing_new(settings: Settings) -> SnapshotRecord | None:
    """The published snapshot when building now would give it again (same landed files and
    code), decided before Prefect starts; its dashboard is written if it has none yet."""
    from techpact.warehouse.snapshots import SnapshotStore
    from techpact.warehouse.unchanged import current_fingerprint, published_if_unchanged

    try:
        unchanged = published_if_unchanged(settings, current_fingerprint(settings))
    except (LandingError, CatalogError, RegionError):
        return None  # the run reports it
    if unchanged is not None and not (settings.dashboard_dir / "index.html").is_file():
        SnapshotStore(settings).refresh_dashboard()  # published before there was a dashboard
    return unchanged


def _print_nothing_new(settings: Settings, record: SnapshotRecord, *, offline: bool) -> None:
    console.print(
        "[bold]Nothing new[/]: "
        + ("" if offline else "no source changed upstream; ")
        + "the landing zone and the code are as they were for snapshot "
        + f"[bold]{record.snapshot_id}[/], which stays published ({settings.published_path}).",
        soft_wrap=True,
    )
    _print_dashboard(settings)


def _print_dashboard(settings: Settings) -> None:
    """Where the HTML dashboard of the published snapshot is (publishing refreshes it)."""
    _print_paths(("Dashboard", _dashboard_uri(settings)))


def check_acceptance(accept: list[str], reason: str | None) -> None:
    """``--accept`` names known checks and comes with a ``--reason`` (and the other way round)."""
    if not accept and reason is None:
        return
    if not accept:
        raise fail("--reason goes with --accept CHECK (the check whose failure to accept)", code=2)
    if not (reason or "").strip():
        raise fail("--accept needs --reason TEXT: why this failure is intended", code=2)
    from techpact.expectations.config import load_checks_config
    from techpact.expectations.suites import build_checks

    names = {c.name for c in build_checks(load_catalog(), load_checks_config())}
    unknown = sorted(set(accept) - names)
    if unknown:
        drift = sorted(n for n in names if n.startswith("drift_"))
        raise fail(
            f"--accept: no check named {unknown}; check names are in `techpact quality` "
            f"and the quality report (drift checks: {', '.join(drift)})",
            code=2,
        )


def _print_fetches(outcome: PipelineOutcome) -> None:
    table = Table(title="Fetched")
    for column in ("source", "table / file", "status"):
        table.add_column(column)
    for cbs in outcome.cbs:
        table.add_row("cbs", cbs.table_id, cbs.status)
    for duo in outcome.duo:
        table.add_row("duo", Text(f"{duo.dataset}/{duo.file_name}"), duo.status)
    console.print(table)


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
