"""kill -9 of a run leaves no orphan: the reaper ends what the run started.

kill -9 of a real `techpact run` is a case of the fault suite (tests/faults/test_process_faults.py).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from processes import wait_for

from techpact.reaper import _stat

pytestmark = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc")


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
    watcher = subprocess.Popen(
        [sys.executable, "-m", "techpact.reaper", str(os.getpid())],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        env = dict(os.environ) | {"TECHPACT_REAPER": f"{watcher.pid}:{os.getpid()}"}
        child = kill_parent_of_a_sleeping_child(env)
        assert wait_for(lambda: _stat(child) is None, 15), "the orphaned child still runs"
    finally:
        watcher.kill()
        watcher.wait()
