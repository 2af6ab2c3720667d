"""The ``ingest-cbs`` flow: fetch every configured CBS table into the landing zone.

Thin composition: one fetch task per table (retries live here and only here), then a summary
artifact. The logic is ``techpact.sources.cbs.fetch_table``, tested without Prefect. A table
whose ``Modified`` is unchanged downloads no data and is reported "unchanged".
"""

from __future__ import annotations

from pathlib import Path

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_table_artifact
from prefect.cache_policies import NO_CACHE

from techpact.config import Settings
from techpact.sources.cbs import TableFetch, fetch_table
from techpact.sources.cbs_tables import load_cbs_tables
from techpact.sources.http import make_session
from techpact.sources.landing import LandingZone

FETCH_RETRIES = 2
FETCH_RETRY_DELAY_S = 30


@task(
    name="fetch-cbs-table",
    task_run_name="fetch cbs {table_id}",
    retries=FETCH_RETRIES,
    retry_delay_seconds=FETCH_RETRY_DELAY_S,
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
        http=settings.http,
        force=force,
        progress=logger.debug,
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


@flow(name="ingest-cbs")
def ingest_cbs(
    data_dir: str,
    landing_dir: str | None = None,
    tables: list[str] | None = None,
    cbs_base_url: str | None = None,
    force: bool = False,
) -> list[TableFetch]:
    """Fetch ``tables`` (default: every table of cbs_tables.toml) into the landing zone."""
    settings = Settings.from_paths(
        Path(data_dir), Path(landing_dir) if landing_dir else None, cbs_base_url=cbs_base_url
    )
    table_ids = tables or [spec.id for spec in load_cbs_tables().table]
    outcomes = [fetch_cbs_table_task(settings, table_id, force) for table_id in table_ids]
    create_table_artifact(
        key="cbs-fetch-summary",
        table=[
            {
                "table": o.table_id,
                "status": o.status,
                "modified": o.modified,
                "pages": o.page_count,
                "rows": o.row_count,
            }
            for o in outcomes
        ],
        description="CBS tables fetched into the landing zone",
    )
    return outcomes
