"""The build-and-publish flow end to end, on a temporary Prefect server."""

from __future__ import annotations

import hashlib
import json
import shutil
import time
from pathlib import Path

import duckdb
import pytest
from conftest import SAMPLE_LANDING
from typer.testing import CliRunner

from techpact.cli import app
from techpact.flows import pipeline
from techpact.sources.landing import LandingZone
from techpact.transforms.catalog import load_catalog

pytestmark = pytest.mark.prefect

HEADER = (
    '"STUDIEJAAR","PROVINCIENAAM","GEMEENTENUMMER","GEMEENTENAAM","SOORT_INSTELLING",'
    '"TYPE_HOGER_ONDERWIJS","INSTELLINGSCODE_ACTUEEL","INSTELLINGSNAAM_ACTUEEL","ONDERDEEL",'
    '"SUBONDERDEEL","GESLACHT","AANTAL_INGESCHREVENEN"'
)


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def landing_without_twente(root: Path) -> Path:
    """The sample landing zone with its hbo-by-sex file replaced by a valid DUO file that has no
    Twente location at all: CR12 is missing for the hbo enrolment indicators."""
    shutil.copytree(SAMPLE_LANDING, root)
    for landed in LandingZone(root).files("duo"):
        if landed.manifest.resource == "hbo_enrolment_by_sex":
            shutil.rmtree(landed.path.parent)
    rows = [
        '"2023","Utrecht","0344","Utrecht","reguliere inst.","bachelor","99XA","Hogeschool",'
        '"TECHNIEK","n.v.t. (techniek)","MAN",120',
        '"2023","Utrecht","0344","Utrecht","reguliere inst.","bachelor","99XA","Hogeschool",'
        '"ECONOMIE","n.v.t. (economie)","VROUW",300',
    ]
    LandingZone(root).land_bytes(
        "\r\n".join([HEADER, *rows, ""]).encode(),
        source="duo",
        dataset="p01hoinges",
        resource="hbo_enrolment_by_sex",
        file_name="ingeschrevenengeslhbo.csv",
        media_type="text/csv",
        is_sample_data=True,
        note="test data",
    )
    return root


