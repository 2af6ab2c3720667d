"""The quality gate: the checks derived from checks.toml + the catalog, run with GX on pandas.

Every table reaches the gate through DuckDB (``read_tables`` on a tmp_path build file), the
way ``validate_build`` sees a real build, so the coverage frame is computed by COVERAGE_SQL.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pytest

from techpact.expectations.config import ChecksConfig, load_checks_config
from techpact.expectations.gate import (
    MAX_FAILING_KEYS,
    QualityReport,
    read_tables,
    run_checks,
    validate_build,
)
from techpact.expectations.suites import COVERAGE, INDICATOR_VALUES, Check, build_checks
from techpact.transforms.catalog import BREAKDOWN_COLUMNS, load_catalog
from techpact.warehouse.loaders.duo import source_duplicates_sql

COUNT = "hbo_enrolment_technology"
SHARE = "hbo_enrolment_technology_share"
TOTAL = "hbo_enrolment_total"
SHARE_RECOMPUTED = "hbo_enrolment_technology_share_recomputed"
REGIONS = {
    "CR12": ("Twente", "corop"),
    "NL01": ("Nederland", "land"),
    "GM0153": ("Enschede", "gemeente"),
}
PERIODS = ("2020/21", "2021/22")
UNITS = {COUNT: "count", SHARE: "fraction", TOTAL: "count"}
INDICATOR_IDS = [COUNT, SHARE, TOTAL]
GEMEENTE_SUM = "corop_equals_sum_of_gemeenten"
# Every breakdown column at 'total': the key part of a row without breakdown.
TOTALS = dict.fromkeys(BREAKDOWN_COLUMNS, "total")


def with_breakdowns(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with every breakdown column it lacks added as 'total', after ``period_type``
    and the breakdowns it has (the place they take in indicator_values)."""
    frame = frame.copy()
    for column in BREAKDOWN_COLUMNS:
        if column not in frame.columns:
            after = [c for c in ("period_type", *BREAKDOWN_COLUMNS) if c in frame.columns]
            position = frame.columns.get_loc(after[-1]) + 1 if after else len(frame.columns)
            frame.insert(position, column, "total")
    return frame


def valid_frame() -> pd.DataFrame:
    """HBO technology students, all HBO students and the share x CR12, NL01, GM0153 x two school
    years, no breakdown: 18 valid rows (technology 1000, 1010 of 4000, 4040: share 0.25)."""
    values = {COUNT: (1000.0, 1010.0), TOTAL: (4000.0, 4040.0), SHARE: (0.25, 0.25)}
    rows = []
    for indicator_id, unit in UNITS.items():
        for region_code, (region_name, region_level) in REGIONS.items():
            for i, period in enumerate(PERIODS):
                value = values[indicator_id][i]
                rows.append(
                    {
                        "indicator_id": indicator_id,
                        "region_code": region_code,
                        "region_name": region_name,
                        "region_level": region_level,
                        "period": period,
                        "period_type": "school_year",
                        "sex": "total",
                        "value": value,
                        "unit": unit,
                        "suppressed_cell_count": 0,
                        "source": "duo",
                        "source_dataset": "p01hoinges",
                        "source_sha256": "0" * 64,
                        "snapshot_id": "20240101T000000Z",
                    }
                )
    return pd.DataFrame(rows)


REGION_NAMES = {
    "NL01": ("Nederland", "land"),
    "CR12": ("Twente", "corop"),
    "GM0153": ("Enschede", "gemeente"),
    "GM0164": ("Hengelo", "gemeente"),
}


def indicator_row(
    indicator_id: str, region_code: str, period: str, value: float | None, unit: str
) -> dict[str, Any]:
    """One indicator_values row (every breakdown total) for hand-made test builds."""
    region_name, region_level = REGION_NAMES.get(region_code, (region_code, "gemeente"))
    return {
        "indicator_id": indicator_id,
        "region_code": region_code,
        "region_name": region_name,
        "region_level": region_level,
        "period": period,
        "period_type": "school_year",
        "sex": "total",
        "value": value,
        "unit": unit,
        "suppressed_cell_count": 0,
        "source": "duo",
        "source_dataset": "test",
        "source_sha256": "0" * 64,
        "snapshot_id": "20240101T000000Z",
    }


