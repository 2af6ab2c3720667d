"""The README's recipe: a catalog entry plus one SQL file publish a new, documented indicator.

The test does what a user would: it writes the two files into the source tree (the package is
installed editable), runs the pipeline exactly as `make demo` does, and removes them again
(also when the test fails; a killed run's leftovers are removed by the next run of this test).
No flow, loader or warehouse code knows the new indicator.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest
from conftest import REPO_ROOT, SAMPLE_LANDING
from typer.testing import CliRunner

from techpact.cli import app

NEW_ID = "hbo_enrolment_other_sectors"
ENTRY = f'''
[[indicator]]
id = "{NEW_ID}"
title_nl = "Hbo-studenten buiten de sector techniek"
title_en = "HBO students outside technology"
definition = """HBO students (1 October) in every CROHO sector but TECHNIEK, counted where the \\
programme is taught (vestigingsgemeente), not where students live."""
unit = "count"
action_point = 1
source = "duo"
source_dataset = "p01hoinges"
resources = ["hbo_enrolment_by_sex"]
counted_by = "programme_location"
model = "{NEW_ID}"
valid_min = 0
direction = "neutral"

[indicator.grain]
region_levels = ["gemeente", "corop", "provincie", "land"]
period_type = "school_year"
breakdowns = ["sex"]
'''
MODEL = """
-- HBO students outside technology: all students minus those in CROHO sector TECHNIEK, by
-- programme location.
-- Grain: region x school year x sex.
select * from indicator_figure(
    'int_hbo_enrolment_by_region',
    (total_count - technology_count)::double,
    suppressed_cell_count
)
"""


@pytest.fixture
def new_indicator_files() -> Iterator[None]:
    entry = REPO_ROOT / "transforms" / "indicators" / "zz_recipe_example.toml"
    model = REPO_ROOT / "transforms" / "models" / f"{NEW_ID}.sql"
    # A run killed mid-test leaves these two files behind; this test owns them by name.
    entry.unlink(missing_ok=True)
    model.unlink(missing_ok=True)
    entry.write_text(ENTRY, encoding="utf-8")
    model.write_text(MODEL, encoding="utf-8")
    try:
        yield
    finally:
        entry.unlink()
        model.unlink()


def test_a_catalog_entry_and_one_sql_file_publish_a_documented_indicator(
    prefect_harness: None, new_indicator_files: None, tmp_path: Path
) -> None:
    result = CliRunner().invoke(
        app,
        ["run", "--offline", "--landing-dir", str(SAMPLE_LANDING), "--data-dir", str(tmp_path)],
        env={"COLUMNS": "200"},
    )
    assert result.exit_code == 0, result.output
    published = tmp_path / "published" / "techpact.duckdb"
    with duckdb.connect(str(published), read_only=True) as con:
        twente = con.execute(
            """
            select other.period, other.value, total.value - technology.value
            from indicator_values as other
            join indicator_values as total using (region_code, period, sex)
            join indicator_values as technology using (region_code, period, sex)
            where other.indicator_id = $id and total.indicator_id = 'hbo_enrolment_total'
              and technology.indicator_id = 'hbo_enrolment_technology'
              and region_code = 'CR12' and sex = 'total'
            order by other.period
            """,
            {"id": NEW_ID},
        ).fetchall()
        [catalog] = con.execute(
            "select title_en, model, period_type from indicator_catalog where indicator_id = $id",
            {"id": NEW_ID},
        ).fetchall()
        [comment] = con.execute(
            "select comment from duckdb_columns() "
            "where table_name = 'action_point_1_school_year' and column_name = $id",
            {"id": NEW_ID},
        ).fetchall()
    assert len(twente) == 5
    assert all(value == expected > 0 for _, value, expected in twente)
    assert catalog == ("HBO students outside technology", NEW_ID, "school_year")
    assert comment[0] and "HBO students outside technology" in comment[0]
