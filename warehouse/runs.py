"""Run records: one JSON file per pipeline run under ``runs/``, published or blocked."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any

from techpact.config import Settings
from techpact.sources.landing import write_atomic


@dataclass(frozen=True)
class RunRecord:
    run_id: str
    started_at: str
    finished_at: str
    status: str  # published | blocked
    landing_dir: str
    snapshot_id: str | None
    is_sample_data: bool
    quality_status: str
    quality_results: list[dict[str, Any]] = field(default_factory=list)
    # index.html of the run's Data Docs (expectations.docs.write_data_docs), when written.
    data_docs: str | None = None


def record_run(settings: Settings, record: RunRecord) -> None:
    path = settings.runs_dir / f"{record.run_id}.json"
    write_atomic(path, (json.dumps(asdict(record), indent=2, sort_keys=True) + "\n").encode())


def list_runs(settings: Settings) -> list[RunRecord]:
    if not settings.runs_dir.exists():
        return []
    records = [
        RunRecord(**json.loads(path.read_text("utf-8")))
        for path in settings.runs_dir.glob("*.json")
    ]
    return sorted(records, key=lambda r: (r.started_at, r.run_id))
