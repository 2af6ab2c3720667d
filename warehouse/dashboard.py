"""A static HTML dashboard of a published snapshot: a trend chart per indicator.

The site (``Settings.dashboard_dir``, default ``data/published/dashboard/``) has

* ``index.html``: the snapshot (id, created_at), its quality status and, prominently, whether
  it holds GENERATED SAMPLE DATA; a link to every action point page and the quality page;
* ``action-point-<n>.html`` for each of the five pact action points: per indicator its trend
  for the pact regions against Nederland (NL01), its definition, unit and source, and its
  latest value per gemeente of the pact regions ("no indicators yet" where there are none).
  Where a pact region has no value of an indicator (CBS publishes some only per provincie and
  for Nederland) its provincie stands in, and the page says so ("Not published for Twente:
  shown for Overijssel, its provincie");
* ``quality.html``: every check of ``quality_results``, failures and warnings first, linking
  the run's quality report (``runs/<snapshot_id>.docs/index.html``) when it exists.

Values are the rows without breakdown (``select_total_values``: every breakdown 'total');
fractions are shown as percentages. Charts are Vega-Lite specs that Vega draws in the browser
from ``assets/vega-<version>.js``, the bundle ``vl-convert-python`` ships (Vega, Vega-Lite and
Vega-Embed), written into the site and referenced relatively: no CDN, no network. Building the
bundle takes a second or two, so a refresh takes it from the site it replaces when the version
matches. Every value from the data is HTML-escaped (Jinja autoescape); chart data sits in
``<script type="application/json">`` with ``<``, ``>`` and ``&`` escaped.

The site is written into a temporary folder beside the target and swapped in;
``SnapshotStore`` refreshes it after every publish and rollback (``docs/dashboard.md``).
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import jinja2
from markupsafe import Markup

from techpact import __version__
from techpact.config import Settings
from techpact.sources.cbs_regions import RegionError, RegionRecord, resolve_region
from techpact.transforms.catalog import BREAKDOWN_COLUMNS
from techpact.warehouse.views import ACTION_POINTS

NEDERLAND = "NL01"
TEMPLATES = Path(__file__).resolve().parent / "dashboard_templates"
# Written into every site: a folder holding it may be replaced by a newer site, any other
# non-empty folder is never touched.
MARKER_FILE = "techpact-dashboard.json"
TEMP_SUFFIX = ".tmp"
SERIES_COLOURS = ("#0b6e99", "#d9822b", "#8e44ad", "#2e8b57", "#c0392b")
NEDERLAND_COLOUR = "#6b7280"
UNIT_LABELS = {
    "count": "count",
    "fraction": "share, shown in % (stored as a fraction 0..1)",
    "percent": "percent",
    "ratio": "ratio",
}
AXIS_TITLES = {"count": "count", "fraction": "%", "percent": "%", "ratio": "ratio"}
AXIS_FORMATS = {"count": ",.0f", "fraction": ".0f", "percent": ".0f", "ratio": ".2f"}
TOOLTIP_FORMATS = {"count": ",.0f", "fraction": ".1f", "percent": ".1f", "ratio": ".3f"}
PERIOD_TITLES = {"year": "year", "school_year": "school year"}
COUNTED_BY = {
    "programme_location": "where the programme is taught",
    "institution": "the place of the institution",
    "residence": "where people live",
    "workplace": "where the jobs are",
}


class DashboardError(RuntimeError):
    """The dashboard could not be written; the message says why."""


@dataclass(frozen=True)
class SnapshotInfo:
    snapshot_id: str
    created_at: str
    is_sample_data: bool
    quality_status: str
    row_count: int


@dataclass(frozen=True)
class IndicatorInfo:
    """One row of ``indicator_catalog``: what the page says about an indicator."""

    indicator_id: str
    title_en: str
    title_nl: str
    definition: str
    unit: str
    action_point: int
    source: str
    source_dataset: str
    period_type: str
    counted_by: str
    target_value: float | None
    target_year: int | None
    target_note: str | None


@dataclass(frozen=True)
class GapInfo:
    """One row of ``indicator_gaps``: an indicator the pact asks for that no open source has."""

    indicator_id: str
    title_en: str
    title_nl: str
    action_point: int
    why: str
    nearest_source: str | None


@dataclass(frozen=True)
class TotalValue:
    """One value without breakdown of one indicator, region and period."""

    indicator_id: str
    region_code: str
    period: str
    period_start: date
    value: float | None
    unit: str
    suppressed_cell_count: int


@dataclass(frozen=True)
class QualityCheck:
    check_name: str
    severity: str
    success: bool
    unexpected_count: int
    failing_keys: tuple[str, ...]
    description: str


@dataclass(frozen=True)
class DashboardData:
    """Everything the pages show, read from one published file."""

    snapshot: SnapshotInfo
    region_names: dict[str, str]
    pact_regions: tuple[str, ...]
    unknown_pact_regions: tuple[str, ...]
    gemeenten: dict[str, tuple[str, ...]]
    # The provincie each pact region lies in (pact region code -> PVxx), for the indicators
    # CBS publishes only per provincie; none for a pact region that is a provincie or larger.
    provincies: dict[str, str]
    indicators: tuple[IndicatorInfo, ...]
    values: tuple[TotalValue, ...]
    quality: tuple[QualityCheck, ...]
    gaps: tuple[GapInfo, ...] = ()

    def name_of(self, region_code: str) -> str:
        return self.region_names.get(region_code, region_code)

    def series_codes(self) -> tuple[str, ...]:
        """The regions of every trend chart: the pact regions, then Nederland."""
        return (*(c for c in self.pact_regions if c != NEDERLAND), NEDERLAND)


# Reading the published file --------------------------------------------------------------


def select_total_values(
    con: duckdb.DuckDBPyConnection, region_codes: Sequence[str]
) -> list[TotalValue]:
    """The values without breakdown (every breakdown column 'total') of ``region_codes``,
    with the first day of their period, ordered by indicator, region and period.

    The dashboard's one query of indicator values.
    """
    no_breakdown = " and ".join(f"v.{column} = 'total'" for column in BREAKDOWN_COLUMNS)
    rows = con.execute(
        f"""
        select
            v.indicator_id,
            v.region_code,
            v.period,
            p.start_date as period_start,
            v.value,
            v.unit,
            coalesce(v.suppressed_cell_count, 0) as suppressed_cell_count
        from indicator_values as v
        inner join period as p on p.period = v.period and p.period_type = v.period_type
        where {no_breakdown} and list_contains($codes, v.region_code)
        order by v.indicator_id, v.region_code, p.start_date
        """,
        {"codes": list(region_codes)},
    ).fetchall()
    return [TotalValue(*row) for row in rows]


def read_dashboard_data(
    con: duckdb.DuckDBPyConnection, pact_regions: Sequence[str]
) -> DashboardData:
    """Read what the pages show; ``pact_regions`` are codes or CBS titles (``Settings``).

    The values read are those of the pact regions, the provincies they lie in, Nederland and
    the gemeenten of the pact regions.
    """
    regions = read_regions(con)
    pact, unknown = resolve_pact_regions(regions, pact_regions)
    gemeenten = {code: gemeenten_of(regions, code) for code in pact}
    provincies = provincies_of(regions, pact)
    codes = {
        *pact,
        *provincies.values(),
        NEDERLAND,
        *(g for members in gemeenten.values() for g in members),
    }
    return DashboardData(
        snapshot=read_snapshot_info(con),
        region_names={r.region_code: r.region_name for r in regions},
        pact_regions=pact,
        unknown_pact_regions=unknown,
        gemeenten=gemeenten,
        provincies=provincies,
        indicators=read_indicators(con),
        values=tuple(select_total_values(con, sorted(codes))),
        quality=read_quality_checks(con),
        gaps=read_gaps(con),
    )


def read_snapshot_info(con: duckdb.DuckDBPyConnection) -> SnapshotInfo:
    row = con.execute(
        """
        select
            snapshot_id,
            strftime(timezone('UTC', created_at), '%Y-%m-%d %H:%M UTC'),
            is_sample_data,
            quality_status, row_count
        from snapshot_info
        """
    ).fetchone()
    if row is None:
        raise DashboardError("the published file has no snapshot_info row")
    return SnapshotInfo(*row)


def read_regions(con: duckdb.DuckDBPyConnection) -> list[RegionRecord]:
    rows = con.execute(
        """
        select region_code, region_name, region_level, corop_code, province_code,
            landsdeel_code, classification_year, source_note
        from region
        """
    ).fetchall()
    return [RegionRecord(*row) for row in rows]


def resolve_pact_regions(
    regions: Sequence[RegionRecord], names: Sequence[str]
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The codes of the pact regions the region table knows, and the names it does not."""
    codes: list[str] = []
    unknown: list[str] = []
    for name in names:
        try:
            codes.append(resolve_region(regions, name))
        except RegionError:
            unknown.append(name)
    return tuple(dict.fromkeys(codes)), tuple(unknown)


