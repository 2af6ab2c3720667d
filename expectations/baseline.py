"""Which snapshot the drift checks compare a build with: the one that is published now.

The baseline is read from the published snapshot's own immutable file under ``snapshots/``,
never from ``published/techpact.duckdb``: a BI tool holding that file open read-write (the
duckdb CLI's default) locks it, and a run must not fail for that.
"""

from __future__ import annotations

import logging
from pathlib import Path

from techpact.config import Settings
from techpact.warehouse.snapshots import SnapshotError, SnapshotStore

log = logging.getLogger(__name__)


def published_baseline(settings: Settings, *, is_sample_data: bool | None = None) -> Path | None:
    """The published snapshot's file, or None when there is nothing to drift from: nothing
    published yet, or (given the build's ``is_sample_data``) the published snapshot is
    generated sample data and the build is not, or the other way round; real figures compared
    with generated ones would only block."""
    store = SnapshotStore(settings)
    published = store.published_id()
    if published is None:
        return None
    try:
        record = store.get(published)
    except SnapshotError:
        log.warning("published snapshot %s has no snapshot file: drift not checked", published)
        return None
    if is_sample_data is not None and record.is_sample_data != is_sample_data:
        log.info(
            "Published snapshot %s is %s, the build is %s: drift is not checked against it",
            published,
            "sample data" if record.is_sample_data else "real data",
            "sample data" if is_sample_data else "real data",
        )
        return None
    return store.path_of(published)
