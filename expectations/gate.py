"""The quality gate: validate a build with Great Expectations before it may be published.

GX's SQL datasource does not work on DuckDB, so tables are read with DuckDB into pandas and
validated there. GX is imported here only, lazily: its import costs seconds.
"""

from __future__ import annotations

import json
import logging
import math
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from techpact.expectations import consistency, drift
from techpact.expectations.config import ChecksConfig
from techpact.expectations.suites import COVERAGE, INDICATOR_VALUES, SOURCE_DUPLICATES, Check

log = logging.getLogger(__name__)

MAX_FAILING_KEYS = 20

COVERAGE_SQL = """
-- Every catalog indicator x every period it has data for x every required region, with the
-- number of rows found. A required region stands for itself where the indicator's grain
-- declares its level, else for its nearest larger region that the grain declares: open
-- vacancies, published per provincie only, require the pact region's provincie; international
-- students, published for Nederland only, require NL01. A region the region table lacks (or a
-- build without a catalog grain) is required as it is. An indicator with no rows at all
-- appears once per required region with a null period.
with indicators as (
    select unnest($indicator_ids::varchar[]) as indicator_id
),

periods as (
    select distinct indicators.indicator_id, indicator_values.period
    from indicators
    left join indicator_values on indicator_values.indicator_id = indicators.indicator_id
),

required as (
    select unnest($regions::varchar[]) as region_code
),

grain as (
    select
        indicators.indicator_id,
        list_transform(
            string_split(indicator_catalog.region_levels, ','), lambda level: trim(level)
        ) as levels
    from indicators
    left join indicator_catalog on indicator_catalog.indicator_id = indicators.indicator_id
),

required_for as (
    select distinct
        grain.indicator_id,
        case
            when region.region_level is null or grain.levels is null then required.region_code
            else list_filter(
                [
                    {'code': required.region_code, 'level': region.region_level},
                    {'code': region.corop_code, 'level': 'corop'},
                    {'code': region.province_code, 'level': 'provincie'},
                    {'code': region.landsdeel_code, 'level': 'landsdeel'},
                    {'code': 'NL01', 'level': 'land'}
                ],
                lambda candidate: candidate.code is not null
                and list_contains(grain.levels, candidate.level)
            )[1].code
        end as region_code
    from grain
    cross join required
    left join region on region.region_code = required.region_code
)

select
    periods.indicator_id,
    periods.period,
    required_for.region_code,
    count(indicator_values.value) as row_count
from periods
inner join required_for
    on required_for.indicator_id = periods.indicator_id
    and required_for.region_code is not null
left join indicator_values
    on indicator_values.indicator_id = periods.indicator_id
    and indicator_values.period = periods.period
    and indicator_values.region_code = required_for.region_code
group by periods.indicator_id, periods.period, required_for.region_code
order by periods.indicator_id, periods.period, required_for.region_code
"""


@dataclass(frozen=True)
class CheckResult:
    name: str
    severity: str
    description: str
    success: bool
    unexpected_count: int
    failing_keys: tuple[dict[str, Any], ...]
    # The frame the check validated (indicator_values, coverage, drift_row_count, ...).
    table: str = ""
    # Why a person accepted this check's failure for one run (``techpact run --accept``):
    # an accepted critical failure is reported, and does not block.
    accepted_reason: str | None = None

    @property
    def blocks(self) -> bool:
        return self.severity == "critical" and not self.success and self.accepted_reason is None