def gemeenten_of(regions: Sequence[RegionRecord], code: str) -> tuple[str, ...]:
    """The gemeenten in region ``code`` (itself, if it is one), by code."""
    return tuple(
        sorted(
            r.region_code
            for r in regions
            if r.region_level == "gemeente"
            and (
                code == NEDERLAND
                or code in (r.region_code, r.corop_code, r.province_code, r.landsdeel_code)
            )
        )
    )


def provincies_of(regions: Sequence[RegionRecord], codes: Sequence[str]) -> dict[str, str]:
    """The provincie each region of ``codes`` lies in (a gemeente's or COROP region's
    ``province_code``), by region code; regions in no provincie (a provincie, landsdeel or
    Nederland) are left out."""
    return {
        r.region_code: r.province_code
        for r in regions
        if r.region_code in codes and r.province_code and r.province_code != r.region_code
    }


def read_indicators(con: duckdb.DuckDBPyConnection) -> tuple[IndicatorInfo, ...]:
    """The catalog in the order it was published (the catalog files' order)."""
    rows = con.execute(
        """
        select indicator_id, title_en, title_nl, definition, unit, action_point, source,
            source_dataset, period_type, coalesce(counted_by, ''), target_value, target_year,
            target_note
        from indicator_catalog
        order by rowid
        """
    ).fetchall()
    return tuple(IndicatorInfo(*row) for row in rows)


