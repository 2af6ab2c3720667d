"""The checks every build must pass, derived from the indicator catalog and checks.toml.

Pure data: each check names the Great Expectations expectation and its arguments. The gate
(``expectations.gate``) turns them into a GX suite; GX itself is imported only there.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from techpact.expectations import consistency, drift
from techpact.expectations.config import ChecksConfig, Severity, measure_ids, measure_label
from techpact.transforms.catalog import BREAKDOWN_COLUMNS, Catalog
from techpact.warehouse.loaders.duo import SOURCE_DUPLICATES_TABLE

INDICATOR_VALUES = "indicator_values"
COVERAGE = "coverage"
SOURCE_DUPLICATES = SOURCE_DUPLICATES_TABLE

# Columns that identify a failing row in a report, per validated table.
KEY_COLUMNS: dict[str, tuple[str, ...]] = {
    INDICATOR_VALUES: ("indicator_id", "region_code", "period", *BREAKDOWN_COLUMNS),
    COVERAGE: ("indicator_id", "period", "region_code"),
    SOURCE_DUPLICATES: ("resource", "file_name", "line_numbers", "duplicate_key"),
    consistency.GEMEENTE_SUM: consistency.GEMEENTE_SUM_KEYS,
    drift.DRIFT_ROW_COUNT: drift.ROW_COUNT_KEYS,
    drift.DRIFT_VALUE_JUMP: drift.VALUE_JUMP_KEYS,
    drift.DRIFT_REGIONS: drift.REGION_KEYS,
    drift.DRIFT_PERIODS: drift.PERIOD_KEYS,
    drift.DRIFT_PUBLISHED_VALUE: drift.PUBLISHED_VALUE_KEYS,
}


class CheckConfigError(ValueError):
    """checks.toml names an indicator, table or check that does not fit the catalog."""


@dataclass(frozen=True)
class Check:
    """One check: a named, severity-tagged Great Expectations expectation on one table."""

    name: str
    severity: Severity
    description: str
    table: str
    expectation: str
    kwargs: dict[str, Any] = field(default_factory=dict)
    # Only rows whose columns equal these values are checked (a GX row condition).
    where: dict[str, str] = field(default_factory=dict)
    # Columns that identify a failing row in the report; default: KEY_COLUMNS[table].
    keys: tuple[str, ...] = ()

    @property
    def key_columns(self) -> tuple[str, ...]:
        return self.keys or KEY_COLUMNS[self.table]


def build_checks(catalog: Catalog, config: ChecksConfig) -> list[Check]:
    """Every check, in report order: generic, per indicator, per table, consistency, drift."""
    checks = [
        *_generic_checks(catalog, config),
        *_table_checks(config),
        *_consistency_checks(catalog, config),
        *_drift_checks(config),
    ]
    names = [c.name for c in checks]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise CheckConfigError(f"check name(s) {duplicates} are used more than once")
    return checks


def _generic_checks(catalog: Catalog, config: ChecksConfig) -> list[Check]:
    missing = [c for c in BREAKDOWN_COLUMNS if c not in config.grain.columns]
    if missing:
        raise CheckConfigError(f"[grain] columns lack the breakdown column(s) {missing}")
    checks = [
        Check(
            name=f"not_null__{column}",
            severity=config.not_null.severity,
            description=f"{column} is never null",
            table=INDICATOR_VALUES,
            expectation="ExpectColumnValuesToNotBeNull",
            kwargs={"column": column},
        )
        for column in config.not_null.columns
    ]
    checks.append(
        Check(
            name="grain_unique",
            severity=config.grain.severity,
            description="one row per " + " x ".join(config.grain.columns),
            table=INDICATOR_VALUES,
            expectation="ExpectCompoundColumnsToBeUnique",
            kwargs={"column_list": list(config.grain.columns)},
        )
    )
    checks.append(
        Check(
            name="period_format",
            severity=config.period_format.severity,
            description=f"period matches {config.period_format.regex}",
            table=INDICATOR_VALUES,
            expectation="ExpectColumnValuesToMatchRegex",
            kwargs={"column": "period", "regex": config.period_format.regex},
        )
    )
    for period_type, regex in config.period_format.by_period_type.items():
        checks.append(
            Check(
                name=f"period_format__{period_type}",
                severity=config.period_format.severity,
                description=f"a {period_type} period matches {regex}",
                table=INDICATOR_VALUES,
                expectation="ExpectColumnValuesToMatchRegex",
                kwargs={"column": "period", "regex": regex},
                where={"period_type": period_type},
            )
        )
    for indicator in catalog.indicators:
        if indicator.valid_min is None and indicator.valid_max is None:
            continue
        checks.append(
            Check(
                name=f"value_range__{indicator.id}",
                severity=config.value_range.severity,
                description=(
                    f"{indicator.id} lies within [{_bound(indicator.valid_min, '-inf')}, "
                    f"{_bound(indicator.valid_max, 'inf')}] ({indicator.unit})"
                ),
                table=INDICATOR_VALUES,
                expectation="ExpectColumnValuesToBeBetween",
                kwargs={
                    "column": "value",
                    "min_value": indicator.valid_min,
                    "max_value": indicator.valid_max,
                },
                where={"indicator_id": indicator.id},
            )
        )
    for indicator in catalog.indicators:
        checks.append(
            Check(
                name=f"unit_consistent__{indicator.id}",
                severity=config.unit.severity,
                description=f"every {indicator.id} row has unit {indicator.unit}",
                table=INDICATOR_VALUES,
                expectation="ExpectColumnValuesToBeInSet",
                kwargs={"column": "unit", "value_set": [indicator.unit]},
                where={"indicator_id": indicator.id},
            )
        )
    for indicator in catalog.indicators:
        grain = indicator.grain
        for column, allowed in (
            ("region_level", list(grain.region_levels)),
            ("period_type", [grain.period_type]),
        ):
            checks.append(
                Check(
                    name=f"declared_grain__{column}__{indicator.id}",
                    severity=config.declared_grain.severity,
                    description=f"every {indicator.id} row has a {column} in {allowed} "
                    "(its catalog grain)",
                    table=INDICATOR_VALUES,
                    expectation="ExpectColumnValuesToBeInSet",
                    kwargs={"column": column, "value_set": allowed},
                    where={"indicator_id": indicator.id},
                )
            )
    checks.append(
        Check(
            name="required_regions_present",
            severity=config.coverage.severity,
            description=(
                "every catalog indicator has rows, and has "
                + ", ".join(config.coverage.required_regions)
                + " for every period it has data for (at the region levels its grain declares)"
            ),
            table=COVERAGE,
            expectation="ExpectColumnValuesToBeBetween",
            kwargs={"column": "row_count", "min_value": 1},
        )
    )
    return checks


def _table_checks(config: ChecksConfig) -> list[Check]:
    """Hand-written rules that only make sense for one table."""
    unique = Check(
        name="source_rows_unique",
        severity=config.source_rows_unique.severity,
        description=(
            "no data line of a landed source file repeats another line's key (every text column "
            "and the year); repeated keys are listed in source_duplicates"
        ),
        table=SOURCE_DUPLICATES,
        # Every row of source_duplicates is a key shared by 2 or more lines: each one fails.
        expectation="ExpectColumnValuesToBeBetween",
        kwargs={"column": "row_count", "max_value": 1},
    )
    return [
        unique,
        *(
            Check(
                name=rule.name,
                severity=rule.severity,
                description=rule.description,
                table=rule.name,
                # GX's compound-uniqueness expectation wants two columns or more.
                expectation=(
                    "ExpectCompoundColumnsToBeUnique"
                    if len(rule.columns) > 1
                    else "ExpectColumnValuesToBeUnique"
                ),
                kwargs=(
                    {"column_list": list(rule.columns)}
                    if len(rule.columns) > 1
                    else {"column": rule.columns[0]}
                ),
                keys=rule.columns,
            )
            for rule in config.table_grain
        ),
    ]


def _consistency_checks(catalog: Catalog, config: ChecksConfig) -> list[Check]:
    checks = []
    for rule in config.consistency.at_most:
        _check_measures(rule.name, catalog, rule.part, rule.whole)
        checks.append(
            Check(
                name=rule.name,
                severity=rule.severity,
                description=(
                    f"{measure_label(rule.part)} <= {measure_label(rule.whole)} for every region, "
                    "period and breakdown"
                ),
                table=consistency.at_most_table(rule),
                expectation="ExpectColumnPairValuesAToBeGreaterThanB",
                kwargs={
                    "column_A": "whole_value",
                    "column_B": "part_value",
                    "or_equal": True,
                    "ignore_row_if": "either_value_is_missing",
                },
                keys=consistency.AT_MOST_KEYS,
            )
        )
    for rule in config.consistency.share:
        _check_measures(rule.name, catalog, rule.share, rule.numerator, rule.denominator)
        checks.append(
            Check(
                name=rule.name,
                severity=rule.severity,
                description=(
                    f"{rule.share} equals ({measure_label(rule.numerator)}) / "
                    f"({measure_label(rule.denominator)}) within {rule.tolerance:g}"
                ),
                table=consistency.share_table(rule),
                expectation="ExpectColumnValuesToBeBetween",
                kwargs={"column": "deviation", "min_value": 0, "max_value": rule.tolerance},
                keys=consistency.SHARE_KEYS,
            )
        )
    gemeente_sum = config.consistency.gemeente_sum
    checks.append(
        Check(
            name="corop_equals_sum_of_gemeenten",
            severity=gemeente_sum.severity,
            description=(
                "for count indicators, a COROP region's value equals the sum of its gemeenten "
                f"(within {gemeente_sum.tolerance:g}) where every reporting gemeente has a value"
            ),
            table=consistency.GEMEENTE_SUM,
            expectation="ExpectColumnValuesToBeBetween",
            kwargs={"column": "difference", "min_value": 0, "max_value": gemeente_sum.tolerance},
        )
    )
    return checks


def _check_measures(rule: str, catalog: Catalog, *measures: str | tuple[str, ...]) -> None:
    known = {i.id for i in catalog.indicators}
    unknown = sorted({i for m in measures for i in measure_ids(m)} - known)
    if unknown:
        raise CheckConfigError(
            f"consistency rule {rule}: {unknown} are not indicator ids of the catalog"
        )


def _drift_checks(config: ChecksConfig) -> list[Check]:
    cfg = config.drift
    return [
        Check(
            name="drift_row_count",
            severity=cfg.row_count.severity,
            description=(
                "each indicator's row count changed by at most "
                f"{cfg.row_count.max_relative_change:.0%} since the published snapshot"
            ),
            table=drift.DRIFT_ROW_COUNT,
            expectation="ExpectColumnValuesToBeBetween",
            kwargs={
                "column": "relative_change",
                "min_value": 0,
                "max_value": cfg.row_count.max_relative_change,
            },
        ),
        Check(
            name="drift_regions_disappeared",
            severity=cfg.regions_disappeared.severity,
            description=(
                "every region the published snapshot had for an indicator and period is still "
                "there (for periods the build still has)"
            ),
            table=drift.DRIFT_REGIONS,
            expectation="ExpectColumnValuesToBeBetween",
            kwargs={"column": "row_count", "min_value": 1},
        ),
        Check(
            name="drift_periods_disappeared",
            severity=cfg.periods_disappeared.severity,
            description="every period the published snapshot had for an indicator is still there",
            table=drift.DRIFT_PERIODS,
            expectation="ExpectColumnValuesToBeBetween",
            kwargs={"column": "row_count", "min_value": 1},
        ),
        Check(
            name="drift_published_value",
            severity=cfg.published_value.severity,
            description=(
                "values the published snapshot has for the same key changed by at most "
                f"{cfg.published_value.max_relative_change:.0%} (counts of at least "
                f"{cfg.published_value.min_previous_count:g}) or "
                f"{cfg.published_value.max_fraction_change:g} (fractions)"
            ),
            table=drift.DRIFT_PUBLISHED_VALUE,
            expectation="ExpectColumnPairValuesAToBeGreaterThanB",
            kwargs={
                "column_A": "max_change",
                "column_B": "change",
                "or_equal": True,
                "ignore_row_if": "either_value_is_missing",
            },
        ),
        Check(
            name="drift_value_jump",
            severity=cfg.value_jump.severity,
            description=(
                "values new or changed since the published snapshot differ from the previous "
                f"period by at most {cfg.value_jump.max_relative_change:.0%} (counts of at least "
                f"{cfg.value_jump.min_previous_count:g}) or "
                f"{cfg.value_jump.max_fraction_change:g} (fractions)"
            ),
            table=drift.DRIFT_VALUE_JUMP,
            expectation="ExpectColumnPairValuesAToBeGreaterThanB",
            kwargs={
                "column_A": "max_change",
                "column_B": "change",
                "or_equal": True,
                "ignore_row_if": "either_value_is_missing",
            },
        ),
    ]


def _bound(value: float | None, unbounded: str) -> str:
    return unbounded if value is None else f"{value:g}"
