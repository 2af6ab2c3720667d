"""The snapshot lifecycle: publication log, rollback, locks, clean-up, readers across it all."""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest
from test_publish import make_snapshot, published_snapshot_id

from techpact.config import Settings
from techpact.warehouse.lock import LockTimeout, exclusive_lock, is_locked
from techpact.warehouse.publications import append_event, read_events
from techpact.warehouse.retention import plan_prune
from techpact.warehouse.snapshots import SnapshotError, SnapshotStore

READER = textwrap.dedent(
    """
    import sys, duckdb
    con = duckdb.connect(sys.argv[1], read_only=True)
    for _ in range(4):
        snapshot_id = con.execute("select snapshot_id from snapshot_info").fetchone()[0]
        row_count = con.execute("select count(*) from indicator_values").fetchone()[0]
        print(snapshot_id, row_count, flush=True)
        sys.stdin.readline()  # wait while the test changes what is published
    """
)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings.from_paths(tmp_path / "data")


def test_every_publication_is_appended_to_the_log_and_the_pointer_follows(
    settings: Settings,
) -> None:
    store = SnapshotStore(settings)
    first, second = make_snapshot(settings), make_snapshot(settings)

    store.publish(first)
    store.publish(second)
    event = store.rollback(first)

    assert [
        (e.sequence, e.event, e.snapshot_id, e.previous_snapshot_id)
        for e in read_events(store.publication_log)
    ] == [
        (1, "publish", first, None),
        (2, "publish", second, first),
        (3, "rollback", first, second),
    ]
    assert event.sequence == 3
    assert store.published_id() == first
    assert published_snapshot_id(settings) == first
    assert settings.published_path.read_bytes() == store.path_of(first).read_bytes()
    assert {r.snapshot_id for r in store.list()} == {first, second}  # nothing deleted


def test_rollback_refuses_unknown_malformed_and_already_published_ids(settings: Settings) -> None:
    store = SnapshotStore(settings)
    first = make_snapshot(settings)
    store.publish(first)
    with pytest.raises(SnapshotError, match="not a snapshot id"):
        store.rollback("../published/techpact")
    with pytest.raises(SnapshotError, match="no snapshot 20200101T000000Z-abcdef"):
        store.rollback("20200101T000000Z-abcdef")
    with pytest.raises(SnapshotError, match="published snapshot already"):
        store.rollback(first)
    assert len(store.publications()) == 1


def test_a_torn_last_line_of_the_log_is_skipped_and_the_next_event_starts_a_new_line(
    tmp_path: Path,
) -> None:
    log = tmp_path / "publications.jsonl"
    append_event(
        log, event="publish", snapshot_id="a", previous_snapshot_id=None, published_at="t1"
    )
    with log.open("ab") as handle:
        handle.write(b'{"event": "publish", "seq')  # a writer killed mid-line
    append_event(
        log, event="rollback", snapshot_id="b", previous_snapshot_id="a", published_at="t2"
    )

    assert [(e.sequence, e.snapshot_id) for e in read_events(log)] == [(1, "a"), (2, "b")]
    assert log.read_bytes().count(b"\n") == 3


def test_a_second_publisher_waits_for_the_lock_and_then_publishes(settings: Settings) -> None:
    store = SnapshotStore(settings)
    first, second = make_snapshot(settings), make_snapshot(settings)
    store.publish(first)
    publisher = threading.Thread(target=store.publish, args=(second,))

    with store.publish_lock("a test holding the lock"):
        publisher.start()
        time.sleep(0.5)
        assert publisher.is_alive()  # waiting, not interleaving
        assert published_snapshot_id(settings) == first
    publisher.join(timeout=30)

    assert not publisher.is_alive()
    assert published_snapshot_id(settings) == second
    assert [e.snapshot_id for e in store.publications()] == [first, second]


def test_a_publisher_that_waits_too_long_fails_naming_the_lock_holder(settings: Settings) -> None:
    impatient = SnapshotStore(dataclasses.replace(settings, publish_lock_timeout_seconds=0.3))
    first, second = make_snapshot(settings), make_snapshot(settings)
    impatient.publish(first)
    before = settings.published_path.read_bytes()

    with (
        SnapshotStore(settings).publish_lock(),
        pytest.raises(LockTimeout, match=rf"pid {os.getpid()}\).*more than 0.3 s"),
    ):
        impatient.publish(second)

    assert settings.published_path.read_bytes() == before
    assert len(impatient.publications()) == 1


