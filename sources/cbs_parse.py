"""Pure parsing of CBS StatLine OData v3 responses into tidy rows. No I/O.

Every function takes the bytes of one landed response (and the file name, for errors) and
owns the format's quirks: the ``{"odata.metadata", "value", "odata.nextLink"}`` envelope,
space-padded keys (``'CR12    '``), per-table measure keys (``LeerlingenStudenten_1``) and
dimension names (``RegioS``/``Regio``/...) read from DataProperties, units such as ``x 1 000``,
and period codes ``2023JJ00`` / ``2018SJ00`` / ``2025KW02`` / ``2019MM12`` with provisional
figures marked ``*`` in the period's title (or ``Status`` "Voorlopig").
"""

from __future__ import annotations

import json
import re
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from techpact.sources.cbs_tables import CodeTitle, TableSpec, titles_of
from techpact.sources.errors import SourceFormatError

DIMENSION_TYPES = frozenset({"Dimension", "GeoDimension", "TimeDimension"})
_PERIOD = re.compile(r"^(?P<year>\d{4})(?P<kind>JJ|SJ|KW|MM|HJ|X0)(?P<n>\d{2})$")
_MULTIPLIER = re.compile(r"^x\s*([\d\s.]+)$", re.IGNORECASE)

TIDY_COLUMNS = (
    "source_dataset",
    "classification_year",
    "region_code",
    "period_code",
    "period",
    "period_type",
    "is_provisional",
    "category",
    "measure",
    "value",
    "unit",
)


@dataclass(frozen=True)
class Period:
    code: str
    period: str
    period_type: str
    year: int
    kind: str
    is_provisional: bool


@dataclass(frozen=True)
class Property:
    """One entry of DataProperties."""

    key: str
    title: str
    type: str
    unit: str | None = None


@dataclass(frozen=True)
class TableStructure:
    """What DataProperties says: the dimension names and the topics (measures). A table of
    national figures has no region dimension (``region_key`` None)."""

    region_key: str | None
    period_key: str
    dimensions: tuple[Property, ...]
    topics: tuple[Property, ...]

    def dimension_titled(self, title: str, file_name: str) -> Property:
        for dim in self.dimensions:
            if dim.title.strip().lower() == title.strip().lower():
                return dim
        raise SourceFormatError(
            file_name,
            f"no dimension titled {title!r}; the table has {[d.title for d in self.dimensions]}",
        )


@dataclass(frozen=True)
class Code:
    """One code of a dimension list (trimmed key)."""

    key: str
    title: str
    status: str | None = None


@dataclass(frozen=True)
class Page:
    rows: tuple[dict[str, Any], ...]
    next_link: str | None


def load_envelope(data: bytes, file_name: str) -> dict[str, Any]:
    """The ``{"odata.metadata": ..., "value": [...]}`` envelope every response has."""
    try:
        payload = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        if data.lstrip()[:1] == b"<":  # a proxy's or the portal's error or maintenance page
            start = data.lstrip()[:60].decode("utf-8", "replace")
            raise SourceFormatError(
                file_name, f"an HTML or XML page, not JSON (it starts {start!r})"
            ) from exc
        raise SourceFormatError(file_name, f"not valid JSON ({exc})") from exc
    if not isinstance(payload, dict) or not isinstance(payload.get("value"), list):
        raise SourceFormatError(file_name, "not an OData envelope: no 'value' list")
    return payload


def parse_table_infos(data: bytes, file_name: str) -> dict[str, Any]:
    """The one TableInfos record; its ``Modified`` tells whether the table changed."""
    values = load_envelope(data, file_name)["value"]
    if len(values) != 1 or not isinstance(values[0], dict) or "Modified" not in values[0]:
        raise SourceFormatError(file_name, "TableInfos must hold one record with 'Modified'")
    return values[0]


