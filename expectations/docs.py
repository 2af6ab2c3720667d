"""Great Expectations Data Docs for one run: an HTML site that opens in a browser.

GX renders the values it found (failing keys, unexpected values, error messages) into its
HTML as they are: a region name like ``<script>…`` would become markup. So the validation
results are copied with every string of their findings HTML-escaped, stored in a GX file
context, and the site is built from those copies. GX is imported here only, lazily.
"""

from __future__ import annotations

import copy
import html
import logging
from pathlib import Path
from typing import Any

from techpact.config import Settings
from techpact.expectations.gate import QualityReport
from techpact.expectations.report import summary_html
from techpact.sources.landing import write_atomic

log = logging.getLogger(__name__)

SITE_NAME = "local_site"


def run_docs_dir(settings: Settings, run_id: str) -> Path:
    """Where a run's Data Docs live: beside its run record, ``runs/<run_id>.docs/``."""
    return settings.runs_dir / f"{run_id}.docs"


def write_data_docs(report: QualityReport, out_dir: Path, *, is_sample_data: bool = False) -> Path:
    """Write the Data Docs of ``report`` into ``out_dir``; return its ``index.html``.

    ``out_dir/index.html`` is techpact's summary of every check (escaped), linking to GX's
    site under ``out_dir/gx/``, which has one page per validated table with the failing keys.
    """
    if not report.validation_results:
        raise ValueError("the report holds no GX validation results to render")
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig
    from great_expectations.data_context.types.resource_identifiers import (
        ExpectationSuiteIdentifier,
        ValidationResultIdentifier,
    )

    out_dir.mkdir(parents=True, exist_ok=True)
    context = gx.get_context(mode="file", project_root_dir=str(out_dir))
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    pages: dict[str, ValidationResultIdentifier] = {}
    for result in report.validation_results:
        table = result.meta["active_batch_definition"]["data_asset_name"]
        key = ValidationResultIdentifier(
            expectation_suite_identifier=ExpectationSuiteIdentifier(name=result.suite_name),
            run_id=result.meta["run_id"],
            batch_identifier=table,
        )
        context.validation_results_store.set(key, escaped_validation_result(result))
        pages[result.suite_name] = key
    urls = context.build_data_docs(site_names=[SITE_NAME])
    site_index = Path(urls[SITE_NAME].removeprefix("file://"))
    links = {
        suite: _relative(context.get_docs_sites_urls(resource_identifier=key), out_dir)
        for suite, key in pages.items()
    }
    index = out_dir / "index.html"
    write_atomic(
        index,
        summary_html(
            report,
            site_href=site_index.relative_to(out_dir).as_posix(),
            table_hrefs={suite.removeprefix("techpact_"): href for suite, href in links.items()},
            is_sample_data=is_sample_data,
        ).encode("utf-8"),
    )
    log.info("Data Docs written to %s", index)
    return index


def _relative(urls: list[dict[str, Any]], root: Path) -> str:
    [site] = [u for u in urls if u["site_name"] == SITE_NAME]
    return Path(site["site_url"].removeprefix("file://")).relative_to(root).as_posix()


def escaped_validation_result(result: Any) -> Any:
    """A copy of a GX suite validation result with every found value HTML-escaped."""
    escaped = copy.deepcopy(result)
    for item in escaped.results:
        item.result = escape_strings(item.result)
        if item.exception_info:
            item.exception_info = escape_strings(item.exception_info)
    return escaped


def escape_strings(value: Any) -> Any:
    """``value`` with every string (also dict keys, nested) passed through ``html.escape``."""
    if isinstance(value, str):
        return html.escape(value)
    if isinstance(value, dict):
        return {escape_strings(k): escape_strings(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(escape_strings(v) for v in value)
    return value
