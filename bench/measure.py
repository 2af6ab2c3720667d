"""Timing and memory of one step: a function in this process or a child process.

A child's peak RSS comes from ``os.wait4`` on its pid (``ru_maxrss``, kilobytes on Linux):
the largest resident set of the child or of any descendant it waited for (the temporary
Prefect server is one), not their sum.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path


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
    """Run ``argv`` to its end; its wall time and peak RSS. A non-zero exit is a BenchError
    quoting the end of its output."""
    with tempfile.TemporaryFile() as output:
        start = time.perf_counter()
        child = subprocess.Popen(argv, env=env, stdout=output, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - start
        child.returncode = os.waitstatus_to_exitcode(status)  # reaped here, not by Popen
        if child.returncode != 0:
            output.seek(0)
            tail = output.read().decode("utf-8", "replace")[-3000:]
            raise BenchError(f"{what} exited {child.returncode}: {' '.join(argv)}\n{tail}")
    return Sample(seconds, usage.ru_maxrss * 1024)


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