def parse_data_properties(data: bytes, file_name: str) -> TableStructure:
    """Find the region (GeoDimension, if any), period (TimeDimension) and the Topics."""
    props = []
    for entry in load_envelope(data, file_name)["value"]:
        if not isinstance(entry, dict) or not {"Key", "Type", "Title"} <= entry.keys():
            raise SourceFormatError(file_name, f"DataProperties entry without Key/Type: {entry}")
        props.append(
            Property(
                key=str(entry["Key"]).strip(),
                title=str(entry["Title"]).strip(),
                type=str(entry["Type"]),
                unit=(str(entry["Unit"]).strip() if entry.get("Unit") else None),
            )
        )
    return table_structure(props, file_name)


def table_structure(props: Sequence[Property], file_name: str) -> TableStructure:
    """Dimensions and topics (v3 DataProperties, or v4 Dimensions and MeasureCodes)."""
    geo = [p for p in props if p.type == "GeoDimension"]
    time = [p for p in props if p.type == "TimeDimension"]
    if len(geo) > 1 or len(time) != 1:
        raise SourceFormatError(
            file_name,
            "expected at most one GeoDimension and one TimeDimension, "
            f"found {len(geo)} and {len(time)}",
        )
    return TableStructure(
        region_key=geo[0].key if geo else None,
        period_key=time[0].key,
        dimensions=tuple(p for p in props if p.type in DIMENSION_TYPES),
        topics=tuple(p for p in props if p.type == "Topic"),
    )


def parse_dimension_list(data: bytes, file_name: str) -> tuple[Code, ...]:
    codes = []
    for entry in load_envelope(data, file_name)["value"]:
        if not isinstance(entry, dict) or "Key" not in entry or "Title" not in entry:
            raise SourceFormatError(file_name, f"dimension code without Key/Title: {entry}")
        codes.append(
            Code(
                key=str(entry["Key"]).strip(),
                title=str(entry["Title"]).strip(),
                status=entry.get("Status"),
            )
        )
    return tuple(codes)


def expected_row_count(
    structure: TableStructure,
    code_lists: dict[str, tuple[Code, ...]],
    regions: Sequence[str],
    periods: Sequence[str],
) -> int:
    """How many TypedDataSet rows a filter on ``regions`` and ``periods`` selects.

    A CBS table is a full cube: one row for every combination of dimension codes (a missing
    figure is a null, not a missing row; the real 80137ned feed holds 9 x 15 x 5 = 675 rows).
    So the rows selected are the regions of the code list the filter matches (``substringof``
    on the key) x the periods x every code of each other dimension. Paging that ends early,
    an empty page without a nextLink, or a filter clause the server ignored, all show as a
    different count.
    """
    count = 1
    for dimension in structure.dimensions:
        codes = code_lists[dimension.key]
        if dimension.key == structure.region_key:
            count *= sum(1 for c in codes if any(r in c.key for r in regions))
        elif dimension.key == structure.period_key:
            count *= len(set(periods) & {c.key for c in codes})
        else:
            count *= len(codes)
    return count


def parse_page(data: bytes, file_name: str) -> Page:
    """One data page (v3 TypedDataSet, v4 Observations): its rows and the next link to follow,
    if any (``odata.nextLink`` in v3, ``@odata.nextLink`` in v4)."""
    payload = load_envelope(data, file_name)
    if not all(isinstance(row, dict) for row in payload["value"]):
        raise SourceFormatError(file_name, "data rows must be JSON objects")
    link = payload.get("odata.nextLink", payload.get("@odata.nextLink"))
    if link is not None and not isinstance(link, str):
        raise SourceFormatError(file_name, "odata.nextLink is not a string")
    return Page(rows=tuple(payload["value"]), next_link=link or None)


