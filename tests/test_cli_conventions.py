"""The command line behaves as people expect of one: -h, --version, shell completion, global
options in any position, choices that say what they accept, --json on every list command."""

from __future__ import annotations

import json
import logging
import shutil
from pathlib import Path

import pytest
from conftest import FIXTURES, SAMPLE_LANDING
from typer.testing import CliRunner

from techpact import __version__
from techpact.cli import app
from techpact.commands.run import command_name, status_line
from techpact.console_log import HideRoutineRecords, configure_console_logging

runner = CliRunner()
WIDE = {"COLUMNS": "200"}


def test_version_and_short_help() -> None:
    version = runner.invoke(app, ["--version"])
    assert version.exit_code == 0
    assert version.output.strip() == f"techpact {__version__}"
    for args in (["-h"], ["run", "-h"], ["snapshots", "diff", "-h"]):
        result = runner.invoke(app, args, env=WIDE)
        assert result.exit_code == 0, result.output
        assert "Usage:" in result.output


def test_shell_completion_can_be_shown_and_installed() -> None:
    result = runner.invoke(app, ["--help"], env=WIDE)
    assert "--install-completion" in result.output and "--show-completion" in result.output


def test_run_help_shows_the_dask_extra_and_the_source_choices() -> None:
    result = runner.invoke(app, ["run", "--help"], env=WIDE)
    assert "pip install 'techpact[dask]'" in " ".join(result.output.split())
    assert "[cbs|duo]" in result.output


def test_the_run_status_line_names_what_it_fetches_and_where() -> None:
    landing = Path("data/landing")
    assert status_line(False, None, landing) == (
        "Fetching CBS and DUO into data/landing, then building from it"
    )
    assert status_line(False, ["duo"], landing) == (
        "Fetching DUO into data/landing, then building from it"
    )
    assert status_line(True, None, landing) == "Building from data/landing"


def test_the_next_commands_are_spelled_the_way_techpact_was_started(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    script = tmp_path / ".venv" / "bin" / "techpact"
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(shutil, "which", lambda name: None)
    assert command_name(str(script)) == ".venv/bin/techpact"
    monkeypatch.setattr(shutil, "which", lambda name: str(script))
    assert command_name(str(script)) == "techpact"


@pytest.mark.parametrize(
    "args",
    [
        ["--data-dir", "{d}", "snapshots", "--json"],
        ["snapshots", "--data-dir", "{d}", "--json"],
        ["snapshots", "list", "--data-dir", "{d}", "--json"],
        ["--data-dir", "{d}", "snapshots", "list", "--json"],
        ["-v", "snapshots", "--data-dir", "{d}", "list", "--json"],
        ["snapshots", "list", "--json", "-v", "--data-dir", "{d}"],
    ],
    ids=" ".join,
)
def test_data_dir_and_verbose_work_in_any_position(
    published_sample: Path, tmp_path: Path, args: list[str]
) -> None:
    elsewhere = tmp_path / "empty"  # TECHPACT_DATA_DIR points elsewhere: the option wins
    result = runner.invoke(
        app,
        [a.replace("{d}", str(published_sample)) for a in args],
        env={"TECHPACT_DATA_DIR": str(elsewhere)},
    )
    assert result.exit_code == 0, result.output
    assert len(json.loads(result.output)) == 1


def test_a_data_dir_after_the_command_wins_over_one_before_it(
    published_sample: Path, tmp_path: Path
) -> None:
    result = runner.invoke(
        app, ["--data-dir", str(published_sample), "snapshots", "--data-dir", str(tmp_path)]
    )
    assert result.exit_code == 0, result.output
    assert "No snapshots" in result.output


@pytest.mark.parametrize(
    "args",
    [
        ["run", "--offline", "--source", "statline"],
        ["fetch", "--source", "statline"],
        [
            "land-file",
            str(FIXTURES / "duo" / "enrolment_by_sex.csv"),
            "--dataset",
            "p01hoinges",
            "--source",
            "cbs",
        ],
    ],
    ids=lambda args: args[0],
)
def test_an_unknown_source_is_a_usage_error_listing_the_choices(
    tmp_path: Path, args: list[str]
) -> None:
    result = runner.invoke(app, [*args, "--data-dir", str(tmp_path)], env=WIDE)
    assert result.exit_code == 2
    assert "Invalid value for '--source'" in result.output


def test_duo_datasets_are_chosen_with_dataset_and_cbs_tables_with_table(tmp_path: Path) -> None:
    duo = runner.invoke(
        app, ["fetch", "--source", "duo", "--table", "p01hoinges", "--data-dir", str(tmp_path)]
    )
    assert duo.exit_code == 2
    assert "--dataset" in duo.output
    cbs = runner.invoke(
        app, ["fetch", "--source", "cbs", "--dataset", "85701NED", "--data-dir", str(tmp_path)]
    )
    assert cbs.exit_code == 2
    assert "--table" in cbs.output


def test_land_file_labels_a_copy_of_a_bundled_sample_file_and_nothing_else(
    tmp_path: Path,
) -> None:
    sample = next(SAMPLE_LANDING.glob("duo/p04hogdipl/*/gediplomeerdenwo.csv"))
    copy = tmp_path / "downloads" / "gediplomeerdenwo.csv"
    copy.parent.mkdir()
    copy.write_bytes(sample.read_bytes())
    not_sample = FIXTURES / "duo" / "enrolment_by_sex.csv"
    for path, dataset in ((copy, "p04hogdipl"), (not_sample, "p01hoinges")):
        result = runner.invoke(
            app,
            ["land-file", str(path), "--dataset", dataset, "--data-dir", str(tmp_path / "d")],
        )
        assert result.exit_code == 0, result.output
    manifests = {
        m.parent.parent.name: json.loads(m.read_text())
        for m in (tmp_path / "d" / "landing").glob("duo/*/*/manifest.json")
    }
    assert manifests["p04hogdipl"]["is_sample_data"] is True
    assert "GENERATED SAMPLE DATA" in manifests["p04hogdipl"]["note"]
    assert manifests["p01hoinges"]["is_sample_data"] is False


@pytest.mark.parametrize(
    "args",
    [
        ["snapshots"],
        ["snapshots", "list"],
        ["snapshots", "show", "published"],
        ["indicators"],
        ["indicators", "show", "jobs_total"],
        ["quality", "published"],
    ],
    ids=" ".join,
)
def test_every_list_command_prints_json(published_sample: Path, args: list[str]) -> None:
    result = runner.invoke(app, [*args, "--json", "--data-dir", str(published_sample)])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)


def record(name: str, level: int, message: str) -> logging.LogRecord:
    return logging.LogRecord(name, level, __file__, 1, message, None, None)


def test_the_terminal_hides_routine_records_unless_verbose() -> None:
    routine = HideRoutineRecords()
    assert not routine.filter(
        record("prefect.task_runs", logging.INFO, "Finished in state Completed()")
    )
    assert not routine.filter(record("great_expectations.data_context", logging.INFO, "Created"))
    assert routine.filter(record("prefect.task_runs", logging.WARNING, "Finished in state Failed"))
    assert routine.filter(
        record("techpact.expectations.gate", logging.INFO, "Quality gate: passed")
    )
    try:
        configure_console_logging(verbose=True)
        assert logging.getLogger("techpact").getEffectiveLevel() == logging.DEBUG
        configure_console_logging(verbose=False)
        assert logging.getLogger("techpact").getEffectiveLevel() == logging.INFO
    finally:
        configure_console_logging(verbose=False)