REGION_ROWS = [
    ("NL01", "Nederland", "land", None, None, None),
    ("LD02", "Oost-Nederland", "landsdeel", None, None, None),
    ("PV23", "Overijssel", "provincie", None, None, "LD02"),
    ("CR12", "Twente", "corop", None, "PV23", "LD02"),
    ("GM0153", "Enschede", "gemeente", "CR12", "PV23", "LD02"),
    ("GM0164", "Hengelo", "gemeente", "CR12", "PV23", "LD02"),
]


def write_build(path: Path, frame: pd.DataFrame) -> Path:
    """A DuckDB build file holding `frame` as table indicator_values (breakdown columns it
    lacks are added as 'total').

    Beside it, what the other checks read: a small region table (Enschede and Hengelo in
    Twente), an indicator_catalog with one row per indicator in `frame` (at every region
    level), its periods, and the
    audit table
    source_duplicates, empty (no raw DUO table: no repeated line).
    """
    frame = with_breakdowns(frame)
    with duckdb.connect(str(path)) as con:
        sql, params = source_duplicates_sql(con)
        con.execute(f"create table source_duplicates as {sql}", params)
        con.execute(
            "create table region (region_code varchar, region_name varchar, "
            "region_level varchar, corop_code varchar, province_code varchar, "
            "landsdeel_code varchar)"
        )
        con.executemany("insert into region values (?, ?, ?, ?, ?, ?)", REGION_ROWS)
        con.register("frame", frame)
        con.execute("create table indicator_values as select * from frame")
        con.execute(
            "create table indicator_catalog as select distinct indicator_id, unit, "
            "'gemeente, corop, provincie, landsdeel, land' as region_levels "
            "from frame where indicator_id is not null"
        )
        con.execute("create table period as select distinct period, period_type from frame")
    return path


_write_build = write_build


def _tables(tmp_path: Path, frame: pd.DataFrame, config: ChecksConfig) -> dict[str, pd.DataFrame]:
    return read_tables(_write_build(tmp_path / "build.duckdb", frame), config, INDICATOR_IDS)


def _key(indicator_id: str, region_code: str | None, period: str) -> dict[str, Any]:
    return {"indicator_id": indicator_id, "region_code": region_code, "period": period, **TOTALS}


def _row_mask(frame: pd.DataFrame, indicator_id: str, region_code: str, period: str) -> pd.Series:
    return (
        (frame["indicator_id"] == indicator_id)
        & (frame["region_code"] == region_code)
        & (frame["period"] == period)
    )


@pytest.fixture(scope="module")
def config() -> ChecksConfig:
    return load_checks_config().requiring(("CR12",))


@pytest.fixture(scope="module")
def checks(config: ChecksConfig) -> list[Check]:
    return build_checks(load_catalog(), config)


def _result(report: QualityReport, name: str):
    [result] = [r for r in report.results if r.name == name]
    return result


# --- the valid build ---------------------------------------------------------------------------


def test_valid_build_passes_every_check(
    tmp_path: Path, config: ChecksConfig, checks: list[Check]
) -> None:
    build = _write_build(tmp_path / "build.duckdb", valid_frame())

    report = validate_build(build, checks, config, INDICATOR_IDS)

    assert [r.name for r in report.results] == [c.name for c in checks]
    assert report.failures == ()
    assert all(r.unexpected_count == 0 and r.failing_keys == () for r in report.results)
    assert report.status == "passed"
    assert not report.blocked


def test_coverage_frame_has_one_row_per_indicator_period_and_required_region(
    tmp_path: Path, config: ChecksConfig
) -> None:
    coverage = _tables(tmp_path, valid_frame(), config)[COVERAGE]

    assert coverage.to_dict("records") == [
        {"indicator_id": i, "period": p, "region_code": r, "row_count": 1}
        for i in sorted(UNITS)
        for p in PERIODS
        for r in ("CR12", "NL01")
    ]


