"""The command line: help everywhere, clear errors, the data directory honoured."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
from conftest import SAMPLE_LANDING
from typer.main import get_command
from typer.testing import CliRunner

from techpact.cli import app

runner = CliRunner()
SAMPLE_FILE = next(SAMPLE_LANDING.glob("duo/p01hoinges/*/ingeschrevenengeslhbo.csv"))


def all_command_paths() -> list[list[str]]:
    paths: list[list[str]] = []

    def walk(command: typer.core.TyperGroup | object, prefix: list[str]) -> None:
        for name, sub in getattr(command, "commands", {}).items():
            paths.append([*prefix, name])
            walk(sub, [*prefix, name])

    walk(get_command(app), [])
    return paths


def test_top_level_help_lists_the_commands() -> None:
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    for name in ("run", "land-file", "snapshots"):
        assert name in result.output


@pytest.mark.parametrize("path", all_command_paths(), ids=" ".join)
def test_every_command_has_help_with_a_description(path: list[str]) -> None:
    result = runner.invoke(app, [*path, "--help"])
    assert result.exit_code == 0, result.output
    command = get_command(app)
    for name in path:
        command = command.commands[name]  # type: ignore[attr-defined]
    assert command.help, f"`techpact {' '.join(path)}` has no description"


def test_land_file_lands_a_file_with_its_manifest(tmp_path: Path) -> None:
    result = runner.invoke(
        app,
        [
            "land-file",
            "--source",
            "duo",
            "--dataset",
            "p01hoinges",
            str(SAMPLE_FILE),
            "--data-dir",
            str(tmp_path),
        ],
    )
    assert result.exit_code == 0, result.output
    [manifest_path] = (tmp_path / "landing").glob("duo/p01hoinges/*/manifest.json")
    manifest = json.loads(manifest_path.read_text())
    assert manifest["resource"] == "hbo_enrolment_by_sex"
    assert manifest["is_sample_data"] is True  # a bundled sample file stays labelled as one
    assert manifest["byte_size"] == SAMPLE_FILE.stat().st_size
    assert (manifest_path.parent / SAMPLE_FILE.name).read_bytes() == SAMPLE_FILE.read_bytes()
    again = runner.invoke(
        app,
        ["land-file", "--source", "duo", "--dataset", "p01hoinges", str(SAMPLE_FILE)],
        env={"TECHPACT_DATA_DIR": str(tmp_path)},
    )
    assert "Already landed" in again.output


def test_land_file_refuses_a_file_of_another_dataset(tmp_path: Path) -> None:
    result = runner.invoke(
        app,
        ["land-file", "--source", "duo", "--dataset", "p04hogdipl", str(SAMPLE_FILE)],
        env={"TECHPACT_DATA_DIR": str(tmp_path)},
    )
    assert result.exit_code == 2
    assert "p01hoinges" in result.output
    assert not (tmp_path / "landing").exists()


def test_land_file_refuses_a_broken_file_naming_file_line_and_column(tmp_path: Path) -> None:
    broken = tmp_path / "broken.csv"
    lines = SAMPLE_FILE.read_bytes().split(b"\r\n")
    lines[3] = lines[3].rsplit(b",", 1)[0] + b",abc"
    broken.write_bytes(b"\r\n".join(lines))
    result = runner.invoke(
        app,
        ["land-file", "--source", "duo", "--dataset", "p01hoinges", str(broken)],
        env={"TECHPACT_DATA_DIR": str(tmp_path / "data")},
    )
    assert result.exit_code == 1
    assert "broken.csv, line 4, column AANTAL_INGESCHREVENEN" in result.output
    assert not (tmp_path / "data" / "landing").exists()


def test_run_on_an_empty_landing_zone_says_what_is_missing(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    result = runner.invoke(
        app,
        ["run", "--offline", "--landing-dir", str(tmp_path / "empty")],
        env={"TECHPACT_DATA_DIR": str(tmp_path / "data")},
    )
    assert result.exit_code == 1
    assert "duo/hbo_enrolment_by_sex" in result.output
    assert "land-file" in result.output


def test_snapshots_on_a_new_data_dir_says_there_are_none(tmp_path: Path) -> None:
    result = runner.invoke(app, ["snapshots", "--data-dir", str(tmp_path)])
    assert result.exit_code == 0
    assert "No snapshots" in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--accept", "drift_row_count"], "--accept needs --reason"),
        (["--reason", "why"], "--reason goes with --accept"),
        (["--accept", "no_such_check", "--reason", "why"], "no check named ['no_such_check']"),
    ],
)
def test_run_accept_needs_a_reason_and_a_known_check(
    tmp_path: Path, args: list[str], message: str
) -> None:
    """Refused before anything starts: an acceptance is always explained, and names a check."""
    result = CliRunner().invoke(app, ["run", "--offline", "--data-dir", str(tmp_path), *args])

    assert result.exit_code == 2
    assert message in " ".join(result.output.split())
