"""Shared test set-up: no network, Prefect and GX kept local and quiet."""

from __future__ import annotations

import os
import sys
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
# The real public sample files; TECHPACT_SHARED_SAMPLES points elsewhere (a test of the
# skip summary points it at a folder that does not exist).
SHARED_SAMPLES = Path(
    os.environ.get("TECHPACT_SHARED_SAMPLES") or REPO_ROOT.parent / "shared" / "samples"
)
SAMPLE_LANDING = REPO_ROOT / "sample" / "landing"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-schema-contract",
        action="store_true",
        help="rewrite tests/contract/published_schema.json from the current build",
    )
    parser.addoption(
        "--update-reliability-doc",
        action="store_true",
        help="rewrite the measured table in docs/reliability.md from this fault-suite run",
    )
    parser.addoption(
        "--update-indicator-fixtures",
        action="store_true",
        help="rewrite tests/fixtures/indicators/<id>.toml from a build of sample/landing",
    )
    parser.addoption(
        "--update-model-fingerprints",
        action="store_true",
        help="rewrite tests/contract/model_fingerprints.json from builds of sample/landing and "
        "the real DUO files in ../shared/samples",
    )


# One reason for every real-file test skipped for want of ../shared, reported from one place:
# pytest's short summary (-ra) folds them all into one line that says why.
MISSING_SHARED_REASON = (
    f"the real sample files are missing: {SHARED_SAMPLES} does not exist "
    "(../shared/samples beside the repository)"
)


def pytest_terminal_summary(terminalreporter, exitstatus: int, config: pytest.Config) -> None:
    """The fault suite's figures (tests/faults), when it ran."""
    if record := sys.modules.get("fault_record"):
        record.terminal_summary(terminalreporter, config)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    """Report every skip for want of ../shared at ``shared_file``, so that they fold."""
    report = yield
    if report.skipped and isinstance(report.longrepr, tuple):
        _, _, reason = report.longrepr
        if MISSING_SHARED_REASON in str(reason):
            report.longrepr = (__file__, _SHARED_FILE_LINE, str(reason))
    return report


def shared_file(relative: str) -> Path:
    """A real public file from ../shared/samples.

    Without ../shared/samples the test fails under CI=true (CI always has it) and is skipped
    elsewhere, every such test with the same reason, counted in one summary line. A file
    missing from a ../shared that is there is a failure.
    """
    path = SHARED_SAMPLES / relative
    if not SHARED_SAMPLES.exists():
        if os.environ.get("CI") == "true":
            pytest.fail(MISSING_SHARED_REASON)
        pytest.skip(MISSING_SHARED_REASON)  # reported at this line for every test
    if not path.exists():  # ../shared is there but lacks this file: the test is wrong
        pytest.fail(f"real sample file {path} is missing from {SHARED_SAMPLES}")
    return path


@pytest.fixture(scope="session")
def prefect_harness():
    """One temporary Prefect server for the few flow-level tests (takes ~10 s to start)."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield


def publish_sample(data_dir: Path, landing_dir: Path = SAMPLE_LANDING) -> str:
    """Build, mark as passed and publish a snapshot without Prefect; returns its id."""
    from techpact.config import Settings
    from techpact.expectations.gate import CheckResult, QualityReport
    from techpact.sources.landing import LandingZone
    from techpact.transforms.catalog import load_catalog
    from techpact.warehouse.build import build_warehouse
    from techpact.warehouse.snapshots import SnapshotStore, new_snapshot_id

    settings = Settings.from_paths(data_dir)
    snapshot_id = new_snapshot_id()
    build = build_warehouse(
        settings.work_dir / f"build-{snapshot_id}.duckdb",
        landing=LandingZone(landing_dir),
        catalog=load_catalog(),
        snapshot_id=snapshot_id,
    )
    report = QualityReport((CheckResult("grain_unique", "critical", "test", True, 0, ()),))
    store = SnapshotStore(settings)
    store.finalise(build, report, snapshot_id=snapshot_id, created_at="2026-01-01T00:00:00+00:00")
    store.publish(snapshot_id)
    return snapshot_id


@pytest.fixture(scope="module")
def published_sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data directory with the bundled sample landing zone published (no Prefect)."""
    data_dir = tmp_path_factory.mktemp("published")
    publish_sample(data_dir)
    return data_dir


_SHARED_FILE_LINE = shared_file.__code__.co_firstlineno
