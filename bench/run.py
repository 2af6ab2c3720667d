"""Speed and memory of the hot paths, as ratios against a baseline measured in the same run.

Never timed assertions in tests: machines differ. Here each measurement is divided by a plain
baseline doing the least possible work on the same input, on the same machine, in the same run:

- parse: ``techpact.sources.duo.parse_current_csv`` vs. iterating ``csv.reader`` over the
  decoded text (time and peak traced memory);
- build: ``warehouse.build.build_warehouse`` (parse, load, all SQL models, indicator_values) vs.
  DuckDB ``read_csv`` counting the rows of the same file.

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

from techpact.sources.duo import parse_current_csv
from techpact.sources.landing import LandingZone
from techpact.transforms.catalog import Catalog, load_catalog
from techpact.warehouse.build import build_warehouse

REPO = Path(__file__).resolve().parent.parent
SAMPLE = next((REPO / "sample" / "landing").glob("duo/p01hoinges/*/ingeschrevenengeslhbo.csv"))

# Ratio targets: how many times the baseline a step may cost.
TARGETS = {
    "parse time": 6.0,
    "parse peak memory": 2.0,
    "build time": 35.0,  # parse ~1/3, load + duplicate audit + models + copy the rest
}


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
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
