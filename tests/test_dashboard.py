"""The dashboard: a static HTML site of the published snapshot, refreshed on every publish.

An analyst opens ``data/published/dashboard/index.html`` and sees, per pact action point, the
trend of each indicator for Twente against Nederland, what it means, and its latest value per
gemeente; the site says when its numbers are GENERATED SAMPLE DATA and needs no network.
"""

from __future__ import annotations

import json
import logging
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import duckdb
import pytest
from browser import open_page
from test_publish import make_snapshot
from typer.testing import CliRunner

from techpact.cli import app
from techpact.config import Settings
from techpact.warehouse import dashboard
from techpact.warehouse.dashboard import format_value, script_json, write_dashboard
from techpact.warehouse.snapshots import SnapshotStore
from techpact.warehouse.views import ACTION_POINTS

SHARE = "hbo_enrolment_technology_share"
HOSTILE = '<script>alert("x")</script> & <b>Twente</b>'


# Helpers: read the pages the way a reader would ----------------------------------------------


class _Tables(HTMLParser):
    """The rows (cell texts) of every ``<table class=...>`` in a piece of HTML."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[tuple[str, list[list[str]]]] = []
        self._row: list[str] | None = None
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self.tables.append((dict(attrs).get("class") or "", []))
        elif tag == "tr":
            self._row = []
        elif tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._row is not None and self._cell is not None:
            self._row.append("".join(self._cell).strip())
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self.tables[-1][1].append(self._row)
            self._row = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def table_rows(html: str, table_class: str) -> list[list[str]]:
    parser = _Tables()
    parser.feed(html)
    return [row for cls, rows in parser.tables if cls == table_class for row in rows]


def section_of(page: str, indicator_id: str) -> str:
    match = re.search(
        rf'<section class="indicator" id="{indicator_id}">(.*?)</section>', page, re.DOTALL
    )
    assert match, f"no section for {indicator_id}"
    return match.group(1)


def chart_spec(page: str, indicator_id: str) -> dict:
    match = re.search(
        rf'<script type="application/json" data-chart="chart-{indicator_id}">(.*?)</script>',
        page,
        re.DOTALL,
    )
    assert match, f"no chart for {indicator_id}"
    return json.loads(match.group(1))


def read(site: Path, page: str) -> str:
    return (site / page).read_text("utf-8")


def edited_copy(published: Path, folder: Path, *statements: str) -> Path:
    """A copy of the published file with some SQL applied (the original stays untouched)."""
    copy = folder / "edited.duckdb"
    shutil.copyfile(published, copy)
    with duckdb.connect(str(copy)) as con:
        for statement in statements:
            con.execute(statement)
    return copy


@pytest.fixture(scope="module")
def settings(published_sample: Path) -> Settings:
    return Settings.from_paths(published_sample)


@pytest.fixture(scope="module")
def site(settings: Settings) -> Path:
    """The dashboard that publishing the sample wrote."""
    return settings.dashboard_dir


def published(settings: Settings, sql: str, params: dict | None = None) -> list[tuple]:
    with duckdb.connect(str(settings.published_path), read_only=True) as con:
        return con.execute(sql, params or {}).fetchall()


# What the pages say ---------------------------------------------------------------------------


def test_the_overview_names_the_snapshot_its_quality_and_that_it_is_sample_data(
    settings: Settings, site: Path
) -> None:
    [(snapshot_id, status)] = published(
        settings, "select snapshot_id, quality_status from snapshot_info"
    )
    index = read(site, "index.html")

    assert snapshot_id in index
    assert 'class="status status-passed"' in index and status == "passed"
    assert "GENERATED SAMPLE DATA" in index
    assert 'class="sample-banner"' in index
    for number in ACTION_POINTS:
        assert f'href="action-point-{number}.html"' in index
    assert 'href="quality.html"' in index


def test_official_data_carries_no_sample_banner(settings: Settings, tmp_path: Path) -> None:
    source = edited_copy(
        settings.published_path, tmp_path, "update snapshot_info set is_sample_data = false"
    )
    index = write_dashboard(source, tmp_path / "site", pact_regions=("CR12",))

    assert "GENERATED SAMPLE DATA" not in index.read_text("utf-8")
    assert "official DUO and CBS figures" in index.read_text("utf-8")


def test_every_action_point_has_a_page_and_those_without_indicators_say_so(
    settings: Settings, site: Path
) -> None:
    catalog = published(settings, "select indicator_id, action_point from indicator_catalog")
    for number in ACTION_POINTS:
        page = read(site, f"action-point-{number}.html")
        ids = [i for i, ap in catalog if ap == number]
        for indicator_id in ids:
            assert f'<section class="indicator" id="{indicator_id}">' in page
        assert ("No indicators yet" in page) == (not ids)
        assert ids, f"action point {number} has no indicator in the catalog"


def test_an_action_point_without_indicators_says_so(settings: Settings, tmp_path: Path) -> None:
    source = edited_copy(
        settings.published_path,
        tmp_path,
        "delete from indicator_values where indicator_id in "
        "(select indicator_id from indicator_catalog where action_point = 4)",
        "delete from indicator_catalog where action_point = 4",
    )
    write_dashboard(source, tmp_path / "site", pact_regions=("CR12",))

    assert "No indicators yet" in read(tmp_path / "site", "action-point-4.html")
    assert "No indicators yet" not in read(tmp_path / "site", "action-point-5.html")


def test_an_action_point_page_lists_what_no_open_source_publishes_and_why(
    settings: Settings, site: Path
) -> None:
    gaps = published(settings, "select indicator_id, action_point, title_en from indicator_gaps")
    assert gaps  # the catalog's gaps.toml
    for indicator_id, action_point, title in gaps:
        page = read(site, f"action-point-{action_point}.html")
        assert f'<li id="{indicator_id}"><strong>{title}</strong>' in page
        assert f'href="action-point-{action_point}.html#{indicator_id}"' in read(site, "index.html")
    page = read(site, "action-point-4.html")
    assert "Not available: no open source per region" in page
    assert "DUO publishes no nationality" in page
    assert "Nearest open figure: CBS 85125NED" in page


def test_an_indicator_shows_its_twente_vs_nederland_trend_in_percent(
    settings: Settings, site: Path
) -> None:
    page = read(site, "action-point-1.html")
    expected = published(
        settings,
        """
        select r.region_name, v.period, v.value
        from indicator_values as v inner join region as r using (region_code)
        where v.indicator_id = $id and v.region_code in ('CR12', 'NL01')
          and v.sex = 'total' and v.education_level = 'total' and v.institution = 'total'
        """,
        {"id": SHARE},
    )

    points = chart_spec(page, SHARE)["data"]["values"]

    assert {p["region"] for p in points} == {"Twente", "Nederland"}
    assert sorted((p["region"], p["period"], p["value"]) for p in points) == sorted(
        (name, period, pytest.approx(100 * value)) for name, period, value in expected
    )


def test_an_indicator_shows_its_definition_unit_and_source(settings: Settings, site: Path) -> None:
    [(definition, source_dataset)] = published(
        settings,
        "select definition, source_dataset from indicator_catalog where indicator_id = $id",
        {"id": SHARE},
    )
    section = section_of(read(site, "action-point-1.html"), SHARE)

    assert f'<p class="definition">{definition}</p>' in section  # no markup in this one
    assert "share, shown in % (stored as a fraction 0..1)" in section
    assert f"DUO {source_dataset}" in section


def test_the_gemeente_table_holds_the_latest_value_of_each_gemeente_of_twente(
    settings: Settings, site: Path
) -> None:
    expected = published(
        settings,
        """
        select r.region_name, arg_max(v.period, p.start_date), arg_max(v.value, p.start_date)
        from indicator_values as v
        inner join region as r using (region_code)
        inner join period as p on p.period = v.period and p.period_type = v.period_type
        where v.indicator_id = $id and r.region_level = 'gemeente' and r.corop_code = 'CR12'
          and v.sex = 'total' and v.education_level = 'total' and v.institution = 'total'
        group by r.region_name
        """,
        {"id": SHARE},
    )
    assert expected, "the sample has gemeente values for the share"

    rows = table_rows(section_of(read(site, "action-point-1.html"), SHARE), "gemeenten")
    body = {row[0]: row for row in rows[1:] if row[0] not in ("Twente", "Nederland")}

    assert set(body) == {name for name, _, _ in expected}
    for name, period, value in expected:
        assert body[name][1] == period
        assert body[name][2].rstrip("*") == f"{100 * value:.1f} %"
    assert [row[0] for row in rows[-2:]] == ["Twente", "Nederland"]  # for comparison


@pytest.mark.parametrize(
    ("value", "unit", "shown"),
    [
        (0.306, "fraction", "30.6 %"),
        (30.6, "percent", "30.6 %"),
        (12345.0, "count", "12,345"),
        (0.052, "ratio", "0.052"),
        (None, "count", "–"),
    ],
)
def test_values_are_shown_in_their_unit_fractions_as_percentages(
    value: float | None, unit: str, shown: str
) -> None:
    assert format_value(value, unit) == shown


def test_a_hostile_region_name_is_escaped_in_pages_and_chart_data(
    settings: Settings, tmp_path: Path
) -> None:
    source = edited_copy(
        settings.published_path,
        tmp_path,
        f"update region set region_name = '{HOSTILE}' where region_code in ('CR12', 'GM0153')",
    )
    site = write_dashboard(source, tmp_path / "site", pact_regions=("CR12",)).parent

    for page in site.glob("*.html"):
        assert "<script>alert" not in read(site, page.name), page.name
        assert "<b>Twente</b>" not in read(site, page.name), page.name
    page = read(site, "action-point-1.html")
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; &lt;b&gt;Twente&lt;/b&gt;" in page
    assert {p["region"] for p in chart_spec(page, SHARE)["data"]["values"]} == {
        HOSTILE,
        "Nederland",
    }


# CBS publishes some indicators only per provincie and for Nederland (catalog grain
# region_levels = ["provincie", "land"]), such as open vacancies (83599NED).

VACANCIES = "open_vacancies_provincie_only"
TITLE = "Open vacancies, all sectors"


def with_indicator(
    published: Path, folder: Path, indicator_id: str, rows: list[tuple[str, str, float]]
) -> Path:
    """A copy of the published file with one more indicator, a yearly count on action point 3,
    having (region_code, year, value) ``rows`` and no others."""
    values = ", ".join(f"('{code}', '{year}', {value})" for code, year, value in rows)
    return edited_copy(
        published,
        folder,
        f"""insert into indicator_catalog (indicator_id, title_nl, title_en, definition, unit,
            action_point, source, source_dataset, region_levels, period_type, breakdowns,
            counted_by)
        values ('{indicator_id}', 'Openstaande vacatures', '{TITLE}',
            'Open vacancies at the end of the year, all sectors.', 'count', 3, 'cbs',
            '83599NED', 'provincie, land', 'year', '', 'workplace')""",
        f"""insert into indicator_values (indicator_id, region_code, period, period_type, sex,
            education_level, institution, value, unit, source, source_dataset)
        select '{indicator_id}', region_code, period, 'year', 'total', 'total', 'total', value,
            'count', 'cbs', '83599NED'
        from (values {values}) as v (region_code, period, value)""",
    )


def test_an_indicator_published_only_per_provincie_is_shown_for_the_pact_regions_provincie(
    settings: Settings, tmp_path: Path
) -> None:
    source = with_indicator(
        settings.published_path,
        tmp_path,
        VACANCIES,
        [
            ("PV23", "2023", 21000),  # Overijssel, the provincie of Twente
            ("PV23", "2024", 19500),
            ("PV30", "2024", 40000),  # Noord-Brabant
            ("NL01", "2023", 420000),
            ("NL01", "2024", 398000),
        ],
    )
    site = write_dashboard(source, tmp_path / "site", pact_regions=("CR12",)).parent
    page = read(site, "action-point-3.html")
    section = section_of(page, VACANCIES)

    points = chart_spec(page, VACANCIES)["data"]["values"]
    assert sorted((p["region"], p["period"], p["value"]) for p in points) == [
        ("Nederland", "2023", 420000),
        ("Nederland", "2024", 398000),
        ("Overijssel", "2023", 21000),
        ("Overijssel", "2024", 19500),
    ]
    assert "Not published for Twente: shown for Overijssel, its provincie." in section
    assert "<figcaption>Overijssel vs Nederland, count.</figcaption>" in section
    assert table_rows(section, "trend") == [
        ["period", "Overijssel", "Nederland"],
        ["2023", "21,000", "420,000"],
        ["2024", "19,500", "398,000"],
    ]
    assert "No values per gemeente for this indicator." in section
    [summary] = [row for row in table_rows(page, "summary") if row[0] == TITLE]
    assert summary == [TITLE, "count", "19,500 2024 (provincie Overijssel)", "398,000 2024"]


def test_an_indicator_with_values_for_the_pact_region_is_shown_for_the_pact_region_itself(
    settings: Settings, tmp_path: Path
) -> None:
    """Its provincie's values, even where there are some, are not shown."""
    source = with_indicator(
        settings.published_path,
        tmp_path,
        VACANCIES,
        [("CR12", "2024", 9000), ("PV23", "2024", 19500), ("NL01", "2024", 398000)],
    )
    site = write_dashboard(source, tmp_path / "site", pact_regions=("CR12",)).parent
    page = read(site, "action-point-3.html")
    section = section_of(page, VACANCIES)

    points = chart_spec(page, VACANCIES)["data"]["values"]
    assert sorted((p["region"], p["value"]) for p in points) == [
        ("Nederland", 398000),
        ("Twente", 9000),
    ]
    assert "Not published" not in section and "Overijssel" not in section
    assert "<figcaption>Twente vs Nederland, count.</figcaption>" in section
    [summary] = [row for row in table_rows(page, "summary") if row[0] == TITLE]
    assert summary == [TITLE, "count", "9,000 2024", "398,000 2024"]
    # and an indicator of the sample with values for Twente is drawn as on the sample's site
    original = read(settings.dashboard_dir, "action-point-1.html")
    assert section_of(read(site, "action-point-1.html"), SHARE) == section_of(original, SHARE)


