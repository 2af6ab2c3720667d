"""Shared test set-up: no network, Prefect and GX kept local and quiet."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

# Before anything imports Prefect or GX: keep their state out of the user's home.
_PREFECT_HOME = tempfile.mkdtemp(prefix="techpact-test-prefect-")
os.environ["PREFECT_HOME"] = _PREFECT_HOME
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")
os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
os.environ.setdefault("PREFECT_LOGGING_TO_API_WHEN_MISSING_FLOW", "ignore")

REPO_ROOT = Path(__file__).resolve().parent.parent
SHARED_SAMPLES = REPO_ROOT.parent / "shared" / "samples"
SAMPLE_LANDING = REPO_ROOT / "sample" / "landing"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-schema-contract",
        action="store_true",
        help="rewrite tests/contract/published_schema.json from the current build",
    )


def shared_file(relative: str) -> Path:
    """A real public file from ../shared/samples.

    Missing: the test fails under CI=true (CI always has ../shared) and is skipped elsewhere,
    saying why.
    """
    path = SHARED_SAMPLES / relative
    if not path.exists():
        message = f"real sample file {path} is missing (../shared/samples is not beside the repo)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return path


@pytest.fixture(scope="session")
def prefect_harness():
    """One temporary Prefect server for the few flow-level tests (takes ~10 s to start)."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield
