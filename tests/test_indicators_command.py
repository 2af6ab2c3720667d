"""`techpact indicators`: what is published and what it means."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from techpact.cli import app

runner = CliRunner()


def test_indicators_lists_every_catalog_indicator_with_its_latest_period(
    published_sample: Path,
) -> None:
    result = runner.invoke(
        app, ["indicators", "--data-dir", str(published_sample)], env={"COLUMNS": "200"}
    )
    assert result.exit_code == 0, result.output
    assert "hbo_enrolment_technology_share" in result.output
    assert "2024/25" in result.output
    assert "CR12" in result.output


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
