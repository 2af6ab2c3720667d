"""The deployments in ``prefect.yaml``, read into typed specs and turned into served deployments.

``prefect.yaml`` stays the one place where schedules and parameters are written down:
``prefect deploy --all`` reads it for workers, and ``techpact serve`` reads it through this
module to serve the same deployments from one process.
"""

from __future__ import annotations

import importlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from prefect import Flow
from prefect.deployments.runner import RunnerDeployment
from prefect.schedules import Cron

_ENTRYPOINT = re.compile(r"^flows/([a-z_]+)\.py:([a-z_]+)$")


class DeploymentConfigError(ValueError):
    """prefect.yaml does not describe deployments techpact can serve."""


@dataclass(frozen=True)
class DeploymentSpec:
    name: str
    entrypoint: str
    description: str
    parameters: dict[str, Any]
    cron: str
    timezone: str
    concurrency_limit: int | None = None
    tags: tuple[str, ...] = field(default_factory=tuple)

    def load_flow(self) -> Flow[Any, Any]:
        """Import the flow of ``flows/<module>.py:<function>`` from the installed package."""
        match = _ENTRYPOINT.match(self.entrypoint)
        if match is None:
            raise DeploymentConfigError(
                f"deployment {self.name}: entrypoint {self.entrypoint!r} is not "
                "flows/<module>.py:<flow>"
            )
        module = importlib.import_module(f"techpact.flows.{match.group(1)}")
        flow = getattr(module, match.group(2), None)
        if not isinstance(flow, Flow):
            raise DeploymentConfigError(f"deployment {self.name}: {self.entrypoint} is not a flow")
        return flow


def load_specs(path: Path) -> list[DeploymentSpec]:
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise DeploymentConfigError(f"{path}: cannot read deployments ({exc})") from exc
    specs = []
    for position, entry in enumerate(document.get("deployments") or [], start=1):
        try:
            [schedule] = entry["schedules"]
            specs.append(
                DeploymentSpec(
                    name=entry["name"],
                    entrypoint=entry["entrypoint"],
                    description=" ".join(str(entry.get("description", "")).split()),
                    parameters=dict(entry.get("parameters") or {}),
                    cron=schedule["cron"],
                    timezone=schedule["timezone"],
                    concurrency_limit=entry.get("concurrency_limit"),
                    tags=tuple(entry.get("tags") or ()),
                )
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise DeploymentConfigError(
                f"{path}: deployment #{position} needs name, entrypoint and exactly one "
                f"schedule with cron and timezone ({exc!r})"
            ) from exc
    if not specs:
        raise DeploymentConfigError(f"{path}: no deployments")
    return specs


def runner_deployments(specs: list[DeploymentSpec], data_dir: Path) -> list[RunnerDeployment]:
    """The specs as deployments ``prefect.serve`` can run, with ``data_dir`` made absolute."""
    deployments = []
    for spec in specs:
        parameters = dict(spec.parameters)
        if "data_dir" in parameters:
            parameters["data_dir"] = str(data_dir.resolve())
        deployments.append(
            spec.load_flow().to_deployment(
                name=spec.name,
                description=spec.description,
                schedules=[Cron(spec.cron, timezone=spec.timezone)],
                parameters=parameters,
                concurrency_limit=spec.concurrency_limit,
                tags=list(spec.tags),
            )
        )
    return deployments
