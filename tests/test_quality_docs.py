"""Quality reports: GX Data Docs for a run (also a blocked one), markdown and table summaries.

A region code or name is data, not markup: every report must show ``<script>alert(1)</script>``
as text. (GX's own Data Docs renderer does not escape the values it found, so techpact escapes
them before GX renders; these tests check the HTML it writes. No browser is installed here.)
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from test_quality_gate import TOTALS, indicator_row, write_build

from techpact.config import Settings
from techpact.expectations.config import load_checks_config
from techpact.expectations.docs import escape_strings, run_docs_dir, write_data_docs
from techpact.expectations.gate import QualityReport, read_tables, run_checks
from techpact.expectations.report import (
    summary_markdown,
    summary_rows,
    summary_table_artifact,
)
from techpact.expectations.suites import build_checks
from techpact.transforms.catalog import load_catalog

COUNT = "hbo_enrolment_technology"
EVIL = "<script>alert(1)</script>"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"


@pytest.fixture(scope="module")
def blocked_report(tmp_path_factory: pytest.TempPathFactory) -> QualityReport:
    """A build whose only bad row is a negative count for a region called <script>…."""
    rows = [
        indicator_row(COUNT, "CR12", "2023/24", 1000, "count"),
        indicator_row(COUNT, "NL01", "2023/24", 40_000, "count"),
        {**indicator_row(COUNT, EVIL, "2023/24", -3, "count"), "region_name": EVIL},
    ]
    config = load_checks_config()
    build = write_build(tmp_path_factory.mktemp("build") / "build.duckdb", pd.DataFrame(rows))
    report = run_checks(build_checks(load_catalog(), config), read_tables(build, config, [COUNT]))
    assert report.blocked
    return report


@pytest.fixture(scope="module")
def docs_index(blocked_report: QualityReport, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_data_docs(blocked_report, tmp_path_factory.mktemp("runs") / "run.docs")


def html_files(root: Path) -> list[Path]:
    return sorted(root.rglob("*.html"))


def test_the_data_docs_index_names_the_failed_check_and_its_failing_keys(
    docs_index: Path,
) -> None:
    page = docs_index.read_text("utf-8")

    assert docs_index.name == "index.html"
    assert "Quality gate: blocked" in page
    assert f"value_range__{COUNT}" in page
    assert "FAILED" in page
    assert ESCAPED in page


def test_the_index_of_a_sample_build_says_it_is_generated_data(
    blocked_report: QualityReport, tmp_path: Path
) -> None:
    sample = write_data_docs(blocked_report, tmp_path / "sample.docs", is_sample_data=True)
    assert "GENERATED SAMPLE DATA" in sample.read_text("utf-8")
    markdown = summary_markdown(blocked_report, run_id="r", is_sample_data=True)
    assert "GENERATED SAMPLE DATA" in markdown


def test_the_index_of_a_real_build_does_not_say_sample(docs_index: Path) -> None:
    assert "SAMPLE" not in docs_index.read_text("utf-8")


def test_the_gx_site_has_a_page_per_validated_table_linked_from_the_index(
    docs_index: Path,
) -> None:
    root = docs_index.parent
    pages = [p for p in html_files(root / "gx") if "validations" in p.parts]
    indicator_page = [p for p in pages if "techpact_indicator_values" in p.parts]

    assert len(indicator_page) == 1
    index = docs_index.read_text("utf-8")
    assert f'href="{indicator_page[0].relative_to(root).as_posix()}"' in index
    gx_page = indicator_page[0].read_text("utf-8")
    # GX shows the failing row's keys; the region code arrives escaped, once.
    assert ESCAPED in gx_page
    assert "&amp;lt;script" not in gx_page
    assert (root / "gx" / "uncommitted" / "data_docs" / "local_site" / "index.html").exists()


def test_no_data_value_becomes_markup_in_any_page(docs_index: Path) -> None:
    files = html_files(docs_index.parent)

    assert len(files) > 3
    for path in files:
        assert "<script>alert(1)" not in path.read_text("utf-8"), path


def test_the_validation_results_themselves_are_not_changed(
    blocked_report: QualityReport, docs_index: Path
) -> None:
    [failed] = [r for r in blocked_report.results if r.name == f"value_range__{COUNT}"]

    assert failed.failing_keys == (
        {"indicator_id": COUNT, "region_code": EVIL, "period": "2023/24", **TOTALS},
    )


def test_data_docs_need_the_gx_results() -> None:
    with pytest.raises(ValueError, match="no GX validation results"):
        write_data_docs(QualityReport(()), Path("unused"))


def test_run_docs_live_beside_the_run_record(tmp_path: Path) -> None:
    settings = Settings.from_paths(tmp_path)

    assert run_docs_dir(settings, "20261129T101500Z-1a2b3c") == (
        tmp_path.resolve() / "runs" / "20261129T101500Z-1a2b3c.docs"
    )


def test_escape_strings_reaches_nested_keys_and_values() -> None:
    assert escape_strings({"<k>": [EVIL, 3, ("&",)], "n": None}) == {
        "&lt;k&gt;": [ESCAPED, 3, ("&amp;",)],
        "n": None,
    }


# --- markdown and table summaries -------------------------------------------------------------


def test_the_markdown_summary_escapes_data_and_links_the_docs(
    blocked_report: QualityReport,
) -> None:
    markdown = summary_markdown(
        blocked_report, run_id="20261129T101500Z-1a2b3c", docs_url="file:///data/runs/x/index.html"
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
    blocked_report: QualityReport,
) -> None:
    rows = summary_table_artifact(blocked_report)

    assert rows[0]["check"] == f"value_range__{COUNT}"
    assert rows[0]["result"] == "FAILED"
    assert ESCAPED in rows[0]["failing_keys"]
    assert all(EVIL not in str(v) for row in rows for v in row.values())
    assert len(rows) == len(summary_rows(blocked_report)) == len(blocked_report.results)
