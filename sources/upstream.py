"""Did anything change upstream? Asked before `techpact run` starts Prefect.

One metadata request per CBS table (TableInfos, or v4 Properties) and per DUO dataset
(``package_show``), several at once per host; no data is downloaded. When nothing changed and
the landing zone and code are as they were for the published snapshot, the run has nothing new
and never starts a Prefect server. Anything else, a change or a failure alike, is left to the
run's fetch, which lands the change or reports the failure.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace

from techpact.config import Settings
from techpact.sources.cbs import check_table
from techpact.sources.cbs_tables import load_cbs_tables
from techpact.sources.ckan import load_duo_datasets, plan_duo
from techpact.sources.http import make_session
from techpact.sources.landing import LandingZone

log = logging.getLogger(__name__)

# The question is cheap or it is not asked: no retries and a short deadline per request. A
# slow or failing source only means "let the run fetch", which retries and reports properly.
PROBE_DEADLINE_S = 20.0


@dataclass(frozen=True)
class Upstream:
    """What the sources said: ``unchanged`` when every checked table and file is as landed."""

    unchanged: bool
    cbs_tables: int = 0  # checked
    duo_files: int = 0
    changed: tuple[str, ...] = ()  # what changed, or could not be checked, and why

    def describe(self) -> str:
        """``7 CBS tables and 12 DUO files``: what was checked."""
        parts = [f"{self.cbs_tables} CBS tables"] if self.cbs_tables else []
        parts += [f"{self.duo_files} DUO files"] if self.duo_files else []
        return " and ".join(parts) or "no source"


def check_upstream(settings: Settings, sources: Iterable[str] = ("cbs", "duo")) -> Upstream:
    """Ask each source whether anything changed since it landed (metadata only)."""
    http = replace(
        settings.http, retries=0, deadline_s=min(settings.http.deadline_s, PROBE_DEADLINE_S)
    )
    settings = replace(settings, http=http)
    cbs = _cannot_tell_on_failure("cbs", lambda: _check_cbs(settings), "cbs" in sources)
    duo = _cannot_tell_on_failure("duo", lambda: _check_duo(settings), "duo" in sources)
    changed = (*cbs[1], *duo[1])
    return Upstream(not changed, cbs[0], duo[0], changed)


def _check_cbs(settings: Settings) -> tuple[int, list[str]]:
    config = load_cbs_tables()
    zone = LandingZone(settings.landing_dir)

    def changed(spec_id: str) -> str | None:
        check = check_table(
            make_session(settings.http),
            config.get(spec_id),
            zone,
            base_url=settings.cbs_base_url,
            http=settings.http,
            pact_regions=settings.pact_regions,
            tables=config,
            v4_base_url=settings.cbs_v4_base_url,
        )
        return None if check.unchanged else f"CBS table {spec_id}: Modified {check.modified}"

    ids = [spec.id for spec in config.table]
    with ThreadPoolExecutor(max_workers=settings.http.max_fetches_per_host) as pool:
        reasons = [r for r in pool.map(changed, ids) if r is not None]
    return len(ids), reasons


def _check_duo(settings: Settings) -> tuple[int, list[str]]:
    config = load_duo_datasets()
    ids = config.dataset_ids

    def plan(dataset_id: str) -> tuple[int, list[str]]:
        planned, missing = plan_duo(settings, datasets=config, only={dataset_id})
        reasons = [f"DUO {m.dataset} {m.file_name}: {m.message}" for m in missing]
        reasons += [f"DUO {p.dataset} {p.file_name}: changed" for p in planned if not p.unchanged]
        return len(planned), reasons

    with ThreadPoolExecutor(max_workers=settings.http.max_fetches_per_host) as pool:
        plans = list(pool.map(plan, ids))
    return sum(count for count, _ in plans), [r for _, reasons in plans for r in reasons]


def _cannot_tell_on_failure(
    source: str, check: Callable[[], tuple[int, list[str]]], wanted: bool
) -> tuple[int, list[str]]:
    if not wanted:
        return 0, []
    try:
        return check()
    except Exception as exc:  # any failure: the run's fetch meets it and reports it
        log.info("Could not tell whether %s changed upstream: %s", source, exc)
        return 0, [f"{source}: could not tell ({exc})"]
