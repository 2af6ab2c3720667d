"""The ``ingest-cbs`` and ``ingest-duo`` flows: fetch every configured source file into the
landing zone.

Thin composition: one fetch task per CBS table or DUO dataset (retries live here and only here,
and only for failures a retry can heal: ``may_heal``),
then a summary artifact. The logic is ``techpact.sources.cbs.fetch_table`` and
``techpact.sources.ckan.fetch_duo``, tested without Prefect. A table whose ``Modified`` is
unchanged, or a DUO resource whose portal metadata is unchanged, downloads no data and is
reported "unchanged".

Each flow talks to one host, and runs at most ``max_fetches_per_host`` fetch tasks at once
(``TECHPACT_HTTP_MAX_FETCHES_PER_HOST``, default 4): the waits overlap, and CBS and DUO are not
hammered.
"""

from __future__ import annotations

from pathlib import Path

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_table_artifact
from prefect.cache_policies import NO_CACHE
from prefect.client.schemas.objects import State
from prefect.task_runners import ThreadPoolTaskRunner

from techpact.config import HttpSettings, Settings
from techpact.sources.cbs import TableFetch, fetch_table
from techpact.sources.cbs_tables import load_cbs_tables
from techpact.sources.ckan import DuoFetchError, ResourceFetch, fetch_duo, load_duo_datasets
from techpact.sources.errors import SourceFormatError
from techpact.sources.http import FetchError, check_resolvable, make_session
from techpact.sources.landing import LandingZone

FETCH_RETRIES = 2
FETCH_RETRY_DELAY_S = 30
# HTTP statuses a later attempt may not get again (the HTTP layer retried them already).
TRANSIENT_STATUSES = frozenset({408, 429})


def host_task_runner() -> ThreadPoolTaskRunner:
    """Threads for the fetch tasks of one host: ``HttpSettings.max_fetches_per_host``."""
    return ThreadPoolTaskRunner(max_workers=HttpSettings.from_env().max_fetches_per_host)


def may_heal(exc: BaseException) -> bool:
    """Whether retrying a failed fetch can help: yes after a server error, a lost connection or
    a cut or changed download; not after a client error (404, 403, ...), a response that does
    not parse, no network, or a timeout or deadline (the HTTP layer retried those already, up
    to its deadline: another round would only hold the run longer)."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, SourceFormatError):
            return False
        if isinstance(seen, DuoFetchError):
            return seen.retryable
        if isinstance(seen, FetchError):
            if seen.status is not None:
                return seen.status >= 500 or seen.status in TRANSIENT_STATUSES
            return seen.kind in {"connection", "body"}
        seen = seen.__cause__
    return True


def _retry_condition(task: object, task_run: object, state: State) -> bool:
    try:
        state.result()
    except Exception as exc:  # the failure the task ended with
        return may_heal(exc)
    return True


@task(
    name="fetch-cbs-table",
    task_run_name="fetch cbs {table_id}",
    retries=FETCH_RETRIES,
    retry_delay_seconds=FETCH_RETRY_DELAY_S,
    retry_condition_fn=_retry_condition,
    cache_policy=NO_CACHE,
)
def fetch_cbs_table_task(settings: Settings, table_id: str, force: bool = False) -> TableFetch:
    """Fetch one table (metadata, code lists, data pages) into the landing zone."""
    logger = get_run_logger()
    spec = load_cbs_tables().get(table_id)
    outcome = fetch_table(
        make_session(settings.http),
        spec,
        LandingZone(settings.landing_dir),
        base_url=settings.cbs_base_url,
        v4_base_url=settings.cbs_v4_base_url,
        http=settings.http,
        force=force,
        progress=logger.debug,
        pact_regions=settings.pact_regions,
    )
    logger.info(
        "CBS %s: %s (Modified %s, %d pages, %d rows)",
        table_id,
        outcome.status,
        outcome.modified,
        outcome.page_count,
        outcome.row_count,
    )
    return outcome


@flow(name="ingest-cbs", task_runner=host_task_runner())
def ingest_cbs(
    data_dir: str,
    landing_dir: str | None = None,
    tables: list[str] | None = None,
    cbs_base_url: str | None = None,
    force: bool = False,
    pact_regions: list[str] | None = None,
    cbs_v4_base_url: str | None = None,
) -> list[TableFetch]:
    """Fetch ``tables`` (default: every table of cbs_tables.toml) into the landing zone; the
    region-hierarchy table first, as the data tables' regions are resolved against it."""
    settings = Settings.from_paths(
        Path(data_dir),
        Path(landing_dir) if landing_dir else None,
        cbs_base_url=cbs_base_url,
        cbs_v4_base_url=cbs_v4_base_url,
        pact_regions=tuple(pact_regions) if pact_regions else None,
    )
    check_resolvable(settings.cbs_base_url)  # no network: fail now, not once per table
    config = load_cbs_tables()
    table_ids = tables or [spec.id for spec in config.table]
    region_id = config.region_table.id if config.region_table else None
    first = [t for t in table_ids if region_id and t.lower() == region_id.lower()]
    outcomes = [fetch_cbs_table_task(settings, table_id, force) for table_id in first]
    futures = [
        fetch_cbs_table_task.submit(settings, table_id, force)
        for table_id in table_ids
        if table_id not in first
    ]
    outcomes += [future.result() for future in futures]
    create_table_artifact(
        key="cbs-fetch-summary",
        table=[
            {
                "table": o.table_id,
                "status": o.status,
                "modified": o.modified,
                "pages": o.page_count,
                "rows": o.row_count,
                "bytes": o.byte_count,
            }
            for o in outcomes
        ],
        description="CBS tables fetched into the landing zone",
    )
    return outcomes