def decode_period(code: str, title: str | None = None, status: str | None = None) -> Period:
    """``2023JJ00`` -> 2023 (year); ``2018SJ00`` -> 2018/19 (school year); ``2025KW02`` ->
    2025-Q2; ``2019MM12`` -> 2019-12. Provisional when the title carries ``*`` or the status
    says "Voorlopig"."""
    code = code.strip()
    match = _PERIOD.match(code)
    if not match:
        raise ValueError(f"period code {code!r} is not a CBS period code such as 2023JJ00")
    year, kind, n = int(match["year"]), match["kind"], int(match["n"])
    if kind == "JJ":
        period, period_type = str(year), "year"
    elif kind == "SJ":
        period, period_type = f"{year}/{(year + 1) % 100:02d}", "school_year"
    elif kind == "KW" and 1 <= n <= 4:
        period, period_type = f"{year}-Q{n}", "quarter"
    elif kind == "MM" and 1 <= n <= 12:
        period, period_type = f"{year}-{n:02d}", "month"
    else:
        raise ValueError(f"period code {code!r} is not a year, school year, quarter or month")
    provisional = "*" in (title or "") or (status or "").strip().lower().startswith("voorlopig")
    return Period(code, period, period_type, year, kind, provisional)


def unit_multiplier(unit: str | None) -> float:
    """``x 1 000`` -> 1000.0; anything else (aantal, %, euro) -> 1.0."""
    match = _MULTIPLIER.match((unit or "").strip())
    if not match:
        return 1.0
    return float(re.sub(r"[\s.]", "", match.group(1)))


def select_periods(codes: Iterable[Code], spec: TableSpec) -> tuple[Period, ...]:
    """The table's periods that the spec asks for (kind and first year)."""
    chosen = []
    for code in codes:
        try:
            period = decode_period(code.key, code.title, code.status)
        except ValueError:
            continue
        if period.kind in spec.period_types and period.year >= spec.first_year:
            chosen.append(period)
    return tuple(chosen)


def check_region_dimension(structure: TableStructure, spec: TableSpec, file_name: str) -> None:
    """A table has a region dimension, or its spec names the one region (``region_code``)."""
    if structure.region_key is None and spec.region_code is None:
        raise SourceFormatError(
            file_name,
            f"table {spec.id} has no region dimension (GeoDimension): give region_code in "
            "cbs_tables.toml (the region its figures are about, e.g. NL01)",
        )
    if structure.region_key is not None and spec.region_code is not None:
        raise SourceFormatError(
            file_name,
            f"table {spec.id} has region dimension {structure.region_key!r}: drop region_code "
            "from cbs_tables.toml",
        )


def _same_title(a: str, b: str) -> bool:
    """Titles are compared without case and spaces: v3 and v4 spell some topics differently
    ("Nettoarbeidsparticipatie" in the v3 tables, "Netto arbeidsparticipatie" in v4 85224NED)."""
    return "".join(a.split()).lower() == "".join(b.split()).lower()


def match_measures(structure: TableStructure, spec: TableSpec, file_name: str) -> dict[str, str]:
    """Topic key -> role (v4: Measure code -> role), matched by Title (ignoring case and
    spaces) or by Key prefix."""
    found: dict[str, str] = {}
    for measure in spec.measure:
        hits = [
            topic
            for topic in structure.topics
            if (measure.title and _same_title(topic.title, measure.title))
            or (measure.key_prefix and topic.key.startswith(measure.key_prefix))
        ]
        if len(hits) != 1:
            wanted = measure.title or f"key {measure.key_prefix}*"
            raise SourceFormatError(
                file_name,
                f"table {spec.id}: {len(hits)} topics match measure {measure.role!r} "
                f"({wanted!r}); topics: {[t.title for t in structure.topics]}",
            )
        found[hits[0].key] = measure.role
    return found


