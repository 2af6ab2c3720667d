"""`techpact run` fetches from a local stand-in for CBS, builds and publishes; run again right
after, it reports "nothing new": no data downloaded, nothing rebuilt or published."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import SAMPLE_LANDING
from http_server import ReplayServer, running_server, serve_sample_cbs
from test_pipeline import no_flow_expected
from typer.testing import CliRunner

from techpact.cli import app
from techpact.config import HttpSettings
from techpact.flows import pipeline
from techpact.sources.cbs_tables import load_cbs_tables

pytestmark = pytest.mark.prefect


@pytest.fixture
def cbs_server(tmp_path: Path) -> Iterator[ReplayServer]:
    for server in running_server():
        serve_sample_cbs(server, tmp_path / "recorded")
        yield server


def test_run_fetches_builds_and_a_second_run_reports_nothing_new(
    prefect_harness: None,
    cbs_server: ReplayServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    landing = tmp_path / "landing"
    shutil.copytree(SAMPLE_LANDING / "duo", landing / "duo")  # DUO landed by hand before
    args = ["run", "--source", "cbs", "--landing-dir", str(landing), "--data-dir", str(tmp_path)]
    env = {"TECHPACT_CBS_BASE_URL": cbs_server.base_url, "COLUMNS": "200"}

    first = CliRunner().invoke(app, args, env=env)
    assert first.exit_code == 0, first.output
    assert "fetched" in first.output
    assert "Published" in first.output
    snapshots = sorted((tmp_path / "snapshots").glob("*.duckdb"))
    assert len(snapshots) == 1
    [record] = (tmp_path / "runs").glob("*.json")
    assert {"fetch", "build", "validate", "publish"} == set(
        json.loads(record.read_text())["stage_seconds"]
    )
    cbs_server.requests.clear()

    with monkeypatch.context() as patched:  # decided before any flow starts
        patched.setattr(pipeline, "run_pipeline", no_flow_expected)
        second = CliRunner().invoke(app, args, env=env)

    assert second.exit_code == 0, second.output
    tables = len(load_cbs_tables().table)
    assert f"Checked {tables} CBS tables: none changed upstream" in second.output
    assert "Nothing new" in second.output
    assert len(cbs_server.requests) == tables  # one TableInfos each
    assert cbs_server.requests_to("TypedDataSet") == []
    assert sorted((tmp_path / "snapshots").glob("*.duckdb")) == snapshots


def test_run_can_fetch_with_a_dask_task_runner(
    prefect_harness: None, cbs_server: ReplayServer, tmp_path: Path
) -> None:
    landing = tmp_path / "landing"
    shutil.copytree(SAMPLE_LANDING / "duo", landing / "duo")
    result = CliRunner().invoke(
        app,
        [
            "run", "--source", "cbs", "--dask", "local",
            "--landing-dir", str(landing), "--data-dir", str(tmp_path),
        ],
        env={"TECHPACT_CBS_BASE_URL": cbs_server.base_url, "COLUMNS": "200"},
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "Published" in result.output
    fetched = {r.path.split("/")[3] for r in cbs_server.requests_to("TypedDataSet")}
    # every table of cbs_tables.toml, the region table (Gebieden in Nederland) among them
    assert fetched == {spec.id for spec in load_cbs_tables().table}


def test_the_dask_option_picks_a_local_cluster_or_a_scheduler_address() -> None:
    from prefect_dask import DaskTaskRunner

    from techpact.flows.pipeline import fetch_task_runner

    assert fetch_task_runner(None) is None
    local = fetch_task_runner("local")
    assert isinstance(local, DaskTaskRunner)
    assert local.cluster_kwargs["n_workers"] == HttpSettings().max_fetches_per_host
    remote = fetch_task_runner("tcp://127.0.0.1:8786")
    assert isinstance(remote, DaskTaskRunner)
    assert remote.address == "tcp://127.0.0.1:8786"
