"""CBS OData v4 client (``<v4 base>/odata/v1/CBS/<id>``): a table's responses, in memory.

Thin I/O, the v4 counterpart of steps 2 and 3 of ``cbs``: ``Dimensions``, ``MeasureCodes``,
every ``<Dimension>Codes`` list (names read from Dimensions, never assumed), then
``Observations`` filtered on the configured regions and periods, following
``@odata.nextLink``. ``cbs.fetch_table`` asks ``Properties`` first (its ``Modified`` decides
"unchanged"), and lands the result like a v3 fetch (``cbs.land_table``).
"""

from __future__ import annotations

from collections.abc import Sequence

from techpact.config import HttpSettings
from techpact.sources import http as http_layer
from techpact.sources.cbs import (
    MAX_PAGES,
    CbsFetchError,
    FetchedTable,
    ProgressCallback,
    Response,
    _checked,
    _get,
    check_row_count,
    fetch_pages,
    odata_filter_v4,
)
from techpact.sources.cbs_parse import (
    expected_row_count,
    parse_page,
    select_periods,
    table_structure,
)
from techpact.sources.cbs_tables import TableSpec
from techpact.sources.cbs_v4_parse import parse_codes, parse_dimensions, parse_measure_codes

V4_PATH = "odata/v1/CBS"


def v4_url(base_url: str, table_id: str, entity: str = "") -> str:
    return f"{base_url.rstrip('/')}/{V4_PATH}/{table_id}/{entity}"


def fetch_v4_table_responses(
    session: http_layer.Session,
    spec: TableSpec,
    *,
    base_url: str,
    http: HttpSettings,
    table_infos: Response,
    regions: Sequence[str],
    progress: ProgressCallback | None = None,
    max_pages: int = MAX_PAGES,
) -> FetchedTable:
    """Dimensions, MeasureCodes, the code lists and every Observations page of one table."""
    note = progress or (lambda _: None)
    dimensions_response = _get(session, v4_url(base_url, spec.id, "Dimensions"), spec, http)
    dimensions = _checked(spec, dimensions_response, parse_dimensions)
    measure_codes = _get(session, v4_url(base_url, spec.id, "MeasureCodes"), spec, http)
    topics = _checked(spec, measure_codes, parse_measure_codes)
    structure = _checked(
        spec, dimensions_response, lambda _, url: table_structure((*dimensions, *topics), url)
    )
    code_responses = {}
    for dim in dimensions:
        note(f"{spec.id}: code list {dim.key}")
        code_responses[dim.key] = _get(
            session, v4_url(base_url, spec.id, f"{dim.key}Codes"), spec, http
        )
    code_lists = {k: _checked(spec, r, parse_codes) for k, r in code_responses.items()}
    start = v4_url(base_url, spec.id, "Observations")
    periods = [p.code for p in select_periods(code_lists[structure.period_key], spec)]
    if not periods:
        raise CbsFetchError(
            spec.id, start, f"no {'/'.join(spec.period_types)} period from {spec.first_year} on"
        )
    region_key, period_key = structure.region_key, structure.period_key
    regions = regions if region_key else ()
    params = {"$filter": odata_filter_v4(region_key, regions, period_key, periods)}
    pages = fetch_pages(session, spec, start, params, http=http, note=note, max_pages=max_pages)
    # one observation per cell: at most the cube's rows x the measures (not every cell exists)
    cells = expected_row_count(structure, code_lists, regions, periods) * len(topics)
    page_rows = [_checked(spec, page, parse_page).rows for page in pages]
    wanted = set(periods)
    check_row_count(
        spec,
        pages[-1].url,
        [len(rows) for rows in page_rows],
        sum(
            1
            for rows in page_rows
            for row in rows
            if str(row.get(period_key)) in wanted
            and (region_key is None or str(row.get(region_key)) in regions)
        ),
        cells,
    )
    return FetchedTable(
        table_infos, dimensions_response, code_responses, pages, measure_codes=measure_codes
    )
