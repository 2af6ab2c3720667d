"""`techpact fetch --source duo` against a local DUO portal stand-in (TECHPACT_DUO_BASE_URL)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from http_server import ReplayServer, running_server
from test_duo_ckan import package, serve
from typer.testing import CliRunner

from techpact.cli import app

runner = CliRunner()


@pytest.fixture
def replay() -> Iterator[ReplayServer]:
    yield from running_server()


def fetch(replay: ReplayServer, data_dir: Path) -> object:
    return runner.invoke(
        app,
        ["fetch", "--source", "duo", "--dataset", "p01hoinges", "--data-dir", str(data_dir)],
        env={
            "TECHPACT_DUO_BASE_URL": replay.base_url,
            "TECHPACT_DUO_LEGACY_BASE_URL": f"{replay.base_url}/legacy",
            "COLUMNS": "200",
        },
    )


def test_fetch_duo_lands_the_portal_files_and_a_rerun_downloads_nothing(
    replay: ReplayServer, tmp_path: Path
) -> None:
    serve(replay, package(replay))
    first = fetch(replay, tmp_path)
    assert first.exit_code == 0, first.output
    assert "ingeschrevenengeslhbo.csv" in first.output
    assert "landed" in first.output
    landed = sorted(p.name for p in (tmp_path / "landing" / "duo").rglob("*.csv"))
    assert "ingeschrevenengeslhbo.csv" in landed

    replay.requests.clear()
    again = fetch(replay, tmp_path)
    assert again.exit_code == 0, again.output
    assert "unchanged" in again.output
    assert [r.path for r in replay.requests if r.path.endswith(".csv")] == []


def test_fetch_duo_refuses_an_unknown_dataset(tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["fetch", "--source", "duo", "--dataset", "p99", "--data-dir", str(tmp_path)]
    )
    assert result.exit_code == 2
    assert "p01hoinges" in result.output


TWO_DATASETS = ["--dataset", "p01hoinges", "--dataset", "p04hogdipl"]


def test_a_dataset_the_portal_cannot_list_hides_none_of_the_others(
    replay: ReplayServer, tmp_path: Path
) -> None:
    serve(replay, package(replay))  # p01hoinges only: the other package_show calls get 404

    result = runner.invoke(
        app,
        ["fetch", "--source", "duo", "--data-dir", str(tmp_path), *TWO_DATASETS],
        env={
            "TECHPACT_DUO_BASE_URL": replay.base_url,
            "TECHPACT_DUO_LEGACY_BASE_URL": f"{replay.base_url}/legacy",
            "COLUMNS": "200",
        },
    )

    assert result.exit_code == 1
    assert "ingeschrevenengeslhbo.csv" in result.output  # landed and reported
    assert "landed" in result.output
    assert "failed:" in result.output and "p04hogdipl" in result.output
