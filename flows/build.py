"""The build-and-publish flow: stage + transform, validate, publish. Thin composition only.

Each task sits on one boundary and calls into ``warehouse`` / ``expectations``; the logic lives
there and is tested without Prefect.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.cache_policies import NO_CACHE
from prefect.events import emit_event

from techpact.config import Settings
from techpact.expectations.baseline import published_baseline
from techpact.expectations.config import ChecksConfig, load_checks_config
from techpact.expectations.docs import run_docs_dir, write_data_docs
from techpact.expectations.gate import QualityReport, validate_build
from techpact.expectations.report import summary_markdown, summary_table_artifact
from techpact.expectations.suites import build_checks
from techpact.sources.landing import LandingZone
from techpact.transforms.catalog import load_catalog
from techpact.warehouse.build import BuildResult, build_warehouse
from techpact.warehouse.export import export_after_publish
from techpact.warehouse.regions import resolve_regions
from techpact.warehouse.runs import RunRecord, record_run
from techpact.warehouse.snapshots import (
    SnapshotRecord,
    SnapshotStore,
    accepted_checks,
    new_snapshot_id,
)
from techpact.warehouse.unchanged import current_fingerprint, published_if_unchanged

log = logging.getLogger(__name__)


class QualityGateBlocked(RuntimeError):
    """A critical check failed: nothing was published."""

    def __init__(self, report: QualityReport, run_id: str, data_docs: Path | None = None) -> None:
        self.report = report
        self.run_id = run_id
        self.data_docs = data_docs
        names = ", ".join(r.name for r in report.results if r.blocks)
        super().__init__(f"quality gate blocked publishing (run {run_id}): {names}")


@dataclass(frozen=True)
class ValidatedBuild:
    report: QualityReport
    data_docs: Path


@dataclass(frozen=True)
class RunOutcome:
    """``published``: a new snapshot; ``nothing_new``: the published one was built from the
    same landed files and code, so nothing was rebuilt, revalidated or published."""

    status: Literal["published", "nothing_new"]
    run_id: str
    snapshot: SnapshotRecord
    published_path: Path
    report: QualityReport | None = None
    data_docs: Path | None = None


@task(name="stage-and-transform", task_run_name="build {snapshot_id}", cache_policy=NO_CACHE)
def build_task(settings: Settings, snapshot_id: str) -> BuildResult:
    logger = get_run_logger()
    build = build_warehouse(
        SnapshotStore(settings).build_path_of(snapshot_id),
        landing=LandingZone(settings.landing_dir),
        catalog=load_catalog(),
        snapshot_id=snapshot_id,
    )
    samples = sum(landed.manifest.is_sample_data for landed in build.source_files)
    logger.info(
        "Used %d landed file(s)%s; each with its sha256 in the snapshot's source_files",
        len(build.source_files),
        f", {samples} of them GENERATED SAMPLE DATA" if samples else "",
    )
    for landed in build.source_files:  # detail for -v (techpact's loggers go to DEBUG)
        log.debug(
            "Used %s/%s %s (sha256 %s%s)",
            landed.manifest.source,
            landed.manifest.dataset,
            landed.manifest.file_name,
            landed.manifest.sha256[:12],
            ", GENERATED SAMPLE DATA" if landed.manifest.is_sample_data else "",
        )
    return build


@task(name="validate", task_run_name="validate {build.path.name}", cache_policy=NO_CACHE)
def validate_task(
    settings: Settings,
    build: BuildResult,
    run_id: str,
    accept: tuple[str, ...] = (),
    accept_reason: str = "",
) -> ValidatedBuild:
    """Run the quality gate (drift against the published snapshot) and write its report.

    ``accept``: checks whose failure a person accepts for this run (``accept_reason`` says
    why): reported, recorded, and not blocking."""
    config = with_required_regions(
        load_checks_config(), settings.pact_regions, LandingZone(settings.landing_dir)
    )
    catalog = load_catalog()
    report = validate_build(
        build.path,
        build_checks(catalog, config),
        config,
        [i.id for i in catalog.indicators],
        previous_path=published_baseline(settings, is_sample_data=build.is_sample_data),
    )
    if accept:
        report = report.accepting(accept, accept_reason)
        for check in report.accepted:
            get_run_logger().warning(
                "Accepted failed check %s (%d row(s)): %s",
                check.name,
                check.unexpected_count,
                accept_reason,
            )
    docs_index = write_data_docs(
        report, run_docs_dir(settings, run_id), is_sample_data=build.is_sample_data
    )
    create_table_artifact(
        key="quality-summary",
        table=summary_table_artifact(report),
        description=f"Quality gate: {report.status}",
    )
    create_markdown_artifact(
        key="quality-report",
        markdown=summary_markdown(
            report,
            run_id=run_id,
            docs_url=docs_index.as_uri(),
            is_sample_data=build.is_sample_data,
        ),
    )
    return ValidatedBuild(report=report, data_docs=docs_index)


@task(name="publish-snapshot", task_run_name="publish {snapshot_id}", cache_policy=NO_CACHE)
def publish_task(
    settings: Settings,
    build: BuildResult,
    report: QualityReport,
    snapshot_id: str,
    created_at: str,
    fingerprint: str,
    data_docs: Path,
) -> tuple[SnapshotRecord, Path]:
    store = SnapshotStore(settings)
    record = store.finalise(
        build,
        report,
        snapshot_id=snapshot_id,
        created_at=created_at,
        build_fingerprint=fingerprint,
    )
    published = store.publish(snapshot_id)
    exported = export_after_publish(settings, snapshot_id)
    if exported is not None:
        get_run_logger().info("Exported snapshot %s as Parquet to %s", snapshot_id, exported)
    create_markdown_artifact(
        key="published-snapshot",
        markdown=(
            f"Published snapshot `{snapshot_id}` ({record.row_count} rows, "
            f"quality {record.quality_status}"
            + (", **generated sample data**" if record.is_sample_data else "")
            + f") to `{published}`. [Quality report]({data_docs.as_uri()})"
            + _dashboard_link(settings)
        ),
    )
    return record, published


def _dashboard_link(settings: Settings) -> str:
    """A markdown link to the dashboard the publish refreshed, when it was written."""
    index = settings.dashboard_dir / "index.html"
    return f" · [Dashboard]({index.as_uri()})" if index.is_file() else ""


def with_required_regions(
    config: ChecksConfig, pact_regions: tuple[str, ...], landing: LandingZone | None = None
) -> ChecksConfig:
    """The checks with the pact regions (codes or CBS titles, resolved against the landed
    region table, else the seed), Nederland and the ``required_regions`` of checks.toml as the
    regions every indicator must have."""
    return config.requiring((*resolve_regions(pact_regions, landing), "NL01"))


def emit_failure_event(flow: object, flow_run: object, state: object) -> None:
    """On a failed or blocked run: an event an automation can turn into a notification.

    Event ``techpact.run.failed`` on resource ``techpact.flow-run.<id>``; see
    docs/operations.md for an automation that e-mails or posts it.
    """
    emit_event(
        event="techpact.run.failed",
        resource={
            "prefect.resource.id": f"techpact.flow-run.{getattr(flow_run, 'id', 'unknown')}",
            "prefect.resource.name": str(getattr(flow_run, "name", "")),
        },
        payload={
            "flow": str(getattr(flow, "name", "")),
            "message": str(getattr(state, "message", "")),
            "blocked_by_quality_gate": "quality gate blocked" in str(getattr(state, "message", "")),
        },
    )


@flow(name="build-and-publish", log_prints=False, on_failure=[emit_failure_event])
def build_and_publish(
    data_dir: str,
    landing_dir: str | None = None,
    force: bool = False,
    pact_regions: list[str] | None = None,
    accept: list[str] | None = None,
    accept_reason: str | None = None,
    fetch_seconds: float | None = None,
) -> RunOutcome:
    """Build the warehouse from the landing zone, validate it, and publish it if it passed.

    Does nothing ("nothing new") when the published snapshot was built from the same landed
    files and the same catalog, SQL and checks, unless ``force``. ``accept`` names critical
    checks whose failure is a known, intended change: with ``accept_reason`` they are
    recorded (run record, snapshot_info, publication log) and do not block this run.
    ``fetch_seconds``: how long the fetch before it took, for the run record's stages.
    """
    logger = get_run_logger()
    settings = Settings.from_paths(
        Path(data_dir),
        Path(landing_dir) if landing_dir else None,
        pact_regions=tuple(pact_regions) if pact_regions else None,
    )
    started_at = _now_iso()
    snapshot_id = new_snapshot_id()
    store = SnapshotStore(settings)
    fingerprint = current_fingerprint(settings)
    published = None if force else published_if_unchanged(settings, fingerprint)
    if published is not None:
        logger.info(
            "Nothing new: snapshot %s was built from the same landed files and code",
            published.snapshot_id,
        )
        if not (settings.dashboard_dir / "index.html").is_file():
            store.refresh_dashboard()  # published before there was a dashboard
        create_markdown_artifact(
            key="run-outcome",
            markdown=f"Nothing new: snapshot `{published.snapshot_id}` stays published."
            + _dashboard_link(settings),
        )
        return RunOutcome(
            status="nothing_new",
            run_id=snapshot_id,
            snapshot=published,
            published_path=settings.published_path,
        )
    # The run lock marks this run's build file as alive for other runs' clean-up.
    with store.run_lock(snapshot_id):
        for leftover in store.clean_up_interrupted():
            logger.warning("Removed %s, left behind by an interrupted run", leftover)
        return _build_validate_publish(
            settings,
            snapshot_id,
            started_at,
            fingerprint,
            accept=tuple(accept or ()),
            accept_reason=accept_reason or "",
            stages={} if fetch_seconds is None else {"fetch": round(fetch_seconds, 2)},
        )


def _build_validate_publish(
    settings: Settings,
    snapshot_id: str,
    started_at: str,
    fingerprint: str,
    *,
    accept: tuple[str, ...] = (),
    accept_reason: str = "",
    stages: dict[str, float] | None = None,
) -> RunOutcome:
    logger = get_run_logger()
    logger.info("Building from landing zone %s", settings.landing_dir)
    stages = dict(stages or {})
    with timed(stages, "build"):
        build = build_task(settings, snapshot_id)
    with timed(stages, "validate"):
        validated = validate_task(settings, build, snapshot_id, accept, accept_reason)
    report = validated.report

    def run_record(status: str, published_id: str | None) -> RunRecord:
        return RunRecord(
            run_id=snapshot_id,
            started_at=started_at,
            finished_at=_now_iso(),
            status=status,
            landing_dir=str(settings.landing_dir),
            snapshot_id=published_id,
            is_sample_data=build.is_sample_data,
            quality_status=report.status,
            quality_results=report.to_records(),
            data_docs=str(validated.data_docs),
            accepted_checks=accepted_checks(report),
            stage_seconds=stages,
        )

    if report.blocked:
        record_run(settings, run_record("blocked", None))
        build.path.unlink(missing_ok=True)
        for failure in report.failures:
            logger.error(
                "%s check %s failed on %d row(s): %s",
                failure.severity,
                failure.name,
                failure.unexpected_count,
                failure.failing_keys[:5],
            )
        raise QualityGateBlocked(report, snapshot_id, validated.data_docs)
    with timed(stages, "publish"):
        record, published = publish_task(
            settings, build, report, snapshot_id, started_at, fingerprint, validated.data_docs
        )
    record_run(settings, run_record("published", record.snapshot_id))
    logger.info("Published snapshot %s to %s", record.snapshot_id, published)
    return RunOutcome(
        status="published",
        run_id=snapshot_id,
        snapshot=record,
        published_path=published,
        report=report,
        data_docs=validated.data_docs,
    )


@contextmanager
def timed(stages: dict[str, float], stage: str) -> Iterator[None]:
    """Record the wall-clock seconds of the block as ``stages[stage]``."""
    started = time.perf_counter()
    try:
        yield
    finally:
        stages[stage] = round(time.perf_counter() - started, 2)


def _now_iso() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()
