"""The indicator catalog: declarative, validated when it is loaded."""

from __future__ import annotations

import tomllib
from importlib import resources
from pathlib import Path
from typing import Literal, TypeVar, get_args

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


Entry = TypeVar("Entry", bound=BaseModel)


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


class Gap(BaseModel):
    """An indicator the pact asks for that no open source publishes (per region): listed, not
    left out, so that a reader sees what is missing and why."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=IDENTIFIER)
    title_nl: str = Field(min_length=3)
    title_en: str = Field(min_length=3)
    action_point: int = Field(ge=1, le=5)
    why: str = Field(min_length=20)
    nearest_source: str | None = None  # the closest open figure, e.g. a national one


class Catalog(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    indicators: tuple[Indicator, ...]
    gaps: tuple[Gap, ...] = ()

    def get(self, indicator_id: str) -> Indicator:
        for indicator in self.indicators:
            if indicator.id == indicator_id:
                return indicator
        raise KeyError(indicator_id)

    def only(self, source: str) -> Catalog:
        """The indicators of one source (no gaps: they have no source)."""
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
    """Validate one catalog TOML text of ``[[indicator]]`` and ``[[gap]]`` entries; errors name
    the entry (by id or position) and field."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise CatalogError(f"{origin}: not valid TOML ({exc})") from exc
    unknown = set(data) - {"indicator", "gap"}
    if unknown:
        raise CatalogError(f"{origin}: unknown top-level key(s) {sorted(unknown)}")
    if not data.get("indicator") and not data.get("gap"):
        raise CatalogError(f"{origin}: no [[indicator]] entries")
    catalog = Catalog(
        indicators=_entries(Indicator, data.get("indicator", []), "indicator", origin),
        gaps=_entries(Gap, data.get("gap", []), "gap", origin),
    )
    _refuse_duplicate_ids(catalog, origin)
    return catalog


def _entries(
    model: type[Entry], entries: list[dict[str, object]], kind: str, origin: str
) -> tuple[Entry, ...]:
    parsed = []
    for position, entry in enumerate(entries, start=1):
        label = f"{kind} #{position} ({entry.get('id', 'no id')!s})"
        try:
            parsed.append(model.model_validate(entry))
        except ValidationError as exc:
            problems = "; ".join(
                f"field {'.'.join(str(p) for p in err['loc']) or '(entry)'}: {err['msg']}"
                for err in exc.errors()
            )
            raise CatalogError(f"{origin}: {label}: {problems}") from exc
    return tuple(parsed)


def _refuse_duplicate_ids(catalog: Catalog, where: str, defined: str = "") -> None:
    """An id names one indicator or one gap, never two entries."""
    ids = [i.id for i in catalog.indicators] + [g.id for g in catalog.gaps]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise CatalogError(f"{where}: duplicate indicator id(s) {duplicates}{defined}")


def load_catalog(folder: Path | None = None) -> Catalog:
    """Every ``*.toml`` file of the catalog folder, in name order, as one catalog."""
    folder = folder or default_catalog_dir()
    files = sorted(folder.glob("*.toml"))
    if not files:
        raise CatalogError(f"{folder}: no indicator catalog files (*.toml)")
    parts = [parse_catalog(path.read_text(encoding="utf-8"), origin=str(path)) for path in files]
    catalog = Catalog(
        indicators=tuple(i for part in parts for i in part.indicators),
        gaps=tuple(g for part in parts for g in part.gaps),
    )
    _refuse_duplicate_ids(catalog, str(folder), " defined more than once")
    return catalog
