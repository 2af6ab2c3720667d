"""kill -9 of a run leaves no orphan: the reaper ends its temporary Prefect server."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import REPO_ROOT, SAMPLE_LANDING

from techpact.reaper import _stat, descendants

pytestmark = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc")


def wait_for(predicate, timeout_s: float) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


def cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def kill_parent_of_a_sleeping_child(env: dict[str, str] | None = None) -> int:
    """Start a process that starts the reaper and a long-running child, SIGKILL it; the child."""
    parent = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import subprocess, sys, time; from techpact.reaper import start_reaper; "
            "start_reaper(); child = subprocess.Popen(['sleep', '120']); "
            "print(child.pid, flush=True); time.sleep(120)",
        ],
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )
    assert parent.stdout is not None
    child = int(parent.stdout.readline())
    time.sleep(1.0)  # the reaper has seen the child
    parent.send_signal(signal.SIGKILL)
    parent.wait()
    return child


def test_a_killed_parent_s_children_are_ended() -> None:
    """A process with a long-running child is killed with SIGKILL: the child does not live on."""
    child = kill_parent_of_a_sleeping_child()
    assert wait_for(lambda: _stat(child) is None, 15), "the orphaned child still runs"


def test_a_reaper_inherited_from_a_parent_process_does_not_stand_in_for_its_own() -> None:
    """A run started by a process that has a reaper (a test session, a wrapper script) inherits
    its environment; the run still gets a reaper of its own."""
    from techpact.reaper import start_reaper

    reaper = start_reaper() or pytest.fail("this process should get a reaper")
    try:
        child = kill_parent_of_a_sleeping_child(dict(os.environ))
        assert wait_for(lambda: _stat(child) is None, 15), "the orphaned child still runs"
    finally:
        reaper.kill()
        reaper.wait()
        os.environ.pop("TECHPACT_REAPER", None)


@pytest.mark.prefect
def test_kill_9_of_a_run_leaves_no_temporary_prefect_server(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "TECHPACT_REAPER"))}
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

    assert wait_for(lambda: all(_stat(p) is None for p in servers), 20), (
        f"the temporary Prefect server {servers} outlived the killed run"
    )
