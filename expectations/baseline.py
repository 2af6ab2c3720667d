"""Which snapshot the drift checks compare a build with: the one that is published now."""

from __future__ import annotations

from pathlib import Path

from techpact.config import Settings
from techpact.warehouse.snapshots import SnapshotStore


def published_baseline(settings: Settings) -> Path | None:
    """The published file, or None when nothing was published yet (drift checks then pass)."""
    if SnapshotStore(settings).published_id() is None:
        return None
    return settings.published_path
