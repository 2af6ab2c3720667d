"""`techpact quality [SNAPSHOT]`: the summary of the last run, or of one run or snapshot."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from techpact.cli import app
from techpact.config import Settings
from techpact.warehouse.runs import RunRecord, record_run, run_docs_dir

BLOCKED_ID = "20261129T090000Z-aaaaaa"
PASSED_ID = "20261129T100000Z-bbbbbb"

FAILED_CHECK = {
    "check_name": "required_regions_present",
    "severity": "critical",
    "description": "CR12 and NL01 for every period",
    "success": False,
    "unexpected_count": 1,
    "failing_keys": [{"indicator_id": "x", "period": "2023/24", "region_code": "[bold]CR12"}],
}
PASSED_CHECK = {
    "check_name": "grain_unique",
    "severity": "critical",
    "description": "one row per key",
    "success": True,
    "unexpected_count": 0,
    "failing_keys": [],
}
WARNING_CHECK = {
    "check_name": "drift_value_jump",
    "severity": "warning",
    "description": "no jumps",
    "success": False,
    "unexpected_count": 3,
    "failing_keys": [{"region_code": "GM0153"}],
}


def run_record(run_id: str, status: str, results: list[dict], started_at: str) -> RunRecord:
    return RunRecord(
        run_id=run_id,
        started_at=started_at,
        finished_at=started_at,
        status=status,
        landing_dir="/landing",
        snapshot_id=run_id if status == "published" else None,
        is_sample_data=True,
        quality_status="blocked" if status == "blocked" else "passed_with_warnings",
        quality_results=results,
    )


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


def quality(data_dir: Path, *args: str):
    # Wide enough that rich does not fold check names and keys across lines.
    return CliRunner().invoke(
        app, ["quality", *args, "--data-dir", str(data_dir)], env={"COLUMNS": "250"}
    )


def test_the_last_run_blocked_exits_1_and_names_the_failed_check(data_dir: Path) -> None:
    settings = Settings.from_paths(data_dir)
    record_run(settings, run_record(PASSED_ID, "published", [PASSED_CHECK], "2026-11-29T10:00"))
    record_run(
        settings,
        run_record(
            BLOCKED_ID.replace("09", "11", 1), "blocked", [FAILED_CHECK], "2026-11-29T11:00"
        ),
    )

    result = quality(data_dir)

    assert result.exit_code == 1, result.output
    assert "blocked" in result.output
    assert "required_regions_present" in result.output
    assert "GENERATED SAMPLE DATA" in result.output  # the run record says is_sample_data
    # A value that looks like rich markup is printed as it is.
    assert "[bold]CR12" in result.output


def test_the_last_run_published_with_warnings_exits_0(data_dir: Path) -> None:
    settings = Settings.from_paths(data_dir)
    record_run(settings, run_record(BLOCKED_ID, "blocked", [FAILED_CHECK], "2026-11-29T09:00"))
    record_run(
        settings,
        run_record(PASSED_ID, "published", [PASSED_CHECK, WARNING_CHECK], "2026-11-29T10:00"),
    )

    result = quality(data_dir)

    assert result.exit_code == 0, result.output
    assert PASSED_ID in result.output
    assert "passed_with_warnings" in result.output
    assert "drift_value_jump" in result.output


def test_json_gives_the_run_and_its_checks_with_the_same_exit_status(data_dir: Path) -> None:
    settings = Settings.from_paths(data_dir)
    record_run(settings, run_record(BLOCKED_ID, "blocked", [FAILED_CHECK], "2026-11-29T09:00"))
    record_run(
        settings,
        run_record(PASSED_ID, "published", [PASSED_CHECK, WARNING_CHECK], "2026-11-29T10:00"),
    )

    passed = quality(data_dir, "--json")
    assert passed.exit_code == 0, passed.output
    payload = json.loads(passed.output)
    assert (payload["run_id"], payload["status"]) == (PASSED_ID, "published")
    assert payload["quality_status"] == "passed_with_warnings"
    assert [c["check_name"] for c in payload["checks"]] == ["grain_unique", "drift_value_jump"]

    blocked = quality(data_dir, BLOCKED_ID, "--json", "--failures")
    assert blocked.exit_code == 1
    assert [c["check_name"] for c in json.loads(blocked.output)["checks"]] == [
        "required_regions_present"
    ]


def test_a_named_blocked_run_exits_1_even_when_a_later_run_passed(data_dir: Path) -> None:
    settings = Settings.from_paths(data_dir)
    record_run(settings, run_record(BLOCKED_ID, "blocked", [FAILED_CHECK], "2026-11-29T09:00"))
    record_run(settings, run_record(PASSED_ID, "published", [PASSED_CHECK], "2026-11-29T10:00"))

    assert quality(data_dir, BLOCKED_ID).exit_code == 1
    assert quality(data_dir, PASSED_ID).exit_code == 0


def test_failures_only_hides_the_checks_that_passed(data_dir: Path) -> None:
    settings = Settings.from_paths(data_dir)
    record_run(
        settings,
        run_record(PASSED_ID, "published", [PASSED_CHECK, WARNING_CHECK], "2026-11-29T10:00"),
    )

    result = quality(data_dir, "--failures")

    assert "drift_value_jump" in result.output
    assert "grain_unique" not in result.output


def test_a_snapshot_without_a_run_record_is_read_from_its_quality_results(
    data_dir: Path,
) -> None:
    snapshots = data_dir / "snapshots"
    snapshots.mkdir(parents=True)
    with duckdb.connect(str(snapshots / f"{PASSED_ID}.duckdb")) as con:
        con.execute(
            "create table quality_results (snapshot_id varchar, check_name varchar, "
            "severity varchar, success boolean, unexpected_count bigint, failing_keys varchar, "
            "description varchar)"
        )
        con.execute(
            "insert into quality_results values (?, ?, ?, ?, ?, ?, ?)",
            [PASSED_ID, "drift_value_jump", "warning", False, 3, json.dumps([{"a": 1}]), "d"],
        )
        con.execute("create table snapshot_info as select false as is_sample_data")

    result = quality(data_dir, PASSED_ID)

    assert result.exit_code == 0, result.output
    assert "published" in result.output
    assert "drift_value_jump" in result.output
    assert '{"a": 1}' in result.output
    assert "SAMPLE" not in result.output


def test_the_quality_report_of_the_run_is_pointed_to(data_dir: Path) -> None:
    settings = Settings.from_paths(data_dir)
    record_run(settings, run_record(PASSED_ID, "published", [PASSED_CHECK], "2026-11-29T10:00"))
    docs = run_docs_dir(settings, PASSED_ID)
    docs.mkdir()
    (docs / "index.html").write_text("<html></html>")

    result = quality(data_dir)

    assert f"Quality report: {(docs / 'index.html').as_uri()}" in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        pytest.param([], "no runs recorded", id="no-runs-yet"),
        pytest.param([PASSED_ID], "no run record or snapshot", id="unknown-id"),
        pytest.param(["../../etc/passwd"], "is not a snapshot id", id="not-an-id"),
    ],
)
def test_nothing_to_show_is_an_error(data_dir: Path, args: list[str], message: str) -> None:
    result = quality(data_dir, *args)

    assert result.exit_code == 1
    assert message in result.output


def test_the_duration_of_each_stage_is_shown_in_run_order(data_dir: Path) -> None:
    settings = Settings.from_paths(data_dir)
    record = run_record(PASSED_ID, "published", [PASSED_CHECK], "2026-11-29T10:00")
    stages = {"publish": 0.3, "build": 1.0, "validate": 6.25, "fetch": 2.5}  # as JSON sorts them
    record_run(settings, replace(record, stage_seconds=stages))

    result = quality(data_dir)

    assert "Stages (10.1 s): fetch 2.5 s, build 1.0 s, validate 6.2 s, publish 0.3 s" in (
        result.output
    )
