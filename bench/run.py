"""`make bench`: the issue's performance targets measured as ratios against floors.

Each measurement runs beside a floor doing the least work for the same result, in the same
round, on the same machine (bench/results.md says what each one is):

(a) the whole offline run vs a trivial Prefect flow importing the same libraries;
(b) the build vs one DuckDB SQL script computing the same hbo indicators (rows checked equal);
(c) the same floor in plain pandas;
(d) a no-op rerun vs a full run;
(e) `techpact fetch --source cbs` against a local server with 100 ms latency per reply vs the
    sequential lower bound;
(f) the peak RSS of the run's child process at 1× and 10× above the framework's.

The input is the real public DUO files of ../shared at 1× and 10× (bench/zones.py). Never
timed assertions in tests: machines differ; tests/test_bench.py checks the deterministic parts.

Usage: ``make bench`` or ``python bench/run.py [--rounds 3] [--scales 1,10] [--strict]``.
Exit 0 when the bench ran (targets met or missed), 1 with --strict when a target is missed,
2 when the bench itself failed.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import tempfile
import time
import traceback
from datetime import UTC, datetime
from pathlib import Path

from floors import (
    build_rows,
    build_subject,
    duckdb_floor,
    floor_catalog,
    floor_input,
    pandas_floor,
    row_differences,
)
from measure import BenchError
from report import results_markdown, targets, write_results
from rounds import Bench, Record, one_round, warm_up
from zones import REPO, ZoneSummary, make_zone

RESULTS = REPO / "bench" / "results.md"


def say(text: str) -> None:
    print(text, flush=True)


def parse_scales(text: str) -> list[int]:
    try:
        scales = sorted({int(part) for part in text.split(",") if part.strip()})
    except ValueError:
        raise argparse.ArgumentTypeError(f"scales are whole numbers like 1,10: {text!r}") from None
    if not scales or scales[0] < 1:
        raise argparse.ArgumentTypeError(f"scales are whole numbers ≥ 1: {text!r}")
    return scales


def check_floor_rows(bench: Bench) -> dict[int, int]:
    """Both floors give exactly the build's rows at every scale: the number of rows by scale."""
    equal: dict[int, int] = {}
    for scale, zone in bench.zones.items():
        built = build_rows(
            build_subject(zone, bench.scratch("check-") / "b.duckdb", floor_catalog())
        )
        for name, floor in (("DuckDB", duckdb_floor), ("pandas", pandas_floor)):
            differences = row_differences(built, floor(bench.floor_inputs[scale]))
            if differences:
                raise BenchError(
                    f"the {name} floor's rows differ from the build's at {scale}x: {differences}"
                )
        say(f"  {scale}x: the DuckDB and pandas floors give the build's {len(built)} rows")
        equal[scale] = len(built)
    return equal


def machine_lines(load_before: tuple[float, ...], load_after: tuple[float, ...]) -> list[str]:
    shared = max(load_before[:2]) > 0.5  # before the bench started: other work
    return [
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {platform.platform()}, Python "
        f"{platform.python_version()}, {os.cpu_count()} CPU cores",
        "load average (1, 5, 15 min) before: "
        + ", ".join(f"{x:.2f}" for x in load_before)
        + "; after: "
        + ", ".join(f"{x:.2f}" for x in load_after),
        (
            "**The machine was shared with other work during this run** (load above what this "
            "bench alone causes): absolute seconds are slower and noisier "
            "than on a quiet machine; the ratios, each taken within one round, less so."
            if shared
            else "The machine was otherwise idle."
        ),
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds (default 3)")
    parser.add_argument(
        "--scales", type=parse_scales, default=[1, 10], help="input scales (default 1,10)"
    )
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    parser.add_argument("--output", type=Path, default=RESULTS, help="results file to write")
    args = parser.parse_args(argv)
    if args.rounds < 1:
        parser.error("--rounds must be at least 1")
    load_before = os.getloadavg()
    started = time.perf_counter()
    try:
        with tempfile.TemporaryDirectory(prefix="techpact-bench-") as tmp:
            work = Path(tmp)
            say(f"Landing zones at {', '.join(f'{s}x' for s in args.scales)} in {work}")
            zones: list[ZoneSummary] = [make_zone(work / f"landing-{s}x", s) for s in args.scales]
            for z in zones:
                say(
                    f"  {z.scale}x: {z.duo_files} DUO files, {z.duo_data_lines:,} data lines, "
                    f"{z.duo_bytes / 1e6:.1f} MB; {z.cbs_files} CBS files"
                )
            bench = Bench(
                zones={z.scale: z.root for z in zones},
                floor_inputs={
                    z.scale: floor_input(z.root, Path(tempfile.mkdtemp(dir=work))) for z in zones
                },
                work=work,
                prefect_home=work / "prefect",
                say=say,
            )
            say("Checking that the floors compute the build's rows")
            equal_rows = check_floor_rows(bench)
            say("Warm-up (untimed): Prefect's database, imports")
            warm_up(bench)
            record = Record()
            for number in range(args.rounds):
                say(f"Round {number + 1}/{args.rounds}")
                one_round(bench, record, number)
    except BenchError as exc:
        say(f"bench failed: {exc}")
        return 2
    except Exception:
        traceback.print_exc()
        return 2
    text = results_markdown(
        record,
        args.scales,
        args.rounds,
        zones,
        equal_rows,
        machine_lines(load_before, os.getloadavg()),
    )
    write_results(args.output, text)
    judged = targets(record, args.scales)
    say(f"\nDone in {time.perf_counter() - started:.0f} s; results in {args.output}")
    for target in judged:
        say(f"  {target.verdict:<12} {target.name}: {target.goal}")
    missed = any(t.met is False for t in judged)
    return 1 if args.strict and missed else 0


if __name__ == "__main__":
    sys.exit(main())
