"""The HTML pages of a run's quality report: an index of every check and one page per table.

Pure functions of plain outcomes (``expectations.docs`` reads them from GX's results). Every
page is one self-contained file: its style is inlined from ``report.css`` and it loads nothing,
so it renders the same from a laptop, a file share or an e-mail attachment with no network.
A Content-Security-Policy forbids scripts and every request, as a second line of defence.

Data values (region names, failing keys, error messages) are escaped where they are written
into HTML, once, by ``_text``/``_value``: a region called ``<script>`` is shown as text.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from html import escape
from importlib import resources
from typing import Any

from techpact.expectations.gate import CheckResult, QualityReport
from techpact.expectations.report import SAMPLE_DATA_NOTE, summary_rows

# Unexpected rows listed per failed check on a table page (the count above them is exact).
ROWS_SHOWN = 200
ARGUMENT_CHARS = 400
CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"


@dataclass(frozen=True)
class ExpectationOutcome:
    """One expectation of one table, as GX found it, with the check it implements."""

    check: CheckResult
    expectation: str
    arguments: Mapping[str, Any]
    element_count: int | None = None
    unexpected_percent: float | None = None
    observed_value: Any = None
    key_columns: tuple[str, ...] = ()
    unexpected_rows: tuple[Any, ...] = ()
    error: str | None = None


@dataclass(frozen=True)
class TableOutcome:
    """Every expectation GX ran on one validated table; ``page`` is its file, relative to the
    report's folder (``tables/<name>.html``)."""

    table: str
    page: str
    validated_at: str
    outcomes: tuple[ExpectationOutcome, ...]

    @property
    def failures(self) -> tuple[ExpectationOutcome, ...]:
        return tuple(o for o in self.outcomes if not o.check.success)

    @property
    def row_count(self) -> int | None:
        counts = [o.element_count for o in self.outcomes if o.element_count is not None]
        return max(counts) if counts else None


def check_anchor(name: str) -> str:
    """The id of a check's entry on its table page (a slug: ids and hrefs stay plain)."""
    return "check-" + re.sub(r"[^A-Za-z0-9_-]+", "-", name)


def page_name(table: str, taken: set[str]) -> str:
    """``tables/<slug>.html`` for ``table``, different from every name in ``taken``."""
    slug = re.sub(r"[^A-Za-z0-9_-]+", "-", table).strip("-") or "table"
    name, n = f"tables/{slug}.html", 1
    while name in taken:
        n += 1
        name = f"tables/{slug}-{n}.html"
    return name


# --- the index ---------------------------------------------------------------------------------


def render_index(
    report: QualityReport,
    tables: Sequence[TableOutcome],
    *,
    run_id: str,
    is_sample_data: bool = False,
) -> str:
    """The report's front page: status, every validated table, every check (failures first)."""
    status = report.status
    pages = {t.table: t.page for t in tables}
    body = [
        _header(
            f"Quality gate: {status}",
            status=status,
            crumbs=f"techpact quality report · run <code>{_text(run_id)}</code>",
            meta=_validated_at(tables),
        ),
        "<main>",
        _sample_note(is_sample_data),
        _tiles(report),
        "<h2>Validated tables</h2>",
        _tables_table(tables),
        "<h2>Checks</h2>",
        _checks_table(report, pages),
        "</main>",
    ]
    return _page(f"techpact quality gate: {status}", body)


def _tiles(report: QualityReport) -> str:
    critical = sum(r.blocks for r in report.results)
    warnings = len(report.failures) - critical
    tiles = [
        ("checks", len(report.results), ""),
        ("passed", len(report.results) - len(report.failures), "good"),
        ("critical failed", critical, "bad" if critical else ""),
        ("warnings failed", warnings, "warn" if warnings else ""),
    ]
    return (
        f'<p class="lead">{len(report.results)} checks, {len(report.failures)} failed'
        + (" (a critical check failed: nothing was published)." if report.blocked else ".")
        + '</p>\n<div class="tiles">'
        + "".join(
            f'<div class="tile {css}"><div class="n">{n}</div>'
            f'<div class="label">{label}</div></div>'
            for label, n, css in tiles
        )
        + "</div>"
    )


def _tables_table(tables: Sequence[TableOutcome]) -> str:
    rows = [
        f'<tr class="{"fail" if t.failures else "pass"} {_worst(t)}">'
        f'<td><a href="{_text(t.page)}">{_text(t.table)}</a></td>'
        f'<td class="num">{_count(t.row_count)}</td><td class="num">{len(t.outcomes)}</td>'
        f'<td class="num">{len(t.failures)}</td></tr>'
        for t in sorted(tables, key=lambda t: (not t.failures, t.table))
    ]
    return _table(["table", ("rows", "num"), ("checks", "num"), ("failed", "num")], rows, "tables")


