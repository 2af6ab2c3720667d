"""CBS StatLine OData v3 client: fetch a table's metadata and data pages into the landing zone.

Thin I/O. For one table of ``cbs_tables.toml`` (``fetch_table``):

1. ``ODataApi/odata/<ID>/TableInfos``: if its ``Modified`` equals the one of the last complete
   fetch in the landing zone, stop: status ``unchanged``, no data page requested.
2. ``DataProperties`` and every dimension's code list (``RegioS``, ``Perioden``, ...: names
   read from DataProperties, never assumed).
3. ``ODataFeed/odata/<ID>/TypedDataSet`` with ``$filter`` on the configured regions and
   periods, following ``odata.nextLink`` page by page (a repeated link is an error, as is a
   page that is not an OData JSON envelope).
4. The responses are parsed (``cbs_parse.tidy_table``) before anything lands, so a table whose
   topics or dimensions do not match the configuration lands nothing. Then every response lands
   unchanged (source ``cbs``, dataset = table id, resource ``<resource>__<role>``) and, last, a
   fetch-batch marker ``fetch-batch.json`` (resource = the configured resource) listing the
   sha256 of every file of the fetch. Readers use only fetches whose marker exists, so an
   interrupted fetch is never read.

Which regions a data table fetches: its ``regions`` override, else the pact regions through
the region hierarchy (``region_hierarchy``: the newest landed "Gebieden in Nederland" fetch,
else the bundled seed): each pact region, its gemeenten, its provincie and NL01. The marker
records the regions asked for; a table whose ``Modified`` is unchanged is fetched again when it
lacks some of them (a pact region was added).

The region-hierarchy table (``kind = "region_hierarchy"``, CBS "Gebieden in Nederland <year>")
goes through the same steps without a filter (the whole table: one row per gemeente, no period
dimension), parsed by ``cbs_regions.parse_region_table`` before it lands.

Which service serves each step is the table's ``api`` (``V3_SERVICES``): by default
metadata from ODataApi and data from ODataFeed; ``v3_feed`` everything from ODataFeed;
``v3_api`` everything from ODataApi, whose 10,000-record limit is kept by splitting the data
request (``plan_queries``); ``v4`` the OData v4 API (``cbs_v4``: Properties instead of
TableInfos, then Dimensions, MeasureCodes, code lists and Observations), landed the same way.
A table without a region dimension names its region in ``region_code`` and is filtered on
periods only.

Errors are ``CbsFetchError`` naming the table and the URL.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

from techpact.config import DEFAULT_CBS_V4_BASE_URL, DEFAULT_PACT_REGIONS, HttpSettings
from techpact.sources import http as http_layer
from techpact.sources.cbs_parse import (
    DIMENSION_TYPES,
    Code,
    TableResponses,
    TableStructure,
    expected_row_count,
    load_envelope,
    parse_data_properties,
    parse_dimension_list,
    parse_page,
    parse_table_infos,
    select_periods,
    tidy_table,
)
from techpact.sources.cbs_regions import (
    SEED_FILE,
    RegionError,
    RegionRecord,
    gebieden_source_note,
    parse_region_seed,
    parse_region_table,
    parse_topic_tree,
    read_seed_text,
    regions_to_fetch,
)
from techpact.sources.cbs_tables import CbsTables, RegionTableSpec, TableSpec, load_cbs_tables
from techpact.sources.cbs_v4_parse import parse_properties
from techpact.sources.errors import SourceFormatError
from techpact.sources.landing import LandedFile, LandingZone

log = logging.getLogger(__name__)

SOURCE = "cbs"
MARKER_FILE = "fetch-batch.json"
JSON_MEDIA_TYPE = "application/json"
MAX_PAGES = 10_000

AnySpec = TableSpec | RegionTableSpec

ProgressCallback = Callable[[str], None]


class CbsFetchError(RuntimeError):
    """A CBS table could not be fetched; names the table and the URL."""

    def __init__(self, table_id: str, url: str, message: str) -> None:
        self.table_id = table_id
        self.url = url
        super().__init__(f"CBS table {table_id}: {message} ({url})")


@dataclass(frozen=True)
class Response:
    url: str
    data: bytes


@dataclass(frozen=True)
class FetchedTable:
    """Every response of one table fetch, in memory, before landing."""

    table_infos: Response
    data_properties: Response
    dimensions: dict[str, Response]
    pages: tuple[Response, ...]
    measure_codes: Response | None = None  # v4: table_infos is Properties, data_properties
    # is Dimensions, dimensions are the <Dimension>Codes lists, pages are Observations

    @property
    def byte_count(self) -> int:
        """Bytes downloaded for this table (metadata, code lists and data pages)."""
        responses = [self.table_infos, self.data_properties, *self.dimensions.values()]
        extra = [self.measure_codes] if self.measure_codes else []
        return sum(len(r.data) for r in [*responses, *extra, *self.pages])

    def as_responses(self) -> TableResponses:
        return TableResponses(
            table_infos=self.table_infos.data,
            data_properties=self.data_properties.data,
            dimensions={k: r.data for k, r in self.dimensions.items()},
            pages=tuple(p.data for p in self.pages),
            measure_codes=self.measure_codes.data if self.measure_codes else None,
        )


@dataclass(frozen=True)
class TableFetch:
    """What ``fetch_table`` did for one table."""

    table_id: str
    status: Literal["fetched", "unchanged"]
    modified: str
    page_count: int = 0
    row_count: int = 0
    byte_count: int = 0
    marker: LandedFile | None = None
    urls: tuple[str, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class LandedBatch:
    """One complete fetch in the landing zone: its marker and files."""

    marker: LandedFile
    info: dict[str, Any]
    files: tuple[LandedFile, ...]
    responses: TableResponses


# Which v3 service serves a table's metadata and its data pages, by the table's ``api``
# (cbs_tables.toml). ODataApi answers a query over API_MAX_RECORDS rows with HTTP 500;
# ODataFeed pages by 10,000 rows without a limit.
V3_SERVICES: dict[str, tuple[str, str]] = {
    "v3": ("ODataApi", "ODataFeed"),
    "v3_feed": ("ODataFeed", "ODataFeed"),
    "v3_api": ("ODataApi", "ODataApi"),
}
API_MAX_RECORDS = 10_000


def api_url(base_url: str, table_id: str, entity: str = "", service: str = "ODataApi") -> str:
    return f"{base_url.rstrip('/')}/{service}/odata/{table_id}/{entity}"


def feed_url(base_url: str, table_id: str, service: str = "ODataFeed") -> str:
    return f"{base_url.rstrip('/')}/{service}/odata/{table_id}/TypedDataSet"


def services(spec: AnySpec) -> tuple[str, str]:
    """The v3 services of a table's metadata and of its data pages."""
    return V3_SERVICES[spec.api if isinstance(spec, TableSpec) else "v3"]


