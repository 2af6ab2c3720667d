"""The checks every build must pass, derived from the indicator catalog and checks.toml.

Pure data: each check names the Great Expectations expectation and its arguments. The gate
(``expectations.gate``) turns them into a GX suite; GX itself is imported only there.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from techpact.expectations.config import ChecksConfig, Severity
from techpact.transforms.catalog import Catalog

INDICATOR_VALUES = "indicator_values"
COVERAGE = "coverage"

# Columns that identify a failing row in a report, per validated table.
KEY_COLUMNS: dict[str, tuple[str, ...]] = {
    INDICATOR_VALUES: ("indicator_id", "region_code", "period", "sex"),
    COVERAGE: ("indicator_id", "period", "region_code"),
}


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


def build_checks(catalog: Catalog, config: ChecksConfig) -> list[Check]:
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
    checks.append(
        Check(
            name="required_regions_present",
            severity=config.coverage.severity,
            description=(
                "every catalog indicator has rows, and has "
                + ", ".join(config.coverage.required_regions)
                + " for every period it has data for"
            ),
            table=COVERAGE,
            expectation="ExpectColumnValuesToBeBetween",
            kwargs={"column": "row_count", "min_value": 1},
        )
    )
    return checks


def _bound(value: float | None, unbounded: str) -> str:
    return unbounded if value is None else f"{value:g}"