def _worst(table: TableOutcome) -> str:
    if any(o.check.blocks for o in table.failures):
        return "critical"
    return "warning" if table.failures else ""


def _checks_table(report: QualityReport, pages: Mapping[str, str]) -> str:
    by_name = {r.name: r for r in report.results}
    rows = []
    for row in summary_rows(report):
        result = by_name[row["check"]]
        keys = "".join(f"<code>{_text(_json(k))}</code>" for k in result.failing_keys)
        rows.append(
            f'<tr class="{_row_class(result)}"><td>{_check_link(result, pages.get(result.table))}'
            f'<div class="sub">on {_text(result.table)}</div></td>'
            f"<td>{_severity(result)}</td><td>{_result_badge(result)}</td>"
            f'<td class="num">{result.unexpected_count:,}</td>'
            f'<td>{_text(result.description)}</td><td class="keys">{keys}</td></tr>'
        )
    headings = ["check", "severity", "result", ("unexpected", "num"), "what it asserts"]
    return _table([*headings, "failing keys (sample)"], rows, "checks")


def _check_link(check: CheckResult, page: str | None) -> str:
    name = f'<span class="mono">{_text(check.name)}</span>'
    return f'<a href="{_text(page)}#{check_anchor(check.name)}">{name}</a>' if page else name


# --- one table ---------------------------------------------------------------------------------


def render_table_page(
    table: TableOutcome,
    *,
    run_id: str,
    status: str,
    is_sample_data: bool = False,
) -> str:
    """One validated table: each failed check with its unexpected rows, then every check."""
    failures = table.failures
    body = [
        _header(
            f"Table {table.table}",
            status=None,
            crumbs=(
                f'<a href="../index.html">← quality report</a> · run <code>{_text(run_id)}</code>'
                f" · gate {_text(status)}"
            ),
            meta=" · ".join(
                (
                    _plural(table.row_count or 0, "row"),
                    _plural(len(table.outcomes), "check"),
                    f"{len(failures)} failed",
                    _text(table.validated_at),
                )
            ),
        ),
        "<main>",
        _sample_note(is_sample_data),
        *(["<h2>Failed checks</h2>", *map(_failure, failures)] if failures else []),
        "<h2>Every check on this table</h2>",
        _outcomes_table(table.outcomes),
        "</main>",
    ]
    return _page(f"techpact quality: {table.table}", body)


def _failure(outcome: ExpectationOutcome) -> str:
    check = outcome.check
    parts = [
        f'<section class="failure {_text(check.severity)}" id="{check_anchor(check.name)}">',
        f"<h3>{_text(check.name)} {_severity(check)} {_result_badge(check)}</h3>",
        f"<p>{_text(check.description)}</p>",
        _expectation(outcome),
        f"<p><strong>{_unexpected(outcome)}</strong></p>",
    ]
    if outcome.error:
        parts.append(f'<pre class="error">{_text(outcome.error)}</pre>')
    if outcome.unexpected_rows:
        parts.append(_rows_table(outcome))
    parts.append("</section>")
    return "\n".join(parts)


def _unexpected(outcome: ExpectationOutcome) -> str:
    if outcome.error:
        return "The expectation raised an error:"
    count = outcome.check.unexpected_count
    text = f"{count:,} unexpected row{'s' if count != 1 else ''}"
    if outcome.element_count:
        text += f" of {outcome.element_count:,} checked"
    if outcome.unexpected_percent is not None:
        text += f" ({outcome.unexpected_percent:.3g} %)"
    if outcome.observed_value is not None:
        text += f"; observed {_text(_plain(outcome.observed_value))}"
    return text + "."


def _rows_table(outcome: ExpectationOutcome) -> str:
    """The unexpected rows of a failed check: key columns, then the checked values, marked."""
    rows = outcome.unexpected_rows[:ROWS_SHOWN]
    columns = _row_columns(rows, outcome.key_columns)
    checked = set(columns) - set(outcome.key_columns)
    body = [
        "<tr>" + "".join(_cell_html(_cell(row, c), c in checked) for c in columns) + "</tr>"
        for row in rows
    ]
    more = outcome.check.unexpected_count - len(rows)
    note = f'<p class="more">… and {more:,} more unexpected rows.</p>' if more > 0 else ""
    headings = [(c, "checked") if c in checked else c for c in columns]
    return _table(headings, body, "rows") + note


def _cell_html(value: Any, checked: bool) -> str:
    return ('<td class="checked">' if checked else "<td>") + f"{_value(value)}</td>"


