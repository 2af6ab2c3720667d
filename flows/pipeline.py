"""The ``techpact-run`` flow: fetch every source, then build and publish.

When every source reports "unchanged", the landing zone is as it was and ``build-and-publish``
finds the published snapshot's fingerprint equal to its own: the run reports "nothing new".
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from prefect import flow, get_run_logger
from prefect.task_runners import TaskRunner

from techpact.config import HttpSettings
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


def fetch_task_runner(dask_address: str | None) -> TaskRunner[Any] | None:
    """A Dask task runner for the fetch tasks (optional extra ``techpact[dask]``), or None for
    the default thread pool of each ingest flow.

    ``local`` starts a temporary in-process Dask cluster of ``max_fetches_per_host`` workers;
    anything else is the address of a running Dask scheduler (``tcp://host:8786``), whose
    workers share the fetching of many tables.
    """
    if dask_address is None:
        return None
    from prefect_dask import DaskTaskRunner

    if dask_address == "local":
        return DaskTaskRunner(
            cluster_kwargs={
                "n_workers": HttpSettings.from_env().max_fetches_per_host,
                "threads_per_worker": 1,
                "processes": False,
            }
        )
    return DaskTaskRunner(address=dask_address)


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
    cbs_v4_base_url: str | None = None,
    duo_base_url: str | None = None,
    duo_legacy_base_url: str | None = None,
    pact_regions: list[str] | None = None,
    dask_address: str | None = None,
    accept: list[str] | None = None,
    accept_reason: str | None = None,
) -> PipelineOutcome:
    """Fetch ``sources`` (default CBS and DUO; none when ``offline``), then build, validate
    and publish. ``cbs_tables`` / ``duo_datasets`` narrow the fetch (default: all configured)."""
    logger = get_run_logger()
    fetch = set() if offline else set(sources or ("cbs", "duo"))
    cbs: list[TableFetch] = []
    duo: list[ResourceFetch] = []
    runner = fetch_task_runner(dask_address)
    cbs_flow = ingest_cbs if runner is None else ingest_cbs.with_options(task_runner=runner)
    duo_flow = ingest_duo if runner is None else ingest_duo.with_options(task_runner=runner)
    fetch_started = time.perf_counter()
    if "cbs" in fetch:
        cbs = cbs_flow(
            data_dir=data_dir,
            landing_dir=landing_dir,
            tables=cbs_tables,
            cbs_base_url=cbs_base_url,
            cbs_v4_base_url=cbs_v4_base_url,
            pact_regions=pact_regions,
        )
    if "duo" in fetch:
        duo = duo_flow(
            data_dir=data_dir,
            landing_dir=landing_dir,
            datasets=duo_datasets,
            duo_base_url=duo_base_url,
            duo_legacy_base_url=duo_legacy_base_url,
        )
    build = build_and_publish(
        data_dir=data_dir,
        landing_dir=landing_dir,
        force=force,
        pact_regions=pact_regions,
        accept=accept,
        accept_reason=accept_reason,
        fetch_seconds=time.perf_counter() - fetch_started if fetch else None,
    )
    outcome = PipelineOutcome(cbs=cbs, duo=duo, build=build)
    if build.status == "nothing_new":
        logger.info("Nothing new: snapshot %s stays published", build.snapshot.snapshot_id)
    return outcome
