"""Drift checks: the build against the last published snapshot (read read-only).

Thresholds come from the bundled checks.toml: row count +-25 % per indicator (critical), a
region gone from a period the build still has (critical), a period gone (warning), and a value
new or changed since the snapshot jumping more than 50 % (counts >= 50) or 0.10 (fractions)
from the previous period (warning).
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd
import pytest
from test_quality_gate import TOTALS, indicator_row, write_build

from techpact.expectations.config import ChecksConfig, load_checks_config
from techpact.expectations.drift import read_previous_values
from techpact.expectations.gate import CheckResult, QualityReport, read_tables, run_checks
from techpact.expectations.suites import Check, build_checks
from techpact.transforms.catalog import load_catalog

COUNT = "hbo_enrolment_technology"
SHARE = "hbo_enrolment_technology_share"
IDS = [COUNT, SHARE]
PERIODS = ("2020/21", "2021/22", "2022/23", "2023/24", "2024/25")
DRIFT_CHECKS = (
    "drift_row_count",
    "drift_regions_disappeared",
    "drift_periods_disappeared",
    "drift_published_value",
    "drift_value_jump",
)


@pytest.fixture(scope="module")
def config() -> ChecksConfig:
    """The bundled checks without the share rules: these frames hold the technology count and
    share, not the share's denominator (test_quality_consistency covers the share rules)."""
    config = load_checks_config().requiring(("CR12",))
    return config.model_copy(
        update={"consistency": config.consistency.model_copy(update={"share": ()})}
    )


@pytest.fixture(scope="module")
def checks(config: ChecksConfig) -> list[Check]:
    return build_checks(load_catalog(), config)


def rows(periods: tuple[str, ...] = PERIODS, regions=("CR12", "NL01")) -> list[dict]:
    """Steady series: counts 1000 (Twente) / 40000 (Nederland) + 10 a year, shares 0.30."""
    out = []
    for i, period in enumerate(periods):
        for region in regions:
            base = 1000 if region == "CR12" else 40_000
            out.append(indicator_row(COUNT, region, period, base + 10 * i, "count"))
            out.append(indicator_row(SHARE, region, period, 0.30, "fraction"))
    return out


def publish(tmp_path: Path, frame_rows: list[dict]) -> Path:
    return write_build(tmp_path / "published.duckdb", pd.DataFrame(frame_rows))


def validate(tmp_path, frame_rows, config, checks, previous: Path | None) -> QualityReport:
    build = write_build(tmp_path / "build.duckdb", pd.DataFrame(frame_rows))
    return run_checks(checks, read_tables(build, config, IDS, previous_path=previous))


def result(report: QualityReport, name: str) -> CheckResult:
    [found] = [r for r in report.results if r.name == name]
    return found


def set_value(frame_rows, indicator_id, region, period, value) -> list[dict]:
    hits = 0
    for row in frame_rows:
        if (row["indicator_id"], row["region_code"], row["period"]) == (
            indicator_id,
            region,
            period,
        ):
            row["value"] = value
            hits += 1
    assert hits == 1
    return frame_rows


def test_without_a_published_snapshot_drift_checks_pass_with_nothing_to_compare(
    tmp_path, config, checks
) -> None:
    build = write_build(tmp_path / "build.duckdb", pd.DataFrame(rows()[:4]))

    tables = read_tables(build, config, IDS, previous_path=None)
    report = run_checks(checks, tables)

    for table in ("drift_row_count", "drift_regions", "drift_periods", "drift_value_jump"):
        assert tables[table].empty, table
    assert all(result(report, name).success for name in DRIFT_CHECKS)


def test_the_same_data_as_published_has_no_drift(tmp_path, config, checks) -> None:
    previous = publish(tmp_path, rows())

    report = validate(tmp_path, rows(), config, checks, previous)

    assert report.failures == ()
    counts = read_tables(tmp_path / "build.duckdb", config, IDS, previous_path=previous)
    assert counts["drift_row_count"].to_dict("records") == [
        {"indicator_id": COUNT, "previous_row_count": 10, "row_count": 10, "relative_change": 0.0},
        {"indicator_id": SHARE, "previous_row_count": 10, "row_count": 10, "relative_change": 0.0},
    ]


