"""The quality summary in the shapes people read it: rows for a terminal, markdown, artifacts.

Pure functions of a ``QualityReport`` (or its records). Failing keys are data: a region name
can be anything, so every value is HTML-escaped in markdown and artifact output. The HTML
pages of a run's report are ``expectations.pages``.
"""

from __future__ import annotations

import html
import json
from collections.abc import Mapping, Sequence
from typing import Any

from techpact.expectations.gate import QualityReport

KEYS_SHOWN = 5


def check_records(report: QualityReport | Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The report's checks as plain records (``QualityReport.to_records`` shape)."""
    if isinstance(report, QualityReport):
        return report.to_records()
    return [dict(r) for r in report]


def status_of(records: Sequence[Mapping[str, Any]]) -> str:
    """passed, passed_with_warnings or blocked, from check records."""
    if any(
        not r["success"] and r["severity"] == "critical" and not r.get("accepted_reason")
        for r in records
    ):
        return "blocked"
    if any(not r["success"] for r in records):
        return "passed_with_warnings"
    return "passed"


def format_keys(keys: Sequence[Mapping[str, Any]], limit: int = KEYS_SHOWN) -> str:
    """The first ``limit`` failing keys as compact JSON, ``; ``-separated (not escaped)."""
    shown = "; ".join(json.dumps(k, ensure_ascii=False, sort_keys=False) for k in keys[:limit])
    more = len(keys) - limit
    return shown + (f"; … {more} more" if more > 0 else "")


def summary_rows(report: QualityReport | Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """One row per check, failures first: for a terminal table (not escaped)."""
    records = check_records(report)
    ordered = sorted(records, key=lambda r: (r["success"], r["severity"] != "critical"))
    return [
        {
            "check": r["check_name"],
            "severity": r["severity"],
            "result": "passed" if r["success"] else "FAILED",
            "unexpected": r["unexpected_count"],
            "failing_keys": format_keys(r["failing_keys"]),
        }
        for r in ordered
    ]


def summary_table_artifact(
    report: QualityReport | Sequence[Mapping[str, Any]],
) -> list[dict[str, Any]]:
    """``summary_rows`` with every text HTML-escaped: for ``create_table_artifact``."""
    return [
        {k: html.escape(v) if isinstance(v, str) else v for k, v in row.items()}
        for row in summary_rows(report)
    ]


def _markdown_cell(value: Any) -> str:
    return html.escape(str(value)).replace("|", "&#124;").replace("\n", " ")


SAMPLE_DATA_NOTE = (
    "GENERATED SAMPLE DATA: this build was made from generated sample files, "
    "not official DUO or CBS figures."
)


def summary_markdown(
    report: QualityReport | Sequence[Mapping[str, Any]],
    *,
    run_id: str,
    docs_url: str | None = None,
    is_sample_data: bool = False,
) -> str:
    """A markdown summary (for ``create_markdown_artifact``): status, failures, Data Docs link."""
    records = check_records(report)
    status = status_of(records)
    failures = [r for r in summary_rows(records) if r["result"] == "FAILED"]
    lines = [
        f"# Quality gate: {status}",
        "",
        *([f"**{SAMPLE_DATA_NOTE}**", ""] if is_sample_data else []),
        f"Run `{_markdown_cell(run_id)}`: {len(records)} checks, {len(failures)} failed"
        + (" (a critical check failed: nothing was published)." if status == "blocked" else "."),
        "",
    ]
    if docs_url:
        lines += [f"[Data Docs for this run]({docs_url})", ""]
    if failures:
        lines += [
            "| check | severity | unexpected | failing keys (sample) |",
            "|---|---|---|---|",
            *(
                f"| {_markdown_cell(r['check'])} | {_markdown_cell(r['severity'])} | "
                f"{r['unexpected']} | {_markdown_cell(r['failing_keys'])} |"
                for r in failures
            ),
            "",
        ]
    return "\n".join(lines)