def test_only_the_pact_region_without_values_is_shown_by_its_provincie(
    settings: Settings, tmp_path: Path
) -> None:
    source = with_indicator(
        settings.published_path,
        tmp_path,
        VACANCIES,
        [
            ("PV23", "2024", 19500),
            ("CR36", "2024", 15000),  # Zuidoost-Noord-Brabant has values
            ("PV30", "2024", 40000),  # ... and so has its provincie, Noord-Brabant
            ("NL01", "2024", 398000),
        ],
    )
    site = write_dashboard(source, tmp_path / "site", pact_regions=("CR12", "CR36")).parent
    section = section_of(read(site, "action-point-3.html"), VACANCIES)

    points = chart_spec(read(site, "action-point-3.html"), VACANCIES)["data"]["values"]
    assert [p["region"] for p in points] == ["Overijssel", "Zuidoost-Noord-Brabant", "Nederland"]
    assert "Not published for Twente: shown for Overijssel, its provincie." in section
    assert "Not published for Zuidoost-Noord-Brabant" not in section
    assert "<figcaption>Overijssel, Zuidoost-Noord-Brabant vs Nederland, count.</figcaption>" in (
        section
    )


def test_chart_data_cannot_close_its_script_element() -> None:
    text = str(script_json({"name": "</script><!-- & -->"}))

    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text) == {"name": "</script><!-- & -->"}