def test_a_60_percent_drop_in_rows_blocks(tmp_path, config, checks) -> None:
    previous = publish(tmp_path, rows())
    current = [r for r in rows() if not (r["indicator_id"] == COUNT and r["period"] < "2023/24")]

    report = validate(tmp_path, current, config, checks, previous)

    drift = result(report, "drift_row_count")
    assert (drift.success, drift.severity, drift.unexpected_count) == (False, "critical", 1)
    assert drift.failing_keys == (
        {"indicator_id": COUNT, "previous_row_count": 10, "row_count": 4},
    )
    assert report.blocked


def test_a_row_count_change_within_the_threshold_passes(tmp_path, config, checks) -> None:
    previous = publish(tmp_path, rows(PERIODS[:4]))  # 8 rows each; the build adds a year: +25 %

    report = validate(tmp_path, rows(), config, checks, previous)

    assert result(report, "drift_row_count").success


def test_a_region_gone_from_a_period_blocks(tmp_path, config, checks) -> None:
    previous = publish(tmp_path, rows())
    current = [
        r
        for r in rows()
        if not (
            r["indicator_id"] == SHARE and r["region_code"] == "CR12" and r["period"] == "2022/23"
        )
    ]

    report = validate(tmp_path, current, config, checks, previous)

    regions = result(report, "drift_regions_disappeared")
    assert (regions.success, regions.unexpected_count) == (False, 1)
    assert regions.failing_keys == (
        {"indicator_id": SHARE, "region_code": "CR12", "period": "2022/23"},
    )
    assert report.blocked


def test_the_oldest_period_leaving_is_a_warning_not_a_block(tmp_path, config, checks) -> None:
    # DUO files hold a rolling five years: next year's file drops 2020/21 and adds 2025/26.
    previous = publish(tmp_path, rows())

    report = validate(tmp_path, rows((*PERIODS[1:], "2025/26")), config, checks, previous)

    periods = result(report, "drift_periods_disappeared")
    assert (periods.success, periods.severity, periods.unexpected_count) == (False, "warning", 2)
    assert periods.failing_keys == (
        {"indicator_id": COUNT, "period": "2020/21"},
        {"indicator_id": SHARE, "period": "2020/21"},
    )
    # 2020/21's regions are not "disappeared regions": the build has no 2020/21 at all.
    assert result(report, "drift_regions_disappeared").success
    assert not report.blocked
    assert report.status == "passed_with_warnings"


def test_a_new_value_jumping_year_on_year_is_a_warning(tmp_path, config, checks) -> None:
    previous = publish(tmp_path, rows(PERIODS[:4]))
    current = rows()
    set_value(current, COUNT, "CR12", "2024/25", 1600)  # 1030 -> 1600: +55 %
    set_value(current, SHARE, "NL01", "2024/25", 0.45)  # 0.30 -> 0.45: +0.15

    report = validate(tmp_path, current, config, checks, previous)

    jump = result(report, "drift_value_jump")
    assert (jump.success, jump.severity, jump.unexpected_count) == (False, "warning", 2)
    assert jump.failing_keys == (
        {
            "indicator_id": COUNT,
            "region_code": "CR12",
            "period": "2024/25",
            **TOTALS,
            "previous_period": "2023/24",
        },
        {
            "indicator_id": SHARE,
            "region_code": "NL01",
            "period": "2024/25",
            **TOTALS,
            "previous_period": "2023/24",
        },
    )
    assert not report.blocked


def test_jumps_already_published_or_on_small_counts_are_not_reported(
    tmp_path, config, checks
) -> None:
    history = rows()
    set_value(history, COUNT, "CR12", "2022/23", 3000)  # a jump the snapshot already had
    previous = publish(tmp_path, history)
    current = [dict(r) for r in history]
    small = [
        indicator_row(COUNT, "GM0153", p, v, "count") for p, v in (("2023/24", 10), ("2024/25", 40))
    ]

    tables_report = validate(tmp_path, [*current, *small], config, checks, previous)

    assert result(tables_report, "drift_value_jump").success
    jumps = read_tables(tmp_path / "build.duckdb", config, IDS, previous_path=previous)
    # Only the new Enschede rows were candidates; 10 is below min_previous_count (50).
    assert jumps["drift_value_jump"].empty


