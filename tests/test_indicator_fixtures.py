"""Every indicator has a test fixture: values it must publish from the bundled sample.

``tests/fixtures/indicators/<id>.toml`` holds, per catalog entry, a few rows (region, period,
breakdowns) and the value a build of ``sample/landing`` (GENERATED sample data) must give them:
the first and the latest period for Twente and Nederland, plus a broken-down row where the
indicator has breakdowns. A change to a model, a staging table or the sample generator that
moves a published value fails here, naming the indicator and the row.

The values were recorded from a build and reviewed; after an intended change, rewrite them
with ``pytest tests/test_indicator_fixtures.py --update-indicator-fixtures`` and review the diff.
"""

from __future__ import annotations

import math
import tomllib
from pathlib import Path
from typing import Any

import duckdb
import pytest
from conftest import FIXTURES, SAMPLE_LANDING

from techpact.sources.landing import LandingZone
from techpact.transforms.catalog import BREAKDOWN_COLUMNS, Indicator, load_catalog
from techpact.warehouse.build import build_warehouse

INDICATOR_FIXTURES = FIXTURES / "indicators"
CATALOG = load_catalog()
FIXTURE_REGIONS = ("CR12", "NL01")
# An indicator CBS publishes for provincies only (open vacancies): Twente's provincie instead.
PROVINCIE_OF_TWENTE = "PV23"
KEY_COLUMNS = ("region_code", "period", *BREAKDOWN_COLUMNS)
RELATIVE_TOLERANCE = 1e-9


def fixture_path(indicator_id: str) -> Path:
    return INDICATOR_FIXTURES / f"{indicator_id}.toml"


def read_fixture(indicator_id: str) -> list[dict[str, Any]]:
    data = tomllib.loads(fixture_path(indicator_id).read_text(encoding="utf-8"))
    assert set(data) == {"expect"}, f"{fixture_path(indicator_id)}: only [[expect]] rows"
    return data["expect"]


@pytest.fixture(scope="module")
def sample_build(tmp_path_factory: pytest.TempPathFactory) -> duckdb.DuckDBPyConnection:
    out = tmp_path_factory.mktemp("fixtures") / "build.duckdb"
    build_warehouse(out, landing=LandingZone(SAMPLE_LANDING), catalog=CATALOG, snapshot_id="t")
    with duckdb.connect(str(out), read_only=True) as con:
        yield con


def published_rows(con: duckdb.DuckDBPyConnection, indicator_id: str) -> dict[tuple, float]:
    columns = ", ".join(KEY_COLUMNS)
    rows = con.execute(
        f"select {columns}, value from indicator_values where indicator_id = $id",
        {"id": indicator_id},
    ).fetchall()
    return {tuple(row[:-1]): row[-1] for row in rows}


def fixture_regions(indicator: Indicator) -> tuple[str, ...]:
    """Twente (or, for an indicator without COROP rows, its provincie) and Nederland; only
    Nederland for a national indicator."""
    levels = indicator.grain.region_levels
    if "corop" in levels:
        return FIXTURE_REGIONS
    if "provincie" in levels:
        return (PROVINCIE_OF_TWENTE, "NL01")
    return ("NL01",)


def chosen_keys(indicator: Indicator, rows: dict[tuple, float]) -> list[tuple]:
    """First and latest period for Twente and Nederland (breakdowns total), and the latest
    Twente row of each breakdown value."""
    totals = {k: v for k, v in rows.items() if all(b == "total" for b in k[2:])}
    regions = fixture_regions(indicator)
    keys: list[tuple] = []
    for region in regions:
        periods = sorted(k[1] for k in totals if k[0] == region)
        for period in dict.fromkeys((periods[0], periods[-1])) if periods else ():
            keys.append((region, period, *["total"] * len(BREAKDOWN_COLUMNS)))
    latest = max((k[1] for k in rows if k[0] == regions[0]), default=None)
    for column in indicator.breakdowns:
        position = KEY_COLUMNS.index(column)
        values = sorted({k[position] for k in rows if k[position] != "total"})
        for value in values[:2]:
            key = [
                k for k in rows if k[0] == regions[0] and k[1] == latest and k[position] == value
            ]
            keys += sorted(key)[:1]
    return keys


def write_fixture(indicator: Indicator, rows: dict[tuple, float]) -> None:
    lines = [
        f"# {indicator.id}: values a build of sample/landing (GENERATED sample data) publishes.",
        "# Recorded with --update-indicator-fixtures and reviewed;",
        "# see tests/test_indicator_fixtures.py.",
    ]
    for key in chosen_keys(indicator, rows):
        lines.append("")
        lines.append("[[expect]]")
        for column, value in zip(KEY_COLUMNS, key, strict=True):
            if column in ("region_code", "period") or value != "total":
                lines.append(f'{column} = "{value}"')
        value = rows[key]
        lines.append(f"value = {'nan' if value is None else repr(float(value))}")
    fixture_path(indicator.id).write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_every_catalog_entry_has_a_fixture_and_every_fixture_an_entry() -> None:
    ids = {i.id for i in CATALOG.indicators}
    fixtures = {p.stem for p in INDICATOR_FIXTURES.glob("*.toml")}
    assert sorted(ids - fixtures) == [], "catalog entries without a fixture"
    assert sorted(fixtures - ids) == [], "fixtures without a catalog entry"


@pytest.mark.parametrize("indicator", CATALOG.indicators, ids=lambda i: i.id)
def test_the_sample_build_publishes_the_fixture_values(
    indicator: Indicator,
    sample_build: duckdb.DuckDBPyConnection,
    request: pytest.FixtureRequest,
) -> None:
    rows = published_rows(sample_build, indicator.id)
    if request.config.getoption("--update-indicator-fixtures"):
        write_fixture(indicator, rows)
    expected = read_fixture(indicator.id)
    assert expected, f"{fixture_path(indicator.id)} has no [[expect]] rows"
    assert {e["region_code"] for e in expected} >= set(fixture_regions(indicator))
    for row in expected:
        key = tuple(row.get(column, "total") for column in KEY_COLUMNS)
        named = dict(zip(KEY_COLUMNS, key, strict=True))
        assert key in rows, f"{indicator.id}: no published row for {named}"
        assert math.isclose(rows[key], row["value"], rel_tol=RELATIVE_TOLERANCE), (
            f"{indicator.id} {named}: published {rows[key]}, fixture {row['value']}"
        )


def test_every_action_point_has_two_indicators_with_twente_and_nederland_rows(
    sample_build: duckdb.DuckDBPyConnection,
) -> None:
    """Issue 15's measure of done: each of the pact's five action points has at least two
    indicators that a sample build publishes for the pact region and for Nederland."""
    with_both = {
        indicator_id
        for (indicator_id,) in sample_build.execute(
            "select indicator_id from indicator_values where region_code in ('CR12', 'NL01') "
            "group by indicator_id having count(distinct region_code) = 2"
        ).fetchall()
    }
    for action_point in range(1, 6):
        ids = [i.id for i in CATALOG.indicators if i.action_point == action_point]
        assert len(set(ids) & with_both) >= 2, f"action point {action_point}: {ids}"