def test_the_quality_page_lists_failures_first_and_links_the_run_report(
    settings: Settings, tmp_path: Path
) -> None:
    [(snapshot_id,)] = published(settings, "select snapshot_id from snapshot_info")
    source = edited_copy(
        settings.published_path,
        tmp_path,
        f"""insert into quality_results values ('{snapshot_id}', 'drift_row_count', 'warning',
            false, 3, '[{{"region_code": "CR12"}}]', 'row count within 10 % of the last', null)""",
    )
    runs = tmp_path / "data" / "runs"
    report = runs / f"{snapshot_id}.docs" / "index.html"
    report.parent.mkdir(parents=True)
    report.write_text("<html>report</html>")
    site = tmp_path / "data" / "published" / "dashboard"

    write_dashboard(source, site, pact_regions=("CR12",), runs_dir=runs)
    page = read(site, "quality.html")
    rows = table_rows(page, "quality")

    assert rows[1][:3] == ["drift_row_count", "warning", "FAILED"]
    assert rows[2][2] == "passed"
    href = re.search(r'<a href="([^"]+)">quality report</a>', page)
    assert href and (site / href.group(1)).resolve() == report.resolve()


# Writing and refreshing the site -------------------------------------------------------------


def test_publishing_and_rolling_back_refresh_the_dashboard(tmp_path: Path) -> None:
    settings = Settings.from_paths(tmp_path / "data")
    store = SnapshotStore(settings)
    first, second = make_snapshot(settings), make_snapshot(settings)
    index = settings.dashboard_dir / "index.html"

    store.publish(first)
    assert first in index.read_text("utf-8")
    store.publish(second)
    assert second in index.read_text("utf-8") and first not in index.read_text("utf-8")
    store.rollback(first)
    assert first in index.read_text("utf-8")

    assert dashboard.interrupted_writes(settings.dashboard_dir) == []


