"""The quality report of one run: static HTML pages that open in a browser with no network.

``runs/<id>.docs/index.html`` lists every check (failures first, with their failing keys) and
links to ``tables/<table>.html``, one page per validated table with every expectation GX ran,
its result and, for a failed one, the unexpected rows. The pages are rendered by
``expectations.pages`` from GX's validation results (GX's own Data Docs site is not built: its
pages load their CSS and scripts from CDNs and weigh ~5.5 MB per run). GX is not imported here.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

from techpact.expectations.gate import CheckResult, QualityReport, table_of_asset
from techpact.expectations.pages import (
    ROWS_SHOWN,
    ExpectationOutcome,
    TableOutcome,
    page_name,
    render_index,
    render_table_page,
)
from techpact.sources.landing import write_atomic
from techpact.warehouse.runs import run_docs_dir

__all__ = ["run_docs_dir", "table_outcomes", "write_data_docs"]

log = logging.getLogger(__name__)


def write_data_docs(report: QualityReport, out_dir: Path, *, is_sample_data: bool = False) -> Path:
    """Write the quality report of ``report`` into ``out_dir``; return its ``index.html``.

    The table pages are written first and the index last (each atomically), so an index that
    exists links only to pages that do. ``out_dir`` is named ``<run id>.docs``.
    """
    if not report.validation_results:
        raise ValueError("the report holds no GX validation results to render")
    run_id = out_dir.name.removesuffix(".docs")
    tables = table_outcomes(report)
    for table in tables:
        page = render_table_page(
            table, run_id=run_id, status=report.status, is_sample_data=is_sample_data
        )
        write_atomic(out_dir / table.page, page.encode("utf-8"))
    index = out_dir / "index.html"
    page = render_index(report, tables, run_id=run_id, is_sample_data=is_sample_data)
    write_atomic(index, page.encode("utf-8"))
    log.info("Quality report written to %s", index)
    return index


def table_outcomes(report: QualityReport) -> list[TableOutcome]:
    """One ``TableOutcome`` per validated table of ``report``, in validation order: the
    outcomes of every suite on the table's rows (all of them, or those a condition selects)."""
    checks = {r.name: r for r in report.results}
    by_table: dict[str, tuple[str, list[ExpectationOutcome]]] = {}
    for result in report.validation_results:
        table = table_of_asset(_table_name(result))
        _, outcomes = by_table.setdefault(table, (_validated_at(result.meta), []))
        outcomes.extend(expectation_outcome(item.to_json_dict(), checks) for item in result.results)
    pages: set[str] = set()
    tables = []
    for table, (validated_at, outcomes) in by_table.items():
        page = page_name(table, pages)
        pages.add(page)
        tables.append(TableOutcome(table, page, validated_at, tuple(outcomes)))
    return tables


def expectation_outcome(
    item: Mapping[str, Any], checks: Mapping[str, CheckResult]
) -> ExpectationOutcome:
    """One GX expectation validation result (its JSON dict) with the check it implements."""
    config = item["expectation_config"]
    result = item.get("result") or {}
    rows = result.get("unexpected_index_list") or result.get("unexpected_list") or []
    return ExpectationOutcome(
        check=checks[config["meta"]["check"]],
        expectation=config["type"],
        arguments={
            **{k: v for k, v in config["kwargs"].items() if k != "batch_id"},
            **({"row_condition": where} if (where := config["meta"].get("where")) else {}),
        },
        element_count=result.get("element_count"),
        unexpected_percent=result.get("unexpected_percent"),
        observed_value=result.get("observed_value"),
        key_columns=tuple(result.get("unexpected_index_column_names") or ()),
        unexpected_rows=tuple(rows[:ROWS_SHOWN]),
        error=error_message(item.get("exception_info")),
    )


def error_message(info: Any) -> str | None:
    """The message and traceback of an expectation that raised, else None.

    GX gives one ``{"raised_exception": ...}`` or a mapping of them per metric.
    """
    if not isinstance(info, Mapping):
        return None
    if "raised_exception" not in info:
        messages = [m for m in map(error_message, info.values()) if m]
        return "\n\n".join(messages) or None
    if not info["raised_exception"]:
        return None
    message = info.get("exception_message") or "the expectation raised an error"
    traceback = info.get("exception_traceback")
    return f"{message}\n\n{traceback}" if traceback else message


def _table_name(result: Any) -> str:
    batch = (result.meta or {}).get("active_batch_definition") or {}
    return batch.get("data_asset_name") or result.suite_name.removeprefix("techpact_")


def _validated_at(meta: Mapping[str, Any] | None) -> str:
    value = (meta or {}).get("validation_time")
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S %Z").strip()
    return str(value or "")
