"""`techpact serve`: run the scheduled deployments of prefect.yaml from one process."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

from techpact.commands.common import DEFAULT_DATA_DIR, DataDir, Verbose, console, fail, settings_for


def serve(
    data_dir: DataDir = DEFAULT_DATA_DIR,
    verbose: Verbose = False,
    config: Annotated[
        Path,
        typer.Option("--config", help="The deployments file.", exists=True, dir_okay=False),
    ] = Path("prefect.yaml"),
) -> None:
    """Serve the deployments in prefect.yaml on their schedules (Ctrl-C stops).

    Prefect refuses schedules on its temporary server: start `prefect server start` first
    (`make serve` does both) and set PREFECT_API_URL, e.g. http://127.0.0.1:4200/api.
    """
    settings = settings_for(data_dir)
    if not os.environ.get("PREFECT_API_URL"):
        raise fail(
            "PREFECT_API_URL is not set: schedules need a running Prefect server. Run "
            "`make serve`, or start `prefect server start --host 127.0.0.1` and export "
            "PREFECT_API_URL=http://127.0.0.1:4200/api",
            code=2,
        )
    from prefect import serve as prefect_serve

    from techpact.flows.deployments import DeploymentConfigError, load_specs, runner_deployments

    try:
        deployments = runner_deployments(load_specs(config), settings.data_dir)
    except DeploymentConfigError as exc:
        raise fail(str(exc)) from None
    for deployment in deployments:
        console.print(f"Serving {deployment.name} ({deployment.description})", highlight=False)
    prefect_serve(*deployments)