@dataclass(frozen=True)
class QualityReport:
    results: tuple[CheckResult, ...]
    # GX's own validation results (one per validated table), kept to render Data Docs from.
    validation_results: tuple[Any, ...] = field(default=(), compare=False, repr=False)

    @property
    def blocked(self) -> bool:
        return any(r.blocks for r in self.results)

    @property
    def status(self) -> str:
        if self.blocked:
            return "blocked"
        if any(not r.success for r in self.results):
            return "passed_with_warnings"
        return "passed"

    @property
    def failures(self) -> tuple[CheckResult, ...]:
        return tuple(r for r in self.results if not r.success)

    @property
    def accepted(self) -> tuple[CheckResult, ...]:
        """Failed checks a person accepted for this run, with their reason."""
        return tuple(r for r in self.results if r.accepted_reason and not r.success)

    def accepting(self, check_names: tuple[str, ...], reason: str) -> QualityReport:
        """This report with the failures of ``check_names`` accepted for ``reason``: a known,
        intended change (sample data replaced by real data, a region that really went)
        that should publish once. A named check that passed stays as it was."""
        names = set(check_names)
        results = tuple(
            replace(r, accepted_reason=reason) if r.name in names and not r.success else r
            for r in self.results
        )
        return replace(self, results=results)

    def to_records(self) -> list[dict[str, Any]]:
        return [
            {
                "check_name": r.name,
                "severity": r.severity,
                "description": r.description,
                "success": r.success,
                "unexpected_count": r.unexpected_count,
                "failing_keys": list(r.failing_keys),
                "table": r.table,
                "accepted_reason": r.accepted_reason,
            }
            for r in self.results
        ]


def read_tables(
    build_path: Path,
    config: ChecksConfig,
    indicator_ids: list[str],
    *,
    previous_path: Path | None = None,
) -> dict[str, pd.DataFrame]:
    """The frames the checks run on, read from a build with DuckDB.

    ``previous_path`` is the last published snapshot the drift checks compare with (read
    read-only); None when nothing was published yet, and the drift frames are empty.
    """
    previous = drift.read_previous_values(previous_path)
    with duckdb.connect(str(build_path), read_only=True) as con:
        tables = {
            INDICATOR_VALUES: con.execute("select * from indicator_values").df(),
            COVERAGE: con.execute(
                COVERAGE_SQL,
                {
                    "regions": list(config.coverage.required_regions),
                    "indicator_ids": indicator_ids,
                },
            ).df(),
        }
        # Written by every build (warehouse.loaders.duo.write_source_duplicates); a build
        # without it is an error here, never a silent pass.
        tables[SOURCE_DUPLICATES] = con.execute(f'select * from "{SOURCE_DUPLICATES}"').df()
        for rule in config.table_grain:
            columns = ", ".join(f'"{c}"' for c in rule.columns)
            tables[rule.name] = con.execute(f'select {columns} from "{rule.table}"').df()
        for at_most in config.consistency.at_most:
            tables[consistency.at_most_table(at_most)] = consistency.read_at_most(con, at_most)
        for share in config.consistency.share:
            tables[consistency.share_table(share)] = consistency.read_share(con, share)
        tables[consistency.GEMEENTE_SUM] = consistency.read_gemeente_sum(
            con, config.consistency.gemeente_sum.sources
        )
        tables.update(drift.read_drift_tables(con, config.drift, indicator_ids, previous))
    return tables


def run_checks(checks: list[Check], tables: dict[str, pd.DataFrame]) -> QualityReport:
    """Validate each table's DataFrame with GX suites made of its checks.

    Checks of the same rows (one table, one ``where``) form one suite, validated on those rows
    selected once: a GX row condition would select them again for every metric of every
    expectation (a third of the gate's time, for the same results). A suite's data asset is
    named ``<table>`` or ``<table>[<condition>]`` (:func:`table_of_asset` reads the table back).
    """
    missing = sorted({c.table for c in checks} - set(tables))
    if missing:
        raise ValueError(f"checks need table(s) {missing} that were not provided")
    import great_expectations as gx
    import great_expectations.expectations as gxe
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    source = context.data_sources.add_pandas("techpact")
    by_name = {check.name: check for check in checks}
    results: list[CheckResult] = []
    validation_results = []
    for table, frame in tables.items():
        table_checks = [c for c in checks if c.table == table]
        if not table_checks:
            continue
        keys = _key_columns(table, table_checks)
        groups: dict[str, list[Check]] = {}
        for check in table_checks:
            groups.setdefault(condition_text(check.where), []).append(check)
        for condition, group in groups.items():
            asset = f"{table}[{condition}]" if condition else table
            batch = source.add_dataframe_asset(asset).add_batch_definition_whole_dataframe(asset)
            # A suite gets its expectations before it joins the context: added one by one, each
            # add re-serialises the whole suite (twice the time for the same results).
            suite = context.suites.add(
                gx.ExpectationSuite(
                    name=f"techpact_{asset}",
                    expectations=[_expectation(gxe, check) for check in group],
                )
            )
            validation = context.validation_definitions.add(
                gx.ValidationDefinition(name=f"validate_{asset}", data=batch, suite=suite)
            )
            outcome = validation.run(
                batch_parameters={"dataframe": _rows_where(frame, group[0].where)},
                result_format={
                    "result_format": "COMPLETE",
                    "unexpected_index_column_names": list(keys),
                },
            )
            validation_results.append(outcome)
            for item in outcome.results:
                check = by_name[item.expectation_config.meta["check"]]
                results.append(_to_result(check, item, keys))
    order = {check.name: i for i, check in enumerate(checks)}
    return QualityReport(
        tuple(sorted(results, key=lambda r: order[r.name])), tuple(validation_results)
    )


