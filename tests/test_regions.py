"""Pact regions are configuration: by code or by CBS title, and a second region just works."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from conftest import SAMPLE_LANDING

from techpact.sources.landing import LandingZone
from techpact.transforms.catalog import load_catalog
from techpact.warehouse.build import build_warehouse
from techpact.warehouse.regions import RegionError, resolve_regions


@pytest.mark.parametrize(
    ("given", "code"),
    [
        ("CR12", "CR12"),
        ("Twente", "CR12"),
        ("Twente (CR)", "CR12"),
        ("Zuidoost-Noord-Brabant (CR)", "CR36"),
        ("zuidoost-noord-brabant", "CR36"),
        ("Overijssel", "PV23"),
    ],
)
def test_a_pact_region_is_resolved_by_code_or_by_its_cbs_title(given: str, code: str) -> None:
    assert resolve_regions([given]) == (code,)


def test_an_unknown_pact_region_is_an_error_that_says_how_to_name_one() -> None:
    with pytest.raises(RegionError, match="like CR12"):
        resolve_regions(["Atlantis"])


def test_a_second_pact_region_gets_its_indicators_from_the_same_landing_zone(
    tmp_path: Path,
) -> None:
    """Eindhoven's region (Zuidoost-Noord-Brabant) is in the region table; nothing else changes:
    its COROP rows are the sums of its gemeenten, like Twente's."""
    [eindhoven] = resolve_regions(["Zuidoost-Noord-Brabant"])
    out = tmp_path / "build.duckdb"
    build_warehouse(
        out, landing=LandingZone(SAMPLE_LANDING), catalog=load_catalog(), snapshot_id="t"
    )
    with duckdb.connect(str(out), read_only=True) as con:
        rows = con.execute(
            """
            select corop.period, corop.value, sum(gemeente.value)
            from indicator_values as corop
            inner join region on region.corop_code = corop.region_code
            inner join indicator_values as gemeente
                on gemeente.region_code = region.region_code
                and gemeente.indicator_id = corop.indicator_id
                and gemeente.period = corop.period
                and gemeente.sex = corop.sex
            where corop.indicator_id = 'hbo_enrolment_technology'
              and corop.region_code = $region and corop.sex = 'total'
            group by corop.period, corop.value
            order by corop.period
            """,
            {"region": eindhoven},
        ).fetchall()
    assert len(rows) == 5  # 2020/21 .. 2024/25
    assert all(corop == gemeenten > 0 for _, corop, gemeenten in rows)


def test_the_pact_regions_are_the_regions_the_gate_requires() -> None:
    from techpact.expectations.config import load_checks_config
    from techpact.flows.build import with_required_regions

    config = with_required_regions(load_checks_config(), ("Twente", "Zuidoost-Noord-Brabant"))
    assert config.coverage.required_regions == ("CR12", "CR36", "NL01")


def test_the_gate_blocks_a_pact_region_without_data_naming_it(tmp_path: Path) -> None:
    from techpact.expectations.config import load_checks_config
    from techpact.expectations.gate import validate_build
    from techpact.expectations.suites import build_checks
    from techpact.flows.build import with_required_regions

    catalog = load_catalog()
    out = tmp_path / "build.duckdb"
    build_warehouse(out, landing=LandingZone(SAMPLE_LANDING), catalog=catalog, snapshot_id="t")
    config = with_required_regions(load_checks_config(), ("CR12", "CR36"))
    report = validate_build(
        out, build_checks(catalog, config), config, [i.id for i in catalog.indicators]
    )
    [coverage] = [r for r in report.results if r.name == "required_regions_present"]
    # The sample's CBS tables hold no Zuidoost-Noord-Brabant rows (cbs_tables.toml does not
    # fetch CR36 yet): the gate says so instead of publishing a pact region without data.
    assert not coverage.success
    assert {k["region_code"] for k in coverage.failing_keys} == {"CR36"}
