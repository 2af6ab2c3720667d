"""`techpact fetch` overlaps the waits: up to `max_fetches_per_host` tables at once against one
host (TECHPACT_HTTP_MAX_FETCHES_PER_HOST), never more, the region table first."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from http_server import ReplayServer, running_server, serve_sample_cbs
from typer.testing import CliRunner

from techpact.cli import app
from techpact.sources.cbs_tables import load_cbs_tables


@pytest.fixture
def slow_cbs(tmp_path: Path) -> Iterator[ReplayServer]:
    """Every sample table, each response 0.1 s away."""
    for server in running_server():
        serve_sample_cbs(server, tmp_path / "recorded")
        server.latency_s = 0.1
        yield server


def fetch_cbs(server: ReplayServer, data_dir: Path, at_once: int):
    return CliRunner().invoke(
        app,
        ["fetch", "--source", "cbs", "--data-dir", str(data_dir)],
        env={
            "TECHPACT_CBS_BASE_URL": server.base_url,
            "TECHPACT_HTTP_MAX_FETCHES_PER_HOST": str(at_once),
            "COLUMNS": "200",
        },
    )


def test_tables_are_fetched_several_at_once_but_never_more_than_the_setting(
    slow_cbs: ReplayServer, tmp_path: Path
) -> None:
    result = fetch_cbs(slow_cbs, tmp_path, at_once=3)

    assert result.exit_code == 0, result.output
    assert result.output.count(" fetched ") == len(load_cbs_tables().table)
    assert slow_cbs.max_in_flight == 3


def test_one_at_a_time_when_the_setting_says_so(slow_cbs: ReplayServer, tmp_path: Path) -> None:
    result = fetch_cbs(slow_cbs, tmp_path, at_once=1)

    assert result.exit_code == 0, result.output
    assert slow_cbs.max_in_flight == 1


def test_the_region_table_is_fetched_before_any_data_table(
    slow_cbs: ReplayServer, tmp_path: Path
) -> None:
    region_id = load_cbs_tables().region_table.id

    fetch_cbs(slow_cbs, tmp_path, at_once=4)

    tables = [r.path.split("/")[3] for r in slow_cbs.requests]
    last_region_request = max(i for i, t in enumerate(tables) if t == region_id)
    assert set(tables[: last_region_request + 1]) == {region_id}


def test_a_setting_below_one_is_refused_by_name(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app,
        ["fetch", "--source", "cbs", "--data-dir", str(tmp_path)],
        env={"TECHPACT_HTTP_MAX_FETCHES_PER_HOST": "0"},
    )

    assert result.exit_code == 2
    assert "TECHPACT_HTTP_MAX_FETCHES_PER_HOST='0' must be at least 1" in result.output
