"""`techpact indicators`: what is published and what it means."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from techpact.cli import app

runner = CliRunner()


def test_indicators_lists_every_catalog_indicator_on_one_line_with_its_region_count(
    published_sample: Path,
) -> None:
    result = runner.invoke(
        app, ["indicators", "--data-dir", str(published_sample)], env={"COLUMNS": "80"}
    )
    assert result.exit_code == 0, result.output
    listed = runner.invoke(app, ["indicators", "--json", "--data-dir", str(published_sample)])
    indicators = json.loads(listed.output)["indicators"]
    gaps = json.loads(listed.output)["gaps"]
    lines = result.output.splitlines()
    for indicator in indicators:  # one line each, whole id, latest period and region count
        [line] = [line for line in lines if f" {indicator['indicator_id']} " in line]
        assert line.split()[-2:] == [indicator["latest_period"], str(indicator["region_count"])]
    assert "CR12" not in result.output  # region codes only in --json
    assert len(lines) < len(indicators) + len(gaps) + 10  # a line per gap too


def test_indicators_json_lists_units_and_region_codes(published_sample: Path) -> None:
    result = runner.invoke(app, ["indicators", "--json", "--data-dir", str(published_sample)])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    assert payload["is_sample_data"] is True
    by_id = {i["indicator_id"]: i for i in payload["indicators"]}
    share = by_id["hbo_enrolment_technology_share"]
    assert share["unit"] == "fraction" and share["latest_period"] == "2024/25"
    assert "CR12" in share["region_codes"] and share["region_count"] == len(share["region_codes"])


def test_indicators_show_json_has_the_definition_and_latest_values(
    published_sample: Path,
) -> None:
    result = runner.invoke(
        app,
        ["indicators", "show", "jobs_total", "--json", "--data-dir", str(published_sample)],
    )
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    assert payload["indicator_id"] == "jobs_total" and payload["is_sample_data"] is True
    assert {v["region_code"] for v in payload["latest_values"]} >= {"NL01", "CR12"}


def test_indicators_show_prints_the_definition_and_latest_values(published_sample: Path) -> None:
    result = runner.invoke(
        app,
        [
            "indicators",
            "show",
            "hbo_enrolment_technology_share",
            "--data-dir",
            str(published_sample),
        ],
        env={"COLUMNS": "200"},
    )
    assert result.exit_code == 0, result.output
    assert "vestigingsgemeente" in result.output
    assert "Twente (CR12)" in result.output
    assert "%" in result.output
    assert "Grain: gemeente, corop, provincie, land x school_year; breakdowns: sex." in (
        result.output
    )
    assert "GENERATED SAMPLE DATA" in result.output


def test_indicators_show_names_the_known_ids_for_an_unknown_one(published_sample: Path) -> None:
    result = runner.invoke(app, ["indicators", "show", "nope", "--data-dir", str(published_sample)])
    assert result.exit_code == 1
    assert "hbo_enrolment_technology" in result.output


def test_indicators_before_any_publication_says_how_to_publish(tmp_path: Path) -> None:
    result = runner.invoke(app, ["indicators", "--data-dir", str(tmp_path)])
    assert result.exit_code == 1
    assert "techpact run" in result.output


def test_indicators_name_the_gaps_no_open_source_fills(published_sample: Path) -> None:
    listed = runner.invoke(
        app, ["indicators", "--data-dir", str(published_sample)], env={"COLUMNS": "80"}
    )
    as_json = runner.invoke(app, ["indicators", "--json", "--data-dir", str(published_sample)])

    assert listed.exit_code == 0, listed.output
    assert "Gaps (no open source per region" in listed.output
    assert "ap 4  International students in hbo and wo, per region" in listed.output
    gaps = {g["indicator_id"]: g for g in json.loads(as_json.output)["gaps"]}
    assert gaps["international_students_by_region"]["why"].startswith("DUO publishes no")
    assert gaps["knowledge_migrants_by_region"]["action_point"] == 4