def read_gaps(con: duckdb.DuckDBPyConnection) -> tuple[GapInfo, ...]:
    """The published gaps (none in a snapshot from before there were any)."""
    tables = {name for (name,) in con.execute("select table_name from duckdb_tables()").fetchall()}
    if "indicator_gaps" not in tables:
        return ()
    rows = con.execute(
        "select indicator_id, title_en, title_nl, action_point, why, nearest_source "
        "from indicator_gaps order by rowid"
    ).fetchall()
    return tuple(GapInfo(*row) for row in rows)


def read_quality_checks(con: duckdb.DuckDBPyConnection) -> tuple[QualityCheck, ...]:
    """Every check, failed critical ones first, then failed warnings, then passed."""
    rows = con.execute(
        """
        select check_name, severity, success, coalesce(unexpected_count, 0),
            coalesce(failing_keys, '[]'), coalesce(description, '')
        from quality_results
        order by success, severity <> 'critical', check_name
        """
    ).fetchall()
    return tuple(
        QualityCheck(name, severity, success, count, _keys(keys), description)
        for name, severity, success, count, keys, description in rows
    )


def _keys(failing_keys_json: str, limit: int = 5) -> tuple[str, ...]:
    try:
        keys = json.loads(failing_keys_json)
    except json.JSONDecodeError:
        return (failing_keys_json,)
    shown = tuple(json.dumps(k, ensure_ascii=False) for k in keys[:limit])
    return shown + ((f"… {len(keys) - limit} more",) if len(keys) > limit else ())


# Shaping values for charts and tables ------------------------------------------------------


def format_value(value: float | None, unit: str) -> str:
    """A value as people read it: fractions and percents as '30.6 %', counts '12,345'."""
    if value is None:
        return "–"
    if unit == "fraction":
        return f"{100 * value:.1f} %"
    if unit == "percent":
        return f"{value:.1f} %"
    if unit == "count":
        return f"{value:,.0f}"
    return f"{value:.3f}"


def chart_value(value: float | None, unit: str) -> float | None:
    """The value on a chart's axis: fractions in percent."""
    if value is None or unit != "fraction":
        return value
    return round(100 * value, 6)