def test_a_missing_dashboard_is_written_for_the_published_snapshot(tmp_path: Path) -> None:
    """What a run that has nothing new does for a snapshot published before dashboards."""
    settings = Settings.from_paths(tmp_path / "data")
    store = SnapshotStore(settings)
    snapshot_id = make_snapshot(settings)
    store.publish(snapshot_id)
    shutil.rmtree(settings.dashboard_dir)

    index = store.refresh_dashboard()

    assert index == settings.dashboard_dir / "index.html"
    assert snapshot_id in index.read_text("utf-8")


def test_a_dashboard_that_cannot_be_written_never_fails_the_publication(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    settings = Settings.from_paths(tmp_path / "data")
    store = SnapshotStore(settings)
    snapshot_id = make_snapshot(settings)

    def broken(*args: object, **kwargs: object) -> Path:
        raise OSError("disk full")

    monkeypatch.setattr(dashboard, "refresh_dashboard", broken)
    with caplog.at_level(logging.WARNING, logger="techpact.warehouse.snapshots"):
        store.publish(snapshot_id)

    assert store.published_id() == snapshot_id
    assert "dashboard was not refreshed" in caplog.text and "disk full" in caplog.text


def test_the_next_run_removes_a_dashboard_write_that_was_killed(tmp_path: Path) -> None:
    settings = Settings.from_paths(tmp_path / "data")
    leftover = settings.published_dir / ".dashboard.x1y2z3.tmp"
    (leftover / "assets").mkdir(parents=True)

    removed = SnapshotStore(settings).clean_up_interrupted()

    assert leftover in removed and not leftover.exists()


def test_a_folder_that_is_not_a_dashboard_is_never_replaced(
    settings: Settings, tmp_path: Path
) -> None:
    precious = tmp_path / "notes"
    precious.mkdir()
    (precious / "todo.txt").write_text("keep me")

    with pytest.raises(dashboard.DashboardError, match="holds no dashboard"):
        write_dashboard(settings.published_path, precious, pact_regions=("CR12",))
    assert (precious / "todo.txt").read_text() == "keep me"


def test_the_command_writes_the_dashboard_where_asked(settings: Settings, tmp_path: Path) -> None:
    out = tmp_path / "elsewhere"
    result = CliRunner().invoke(
        app, ["dashboard", "--data-dir", str(settings.data_dir), "--out", str(out)]
    )

    assert result.exit_code == 0, result.output
    assert (out / "index.html").as_uri() in result.output.replace("\n", "")
    assert sorted(p.name for p in out.glob("*.html")) == sorted(
        ["index.html", "quality.html", *(f"action-point-{n}.html" for n in ACTION_POINTS)]
    )


def test_the_command_says_when_nothing_is_published(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["dashboard", "--data-dir", str(tmp_path / "empty")])

    assert result.exit_code == 1
    assert "publish a snapshot first" in result.output


# In a browser ----------------------------------------------------------------------------------


def test_the_pages_draw_twente_against_nederland_offline_without_errors(site: Path) -> None:
    with open_page((site / "index.html").as_uri()) as visit:
        assert visit.page.locator(".sample-banner").is_visible()
    assert (visit.console_errors, visit.page_errors, visit.outside_requests) == ([], [], [])

    chart = f"#chart-{SHARE} svg"
    with open_page((site / "action-point-1.html").as_uri(), wait_for=chart) as visit:
        page = visit.page
        page.wait_for_function(
            "document.querySelectorAll('.vega svg').length"
            " === document.querySelectorAll('script[data-chart]').length"
        )
        legend = page.locator(f"{chart} .role-legend").text_content() or ""
        lines = page.locator(f"{chart} .mark-line path").count()
        visit.screenshot("dashboard-action-point-1.png")
    assert (visit.console_errors, visit.page_errors, visit.outside_requests) == ([], [], [])
    assert "Twente" in legend and "Nederland" in legend
    assert lines == 2  # one line per region
    assert all(url.startswith("file:") for url in visit.requests)


def test_a_hostile_region_name_stays_text_in_the_browser(
    settings: Settings, tmp_path: Path
) -> None:
    source = edited_copy(
        settings.published_path,
        tmp_path,
        f"update region set region_name = '{HOSTILE}' where region_code = 'CR12'",
    )
    site = write_dashboard(source, tmp_path / "site", pact_regions=("CR12",)).parent

    chart = f"#chart-{SHARE} svg"
    with open_page((site / "action-point-1.html").as_uri(), wait_for=chart) as visit:
        injected = visit.page.evaluate(
            """[...document.scripts].filter(s => s.textContent.includes('alert("x")')).length
            + document.querySelectorAll('b').length"""
        )
        legend = visit.page.locator(f"{chart} .role-legend").text_content() or ""
    assert injected == 0  # no script or element was made from the name
    assert visit.page_errors == [] and visit.console_errors == []
    assert HOSTILE in legend  # drawn as text


def test_an_indicator_published_for_nederland_only_says_the_pact_region_has_no_value(
    site: Path,
) -> None:
    """CBS publishes international students for Nederland only: no Twente, no Overijssel."""
    section = section_of(read(site, "action-point-4.html"), "international_students_share")
    assert "Not published for Twente or its provincie." in section
    assert "<figcaption>Nederland, share" in section and "Twente vs" not in section
    points = chart_spec(read(site, "action-point-4.html"), "international_students_share")
    assert {p["region"] for p in points["data"]["values"]} == {"Nederland"}
