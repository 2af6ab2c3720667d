"""`techpact snapshots ...`: list, show, diff, rollback, prune and export from the command line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from test_publish import make_snapshot
from test_snapshots_retention import write_run
from typer.testing import CliRunner

from techpact.cli import app
from techpact.config import Settings
from techpact.warehouse.runs import list_run_files
from techpact.warehouse.snapshots import SnapshotStore

runner = CliRunner()


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def two_published(data_dir: Path) -> tuple[str, str]:
    """Two snapshots, both published in turn: the second one is published now."""
    settings = Settings.from_paths(data_dir)
    store = SnapshotStore(settings)
    first, second = make_snapshot(settings), make_snapshot(settings)
    store.publish(first)
    store.publish(second)
    return first, second


def invoke(data_dir: Path, *args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["snapshots", *args], env={"TECHPACT_DATA_DIR": str(data_dir)})
    return result.exit_code, result.output


def test_list_json_gives_sources_with_sha256_and_the_published_marker(
    data_dir: Path, two_published: tuple[str, str]
) -> None:
    first, second = two_published
    for command in (["--json"], ["list", "--json"]):
        code, output = invoke(data_dir, *command)
        assert code == 0, output
        listed = {r["snapshot_id"]: r for r in json.loads(output)}
        assert set(listed) == {first, second}
        assert listed[second]["is_published"] and not listed[first]["is_published"]
        sources = listed[first]["source_files"]
        assert sources and all(len(source["sha256"]) == 64 for source in sources)
        assert listed[first]["is_sample_data"] is True


def test_data_dir_given_to_the_group_reaches_the_subcommand(
    data_dir: Path, two_published: tuple[str, str]
) -> None:
    first, _second = two_published
    result = runner.invoke(app, ["snapshots", "--data-dir", str(data_dir), "show", first])
    assert result.exit_code == 0, result.output
    assert first in result.output


def test_show_prints_sidecar_info_quality_and_tables(
    data_dir: Path, two_published: tuple[str, str]
) -> None:
    first, second = two_published
    code, output = invoke(data_dir, "show", second, "--json")
    assert code == 0, output
    shown = json.loads(output)
    assert shown["sidecar"]["snapshot_id"] == second
    assert shown["snapshot_info"]["snapshot_id"] == second
    assert shown["is_published"] is True
    assert shown["quality_summary"] == {"critical_passed": 1}
    assert shown["tables"]["indicator_values"] == shown["sidecar"]["row_count"]
    code, output = invoke(data_dir, "show", first)
    assert code == 0, output
    assert "indicator_values" in output and "critical_passed: 1" in output


def test_diff_of_two_snapshots_of_the_same_files_says_nothing_changed(
    data_dir: Path, two_published: tuple[str, str]
) -> None:
    code, output = invoke(data_dir, "diff", *two_published)
    assert code == 0, output
    assert "0 added, 0 removed, 0 with a changed value" in output
    code, output = invoke(data_dir, "diff", *two_published, "--json")
    assert json.loads(output)["changed"] == []


def test_rollback_publishes_the_older_snapshot_and_logs_it(
    data_dir: Path, two_published: tuple[str, str]
) -> None:
    first, second = two_published
    code, output = invoke(data_dir, "rollback", first, "--yes")
    assert code == 0, output
    assert f"Published {first} again (was {second})" in output
    store = SnapshotStore(Settings.from_paths(data_dir))
    assert store.published_id() == first
    assert [e.event for e in store.publications()] == ["publish", "publish", "rollback"]


def test_rollback_asks_for_confirmation_and_does_nothing_without_it(
    data_dir: Path, two_published: tuple[str, str]
) -> None:
    first, second = two_published
    store = SnapshotStore(Settings.from_paths(data_dir))
    env = {"TECHPACT_DATA_DIR": str(data_dir)}

    refused = runner.invoke(app, ["snapshots", "rollback", first], input="n\n", env=env)
    assert refused.exit_code == 1
    assert f"Publish {first}" in refused.output and f"in place of {second}" in refused.output
    assert "not rolled back" in refused.output
    assert store.published_id() == second

    confirmed = runner.invoke(app, ["snapshots", "rollback", first], input="y\n", env=env)
    assert confirmed.exit_code == 0, confirmed.output
    assert store.published_id() == first


def test_published_and_latest_stand_for_snapshot_ids(
    data_dir: Path, two_published: tuple[str, str]
) -> None:
    _first, second = two_published
    newest_unpublished = make_snapshot(Settings.from_paths(data_dir))
    code, output = invoke(data_dir, "diff", "published", "latest", "--json")
    assert code == 0, output
    diff = json.loads(output)
    assert (diff["old_id"], diff["new_id"]) == (second, newest_unpublished)

    code, output = invoke(data_dir, "rollback", "latest", "--yes")
    assert code == 0, output
    assert f"Published {newest_unpublished} again (was {second})" in output


def test_an_alias_with_nothing_behind_it_is_refused(data_dir: Path) -> None:
    code, output = invoke(data_dir, "diff", "published", "latest")
    assert code == 1
    assert "nothing is published" in output


def test_prune_shows_first_and_deletes_only_with_yes(
    data_dir: Path, two_published: tuple[str, str]
) -> None:
    first, second = two_published
    store = SnapshotStore(Settings.from_paths(data_dir))
    never_published = make_snapshot(store.settings)

    code, output = invoke(data_dir, "prune", "--keep-last", "0")
    assert code == 0, output
    assert "would delete" in output and "run with --yes" in output
    assert {r.snapshot_id for r in store.list()} == {first, second, never_published}

    code, output = invoke(data_dir, "prune", "--keep-last", "0", "--yes")
    assert code == 0, output
    # the second snapshot is published and the last published version of every period
    assert {r.snapshot_id for r in store.list()} == {second}


OLD_BLOCKED = "20000101T000000Z-00000a"  # blocked long before any snapshot
OLD_REPORT_ONLY = "20000101T000001Z-00000b"  # died after its report, before its record
NEW_BLOCKED = "20991231T235959Z-00000c"  # blocked after the newest snapshot


def test_prune_also_removes_the_runs_of_deleted_snapshots_and_older_blocked_runs(
    data_dir: Path, two_published: tuple[str, str]
) -> None:
    first, second = two_published
    settings = Settings.from_paths(data_dir)
    never_published = make_snapshot(settings)
    for snapshot_id in (first, second, never_published):
        write_run(settings, snapshot_id, status="published")
    write_run(settings, OLD_BLOCKED, status="blocked")
    write_run(settings, OLD_REPORT_ONLY, status=None)
    write_run(settings, NEW_BLOCKED, status="blocked")
    every_run = {r.run_id for r in list_run_files(settings)}

    result = runner.invoke(
        app,
        ["snapshots", "prune", "--keep-last", "0"],
        env={"TECHPACT_DATA_DIR": str(data_dir), "COLUMNS": "200"},
    )

    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    for run_id in (first, never_published, OLD_BLOCKED, OLD_REPORT_ONLY):
        assert any(run_id in line and "would delete" in line for line in lines), run_id
    assert any(second in line and "its snapshot is kept" in line for line in lines)
    [blocked] = [line for line in lines if NEW_BLOCKED in line]
    assert "blocked" in blocked and "newer than the newest kept snapshot" in blocked
    assert "2 snapshot(s) and 4 run(s)" in result.output
    assert {r.run_id for r in list_run_files(settings)} == every_run  # only shown

    code, output = invoke(data_dir, "prune", "--keep-last", "0", "--yes")

    assert code == 0, output
    assert {r.run_id for r in list_run_files(settings)} == {second, NEW_BLOCKED}
    assert not (settings.runs_dir / f"{first}.docs").exists()


def test_export_writes_parquet_and_a_manifest(
    data_dir: Path, two_published: tuple[str, str], tmp_path: Path
) -> None:
    first, _second = two_published
    code, output = invoke(data_dir, "export", first, "--format", "parquet", str(tmp_path / "out"))
    assert code == 0, output
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text())
    assert manifest["snapshot_id"] == first
    assert (tmp_path / "out" / "indicator_values.parquet").exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["show", "../../etc/passwd"], "not a snapshot id"),
        (["show", "20990101T000000Z-abcdef"], "no snapshot 20990101T000000Z-abcdef"),
        (["rollback", "../published/techpact"], "not a snapshot id"),
        (["diff", "20990101T000000Z-abcdef", "20990101T000000Z-abcde0"], "no snapshot"),
        (["export", "newest", "out"], "not a snapshot id"),
    ],
)
def test_ids_that_are_not_known_snapshots_are_errors(
    data_dir: Path, two_published: tuple[str, str], args: list[str], message: str
) -> None:
    code, output = invoke(data_dir, *args)
    assert code == 1
    assert message in " ".join(output.split())