def metadata_url(base_url: str, spec: AnySpec, entity: str) -> str:
    return api_url(base_url, spec.id, entity, services(spec)[0])


def data_url(base_url: str, spec: AnySpec) -> str:
    return feed_url(base_url, spec.id, services(spec)[1])


_FILTER_KEY = re.compile(r"[A-Za-z0-9_]{1,16}")


def odata_filter(
    region_key: str | None, regions: Sequence[str], period_key: str, periods: Sequence[str]
) -> str:
    """``$filter`` on trimmed region keys and on period codes, one clause per dimension (no
    region clause for a table without a region dimension)."""
    # Keys come from validated config, the region table and CBS code lists; each must look like
    # a key (letters, digits, '_'), never like text that could change the filter.
    for value in (*regions, *periods):
        if not _FILTER_KEY.fullmatch(value):
            raise ValueError(f"key {value!r} cannot be used in an OData filter")
    by_region = " or ".join(f"substringof('{r}', {region_key})" for r in regions)
    by_period = " or ".join(f"{period_key} eq '{p}'" for p in periods)
    return f"({by_region}) and ({by_period})" if region_key else f"({by_period})"


def odata_filter_v4(
    region_key: str | None, regions: Sequence[str], period_key: str, periods: Sequence[str]
) -> str:
    """The v4 ``$filter``: v4 codes are not padded, so regions are matched with ``eq``."""
    for value in (*regions, *periods):
        if not _FILTER_KEY.fullmatch(value):
            raise ValueError(f"key {value!r} cannot be used in an OData filter")
    by_period = " or ".join(f"{period_key} eq '{p}'" for p in periods)
    if not region_key:
        return f"({by_period})"
    by_region = " or ".join(f"{region_key} eq '{r}'" for r in regions)
    return f"({by_region}) and ({by_period})"


