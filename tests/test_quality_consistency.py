"""Consistency rules across indicators: part <= whole, shares recomputed, COROP = sum of gemeenten.

Each rule gets a build that passes and one that fails with the expected unexpected count. The
rules are the ones declared in the bundled checks.toml (MBO level counts and their share; every
count indicator for the gemeente sum).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from test_quality_gate import TOTALS, indicator_row, write_build

from techpact.expectations.config import ChecksConfig, load_checks_config
from techpact.expectations.gate import CheckResult, QualityReport, read_tables, run_checks
from techpact.expectations.suites import Check, CheckConfigError, build_checks
from techpact.transforms.catalog import load_catalog

TOTAL = "mbo_technical_students"
LEVEL2 = "mbo_technical_students_level2"
LEVEL3 = "mbo_technical_students_level3"
LEVEL4 = "mbo_technical_students_level4"
LEVEL34_SHARE = "mbo_technical_level34_share"
MBO_IDS = [TOTAL, LEVEL2, LEVEL3, LEVEL4, LEVEL34_SHARE]
HBO_COUNT = "hbo_enrolment_technology"
HBO_SHARE = "hbo_enrolment_technology_share"
PERIOD = "2023/24"
GEMEENTE_SUM = "corop_equals_sum_of_gemeenten"


@pytest.fixture(scope="module")
def config() -> ChecksConfig:
    return load_checks_config().requiring(("CR12",))


@pytest.fixture(scope="module")
def checks(config: ChecksConfig) -> list[Check]:
    return build_checks(load_catalog(), config)


def mbo_rows(total: float, level2: float, level3: float, level4: float, region: str) -> list[dict]:
    return [
        indicator_row(TOTAL, region, PERIOD, total, "count"),
        indicator_row(LEVEL2, region, PERIOD, level2, "count"),
        indicator_row(LEVEL3, region, PERIOD, level3, "count"),
        indicator_row(LEVEL4, region, PERIOD, level4, "count"),
        indicator_row(LEVEL34_SHARE, region, PERIOD, (level3 + level4) / total, "fraction"),
    ]


def valid_mbo() -> pd.DataFrame:
    """Twente and Nederland, one school year: 100 = 20 (level 2) + 40 + 30 (+ 10 at level 1)."""
    return pd.DataFrame(
        [*mbo_rows(100, 20, 40, 30, "CR12"), *mbo_rows(5000, 1000, 2000, 1500, "NL01")]
    )


def validate(tmp_path: Path, frame: pd.DataFrame, config, checks, ids) -> QualityReport:
    build = write_build(tmp_path / "build.duckdb", frame)
    return run_checks(checks, read_tables(build, config, ids))


def result(report: QualityReport, name: str) -> CheckResult:
    [found] = [r for r in report.results if r.name == name]
    return found


def key(region_code: str, period: str = PERIOD) -> dict:
    return {"region_code": region_code, "period": period, **TOTALS}


def set_value(frame: pd.DataFrame, indicator_id: str, region: str, value: float) -> pd.DataFrame:
    mask = (frame["indicator_id"] == indicator_id) & (frame["region_code"] == region)
    assert mask.sum() == 1
    frame.loc[mask, "value"] = value
    return frame


# --- part <= whole ------------------------------------------------------------------------------


def test_valid_mbo_counts_pass_every_consistency_rule(tmp_path, config, checks) -> None:
    report = validate(tmp_path, valid_mbo(), config, checks, MBO_IDS)

    assert report.failures == ()
    at_most = read_tables(tmp_path / "build.duckdb", config, MBO_IDS)[
        "at_most__mbo_technical_levels_within_total"
    ]
    # The rule really compared both regions: 20 + 40 + 30 = 90 <= 100.
    assert at_most.to_dict("records") == [
        {**key("CR12"), "part_value": 90.0, "whole_value": 100.0},
        {**key("NL01"), "part_value": 4500.0, "whole_value": 5000.0},
    ]


def test_a_level_count_above_its_total_fails_part_of_whole(tmp_path, config, checks) -> None:
    frame = set_value(valid_mbo(), LEVEL4, "CR12", 120)
    frame = set_value(frame, LEVEL34_SHARE, "CR12", 1.6)  # keep the share consistent: 160/100

    report = validate(tmp_path, frame, config, checks, MBO_IDS)

    level4 = result(report, "mbo_technical_level4_within_total")
    assert (level4.success, level4.unexpected_count) == (False, 1)
    assert level4.failing_keys == (key("CR12"),)
    levels = result(report, "mbo_technical_levels_within_total")
    assert (levels.unexpected_count, levels.failing_keys) == (1, (key("CR12"),))
    assert {r.name for r in report.failures} == {
        "mbo_technical_level4_within_total",
        "mbo_technical_levels_within_total",
        f"value_range__{LEVEL34_SHARE}",
    }
    assert report.blocked


def test_a_summed_part_is_compared_only_where_every_part_has_a_row(tmp_path, config) -> None:
    frame = valid_mbo()
    frame = frame[~((frame["indicator_id"] == LEVEL2) & (frame["region_code"] == "NL01"))]

    tables = read_tables(write_build(tmp_path / "build.duckdb", frame), config, MBO_IDS)

    summed = tables["at_most__mbo_technical_levels_within_total"]
    assert summed["region_code"].tolist() == ["CR12"]


# --- shares recomputed --------------------------------------------------------------------------


def test_a_share_that_does_not_recompute_fails(tmp_path, config, checks) -> None:
    frame = set_value(valid_mbo(), LEVEL34_SHARE, "NL01", 0.5)  # (2000 + 1500) / 5000 = 0.7

    report = validate(tmp_path, frame, config, checks, MBO_IDS)

    share = result(report, "mbo_technical_level34_share_recomputed")
    assert (share.success, share.unexpected_count) == (False, 1)
    assert share.failing_keys == (key("NL01"),)
    assert {r.name for r in report.failures} == {"mbo_technical_level34_share_recomputed"}


def test_a_share_without_its_denominator_cannot_be_recomputed_and_fails(
    tmp_path, config, checks
) -> None:
    frame = valid_mbo()
    frame = frame[~((frame["indicator_id"] == TOTAL) & (frame["region_code"] == "CR12"))]

    report = validate(tmp_path, frame, config, checks, MBO_IDS)

    share = result(report, "mbo_technical_level34_share_recomputed")
    assert (share.unexpected_count, share.failing_keys) == (1, (key("CR12"),))


# --- a COROP equals the sum of its gemeenten ----------------------------------------------------


def hbo_counts(twente: float, enschede: float, hengelo: float | None, period: str) -> list[dict]:
    rows = [
        indicator_row(HBO_COUNT, "CR12", period, twente, "count"),
        indicator_row(HBO_COUNT, "GM0153", period, enschede, "count"),
        indicator_row(HBO_COUNT, "NL01", period, 50_000, "count"),
    ]
    if hengelo is not None:
        rows.append(indicator_row(HBO_COUNT, "GM0164", period, hengelo, "count"))
    return rows


def test_a_corop_that_equals_the_sum_of_its_gemeenten_passes(tmp_path, config, checks) -> None:
    frame = pd.DataFrame(
        [*hbo_counts(3000, 2000, 1000, "2022/23"), *hbo_counts(3100, 2050, 1050, "2023/24")]
    )

    report = validate(tmp_path, frame, config, checks, [HBO_COUNT])

    assert report.failures == ()
    compared = read_tables(tmp_path / "build.duckdb", config, [HBO_COUNT])["gemeente_sum"]
    assert compared[["region_code", "period", "gemeente_sum", "gemeente_count"]].to_dict(
        "records"
    ) == [
        {"region_code": "CR12", "period": "2022/23", "gemeente_sum": 3000.0, "gemeente_count": 2},
        {"region_code": "CR12", "period": "2023/24", "gemeente_sum": 3100.0, "gemeente_count": 2},
    ]


def test_a_corop_that_differs_from_the_sum_of_its_gemeenten_fails(tmp_path, config, checks) -> None:
    frame = pd.DataFrame(
        [*hbo_counts(3000, 2000, 1000, "2022/23"), *hbo_counts(3200, 2050, 1050, "2023/24")]
    )

    report = validate(tmp_path, frame, config, checks, [HBO_COUNT])

    gemeente_sum = result(report, GEMEENTE_SUM)
    assert (gemeente_sum.success, gemeente_sum.unexpected_count) == (False, 1)
    assert gemeente_sum.failing_keys == (
        {"indicator_id": HBO_COUNT, "region_code": "CR12", "period": "2023/24", **TOTALS},
    )
    assert report.blocked


def test_a_period_where_a_reporting_gemeente_is_missing_is_not_compared(
    tmp_path, config, checks
) -> None:
    # Hengelo reports in 2022/23 but not in 2023/24: that year's Twente total is not a sum of
    # complete data, so its difference from Enschede alone is no failure.
    frame = pd.DataFrame(
        [*hbo_counts(3000, 2000, 1000, "2022/23"), *hbo_counts(3100, 2050, None, "2023/24")]
    )

    report = validate(tmp_path, frame, config, checks, [HBO_COUNT])

    assert result(report, GEMEENTE_SUM).success
    compared = read_tables(tmp_path / "build.duckdb", config, [HBO_COUNT])["gemeente_sum"]
    assert compared["period"].tolist() == ["2022/23"]


def test_a_gemeente_with_a_null_value_makes_the_period_incomplete(tmp_path, config) -> None:
    frame = pd.DataFrame(
        [*hbo_counts(3000, 2000, 1000, "2022/23"), *hbo_counts(3100, 2050, None, "2023/24")]
    )
    frame = pd.concat(
        [frame, pd.DataFrame([indicator_row(HBO_COUNT, "GM0164", "2023/24", None, "count")])]
    )

    compared = read_tables(write_build(tmp_path / "b.duckdb", frame), config, [HBO_COUNT])

    assert compared["gemeente_sum"]["period"].tolist() == ["2022/23"]


def test_only_count_indicators_are_summed(tmp_path, config) -> None:
    frame = pd.DataFrame(
        [
            indicator_row(HBO_SHARE, "CR12", PERIOD, 0.3, "fraction"),
            indicator_row(HBO_SHARE, "GM0153", PERIOD, 0.3, "fraction"),
        ]
    )

    tables = read_tables(write_build(tmp_path / "build.duckdb", frame), config, [HBO_SHARE])

    assert tables["gemeente_sum"].empty


# --- hand-written table rules and units ---------------------------------------------------------


def test_a_duplicated_region_fails_the_region_grain(tmp_path, config, checks) -> None:
    build = write_build(tmp_path / "build.duckdb", valid_mbo())
    import duckdb

    with duckdb.connect(str(build)) as con:
        con.execute("insert into region select * from region where region_code = 'CR12'")

    report = run_checks(checks, read_tables(build, config, MBO_IDS))

    grain = result(report, "region_grain")
    assert (grain.success, grain.unexpected_count) == (False, 2)
    assert grain.failing_keys == ({"region_code": "CR12"},)


def test_a_row_with_another_unit_fails_unit_consistency(tmp_path, config, checks) -> None:
    frame = valid_mbo()
    frame.loc[(frame["indicator_id"] == LEVEL2) & (frame["region_code"] == "NL01"), "unit"] = (
        "percent"
    )

    report = validate(tmp_path, frame, config, checks, MBO_IDS)

    unit = result(report, f"unit_consistent__{LEVEL2}")
    assert (unit.success, unit.unexpected_count) == (False, 1)
    assert unit.failing_keys == ({"indicator_id": LEVEL2, **key("NL01")},)


# --- the rules are declared, and checked against the catalog ------------------------------------


def test_a_rule_naming_an_unknown_indicator_fails_at_start(config) -> None:
    [first, *rest] = config.consistency.at_most
    typo = first.model_copy(update={"whole": "mbo_technical_studnets"})
    bad = config.model_copy(
        update={"consistency": config.consistency.model_copy(update={"at_most": (typo, *rest)})}
    )

    with pytest.raises(CheckConfigError, match="mbo_technical_studnets"):
        build_checks(load_catalog(), bad)


def test_adding_a_rule_is_a_config_entry(tmp_path, config) -> None:
    text = (Path(__file__).parent.parent / "expectations" / "checks.toml").read_text("utf-8")
    text += (
        '\n[[consistency.at_most]]\nname = "hbo_technology_within_nederland"\n'
        'part = "hbo_enrolment_technology"\nwhole = "mbo_technical_students"\n'
        'severity = "warning"\n'
    )
    path = tmp_path / "checks.toml"
    path.write_text(text, encoding="utf-8")

    checks = build_checks(load_catalog(), load_checks_config(path))

    [added] = [c for c in checks if c.name == "hbo_technology_within_nederland"]
    assert added.severity == "warning"
    assert added.table == "at_most__hbo_technology_within_nederland"


def test_rule_names_must_be_unique(tmp_path) -> None:
    text = (Path(__file__).parent.parent / "expectations" / "checks.toml").read_text("utf-8")
    text += (
        '\n[[consistency.at_most]]\nname = "mbo_technical_level2_within_total"\n'
        'part = "mbo_technical_students_level2"\nwhole = "mbo_technical_students"\n'
        'severity = "warning"\n'
    )
    path = tmp_path / "checks.toml"
    path.write_text(text, encoding="utf-8")

    with pytest.raises(ValueError, match="mbo_technical_level2_within_total"):
        load_checks_config(path)


# --- HBO technology <= all HBO students, and its share --------------------------------------------

HBO_TOTAL = "hbo_enrolment_total"
HBO_IDS = [HBO_COUNT, HBO_TOTAL, HBO_SHARE]


def hbo_rows(region: str, sex: str, technology: float, total: float) -> list[dict]:
    rows = [
        indicator_row(HBO_COUNT, region, PERIOD, technology, "count"),
        indicator_row(HBO_TOTAL, region, PERIOD, total, "count"),
        indicator_row(HBO_SHARE, region, PERIOD, technology / total, "fraction"),
    ]
    return [{**row, "sex": sex} for row in rows]


def valid_hbo() -> pd.DataFrame:
    return pd.DataFrame(
        [
            *hbo_rows("CR12", "total", 5000, 17000),
            *hbo_rows("CR12", "female", 800, 9000),
            *hbo_rows("NL01", "total", 95000, 460000),
            *hbo_rows("NL01", "female", 20000, 240000),
        ]
    )


def test_valid_hbo_counts_pass_and_every_sex_is_compared(tmp_path, config, checks) -> None:
    report = validate(tmp_path, valid_hbo(), config, checks, HBO_IDS)

    assert report.failures == ()
    tables = read_tables(tmp_path / "build.duckdb", config, HBO_IDS)
    at_most = tables["at_most__hbo_enrolment_technology_within_total"]
    assert sorted(zip(at_most["region_code"], at_most["sex"], strict=True)) == [
        ("CR12", "female"),
        ("CR12", "total"),
        ("NL01", "female"),
        ("NL01", "total"),
    ]
    assert len(tables["share__hbo_enrolment_technology_share_recomputed"]) == 4


def test_hbo_technology_above_all_hbo_students_fails(tmp_path, config, checks) -> None:
    frame = valid_hbo()
    mask = (
        (frame["indicator_id"] == HBO_COUNT)
        & (frame["region_code"] == "CR12")
        & (frame["sex"] == "female")
    )
    frame.loc[mask, "value"] = 9500  # women in technology above all women at Twente locations

    report = validate(tmp_path, frame, config, checks, HBO_IDS)

    within = result(report, "hbo_enrolment_technology_within_total")
    assert (within.success, within.severity, within.unexpected_count) == (False, "critical", 1)
    assert within.failing_keys == ({**key("CR12"), "sex": "female"},)
    share = result(report, "hbo_enrolment_technology_share_recomputed")
    assert share.failing_keys == ({**key("CR12"), "sex": "female"},)
    assert report.blocked


def test_rules_compare_each_breakdown_value_separately(tmp_path, config, checks) -> None:
    # Two rows per measure that differ only in education_level: each pair is compared on its
    # own, so the too-large 'wo' part fails and the 'hbo' one passes.
    rows = []
    for level, technology, total in (("hbo", 10, 100), ("wo", 50, 20)):
        rows += [
            {
                **indicator_row(HBO_COUNT, "CR12", PERIOD, technology, "count"),
                "education_level": level,
            },
            {**indicator_row(HBO_TOTAL, "CR12", PERIOD, total, "count"), "education_level": level},
        ]

    report = validate(tmp_path, pd.DataFrame(rows), config, checks, [HBO_COUNT, HBO_TOTAL])

    within = result(report, "hbo_enrolment_technology_within_total")
    assert within.unexpected_count == 1
    assert within.failing_keys == ({**key("CR12"), "education_level": "wo"},)
