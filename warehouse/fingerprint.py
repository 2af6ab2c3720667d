"""What a build is made of, as one hash: the landed files it can read, and the code that
turns them into indicators.

Two runs with the same fingerprint build the same warehouse, so a run whose fingerprint equals
the published snapshot's has nothing new to publish (a "no-op rerun": every source said
"unchanged" and nobody changed the parsers, the catalog, the SQL or the checks).
"""

from __future__ import annotations

import hashlib
import json
from importlib import resources
from pathlib import Path

from techpact import __version__
from techpact.sources.landing import LandingZone
from techpact.transforms.catalog import Catalog

# Everything that decides what a build holds: parsers and loaders (Python), models (SQL), the
# catalog, seeds and checks. A parser fix republishes without --force.
_CODE_PACKAGES = (
    "techpact.sources",
    "techpact.transforms",
    "techpact.expectations",
    "techpact.warehouse",
)
_CODE_SUFFIXES = (".py", ".sql", ".toml", ".csv")


def code_digest() -> str:
    """sha256 over every Python module, SQL model, catalog, seed and check configuration file
    of the packages that read, transform, check and write the data."""
    digest = hashlib.sha256()
    for package in _CODE_PACKAGES:
        root = Path(str(resources.files(package)))
        for path in sorted(root.rglob("*")):
            if path.is_file() and path.suffix in _CODE_SUFFIXES:
                digest.update(str(path.relative_to(root)).encode())
                digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def build_fingerprint(
    landing: LandingZone, catalog: Catalog, *, pact_regions: tuple[str, ...] = ()
) -> str:
    """The fingerprint of building ``catalog`` from ``landing`` with this version of techpact,
    checked for ``pact_regions``."""
    sources = {indicator.source for indicator in catalog.indicators}
    landed = sorted(
        (f.manifest.source, f.manifest.dataset, f.manifest.resource, f.manifest.sha256)
        for f in landing.files()
        if f.manifest.source in sources
    )
    payload = {
        "techpact_version": __version__,
        "indicators": sorted(indicator.id for indicator in catalog.indicators),
        "pact_regions": sorted(pact_regions),
        "landed": landed,
        "code": code_digest(),
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()