def plan_queries(
    structure: TableStructure,
    code_lists: dict[str, tuple[Code, ...]],
    regions: Sequence[str],
    periods: Sequence[str],
    limit: int,
) -> list[tuple[tuple[str, ...], tuple[str, ...]]]:
    """Split one filter into (regions, periods) queries of at most ``limit`` rows each, for
    ODataApi, which refuses a query over its limit. Periods are grouped first (all regions per
    query); a period whose regions alone exceed the limit is asked region by region. A single
    region and period over the limit cannot be split: ``ValueError``."""
    every_region = tuple(regions)

    def rows(chunk_regions: Sequence[str], chunk_periods: Sequence[str]) -> int:
        return expected_row_count(structure, code_lists, chunk_regions, chunk_periods)

    queries: list[tuple[tuple[str, ...], tuple[str, ...]]] = []
    group: list[str] = []
    for period in periods:
        if rows(every_region, [*group, period]) <= limit:
            group.append(period)
            continue
        if group:
            queries.append((every_region, tuple(group)))
        group = [period]
        if rows(every_region, group) <= limit:
            continue
        for single in [every_region] if len(every_region) <= 1 else [[r] for r in every_region]:
            if rows(single, group) > limit:
                raise ValueError(
                    f"{' '.join(['region', *single, 'in'] if single else [])} period {period} "
                    f"alone holds {rows(single, group)} rows, over the {limit} a query may "
                    'return; use the ODataFeed (api = "v3")'
                )
        part: list[str] = []
        for region in every_region:
            if rows([*part, region], group) > limit:
                queries.append((tuple(part), (period,)))
                part = []
            part.append(region)
        queries.append((tuple(part), (period,)))
        group = []
    if group:
        queries.append((every_region, tuple(group)))
    return queries


@dataclass(frozen=True)
class RegionHierarchy:
    """The region table's records and where they come from: a landed Gebieden fetch (its
    batch) or, when none is landed, the bundled seed (``batch`` None)."""

    records: tuple[RegionRecord, ...]
    origin: str
    batch: LandedBatch | None = None

    @property
    def files(self) -> tuple[LandedFile, ...]:
        """The landed files the records were read from (none for the seed)."""
        return (*self.batch.files, self.batch.marker) if self.batch else ()


def region_hierarchy(zone: LandingZone, tables: CbsTables | None = None) -> RegionHierarchy:
    """The newest complete fetch of the configured Gebieden table, else the bundled seed."""
    spec = (tables or load_cbs_tables()).region_table
    batch = latest_batch(zone, spec) if spec is not None else None
    if spec is None or batch is None:
        return RegionHierarchy(parse_region_seed(read_seed_text()), origin=SEED_FILE)
    note = gebieden_source_note(
        spec, batch.marker.manifest.sha256, is_sample_data=batch.marker.manifest.is_sample_data
    )
    records = parse_region_table(
        spec, batch.responses, file_name=str(batch.marker.path.parent), source_note=note
    )
    return RegionHierarchy(records, origin=f"CBS {spec.id}", batch=batch)


def latest_batch(zone: LandingZone, spec: AnySpec) -> LandedBatch | None:
    """The newest complete fetch of one table, or None."""
    markers = [
        f
        for f in zone.files(SOURCE, spec.id)
        if f.manifest.resource == spec.resource and f.manifest.file_name == MARKER_FILE
    ]
    return read_batch(zone, markers[-1]) if markers else None


def read_batch(zone: LandingZone, marker: LandedFile) -> LandedBatch:
    """A fetch's files, found by the sha256 its marker lists, each verified."""
    info = json.loads(zone.verify(marker))
    by_sha = {f.manifest.sha256: f for f in zone.files(SOURCE, marker.manifest.dataset)}
    files: list[LandedFile] = []
    data: dict[str, Any] = {"dimensions": {}, "pages": [], "measure_codes": None}
    for entry in info["files"]:
        landed = by_sha.get(entry["sha256"])
        if landed is None:
            raise SourceFormatError(
                str(marker.path),
                f"lists {entry['file_name']} (sha256 {entry['sha256'][:12]}…), "
                "which is not in the landing zone",
            )
        files.append(landed)
        body = zone.verify(landed)
        role = entry["role"]
        if role == "dimension":
            data["dimensions"][entry["dimension"]] = body
        elif role == "data_page":
            data["pages"].append(body)
        else:
            data[role] = body
    responses = TableResponses(
        table_infos=data["table_infos"],
        data_properties=data["data_properties"],
        dimensions=data["dimensions"],
        pages=tuple(data["pages"]),
        measure_codes=data["measure_codes"],
    )
    return LandedBatch(marker=marker, info=info, files=tuple(files), responses=responses)


