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

Errors are ``CbsFetchError`` naming the table and the URL.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

from techpact.config import HttpSettings
from techpact.sources import http as http_layer
from techpact.sources.cbs_parse import (
    TableResponses,
    load_envelope,
    parse_data_properties,
    parse_dimension_list,
    parse_page,
    parse_table_infos,
    select_periods,
    tidy_table,
)
from techpact.sources.cbs_tables import TableSpec
from techpact.sources.errors import SourceFormatError
from techpact.sources.landing import LandedFile, LandingZone

log = logging.getLogger(__name__)

SOURCE = "cbs"
MARKER_FILE = "fetch-batch.json"
JSON_MEDIA_TYPE = "application/json"
MAX_PAGES = 10_000

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

    @property
    def byte_count(self) -> int:
        """Bytes downloaded for this table (metadata, code lists and data pages)."""
        responses = [self.table_infos, self.data_properties, *self.dimensions.values()]
        return sum(len(r.data) for r in [*responses, *self.pages])

    def as_responses(self) -> TableResponses:
        return TableResponses(
            table_infos=self.table_infos.data,
            data_properties=self.data_properties.data,
            dimensions={k: r.data for k, r in self.dimensions.items()},
            pages=tuple(p.data for p in self.pages),
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


def api_url(base_url: str, table_id: str, entity: str = "") -> str:
    return f"{base_url.rstrip('/')}/ODataApi/odata/{table_id}/{entity}"


def feed_url(base_url: str, table_id: str) -> str:
    return f"{base_url.rstrip('/')}/ODataFeed/odata/{table_id}/TypedDataSet"


def odata_filter(
    region_key: str, regions: Sequence[str], period_key: str, periods: Sequence[str]
) -> str:
    """``$filter`` on trimmed region keys and on period codes, one clause per dimension."""
    for value in (*regions, *periods):
        if "'" in value:  # keys come from validated config and code lists; never quote data
            raise ValueError(f"key {value!r} cannot be used in an OData filter")
    by_region = " or ".join(f"substringof('{r}', {region_key})" for r in regions)
    by_period = " or ".join(f"{period_key} eq '{p}'" for p in periods)
    return f"({by_region}) and ({by_period})"


def latest_batch(zone: LandingZone, spec: TableSpec) -> LandedBatch | None:
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
    data: dict[str, Any] = {"dimensions": {}, "pages": []}
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
    )
    return LandedBatch(marker=marker, info=info, files=tuple(files), responses=responses)


def _get(
    session: http_layer.Session, url: str, spec: TableSpec, http: HttpSettings, params=None
) -> Response:
    try:
        body = http_layer.fetch_bytes(session, url, http=http, params=params)
    except http_layer.FetchError as exc:
        raise CbsFetchError(spec.id, exc.url, str(exc).removeprefix(f"{exc.url}: ")) from exc
    return Response(url=body.url, data=body.data)


def _checked(spec: TableSpec, response: Response, parse: Callable[[bytes, str], Any]) -> Any:
    try:
        return parse(response.data, response.url)
    except SourceFormatError as exc:
        raise CbsFetchError(spec.id, response.url, exc.reason) from exc


def fetch_table_responses(
    session: http_layer.Session,
    spec: TableSpec,
    *,
    base_url: str,
    http: HttpSettings,
    table_infos: Response,
    progress: ProgressCallback | None = None,
    max_pages: int = MAX_PAGES,
) -> FetchedTable:
    """Steps 2 and 3 of the module docstring: metadata, code lists and every data page."""
    note = progress or (lambda _: None)
    data_properties = _get(
        session, api_url(base_url, spec.id, "DataProperties"), spec, http, {"$format": "json"}
    )
    structure = _checked(spec, data_properties, parse_data_properties)
    dimensions = {}
    for dim in structure.dimensions:
        note(f"{spec.id}: code list {dim.key}")
        dimensions[dim.key] = _get(
            session, api_url(base_url, spec.id, dim.key), spec, http, {"$format": "json"}
        )
    period_codes = _checked(spec, dimensions[structure.period_key], parse_dimension_list)
    periods = [p.code for p in select_periods(period_codes, spec)]
    start = feed_url(base_url, spec.id)
    if not periods:
        raise CbsFetchError(
            spec.id, start, f"no {'/'.join(spec.period_types)} period from {spec.first_year} on"
        )
    params: dict[str, str] | None = {
        "$format": "json",
        "$filter": odata_filter(structure.region_key, spec.regions, structure.period_key, periods),
    }
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
    return FetchedTable(table_infos, data_properties, dimensions, tuple(pages))


def fetch_table(
    session: http_layer.Session,
    spec: TableSpec,
    zone: LandingZone,
    *,
    base_url: str,
    http: HttpSettings,
    force: bool = False,
    progress: ProgressCallback | None = None,
) -> TableFetch:
    """Fetch one table into the landing zone, unless its ``Modified`` is the landed one."""
    infos = _get(session, api_url(base_url, spec.id, "TableInfos"), spec, http, {"$format": "json"})
    modified = str(_checked(spec, infos, parse_table_infos)["Modified"])
    previous = latest_batch(zone, spec)
    if previous is not None and previous.info.get("modified") == modified and not force:
        log.info("CBS table %s unchanged since %s: no data requested", spec.id, modified)
        return TableFetch(spec.id, "unchanged", modified, marker=previous.marker)
    fetched = fetch_table_responses(
        session, spec, base_url=base_url, http=http, table_infos=infos, progress=progress
    )
    try:
        rows = tidy_table(spec, fetched.as_responses(), file_name=feed_url(base_url, spec.id))
    except SourceFormatError as exc:
        raise CbsFetchError(spec.id, fetched.pages[0].url, exc.reason) from exc
    if rows.empty:
        raise CbsFetchError(
            spec.id,
            fetched.pages[0].url,
            "returned no rows for the configured regions and periods; nothing was landed",
        )
    marker = land_table(zone, spec, fetched, modified=modified, row_count=len(rows))
    log.info("CBS table %s: %d pages, %d rows landed", spec.id, len(fetched.pages), len(rows))
    return TableFetch(
        spec.id,
        "fetched",
        modified,
        page_count=len(fetched.pages),
        row_count=len(rows),
        byte_count=fetched.byte_count,
        marker=marker,
        urls=tuple(p.url for p in fetched.pages),
    )


def land_table(
    zone: LandingZone,
    spec: TableSpec,
    fetched: FetchedTable,
    *,
    modified: str,
    row_count: int,
    fetched_at: str | None = None,
    is_sample_data: bool = False,
    note: str | None = None,
) -> LandedFile:
    """Land every response unchanged, then the fetch-batch marker (last)."""
    # microseconds: two fetches in one second must still be ordered (the newest marker wins)
    fetched_at = fetched_at or datetime.now(UTC).isoformat(timespec="microseconds")
    parts: list[tuple[dict[str, Any], Response, str]] = [
        ({"role": "table_infos"}, fetched.table_infos, "TableInfos.json"),
        ({"role": "data_properties"}, fetched.data_properties, "DataProperties.json"),
    ]
    parts += [
        ({"role": "dimension", "dimension": key}, response, f"{key}.json")
        for key, response in fetched.dimensions.items()
    ]
    parts += [
        ({"role": "data_page", "page": n}, response, f"TypedDataSet-{n:04d}.json")
        for n, response in enumerate(fetched.pages, start=1)
    ]
    listed = []
    for entry, response, file_name in parts:
        load_envelope(response.data, file_name)  # never land something that is not OData JSON
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
        "fetched_at": fetched_at,
        "row_count": row_count,
        "files": listed,
    }
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
