"""The one configuration object, built at the entry point and passed down."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path

PUBLISHED_FILE_NAME = "techpact.duckdb"
# Public endpoints; a local server stands in for them in tests (TECHPACT_CBS_BASE_URL, ...).
DEFAULT_CBS_BASE_URL = "https://opendata.cbs.nl"
DEFAULT_DUO_BASE_URL = "https://onderwijsdata.duo.nl"
# CBS OData v4 (tables with api = "v4" in cbs_tables.toml); TECHPACT_CBS_V4_BASE_URL
DEFAULT_CBS_V4_BASE_URL = "https://datasets.cbs.nl"


@dataclass(frozen=True)
class HttpSettings:
    """How every source talks HTTP (see ``techpact.sources.http``)."""

    connect_timeout_s: float = 10.0
    read_timeout_s: float = 30.0
    # Bounds the time one URL may take: no retry starts this long after the first failure, and
    # a body still arriving this long after the request is cut off. A server that trickles a
    # byte at a time, or hangs on every attempt, fails the fetch instead of holding it for hours.
    deadline_s: float = 180.0
    max_body_bytes: int = 512 * 1024 * 1024
    retries: int = 5
    backoff_factor_s: float = 1.0
    backoff_jitter_s: float = 0.5
    backoff_max_s: float = 60.0
    # A server's Retry-After is honoured up to this many seconds (a "come back tomorrow" must
    # not hold a scheduled run for a day; after the retries the fetch fails, naming the status).
    retry_after_max_s: float = 300.0
    # How many fetches (CBS tables, DUO datasets) run at once against one host, in
    # `techpact fetch` and `techpact run`: overlapping the waits without hammering CBS or DUO.
    max_fetches_per_host: int = 4
    user_agent: str = "techpact/0.1 (Techniekpact indicator warehouse; open-source data pipeline)"

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> HttpSettings:
        """The defaults, each overridden by ``TECHPACT_HTTP_<FIELD>`` where set, e.g.
        ``TECHPACT_HTTP_DEADLINE_S=60`` or ``TECHPACT_HTTP_RETRIES=2`` (a slow link, a test)."""
        environ = os.environ if environ is None else environ
        values: dict[str, float | int] = {}
        for f in fields(cls):
            name = f"TECHPACT_HTTP_{f.name.upper()}"
            if f.name == "user_agent" or name not in environ:
                continue
            kind = int if f.type in ("int", int) else float
            try:
                value = kind(environ[name])
            except ValueError:
                raise ValueError(
                    f"{name}={environ[name]!r} is not a{'n integer' if kind is int else ' number'}"
                ) from None
            if value < 0:
                raise ValueError(f"{name}={environ[name]!r} must not be negative")
            if f.name == "max_fetches_per_host" and value < 1:
                raise ValueError(f"{name}={environ[name]!r} must be at least 1")
            values[f.name] = value
        return cls(**values)  # type: ignore[arg-type]


# The pact region when none is configured: Twente (COROP CR12).
DEFAULT_PACT_REGIONS: tuple[str, ...] = ("CR12",)


@dataclass(frozen=True)
class Settings:
    """Where techpact keeps its files.

    Everything lives under ``data_dir`` unless ``landing_dir`` points elsewhere (the demo reads
    the bundled sample landing zone in ``sample/landing``).
    """

    data_dir: Path
    landing_dir: Path
    # The regions every indicator must cover besides Nederland: codes or CBS titles
    # (warehouse.regions). Default Twente; TECHPACT_PACT_REGIONS="Twente,Zuidoost-Noord-Brabant".
    pact_regions: tuple[str, ...] = DEFAULT_PACT_REGIONS
    # Snapshot lifecycle (docs/snapshots.md): how many of the newest snapshots `prune` keeps
    # besides the published one and the last published version of every period; where the
    # publish step exports Parquet to (None: no automatic export); how long publishing waits
    # for another run's lock.
    retention_keep_last: int = 5
    export_dir: Path | None = None
    publish_lock_timeout_seconds: float = 60.0
    cbs_base_url: str = DEFAULT_CBS_BASE_URL
    cbs_v4_base_url: str = DEFAULT_CBS_V4_BASE_URL
    # The CBS table list; None: the bundled sources/cbs_tables.toml (TECHPACT_CBS_TABLES)
    cbs_tables_path: Path | None = None
    duo_base_url: str = DEFAULT_DUO_BASE_URL
    # Legacy duo.nl files; None: the legacy_base_url of sources/duo_datasets.toml.
    duo_legacy_base_url: str | None = None
    http: HttpSettings = field(default_factory=HttpSettings.from_env)

    @classmethod
    def from_paths(
        cls,
        data_dir: Path,
        landing_dir: Path | None = None,
        *,
        cbs_base_url: str | None = None,
        cbs_v4_base_url: str | None = None,
        cbs_tables_path: Path | None = None,
        duo_base_url: str | None = None,
        duo_legacy_base_url: str | None = None,
        pact_regions: tuple[str, ...] | None = None,
    ) -> Settings:
        data_dir = data_dir.resolve()
        landing = (landing_dir or data_dir / "landing").resolve()
        return cls(
            data_dir=data_dir,
            landing_dir=landing,
            cbs_base_url=(cbs_base_url or DEFAULT_CBS_BASE_URL).rstrip("/"),
            cbs_v4_base_url=(cbs_v4_base_url or DEFAULT_CBS_V4_BASE_URL).rstrip("/"),
            cbs_tables_path=cbs_tables_path,
            duo_base_url=(duo_base_url or DEFAULT_DUO_BASE_URL).rstrip("/"),
            duo_legacy_base_url=duo_legacy_base_url.rstrip("/") if duo_legacy_base_url else None,
            pact_regions=tuple(pact_regions) if pact_regions else DEFAULT_PACT_REGIONS,
        )

    @property
    def published_dir(self) -> Path:
        return self.data_dir / "published"

    @property
    def published_path(self) -> Path:
        """The stable path BI tools open read-only."""
        return self.published_dir / PUBLISHED_FILE_NAME

    @property
    def dashboard_dir(self) -> Path:
        """The static HTML dashboard of the published snapshot (refreshed on every publish)."""
        return self.published_dir / "dashboard"

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
