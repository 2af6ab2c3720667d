"""The publication log: an append-only record of every change of the published snapshot.

``published/publications.jsonl`` holds one JSON object a line, oldest first. A line is written
with ``O_APPEND`` and fsynced before the call returns; nothing ever rewrites or deletes a line.
A line torn by a crash (no final newline) is skipped when read, and the next append starts on
a new line.
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Literal

log = logging.getLogger(__name__)

EventKind = Literal["publish", "rollback", "recovered"]


@dataclass(frozen=True)
class PublicationEvent:
    """One change of the published snapshot.

    ``publish``: a new run published its snapshot; ``rollback``: someone made an older (or any
    other) snapshot the published one; ``recovered``: a clean-up found the published file
    swapped in by a run that was killed before it could record it, and recorded it.
    """

    sequence: int
    event: EventKind
    snapshot_id: str
    previous_snapshot_id: str | None
    published_at: str
    # Failed checks a person accepted to publish this snapshot (``techpact run --accept``):
    # ``[{"check_name": ..., "reason": ...}]``; empty for every other publication.
    accepted_checks: tuple[dict[str, str], ...] = ()

    def to_line(self) -> bytes:
        return (json.dumps(asdict(self), sort_keys=True) + "\n").encode("utf-8")


def read_events(path: Path) -> list[PublicationEvent]:
    """Every complete event in the log, oldest first (none when there is no log yet)."""
    if not path.exists():
        return []
    events = []
    raw = path.read_bytes()
    lines = raw.split(b"\n")
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        is_last_and_torn = number == len(lines) and not raw.endswith(b"\n")
        try:
            data = json.loads(line)
            data["accepted_checks"] = tuple(data.get("accepted_checks") or ())
            events.append(PublicationEvent(**data))
        except (json.JSONDecodeError, TypeError, UnicodeDecodeError):
            log.warning(
                "%s line %d is not a complete publication event%s; skipped",
                path,
                number,
                " (torn by an interrupted write)" if is_last_and_torn else "",
            )
    return events


def append_event(
    path: Path,
    *,
    event: EventKind,
    snapshot_id: str,
    previous_snapshot_id: str | None,
    published_at: str,
    accepted_checks: tuple[dict[str, str], ...] = (),
) -> PublicationEvent:
    """Append one event and fsync it; the caller holds the publish lock."""
    existing = read_events(path)
    record = PublicationEvent(
        sequence=(existing[-1].sequence + 1) if existing else 1,
        event=event,
        snapshot_id=snapshot_id,
        previous_snapshot_id=previous_snapshot_id,
        published_at=published_at,
        accepted_checks=accepted_checks,
    )
    created = not path.exists()
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        if not created and not _ends_with_newline(path):
            os.write(fd, b"\n")  # keep a torn line of a killed writer on its own line
        os.write(fd, record.to_line())
        os.fsync(fd)
    finally:
        os.close(fd)
    if created:
        fsync_directory(path.parent)
    return record


def fsync_directory(folder: Path) -> None:
    """Make renames and new names in ``folder`` durable."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _ends_with_newline(path: Path) -> bool:
    size = path.stat().st_size
    if size == 0:
        return True
    with path.open("rb") as handle:
        handle.seek(size - 1)
        return handle.read(1) == b"\n"
