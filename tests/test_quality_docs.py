"""Quality reports: the HTML report of a run (also a blocked one), markdown and table summaries.

A region code or name is data, not markup: every report must show ``<script>alert(1)</script>``
as text. These tests read the HTML techpact writes; ``test_quality_report_browser.py`` opens it
in headless Chromium.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest
from test_quality_gate import INDICATOR_IDS, TOTALS, indicator_row, valid_frame, write_build

from techpact.config import Settings
from techpact.expectations import docs
from techpact.expectations.config import load_checks_config
from techpact.expectations.docs import error_message, expectation_outcome, write_data_docs
from techpact.expectations.gate import CheckResult, QualityReport, read_tables, run_checks
from techpact.expectations.pages import (
    ROWS_SHOWN,
    TableOutcome,
    check_anchor,
    page_name,
    render_table_page,
)
from techpact.expectations.report import (
    summary_markdown,
    summary_rows,
    summary_table_artifact,
)
from techpact.expectations.suites import build_checks
from techpact.transforms.catalog import load_catalog
from techpact.warehouse.runs import run_docs_dir

COUNT = "hbo_enrolment_technology"
EVIL = "<script>alert(1)</script>"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"
RUN_ID = "20261129T101500Z-1a2b3c"
FAILED_CHECK = f"value_range__{COUNT}"
CONFIG = load_checks_config().requiring(("CR12",))


def blocked_report(folder: Path) -> QualityReport:
    """A build whose only bad row is a negative count for a region called <script>…."""
    rows = [
        indicator_row(COUNT, "CR12", "2023/24", 1000, "count"),
        indicator_row(COUNT, "NL01", "2023/24", 40_000, "count"),
        {**indicator_row(COUNT, EVIL, "2023/24", -3, "count"), "region_name": EVIL},
    ]
    build = write_build(folder / "blocked.duckdb", pd.DataFrame(rows))
    report = run_checks(build_checks(load_catalog(), CONFIG), read_tables(build, CONFIG, [COUNT]))
    assert report.blocked
    return report


def passed_report(folder: Path) -> QualityReport:
    """A valid build of three HBO indicators: every check passes."""
    build = write_build(folder / "passed.duckdb", valid_frame())
    report = run_checks(
        build_checks(load_catalog(), CONFIG), read_tables(build, CONFIG, INDICATOR_IDS)
    )
    assert report.failures == ()
    return report


@pytest.fixture(scope="module")
def blocked(tmp_path_factory: pytest.TempPathFactory) -> QualityReport:
    return blocked_report(tmp_path_factory.mktemp("build"))


@pytest.fixture(scope="module")
def docs_index(blocked: QualityReport, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_data_docs(blocked, tmp_path_factory.mktemp("runs") / f"{RUN_ID}.docs")


@pytest.fixture(scope="module")
def table_page(docs_index: Path) -> str:
    return (docs_index.parent / "tables" / "indicator_values.html").read_text("utf-8")


def html_files(root: Path) -> list[Path]:
    return sorted(root.rglob("*.html"))


def test_the_index_names_the_run_the_failed_check_and_its_failing_keys(docs_index: Path) -> None:
    page = docs_index.read_text("utf-8")

    assert docs_index.name == "index.html"
    assert "Quality gate: blocked" in page
    assert RUN_ID in page
    assert FAILED_CHECK in page
    assert "FAILED" in page
    assert ESCAPED in page


def test_the_pages_of_a_sample_build_say_it_is_generated_data(
    blocked: QualityReport, tmp_path: Path
) -> None:
    index = write_data_docs(blocked, tmp_path / "sample.docs", is_sample_data=True)

    for path in html_files(index.parent):
        assert "GENERATED SAMPLE DATA" in path.read_text("utf-8"), path
    markdown = summary_markdown(blocked, run_id="r", is_sample_data=True)
    assert "GENERATED SAMPLE DATA" in markdown


def test_the_pages_of_a_real_build_do_not_say_sample(docs_index: Path) -> None:
    for path in html_files(docs_index.parent):
        assert "SAMPLE" not in path.read_text("utf-8"), path


def test_every_validated_table_has_a_page_linked_from_the_index(
    blocked: QualityReport, docs_index: Path
) -> None:
    root = docs_index.parent
    index = docs_index.read_text("utf-8")
    pages = sorted(p.relative_to(root).as_posix() for p in (root / "tables").glob("*.html"))

    assert len(pages) == len({result.table for result in blocked.results})
    assert "tables/indicator_values.html" in pages
    for page in pages:
        assert f'href="{page}"' in index, page


def test_each_check_links_to_its_entry_on_its_table_page(
    blocked: QualityReport, docs_index: Path
) -> None:
    root = docs_index.parent
    index = docs_index.read_text("utf-8")

    for check in blocked.results:
        [href] = re.findall(rf'href="(tables/[^"#]+)#{check_anchor(check.name)}"', index)
        page = (root / href).read_text("utf-8")
        assert f'id="{check_anchor(check.name)}"' in page, check.name


def test_the_table_page_lists_every_expectation_with_its_result(
    blocked: QualityReport, table_page: str
) -> None:
    on_table = [r for r in blocked.results if r.table == "indicator_values"]
    rows = re.findall(r'<tr class="(pass|fail \w+)"', table_page.split("Every check")[1])

    assert len(rows) == len(on_table) > 100
    assert rows.count("fail critical") == 1
    assert "expect_column_values_to_be_between" in table_page
    assert f"indicator_id == &quot;{COUNT}&quot;" in table_page  # the row condition, as text


def test_the_table_page_shows_the_unexpected_row_with_its_keys_escaped_once(
    table_page: str,
) -> None:
    [failure] = re.findall(r'<section class="failure.*?</section>', table_page, re.S)

    assert f'id="{check_anchor(FAILED_CHECK)}"' in failure
    assert "1 unexpected row of 3 checked" in failure
    for value in (COUNT, ESCAPED, "2023/24", "-3", *TOTALS.values()):
        assert f">{value}</td>" in failure, value
    assert "&amp;lt;script" not in table_page


def test_no_data_value_becomes_markup_in_any_page(docs_index: Path) -> None:
    files = html_files(docs_index.parent)

    assert len(files) > 3
    for path in files:
        page = path.read_text("utf-8")
        assert "<script" not in page, path  # no data value, and no script of our own


def test_the_report_loads_nothing_and_weighs_little(docs_index: Path) -> None:
    root = docs_index.parent
    files = [p for p in root.rglob("*") if p.is_file()]

    assert {p.suffix for p in files} == {".html"}  # no fonts, images or scripts to fetch
    for path in files:
        page = path.read_text("utf-8")
        assert not re.search(r"https?://|\bsrc=|<link rel=\"stylesheet", page), path
        assert "Content-Security-Policy" in page
    assert sum(p.stat().st_size for p in files) < 1_000_000  # GX's site was ~5 MB


def test_the_validation_results_themselves_are_not_changed(
    blocked: QualityReport, docs_index: Path
) -> None:
    [failed] = [r for r in blocked.results if r.name == FAILED_CHECK]

    assert failed.failing_keys == (
        {"indicator_id": COUNT, "region_code": EVIL, "period": "2023/24", **TOTALS},
    )


def test_a_report_of_a_passed_build_shows_every_check_passed(tmp_path: Path) -> None:
    index = write_data_docs(passed_report(tmp_path), tmp_path / f"{RUN_ID}.docs")

    page = index.read_text("utf-8")
    assert "Quality gate: passed" in page
    assert "FAILED" not in page
    assert "Failed checks" not in (index.parent / "tables" / "indicator_values.html").read_text()


def test_data_docs_need_the_gx_results() -> None:
    with pytest.raises(ValueError, match="no GX validation results"):
        write_data_docs(QualityReport(()), Path("unused"))


def test_run_docs_live_beside_the_run_record(tmp_path: Path) -> None:
    settings = Settings.from_paths(tmp_path)

    assert run_docs_dir(settings, RUN_ID) == tmp_path.resolve() / "runs" / f"{RUN_ID}.docs"
    assert docs.run_docs_dir is run_docs_dir  # flows/build.py imports it from expectations.docs


# --- table pages from plain outcomes ------------------------------------------------------------

CHECK = CheckResult("grain_unique", "critical", "one row per key", False, 250, (), "t")


def gx_item(result: dict, exception_info: dict | None = None) -> dict:
    """One GX expectation validation result, as ``to_json_dict()`` gives it."""
    return {
        "success": False,
        "expectation_config": {
            "type": "expect_compound_columns_to_be_unique",
            "kwargs": {"batch_id": "techpact-t", "column_list": ["a", "b"]},
            "meta": {"check": "grain_unique", "severity": "critical"},
        },
        "result": result,
        "exception_info": exception_info
        or {"raised_exception": False, "exception_message": None, "exception_traceback": None},
    }


def table_page_of(item: dict) -> str:
    outcome = expectation_outcome(item, {CHECK.name: CHECK})
    table = TableOutcome("t", "tables/t.html", "2026-11-29 10:15:00 UTC", (outcome,))
    return render_table_page(table, run_id=RUN_ID, status="blocked")


def test_a_long_list_of_unexpected_rows_is_cut_with_the_exact_count_above_it() -> None:
    rows = [{"a": n, "b": EVIL} for n in range(ROWS_SHOWN + 50)]
    page = table_page_of(
        gx_item(
            {
                "element_count": 1000,
                "unexpected_count": 250,
                "unexpected_percent": 25.0,
                "unexpected_index_column_names": ["a", "b"],
                "unexpected_index_list": rows,
            }
        )
    )

    assert "250 unexpected rows of 1,000 checked (25 %)" in page
    assert page.count(f"<td>{ESCAPED}</td>") == ROWS_SHOWN
    assert "… and 50 more unexpected rows." in page
    assert "batch_id" not in page


def test_an_expectation_that_raised_shows_its_error_as_text() -> None:
    page = table_page_of(
        gx_item(
            {},
            {
                "raised_exception": True,
                "exception_message": f"KeyError: {EVIL}",
                "exception_traceback": "Traceback (most recent call last): ...",
            },
        )
    )

    assert "The expectation raised an error:" in page
    assert f"KeyError: {ESCAPED}" in page
    assert EVIL not in page


def test_errors_are_read_from_either_shape_gx_reports_them_in() -> None:
    raised = {"raised_exception": True, "exception_message": "boom", "exception_traceback": None}
    calm = {"raised_exception": False, "exception_message": None, "exception_traceback": None}

    assert error_message(raised) == "boom"
    assert error_message(calm) is None
    assert error_message({"metric_a": calm, "metric_b": raised}) == "boom"
    assert error_message(None) is None


def test_a_checks_condition_reads_as_comparisons_on_its_table_page(docs_index: Path) -> None:
    page = (docs_index.parent / "tables" / "indicator_values.html").read_text("utf-8")

    assert "<dt>row_condition</dt><dd><code>indicator_id == &quot;" in page


def test_page_names_are_slugs_and_never_collide() -> None:
    assert page_name("indicator_values", set()) == "tables/indicator_values.html"
    assert page_name("../a b", set()) == "tables/a-b.html"
    assert page_name("a b", {"tables/a-b.html"}) == "tables/a-b-2.html"
    assert check_anchor('x"><b>') == "check-x-b-"


# --- markdown and table summaries -------------------------------------------------------------


def test_the_markdown_summary_escapes_data_and_links_the_docs(
    blocked: QualityReport,
) -> None:
    markdown = summary_markdown(
        blocked, run_id="20261129T101500Z-1a2b3c", docs_url="file:///data/runs/x/index.html"
    )

    assert markdown.startswith("# Quality gate: blocked")
    assert "nothing was published" in markdown
    assert "[Data Docs for this run](file:///data/runs/x/index.html)" in markdown
    assert f"| value_range__{COUNT} | critical | 1 |" in markdown
    assert ESCAPED in markdown
    assert EVIL not in markdown


def test_a_pipe_in_a_value_does_not_break_the_markdown_table() -> None:
    records = [
        {
            "check_name": "grain_unique",
            "severity": "critical",
            "description": "d",
            "success": False,
            "unexpected_count": 2,
            "failing_keys": [{"region_code": "a|b"}],
        }
    ]

    row = next(line for line in summary_markdown(records, run_id="r").splitlines() if "a&" in line)

    assert row.count("|") == 5
    assert "a&#124;b" in row


def test_the_table_artifact_rows_are_escaped_and_failures_come_first(
    blocked: QualityReport,
) -> None:
    rows = summary_table_artifact(blocked)

    assert rows[0]["check"] == f"value_range__{COUNT}"
    assert rows[0]["result"] == "FAILED"
    assert ESCAPED in rows[0]["failing_keys"]
    assert all(EVIL not in str(v) for row in rows for v in row.values())
    assert len(rows) == len(summary_rows(blocked)) == len(blocked.results)