def _row_columns(rows: Sequence[Any], key_columns: Sequence[str]) -> list[str]:
    """Key columns first, then every other column a row names (the values checked)."""
    columns = dict.fromkeys(key_columns)
    for row in rows:
        if isinstance(row, Mapping):
            columns.update(dict.fromkeys(str(k) for k in row))
        else:
            columns["row"] = None
    return [c for c in columns if any(_has(row, c) for row in rows)] or list(columns)


def _has(row: Any, column: str) -> bool:
    return column in row if isinstance(row, Mapping) else column == "row"


def _cell(row: Any, column: str) -> Any:
    return row.get(column) if isinstance(row, Mapping) else row


def _outcomes_table(outcomes: Sequence[ExpectationOutcome]) -> str:
    rows = []
    for o in sorted(outcomes, key=lambda o: (o.check.success, not o.check.blocks)):
        check = o.check
        anchor = "" if not check.success else f' id="{check_anchor(check.name)}"'
        name = f'<span class="mono">{_text(check.name)}</span>'
        if not check.success:
            name = f'<a href="#{check_anchor(check.name)}">{name}</a>'
        rows.append(
            f'<tr class="{_row_class(check)}"{anchor}><td>{name}'
            f'<div class="sub">{_text(check.description)}</div></td>'
            f"<td>{_severity(check)}</td><td>{_result_badge(check)}</td>"
            f"<td>{_expectation(o)}</td><td class='num'>{_count(o.element_count)}</td>"
            f"<td class='num'>{check.unexpected_count:,}</td></tr>"
        )
    headings = ["check", "severity", "result", "expectation", ("checked", "num")]
    return _table([*headings, ("unexpected", "num")], rows, "outcomes")


def _expectation(outcome: ExpectationOutcome) -> str:
    arguments = "".join(
        f"<dt>{_text(name)}</dt><dd><code>{_text(_argument(name, value))}</code></dd>"
        for name, value in outcome.arguments.items()
    )
    return f'<code>{_text(outcome.expectation)}</code><dl class="args">{arguments}</dl>'


def _argument(name: str, value: Any) -> str:
    text = _plain(value)
    return text if len(text) <= ARGUMENT_CHARS else text[:ARGUMENT_CHARS] + " …"


# --- shared pieces -----------------------------------------------------------------------------


@cache
def stylesheet() -> str:
    """The report's CSS (package data ``report.css``)."""
    return resources.files("techpact.expectations").joinpath("report.css").read_text("utf-8")


def _page(title: str, body: Sequence[str]) -> str:
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{_text(title)}</title>
<link rel="icon" href="data:,">
<style>
{stylesheet()}</style>
</head>
<body>
{chr(10).join(part for part in body if part)}
<footer></footer>
</body>
</html>
"""


def _header(title: str, *, status: str | None, crumbs: str, meta: str) -> str:
    badge = f' <span class="badge status-{_text(status)}">{_text(status)}</span>' if status else ""
    return (
        f'<header class="top"><div class="crumbs">{crumbs}</div>'
        f"<h1>{_text(title)}{badge}</h1>"
        f'<div class="meta">{meta}</div></header>'
    )


def _sample_note(is_sample_data: bool) -> str:
    return f'<p class="sample">{_text(SAMPLE_DATA_NOTE)}</p>' if is_sample_data else ""


def _table(headings: Sequence[str | tuple[str, str]], rows: Sequence[str], css: str) -> str:
    cells = "".join(
        f'<th class="{h[1]}">{_text(h[0])}</th>' if isinstance(h, tuple) else f"<th>{_text(h)}</th>"
        for h in headings
    )
    return (
        f'<table class="{css}"><thead><tr>{cells}</tr></thead>\n<tbody>\n'
        + "\n".join(rows)
        + "\n</tbody></table>"
    )


def _validated_at(tables: Sequence[TableOutcome]) -> str:
    times = sorted(t.validated_at for t in tables if t.validated_at)
    return f"validated {_text(times[0])}" if times else ""


def _row_class(check: CheckResult) -> str:
    return "pass" if check.success else f"fail {_text(check.severity)}"


def _severity(check: CheckResult) -> str:
    return f'<span class="badge severity">{_text(check.severity)}</span>'


def _result_badge(check: CheckResult) -> str:
    if check.success:
        return '<span class="badge passed">passed</span>'
    return f'<span class="badge failed-{_text(check.severity)}">FAILED</span>'


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}{'' if n == 1 else 's'}"


def _count(value: int | None) -> str:
    return "" if value is None else f"{value:,}"


def _plain(value: Any) -> str:
    """A value as text: strings as they are, anything else as JSON."""
    return value if isinstance(value, str) else _json(value)


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)


def _value(value: Any) -> str:
    """A data value as HTML: escaped text; null marked as such."""
    if value is None:
        return '<span class="null">null</span>'
    return _text(_plain(value))


def _text(value: str) -> str:
    return escape(value, quote=True)
