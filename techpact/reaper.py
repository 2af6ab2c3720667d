"""A watchdog that ends what a killed run leaves running: its temporary Prefect server.

Without a ``PREFECT_API_URL``, a flow starts a temporary Prefect server as a child process
(uvicorn, ~220 MB and a port). ``kill -9`` of the run gives it no chance to stop that child,
which then lives on, orphaned. ``start_reaper()`` starts this module as a small separate
process that watches the run: it notes the run's descendants every half second and, once the
run is gone, sends them SIGTERM (SIGKILL after a grace period) and exits. A run that ends
normally stops its server itself; the reaper then finds nothing left to end.

Linux only (it reads ``/proc``); elsewhere ``start_reaper`` does nothing.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

PROC = Path("/proc")
POLL_S = 0.5
GRACE_S = 5.0


REAPER_ENV = "TECHPACT_REAPER"  # "<reaper pid>:<watched pid>", inherited by child processes


def start_reaper() -> subprocess.Popen[bytes] | None:
    """Watch this process from a separate one (once per process); None where ``/proc`` is not
    available or a reaper watches this process already."""
    if not (PROC / str(os.getpid()) / "stat").exists():
        return None
    reaper_pid, _, watched = os.environ.get(REAPER_ENV, "").partition(":")
    if watched == str(os.getpid()) and reaper_pid.isdigit() and _stat(int(reaper_pid)):
        return None  # a child process inherits the variable but is not watched itself
    reaper = subprocess.Popen(
        [sys.executable, "-m", "techpact.reaper", str(os.getpid())],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # not in the run's process group: a Ctrl-C is the run's
    )
    os.environ[REAPER_ENV] = f"{reaper.pid}:{os.getpid()}"
    return reaper


def _stat(pid: int) -> tuple[int, int] | None:
    """(parent pid, start time) of a live process, or None."""
    try:
        text = (PROC / str(pid) / "stat").read_text()
    except OSError:
        return None
    fields = text.rsplit(")", 1)[1].split()  # the command name may hold spaces
    if fields[0] == "Z":
        return None
    return int(fields[1]), int(fields[19])


def descendants(root: int) -> dict[int, int]:
    """Every live descendant of ``root``: pid -> start time (to never kill a reused pid)."""
    parents: dict[int, list[tuple[int, int]]] = {}
    for entry in PROC.iterdir():
        if entry.name.isdigit() and (stat := _stat(int(entry.name))):
            parents.setdefault(stat[0], []).append((int(entry.name), stat[1]))
    found: dict[int, int] = {}
    todo = [root]
    while todo:
        for pid, started in parents.get(todo.pop(), []):
            if pid not in found:
                found[pid] = started
                todo.append(pid)
    return found


def end(processes: dict[int, int]) -> list[int]:
    """SIGTERM each process still the same one, SIGKILL what is left after the grace period."""
    signalled = []
    for pid, started in processes.items():
        if (stat := _stat(pid)) and stat[1] == started:
            os.kill(pid, signal.SIGTERM)
            signalled.append(pid)
    deadline = time.monotonic() + GRACE_S
    while time.monotonic() < deadline and any(_stat(pid) for pid in signalled):
        time.sleep(0.1)
    for pid in signalled:
        if (stat := _stat(pid)) and stat[1] == processes[pid]:
            os.kill(pid, signal.SIGKILL)
    return signalled


def watch(parent: int) -> None:
    """Follow ``parent``'s descendants until it is gone, then end them."""
    me = os.getpid()
    started = _stat(parent)
    known: dict[int, int] = {}
    while (stat := _stat(parent)) and started and stat[1] == started[1]:
        known = {pid: t for pid, t in descendants(parent).items() if pid != me}
        time.sleep(POLL_S)
    if known:
        end(known)


if __name__ == "__main__":
    watch(int(sys.argv[1]))