@task(
    name="fetch-duo-dataset",
    task_run_name="fetch duo {dataset_id}",
    retries=FETCH_RETRIES,
    retry_delay_seconds=FETCH_RETRY_DELAY_S,
    retry_condition_fn=_retry_condition,
    cache_policy=NO_CACHE,
)
def fetch_duo_dataset_task(
    settings: Settings, dataset_id: str, force: bool = False
) -> list[ResourceFetch]:
    """Fetch one DUO dataset's resources (portal and legacy files) into the landing zone."""
    logger = get_run_logger()
    outcomes = fetch_duo(settings, only={dataset_id}, progress=logger.debug, force=force)
    for outcome in outcomes:
        logger.info(
            "DUO %s %s: %s%s",
            dataset_id,
            outcome.file_name,
            outcome.status,
            f" ({outcome.message})" if outcome.message else "",
        )
    failed = [o for o in outcomes if o.status == "failed"]
    if failed:  # raising lets Prefect retry the dataset (when a retry may heal it)
        raise DuoFetchError(failed)
    return outcomes


@flow(name="ingest-duo", task_runner=host_task_runner())
def ingest_duo(
    data_dir: str,
    landing_dir: str | None = None,
    datasets: list[str] | None = None,
    duo_base_url: str | None = None,
    duo_legacy_base_url: str | None = None,
    force: bool = False,
) -> list[ResourceFetch]:
    """Fetch ``datasets`` (default: every dataset of duo_datasets.toml) into the landing zone;
    ``force`` downloads files whose portal metadata is unchanged too."""
    settings = Settings.from_paths(
        Path(data_dir),
        Path(landing_dir) if landing_dir else None,
        duo_base_url=duo_base_url,
        duo_legacy_base_url=duo_legacy_base_url,
    )
    check_resolvable(settings.duo_base_url)  # no network: fail now, not once per dataset
    config = load_duo_datasets()
    dataset_ids = datasets or config.dataset_ids
    futures = [
        fetch_duo_dataset_task.submit(settings, dataset_id, force) for dataset_id in dataset_ids
    ]
    outcomes = [outcome for future in futures for outcome in future.result()]
    create_table_artifact(
        key="duo-fetch-summary",
        table=[
            {
                "dataset": o.dataset,
                "file": o.file_name,
                "status": o.status,
                "bytes": o.landed.manifest.byte_size if o.landed else 0,
                "url": o.url,
            }
            for o in outcomes
        ],
        description="DUO files fetched into the landing zone",
    )
    return outcomes
