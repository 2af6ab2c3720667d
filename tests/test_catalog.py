"""The indicator catalog: complete, and strict about typos."""

from __future__ import annotations

from pathlib import Path

import pytest

from techpact.transforms.catalog import BREAKDOWN_COLUMNS, CatalogError, load_catalog, parse_catalog
from techpact.transforms.runner import model_names, read_model_sql

VALID_ENTRY = """
[[indicator]]
id = "x_share"
title_nl = "Aandeel x"
title_en = "Share of x"
definition = "Students in x divided by all students, by programme location."
unit = "fraction"
action_point = 1
source = "duo"
source_dataset = "p01hoinges"
resources = ["hbo_enrolment_by_sex"]
counted_by = "programme_location"
model = "x_share"
grain = { region_levels = ["gemeente", "corop", "land"], period_type = "school_year" }
valid_min = 0
valid_max = 1
direction = "higher_is_better"
"""


def test_every_catalog_entry_has_its_sql_model_and_a_definition() -> None:
    for indicator in load_catalog().indicators:
        sql = read_model_sql("models", indicator.model)
        assert "select" in sql.lower(), indicator.id
        assert len(indicator.definition) > 40, indicator.id


def test_every_indicator_model_belongs_to_a_catalog_entry() -> None:
    models = {name for name in model_names("models") if not name.startswith("int_")}
    assert models == {indicator.model for indicator in load_catalog().indicators}


def test_a_valid_entry_parses() -> None:
    [indicator] = parse_catalog(VALID_ENTRY, origin="test.toml").indicators
    assert indicator.valid_max == 1


@pytest.mark.parametrize(
    ("change", "named"),
    [
        (('unit = "fraction"', 'unit = "fractoin"'), "field unit"),
        (("action_point = 1", "action_point = 6"), "field action_point"),
        (("valid_min = 0", "valid_min = 0\nvalid_mn = 0"), "field valid_mn"),
        (('id = "x_share"', 'id = "X-share"'), "field id"),
        (("valid_max = 1", "valid_max = -1"), "valid_min 0.0 is above valid_max -1.0"),
        (('"school_year" }', '"schoolyear" }'), "field grain.period_type"),
        (('"corop", "land"]', '"corop", "country"]'), "field grain.region_levels.2"),
        (('"corop", "land"]', '"corop", "corop"]'), "region_levels lists a value twice"),
        (("grain = {", "grian = {"), "field grain: Field required"),
    ],
    ids=[
        "typo in a value",
        "out of range",
        "unknown field",
        "bad id",
        "inverted range",
        "unknown period type",
        "unknown region level",
        "repeated region level",
        "misspelt grain",
    ],
)
def test_a_typo_fails_naming_the_file_the_entry_and_the_field(
    change: tuple[str, str], named: str
) -> None:
    with pytest.raises(CatalogError) as failure:
        parse_catalog(VALID_ENTRY.replace(*change), origin="test.toml")
    message = str(failure.value)
    assert "test.toml" in message
    assert "indicator #1" in message
    assert named in message


def test_an_id_defined_in_two_files_is_refused(tmp_path: Path) -> None:
    (tmp_path / "a.toml").write_text(VALID_ENTRY)
    (tmp_path / "b.toml").write_text(VALID_ENTRY)
    with pytest.raises(CatalogError, match="x_share"):
        load_catalog(tmp_path)


def with_breakdowns(breakdowns: str) -> str:
    return VALID_ENTRY.replace('"school_year" }', f'"school_year", breakdowns = {breakdowns} }}')


def test_breakdowns_are_part_of_the_grain_and_are_the_known_breakdown_columns() -> None:
    [indicator] = parse_catalog(
        with_breakdowns('["sex", "education_level"]'), origin="test.toml"
    ).indicators
    assert indicator.grain.region_levels == ("gemeente", "corop", "land")
    assert indicator.grain.period_type == "school_year"
    assert indicator.breakdowns == ("sex", "education_level")
    assert BREAKDOWN_COLUMNS == ("sex", "education_level", "institution")
    with pytest.raises(CatalogError, match=r"field grain\.breakdowns"):
        parse_catalog(with_breakdowns('["education"]'), origin="test.toml")


def test_the_cbs_education_indicators_are_broken_down_by_education_level() -> None:
    declared = {
        i.id: i.breakdowns for i in load_catalog().indicators if "education_level" in i.breakdowns
    }
    assert declared == {
        "students_by_level_residence": ("education_level",),
        "graduates_by_level_residence": ("education_level",),
        "unemployment_rate_by_education": ("education_level",),
        "net_labour_participation_by_education": ("education_level",),
        "international_students_share": ("education_level",),
    }


VALID_GAP = """
[[gap]]
id = "x_by_region"
title_nl = "X per regio"
title_en = "X per region"
action_point = 4
why = "No open source publishes x below Nederland."
nearest_source = "CBS 00000NED (Nederland only)"
"""


def test_a_gap_names_what_no_open_source_publishes_and_why() -> None:
    catalog = parse_catalog(VALID_GAP, origin="gaps.toml")

    assert catalog.indicators == ()
    [gap] = catalog.gaps
    assert (gap.id, gap.action_point, gap.nearest_source) == (
        "x_by_region",
        4,
        "CBS 00000NED (Nederland only)",
    )


def test_a_gap_without_its_reason_fails_naming_the_entry_and_the_field() -> None:
    without_why = VALID_GAP.replace('why = "No open source publishes x below Nederland."\n', "")

    with pytest.raises(CatalogError, match=r"gaps.toml: gap #1 \(x_by_region\): field why"):
        parse_catalog(without_why, origin="gaps.toml")


def test_a_gap_cannot_share_an_id_with_an_indicator(tmp_path: Path) -> None:
    (tmp_path / "a.toml").write_text(VALID_ENTRY)
    (tmp_path / "b.toml").write_text(VALID_GAP.replace("x_by_region", "x_share"))

    with pytest.raises(CatalogError, match="x_share"):
        load_catalog(tmp_path)


def test_every_action_point_has_two_indicators_or_a_documented_gap() -> None:
    catalog = load_catalog()

    for action_point in range(1, 6):
        indicators = [i for i in catalog.indicators if i.action_point == action_point]
        gaps = [g for g in catalog.gaps if g.action_point == action_point]
        assert len(indicators) >= 2 or gaps, f"action point {action_point}"