def _code_titled(
    codes: Sequence[Code], title: CodeTitle, what: str, role: str, file_name: str
) -> str:
    """The key of the code with this title (or the first of its alternative titles). A title
    two codes share (a hierarchical list can repeat one) is refused: either could be meant."""
    for alternative in titles_of(title):
        keys = [c.key for c in codes if c.title.lower() == alternative.lower()]
        if len(keys) > 1:
            raise SourceFormatError(
                file_name,
                f"{what} has {len(keys)} codes titled {alternative!r} ({', '.join(keys)}; wanted "
                f"as {role!r}): name the code by another title",
            )
        if keys:
            return keys[0]
    wanted = " or ".join(repr(t) for t in titles_of(title))
    raise SourceFormatError(
        file_name,
        f"{what} has no code titled {wanted} (wanted as {role!r}); its codes are titled "
        f"{[c.title for c in codes[:20]]}{' ...' if len(codes) > 20 else ''}",
    )


def _refuse_shared_codes(codes_of: dict[str, tuple[str, ...]], what: str, file_name: str) -> None:
    """Two roles that resolve to the same code(s) would lose one of them silently."""
    seen: dict[tuple[str, ...], str] = {}
    for role, codes in codes_of.items():
        if codes in seen:
            raise SourceFormatError(
                file_name,
                f"{what}: categories {seen[codes]!r} and {role!r} are the same code(s) "
                f"{list(codes)}",
            )
        seen[codes] = role


def _cells_by_keys(
    spec: TableSpec,
    structure: TableStructure,
    dimension_codes: dict[str, tuple[Code, ...]],
    file_name: str,
) -> tuple[tuple[str, ...], dict[tuple[str, ...], str]]:
    """For the spec's categories (``TableSpec.category_cells``: a breakdown's, or cells): the
    dimension keys they cross, and the codes (in that order) of each category -> its role."""
    cells = spec.category_cells
    assert cells is not None
    titles = sorted(next(iter(cells.values())))
    dims = [structure.dimension_titled(title, file_name) for title in titles]
    for dim in dims:
        if dim.key in (structure.region_key, structure.period_key):
            raise SourceFormatError(
                file_name,
                f"table {spec.id}: {'cells cross' if spec.cells else 'the breakdown crosses'} "
                f"{dim.title!r}, the region or period dimension, which every tidy row keeps "
                "anyway",
            )
    codes_of = {
        role: tuple(
            _code_titled(
                dimension_codes[dim.key], cell[title], f"dimension {title!r}", role, file_name
            )
            for dim, title in zip(dims, titles, strict=True)
        )
        for role, cell in cells.items()
    }
    _refuse_shared_codes(codes_of, f"categories of {titles}", file_name)
    return tuple(dim.key for dim in dims), {codes: role for role, codes in codes_of.items()}


