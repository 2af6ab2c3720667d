"""Speed and memory of the hot paths, as ratios against a baseline measured in the same run.

Never timed assertions in tests: machines differ. Here each measurement is divided by a plain
baseline doing the least possible work on the same input, on the same machine, in the same run:

- parse: ``techpact.sources.duo.parse_current_csv`` vs. iterating ``csv.reader`` over the
  decoded text (time and peak traced memory);
- build: ``warehouse.build.build_warehouse`` (parse, load, all SQL models, indicator_values) vs.
  DuckDB ``read_csv`` counting the rows of the same file;
- dashboard: ``warehouse.dashboard.write_dashboard`` refreshing the HTML site of a snapshot of
  the bundled sample vs. reading every ``indicator_values`` row of that snapshot into Python.
  Its time is also held to an absolute target (2 s on the sample, the first write included,
  which builds the Vega bundle): publishing waits for it.

Usage: ``make bench`` (or ``python bench/run.py --rows 200000``). Exits 1 when a ratio is above
its target.
"""

from __future__ import annotations

import argparse
import csv
import io
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import duckdb

from techpact.config import Settings
from techpact.expectations.gate import CheckResult, QualityReport
from techpact.sources.duo import parse_current_csv
from techpact.sources.landing import LandingZone
from techpact.transforms.catalog import Catalog, load_catalog
from techpact.warehouse.build import build_warehouse
from techpact.warehouse.dashboard import write_dashboard
from techpact.warehouse.snapshots import SnapshotStore, new_snapshot_id

REPO = Path(__file__).resolve().parent.parent
SAMPLE_LANDING = REPO / "sample" / "landing"
SAMPLE = next(SAMPLE_LANDING.glob("duo/p01hoinges/*/ingeschrevenengeslhbo.csv"))

# Ratio targets: how many times the baseline a step may cost.
TARGETS = {
    "parse time": 6.0,
    "parse peak memory": 2.0,
    "build time": 35.0,  # parse ~1/3, load + duplicate audit + models + copy the rest
    "dashboard time": 10.0,  # queries, 7 pages of charts and tables, the Vega bundle copied
}
# Absolute targets (seconds), where a person waits for the step whatever the machine.
SECONDS_TARGETS = {"dashboard first write": 2.0, "dashboard refresh": 2.0}


def scaled_file(rows: int) -> bytes:
    """The generated sample file's data rows repeated until ``rows`` data rows, each copy moved
    to later study years so that no key repeats (a repeated key is a defect the gate blocks)."""
    header, *data = SAMPLE.read_bytes().rstrip(b"\r\n").split(b"\r\n")
    out: list[bytes] = []
    copy = 0
    while len(out) < rows:
        for line in data:
            year = int(line[1:5]) + 5 * copy  # every line starts with "YYYY",
            out.append(b'"%d"' % year + line[6:])
        copy += 1
    return b"\r\n".join([header, *out[:rows]]) + b"\r\n"


def best_time(step: Callable[[], object], repeat: int) -> float:
    timings = []
    for _ in range(repeat):
        start = time.perf_counter()
        step()
        timings.append(time.perf_counter() - start)
    return min(timings)


def peak_memory(step: Callable[[], object]) -> int:
    tracemalloc.start()
    try:
        step()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def baseline_csv(data: bytes) -> int:
    return sum(1 for _ in csv.reader(io.StringIO(data.decode("utf-8"), newline="")))


def baseline_csv_rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))


def sample_snapshot(root: Path) -> Path:
    """The bundled sample built and finalised as a snapshot (no quality gate); its file."""
    settings = Settings.from_paths(root / "data", SAMPLE_LANDING)
    snapshot_id = new_snapshot_id()
    build = build_warehouse(
        settings.work_dir / f"build-{snapshot_id}.duckdb",
        landing=LandingZone(SAMPLE_LANDING),
        catalog=load_catalog(),
        snapshot_id=snapshot_id,
    )
    store = SnapshotStore(settings)
    report = QualityReport((CheckResult("bench", "critical", "bench", True, 0, ()),))
    store.finalise(build, report, snapshot_id=snapshot_id, created_at="2026-01-01T00:00:00Z")
    return store.path_of(snapshot_id)