def _get(
    session: http_layer.Session, url: str, spec: AnySpec, http: HttpSettings, params=None
) -> Response:
    try:
        body = http_layer.fetch_bytes(session, url, http=http, params=params)
    except http_layer.FetchError as exc:
        raise CbsFetchError(spec.id, exc.url, str(exc).removeprefix(f"{exc.url}: ")) from exc
    return Response(url=body.url, data=body.data)


def _checked(spec: AnySpec, response: Response, parse: Callable[[bytes, str], Any]) -> Any:
    try:
        return parse(response.data, response.url)
    except SourceFormatError as exc:
        raise CbsFetchError(spec.id, response.url, exc.reason) from exc


def fetch_pages(
    session: http_layer.Session,
    spec: AnySpec,
    start: str,
    params: dict[str, str] | None,
    *,
    http: HttpSettings,
    note: ProgressCallback,
    max_pages: int = MAX_PAGES,
) -> tuple[Response, ...]:
    """Every TypedDataSet page from ``start``, following ``odata.nextLink`` (loops refused)."""
    pages: list[Response] = []
    seen: set[str] = set()
    url: str | None = start
    while url is not None:
        if len(pages) >= max_pages:
            raise CbsFetchError(spec.id, url, f"more than {max_pages} data pages")
        note(f"{spec.id}: data page {len(pages) + 1}")
        page = _get(session, url, spec, http, params)
        parsed = _checked(spec, page, parse_page)
        pages.append(page)
        seen.add(page.url)
        params = None  # a nextLink carries its own query
        url = parsed.next_link
        if url is not None and url in seen:
            raise CbsFetchError(spec.id, url, "odata.nextLink repeats a page already read (loop)")
    return tuple(pages)


def _fetch_code_lists(
    session: http_layer.Session,
    spec: AnySpec,
    keys: Sequence[str],
    *,
    base_url: str,
    http: HttpSettings,
    note: ProgressCallback,
) -> dict[str, Response]:
    dimensions = {}
    for key in keys:
        note(f"{spec.id}: code list {key}")
        dimensions[key] = _get(
            session, metadata_url(base_url, spec, key), spec, http, {"$format": "json"}
        )
    return dimensions


def check_row_count(
    spec: AnySpec, url: str, rows_per_page: list[int], selected: int, expected: int
) -> None:
    """Refuse a paged fetch that ended early: an empty last page after a nextLink while rows
    the filter selects are missing (a page that came back empty mid-stream looks like the
    end), or more selected rows than a cube holds (rows twice).

    ``rows_per_page`` counts every row of each page; ``selected`` the rows of the requested
    regions and periods (the feed may ignore part of a filter and send more; those are dropped
    when tidied). ``expected`` counts a full cube (``expected_row_count``), which real CBS
    tables are; the generated sample and hand-made fixtures are not yet (issue 16), so fewer
    rows on a non-empty last page is logged, not refused.
    """
    if selected == expected:
        return
    ended_empty = len(rows_per_page) > 1 and rows_per_page[-1] == 0
    if selected > expected or ended_empty:
        raise CbsFetchError(
            spec.id,
            url,
            f"received {selected} rows of the requested regions and periods in "
            f"{len(rows_per_page)} page(s) (the last one "
            f"{'empty' if ended_empty else 'with ' + str(rows_per_page[-1]) + ' rows'}), "
            f"but the filter selects {expected} (regions x periods x the other dimensions' "
            "codes): a page came back empty or rows came twice; nothing was landed",
        )
    log.warning(
        "CBS table %s: %d rows, a full cube of the filter holds %d", spec.id, selected, expected
    )