@pytest.mark.parametrize(
    ("levels", "required"),
    [
        ("gemeente, corop, provincie, land", ("CR12", "NL01")),
        ("provincie,land", ("NL01", "PV23")),  # CBS open vacancies: the pact region's provincie
        ("land", ("NL01",)),  # CBS international students: Nederland only
    ],
)
def test_a_pact_region_is_required_at_the_nearest_level_the_indicator_declares(
    tmp_path: Path, config: ChecksConfig, levels: str, required: tuple[str, ...]
) -> None:
    build = _write_build(tmp_path / "build.duckdb", valid_frame())
    with duckdb.connect(str(build)) as con:
        con.execute("update indicator_catalog set region_levels = $levels", {"levels": levels})
    coverage = read_tables(build, config, INDICATOR_IDS)[COVERAGE]

    for indicator_id in UNITS:
        rows = coverage[coverage["indicator_id"] == indicator_id]
        assert tuple(sorted(set(rows["region_code"]))) == required, indicator_id
    # The frame has no PV23 rows: the provincie standing in for Twente is missing, not unpublished.
    assert (coverage[coverage["region_code"] == "PV23"]["row_count"] == 0).all()


# --- one failing dataset per rule --------------------------------------------------------------


def _duplicate_row(frame: pd.DataFrame) -> pd.DataFrame:
    return pd.concat(
        [frame, frame[_row_mask(frame, COUNT, "GM0153", "2020/21")]], ignore_index=True
    )


def _negative_count(frame: pd.DataFrame) -> pd.DataFrame:
    frame.loc[_row_mask(frame, COUNT, "GM0153", "2021/22"), "value"] = -5.0
    return frame


def _share_above_one(frame: pd.DataFrame) -> pd.DataFrame:
    frame.loc[_row_mask(frame, SHARE, "CR12", "2020/21"), "value"] = 1.2
    return frame


def _null_region_code(frame: pd.DataFrame) -> pd.DataFrame:
    frame.loc[_row_mask(frame, SHARE, "GM0153", "2021/22"), "region_code"] = None
    return frame


def _malformed_period(frame: pd.DataFrame) -> pd.DataFrame:
    frame.loc[_row_mask(frame, COUNT, "GM0153", "2021/22"), "period"] = "2021-22"
    return frame


def _period_type_mismatch(frame: pd.DataFrame) -> pd.DataFrame:
    frame.loc[_row_mask(frame, COUNT, "GM0153", "2021/22"), "period_type"] = "year"
    return frame


def _undeclared_region_level(frame: pd.DataFrame) -> pd.DataFrame:
    frame.loc[_row_mask(frame, COUNT, "GM0153", "2021/22"), "region_level"] = "landsdeel"
    return frame


def _missing_cr12(frame: pd.DataFrame) -> pd.DataFrame:
    return frame[~_row_mask(frame, SHARE, "CR12", "2021/22")].reset_index(drop=True)


FAILING_CASES = [
    pytest.param(
        _duplicate_row,
        "grain_unique",
        2,  # both copies are unexpected; they share one key, reported once
        [_key(COUNT, "GM0153", "2020/21")],
        # Enschede counted twice no longer sums to Twente, nor divides to its share.
        {"grain_unique", GEMEENTE_SUM, SHARE_RECOMPUTED},
        id="duplicated-row",
    ),
    pytest.param(
        _negative_count,
        f"value_range__{COUNT}",
        1,
        [_key(COUNT, "GM0153", "2021/22")],
        # Enschede's count no longer sums to Twente's, nor divides to its share.
        {f"value_range__{COUNT}", GEMEENTE_SUM, SHARE_RECOMPUTED},
        id="negative-count",
    ),
    pytest.param(
        _share_above_one,
        f"value_range__{SHARE}",
        1,
        [_key(SHARE, "CR12", "2020/21")],
        # 1.2 is not technology / all students either.
        {f"value_range__{SHARE}", SHARE_RECOMPUTED},
        id="share-above-one",
    ),
    pytest.param(
        _null_region_code,
        "not_null__region_code",
        1,
        [_key(SHARE, None, "2021/22")],
        # A share of no region has no numerator or denominator to be recomputed from.
        {"not_null__region_code", SHARE_RECOMPUTED},
        id="null-region-code",
    ),
    pytest.param(
        _malformed_period,
        "period_format",
        1,
        [_key(COUNT, "GM0153", "2021-22")],
        # Not a school year either; the stray period has data (GM0153) but neither CR12 nor
        # NL01, so coverage fails too, and Enschede's 2021/22 share lost its numerator.
        {
            "period_format",
            "period_format__school_year",
            "required_regions_present",
            SHARE_RECOMPUTED,
        },
        id="malformed-period",
    ),
    pytest.param(
        _period_type_mismatch,
        "period_format__year",
        1,
        [_key(COUNT, "GM0153", "2021/22")],
        # ... the catalog declares school years for it, and the period table now lists
        # 2021/22 twice (as a year and as a school year).
        {"period_format__year", f"declared_grain__period_type__{COUNT}", "period_grain"},
        id="school-year-period-typed-as-year",
    ),
    pytest.param(
        _undeclared_region_level,
        f"declared_grain__region_level__{COUNT}",
        1,
        [_key(COUNT, "GM0153", "2021/22")],
        {f"declared_grain__region_level__{COUNT}"},
        id="region-level-outside-the-declared-grain",
    ),
    pytest.param(
        _missing_cr12,
        "required_regions_present",
        1,
        [{"indicator_id": SHARE, "period": "2021/22", "region_code": "CR12"}],
        {"required_regions_present"},
        id="missing-required-region",
    ),
]