def baseline_read_values(snapshot: Path) -> int:
    with duckdb.connect(str(snapshot), read_only=True) as con:
        return len(con.execute("select * from indicator_values").fetchall())


def measure_dashboard(repeat: int) -> tuple[dict[str, tuple[float, float]], dict[str, float]]:
    """Ratio and seconds of writing the dashboard of the sample snapshot."""
    with tempfile.TemporaryDirectory() as tmp:
        snapshot = sample_snapshot(Path(tmp))
        site = Path(tmp) / "dashboard"

        def write() -> object:
            return write_dashboard(snapshot, site, pact_regions=("CR12",))

        first = best_time(write, 1)  # builds the Vega bundle (once per process)
        refresh = best_time(write, repeat)  # takes the bundle from the site it replaces
        baseline = best_time(lambda: baseline_read_values(snapshot), repeat)
    ratios = {"dashboard time": (refresh, baseline)}
    return ratios, {"dashboard first write": first, "dashboard refresh": refresh}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=200_000, help="data rows in the test file")
    parser.add_argument("--repeat", type=int, default=3, help="runs per step (best is kept)")
    args = parser.parse_args()

    data = scaled_file(args.rows)
    print(f"input: {args.rows:,} data rows, {len(data) / 1e6:.1f} MB (generated sample format)")
    results: dict[str, tuple[float, float]] = {}

    parse = best_time(lambda: parse_current_csv(data, "bench.csv"), args.repeat)
    base = best_time(lambda: baseline_csv(data), args.repeat)
    results["parse time"] = (parse, base)

    parse_mem = peak_memory(lambda: parse_current_csv(data, "bench.csv"))
    base_mem = peak_memory(lambda: baseline_csv_rows(data))
    results["parse peak memory"] = (parse_mem, base_mem)

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        zone = LandingZone(root / "landing")
        landed, _ = zone.land_bytes(
            data,
            source="duo",
            dataset="p01hoinges",
            resource="hbo_enrolment_by_sex",
            file_name="bench.csv",
            media_type="text/csv",
            is_sample_data=True,
        )
        # The indicators that read this one file (the others need other resources).
        catalog = Catalog(
            indicators=tuple(
                i for i in load_catalog().indicators if i.resources == ("hbo_enrolment_by_sex",)
            )
        )
        counter = iter(range(1_000_000))

        def build() -> object:
            out = root / f"build-{next(counter)}.duckdb"
            return build_warehouse(out, landing=zone, catalog=catalog, snapshot_id="bench")

        def duckdb_baseline() -> object:
            with duckdb.connect() as con:
                return con.execute(
                    "select count(*) from read_csv($p, all_varchar = true)", {"p": str(landed.path)}
                ).fetchone()

        results["build time"] = (
            best_time(build, args.repeat),
            best_time(duckdb_baseline, args.repeat),
        )

    dashboard_ratios, dashboard_seconds = measure_dashboard(args.repeat)
    results.update(dashboard_ratios)

    failed = False
    print(f"{'measure':<20} {'step':>12} {'baseline':>12} {'ratio':>8} {'target':>8}")
    for name, (value, baseline) in results.items():
        ratio = value / baseline
        unit = "MB" if "memory" in name else "s"
        scale = 1e6 if unit == "MB" else 1
        ok = ratio <= TARGETS[name]
        failed |= not ok
        print(
            f"{name:<20} {value / scale:>10.3f}{unit:>2} {baseline / scale:>10.3f}{unit:>2} "
            f"{ratio:>8.2f} {TARGETS[name]:>8.1f} {'ok' if ok else 'ABOVE TARGET'}"
        )
    print(f"(time: best of {args.repeat} runs; memory: peak traced by tracemalloc)")
    print(f"{'seconds':<22} {'step':>12} {'target':>8}")
    for name, seconds in dashboard_seconds.items():
        ok = seconds <= SECONDS_TARGETS[name]
        failed |= not ok
        print(
            f"{name:<22} {seconds:>11.3f}s {SECONDS_TARGETS[name]:>7.1f}s "
            f"{'ok' if ok else 'ABOVE TARGET'}"
        )
    print("(dashboard: the bundled sample; the first write builds the Vega bundle)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