def fetch_table_responses(
    session: http_layer.Session,
    spec: TableSpec,
    *,
    base_url: str,
    http: HttpSettings,
    table_infos: Response,
    regions: Sequence[str],
    progress: ProgressCallback | None = None,
    max_pages: int = MAX_PAGES,
    api_limit: int = API_MAX_RECORDS,
) -> FetchedTable:
    """Steps 2 and 3 of the module docstring: metadata, code lists and every data page (for
    ``api = "v3_api"`` in queries of at most ``api_limit`` rows, ``plan_queries``)."""
    note = progress or (lambda _: None)
    data_properties = _get(
        session, metadata_url(base_url, spec, "DataProperties"), spec, http, {"$format": "json"}
    )
    structure = _checked(spec, data_properties, parse_data_properties)
    dimensions = _fetch_code_lists(
        session,
        spec,
        [d.key for d in structure.dimensions],
        base_url=base_url,
        http=http,
        note=note,
    )
    period_codes = _checked(spec, dimensions[structure.period_key], parse_dimension_list)
    periods = [p.code for p in select_periods(period_codes, spec)]
    start = data_url(base_url, spec)
    if not periods:
        raise CbsFetchError(
            spec.id, start, f"no {'/'.join(spec.period_types)} period from {spec.first_year} on"
        )
    if structure.region_key is None:
        regions = ()
    code_lists = {
        key: _checked(spec, response, parse_dimension_list) for key, response in dimensions.items()
    }
    queries = [(tuple(regions), tuple(periods))]
    if spec.api == "v3_api":
        try:
            queries = plan_queries(structure, code_lists, regions, periods, api_limit)
        except ValueError as exc:
            raise CbsFetchError(spec.id, start, str(exc)) from None
    pages: tuple[Response, ...] = ()
    for query_regions, query_periods in queries:
        params = {
            "$format": "json",
            "$filter": odata_filter(
                structure.region_key, query_regions, structure.period_key, query_periods
            ),
        }
        pages += fetch_pages(
            session, spec, start, params, http=http, note=note, max_pages=max_pages
        )
    expected = expected_row_count(structure, code_lists, regions, periods)
    wanted_periods = set(periods)

    def selected(row: dict[str, object]) -> bool:
        period = str(row.get(structure.period_key, "")).strip()
        if structure.region_key is None:
            return period in wanted_periods
        region = str(row.get(structure.region_key, ""))
        return period in wanted_periods and any(r in region for r in regions)

    page_rows = [_checked(spec, page, parse_page).rows for page in pages]
    check_row_count(
        spec,
        pages[-1].url,
        [len(rows) for rows in page_rows],
        sum(1 for rows in page_rows for row in rows if selected(row)),
        expected,
    )
    return FetchedTable(table_infos, data_properties, dimensions, pages)


def fetch_region_table_responses(
    session: http_layer.Session,
    spec: RegionTableSpec,
    *,
    base_url: str,
    http: HttpSettings,
    table_infos: Response,
    progress: ProgressCallback | None = None,
    max_pages: int = MAX_PAGES,
) -> FetchedTable:
    """The Gebieden table: DataProperties, its dimension code lists, every data page, whole."""
    note = progress or (lambda _: None)
    data_properties = _get(
        session, metadata_url(base_url, spec, "DataProperties"), spec, http, {"$format": "json"}
    )
    nodes = _checked(spec, data_properties, parse_topic_tree)
    dimensions = _fetch_code_lists(
        session,
        spec,
        [n.key for n in nodes if n.type in DIMENSION_TYPES],
        base_url=base_url,
        http=http,
        note=note,
    )
    start = data_url(base_url, spec)
    pages = fetch_pages(
        session, spec, start, {"$format": "json"}, http=http, note=note, max_pages=max_pages
    )
    return FetchedTable(table_infos, data_properties, dimensions, pages)


def regions_for(
    spec: TableSpec, zone: LandingZone, pact_regions: Sequence[str], tables: CbsTables | None
) -> tuple[str, ...]:
    """The region keys a data table fetches: its override, else the pact regions' regions."""
    if spec.regions is not None:
        return spec.regions
    hierarchy = region_hierarchy(zone, tables)
    return regions_to_fetch(hierarchy.records, pact_regions, origin=hierarchy.origin)


@dataclass(frozen=True)
class TableCheck:
    """Step 1 of the module docstring for one table: its ``Modified`` now, the regions a data
    table needs, and, when nothing needs fetching, the landed batch that stays."""

    infos: Response
    modified: str
    regions: tuple[str, ...] | None
    unchanged: LandedBatch | None


