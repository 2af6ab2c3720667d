"""A run's quality report in headless Chromium: styled, error-free and offline.

The report of a passed run and of a blocked one (a negative count for a region called
``<script>…``) are opened from ``file://``: the index and the ``indicator_values`` page. Nothing
may be requested outside ``file://``, nothing may log an error, and the report's own CSS must
apply. Screenshots are kept in ``.test-artifacts/quality-report-*.png``.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from browser import ARTIFACTS, open_page
from test_quality_docs import EVIL, FAILED_CHECK, blocked_report, passed_report

from techpact.expectations.docs import write_data_docs
from techpact.expectations.pages import check_anchor

PASSED_RUN = "20261129T100000Z-aaaaaa"
BLOCKED_RUN = "20261129T110000Z-bbbbbb"
# header.top's background, #102a43 in report.css.
HEADER_BACKGROUND = "rgb(16, 42, 67)"


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The report folders of a passed (sample data) and a blocked run."""
    builds = tmp_path_factory.mktemp("builds")
    runs = tmp_path_factory.mktemp("runs")
    passed = write_data_docs(
        passed_report(builds), runs / f"{PASSED_RUN}.docs", is_sample_data=True
    )
    blocked = write_data_docs(blocked_report(builds), runs / f"{BLOCKED_RUN}.docs")
    return {"passed": passed.parent, "blocked": blocked.parent}


def computed(visit, selector: str, prop: str) -> str:
    return visit.page.eval_on_selector(selector, f"e => getComputedStyle(e).{prop}")


@pytest.mark.parametrize("run", ["passed", "blocked"])
@pytest.mark.parametrize("page", ["index.html", "tables/indicator_values.html"])
def test_every_page_renders_styled_offline_without_errors(
    reports: dict[str, Path], run: str, page: str
) -> None:
    url = (reports[run] / page).as_uri()

    with open_page(url, wait_for="main table") as visit:
        background = computed(visit, "header.top", "backgroundColor")
        font = computed(visit, "body", "fontFamily")
        scripts = visit.page.eval_on_selector_all("script", "s => s.length")
        visit.screenshot(f"quality-report-{run}-{Path(page).stem}.png")

    assert visit.console_errors == []
    assert visit.page_errors == []
    assert visit.outside_requests == []
    assert all(r.startswith("file://") or r.startswith("data:") for r in visit.requests)
    assert background == HEADER_BACKGROUND
    assert "system-ui" in font
    assert scripts == 0


def test_a_passed_sample_run_says_so_in_words_people_see(reports: dict[str, Path]) -> None:
    with open_page((reports["passed"] / "index.html").as_uri(), wait_for="main") as visit:
        heading = visit.page.inner_text("h1")
        sample = visit.page.inner_text("p.sample")

    assert heading.startswith("Quality gate: passed")
    assert "GENERATED SAMPLE DATA" in sample


def test_the_failed_check_links_to_its_failing_rows_shown_as_text(
    reports: dict[str, Path],
) -> None:
    index = (reports["blocked"] / "index.html").as_uri()
    anchor = check_anchor(FAILED_CHECK)

    with open_page(index, wait_for="table.checks") as visit:
        first_row = visit.page.inner_text("table.checks tbody tr")
        badge = computed(visit, "table.checks tbody tr .badge.failed-critical", "color")
        visit.page.click(f'table.checks a[href$="#{anchor}"]')
        visit.page.wait_for_selector(f"section.failure#{anchor}:target")
        failure = visit.page.inner_text(f"section#{anchor}")
        ARTIFACTS.mkdir(exist_ok=True)  # the viewport, scrolled to the failure
        visit.page.screenshot(path=str(ARTIFACTS / "quality-report-blocked-failure.png"))

    assert FAILED_CHECK in first_row and "FAILED" in first_row  # failures come first
    assert badge == "rgb(180, 35, 24)"  # --fail
    assert visit.page_errors == [] and visit.console_errors == []
    assert visit.outside_requests == []
    assert EVIL in failure  # the region name is text on the page, not a script
    assert "1 unexpected row of 3 checked" in failure
