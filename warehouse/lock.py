"""Advisory file locks (``fcntl.flock``) that keep runs from interleaving.

Two kinds:

* the **publish lock** ``published/.lock``: held while the snapshots folder and the published
  file change (finalising, publishing, rolling back, pruning, cleaning up). A second process
  waits for it, bounded, then fails with a message naming the holder;
* a **run lock** ``work/build-<id>.lock``: held by a run for as long as it lives, so that a
  clean-up can tell a live run's scratch files from those of a run that was killed. The kernel
  drops a flock when its process dies, even on SIGKILL, so a lock that can be taken is a dead
  run's.
"""

from __future__ import annotations

import errno
import fcntl
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

POLL_SECONDS = 0.1


class LockTimeout(RuntimeError):
    """Another process held a lock for longer than we were willing to wait."""


@contextmanager
def exclusive_lock(path: Path, *, timeout_seconds: float, what: str) -> Iterator[None]:
    """Hold an exclusive flock on ``path``, waiting at most ``timeout_seconds`` for it.

    The holder's pid is written into the file, so a timeout can say who holds the lock.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline = time.monotonic() + timeout_seconds
        while not _try_flock(fd):
            if time.monotonic() >= deadline:
                raise LockTimeout(
                    f"{what}: another techpact process ({_holder(path)}) has held {path} for "
                    f"more than {timeout_seconds:g} s; wait for it to finish and try again"
                )
            time.sleep(POLL_SECONDS)
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def is_locked(path: Path) -> bool:
    """Whether a live process holds a flock on ``path`` (False when the file does not exist)."""
    try:
        fd = os.open(path, os.O_RDWR)
    except FileNotFoundError:
        return False
    try:
        if _try_flock(fd):
            fcntl.flock(fd, fcntl.LOCK_UN)
            return False
        return True
    finally:
        os.close(fd)


def _try_flock(fd: int) -> bool:
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError as exc:
        if exc.errno in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
            return False
        raise
    return True


def _holder(path: Path) -> str:
    try:
        pid = path.read_text("ascii").strip()
    except OSError:
        pid = ""
    return f"pid {pid}" if pid.isdigit() else "pid unknown"
