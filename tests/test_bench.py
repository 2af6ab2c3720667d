"""The benchmark script keeps working as the pipeline grows (its ratios are not judged here:
timings belong to `make bench`, never to tests)."""

from __future__ import annotations

import subprocess
import sys

from conftest import REPO_ROOT


def test_the_benchmark_runs_end_to_end_on_a_small_input() -> None:
    result = subprocess.run(
        [sys.executable, str(REPO_ROOT / "bench" / "run.py"), "--rows", "3000", "--repeat", "1"],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode in (0, 1), result.stderr  # 1 = a ratio above target, not a crash
    for measure in ("parse time", "parse peak memory", "build time"):
        assert measure in result.stdout
