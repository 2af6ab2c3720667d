"""Deployments: prefect.yaml is guarded by a snapshot, served as written, and runs on a worker."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import REPO_ROOT, SAMPLE_LANDING

from techpact.flows.deployments import load_specs, runner_deployments

PREFECT_YAML = REPO_ROOT / "prefect.yaml"
CONTRACT = Path(__file__).parent / "contract" / "deployments.json"
PREFECT_BIN = str(Path(sys.executable).parent / "prefect")


def test_the_deployments_match_the_reviewed_snapshot(request: pytest.FixtureRequest) -> None:
    actual = [
        {
            "name": s.name,
            "entrypoint": s.entrypoint,
            "cron": s.cron,
            "timezone": s.timezone,
            "parameters": s.parameters,
            "concurrency_limit": s.concurrency_limit,
        }
        for s in load_specs(PREFECT_YAML)
    ]
    if request.config.getoption("--update-schema-contract"):
        CONTRACT.write_text(json.dumps(actual, indent=2) + "\n")
    assert actual == json.loads(CONTRACT.read_text()), (
        "prefect.yaml changed: rerun with --update-schema-contract and review the diff"
    )


def test_every_deployment_is_scheduled_in_amsterdam_time_and_publishing_runs_alone() -> None:
    specs = load_specs(PREFECT_YAML)
    assert all(s.timezone == "Europe/Amsterdam" for s in specs)
    publishing = [s for s in specs if "publish" in s.tags]
    assert publishing and all(s.concurrency_limit == 1 for s in publishing)


def test_serve_builds_the_same_deployments_with_an_absolute_data_dir(tmp_path: Path) -> None:
    specs = load_specs(PREFECT_YAML)
    deployments = runner_deployments(specs, tmp_path / "data")
    assert [d.name for d in deployments] == [s.name for s in specs]
    for spec, deployment in zip(specs, deployments, strict=True):
        assert deployment.parameters["data_dir"] == str((tmp_path / "data").resolve())
        [schedule] = deployment.schedules
        assert schedule.schedule.cron == spec.cron
        assert schedule.schedule.timezone == spec.timezone


# --- a real local Prefect server and a process worker ----------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _prefect(*args: str, env: dict[str, str], timeout: float = 180) -> str:
    result = subprocess.run(
        [PREFECT_BIN, *args],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    assert result.returncode == 0, f"prefect {' '.join(args)}:\n{result.stdout}\n{result.stderr}"
    return result.stdout


def _api(env: dict[str, str], path: str, body: dict[str, object]) -> list[dict[str, object]]:
    request = urllib.request.Request(
        env["PREFECT_API_URL"] + path,
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())


@pytest.fixture(scope="module")
def prefect_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """`prefect server start` on 127.0.0.1 with its own PREFECT_HOME; yields the client env."""
    home = tmp_path_factory.mktemp("prefect-server")
    port = _free_port()
    env = {
        **os.environ,
        "PREFECT_HOME": str(home),
        "PREFECT_API_URL": f"http://127.0.0.1:{port}/api",
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "PREFECT_SERVER_SERVICES_SCHEDULER_LOOP_SECONDS": "2",
        "TECHPACT_PROJECT_DIR": str(REPO_ROOT),
    }
    log = (home / "server.log").open("w")
    server = subprocess.Popen(
        [PREFECT_BIN, "server", "start",
         "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                with urllib.request.urlopen(env["PREFECT_API_URL"] + "/health", timeout=2):
                    break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise AssertionError((home / "server.log").read_text()) from None
                time.sleep(0.5)
        yield env
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()


@pytest.mark.prefect
def test_deployed_schedules_create_runs_and_a_worker_executes_one(
    prefect_server: dict[str, str], tmp_path: Path
) -> None:
    env = prefect_server
    _prefect("work-pool", "create", "techpact-process", "--type", "process", env=env)
    _prefect("--no-prompt", "deploy", "--all", env=env)

    deadline = time.monotonic() + 60
    scheduled: list[dict[str, object]] = []
    while not scheduled and time.monotonic() < deadline:
        scheduled = _api(
            env, "/flow_runs/filter", {"flow_runs": {"state": {"type": {"any_": ["SCHEDULED"]}}}}
        )
        time.sleep(1)
    assert scheduled, "the scheduler created no run for the deployed schedules"

    data_dir = tmp_path / "data"
    _prefect(
        "deployment", "run", "build-and-publish/build-and-publish",
        "--param", f"data_dir={data_dir}",
        "--param", f"landing_dir={SAMPLE_LANDING}",
        env=env,
    )  # fmt: skip
    _prefect("worker", "start", "--pool", "techpact-process", "--run-once", env=env, timeout=300)

    runs = _api(env, "/flow_runs/filter", {})
    [ran] = [r for r in runs if r["parameters"].get("data_dir") == str(data_dir)]
    assert ran["state"]["type"] == "COMPLETED", ran["state"]["message"]
    assert (data_dir / "published" / "techpact.duckdb").exists()
