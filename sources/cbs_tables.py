"""The declarative list of CBS tables (``cbs_tables.toml``), validated when it is loaded.

Two kinds of entry: data tables (``kind = "data"``, the default: measures by region and
period) and the one region-hierarchy table (``kind = "region_hierarchy"``: CBS "Gebieden in
Nederland <year>", whose topics are codes and names of the regions each gemeente lies in).
"""

from __future__ import annotations

import re
import tomllib
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    Tag,
    ValidationError,
    model_validator,
)

TABLE_ID = r"^[0-9A-Za-z]{5,12}$"
ROLE = r"^[a-z][a-z0-9_]*$"
REGION_KEY = re.compile(r"^[A-Z]{2}[0-9A-Z]{2,6}$")
# Which CBS API serves a table (docs/cbs.md "APIs"):
#   v3       metadata and code lists from ODataApi, data pages from ODataFeed (no row limit)
#   v3_feed  everything from ODataFeed
#   v3_api   everything from ODataApi, whose queries are limited to 10,000 records: the data
#            request is split by period (and region) to stay under it
#   v4       datasets.cbs.nl/odata/v1/CBS/<id>: Properties, Dimensions, MeasureCodes,
#            <Dim>Codes, Observations
Api = Literal["v3", "v3_feed", "v3_api", "v4"]


class CbsTablesError(ValueError):
    """``cbs_tables.toml`` is not valid; the message names the table and the field."""


class MeasureSpec(BaseModel):
    """One Topic, found by its Title (exact, case-insensitive) or the start of its Key."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    role: str = Field(pattern=ROLE)
    title: str | None = None
    key_prefix: str | None = None

    @model_validator(mode="after")
    def _one_matcher(self) -> MeasureSpec:
        if (self.title is None) == (self.key_prefix is None):
            raise ValueError("give exactly one of title or key_prefix")
        return self


# A dimension code by its Title, or by the titles CBS has given it over the years (the first one
# a table's code list has is used): e.g. the education levels renamed in 2025.
CodeTitle = Annotated[str, Field(min_length=1)] | tuple[Annotated[str, Field(min_length=1)], ...]


def titles_of(title: CodeTitle) -> tuple[str, ...]:
    """The titles a code may have (one, or the alternatives in order)."""
    return (title,) if isinstance(title, str) else title


def _normal(title: str) -> str:
    """Dimensions are found by title ignoring case and outer spaces."""
    return title.strip().lower()


def _bad_roles(roles: list[str]) -> list[str]:
    return [r for r in roles if not re.match(ROLE, r)]


class BreakdownSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    dimension: str = Field(min_length=1)
    categories: dict[str, CodeTitle] = Field(min_length=1)

    @model_validator(mode="after")
    def _roles_are_identifiers(self) -> BreakdownSpec:
        bad = _bad_roles(list(self.categories))
        if bad:
            raise ValueError(f"category roles {bad} are not lower-case identifiers")
        if any(not titles_of(t) for t in self.categories.values()):
            raise ValueError("a category needs at least one title")
        return self


class TableSpec(BaseModel):
    """One CBS table to fetch, and how its cells map onto techpact's tidy rows.

    ``regions`` is an optional override: without it the regions to fetch follow the pact
    regions through the region hierarchy (``cbs_regions.regions_to_fetch``). A table without a
    region dimension (national figures) names the one region its rows are about in
    ``region_code`` instead (e.g. ``NL01``).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: Literal["data"] = "data"
    id: str = Field(pattern=TABLE_ID)
    api: Api = "v3"
    region_code: str | None = None
    resource: str = Field(pattern=ROLE)
    title: str = Field(min_length=3)
    classification_year: int = Field(ge=1990, le=2100)
    regions: tuple[str, ...] | None = Field(default=None, min_length=1)
    first_year: int = Field(ge=1900, le=2100)
    period_types: tuple[Literal["JJ", "SJ", "KW", "MM"], ...] = Field(min_length=1)
    measure: tuple[MeasureSpec, ...] = Field(min_length=1)
    breakdown: BreakdownSpec | None = None
    # Instead of a breakdown: categories that are cells of several dimensions, each cell naming
    # a code (by Title) of every one of the same dimensions, e.g. youth "not in education" x "not
    # working" and "total" x "total" for NEET.
    cells: dict[str, dict[str, CodeTitle]] | None = None
    fixed: dict[str, str] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _valid_regions_and_roles(self) -> TableSpec:
        bad = [
            r
            for r in (*(self.regions or ()), self.region_code or "NL01")
            if not REGION_KEY.match(r)
        ]
        if bad:
            raise ValueError(f"region keys {bad} are not CBS region keys such as CR12")
        roles = [m.role for m in self.measure]
        if len(set(roles)) != len(roles):
            raise ValueError(f"measure roles {roles} repeat")
        if self.region_code is not None and self.regions is not None:
            raise ValueError(
                "give regions (a table with a region dimension) or region_code "
                "(a table without one), not both"
            )
        if self.cells is not None:
            self._check_cells(self.cells)
        return self

    @property
    def category_cells(self) -> dict[str, dict[str, CodeTitle]] | None:
        """The categories as cells, role -> {dimension title: code title}: a breakdown's are
        cells of its one dimension. None: every row is the category 'total'."""
        if self.breakdown is not None:
            dimension = self.breakdown.dimension
            return {role: {dimension: t} for role, t in self.breakdown.categories.items()}
        return self.cells

    def _check_cells(self, cells: dict[str, dict[str, CodeTitle]]) -> None:
        if self.breakdown is not None:
            raise ValueError("give breakdown (one dimension) or cells (several), not both")
        if not cells:
            raise ValueError("cells names no category")
        bad = _bad_roles(list(cells))
        if bad:
            raise ValueError(f"cell roles {bad} are not lower-case identifiers")
        dimensions = {role: frozenset(map(_normal, cell)) for role, cell in cells.items()}
        first_role, crossed = next(iter(dimensions.items()))
        if not crossed:
            raise ValueError(f"cell {first_role!r} names no dimension")
        for role, named in dimensions.items():
            if named != crossed:
                raise ValueError(
                    f"cell {role!r} names dimensions {sorted(named)}, cell {first_role!r} "
                    f"{sorted(crossed)}: every cell must name a code of the same dimensions"
                )
        if any(not titles_of(t) for cell in cells.values() for t in cell.values()):
            raise ValueError("a cell needs at least one title for each of its codes")
        held = sorted(d for d in self.fixed if _normal(d) in crossed)
        if held:
            raise ValueError(f"dimension(s) {held} are in cells and held fixed")


