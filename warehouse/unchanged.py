"""Is there anything new to build? Decided from the landing zone and the code alone.

A build whose fingerprint equals the published snapshot's would publish the same warehouse, so
the run has "nothing new". The answer needs no Prefect server and no Great Expectations: the
CLI asks it first, and a no-op rerun costs about a second.
"""

from __future__ import annotations

from techpact.config import Settings
from techpact.sources.landing import LandingZone
from techpact.transforms.catalog import load_catalog
from techpact.warehouse.fingerprint import build_fingerprint
from techpact.warehouse.regions import resolve_regions
from techpact.warehouse.snapshots import SnapshotError, SnapshotRecord, SnapshotStore


def current_fingerprint(settings: Settings) -> str:
    """The fingerprint a build from ``settings``' landing zone would have now."""
    landing = LandingZone(settings.landing_dir)
    return build_fingerprint(
        landing, load_catalog(), pact_regions=resolve_regions(settings.pact_regions, landing)
    )


def published_record(store: SnapshotStore) -> SnapshotRecord | None:
    """The published snapshot's record; None when nothing is published or it is unreadable."""
    published_id = store.published_id()
    if published_id is None:
        return None
    try:
        return store.get(published_id)
    except SnapshotError:
        return None


def published_if_unchanged(settings: Settings, fingerprint: str) -> SnapshotRecord | None:
    """The published snapshot when it was built from ``fingerprint``; else None."""
    published = published_record(SnapshotStore(settings))
    if published is not None and published.build_fingerprint == fingerprint:
        return published
    return None
