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
    cbs_base_url: str | None = None,
    duo_base_url: str | None = None,
    duo_legacy_base_url: str | None = None,
) -> PipelineOutcome:
    """Fetch CBS and DUO (unless ``offline``), then build, validate and publish."""
    logger = get_run_logger()
    cbs: list[TableFetch] = []
    duo: list[ResourceFetch] = []
    if not offline:
        cbs = ingest_cbs(data_dir=data_dir, landing_dir=landing_dir, cbs_base_url=cbs_base_url)
        duo = ingest_duo(
            data_dir=data_dir,
            landing_dir=landing_dir,
            duo_base_url=duo_base_url,
            duo_legacy_base_url=duo_legacy_base_url,
        )
    build = build_and_publish(data_dir=data_dir, landing_dir=landing_dir, force=force)
    outcome = PipelineOutcome(cbs=cbs, duo=duo, build=build)
    if build.status == "nothing_new":
        logger.info("Nothing new upstream: snapshot %s stays published", build.snapshot.snapshot_id)
    return outcome
