"""`techpact land-file` with DUO files of every kind: current or legacy, good or bad."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import FIXTURES, shared_file
from typer.testing import CliRunner

from techpact.cli import app

runner = CliRunner()
CURRENT = "duo/onderwijsdata_ckan_2026/"
LEGACY = "duo/open_onderwijsdata_legacy_2019/"
MBO_EXCERPT = "mbo_inscriptions_2019_EXCERPT_first100_plus_27YU.csv"
DUO_FIXTURES = FIXTURES / "duo"


def land(path: Path, dataset: str, data_dir: Path):
    return runner.invoke(
        app,
        ["land-file", "--source", "duo", "--dataset", dataset, str(path)],
        env={"TECHPACT_DATA_DIR": str(data_dir)},
    )


@pytest.mark.parametrize(
    ("name", "dataset", "resource"),
    [
        (CURRENT + "gediplomeerdenhbo.csv", "p04hogdipl", "hbo_graduates_by_programme"),
        (LEGACY + "hbo_gediplomeerden_2019.csv", "p04hogdipl", "hbo_graduates_by_programme"),
        (LEGACY + "wo_inscriptions_2019.csv", "p02ho1ejrs", "wo_inflow_by_programme"),
        (LEGACY + "wo_inscriptions_2019.csv", "p01hoinges", "wo_enrolment_by_programme"),
        (LEGACY + MBO_EXCERPT, "mbo-deelnemers", "mbo_students_by_qualification"),
        (CURRENT + "01.-instellingen-hbo-en-wo.csv", "adressen-ho", "ho_institutions"),
    ],
)
def test_land_file_accepts_current_and_legacy_files_and_names_the_resource(
    tmp_path: Path, name: str, dataset: str, resource: str
) -> None:
    path = shared_file(name)
    result = land(path, dataset, tmp_path)
    assert result.exit_code == 0, result.output
    [manifest_path] = (tmp_path / "landing").glob(f"duo/{dataset}/*/manifest.json")
    manifest = json.loads(manifest_path.read_text())
    assert manifest["resource"] == resource
    assert (manifest_path.parent / path.name).read_bytes() == path.read_bytes()


@pytest.mark.parametrize(
    ("name", "dataset", "resource"),
    [
        (
            "mbo_students_per_institution.csv",
            "mbo-studenten-per-instelling",
            "mbo_students_by_qualification",
        ),
        ("mbo_graduates.csv", "gediplomeerde-mbo-studenten", "mbo_graduates_by_qualification"),
    ],
)
def test_land_file_accepts_the_mbo_portal_files(
    tmp_path: Path, name: str, dataset: str, resource: str
) -> None:
    # Hand-made fixtures in the portal files' exact header shape (no real one in samples).
    path = DUO_FIXTURES / name
    result = land(path, dataset, tmp_path)
    assert result.exit_code == 0, result.output
    assert resource in result.output
    [manifest_path] = (tmp_path / "landing").glob(f"duo/{dataset}/*/manifest.json")
    assert json.loads(manifest_path.read_text())["resource"] == resource
    assert (manifest_path.parent / name).read_bytes() == path.read_bytes()


def test_land_file_refuses_an_mbo_portal_file_under_the_other_mbo_dataset(
    tmp_path: Path,
) -> None:
    result = land(DUO_FIXTURES / "mbo_graduates.csv", "mbo-studenten-per-instelling", tmp_path)
    assert result.exit_code == 2
    assert "gediplomeerde-mbo-studenten" in result.output
    assert not (tmp_path / "landing").exists()


def test_land_file_refuses_a_legacy_graduates_file_as_first_years(tmp_path: Path) -> None:
    path = shared_file(LEGACY + "hbo_gediplomeerden_2019.csv")
    result = land(path, "p02ho1ejrs", tmp_path)
    assert result.exit_code == 2
    assert "p04hogdipl" in result.output
    assert not (tmp_path / "landing").exists()


BAD = sorted(p.name for p in DUO_FIXTURES.glob("*bad_*.csv"))


def test_there_are_bad_fixtures_of_both_formats() -> None:
    assert any(n.startswith("legacy_bad_") for n in BAD)
    assert any(n.startswith("bad_") for n in BAD)


@pytest.mark.parametrize("name", BAD)
def test_every_bad_fixture_is_refused_naming_file_and_line_and_lands_nothing(
    tmp_path: Path, name: str
) -> None:
    result = land(DUO_FIXTURES / name, "p02ho1ejrs", tmp_path)
    assert result.exit_code == 1, result.output
    output = " ".join(result.output.split())
    assert f"{name}, line " in output
    assert not (tmp_path / "landing").exists()
