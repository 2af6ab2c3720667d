"""The indicator catalog: declarative, validated when it is loaded."""

from __future__ import annotations

import tomllib
from importlib import resources
from pathlib import Path
from typing import Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

IDENTIFIER = r"^[a-z][a-z0-9_]*$"
# Breakdown columns of indicator_values, in column order. An indicator declares the ones it has;
# the others hold 'total' for its rows. Values: sex = male | female | unknown | total;
# education_level = mbo | hbo | wo | total.
Breakdown = Literal["sex", "education_level", "institution"]
BREAKDOWN_COLUMNS: tuple[str, ...] = get_args(Breakdown)
# Region levels of the region table, from the finest up; period types of indicator_values.
RegionLevel = Literal["gemeente", "corop", "provincie", "landsdeel", "land"]
REGION_LEVELS: tuple[str, ...] = get_args(RegionLevel)
PeriodType = Literal["year", "school_year"]
PERIOD_TYPES: tuple[str, ...] = get_args(PeriodType)


class CatalogError(ValueError):
    """The indicator catalog is not valid; the message names the entry and the field."""


class Target(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    value: float
    year: int
    note: str


class Grain(BaseModel):
    """What one row of an indicator is for: a region level x a period x its breakdowns."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    region_levels: tuple[RegionLevel, ...] = Field(min_length=1)
    period_type: PeriodType
    breakdowns: tuple[Breakdown, ...] = ()

    @model_validator(mode="after")
    def _no_repeats(self) -> Grain:
        for name in ("region_levels", "breakdowns"):
            values = getattr(self, name)
            if len(set(values)) != len(values):
                raise ValueError(f"{name} lists a value twice: {list(values)}")
        return self


class Indicator(BaseModel):
    """One published indicator."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=IDENTIFIER)
    title_nl: str = Field(min_length=3)
    title_en: str = Field(min_length=3)
    definition: str = Field(min_length=20)
    unit: Literal["count", "fraction", "percent", "ratio"]
    action_point: int = Field(ge=1, le=5)
    source: Literal["duo", "cbs"]
    source_dataset: str = Field(min_length=1)
    resources: tuple[str, ...] = Field(min_length=1)
    counted_by: Literal["programme_location", "residence", "workplace", "institution"]
    model: str = Field(pattern=IDENTIFIER)
    grain: Grain
    valid_min: float | None = None
    valid_max: float | None = None
    direction: Literal["higher_is_better", "lower_is_better", "neutral"]
    target: Target | None = None

    @model_validator(mode="after")
    def _range_is_ordered(self) -> Indicator:
        if (
            self.valid_min is not None
            and self.valid_max is not None
            and self.valid_min > self.valid_max
        ):
            raise ValueError(f"valid_min {self.valid_min} is above valid_max {self.valid_max}")
        return self

    @property
    def breakdowns(self) -> tuple[str, ...]:
        """The breakdown columns this indicator fills (the others hold 'total')."""
        return self.grain.breakdowns


class Catalog(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    indicators: tuple[Indicator, ...]

    def get(self, indicator_id: str) -> Indicator:
        for indicator in self.indicators:
            if indicator.id == indicator_id:
                return indicator
        raise KeyError(indicator_id)

    def only(self, source: str) -> Catalog:
        """The indicators of one source."""
        return Catalog(indicators=tuple(i for i in self.indicators if i.source == source))

    @property
    def resources(self) -> tuple[tuple[str, str], ...]:
        """Every (source, resource) some indicator needs, in first-use order."""
        seen: dict[tuple[str, str], None] = {}
        for indicator in self.indicators:
            for resource in indicator.resources:
                seen[(indicator.source, resource)] = None
        return tuple(seen)


def default_catalog_dir() -> Path:
    """``transforms/indicators/``: one TOML file per theme, merged into one catalog."""
    return Path(str(resources.files("techpact.transforms").joinpath("indicators")))


def parse_catalog(text: str, *, origin: str) -> Catalog:
    """Validate one catalog TOML text; errors name the entry (by id or position) and field."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise CatalogError(f"{origin}: not valid TOML ({exc})") from exc
    unknown = set(data) - {"indicator"}
    if unknown:
        raise CatalogError(f"{origin}: unknown top-level key(s) {sorted(unknown)}")
    entries = data.get("indicator", [])
    if not entries:
        raise CatalogError(f"{origin}: no [[indicator]] entries")
    indicators = []
    for position, entry in enumerate(entries, start=1):
        label = f"indicator #{position} ({entry.get('id', 'no id')!s})"
        try:
            indicators.append(Indicator.model_validate(entry))
        except ValidationError as exc:
            problems = "; ".join(
                f"field {'.'.join(str(p) for p in err['loc']) or '(entry)'}: {err['msg']}"
                for err in exc.errors()
            )
            raise CatalogError(f"{origin}: {label}: {problems}") from exc
    ids = [i.id for i in indicators]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise CatalogError(f"{origin}: duplicate indicator id(s) {duplicates}")
    return Catalog(indicators=tuple(indicators))


def load_catalog(folder: Path | None = None) -> Catalog:
    """Every ``*.toml`` file of the catalog folder, in name order, as one catalog."""
    folder = folder or default_catalog_dir()
    files = sorted(folder.glob("*.toml"))
    if not files:
        raise CatalogError(f"{folder}: no indicator catalog files (*.toml)")
    indicators = [
        indicator
        for path in files
        for indicator in parse_catalog(
            path.read_text(encoding="utf-8"), origin=str(path)
        ).indicators
    ]
    ids = [i.id for i in indicators]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise CatalogError(f"{folder}: indicator id(s) {duplicates} defined more than once")
    return Catalog(indicators=tuple(indicators))
