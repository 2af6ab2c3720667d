"""One round of every measurement, subject and floor side by side (their order alternates
from round to round, so that a machine getting busier or quieter favours neither)."""

from __future__ import annotations

import json
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from fetch_server import latency_server, serve_sample_cbs
from floors import (
    FloorInput,
    build_subject,
    duckdb_floor,
    floor_catalog,
    pandas_floor,
)
from measure import Sample, child_env, run_child, time_call

from techpact.sources.landing import LandingZone
from techpact.warehouse.loaders import duo as duo_loader

TECHPACT = str(Path(sys.executable).with_name("techpact"))
TRIVIAL_FLOW = str(Path(__file__).resolve().parent / "trivial_flow.py")
BUILD_CHILD = str(Path(__file__).resolve().parent / "build_child.py")
LATENCY_S = 0.1
PACT_REGIONS = "CR12,CR36"  # the pact regions the generated CBS sample was fetched for


@dataclass
class Record:
    """Every sample of every measurement, by name, in round order."""

    samples: dict[str, list[Sample]] = field(default_factory=dict)
    stages: dict[str, list[dict[str, float]]] = field(default_factory=dict)
    fetch_requests: int = 0

    def add(self, name: str, sample: Sample) -> Sample:
        self.samples.setdefault(name, []).append(sample)
        return sample

    def seconds(self, name: str) -> list[float]:
        return [s.seconds for s in self.samples.get(name, [])]

    def rss(self, name: str) -> list[float]:
        return [float(s.peak_rss_bytes or 0) for s in self.samples.get(name, [])]


@dataclass(frozen=True)
class Bench:
    """What every round needs: the zones, the floors' input, a scratch folder."""

    zones: dict[int, Path]
    floor_inputs: dict[int, FloorInput]
    work: Path
    prefect_home: Path
    say: Callable[[str], None]

    def env(self, **extra: str) -> dict[str, str]:
        return child_env(self.prefect_home, TECHPACT_PACT_REGIONS=PACT_REGIONS, **extra)

    def scratch(self, prefix: str) -> Path:
        return Path(tempfile.mkdtemp(prefix=prefix, dir=self.work))


def in_order(round_no: int, *steps: Callable[[], object]) -> None:
    """The steps in the given order in even rounds, reversed in odd ones."""
    for step in steps if round_no % 2 == 0 else reversed(steps):
        step()


def report(say: Callable[[str], None], label: str, sample: Sample) -> None:
    rss = f", peak RSS {sample.peak_rss_bytes / 1e6:,.0f} MB" if sample.peak_rss_bytes else ""
    say(f"    {label}: {sample.seconds:.2f} s{rss}")


def stage_seconds(data_dir: Path) -> dict[str, float]:
    """The stage durations the newest run record of ``data_dir`` holds (empty when none)."""
    records = sorted((data_dir / "runs").glob("*.json"))
    if not records:
        return {}
    return dict(json.loads(records[-1].read_text("utf-8")).get("stage_seconds") or {})


def whole_runs(bench: Bench, record: Record, round_no: int) -> None:
    """(a), (d), (f): the trivial flow; per scale a forced full run, then a no-op rerun."""

    def trivial() -> None:
        sample = run_child([sys.executable, TRIVIAL_FLOW], bench.env(), "the trivial flow")
        report(
            bench.say, "(a) framework floor: trivial Prefect flow", record.add("trivial", sample)
        )

    def full_runs() -> None:
        for scale, zone in bench.zones.items():
            data = bench.scratch(f"data-{scale}x-")
            argv = [
                TECHPACT,
                "run",
                "--offline",
                "--landing-dir",
                str(zone),
                "--data-dir",
                str(data),
            ]
            full = run_child([*argv, "--force"], bench.env(), f"the full run at {scale}x")
            report(bench.say, f"(a) whole run {scale}x", record.add(f"run {scale}x", full))
            record.stages.setdefault(f"run {scale}x", []).append(stage_seconds(data))
            noop = run_child(argv, bench.env(), f"the no-op rerun at {scale}x")
            report(bench.say, f"(d) no-op rerun {scale}x", record.add(f"noop {scale}x", noop))

    def cli_import() -> None:
        sample = run_child(
            [sys.executable, "-c", "import techpact.cli"], bench.env(), "importing the CLI"
        )
        report(bench.say, "(d) importing techpact.cli alone", record.add("cli import", sample))

    def build_children() -> None:
        for scale, zone in bench.zones.items():
            out = bench.scratch("build-child-") / "build.duckdb"
            argv = [sys.executable, BUILD_CHILD, str(zone), str(out)]
            sample = run_child(argv, bench.env(), f"the build alone at {scale}x")
            report(bench.say, f"(f) whole-catalog build alone {scale}x", sample)
            record.add(f"build child {scale}x", sample)

    in_order(round_no, trivial, full_runs, cli_import, build_children)


