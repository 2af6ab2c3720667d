"""The quality checks' configuration (expectations/checks.toml), validated when loaded."""

from __future__ import annotations

import tomllib
from importlib import resources
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

Severity = Literal["critical", "warning"]


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    severity: Severity


class GrainCheck(_Section):
    columns: tuple[str, ...] = Field(min_length=1)


class NotNullCheck(_Section):
    columns: tuple[str, ...] = Field(min_length=1)


class PeriodFormatCheck(_Section):
    regex: str


class ValueRangeCheck(_Section):
    pass


class CoverageCheck(_Section):
    required_regions: tuple[str, ...] = Field(min_length=1)


class ChecksConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    grain: GrainCheck
    not_null: NotNullCheck
    period_format: PeriodFormatCheck
    value_range: ValueRangeCheck
    coverage: CoverageCheck


def load_checks_config(path: Path | None = None) -> ChecksConfig:
    path = path or Path(str(resources.files("techpact.expectations").joinpath("checks.toml")))
    try:
        return ChecksConfig.model_validate(tomllib.loads(path.read_text(encoding="utf-8")))
    except (tomllib.TOMLDecodeError, ValidationError) as exc:
        raise ValueError(f"{path}: invalid quality check configuration: {exc}") from exc
