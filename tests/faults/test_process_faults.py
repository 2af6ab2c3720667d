"""Process faults: a run killed with SIGKILL at any point, two runs at once, readers of the
published file, and kill -9 of `techpact run` itself.

A real subprocess runs the steps the build-and-publish flow runs (clean up, build, validate,
finalise, publish, under its run lock) and stops at one point, saying so on stdout; the test
kills it there with SIGKILL. Then: the published file opens and is byte for byte the last good
snapshot, every listed snapshot is complete, and the next clean-up removes what the run left.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import duckdb
import pytest
from conftest import REPO_ROOT, SAMPLE_LANDING
from fault_cases import KILL_POINTS
from fault_record import observe
from processes import cmdline, wait_for
from test_publish import make_snapshot

from techpact.config import Settings
from techpact.reaper import _stat, descendants
from techpact.warehouse.snapshots import SnapshotStore, read_published_snapshot_id

RUN = textwrap.dedent(
    """
    import os, sys, time
    from datetime import UTC, datetime
    from pathlib import Path

    import techpact.expectations.gate as gate
    import techpact.warehouse.build as build_module
    import techpact.warehouse.snapshots as snapshots
    from techpact.config import Settings
    from techpact.expectations.config import load_checks_config
    from techpact.expectations.suites import build_checks
    from techpact.sources.landing import LandingZone
    from techpact.transforms.catalog import load_catalog

    settings = Settings.from_paths(Path(sys.argv[1]), Path(sys.argv[2]))
    stop_at = sys.argv[3]


    def point(name):
        if name == stop_at:
            print(f"AT {name}", flush=True)
            time.sleep(600)  # the test kills us here


    def after(module, name, point_name, when=lambda *a, **k: True):
        original = getattr(module, name)

        def wrapped(*args, **kwargs):
            result = original(*args, **kwargs)
            if when(*args, **kwargs):
                point(point_name)
            return result

        setattr(module, name, wrapped)


    def before(module, name, point_name, when=lambda *a, **k: True):
        original = getattr(module, name)

        def wrapped(*args, **kwargs):
            if when(*args, **kwargs):
                point(point_name)
            return original(*args, **kwargs)

        setattr(module, name, wrapped)


    def is_published(source, target):
        return Path(target) == settings.published_path


    def is_sidecar(path, data):
        return path.parent == settings.snapshots_dir and path.suffix == ".json"


    # staging: the models are built, the build file is open and half written
    after(build_module, "run_models", "staging")
    # validation: the build is read for the checks, nothing is decided yet
    after(gate, "read_tables", "validation")
    # snapshot write: snapshot_info and quality_results are written into the build
    after(snapshots, "apply_comments", "snapshot_write")
    # the snapshot file has been moved into snapshots/, its sidecar is not written yet
    before(snapshots, "write_atomic", "snapshot_without_sidecar", is_sidecar)
    # the copy beside the published file is complete, the rename has not happened
    before(os, "replace", "before_rename", is_published)
    # the rename has happened, the publication log and current.json are not written yet
    after(os, "replace", "after_rename", is_published)

    store = snapshots.SnapshotStore(settings)
    snapshot_id = snapshots.new_snapshot_id()
    with store.run_lock(snapshot_id):
        store.clean_up_interrupted()
        catalog = load_catalog()
        config = load_checks_config().requiring(("CR12",))
        build = build_module.build_warehouse(
            store.build_path_of(snapshot_id),
            landing=LandingZone(settings.landing_dir),
            catalog=catalog,
            snapshot_id=snapshot_id,
        )
        report = gate.validate_build(
            build.path, build_checks(catalog, config), config, [i.id for i in catalog.indicators]
        )
        created_at = datetime.now(UTC).replace(microsecond=0).isoformat()
        store.finalise(build, report, snapshot_id=snapshot_id, created_at=created_at)
        store.publish(snapshot_id)
    print("FINISHED", snapshot_id, flush=True)
    """
)

POINTS = [point for point, _ in KILL_POINTS]


def run_until(settings: Settings, stop_at: str) -> subprocess.Popen[str]:
    """Start a run that stops at ``stop_at``; return once it is there."""
    run = subprocess.Popen(
        [sys.executable, "-c", RUN, str(settings.data_dir), str(SAMPLE_LANDING), stop_at],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    watchdog = threading.Timer(180, run.kill)
    watchdog.start()
    try:
        assert run.stdout is not None
        line = run.stdout.readline().strip()
    finally:
        watchdog.cancel()
    if line != f"AT {stop_at}":
        run.kill()
        _, err = run.communicate()
        pytest.fail(f"the run did not reach {stop_at}: {line!r}\n{err}")
    return run


def leftovers(settings: Settings) -> set[Path]:
    """Every file a finished, cleaned-up data directory would not hold."""
    found = set(settings.work_dir.glob("*")) if settings.work_dir.exists() else set()
    found |= set(settings.published_dir.glob("*.tmp")) | set(settings.snapshots_dir.glob(".*"))
    found |= {
        path
        for path in settings.snapshots_dir.glob("*.duckdb*")
        if not (settings.snapshots_dir / f"{path.name.split('.')[0]}.json").exists()
    }
    return found


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    settings = Settings.from_paths(tmp_path / "data", SAMPLE_LANDING)
    store = SnapshotStore(settings)
    store.publish(make_snapshot(settings))
    return settings


@pytest.mark.parametrize("stop_at", POINTS)
def test_a_run_killed_at_any_point_leaves_the_last_good_snapshot_published(
    settings: Settings, stop_at: str
) -> None:
    store = SnapshotStore(settings)
    [good] = [r.snapshot_id for r in store.list()]
    published_before = settings.published_path.read_bytes()
    started = time.monotonic()

    run = run_until(settings, stop_at)
    os.kill(run.pid, signal.SIGKILL)
    run.wait(timeout=30)

    # The published file opens and is a complete, listed snapshot, byte for byte.
    listed = {r.snapshot_id for r in store.list()}
    in_file = read_published_snapshot_id(settings.published_path)
    assert in_file in listed
    assert settings.published_path.read_bytes() == store.path_of(in_file).read_bytes()
    if stop_at == "after_rename":
        # The rename is the commit point: the new snapshot was published whole.
        assert in_file != good
    else:
        assert in_file == good
        assert settings.published_path.read_bytes() == published_before
    # Every listed snapshot is complete: its file opens and says it is that snapshot.
    for snapshot_id in listed:
        assert read_published_snapshot_id(store.path_of(snapshot_id)) == snapshot_id
    assert len(listed) == (2 if stop_at in ("before_rename", "after_rename") else 1)
    assert leftovers(settings) != set()  # at least the dead run's lock or scratch files

    removed = store.clean_up_interrupted()

    assert removed
    assert leftovers(settings) == set()
    assert store.published_id() == in_file  # pointer and log agree with the file again
    assert store.publications()[-1].snapshot_id == in_file
    assert store.clean_up_interrupted() == []
    with duckdb.connect(str(settings.published_path), read_only=True) as con:
        assert con.execute("select count(*) from indicator_values").fetchone()[0] > 0
    before = sha256_of(published_before)
    observe(
        f"kill-9-at-{stop_at}",
        exit_code=0,  # the system survived: every check above held
        output=f"killed with SIGKILL at {stop_at}; exit {run.returncode}",
        seconds=time.monotonic() - started,
        landing=settings.landing_dir,
        published=None if stop_at == "after_rename" else (before, settings.published_path),
    )


def sha256_of(data: bytes) -> str:
    import hashlib

    return hashlib.sha256(data).hexdigest()


def test_the_next_run_after_a_killed_one_cleans_up_publishes_and_leaves_nothing(
    settings: Settings,
) -> None:
    started = time.monotonic()
    killed = run_until(settings, "snapshot_write")
    os.kill(killed.pid, signal.SIGKILL)
    killed.wait(timeout=30)
    assert leftovers(settings) != set()

    run = subprocess.run(
        [sys.executable, "-c", RUN, str(settings.data_dir), str(SAMPLE_LANDING), "never"],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )

    assert run.returncode == 0, run.stderr
    assert leftovers(settings) == set()
    assert read_published_snapshot_id(settings.published_path) == run.stdout.split()[-1]
    observe(
        "next-run-after-kill",
        exit_code=run.returncode,
        output=run.stdout + run.stderr,
        seconds=time.monotonic() - started,
        landing=settings.landing_dir,
    )


def start_run(settings: Settings) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", RUN, str(settings.data_dir), str(SAMPLE_LANDING), "never"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_two_runs_at_the_same_time_both_publish_one_after_the_other(settings: Settings) -> None:
    store = SnapshotStore(settings)
    started = time.monotonic()

    runs = [start_run(settings), start_run(settings)]
    outputs = [run.communicate(timeout=300) for run in runs]

    assert [run.returncode for run in runs] == [0, 0], outputs
    finished = {out.split()[-1] for out, _ in outputs}
    assert finished <= {r.snapshot_id for r in store.list()}
    assert read_published_snapshot_id(settings.published_path) in finished
    assert settings.published_path.read_bytes() == store.path_of(store.published_id()).read_bytes()
    assert leftovers(settings) == set()
    observe(
        "concurrent-runs",
        exit_code=max(run.returncode for run in runs),
        output="".join(out + err for out, err in outputs),
        seconds=time.monotonic() - started,
        landing=settings.landing_dir,
    )


READER = textwrap.dedent(
    """
    import sys, time
    import duckdb

    con = duckdb.connect(sys.argv[1], read_only=sys.argv[2] == "read_only")
    query = (
        "select (select count(*) from indicator_values), (select snapshot_id from snapshot_info)"
    )
    print("OPEN", *con.execute(query).fetchone(), flush=True)
    sys.stdin.readline()  # the test says when the run is done
    print("STILL", *con.execute(query).fetchone(), flush=True)
    """
)


@pytest.mark.parametrize("mode", ["read_only", "read_write"])
def test_a_reader_holding_the_published_file_open_does_not_stop_a_run(
    settings: Settings, mode: str
) -> None:
    """A BI tool keeps the published file open (the duckdb CLI opens read-write by default) while
    a run publishes: the run succeeds, the reader keeps its consistent view, and the next
    connection sees the new snapshot."""
    old = read_published_snapshot_id(settings.published_path)
    reader = subprocess.Popen(
        [sys.executable, "-c", READER, str(settings.published_path), mode],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert reader.stdin is not None and reader.stdout is not None
    opened = reader.stdout.readline().split()
    assert opened[:1] == ["OPEN"], reader.stderr.read() if reader.stderr else ""
    started = time.monotonic()

    run = subprocess.run(
        [sys.executable, "-c", RUN, str(settings.data_dir), str(SAMPLE_LANDING), "never"],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    seconds = time.monotonic() - started
    reader.stdin.write("done\n")
    reader.stdin.flush()
    still = reader.stdout.readline().split()
    reader.wait(timeout=30)

    assert run.returncode == 0, run.stderr
    assert still == ["STILL", *opened[1:]]  # the reader's view did not change under it
    new = read_published_snapshot_id(settings.published_path)
    assert new == run.stdout.split()[-1] != old
    observe(
        f"{mode.replace('_', '-')}-reader",
        exit_code=run.returncode,
        output=run.stdout + run.stderr,
        seconds=seconds,
        landing=settings.landing_dir,
    )


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc")
def test_kill_9_of_a_run_leaves_no_temporary_prefect_server(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "TECHPACT_REAPER"))}
    started = time.monotonic()
    run = subprocess.Popen(
        [
            str(REPO_ROOT / ".venv" / "bin" / "techpact"),
            "run",
            "--offline",
            "--landing-dir",
            str(SAMPLE_LANDING),
            "--data-dir",
            str(tmp_path / "data"),
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    servers: list[int] = []

    def server_started() -> bool:
        servers[:] = [p for p in descendants(run.pid) if "uvicorn" in cmdline(p)]
        return bool(servers)

    try:
        assert wait_for(server_started, 120), "no temporary Prefect server started"
        time.sleep(1.5)  # the reaper notes descendants every 0.5 s
    finally:
        run.send_signal(signal.SIGKILL)
        run.wait()

    ended = wait_for(lambda: all(_stat(p) is None for p in servers), 20)
    observe(
        "kill-9-of-run",
        exit_code=0,  # the system survived if no server is left
        output=f"killed `techpact run` with SIGKILL; exit {run.returncode}",
        seconds=time.monotonic() - started,
        landing=SAMPLE_LANDING,
        orphans=sum(_stat(p) is not None for p in servers),
    )
    assert ended, f"the temporary Prefect server {servers} outlived the killed run"