def check_table(
    session: http_layer.Session,
    spec: AnySpec,
    zone: LandingZone,
    *,
    base_url: str,
    http: HttpSettings,
    force: bool = False,
    pact_regions: Sequence[str] = DEFAULT_PACT_REGIONS,
    tables: CbsTables | None = None,
    v4_base_url: str = DEFAULT_CBS_V4_BASE_URL,
) -> TableCheck:
    """Whether a table changed since it landed: one metadata request (TableInfos, or v4
    Properties), no data. Unchanged: the landed ``Modified`` is the table's, and for a data
    table the landed fetch holds every region the pact regions need."""
    if isinstance(spec, TableSpec) and spec.api == "v4":
        from techpact.sources.cbs_v4 import v4_url  # builds on this module

        infos = _get(session, v4_url(v4_base_url, spec.id, "Properties"), spec, http)
        modified = str(_checked(spec, infos, parse_properties)["Modified"])
    else:
        infos = _get(
            session, metadata_url(base_url, spec, "TableInfos"), spec, http, {"$format": "json"}
        )
        modified = str(_checked(spec, infos, parse_table_infos)["Modified"])
    regions: tuple[str, ...] | None = None
    if isinstance(spec, TableSpec) and spec.region_code is None:
        try:
            regions = regions_for(spec, zone, pact_regions, tables)
        except (RegionError, SourceFormatError) as exc:  # unknown pact region, bad Gebieden
            raise CbsFetchError(spec.id, infos.url, str(exc)) from exc
    previous = latest_batch(zone, spec)
    if previous is not None and previous.info.get("modified") == modified and not force:
        landed = previous.info.get("regions", spec.regions if isinstance(spec, TableSpec) else None)
        if regions is None or set(regions) <= set(landed or ()):
            return TableCheck(infos, modified, regions, unchanged=previous)
        log.info("CBS table %s unchanged, but regions were added: fetching again", spec.id)
    return TableCheck(infos, modified, regions, unchanged=None)


def fetch_table(
    session: http_layer.Session,
    spec: AnySpec,
    zone: LandingZone,
    *,
    base_url: str,
    http: HttpSettings,
    force: bool = False,
    progress: ProgressCallback | None = None,
    pact_regions: Sequence[str] = DEFAULT_PACT_REGIONS,
    tables: CbsTables | None = None,
    v4_base_url: str = DEFAULT_CBS_V4_BASE_URL,
    api_limit: int = API_MAX_RECORDS,
) -> TableFetch:
    """Fetch one table into the landing zone, unless it is unchanged (``check_table``). A
    table with ``api = "v4"`` is fetched from ``v4_base_url`` (``cbs_v4``), the others from
    ``base_url``."""
    check = check_table(
        session,
        spec,
        zone,
        base_url=base_url,
        http=http,
        force=force,
        pact_regions=pact_regions,
        tables=tables,
        v4_base_url=v4_base_url,
    )
    infos, modified, regions = check.infos, check.modified, check.regions
    if check.unchanged is not None:
        log.info("CBS table %s unchanged since %s: no data requested", spec.id, modified)
        return TableFetch(spec.id, "unchanged", modified, marker=check.unchanged.marker)
    if isinstance(spec, RegionTableSpec):
        fetched = fetch_region_table_responses(
            session, spec, base_url=base_url, http=http, table_infos=infos, progress=progress
        )
    elif isinstance(spec, TableSpec) and spec.api == "v4":
        from techpact.sources.cbs_v4 import fetch_v4_table_responses  # builds on this module

        fetched = fetch_v4_table_responses(
            session,
            spec,
            base_url=v4_base_url,
            http=http,
            table_infos=infos,
            regions=regions or (),
            progress=progress,
        )
    else:
        fetched = fetch_table_responses(
            session,
            spec,
            base_url=base_url,
            http=http,
            table_infos=infos,
            regions=regions or (),
            progress=progress,
            api_limit=api_limit,
        )
    try:
        row_count = _parsed_row_count(spec, fetched, fetched.pages[0].url, regions)
    except SourceFormatError as exc:
        raise CbsFetchError(spec.id, fetched.pages[0].url, exc.reason) from exc
    if not row_count:
        raise CbsFetchError(
            spec.id,
            fetched.pages[0].url,
            "returned no rows for the configured regions and periods; nothing was landed",
        )
    marker = land_table(
        zone, spec, fetched, modified=modified, row_count=row_count, regions=regions
    )
    log.info("CBS table %s: %d pages, %d rows landed", spec.id, len(fetched.pages), row_count)
    return TableFetch(
        spec.id,
        "fetched",
        modified,
        page_count=len(fetched.pages),
        row_count=row_count,
        byte_count=fetched.byte_count,
        marker=marker,
        urls=tuple(p.url for p in fetched.pages),
    )