def condition_text(where: dict[str, str]) -> str:
    """``{"a": "x", "b": "y"}`` as ``a == "x" and b == "y"`` ("" for no condition)."""
    return " and ".join(
        f"{column} == {json.dumps(value, ensure_ascii=False)}" for column, value in where.items()
    )


def table_of_asset(asset: str) -> str:
    """The table a suite's data asset holds rows of (``indicator_values[a == "x"]``)."""
    return asset.split("[", 1)[0]


def _rows_where(frame: pd.DataFrame, where: dict[str, str]) -> pd.DataFrame:
    """The rows of ``frame`` whose columns equal ``where``'s values (all rows for none)."""
    if not where:
        return frame
    selected = pd.Series(True, index=frame.index)
    for column, value in where.items():
        selected &= frame[column] == value
    return frame[selected].reset_index(drop=True)


def _expectation(gxe: Any, check: Check) -> Any:
    """The GX expectation of ``check``, carrying its name, severity and the rows it checks
    (``where``, shown in the report as its row condition) in ``meta``."""
    return getattr(gxe, check.expectation)(
        **check.kwargs,
        meta={
            "check": check.name,
            "severity": check.severity,
            "where": condition_text(check.where),
        },
        notes=f"**{check.name}** ({check.severity}): {check.description}",
    )


def _key_columns(table: str, checks: list[Check]) -> tuple[str, ...]:
    """The key columns of a table's report: all its checks must agree on them."""
    keys = {check.key_columns for check in checks}
    if len(keys) != 1:
        raise ValueError(f"checks on table {table} name different key columns: {sorted(keys)}")
    return keys.pop()


def _to_result(check: Check, item: Any, keys: tuple[str, ...]) -> CheckResult:
    info = item.exception_info or {}
    if info.get("raised_exception"):
        message = info.get("exception_message") or "expectation raised an error"
        return CheckResult(
            check.name,
            check.severity,
            check.description,
            False,
            0,
            ({"error": message},),
            check.table,
        )
    result = item.result or {}
    failing = [_key(row, keys) for row in result.get("unexpected_index_list") or []]
    unique_keys = list({json.dumps(k, sort_keys=True): k for k in failing}.values())
    return CheckResult(
        name=check.name,
        severity=check.severity,
        description=check.description,
        success=bool(item.success),
        unexpected_count=int(result.get("unexpected_count") or 0),
        failing_keys=tuple(unique_keys[:MAX_FAILING_KEYS]),
        table=check.table,
    )


def _key(row: Any, columns: tuple[str, ...]) -> dict[str, Any]:
    if not isinstance(row, dict):
        return {"row": _plain(row)}
    return {column: _plain(row.get(column)) for column in columns}


def _plain(value: Any) -> Any:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value if isinstance(value, str | int | float | bool) else str(value)


def validate_build(
    build_path: Path,
    checks: list[Check],
    config: ChecksConfig,
    indicator_ids: list[str],
    *,
    previous_path: Path | None = None,
) -> QualityReport:
    """Run every check on a build; ``indicator_ids`` are the indicators it must contain.

    ``previous_path``: the last published snapshot, for the drift checks (None: they pass).
    """
    tables = read_tables(build_path, config, indicator_ids, previous_path=previous_path)
    report = run_checks(checks, tables)
    log.info(
        "Quality gate: %s (%d checks, %d failed)",
        report.status,
        len(report.results),
        len(report.failures),
    )
    return report
