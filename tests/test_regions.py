"""Pact regions are configuration: by code or by CBS title, and a second region just works."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from conftest import REPO_ROOT

from techpact.sources.landing import LandingZone
from techpact.transforms.catalog import Catalog, load_catalog
from techpact.warehouse.build import build_warehouse
from techpact.warehouse.regions import RegionError, resolve_regions

GENERATOR = REPO_ROOT / "sample" / "generate_landing.py"
PACT_REGIONS = ("Twente", "Zuidoost-Noord-Brabant")


@pytest.fixture(scope="module")
def generated_landing(tmp_path_factory: pytest.TempPathFactory) -> LandingZone:
    """The bundled sample landing zone, generated afresh (sample/landing is left alone)."""
    out = tmp_path_factory.mktemp("generated") / "landing"
    subprocess.run([sys.executable, str(GENERATOR), str(out)], check=True, capture_output=True)
    return LandingZone(out)


def landed_catalog(landing: LandingZone) -> Catalog:
    """The catalog's indicators whose source files the landing zone holds."""
    landed = {(f.manifest.source, f.manifest.resource) for f in landing.files()}
    indicators = load_catalog().indicators
    return Catalog(
        indicators=tuple(i for i in indicators if all((i.source, r) in landed for r in i.resources))
    )


@pytest.fixture(scope="module")
def two_region_build(
    generated_landing: LandingZone, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, Catalog]:
    out = tmp_path_factory.mktemp("build") / "build.duckdb"
    catalog = landed_catalog(generated_landing)
    build_warehouse(out, landing=generated_landing, catalog=catalog, snapshot_id="t")
    return out, catalog


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
    two_region_build: tuple[Path, Catalog],
) -> None:
    """Eindhoven's region (Zuidoost-Noord-Brabant) is in the region table; nothing else changes:
    its COROP rows are the sums of its gemeenten, like Twente's."""
    [eindhoven] = resolve_regions(["Zuidoost-Noord-Brabant"])
    out, _ = two_region_build
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


def test_a_second_pact_region_from_configuration_alone_gets_cbs_and_hbo_indicators(
    generated_landing: LandingZone, two_region_build: tuple[Path, Catalog]
) -> None:
    """One generated landing zone, pact regions Twente and Zuidoost-Noord-Brabant: the CBS
    tables were fetched for both (their regions follow the pact regions through the region
    table, which is the landed Gebieden in Nederland table), so every CBS indicator and every
    DUO hbo indicator has Zuidoost-Noord-Brabant rows, and the gate finds none of them
    missing."""
    from techpact.expectations.config import load_checks_config
    from techpact.expectations.gate import validate_build
    from techpact.expectations.suites import build_checks
    from techpact.flows.build import with_required_regions

    out, catalog = two_region_build
    checked = [i for i in catalog.indicators if i.source == "cbs" or i.id.startswith("hbo_")]
    assert any(i.id.startswith("hbo_") for i in checked) and any(
        i.id.startswith("jobs_") for i in checked
    )
    with duckdb.connect(str(out), read_only=True) as con:
        found = con.execute(
            """
            select indicator_id, list_sort(list(distinct region_code))
            from indicator_values
            where region_code in ('CR12', 'CR36', 'PV23', 'PV30', 'GM0772')
            group by indicator_id
            """
        ).fetchall()
        [note] = con.execute("select distinct source_note from region").fetchone() or [None]
    regions = dict(found)
    for indicator in checked:
        # At the levels it is published: CBS has open vacancies per provincie only and
        # international students for Nederland only.
        levels, shown = indicator.grain.region_levels, set(regions.get(indicator.id, []))
        if "corop" in levels:
            assert {"CR12", "CR36"} <= shown, indicator.id
        if indicator.source == "cbs" and "provincie" in levels:
            assert {"PV23", "PV30"} <= shown, indicator.id
        if indicator.source == "cbs" and "gemeente" in levels:
            assert "GM0772" in shown, indicator.id
    # The sample's Gebieden table is generated, and its region rows say so.
    assert note is not None and note.startswith(
        "GENERATED SAMPLE DATA in the shape of CBS Gebieden in Nederland 2024 (85755NED)"
    )

    config = with_required_regions(load_checks_config(), PACT_REGIONS)
    assert config.coverage.required_regions == ("CR12", "CR36", "NL01")
    report = validate_build(
        out, build_checks(catalog, config), config, [i.id for i in catalog.indicators]
    )
    [coverage] = [r for r in report.results if r.name == "required_regions_present"]
    missing = {k.get("indicator_id") for k in coverage.failing_keys}
    assert not missing & set(checked), coverage.failing_keys


def test_an_offline_run_for_a_region_the_region_table_does_not_know_stops_at_once(
    tmp_path: Path,
) -> None:
    from typer.testing import CliRunner

    from techpact.cli import app

    result = CliRunner().invoke(
        app,
        ["run", "--offline", "--data-dir", str(tmp_path)],
        env={"TECHPACT_PACT_REGIONS": "Atlantis", "COLUMNS": "200"},
    )
    assert result.exit_code == 2
    assert "pact region 'Atlantis' is not in the region table" in result.output


def test_an_online_run_looks_a_new_region_up_again_after_fetching_the_region_table(
    prefect_harness: None, tmp_path: Path
) -> None:
    """The seed knows a few regions; the CBS region table, fetched first, knows them all. So a
    first online run for another region does not stop before it has fetched that table."""
    from http_server import running_server
    from typer.testing import CliRunner

    from techpact.cli import app

    for server in running_server():  # answers 404 to everything: the fetch itself fails
        result = CliRunner().invoke(
            app,
            ["run", "--source", "cbs", "--data-dir", str(tmp_path)],
            env={
                "TECHPACT_PACT_REGIONS": "Groot-Rijnmond",
                "TECHPACT_CBS_BASE_URL": server.base_url,
                "COLUMNS": "200",
            },
        )
        assert "looked up again once the CBS region table is fetched" in result.output
        assert server.requests_to("TableInfos")  # it went on to fetch
