"""Issue 6 "done when": each corruption of a build made from the sample landing zone blocks
publishing, with a report (markdown and the run's HTML pages) that names the check and the
failing keys.

The build is the real one (``build_warehouse`` on ``sample/landing``, HBO indicators); each test
corrupts a copy of it with SQL, the way a broken model or source would, and runs the gate with
the last published snapshot being the clean build.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import duckdb
import pytest
from conftest import SAMPLE_LANDING

from techpact.expectations.config import ChecksConfig, load_checks_config
from techpact.expectations.docs import write_data_docs
from techpact.expectations.gate import QualityReport, validate_build
from techpact.expectations.pages import check_anchor
from techpact.expectations.report import summary_markdown
from techpact.expectations.suites import Check, build_checks
from techpact.sources.landing import LandingZone
from techpact.transforms.catalog import BREAKDOWN_COLUMNS, Catalog, load_catalog
from techpact.warehouse.build import build_warehouse

COUNT = "hbo_enrolment_technology"
SHARE = "hbo_enrolment_technology_share"
TOTAL = "hbo_enrolment_total"
HBO_IDS = [COUNT, SHARE, TOTAL]
# Every breakdown column at 'total' (sex, education_level).
TOTALS = dict.fromkeys(BREAKDOWN_COLUMNS, "total")
PERIOD = "2022/23"


@pytest.fixture(scope="module")
def clean_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    catalog = load_catalog()
    hbo = Catalog(indicators=tuple(catalog.get(i) for i in HBO_IDS))
    path = tmp_path_factory.mktemp("clean") / "build.duckdb"
    build_warehouse(
        path,
        landing=LandingZone(SAMPLE_LANDING),
        catalog=hbo,
        snapshot_id="20261129T000000Z-000000",
    )
    return path


@pytest.fixture(scope="module")
def config() -> ChecksConfig:
    return load_checks_config().requiring(("CR12",))


@pytest.fixture(scope="module")
def checks(config: ChecksConfig) -> list[Check]:
    return build_checks(load_catalog(), config)


def corrupt_and_validate(
    clean_build: Path, tmp_path: Path, config: ChecksConfig, checks: list[Check], sql: str
) -> QualityReport:
    build = tmp_path / "build.duckdb"
    shutil.copyfile(clean_build, build)
    with duckdb.connect(str(build)) as con:
        params = {"count": COUNT, "share": SHARE, "period": PERIOD}
        con.execute(sql, {name: value for name, value in params.items() if f"${name}" in sql})
    return validate_build(build, checks, config, HBO_IDS, previous_path=clean_build)


def test_the_clean_sample_build_passes_against_itself(clean_build, config, checks) -> None:
    report = validate_build(clean_build, checks, config, HBO_IDS, previous_path=clean_build)

    assert report.failures == ()


CORRUPTIONS = [
    pytest.param(
        """
        update indicator_values set value = -5
        where indicator_id = $count and region_code = 'GM0153' and period = $period
            and sex = 'female'
        """,
        f"value_range__{COUNT}",
        {
            "indicator_id": COUNT,
            "region_code": "GM0153",
            "period": PERIOD,
            **TOTALS,
            "sex": "female",
        },
        id="negative-count",
    ),
    pytest.param(
        # Twente's HBO technology students above all its HBO students.
        """
        update indicator_values set value = 10 * value
        where indicator_id = $count and region_code = 'CR12' and period = $period
            and sex = 'total'
        """,
        "hbo_enrolment_technology_within_total",
        {"region_code": "CR12", "period": PERIOD, **TOTALS},
        id="technology-count-above-its-total",
    ),
    pytest.param(
        "delete from indicator_values where region_code = 'CR12' and period = $period "
        "and indicator_id = $share",
        "required_regions_present",
        {"indicator_id": SHARE, "period": PERIOD, "region_code": "CR12"},
        id="missing-region",
    ),
    pytest.param(
        """
        update indicator_values set value = 1.2
        where indicator_id = $share and region_code = 'CR12' and period = $period
            and sex = 'total'
        """,
        f"value_range__{SHARE}",
        {"indicator_id": SHARE, "region_code": "CR12", "period": PERIOD, **TOTALS},
        id="share-above-1",
    ),
    pytest.param(
        # Keep two of the five school years: a 60 % drop for both indicators.
        "delete from indicator_values where period < '2023/24'",
        "drift_row_count",
        {"indicator_id": COUNT, "previous_row_count": 0, "row_count": 0},
        id="60-percent-fewer-rows",
    ),
]


def test_a_duplicated_row_cannot_even_enter_the_build_its_primary_key_refuses_it(
    clean_build, tmp_path
) -> None:
    """The grain is a declared primary key: a second row with the same key fails at once,
    naming the key, before any check could run (grain_unique stays as a second line)."""
    build = tmp_path / "build.duckdb"
    shutil.copyfile(clean_build, build)
    with duckdb.connect(str(build)) as con, pytest.raises(duckdb.ConstraintException) as error:
        con.execute(
            """
            insert into indicator_values
            select * from indicator_values
            where indicator_id = $count and region_code = 'GM0153' and period = $period
                and sex = 'total'
            """,
            {"count": COUNT, "period": PERIOD},
        )
    assert "GM0153" in str(error.value) and COUNT in str(error.value)


@pytest.mark.parametrize(("sql", "check_name", "failing_key"), CORRUPTIONS)
def test_each_corruption_blocks_with_the_check_and_failing_keys_named(
    clean_build, tmp_path, config, checks, sql, check_name, failing_key
) -> None:
    report = corrupt_and_validate(clean_build, tmp_path, config, checks, sql)

    assert report.blocked
    [failed] = [r for r in report.results if r.name == check_name]
    assert failed.blocks
    if check_name == "drift_row_count":
        assert [k["indicator_id"] for k in failed.failing_keys] == HBO_IDS
        # 2 of 5 school years left: about 40 % of the rows.
        assert all(
            k["row_count"] == pytest.approx(0.4 * k["previous_row_count"], rel=0.1)
            for k in failed.failing_keys
        )
    else:
        assert failing_key in failed.failing_keys
    summary = summary_markdown(report, run_id="20261129T000000Z-000000")
    assert "# Quality gate: blocked" in summary
    assert f"| {check_name} | critical |" in summary
    named = failing_key.get("region_code") or failing_key["indicator_id"]
    assert named in summary
    assert_the_html_report_names(report, check_name, named, tmp_path / "run.docs")


def assert_the_html_report_names(
    report: QualityReport, check_name: str, value: str, folder: Path
) -> None:
    """The run's HTML report lists the failed check with the value in its failing keys on the
    index, and links to the check's entry, with the failing rows, on its table's page."""
    index = write_data_docs(report, folder)
    [result] = [r for r in report.results if r.name == check_name]
    page = (folder / "tables" / f"{result.table}.html").read_text("utf-8")
    [failure] = re.findall(
        rf'<section class="failure critical" id="{check_anchor(check_name)}">.*?</section>',
        page,
        re.S,
    )
    assert check_name in index.read_text("utf-8")
    assert value in index.read_text("utf-8")
    assert f">{value}</td>" in failure


# --- a duplicated data line in a landed DUO file ------------------------------------------------

ENROLMENT_FILE = "ingeschrevenengeslhbo.csv"
# Enschede (GM0153), 2023, Saxion bachelor TECHNIEK, men: one line of the sample file.
DUPLICATED_LINE = (
    b'"2023","Overijssel","0153","Enschede","reguliere inst.","bachelor","23AH",'
    b'"Saxion Hogeschool","TECHNIEK","n.v.t. (techniek)","MAN",'
)


def landing_with_a_duplicated_line(root: Path) -> tuple[Path, int]:
    """A copy of the sample landing zone whose HBO enrolment file repeats one data line right
    after itself; returns the zone and the line number (header = 1) of the original."""
    [original] = SAMPLE_LANDING.glob(f"duo/p01hoinges/*/{ENROLMENT_FILE}")
    shutil.copytree(SAMPLE_LANDING, root)
    shutil.rmtree(root / original.parent.relative_to(SAMPLE_LANDING))
    manifest = json.loads((original.parent / "manifest.json").read_text())
    lines = original.read_bytes().split(b"\r\n")
    [index] = [n for n, line in enumerate(lines) if line.startswith(DUPLICATED_LINE)]
    lines.insert(index + 1, lines[index])
    LandingZone(root).land_bytes(
        b"\r\n".join(lines),
        **{k: manifest[k] for k in ("source", "dataset", "resource", "file_name", "media_type")},
        fetched_at=manifest["fetched_at"],
        is_sample_data=True,
        note="test: one data line duplicated",
    )
    return root, index + 1


def test_a_duplicated_line_in_a_landed_duo_file_blocks_naming_the_file_and_lines(
    tmp_path, config, checks
) -> None:
    landing, line = landing_with_a_duplicated_line(tmp_path / "landing")
    catalog = load_catalog()
    build = build_warehouse(
        tmp_path / "build.duckdb",
        landing=LandingZone(landing),
        catalog=catalog,
        snapshot_id="20261129T000000Z-000000",
    )

    report = validate_build(build.path, checks, config, [i.id for i in catalog.indicators])

    assert report.blocked
    # Counted twice, the line is still consistent everywhere else: only this check sees it.
    assert [r.name for r in report.failures] == ["source_rows_unique"]
    [failed] = report.failures
    assert (failed.severity, failed.unexpected_count) == ("critical", 1)
    [key] = failed.failing_keys
    assert key["file_name"] == ENROLMENT_FILE
    assert key["resource"] == "hbo_enrolment_by_sex"
    assert key["line_numbers"] == f"{line}, {line + 1}"
    assert key["duplicate_key"].startswith("2023 | ")
    assert {"Enschede", "TECHNIEK", "male"} <= set(key["duplicate_key"].split(" | "))
    summary = summary_markdown(report, run_id="20261129T000000Z-000000")
    assert "| source_rows_unique | critical |" in summary
    assert f"{line}, {line + 1}" in summary
    assert_the_html_report_names(report, "source_rows_unique", ENROLMENT_FILE, tmp_path / "r.docs")
    with duckdb.connect(str(build.path), read_only=True) as con:
        audit = con.execute("select file_name, year, row_count from source_duplicates").fetchall()
    assert audit == [(ENROLMENT_FILE, 2023, 2)]


def test_the_clean_sample_landing_zone_has_no_duplicated_line(clean_build) -> None:
    with duckdb.connect(str(clean_build), read_only=True) as con:
        assert con.execute("select count(*) from source_duplicates").fetchone() == (0,)