def tidy_rows(
    spec: TableSpec,
    structure: TableStructure,
    dimension_codes: dict[str, tuple[Code, ...]],
    rows: Iterable[dict[str, Any]],
    *,
    file_name: str,
    regions: Collection[str] | None = None,
) -> pd.DataFrame:
    """TypedDataSet rows -> one tidy row per region x period x category x measure.

    Keys are trimmed; rows outside the fetched regions (``regions``, else the spec's override;
    neither: every region) and the configured periods are dropped (the feed may honour only
    part of a filter); every dimension other than region, period and the breakdown must be
    held at one code by ``spec.fixed``. Values are multiplied out of units such as
    ``x 1 000``; missing values stay null.
    """
    measures = match_measures(structure, spec, file_name)
    check_region_dimension(structure, spec, file_name)
    periods = {p.code: p for p in select_periods(dimension_codes[structure.period_key], spec)}
    wanted = regions if regions is not None else spec.regions
    wanted_regions = set(wanted) if wanted is not None else None
    fixed: dict[str, str] = {}
    for dim_title, code_title in spec.fixed.items():
        dim = structure.dimension_titled(dim_title, file_name)
        fixed[dim.key] = _code_titled(
            dimension_codes[dim.key], code_title, f"dimension {dim_title!r}", "fixed", file_name
        )
    # The category of a row: its codes of the dimensions the categories cross -> the role they
    # are declared as.
    category_keys: tuple[str, ...] = ()
    categories: dict[tuple[str, ...], str] = {}
    if spec.category_cells:
        category_keys, categories = _cells_by_keys(spec, structure, dimension_codes, file_name)
    handled = {structure.region_key, structure.period_key, *fixed, *category_keys} - {None}
    loose = [d.title for d in structure.dimensions if d.key not in handled]
    if loose:
        raise SourceFormatError(
            file_name,
            f"table {spec.id}: dimension(s) {loose} are neither region, period, breakdown "
            "(or cells) nor held fixed in cbs_tables.toml",
        )
    units = {t.key: t.unit for t in structure.topics}
    records = []
    for line, row in enumerate(rows, start=1):
        try:
            region = (
                str(row[structure.region_key]).strip()
                if structure.region_key is not None
                else str(spec.region_code)
            )
            period_code = str(row[structure.period_key]).strip()
            if any(str(row[k]).strip() != v for k, v in fixed.items()):
                continue
            category = "total"
            if category_keys:
                codes = tuple(str(row[key]).strip() for key in category_keys)
                category = categories.get(codes, "")
        except KeyError as exc:
            raise SourceFormatError(file_name, f"row without column {exc}", line=line) from None
        if wanted_regions is not None and region not in wanted_regions:
            continue
        if period_code not in periods or not category:
            continue
        period = periods[period_code]
        for key, role in measures.items():
            if key not in row:
                raise SourceFormatError(file_name, f"row without measure {key!r}", line=line)
            raw = row[key]
            if raw is not None and not isinstance(raw, int | float):
                raise SourceFormatError(
                    file_name, f"value {raw!r} is not a number", line=line, column=key
                )
            records.append(
                (
                    spec.id,
                    spec.classification_year,
                    region,
                    period.code,
                    period.period,
                    period.period_type,
                    period.is_provisional,
                    category,
                    role,
                    None if raw is None else round(float(raw) * unit_multiplier(units[key]), 6),
                    units[key],
                )
            )
    frame = pd.DataFrame.from_records(records, columns=list(TIDY_COLUMNS))
    types = {c: "string" for c in TIDY_COLUMNS}
    types |= {"classification_year": "int32", "is_provisional": "bool", "value": "Float64"}
    return frame.astype(types)


@dataclass(frozen=True)
class TableResponses:
    """The raw responses of one table fetch, as landed (bytes, unchanged)."""

    table_infos: bytes
    data_properties: bytes
    dimensions: dict[str, bytes]
    pages: tuple[bytes, ...]
    measure_codes: bytes | None = None  # v4 only: its Properties, Dimensions and MeasureCodes
    # stand where v3 has TableInfos and DataProperties


def tidy_table(
    spec: TableSpec,
    responses: TableResponses,
    *,
    file_name: str,
    regions: Collection[str] | None = None,
) -> pd.DataFrame:
    """Every data page of one table fetch as tidy rows (see ``tidy_rows``); a v4 fetch is
    read by ``cbs_v4_parse`` into the same structure, code lists and rows."""
    if spec.api == "v4":
        from techpact.sources.cbs_v4_parse import v4_table_parts  # it builds on this module

        structure, codes, rows = v4_table_parts(responses, file_name)
        return tidy_rows(spec, structure, codes, rows, file_name=file_name, regions=regions)
    structure = parse_data_properties(responses.data_properties, f"{file_name} DataProperties")
    codes = {}
    for dim in structure.dimensions:
        if dim.key not in responses.dimensions:
            raise SourceFormatError(file_name, f"the code list of dimension {dim.key} is missing")
        codes[dim.key] = parse_dimension_list(
            responses.dimensions[dim.key], f"{file_name} {dim.key}"
        )
    rows = [
        row
        for number, page in enumerate(responses.pages, start=1)
        for row in parse_page(page, f"{file_name} TypedDataSet page {number}").rows
    ]
    return tidy_rows(spec, structure, codes, rows, file_name=file_name, regions=regions)