def _parsed_row_count(
    spec: AnySpec, fetched: FetchedTable, file_name: str, regions: Sequence[str] | None
) -> int:
    """Parse the responses before anything lands: tidy rows, or the Gebieden records."""
    if isinstance(spec, RegionTableSpec):
        if not any(parse_page(p.data, file_name).rows for p in fetched.pages):
            return 0
        note = gebieden_source_note(spec, "(not landed yet)")
        records = parse_region_table(
            spec, fetched.as_responses(), file_name=file_name, source_note=note
        )
        return sum(r.region_level == "gemeente" for r in records)
    return len(tidy_table(spec, fetched.as_responses(), file_name=file_name, regions=regions))


def land_table(
    zone: LandingZone,
    spec: AnySpec,
    fetched: FetchedTable,
    *,
    modified: str,
    row_count: int,
    regions: Sequence[str] | None = None,
    fetched_at: str | None = None,
    is_sample_data: bool = False,
    note: str | None = None,
) -> LandedFile:
    """Land every response unchanged, then the fetch-batch marker (last). The marker lists
    the regions asked for (a data table), which the loader keeps."""
    # microseconds: two fetches in one second must still be ordered (the newest marker wins)
    fetched_at = fetched_at or datetime.now(UTC).isoformat(timespec="microseconds")
    v4 = fetched.measure_codes is not None
    infos_name, properties_name, page_name = (
        ("Properties", "Dimensions", "Observations")
        if v4
        else ("TableInfos", "DataProperties", "TypedDataSet")
    )
    parts: list[tuple[dict[str, Any], Response, str]] = [
        ({"role": "table_infos"}, fetched.table_infos, f"{infos_name}.json"),
        ({"role": "data_properties"}, fetched.data_properties, f"{properties_name}.json"),
    ]
    if fetched.measure_codes is not None:
        parts.append(({"role": "measure_codes"}, fetched.measure_codes, "MeasureCodes.json"))
    parts += [
        ({"role": "dimension", "dimension": key}, response, f"{key}{'Codes' if v4 else ''}.json")
        for key, response in fetched.dimensions.items()
    ]
    parts += [
        ({"role": "data_page", "page": n}, response, f"{page_name}-{n:04d}.json")
        for n, response in enumerate(fetched.pages, start=1)
    ]
    listed = []
    for entry, response, file_name in parts:
        # never land something that is not OData JSON (v4 Properties: one object)
        if v4 and entry["role"] == "table_infos":
            parse_properties(response.data, file_name)
        else:
            load_envelope(response.data, file_name)
        landed, _ = zone.land_bytes(
            response.data,
            source=SOURCE,
            dataset=spec.id,
            resource=f"{spec.resource}__{entry['role']}",
            file_name=file_name,
            media_type=JSON_MEDIA_TYPE,
            original_url=response.url,
            fetched_at=fetched_at,
            is_sample_data=is_sample_data,
            note=note,
        )
        listed.append({**entry, "file_name": file_name, "sha256": landed.manifest.sha256})
    marker = {
        "table_id": spec.id,
        "title": spec.title,
        "resource": spec.resource,
        "classification_year": spec.classification_year,
        "modified": modified,
        "api": spec.api if isinstance(spec, TableSpec) else "v3",
        "fetched_at": fetched_at,
        "row_count": row_count,
        "files": listed,
    }
    if regions is not None:
        marker["regions"] = list(regions)
    landed, _ = zone.land_bytes(
        (json.dumps(marker, indent=2, sort_keys=True) + "\n").encode("utf-8"),
        source=SOURCE,
        dataset=spec.id,
        resource=spec.resource,
        file_name=MARKER_FILE,
        media_type=JSON_MEDIA_TYPE,
        original_url=fetched.table_infos.url,
        fetched_at=fetched_at,
        is_sample_data=is_sample_data,
        note=note,
    )
    return landed
