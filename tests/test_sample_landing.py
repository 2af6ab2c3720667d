"""The bundled sample landing zone: generated, reproducible, in DUO's real file formats.

It holds every DUO dataset kind the catalog needs, in the current portal format and (for the
years before the portal) the legacy duo.nl format."""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from techpact.sources.duo import parse_current_csv, parse_duo_file
from techpact.sources.duo_formats import recognise_format
from techpact.transforms.catalog import load_catalog

REPO_ROOT = Path(__file__).resolve().parent.parent
SAMPLE_LANDING = REPO_ROOT / "sample" / "landing"
GENERATOR = REPO_ROOT / "sample" / "generate_landing.py"
TWENTE_GEMEENTEN = {"0153", "0164", "0141"}
DATA_LINE = re.compile(r'^("[^"]*",){11}(-1|\d+)$')
HEADER_LINE = re.compile(r'^("[A-Z_]+",){11}"[A-Z_]+"$')


def _files(root: Path) -> dict[str, bytes]:
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def _manifests() -> list[tuple[Path, dict[str, object]]]:
    paths = sorted(SAMPLE_LANDING.glob("*/*/*/manifest.json"))
    assert paths, f"no manifests under {SAMPLE_LANDING}"
    return [(p, json.loads(p.read_text(encoding="utf-8"))) for p in paths]


@pytest.fixture(scope="module")
def sample_csv() -> tuple[str, bytes]:
    [(path, manifest)] = [
        (p, m) for p, m in _manifests() if m["resource"] == "hbo_enrolment_by_sex"
    ]
    file_name = str(manifest["file_name"])
    return file_name, (path.parent / file_name).read_bytes()


def test_regenerating_gives_the_committed_files(tmp_path: Path) -> None:
    out = tmp_path / "landing"
    subprocess.run(
        [sys.executable, str(GENERATOR), str(out)], check=True, capture_output=True, cwd=tmp_path
    )
    generated, committed = _files(out), _files(SAMPLE_LANDING)
    assert sorted(generated) == sorted(committed)
    assert any(name.endswith(".csv") for name in generated)
    for name, data in committed.items():
        assert generated[name] == data, f"{name} differs; run `make sample`"


def test_every_manifest_says_it_is_generated_sample_data() -> None:
    for path, manifest in _manifests():
        assert manifest["is_sample_data"] is True, path
        assert "GENERATED" in str(manifest["note"]), path


def test_manifest_sha256_matches_the_file() -> None:
    for path, manifest in _manifests():
        data = (path.parent / str(manifest["file_name"])).read_bytes()
        assert hashlib.sha256(data).hexdigest() == manifest["sha256"]
        assert len(data) == manifest["byte_size"]
        assert path.parent.name == str(manifest["sha256"])[:16]


def test_parses_as_duo_hbo_enrolment_by_sex(sample_csv: tuple[str, bytes]) -> None:
    file_name, data = sample_csv
    parsed = parse_current_csv(data, file_name)
    assert parsed.layout.resource == "hbo_enrolment_by_sex"
    rows = parsed.rows
    assert sorted(rows["year"].unique()) == [2020, 2021, 2022, 2023, 2024]
    assert rows["is_suppressed"].sum() > 0
    twente_techniek = rows["GEMEENTENUMMER"].isin(TWENTE_GEMEENTEN) & (
        rows["ONDERDEEL"] == "TECHNIEK"
    )
    assert (rows["is_suppressed"] & twente_techniek).any()
    assert (rows["count"].dropna() >= 5).all()


def test_file_format_matches_the_portal(sample_csv: tuple[str, bytes]) -> None:
    _, data = sample_csv
    assert not data.startswith(b"\xef\xbb\xbf")
    assert data.endswith(b"\r\n")
    assert data.count(b"\n") == data.count(b"\r\n")
    lines = data.decode("utf-8").split("\r\n")[:-1]
    assert HEADER_LINE.match(lines[0])
    for line in [*lines[1:6], *lines[-5:]]:
        assert DATA_LINE.match(line), line
    assert any(line.endswith(",-1") for line in lines[1:])


def test_every_sample_file_parses_as_the_resource_its_manifest_names() -> None:
    for path, manifest in _manifests():
        if manifest["source"] != "duo":
            continue
        data = (path.parent / str(manifest["file_name"])).read_bytes()
        tidy = parse_duo_file(data, str(manifest["file_name"]), dataset=str(manifest["dataset"]))
        assert tidy.resource == manifest["resource"], path
        assert tidy.dataset == manifest["dataset"], path


def test_sample_covers_every_catalog_resource() -> None:
    landed = {str(m["resource"]) for _, m in _manifests()}
    needed = {resource for _, resource in load_catalog().resources}
    assert needed <= landed


@pytest.mark.parametrize(
    "resource",
    [
        "hbo_inflow_by_programme",
        "wo_inflow_by_programme",
        "hbo_graduates_by_programme",
        "wo_graduates_by_programme",
    ],
)
def test_sample_has_both_formats_for_inflow_and_graduates(resource: str) -> None:
    formats = set()
    for path, manifest in _manifests():
        if manifest["resource"] == resource:
            data = (path.parent / str(manifest["file_name"])).read_bytes()
            formats.add(recognise_format(data, str(manifest["file_name"])))
    assert formats == {"current", "legacy"}


def test_legacy_sample_files_are_iso_8859_1_wide_and_carry_empty_records() -> None:
    legacy = [
        (path.parent / str(m["file_name"])).read_bytes()
        for path, m in _manifests()
        if str(m["file_name"]).startswith(("03", "05"))
    ]
    assert len(legacy) == 5
    for data in legacy:
        assert recognise_format(data, "x") == "legacy"
        data.decode("iso-8859-1")
        assert data.endswith(b"\r\n")
    assert any(b'\r\n""\r\n' in data for data in legacy)