def test_a_lock_is_free_again_when_its_holder_is_killed(tmp_path: Path) -> None:
    lock = tmp_path / "held.lock"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import fcntl, os, sys, time\n"
            "fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT)\n"
            "fcntl.flock(fd, fcntl.LOCK_EX)\n"
            "print('held', flush=True)\n"
            "time.sleep(600)\n",
            str(lock),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        assert is_locked(lock)
        with pytest.raises(LockTimeout), exclusive_lock(lock, timeout_seconds=0.2, what="test"):
            pass
    finally:
        holder.kill()
        holder.wait()
    assert not is_locked(lock)
    with exclusive_lock(lock, timeout_seconds=0, what="test"):
        assert is_locked(lock)


def test_clean_up_removes_leftovers_of_dead_runs_and_keeps_those_of_live_ones(
    settings: Settings,
) -> None:
    store = SnapshotStore(settings)
    good = make_snapshot(settings)
    store.publish(good)
    dead_build = store.build_path_of("20261129T090000Z-dead00")
    dead_build.write_bytes(b"half a build")
    (dead_build.parent / "build-20261129T090000Z-dead00.lock").write_bytes(b"")
    live_build = store.build_path_of("20261129T090000Z-a11ce0")
    half_swap = settings.published_dir / ".techpact.duckdb.x1y2z3.tmp"
    half_swap.write_bytes(b"half a copy")
    sidecarless = store.path_of("20261129T090000Z-00dead")
    sidecarless.write_bytes(b"no sidecar")
    sidecarless.chmod(0o444)
    half_sidecar = settings.snapshots_dir / ".20261129T090000Z-00dead.json.abc.tmp"
    half_sidecar.write_bytes(b"{")

    with store.run_lock("20261129T090000Z-a11ce0"):
        live_build.write_bytes(b"a build in progress")
        removed = store.clean_up_interrupted()
        assert live_build.exists()

    assert set(removed) == {
        dead_build,
        dead_build.parent / "build-20261129T090000Z-dead00.lock",
        half_swap,
        sidecarless,
        half_sidecar,
    }
    assert [r.snapshot_id for r in store.list()] == [good]
    assert published_snapshot_id(settings) == good
    # once that run has ended (its lock released and removed), its files are a dead run's
    assert store.clean_up_interrupted() == [live_build]


def test_clean_up_records_a_published_file_that_a_killed_run_swapped_in(
    settings: Settings,
) -> None:
    store = SnapshotStore(settings)
    first, second = make_snapshot(settings), make_snapshot(settings)
    store.publish(first)
    # A run killed right after the rename: the file is new, the pointer and log are not.
    os.replace(
        _copy(store.path_of(second), settings.published_dir / "x.tmp"), settings.published_path
    )
    assert store.published_id() == first

    store.clean_up_interrupted()

    assert store.published_id() == second
    last = store.publications()[-1]
    assert (last.event, last.snapshot_id, last.previous_snapshot_id) == ("recovered", second, first)


def test_a_reader_keeps_its_view_across_publish_rollback_and_prune(settings: Settings) -> None:
    store = SnapshotStore(settings)
    first, second, never_published = (make_snapshot(settings) for _ in range(3))
    store.publish(first)
    reader = subprocess.Popen(
        [sys.executable, "-c", READER, str(settings.published_path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    views: list[str] = []
    seen_by_new_connections: list[str] = []
    try:
        assert reader.stdout is not None and reader.stdin is not None

        def reader_view() -> str:
            line = reader.stdout.readline()  # type: ignore[union-attr]
            assert line, reader.stderr.read()  # type: ignore[union-attr]
            return line.split()[0]

        def change(action: object) -> None:
            views.append(reader_view())
            assert callable(action)
            action()
            seen_by_new_connections.append(published_snapshot_id(settings))
            reader.stdin.write("next\n")  # type: ignore[union-attr]
            reader.stdin.flush()  # type: ignore[union-attr]

        change(lambda: store.publish(second))
        change(lambda: store.rollback(first))
        change(lambda: store.delete(list(plan_prune(store, keep_last=0).delete)))
        views.append(reader_view())
        reader.stdin.write("done\n")
        reader.stdin.flush()
        assert reader.wait(timeout=60) == 0, reader.stderr.read()
    finally:
        reader.kill()
    assert views == [first] * 4  # the open connection keeps its consistent view
    assert seen_by_new_connections == [second, first, first]
    assert {r.snapshot_id for r in store.list()} == {first}
    assert not store.path_of(second).exists() and not store.path_of(never_published).exists()


def test_delete_never_deletes_the_published_snapshot(settings: Settings) -> None:
    store = SnapshotStore(settings)
    first = make_snapshot(settings)
    store.publish(first)
    with pytest.raises(SnapshotError, match="published and is never deleted"):
        store.delete([first])
    assert store.path_of(first).exists()


def _copy(source: Path, target: Path) -> Path:
    target.write_bytes(source.read_bytes())
    return target