@pytest.fixture(scope="module")
def published(prefect_harness: None, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data directory with one snapshot published from the bundled sample landing zone."""
    data_dir = tmp_path_factory.mktemp("data")
    result = CliRunner().invoke(
        app,
        ["run", "--offline", "--landing-dir", str(SAMPLE_LANDING), "--data-dir", str(data_dir)],
    )
    assert result.exit_code == 0, result.output
    return data_dir


def test_run_publishes_the_sample_landing_zone_as_sample_data(published: Path) -> None:
    path = published / "published" / "techpact.duckdb"
    with duckdb.connect(str(path), read_only=True) as con:
        info = con.execute("select snapshot_id, is_sample_data, quality_status from snapshot_info")
        snapshot_id, is_sample, status = info.fetchone()
        indicators = {
            r[0] for r in con.execute("select indicator_id from indicator_values").fetchall()
        }
        regions = {r[0] for r in con.execute("select region_code from indicator_values").fetchall()}
    assert is_sample is True
    assert status == "passed"
    assert indicators == {i.id for i in load_catalog().indicators}
    assert {"CR12", "NL01"} <= regions
    assert (published / "snapshots" / f"{snapshot_id}.duckdb").exists()
    record = json.loads((published / "runs" / f"{snapshot_id}.json").read_text())
    assert list(record["stage_seconds"]) == ["build", "publish", "validate"]  # sorted keys
    assert all(seconds > 0 for seconds in record["stage_seconds"].values())


def test_snapshots_command_lists_the_published_snapshot_as_sample(published: Path) -> None:
    result = CliRunner().invoke(app, ["snapshots", "--json", "--data-dir", str(published)])
    assert result.exit_code == 0, result.output
    [snapshot] = json.loads(result.output)
    assert snapshot["is_sample_data"] is True
    assert snapshot["is_published"] is True
    assert snapshot["quality_status"] == "passed"
    assert snapshot["source_files"][0]["sha256"]


def test_a_blocked_run_leaves_the_published_file_byte_for_byte_unchanged(
    published: Path, tmp_path: Path
) -> None:
    data_dir = tmp_path / "data"
    shutil.copytree(published, data_dir)
    published_file = data_dir / "published" / "techpact.duckdb"
    before = sha256(published_file)
    snapshots_before = sorted(p.name for p in (data_dir / "snapshots").iterdir())

    result = CliRunner().invoke(
        app,
        [
            "run",
            "--offline",
            "--landing-dir",
            str(landing_without_twente(tmp_path / "landing")),
            "--data-dir",
            str(data_dir),
        ],
    )

    assert result.exit_code == 1
    assert "required_regions_present" in result.output
    assert "CR12" in result.output
    assert sha256(published_file) == before
    assert sorted(p.name for p in (data_dir / "snapshots").iterdir()) == snapshots_before
    assert not list((data_dir / "work").glob("*.duckdb"))
    blocked = [
        json.loads(p.read_text())
        for p in (data_dir / "runs").glob("*.json")
        if json.loads(p.read_text())["status"] == "blocked"
    ]
    assert len(blocked) == 1
    failed = {r["check_name"]: r for r in blocked[0]["quality_results"] if not r["success"]}
    assert failed["required_regions_present"]["failing_keys"][0]["region_code"] == "CR12"
    assert failure_event_emitted(), "a blocked run emits techpact.run.failed for automations"


def failure_event_emitted(timeout_s: float = 20) -> bool:
    from prefect.client.orchestration import get_client
    from prefect.events.filters import EventFilter, EventNameFilter

    deadline = time.monotonic() + timeout_s
    with get_client(sync_client=True) as client:
        while time.monotonic() < deadline:
            page = client.read_events(
                EventFilter(event=EventNameFilter(name=["techpact.run.failed"])), limit=50
            )
            if page.events:
                return page.events[0].payload["blocked_by_quality_gate"] is True
            time.sleep(0.5)
    return False


def no_flow_expected(**_: object) -> None:
    raise AssertionError("a Prefect flow was started")


def test_a_rerun_with_nothing_new_changes_nothing_and_force_rebuilds(
    published: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    snapshots_before = sorted((published / "snapshots").glob("*.duckdb"))
    published_file = published / "published" / "techpact.duckdb"
    before = sha256(published_file)
    args = ["run", "--offline", "--landing-dir", str(SAMPLE_LANDING), "--data-dir", str(published)]

    with monkeypatch.context() as patched:  # "nothing new" is decided before any flow starts
        patched.setattr(pipeline, "run_pipeline", no_flow_expected)
        again = CliRunner().invoke(app, args)

    assert again.exit_code == 0, again.output
    assert "Nothing new" in again.output
    assert sorted((published / "snapshots").glob("*.duckdb")) == snapshots_before
    assert sha256(published_file) == before

    forced = CliRunner().invoke(app, [*args, "--force"])
    assert forced.exit_code == 0, forced.output
    assert "Published" in forced.output
    assert len(list((published / "snapshots").glob("*.duckdb"))) == len(snapshots_before) + 1


def test_a_known_intended_failure_is_accepted_with_a_reason_and_recorded_everywhere(
    published: Path, tmp_path: Path
) -> None:
    """Twente really gone from the hbo file: the run is blocked; accepting exactly the failed
    critical checks, with a reason, publishes once and says so in the run record, snapshot_info,
    quality_results and the publication log."""
    data_dir = tmp_path / "data"
    shutil.copytree(published, data_dir)
    landing = landing_without_twente(tmp_path / "landing")
    common = ["run", "--offline", "--landing-dir", str(landing), "--data-dir", str(data_dir)]
    assert CliRunner().invoke(app, common).exit_code == 1
    [blocked] = [
        json.loads(p.read_text())
        for p in (data_dir / "runs").glob("*.json")
        if json.loads(p.read_text())["status"] == "blocked"
    ]
    critical = sorted(
        r["check_name"]
        for r in blocked["quality_results"]
        if not r["success"] and r["severity"] == "critical"
    )
    reason = "test: the Twente hbo locations closed"
    accept = [arg for name in critical for arg in ("--accept", name)]

    result = CliRunner().invoke(app, [*common, *accept, "--reason", reason])

    assert result.exit_code == 0, result.output
    assert "Accepted failed check required_regions_present" in result.output
    path = data_dir / "published" / "techpact.duckdb"
    with duckdb.connect(str(path), read_only=True) as con:
        [(snapshot_id, accepted_json)] = con.execute(
            "select snapshot_id, accepted_checks from snapshot_info"
        ).fetchall()
        reasons = con.execute(
            "select check_name, accepted_reason from quality_results "
            "where accepted_reason is not null order by check_name"
        ).fetchall()
    expected = [{"check_name": name, "reason": reason} for name in critical]

    def by_name(items: list[dict]) -> list[dict]:
        return sorted(items, key=lambda item: item["check_name"])

    assert by_name(json.loads(accepted_json)) == expected
    assert reasons == [(name, reason) for name in critical]
    record = json.loads((data_dir / "runs" / f"{snapshot_id}.json").read_text())
    assert record["status"] == "published" and by_name(record["accepted_checks"]) == expected
    last = (data_dir / "published" / "publications.jsonl").read_text().splitlines()[-1]
    assert by_name(json.loads(last)["accepted_checks"]) == expected