@pytest.mark.parametrize(
    ("corrupt", "check_name", "unexpected_count", "failing_keys", "failed_checks"),
    FAILING_CASES,
)
def test_each_rule_fails_on_its_bad_rows(
    tmp_path: Path,
    config: ChecksConfig,
    checks: list[Check],
    corrupt: Callable[[pd.DataFrame], pd.DataFrame],
    check_name: str,
    unexpected_count: int,
    failing_keys: list[dict[str, Any]],
    failed_checks: set[str],
) -> None:
    report = run_checks(checks, _tables(tmp_path, corrupt(valid_frame()), config))

    result = _result(report, check_name)
    assert not result.success
    assert result.severity == "critical"
    assert result.unexpected_count == unexpected_count
    assert list(result.failing_keys) == failing_keys
    assert {r.name for r in report.failures} == failed_checks
    assert report.blocked
    assert report.status == "blocked"
    [record] = [r for r in report.to_records() if r["check_name"] == check_name]
    assert record["failing_keys"] == failing_keys
    assert record["success"] is False


def test_failing_keys_are_capped_but_the_count_is_not(
    tmp_path: Path, config: ChecksConfig, checks: list[Check]
) -> None:
    frame = valid_frame()
    template = frame[_row_mask(frame, COUNT, "GM0153", "2020/21")]
    extra = [
        template.assign(region_code=f"GM{i:04d}", value=-1.0) for i in range(MAX_FAILING_KEYS + 5)
    ]

    report = run_checks(checks, _tables(tmp_path, pd.concat([frame, *extra]), config))

    result = _result(report, f"value_range__{COUNT}")
    assert result.unexpected_count == MAX_FAILING_KEYS + 5
    assert len(result.failing_keys) == MAX_FAILING_KEYS
    assert {k["region_code"] for k in result.failing_keys} <= {
        f"GM{i:04d}" for i in range(MAX_FAILING_KEYS + 5)
    }


def test_a_check_whose_table_is_missing_is_an_error_not_a_silent_pass(
    checks: list[Check],
) -> None:
    with pytest.raises(ValueError, match="coverage"):
        run_checks(checks, {INDICATOR_VALUES: valid_frame()})


def test_an_indicator_without_any_rows_fails_coverage(
    tmp_path: Path, config: ChecksConfig, checks: list[Check]
) -> None:
    frame = valid_frame()
    frame = frame[frame["indicator_id"] != SHARE]

    report = run_checks(checks, _tables(tmp_path, frame, config))

    coverage = _result(report, "required_regions_present")
    assert not coverage.success
    assert {k["indicator_id"] for k in coverage.failing_keys} == {SHARE}
    assert report.blocked


