"""The quality checks' configuration (expectations/checks.toml), validated when loaded."""

from __future__ import annotations

import re
import tomllib
from importlib import resources
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

Severity = Literal["critical", "warning"]

IDENTIFIER = r"^[a-z][a-z0-9_]*$"
IndicatorId = Annotated[str, Field(pattern=IDENTIFIER)]
# A measure is one indicator id, or a list of indicator ids whose values are summed (every one
# of them must have a row for the region x period x breakdown).
Measure = IndicatorId | Annotated[tuple[IndicatorId, ...], Field(min_length=1)]


def measure_ids(measure: str | tuple[str, ...]) -> tuple[str, ...]:
    return (measure,) if isinstance(measure, str) else measure


def measure_label(measure: str | tuple[str, ...]) -> str:
    return " + ".join(measure_ids(measure))


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    severity: Severity


class GrainCheck(_Section):
    columns: tuple[str, ...] = Field(min_length=1)


class NotNullCheck(_Section):
    columns: tuple[str, ...] = Field(min_length=1)


class PeriodFormatCheck(_Section):
    regex: str
    # period_type -> the form its periods take ('year' -> '^[0-9]{4}$').
    by_period_type: dict[str, str] = Field(default_factory=dict)


class ValueRangeCheck(_Section):
    pass


class UnitCheck(_Section):
    pass


class DeclaredGrainCheck(_Section):
    """Every row of an indicator has a region level and period type its catalog grain declares."""


class SourceRowsUniqueCheck(_Section):
    """No data line of a landed source file repeats another line's key (table source_duplicates)."""


class CoverageCheck(_Section):
    required_regions: tuple[str, ...] = Field(min_length=1)


class TableGrainCheck(_Section):
    """A hand-written rule for one table: one row per ``columns``."""

    name: str = Field(pattern=IDENTIFIER)
    table: str = Field(pattern=IDENTIFIER)
    columns: tuple[str, ...] = Field(min_length=1)
    description: str = Field(min_length=3)

    @field_validator("columns")
    @classmethod
    def _identifiers(cls, columns: tuple[str, ...]) -> tuple[str, ...]:
        bad = [c for c in columns if not re.match(IDENTIFIER, c)]
        if bad:
            raise ValueError(f"column name(s) {bad} are not plain identifiers")
        return columns


class AtMostRule(_Section):
    """``part`` <= ``whole`` for every region x period x breakdown both have."""

    name: str = Field(pattern=IDENTIFIER)
    part: Measure
    whole: Measure


class ShareRule(_Section):
    """``share`` equals ``numerator / denominator`` within ``tolerance``."""

    name: str = Field(pattern=IDENTIFIER)
    share: IndicatorId
    numerator: Measure
    denominator: Measure
    tolerance: float = Field(ge=0)


class GemeenteSumRule(_Section):
    tolerance: float = Field(ge=0)
    # Sources whose gemeenten add up to their COROP exactly (DUO counts every location).
    sources: tuple[Literal["duo", "cbs"], ...] = ("duo", "cbs")


class ConsistencyConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    at_most: tuple[AtMostRule, ...] = ()
    share: tuple[ShareRule, ...] = ()
    gemeente_sum: GemeenteSumRule

    @model_validator(mode="after")
    def _unique_names(self) -> ConsistencyConfig:
        names = [r.name for r in (*self.at_most, *self.share)]
        duplicates = sorted({n for n in names if names.count(n) > 1})
        if duplicates:
            raise ValueError(f"consistency rule name(s) {duplicates} are used more than once")
        return self


class RowCountDrift(_Section):
    max_relative_change: float = Field(gt=0)


class ValueJumpDrift(_Section):
    max_relative_change: float = Field(gt=0)
    min_previous_count: float = Field(ge=0)
    max_fraction_change: float = Field(gt=0)


class DisappearedDrift(_Section):
    pass


class DriftConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    row_count: RowCountDrift
    value_jump: ValueJumpDrift
    published_value: ValueJumpDrift
    regions_disappeared: DisappearedDrift
    periods_disappeared: DisappearedDrift


class ChecksConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    grain: GrainCheck
    not_null: NotNullCheck
    period_format: PeriodFormatCheck
    value_range: ValueRangeCheck
    unit: UnitCheck
    declared_grain: DeclaredGrainCheck
    coverage: CoverageCheck
    source_rows_unique: SourceRowsUniqueCheck
    table_grain: tuple[TableGrainCheck, ...] = ()
    consistency: ConsistencyConfig
    drift: DriftConfig

    def requiring(self, regions: tuple[str, ...]) -> ChecksConfig:
        """This configuration with ``regions`` (the pact regions, as codes) required first,
        then the ``required_regions`` configured in checks.toml."""
        required = tuple(dict.fromkeys((*regions, *self.coverage.required_regions)))
        coverage = self.coverage.model_copy(update={"required_regions": required})
        return self.model_copy(update={"coverage": coverage})


def load_checks_config(path: Path | None = None) -> ChecksConfig:
    path = path or Path(str(resources.files("techpact.expectations").joinpath("checks.toml")))
    try:
        return ChecksConfig.model_validate(tomllib.loads(path.read_text(encoding="utf-8")))
    except (tomllib.TOMLDecodeError, ValidationError) as exc:
        raise ValueError(f"{path}: invalid quality check configuration: {exc}") from exc
