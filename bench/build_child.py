"""A whole-catalog build of one landing zone, nothing else: run as a child process by
bench/run.py so that its peak RSS can be set beside the whole run's.
Usage: ``python bench/build_child.py LANDING_DIR OUT.duckdb``."""

from __future__ import annotations

import sys
from pathlib import Path

from techpact.sources.landing import LandingZone
from techpact.transforms.catalog import load_catalog
from techpact.warehouse.build import build_warehouse

if __name__ == "__main__":
    landing, out = (Path(arg) for arg in sys.argv[1:3])
    build_warehouse(out, landing=LandingZone(landing), catalog=load_catalog(), snapshot_id="bench")