def test_a_failing_warning_check_publishes_with_warnings(
    tmp_path: Path, config: ChecksConfig
) -> None:
    # A share of 1.5 fails its range and its recomputation: both made warnings here.
    shares = tuple(
        rule.model_copy(update={"severity": "warning"}) for rule in config.consistency.share
    )
    warning_config = config.model_copy(
        update={
            "value_range": config.value_range.model_copy(update={"severity": "warning"}),
            "consistency": config.consistency.model_copy(update={"share": shares}),
        }
    )
    frame = valid_frame()
    frame.loc[_row_mask(frame, SHARE, "GM0153", PERIODS[0]), "value"] = 1.5

    report = run_checks(
        build_checks(load_catalog(), warning_config), _tables(tmp_path, frame, warning_config)
    )

    assert _result(report, f"value_range__{SHARE}").success is False
    assert {r.name for r in report.failures} == {f"value_range__{SHARE}", SHARE_RECOMPUTED}
    assert not report.blocked
    assert report.status == "passed_with_warnings"


def test_build_checks_makes_one_value_range_check_per_indicator_with_a_range(
    checks: list[Check],
) -> None:
    ranges = {c.where["indicator_id"]: c for c in checks if c.name.startswith("value_range__")}
    assert {COUNT, SHARE} <= set(ranges)
    assert set(ranges) == {
        i.id for i in load_catalog().indicators if (i.valid_min, i.valid_max) != (None, None)
    }
    assert ranges[SHARE].kwargs == {"column": "value", "min_value": 0, "max_value": 1}
    assert ranges[SHARE].description == f"{SHARE} lies within [0, 1] (fraction)"
    assert len({c.name for c in checks}) == len(checks)


def test_value_range_description_names_an_open_upper_bound(checks: list[Check]) -> None:
    [count] = [c for c in checks if c.name == f"value_range__{COUNT}"]
    assert count.description == f"{COUNT} lies within [0, inf] (count)"


# --- load_checks_config -------------------------------------------------------------------------


def test_load_checks_config_reads_the_bundled_file(config: ChecksConfig) -> None:
    assert load_checks_config().coverage.required_regions == ("NL01",)
    assert config.coverage.required_regions == ("CR12", "NL01")  # the pact region first


def test_configured_required_regions_are_kept_beside_the_pact_regions() -> None:
    """checks.toml's required_regions is live configuration: the pact regions are added to it,
    they do not replace it."""
    from techpact.flows.build import with_required_regions

    base = load_checks_config()
    extra = base.model_copy(
        update={"coverage": base.coverage.model_copy(update={"required_regions": ("PV23",)})}
    )

    config = with_required_regions(extra, ("CR36",))

    assert config.coverage.required_regions == ("CR36", "NL01", "PV23")
    assert config.grain.columns == (
        "indicator_id",
        "region_code",
        "period",
        "sex",
        "education_level",
        "institution",
    )


def _bundled_checks_toml() -> str:
    from importlib import resources

    return resources.files("techpact.expectations").joinpath("checks.toml").read_text("utf-8")


@pytest.mark.parametrize(
    ("edit", "problem"),
    [
        pytest.param(
            lambda text: text.replace(
                '[value_range]\nseverity = "critical"',
                '[value_range]\nseverity = "critical"\nmax = 3',
            ),
            "max",
            id="unknown-key-in-section",
        ),
        pytest.param(
            lambda text: text + '\n[freshness]\nseverity = "warning"\n',
            "freshness",
            id="unknown-section",
        ),
        pytest.param(
            lambda text: text.replace('severity = "critical"', 'severity = "fatal"', 1),
            "severity",
            id="invalid-severity",
        ),
        pytest.param(lambda text: text + "\n[grain\n", "TOML", id="not-toml"),
    ],
)
def test_load_checks_config_rejects_bad_files(
    tmp_path: Path, edit: Callable[[str], str], problem: str
) -> None:
    original = _bundled_checks_toml()
    text = edit(original)
    assert text != original, "the edit did not apply to checks.toml"
    path = tmp_path / "checks.toml"
    path.write_text(text, encoding="utf-8")

    with pytest.raises(ValueError, match="invalid quality check configuration") as excinfo:
        load_checks_config(path)

    assert str(path) in str(excinfo.value)
    assert problem.lower() in str(excinfo.value).lower()
