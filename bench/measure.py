"""Timing and memory of one step: a function in this process or a child process.

A child's wall time and peak RSS are taken by bench/child.py, a small process between this one
and the child: ``os.wait4`` on the child's pid gives ``ru_maxrss`` (kilobytes on Linux), the
largest resident set of the child or of any descendant it waited for (the temporary Prefect
server is one), not their sum.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

CHILD = Path(__file__).resolve().parent / "child.py"


class BenchError(RuntimeError):
    """The benchmark itself failed (a step crashed, rows differ): `make bench` exits 2."""


@dataclass(frozen=True)
class Sample:
    seconds: float
    peak_rss_bytes: int | None = None  # child processes only


def time_call(step: Callable[[], object]) -> Sample:
    start = time.perf_counter()
    step()
    return Sample(time.perf_counter() - start)


def run_child(argv: Sequence[str], env: dict[str, str], what: str) -> Sample:
    """Run ``argv`` to its end through bench/child.py; its wall time and peak RSS. A non-zero
    exit is a BenchError quoting the end of its output."""
    with tempfile.TemporaryDirectory() as tmp, (Path(tmp) / "output").open("w+b") as output:
        result = Path(tmp) / "result.json"
        subprocess.run(
            [sys.executable, str(CHILD), str(result), *argv],
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            check=True,
        )
        record = json.loads(result.read_text("utf-8"))
        if record["exit_code"] != 0:
            output.seek(0)
            tail = output.read().decode("utf-8", "replace")[-3000:]
            raise BenchError(f"{what} exited {record['exit_code']}: {' '.join(argv)}\n{tail}")
    return Sample(record["seconds"], record["peak_rss_kb"] * 1024)


@dataclass(frozen=True)
class Spread:
    """Median, min and max of one number over the rounds."""

    median: float
    low: float
    high: float

    @classmethod
    def of(cls, values: Sequence[float]) -> Spread:
        if not values:
            raise BenchError("no rounds measured")
        return cls(statistics.median(values), min(values), max(values))


def ratios(subject: Sequence[float], floor: Sequence[float]) -> Spread:
    """subject / floor per round (the two measured in the same round), over the rounds."""
    return Spread.of([s / f for s, f in zip(subject, floor, strict=True)])


def child_env(prefect_home: Path, **extra: str) -> dict[str, str]:
    """The environment of a child: this one, with Prefect and GX kept local and quiet and no
    Prefect server configured (each run starts its own temporary one, as `techpact run` does)."""
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    env |= {
        "PREFECT_HOME": str(prefect_home),
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "180",
        "GX_ANALYTICS_ENABLED": "false",
        "COLUMNS": "200",
    }
    return env | extra
