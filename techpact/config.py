"""The one configuration object, built at the entry point and passed down."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

PUBLISHED_FILE_NAME = "techpact.duckdb"


@dataclass(frozen=True)
class Settings:
    """Where techpact keeps its files.

    Everything lives under ``data_dir`` unless ``landing_dir`` points elsewhere (the demo reads
    the bundled sample landing zone in ``sample/landing``).
    """

    data_dir: Path
    landing_dir: Path

    @classmethod
    def from_paths(cls, data_dir: Path, landing_dir: Path | None = None) -> Settings:
        data_dir = data_dir.resolve()
        landing = (landing_dir or data_dir / "landing").resolve()
        return cls(data_dir=data_dir, landing_dir=landing)

    @property
    def published_dir(self) -> Path:
        return self.data_dir / "published"

    @property
    def published_path(self) -> Path:
        """The stable path BI tools open read-only."""
        return self.published_dir / PUBLISHED_FILE_NAME

    @property
    def snapshots_dir(self) -> Path:
        return self.data_dir / "snapshots"

    @property
    def runs_dir(self) -> Path:
        """One JSON record per pipeline run, published or blocked."""
        return self.data_dir / "runs"

    @property
    def work_dir(self) -> Path:
        """Scratch space for builds that have not passed the quality gate yet."""
        return self.data_dir / "work"

    @property
    def prefect_home(self) -> Path:
        return self.data_dir / ".prefect"