def trend_spec(
    indicator: IndicatorInfo,
    values: Sequence[TotalValue],
    series: Sequence[tuple[str, str]],
) -> dict[str, Any]:
    """The Vega-Lite spec of one indicator's trend, one line per ``(code, name)`` of ``series``.

    Shares, percents and ratios share one axis; counts (a region next to the whole country)
    get one small panel per region, each with its own scale.
    """
    names = [name for _, name in series]
    by_code = dict(series)
    points = [
        {
            "period": v.period,
            "region": by_code[v.region_code],
            "value": chart_value(v.value, v.unit),
        }
        for v in values
        if v.region_code in by_code and v.value is not None
    ]
    unit = indicator.unit
    encoding = _trend_encoding(indicator, names)
    line = {"mark": {"type": "line", "point": True, "tooltip": True}, "encoding": encoding}
    spec: dict[str, Any] = {
        "$schema": "https://vega.github.io/schema/vega-lite/v6.json",
        "data": {"values": points},
        "config": {"font": "system-ui, sans-serif", "view": {"stroke": None}},
    }
    if unit == "count":
        # Each panel also needs room for its axis: all of them fit the chart column (~640 px).
        width = max(120, min(260, 600 // len(names) - 90))
        encoding["color"]["legend"] = None
        encoding["x"]["axis"] = {"labelAngle": -40, "labelOverlap": "parity"}
        header = {"labelFontSize": 13, "labelFontWeight": "bold"}
        return {
            **spec,
            "facet": {
                "column": {"field": "region", "sort": names, "title": None, "header": header}
            },
            "spec": {"width": width, "height": 200, **line},
            "resolve": {"scale": {"y": "independent"}},
        }
    layers: list[dict[str, Any]] = [line]
    if indicator.target_value is not None:
        layers += _target_layers(indicator)
    return {**spec, "width": "container", "height": 240, "layer": layers}


def _trend_encoding(indicator: IndicatorInfo, names: Sequence[str]) -> dict[str, Any]:
    unit = indicator.unit
    colours = [*SERIES_COLOURS[: len(names) - 1], NEDERLAND_COLOUR]
    dashes = [[1, 0]] * (len(names) - 1) + [[6, 3]]
    legend = {"orient": "top", "title": None, "labelLimit": 320}
    return {
        "x": {
            "field": "period",
            "type": "ordinal",
            "sort": "ascending",
            "title": PERIOD_TITLES.get(indicator.period_type, "period"),
            "axis": {"labelAngle": 0},
        },
        "y": {
            "field": "value",
            "type": "quantitative",
            "title": AXIS_TITLES.get(unit, unit),
            "axis": {"format": AXIS_FORMATS.get(unit, "")},
        },
        "color": {
            "field": "region",
            "type": "nominal",
            "scale": {"domain": list(names), "range": colours},
            "legend": legend,
        },
        "strokeDash": {
            "field": "region",
            "type": "nominal",
            "scale": {"domain": list(names), "range": dashes},
            "legend": None,
        },
        "tooltip": [
            {"field": "region", "title": "region"},
            {"field": "period", "title": "period"},
            {
                "field": "value",
                "title": AXIS_TITLES.get(unit, unit),
                "format": TOOLTIP_FORMATS.get(unit, ""),
            },
        ],
    }


def _target_layers(indicator: IndicatorInfo) -> list[dict[str, Any]]:
    target = chart_value(indicator.target_value, indicator.unit)
    label = f"pact target {format_value(indicator.target_value, indicator.unit)}"
    if indicator.target_year:
        label += f" ({indicator.target_year})"
    data = {"values": [{"target": target, "label": label}]}
    y = {"field": "target", "type": "quantitative"}
    return [
        {
            "data": data,
            "mark": {"type": "rule", "color": "#b91c1c", "strokeDash": [4, 4]},
            "encoding": {"y": y},
        },
        {
            "data": data,
            "mark": {"type": "text", "align": "left", "dx": 4, "dy": -7, "color": "#b91c1c"},
            "encoding": {"y": y, "x": {"value": 0}, "text": {"field": "label"}},
        },
    ]


def script_json(value: Any) -> Markup:
    """JSON safe inside ``<script type="application/json">``: no ``</script>``, no markup."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    for char, escaped in (("&", "\\u0026"), ("<", "\\u003c"), (">", "\\u003e")):
        text = text.replace(char, escaped)
    return Markup(text)


# Page models ------------------------------------------------------------------------------


@dataclass(frozen=True)
class TableRow:
    region: str
    period: str
    value: str
    suppressed_cell_count: int
    sort_value: float = 0.0


@dataclass(frozen=True)
class IndicatorPanel:
    """One indicator on an action point page."""

    info: IndicatorInfo
    chart_id: str
    spec: dict[str, Any] | None
    unit_label: str
    counted_by: str
    target: str | None
    # By the name of the region shown (a provincie standing in for a pact region by its own).
    latest: dict[str, TableRow]
    trend_periods: tuple[str, ...]
    trend_table: dict[str, dict[str, str]]
    gemeente_rows: tuple[TableRow, ...]
    gemeente_total: int
    # What the chart compares with Nederland: the pact regions, or the provincies shown.
    region_names: tuple[str, ...]
    # Pact region name -> name of the provincie shown for it, where one stands in.
    stand_ins: dict[str, str]
    # In plain words, for each stand-in: "Not published for Twente: shown for Overijssel, ..."
    notes: tuple[str, ...]


@dataclass(frozen=True)
class ActionPointPage:
    number: int
    title: str
    file_name: str
    panels: tuple[IndicatorPanel, ...]
    gaps: tuple[GapInfo, ...] = ()


def action_point_file(number: int) -> str:
    return f"action-point-{number}.html"


def build_panel(data: DashboardData, indicator: IndicatorInfo) -> IndicatorPanel:
    """An indicator's chart, facts and tables: its values for the pact regions, Nederland and
    the gemeenten of the pact regions.

    A pact region without a value of the indicator is shown by the provincie it lies in, when
    that has values (CBS publishes some indicators only per provincie and for Nederland); the
    panel's notes say so.
    """
    values = [v for v in data.values if v.indicator_id == indicator.indicator_id]
    by_region = _by_region(values)
    provincie_for = stand_in_provincies(data, by_region)
    series: dict[str, str] = {}  # code shown -> its name in chart and tables
    for code in data.series_codes():
        shown = provincie_for.get(code, code)
        series.setdefault(shown, _shown_name(data, code, shown))
    in_series = [v for code in series for v in by_region.get(code, [])]
    members = sorted({g for codes in data.gemeenten.values() for g in codes})
    return IndicatorPanel(
        info=indicator,
        chart_id=f"chart-{indicator.indicator_id}",
        spec=trend_spec(indicator, in_series, list(series.items())) if in_series else None,
        unit_label=UNIT_LABELS.get(indicator.unit, indicator.unit),
        counted_by=COUNTED_BY.get(indicator.counted_by, indicator.counted_by.replace("_", " ")),
        target=_target_text(indicator),
        latest=_latest_rows(data, by_region, series.items()),
        trend_periods=tuple(sorted({v.period for v in in_series})),
        trend_table={
            name: {v.period: format_value(v.value, v.unit) for v in by_region.get(code, [])}
            for code, name in series.items()
        },
        gemeente_rows=tuple(
            sorted(
                _latest_rows(data, by_region, [(g, data.name_of(g)) for g in members]).values(),
                key=lambda r: (r.value == "–", -r.sort_value, r.region),
            )
        ),
        gemeente_total=len(members),
        region_names=_compared_names(data, by_region, provincie_for, series, bool(in_series)),
        stand_ins={data.name_of(c): series[p] for c, p in provincie_for.items()},
        notes=_notes(data, by_region, provincie_for),
    )


def _notes(
    data: DashboardData,
    by_region: Mapping[str, Sequence[TotalValue]],
    provincie_for: Mapping[str, str],
) -> tuple[str, ...]:
    """In plain words, each pact region shown by its provincie, and each not shown at all (CBS
    publishes international students for Nederland only)."""
    notes = []
    for code in data.pact_regions:
        name = data.name_of(code)
        if code in provincie_for:
            shown = data.name_of(provincie_for[code])
            notes.append(f"Not published for {name}: shown for {shown}, its provincie.")
        elif not _has_value(by_region, code):
            provincie = " or its provincie" if code in data.provincies else ""
            notes.append(f"Not published for {name}{provincie}.")
    return tuple(notes)


def _compared_names(
    data: DashboardData,
    by_region: Mapping[str, Sequence[TotalValue]],
    provincie_for: Mapping[str, str],
    series: Mapping[str, str],
    has_values: bool,
) -> tuple[str, ...]:
    """The names of the regions the chart compares with Nederland: those shown (a pact region or
    its provincie) that have values; with no values at all, the pact regions asked for."""
    shown = [provincie_for.get(c, c) for c in data.pact_regions]
    if not has_values:
        return tuple(dict.fromkeys(series[code] for code in shown))
    return tuple(dict.fromkeys(series[c] for c in shown if _has_value(by_region, c)))


def _has_value(by_region: Mapping[str, Sequence[TotalValue]], code: str) -> bool:
    return any(v.value is not None for v in by_region.get(code, ()))


def stand_in_provincies(
    data: DashboardData, by_region: Mapping[str, Sequence[TotalValue]]
) -> dict[str, str]:
    """The provincie to show for each pact region that has no value of an indicator, by pact
    region code: the provincie it lies in, when that has a value. A pact region with a value
    is shown itself, whatever its provincie has."""
    return {
        code: provincie
        for code in data.pact_regions
        if (provincie := data.provincies.get(code)) is not None
        and not _has_value(by_region, code)
        and _has_value(by_region, provincie)
    }


def _shown_name(data: DashboardData, code: str, shown: str) -> str:
    """The name of region ``shown`` in the series of ``code``: a provincie standing in for a
    region of the same name (COROP Utrecht, provincie Utrecht) says it is the provincie."""
    name = data.name_of(shown)
    return f"{name} (provincie)" if shown != code and name == data.name_of(code) else name


def _by_region(values: Iterable[TotalValue]) -> dict[str, list[TotalValue]]:
    grouped: dict[str, list[TotalValue]] = {}
    for value in values:
        grouped.setdefault(value.region_code, []).append(value)
    return grouped


def _latest_rows(
    data: DashboardData,
    by_region: Mapping[str, list[TotalValue]],
    regions: Iterable[tuple[str, str]],
) -> dict[str, TableRow]:
    """The latest value of each ``(code, name)`` of ``regions`` that has one, by name."""
    rows = {}
    for code, name in regions:
        latest = _latest(by_region.get(code, []))
        if latest is not None:
            rows[name] = _row(data, latest)
    return rows


def _latest(values: Iterable[TotalValue]) -> TotalValue | None:
    return max(values, key=lambda v: v.period_start, default=None)


def _row(data: DashboardData, value: TotalValue) -> TableRow:
    return TableRow(
        region=data.name_of(value.region_code),
        period=value.period,
        value=format_value(value.value, value.unit),
        suppressed_cell_count=value.suppressed_cell_count,
        sort_value=value.value or 0.0,
    )


def _target_text(indicator: IndicatorInfo) -> str | None:
    if indicator.target_value is None:
        return None
    text = format_value(indicator.target_value, indicator.unit)
    if indicator.target_year:
        text += f" by {indicator.target_year}"
    return text + (f": {indicator.target_note}" if indicator.target_note else "")


def action_point_pages(data: DashboardData) -> tuple[ActionPointPage, ...]:
    """One page per action point, with a panel for each of its indicators (maybe none) and
    the gaps: what the pact asks for that no open source publishes."""
    return tuple(
        ActionPointPage(
            number=number,
            title=title,
            file_name=action_point_file(number),
            panels=tuple(build_panel(data, i) for i in data.indicators if i.action_point == number),
            gaps=tuple(g for g in data.gaps if g.action_point == number),
        )
        for number, title in ACTION_POINTS.items()
    )


# Rendering --------------------------------------------------------------------------------


def template_environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["script_json"] = script_json
    return env


def render_pages(
    data: DashboardData, *, script_href: str, quality_report_href: str | None = None
) -> dict[str, str]:
    """Every page of the site by file name; ``script_href`` is the Vega bundle's path."""
    env = template_environment()
    pages = action_point_pages(data)
    common = {
        "data": data,
        "snapshot": data.snapshot,
        "action_points": pages,
        "pact_names": [data.name_of(c) for c in data.pact_regions],
        "series_names": [data.name_of(c) for c in data.series_codes()],
        "version": __version__,
    }
    rendered = {
        "index.html": env.get_template("index.html").render(common, page="index"),
        "quality.html": env.get_template("quality.html").render(
            common, page="quality", quality_report_href=quality_report_href
        ),
    }
    template = env.get_template("action_point.html")
    for ap in pages:
        rendered[ap.file_name] = template.render(
            common, page=ap.file_name, ap=ap, script_href=script_href
        )
    return rendered


# Writing the site -------------------------------------------------------------------------


def vega_bundle(previous_site: Path) -> tuple[str, bytes]:
    """The file name and content of the Vega bundle: from ``previous_site`` when it has the
    same version (building it takes a second or two), else built by vl-convert."""
    import vl_convert

    name = f"vega-vlconvert-{vl_convert.__version__}.js"
    previous = previous_site / "assets" / name
    if previous.is_file() and (previous_site / MARKER_FILE).is_file():
        return name, previous.read_bytes()
    return name, vl_convert.javascript_bundle().encode("utf-8")


def quality_report_href(runs_dir: Path | None, snapshot_id: str, out_dir: Path) -> str | None:
    """The run's quality report relative to the site, when it exists."""
    if runs_dir is None:
        return None
    report = runs_dir / f"{snapshot_id}.docs" / "index.html"
    if not report.is_file():
        return None
    try:
        return Path(os.path.relpath(report.resolve(), out_dir.resolve())).as_posix()
    except ValueError:  # another drive: no relative path
        return report.resolve().as_uri()


def write_dashboard(
    source: Path,
    out_dir: Path,
    *,
    pact_regions: Sequence[str],
    runs_dir: Path | None = None,
) -> Path:
    """Write the dashboard of the published file ``source`` into ``out_dir``; its index.

    ``source`` is opened read-only and closed before anything is written. ``out_dir`` is
    replaced whole (an existing folder only when it is empty or a dashboard already).
    """
    if not source.is_file():
        raise DashboardError(f"there is no published file {source} (publish a snapshot first)")
    _check_replaceable(out_dir)
    with duckdb.connect(str(source), read_only=True) as con:
        data = read_dashboard_data(con, pact_regions)
    bundle_name, bundle = vega_bundle(out_dir)
    pages = render_pages(
        data,
        script_href=f"assets/{bundle_name}",
        quality_report_href=quality_report_href(runs_dir, data.snapshot.snapshot_id, out_dir),
    )
    marker = {"snapshot_id": data.snapshot.snapshot_id, "techpact_version": __version__}
    files: dict[str, bytes] = {name: html.encode("utf-8") for name, html in pages.items()}
    files[f"assets/{bundle_name}"] = bundle
    files[MARKER_FILE] = (json.dumps(marker, indent=2) + "\n").encode("utf-8")
    write_site(out_dir, files)
    return out_dir / "index.html"


def refresh_dashboard(settings: Settings, source: Path | None = None) -> Path:
    """Rewrite ``settings.dashboard_dir`` from the published file (or ``source``, a copy of
    it such as the snapshot just published); returns the dashboard's index.html."""
    return write_dashboard(
        source or settings.published_path,
        settings.dashboard_dir,
        pact_regions=settings.pact_regions,
        runs_dir=settings.runs_dir,
    )


def write_site(out_dir: Path, files: Mapping[str, bytes]) -> None:
    """Write ``files`` (relative path → bytes) into a temporary folder beside ``out_dir``,
    then swap it in for ``out_dir``."""
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    building = Path(
        tempfile.mkdtemp(prefix=f".{out_dir.name}.", suffix=TEMP_SUFFIX, dir=out_dir.parent)
    )
    try:
        for name, content in files.items():
            path = building / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content)
        building.chmod(0o755)  # mkdtemp makes it private
        _swap_in_folder(building, out_dir)
    except BaseException:
        shutil.rmtree(building, ignore_errors=True)
        raise


def interrupted_writes(out_dir: Path) -> list[Path]:
    """Temporary folders a killed ``write_site`` left beside ``out_dir``."""
    if not out_dir.parent.is_dir():
        return []
    return sorted(p for p in out_dir.parent.glob(f".{out_dir.name}.*{TEMP_SUFFIX}") if p.is_dir())


def _check_replaceable(out_dir: Path) -> None:
    if out_dir.exists() and not out_dir.is_dir():
        raise DashboardError(f"{out_dir} is a file, not a folder for the dashboard")
    if out_dir.is_dir() and any(out_dir.iterdir()) and not (out_dir / MARKER_FILE).is_file():
        raise DashboardError(
            f"{out_dir} is not empty and holds no dashboard ({MARKER_FILE}): "
            "choose an empty or new folder"
        )


def _swap_in_folder(building: Path, out_dir: Path) -> None:
    """Move ``building`` to ``out_dir``; an existing ``out_dir`` is moved aside first and
    removed after (a reader sees the old site or the new one, for a moment neither)."""
    if not out_dir.exists():
        os.replace(building, out_dir)
        return
    old = out_dir.with_name(f".{out_dir.name}.{secrets.token_hex(4)}.old{TEMP_SUFFIX}")
    os.replace(out_dir, old)
    try:
        os.replace(building, out_dir)
    except BaseException:
        os.replace(old, out_dir)
        raise
    shutil.rmtree(old, ignore_errors=True)
