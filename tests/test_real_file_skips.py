"""Without ../shared/samples the real-file tests are skipped, and the run says so once."""

from __future__ import annotations

import os
import subprocess
import sys

from conftest import REPO_ROOT


def test_missing_shared_samples_skip_the_real_file_tests_with_one_summary_line() -> None:
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    env["TECHPACT_SHARED_SAMPLES"] = str(REPO_ROOT / "no-such-folder" / "samples")
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "tests/test_duo_real_files.py",
        ],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    lines = result.stdout.splitlines()
    assert result.returncode == 0, result.stdout + result.stderr
    [summary] = [line for line in lines if line.startswith("SKIPPED")]
    assert summary.startswith("SKIPPED [") and "tests/conftest.py" in summary
    assert "real sample files are missing" in summary
    assert "no-such-folder/samples does not exist" in summary
    assert "failed" not in lines[-1] and "skipped" in lines[-1]