class RegionLevels(BaseModel):
    """The TopicGroup title (as in DataProperties) holding each level's Code and Naam topics."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    gemeente: str = Field(min_length=1)
    corop: str = Field(min_length=1)
    provincie: str = Field(min_length=1)
    landsdeel: str = Field(min_length=1)


class RegionTableSpec(BaseModel):
    """CBS "Gebieden in Nederland <year>": one row per gemeente, with the code and name of the
    COROP region, provincie and landsdeel it lies in. Topics are found by the title of their
    TopicGroup (``levels``) and their own title (``code_topic`` / ``name_topic``), never by
    key: keys such as ``Code_10`` move between years. Fetched whole (no region or period
    filter)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: Literal["region_hierarchy"]
    id: str = Field(pattern=TABLE_ID)
    resource: str = Field(pattern=ROLE)
    title: str = Field(min_length=3)
    classification_year: int = Field(ge=1990, le=2100)
    levels: RegionLevels
    code_topic: str = Field(default="Code", min_length=1)
    name_topic: str = Field(default="Naam", min_length=1)


def _entry_kind(entry: Any) -> str:
    kind = entry.get("kind", "data") if isinstance(entry, dict) else getattr(entry, "kind", None)
    return str(kind)


AnyTableSpec = Annotated[
    Annotated[TableSpec, Tag("data")] | Annotated[RegionTableSpec, Tag("region_hierarchy")],
    Discriminator(_entry_kind),
]


class CbsTables(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    table: tuple[AnyTableSpec, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _one_region_table(self) -> CbsTables:
        regions = [t.id for t in self.table if isinstance(t, RegionTableSpec)]
        if len(regions) > 1:
            raise ValueError(f"more than one region_hierarchy table: {regions}")
        return self

    def get(self, table_id: str) -> TableSpec | RegionTableSpec:
        for spec in self.table:
            if spec.id.lower() == table_id.lower():
                return spec
        raise KeyError(table_id)

    @property
    def data_tables(self) -> tuple[TableSpec, ...]:
        return tuple(t for t in self.table if isinstance(t, TableSpec))

    @property
    def region_table(self) -> RegionTableSpec | None:
        """The "Gebieden in Nederland" table, if one is configured."""
        return next((t for t in self.table if isinstance(t, RegionTableSpec)), None)

    def for_resource(self, resource: str) -> tuple[TableSpec, ...]:
        """The data tables feeding one raw resource, oldest classification first."""
        return tuple(
            sorted(
                (t for t in self.data_tables if t.resource == resource),
                key=lambda t: t.classification_year,
            )
        )

    @property
    def resources(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(t.resource for t in self.table))


def default_tables_path() -> Path:
    return Path(str(resources.files("techpact.sources").joinpath("cbs_tables.toml")))


def parse_cbs_tables(text: str, *, origin: str) -> CbsTables:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise CbsTablesError(f"{origin}: not valid TOML ({exc})") from exc
    try:
        tables = CbsTables.model_validate(data)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            loc = list(err["loc"])
            where = ""
            if len(loc) >= 2 and loc[0] == "table" and isinstance(loc[1], int):
                entry = data.get("table", [])[loc[1]]
                where = f"table #{loc[1] + 1} ({entry.get('id', 'no id')}): "
                loc = loc[2:]
                if loc and loc[0] in ("data", "region_hierarchy"):  # the union's tag
                    loc = loc[1:]
            problems.append(f"{where}field {'.'.join(map(str, loc)) or '(entry)'}: {err['msg']}")
        raise CbsTablesError(f"{origin}: {'; '.join(problems)}") from exc
    ids = [t.id.lower() for t in tables.table]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise CbsTablesError(f"{origin}: table id(s) {duplicates} listed more than once")
    return tables


def load_cbs_tables(path: Path | None = None) -> CbsTables:
    path = path or default_tables_path()
    return parse_cbs_tables(path.read_text(encoding="utf-8"), origin=str(path))