def builds(bench: Bench, record: Record, round_no: int) -> None:
    """(b), (c): the build of the three hbo enrolment indicators and its two floors."""
    catalog = floor_catalog()
    for scale, zone in bench.zones.items():
        given = bench.floor_inputs[scale]

        def build(scale: int = scale, zone: Path = zone) -> None:
            out = bench.scratch("build-") / "build.duckdb"
            sample = time_call(lambda: build_subject(zone, out, catalog))
            report(bench.say, f"(b) build {scale}x", record.add(f"build {scale}x", sample))

        def duck(scale: int = scale, given: FloorInput = given) -> None:
            sample = time_call(lambda: duckdb_floor(given))
            report(bench.say, f"(b) DuckDB floor {scale}x", record.add(f"duckdb {scale}x", sample))

        def pandas(scale: int = scale, given: FloorInput = given) -> None:
            sample = time_call(lambda: pandas_floor(given))
            report(bench.say, f"(c) pandas floor {scale}x", record.add(f"pandas {scale}x", sample))

        def parse(scale: int = scale, zone: Path = zone) -> None:
            import duckdb

            with duckdb.connect() as con:
                sample = time_call(
                    lambda: duo_loader.load_raw(con, LandingZone(zone), ["hbo_enrolment_by_sex"])
                )
            report(bench.say, f"(b) of the build: DUO read + load {scale}x", sample)
            record.add(f"parse {scale}x", sample)

        in_order(round_no, build, duck, pandas, parse)


def fetches(bench: Bench, record: Record, round_no: int) -> None:
    """(e): `techpact fetch --source cbs` against the local server with and without latency."""

    def fetch(latency_s: float, name: str) -> None:
        with latency_server(latency_s) as server:
            serve_sample_cbs(server, bench.scratch("recorded-"))
            data = bench.scratch("fetch-")
            argv = [TECHPACT, "fetch", "--source", "cbs", "--data-dir", str(data)]
            sample = run_child(argv, bench.env(TECHPACT_CBS_BASE_URL=server.base_url), name)
            record.fetch_requests = len(server.requests)
        report(
            bench.say, f"(e) {name} ({record.fetch_requests} requests)", record.add(name, sample)
        )

    in_order(
        round_no,
        lambda: fetch(LATENCY_S, "fetch, 100 ms latency"),
        lambda: fetch(0.0, "fetch, no latency"),
    )


def warm_up(bench: Bench) -> None:
    """Untimed: the Prefect database of this bench's PREFECT_HOME is created (migrations take
    15-30 s once) and every import of the in-process steps is done."""
    run_child([sys.executable, TRIVIAL_FLOW], bench.env(), "the trivial flow (warm-up)")
    smallest = min(bench.zones)
    build_subject(bench.zones[smallest], bench.scratch("warm-") / "b.duckdb", floor_catalog())
    duckdb_floor(bench.floor_inputs[smallest])
    pandas_floor(bench.floor_inputs[smallest])


def one_round(bench: Bench, record: Record, round_no: int) -> None:
    whole_runs(bench, record, round_no)
    builds(bench, record, round_no)
    fetches(bench, record, round_no)