def test_a_changed_published_value_is_compared_with_its_previous_period(
    tmp_path, config, checks
) -> None:
    previous = publish(tmp_path, rows())
    current = set_value(rows(), COUNT, "NL01", "2022/23", 90_000)  # revised: 40010 -> 90000

    report = validate(tmp_path, current, config, checks, previous)

    jump = result(report, "drift_value_jump")
    # The revised year jumps from 2021/22; the unrevised 2023/24 jumps back from it, but that
    # row is unchanged since the snapshot and not a candidate.
    assert jump.unexpected_count == 1
    assert jump.failing_keys[0]["period"] == "2022/23"


def test_the_published_file_is_only_read(tmp_path, config, checks) -> None:
    previous = publish(tmp_path, rows())
    before = previous.read_bytes()
    previous.chmod(0o444)

    validate(tmp_path, rows(), config, checks, previous)

    assert previous.read_bytes() == before


def test_the_baseline_is_the_published_snapshots_own_file(tmp_path) -> None:
    from conftest import publish_sample

    from techpact.config import Settings
    from techpact.expectations.baseline import published_baseline
    from techpact.warehouse.snapshots import SnapshotStore

    settings = Settings.from_paths(tmp_path / "data")
    assert published_baseline(settings) is None

    snapshot_id = publish_sample(settings.data_dir)

    assert published_baseline(settings) == SnapshotStore(settings).path_of(snapshot_id)
    assert published_baseline(settings, is_sample_data=True) is not None
    # Generated sample data is no baseline for real figures (nor the other way round).
    assert published_baseline(settings, is_sample_data=False) is None


def test_a_bi_tool_holding_the_published_file_read_write_does_not_stop_the_drift_checks(
    tmp_path,
) -> None:
    """The duckdb CLI opens read-write by default and so locks the published file."""
    import subprocess
    import sys

    from conftest import publish_sample

    from techpact.config import Settings
    from techpact.expectations.baseline import published_baseline
    from techpact.expectations.drift import read_previous_values

    settings = Settings.from_paths(tmp_path / "data")
    publish_sample(settings.data_dir)
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import duckdb, sys, time; con = duckdb.connect(sys.argv[1]); "
            "print('open', flush=True); time.sleep(60)",
            str(settings.published_path),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "open"
        with pytest.raises(duckdb.IOException):  # the lock is real
            duckdb.connect(str(settings.published_path), read_only=True)
        previous = read_previous_values(published_baseline(settings))
    finally:
        holder.kill()
        holder.wait()
    assert len(previous) > 1000


def test_a_published_snapshot_from_before_a_breakdown_reads_it_as_total(tmp_path) -> None:
    # An older published file has no education_level column: its rows meant 'total'.
    frame = pd.DataFrame(rows()).drop(columns=["education_level"], errors="ignore")
    previous = tmp_path / "old.duckdb"
    with duckdb.connect(str(previous)) as con:
        con.register("frame", frame)
        con.execute("create table indicator_values as select * from frame")

    read = read_previous_values(previous)

    assert set(read["education_level"]) == {"total"}
    assert len(read) == len(frame)


def test_a_whole_series_multiplied_blocks_though_no_period_jumps_from_the_one_before(
    tmp_path, config, checks
) -> None:
    """Twente's technology students 5,144 -> 7,652,634 in every period (a unit or source
    mistake): period to period the series is smooth, against the published values it is not."""
    published = rows()
    build = rows()
    for row in build:
        if row["indicator_id"] == COUNT and row["region_code"] == "CR12":
            row["value"] *= 1488
    previous = publish(tmp_path, published)

    report = validate(tmp_path, build, config, checks, previous)

    assert result(report, "drift_value_jump").success  # the old check saw nothing
    revised = result(report, "drift_published_value")
    assert revised.blocks
    assert revised.unexpected_count == len(PERIODS)
    assert {k["region_code"] for k in revised.failing_keys} == {"CR12"}
    assert {k["period"] for k in revised.failing_keys} == set(PERIODS)


def test_a_small_revision_of_a_published_value_passes(tmp_path, config, checks) -> None:
    """Provisional figures become final: a few per cent, not blocking."""
    previous = publish(tmp_path, rows())
    build = set_value(rows(), COUNT, "CR12", PERIODS[-1], 1040 * 1.03)

    report = validate(tmp_path, build, config, checks, previous)

    assert result(report, "drift_published_value").success
