"""The build fingerprint: equal for the same landed files and code, different otherwise."""

from __future__ import annotations

import shutil
from pathlib import Path

from conftest import SAMPLE_LANDING

from techpact.sources.landing import LandingZone
from techpact.transforms.catalog import load_catalog
from techpact.warehouse import fingerprint
from techpact.warehouse.fingerprint import build_fingerprint


def copy_of_sample(tmp_path: Path) -> LandingZone:
    shutil.copytree(SAMPLE_LANDING, tmp_path / "landing")
    return LandingZone(tmp_path / "landing")


def test_landing_the_same_bytes_again_keeps_the_fingerprint(tmp_path: Path) -> None:
    zone = copy_of_sample(tmp_path)
    catalog = load_catalog()
    before = build_fingerprint(zone, catalog)
    landed = zone.files("duo")[0]
    _, is_new = zone.land_bytes(
        landed.path.read_bytes(),
        source="duo",
        dataset=landed.manifest.dataset,
        resource=landed.manifest.resource,
        file_name=landed.manifest.file_name,
        media_type=landed.manifest.media_type,
    )
    assert not is_new
    assert build_fingerprint(zone, catalog) == before


def test_a_newly_landed_file_changes_the_fingerprint(tmp_path: Path) -> None:
    zone = copy_of_sample(tmp_path)
    catalog = load_catalog()
    before = build_fingerprint(zone, catalog)
    landed = zone.files("duo")[0]
    zone.land_bytes(
        landed.path.read_bytes() + b"\r\n",
        source="duo",
        dataset=landed.manifest.dataset,
        resource=landed.manifest.resource,
        file_name=landed.manifest.file_name,
        media_type=landed.manifest.media_type,
    )
    assert build_fingerprint(zone, catalog) != before


def test_a_change_to_the_sql_or_checks_changes_the_fingerprint(tmp_path: Path, monkeypatch) -> None:
    zone = LandingZone(SAMPLE_LANDING)
    catalog = load_catalog()
    before = build_fingerprint(zone, catalog)
    monkeypatch.setattr(fingerprint, "code_digest", lambda: "another version of the SQL")
    assert build_fingerprint(zone, catalog) != before


def test_a_parser_fix_changes_the_code_digest(monkeypatch, tmp_path: Path) -> None:
    """A Python change in sources/ (a parser) is new code: the next run republishes."""
    for package in fingerprint._CODE_PACKAGES:
        (tmp_path / package).mkdir()
    parser = tmp_path / "techpact.sources" / "duo.py"
    parser.write_text("def parse(): return 1\n")
    (tmp_path / "techpact.sources" / "__pycache__").mkdir()
    monkeypatch.setattr(fingerprint.resources, "files", lambda package: tmp_path / package)
    before = fingerprint.code_digest()

    (tmp_path / "techpact.sources" / "__pycache__" / "duo.pyc").write_bytes(b"cache")
    assert fingerprint.code_digest() == before  # byte code is no code change
    parser.write_text("def parse(): return 2\n")
    assert fingerprint.code_digest() != before
