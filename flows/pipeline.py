"""The ``techpact-run`` flow: fetch every source, then build and publish.

When every source reports "unchanged", the landing zone is as it was and ``build-and-publish``
finds the published snapshot's fingerprint equal to its own: the run reports "nothing new".
"""

from __future__ import annotations

from dataclasses import dataclass

from prefect import flow, get_run_logger

from techpact.flows.build import RunOutcome, build_and_publish, emit_failure_event
from techpact.flows.ingest import ingest_cbs, ingest_duo
from techpact.sources.cbs import TableFetch
from techpact.sources.ckan import ResourceFetch


@dataclass(frozen=True)
class PipelineOutcome:
    cbs: list[TableFetch]
    duo: list[ResourceFetch]
    build: RunOutcome

    @property
    def changed_upstream(self) -> bool:
        return any(o.status == "fetched" for o in self.cbs) or any(
            o.status == "landed" for o in self.duo
        )


@flow(name="techpact-run", on_failure=[emit_failure_event])
def run_pipeline(
    data_dir: str,
    landing_dir: str | None = None,
    offline: bool = False,
    force: bool = False,
    sources: list[str] | None = None,
    cbs_tables: list[str] | None = None,
    duo_datasets: list[str] | None = None,
    cbs_base_url: str | None = None,
    duo_base_url: str | None = None,
    duo_legacy_base_url: str | None = None,
    pact_regions: list[str] | None = None,
) -> PipelineOutcome:
    """Fetch ``sources`` (default CBS and DUO; none when ``offline``), then build, validate
    and publish. ``cbs_tables`` / ``duo_datasets`` narrow the fetch (default: all configured)."""
    logger = get_run_logger()
    fetch = set() if offline else set(sources or ("cbs", "duo"))
    cbs: list[TableFetch] = []
    duo: list[ResourceFetch] = []
    if "cbs" in fetch:
        cbs = ingest_cbs(
            data_dir=data_dir,
            landing_dir=landing_dir,
            tables=cbs_tables,
            cbs_base_url=cbs_base_url,
        )
    if "duo" in fetch:
        duo = ingest_duo(
            data_dir=data_dir,
            landing_dir=landing_dir,
            datasets=duo_datasets,
            duo_base_url=duo_base_url,
            duo_legacy_base_url=duo_legacy_base_url,
        )
    build = build_and_publish(
        data_dir=data_dir, landing_dir=landing_dir, force=force, pact_regions=pact_regions
    )
    outcome = PipelineOutcome(cbs=cbs, duo=duo, build=build)
    if build.status == "nothing_new":
        logger.info("Nothing new upstream: snapshot %s stays published", build.snapshot.snapshot_id)
    return outcome
