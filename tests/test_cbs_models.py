"""CBS loader, staging and indicator models, on DuckDB, from the generated sample fetches.

The labour indicators (cbs_labour.toml) and the education indicators broken down by
``education_level`` (cbs_education.toml) are active.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import duckdb
import pandas as pd
import pytest
from conftest import REPO_ROOT

from techpact.sources.cbs import latest_batch
from techpact.sources.cbs_parse import TIDY_COLUMNS
from techpact.sources.cbs_tables import load_cbs_tables
from techpact.sources.landing import LandingZone
from techpact.transforms import runner
from techpact.transforms.catalog import Catalog, parse_catalog
from techpact.warehouse.build import build_warehouse
from techpact.warehouse.loaders import BuildError
from techpact.warehouse.loaders.cbs import load_raw

TRANSFORMS = REPO_ROOT / "transforms"
LABOUR_CATALOG = TRANSFORMS / "indicators" / "cbs_labour.toml"
EDUCATION_CATALOG = TRANSFORMS / "indicators" / "cbs_education.toml"
LABOUR_IDS = {
    "labour_force",
    "employed_labour_force",
    "unemployment_rate",
    "net_labour_participation",
    "jobs_total",
    "jobs_industry_share",
    "jobs_construction_share",
    "jobs_ict_share",
    "unemployment_rate_by_education",
    "net_labour_participation_by_education",
}
EDUCATION_IDS = {"students_by_level_residence", "graduates_by_level_residence"}


def load_sample_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "cbs_sample", REPO_ROOT / "sample" / "cbs_sample.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("cbs_sample", module)  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def sample_zone(tmp_path_factory: pytest.TempPathFactory) -> LandingZone:
    zone = LandingZone(tmp_path_factory.mktemp("cbs-landing"))
    load_sample_module().land_cbs_samples(zone)
    return zone


def labour_catalog() -> Catalog:
    return parse_catalog(LABOUR_CATALOG.read_text(encoding="utf-8"), origin=str(LABOUR_CATALOG))


def education_catalog() -> Catalog:
    text = EDUCATION_CATALOG.read_text(encoding="utf-8")
    return parse_catalog(text, origin=str(EDUCATION_CATALOG))


def cbs_catalog() -> Catalog:
    return Catalog(indicators=labour_catalog().indicators + education_catalog().indicators)


def test_the_labour_catalog_is_valid_and_uses_the_issue_ids() -> None:
    catalog = labour_catalog()
    assert {i.id for i in catalog.indicators} == LABOUR_IDS
    resources = set(load_cbs_tables().resources)
    for indicator in catalog.indicators:
        assert set(indicator.resources) <= resources, indicator.id
        assert (TRANSFORMS / "models" / f"{indicator.model}.sql").is_file()


def test_the_education_catalog_is_active_and_broken_down_by_education_level() -> None:
    catalog = education_catalog()
    assert {i.id for i in catalog.indicators} == EDUCATION_IDS
    resources = set(load_cbs_tables().resources)
    for indicator in catalog.indicators:
        assert indicator.breakdowns == ("education_level",), indicator.id
        assert indicator.counted_by == "residence", indicator.id
        assert set(indicator.resources) <= resources, indicator.id
        assert (TRANSFORMS / "models" / f"{indicator.model}.sql").is_file()


def test_the_education_models_are_active_and_every_pending_model_has_a_catalog_entry() -> None:
    models = TRANSFORMS / "models"
    assert not list(models.glob("*_by_level_residence.sql.pending"))
    catalogs = "".join(
        p.read_text(encoding="utf-8") for p in (TRANSFORMS / "indicators").glob("*.toml*")
    )
    for pending in models.glob("*.sql.pending"):
        assert f'model = "{pending.name.removesuffix(".sql.pending")}"' in catalogs, pending.name


def test_the_sample_fetches_are_generated_data_and_complete(sample_zone: LandingZone) -> None:
    manifests = [f.manifest for f in sample_zone.files("cbs")]
    assert manifests
    assert all(m.is_sample_data for m in manifests)
    assert all(m.note and m.note.startswith("GENERATED SAMPLE DATA") for m in manifests)
    for spec in load_cbs_tables().table:
        assert latest_batch(sample_zone, spec) is not None, spec.id


def test_the_sample_generator_is_deterministic(tmp_path: Path, sample_zone: LandingZone) -> None:
    again = LandingZone(tmp_path)
    load_sample_module().land_cbs_samples(again)
    assert sorted(f.manifest.sha256 for f in again.files()) == sorted(
        f.manifest.sha256 for f in sample_zone.files()
    )


def test_the_loader_stacks_the_classification_years_with_their_table_id(
    sample_zone: LandingZone,
) -> None:
    con = duckdb.connect()
    used = load_raw(con, sample_zone, ["labour_participation"])
    columns = [r[0] for r in con.execute("describe raw_cbs__labour_participation").fetchall()]
    assert columns == [*TIDY_COLUMNS, "source_file", "source_sha256"]
    tables = con.execute(
        "select source_dataset, min(period), max(period) from raw_cbs__labour_participation "
        "group by 1 order by 1"
    ).fetchall()
    assert tables == [
        ("85269NED", "2019", "2021"),
        ("85494NED", "2020", "2022"),
        ("86088NED", "2022", "2024"),
    ]
    assert {f.manifest.file_name for f in used} >= {"fetch-batch.json", "TypedDataSet-0001.json"}


def test_the_loader_ignores_a_fetch_without_its_marker(
    sample_zone: LandingZone, tmp_path: Path
) -> None:
    zone = LandingZone(tmp_path)
    for landed in sample_zone.files("cbs", "83582NED"):
        if landed.manifest.file_name != "fetch-batch.json":
            zone.land_bytes(
                landed.path.read_bytes(),
                **{
                    k: getattr(landed.manifest, k)
                    for k in ("source", "dataset", "resource", "file_name", "media_type")
                },
            )
    with pytest.raises(BuildError, match=r"no complete fetch of any table of cbs/jobs_by_sector"):
        load_raw(duckdb.connect(), zone, ["jobs_by_sector"])


def test_the_labour_staging_model_splices_the_newest_classification() -> None:
    def raw(table: str, year: int, period: str, value: float) -> dict[str, object]:
        return {
            "source_dataset": table,
            "classification_year": year,
            "region_code": "CR12",
            "period_code": f"{period}JJ00",
            "period": period,
            "period_type": "year",
            "is_provisional": False,
            "category": "total",
            "measure": "labour_force",
            "value": value,
            "unit": "x 1 000",
            "source_file": "fetch-batch.json",
            "source_sha256": table.lower(),
        }

    frame = pd.DataFrame(
        [
            raw("85269NED", 2021, "2020", 313_000.0),
            raw("85269NED", 2021, "2021", 316_000.0),
            raw("86088NED", 2024, "2021", 317_000.0),
            raw("86088NED", 2024, "2022", 322_000.0),
        ]
    )
    con = duckdb.connect()
    con.register("frame", frame)
    con.execute("create table raw_cbs__labour_participation as select * from frame")
    runner.materialise(con, "staging", "stg_cbs__labour_participation")
    rows = con.execute(
        "select period, value, source_dataset from stg_cbs__labour_participation order by period"
    ).fetchall()
    assert rows == [
        ("2020", 313_000.0, "85269NED"),
        ("2021", 317_000.0, "86088NED"),
        ("2022", 322_000.0, "86088NED"),
    ]


def test_the_labour_indicators_build_for_cr12_and_nl01_every_year(
    sample_zone: LandingZone, tmp_path: Path
) -> None:
    result = build_warehouse(
        tmp_path / "build.duckdb", landing=sample_zone, catalog=labour_catalog(), snapshot_id="t"
    )
    assert result.is_sample_data
    with duckdb.connect(str(tmp_path / "build.duckdb"), read_only=True) as con:
        coverage = con.execute(
            """
            select indicator_id, period, list_sort(list(distinct region_code))
            from indicator_values
            where region_code in ('CR12', 'NL01')
            group by all
            having count(distinct region_code) < 2
            """
        ).fetchall()
        assert coverage == []
        ids = {
            r[0]
            for r in con.execute("select distinct indicator_id from indicator_values").fetchall()
        }
        assert ids == LABOUR_IDS
        twente = dict(
            con.execute(
                "select indicator_id, value from indicator_values "
                "where region_code = 'CR12' and period = '2022'"
            ).fetchall()
        )
    assert 280_000 < twente["labour_force"] < 380_000
    assert twente["employed_labour_force"] < twente["labour_force"]
    assert 3.0 < twente["unemployment_rate"] < 6.0
    assert 0.10 < twente["jobs_industry_share"] < 0.25
    assert 0 < twente["jobs_ict_share"] < twente["jobs_industry_share"]


def test_the_cbs_indicators_pass_the_quality_gate(sample_zone: LandingZone, tmp_path: Path) -> None:
    """Every generic check (grain with education_level, not null, period format, range, unit,
    coverage of CR12 and NL01, gemeente sums); the rules between DUO indicators are left out, as
    the build holds only the CBS ones."""
    from techpact.expectations.config import load_checks_config
    from techpact.expectations.gate import validate_build
    from techpact.expectations.suites import build_checks

    catalog = cbs_catalog()
    path = tmp_path / "build.duckdb"
    build_warehouse(path, landing=sample_zone, catalog=catalog, snapshot_id="t")
    config = load_checks_config().requiring(("CR12",))
    config = config.model_copy(
        update={"consistency": config.consistency.model_copy(update={"at_most": (), "share": ()})}
    )
    report = validate_build(
        path, build_checks(catalog, config), config, [i.id for i in catalog.indicators]
    )
    assert len(report.results) > 10
    assert [r.name for r in report.results if not r.success] == []
    with duckdb.connect(str(path), read_only=True) as con:
        levels = con.execute(
            "select distinct education_level from indicator_values "
            "where indicator_id = 'graduates_by_level_residence' order by 1"
        ).fetchall()
    assert levels == [("hbo",), ("mbo",), ("total",), ("wo",)]


def test_the_education_models_give_one_row_per_region_year_and_level(
    sample_zone: LandingZone,
) -> None:
    con = duckdb.connect()
    runner.load_region_seed(con)
    load_raw(
        con, sample_zone, ["students_by_education_residence", "graduates_by_education_residence"]
    )
    targets = ["students_by_level_residence", "graduates_by_level_residence"]
    for name in runner.build_order(targets, runner.existing_tables(con)):
        runner.materialise(con, runner.model_folder(name), name)
    for model in targets:
        grain = con.execute(
            f"select count(*), count(distinct (region_code, period, education_level)), "
            f"list_sort(list(distinct education_level)) from {model}"
        ).fetchone()
        assert grain is not None
        # NL01; PV23, CR12 and three Twente gemeenten; PV30, CR36 and its 21 gemeenten
        # x 5 years x (3 levels + their total)
        assert grain[0] == grain[1] == (1 + 5 + 23) * 5 * 4, model
        assert grain[2] == ["hbo", "mbo", "total", "wo"]
        mismatched = con.execute(
            f"""
            select region_code, period
            from {model}
            group by region_code, period
            having sum(value) filter (where education_level = 'total')
                <> sum(value) filter (where education_level <> 'total')
            """
        ).fetchall()
        assert mismatched == [], model


def test_an_education_total_needs_all_three_levels() -> None:
    con = duckdb.connect()
    con.execute(
        """
        create table stg_cbs__students_by_education_residence as
        select * from (values
            ('CR12', '2022/23', 'school_year', false, 'mbo', 100.0, '85701NED', 'a'),
            ('CR12', '2022/23', 'school_year', false, 'hbo', 50.0, '85701NED', 'a'),
            ('CR12', '2022/23', 'school_year', false, 'wo', 20.0, '85701NED', 'a'),
            ('NL01', '2022/23', 'school_year', false, 'mbo', 900.0, '85701NED', 'a'),
            ('NL01', '2022/23', 'school_year', false, 'hbo', null, '85701NED', 'a')
        ) as t(region_code, period, period_type, is_provisional, education_level,
            student_count, source_dataset, source_sha256)
        """
    )
    runner.materialise(con, "models", "students_by_level_residence")
    rows = con.execute(
        "select region_code, education_level, value from students_by_level_residence "
        "order by region_code, education_level"
    ).fetchall()
    assert rows == [
        ("CR12", "hbo", 50.0),
        ("CR12", "mbo", 100.0),
        ("CR12", "total", 170.0),
        ("CR12", "wo", 20.0),
        ("NL01", "mbo", 900.0),  # hbo unknown, wo absent: no total
    ]


def test_the_wide_views_show_the_value_where_every_breakdown_is_total(
    sample_zone: LandingZone, tmp_path: Path
) -> None:
    path = tmp_path / "build.duckdb"
    build_warehouse(path, landing=sample_zone, catalog=cbs_catalog(), snapshot_id="t")
    with duckdb.connect(str(path), read_only=True) as con:
        wide = con.execute(
            """
            select period, students_by_level_residence from action_point_1_school_year
            where region_code = 'CR12' order by period
            """
        ).fetchall()
        long = con.execute(
            """
            select period, value from indicator_values
            where indicator_id = 'students_by_level_residence' and region_code = 'CR12'
                and sex = 'total' and education_level = 'total'
            order by period
            """
        ).fetchall()
        rows_per_cell = con.execute(
            "select max(n) from (select count(*) as n from action_point_1_school_year "
            "group by region_code, period)"
        ).fetchone()
    assert len(wide) == 5
    assert wide == long
    assert rows_per_cell == (1,)
