"""DUO's legacy duo.nl format (sources/duo_legacy.py) and format recognition (duo_formats.py).

Fixtures in tests/fixtures/duo/legacy_*.csv are small hand-written files in the legacy format:
';'-separated, unquoted, wide (one column per year; MAN/VROUW/TOTAAL per year for mbo).
"""

from __future__ import annotations

import pandas as pd
import pytest
from conftest import FIXTURES

from techpact.sources.duo import parse_duo_file
from techpact.sources.duo_formats import UTF8_BOM, parse_count, recognise_format
from techpact.sources.duo_legacy import parse_legacy_csv
from techpact.sources.errors import SourceFormatError

DUO_FIXTURES = FIXTURES / "duo"


def fixture_bytes(name: str) -> bytes:
    return (DUO_FIXTURES / name).read_bytes()


def test_format_is_recognised_from_the_header_delimiter_not_the_name() -> None:
    legacy = fixture_bytes("legacy_ho_students.csv")
    current = fixture_bytes("enrolment_by_sex.csv")
    assert recognise_format(legacy, "ingeschrevenenhbo.csv") == "legacy"
    assert recognise_format(current, "03b-eerstejaars-2019.csv") == "current"
    assert recognise_format(UTF8_BOM + legacy, "x.csv") == "legacy"


def test_legacy_wide_file_becomes_one_row_per_year_with_lower_case_values_normalised() -> None:
    tidy = parse_duo_file(fixture_bytes("legacy_ho_students.csv"), "f.csv", dataset="p02ho1ejrs")
    assert (tidy.format, tidy.resource, tidy.dataset) == (
        "legacy",
        "hbo_inflow_by_programme",
        "p02ho1ejrs",
    )
    rows = tidy.rows
    assert rows[["year", "sex", "sector", "count", "line_number"]].values.tolist() == [
        [2018, "male", "TECHNIEK", 31, 2],
        [2019, "male", "TECHNIEK", 36, 2],
        [2018, "female", "TECHNIEK", 3, 3],
        [2019, "female", "TECHNIEK", pd.NA, 3],
        [2018, "male", "ECONOMIE", 10, 5],
        [2019, "male", "ECONOMIE", 12, 5],
    ]
    assert rows["is_suppressed"].tolist() == [False, False, False, True, False, False]
    assert set(rows["gemeente_code"]) == {"GM0153"}
    assert set(rows["study_mode"]) == {"voltijd onderwijs"}


def test_lines_holding_only_quotes_are_skipped_and_counted() -> None:
    parsed = parse_legacy_csv(fixture_bytes("legacy_ho_students.csv"), "f.csv")
    assert parsed.empty_records == 1
    assert sorted(set(parsed.rows["line_number"])) == [2, 3, 5]


def test_same_header_for_students_and_first_years_so_the_dataset_decides() -> None:
    data = fixture_bytes("legacy_ho_students.csv")
    assert parse_duo_file(data, "f.csv", dataset="p01hoinges").resource == (
        "hbo_enrolment_by_programme"
    )
    with pytest.raises(SourceFormatError, match="name its dataset"):
        parse_duo_file(data, "f.csv")
    with pytest.raises(SourceFormatError, match="not p04hogdipl"):
        parse_duo_file(data, "f.csv", dataset="p04hogdipl")


@pytest.mark.parametrize("encoding", ["iso-8859-1", "utf-8", "utf-8-sig"])
def test_legacy_file_reads_the_same_in_iso_8859_1_utf8_and_with_a_bom(encoding: str) -> None:
    text = fixture_bytes("legacy_ho_students.csv").decode("utf-8")
    text = text.replace("Saxion Hogeschool", "Hogeschool Fryslân Noordeinde")
    parsed = parse_legacy_csv(text.encode(encoding), "f.csv")
    assert parsed.encoding == ("iso-8859-1" if encoding == "iso-8859-1" else "utf-8")
    assert set(parsed.rows["INSTELLINGSNAAM ACTUEEL"]) == {"Hogeschool Fryslân Noordeinde"}
    assert parsed.rows["count"].sum() == 92


def test_mbo_man_vrouw_totaal_columns_become_sexes_and_an_all_blank_year_no_rows() -> None:
    tidy = parse_duo_file(fixture_bytes("legacy_mbo_students.csv"), "mbo.csv")
    assert (tidy.resource, tidy.dataset) == ("mbo_students_by_qualification", "mbo-deelnemers")
    assert tidy.empty_year_groups == 1  # line 2, 2019: MAN, VROUW and TOTAAL all blank
    rows = tidy.rows
    assert rows[["year", "sex", "count", "level", "study_path"]].values.tolist() == [
        [2018, "male", 12, "2", "BBL"],
        [2018, "female", 0, "2", "BBL"],
        [2018, "total", 12, "2", "BBL"],
        [2018, "male", 40, "4", "BOLVT"],
        [2018, "female", pd.NA, "4", "BOLVT"],  # one blank cell beside counts: suppressed
        [2018, "total", 45, "4", "BOLVT"],
        [2019, "male", 38, "4", "BOLVT"],
        [2019, "female", 5, "4", "BOLVT"],
        [2019, "total", 43, "4", "BOLVT"],
    ]
    assert set(rows["sectorkamer"]) == {"techniek en gebouwde omgeving"}
    assert set(rows["sector"]) == {"TECHNIEK"}


def test_duplicate_legacy_rows_are_both_kept_for_the_quality_layer() -> None:
    rows = parse_legacy_csv(fixture_bytes("legacy_duplicate_rows.csv"), "d.csv").rows
    assert rows["line_number"].tolist() == [2, 2, 3, 3]


def test_quote_inside_an_unquoted_legacy_field_is_kept_as_text() -> None:
    rows = parse_legacy_csv(fixture_bytes("legacy_quote_in_field.csv"), "q.csv").rows
    assert set(rows["OPLEIDINGSNAAM ACTUEEL"]) == {'B "Smart" Engineering'}


@pytest.mark.parametrize(
    ("value", "flagged", "expected"),
    [
        ("-1", False, None),
        ("<5", False, None),
        ("4*", False, None),
        ("", False, "error"),
        ("4", True, None),
        ("4", False, 4),
        ("7", True, 7),
        (" 12 ", False, 12),
    ],
)
def test_suppression_markers(value: str, flagged: bool, expected: int | str | None) -> None:
    if expected == "error":
        with pytest.raises(SourceFormatError):
            parse_count(value, file_name="f", line=2, column="C", avg_flagged=flagged)
        return
    assert parse_count(value, file_name="f", line=2, column="C", avg_flagged=flagged) == expected


def test_blank_is_suppressed_in_legacy_cells() -> None:
    assert parse_count("", file_name="f", line=2, column="C", blank_is_suppressed=True) is None


def test_avg_flag_column_suppresses_a_4_in_a_current_file() -> None:
    header = (
        '"STUDIEJAAR","PROVINCIENAAM","GEMEENTENUMMER","GEMEENTENAAM","SOORT_INSTELLING",'
        '"TYPE_HOGER_ONDERWIJS","INSTELLINGSCODE_ACTUEEL","INSTELLINGSNAAM_ACTUEEL","ONDERDEEL",'
        '"SUBONDERDEEL","GESLACHT","AANTAL_INGESCHREVENEN","AVG_VLAG"'
    )
    line = (
        '"2023","Overijssel","0153","Enschede","reguliere inst.","bachelor","23AH",'
        '"Saxion Hogeschool","TECHNIEK","n.v.t.","VROUW",4,"{flag}"'
    )
    data = "\r\n".join([header, line.format(flag="J"), line.format(flag="")]).encode()
    rows = parse_duo_file(data, "avg.csv").rows
    assert rows["is_suppressed"].tolist() == [True, False]
    assert rows["count"].tolist() == [pd.NA, 4]


BAD_LEGACY = [
    # fixture, line, column, text the reason mentions
    pytest.param(
        "legacy_bad_renamed_column.csv",
        1,
        "CROHO ONDERDEEL",
        "required column",
        id="renamed_header",
    ),
    pytest.param("legacy_bad_comma_delimiter.csv", 1, None, "unknown header", id="comma_delimiter"),
    pytest.param("legacy_bad_header_only.csv", 1, None, "header only", id="header_only"),
    pytest.param("legacy_bad_negative_count.csv", 3, "2019", "-3", id="negative_count"),
    pytest.param("legacy_bad_non_numeric_count.csv", 2, "2019", "'12a'", id="non_numeric"),
    pytest.param("legacy_bad_too_few_fields.csv", 3, None, "14 fields", id="too_few_fields"),
    pytest.param("legacy_bad_no_year_columns.csv", 1, None, "no year columns", id="no_years"),
    pytest.param("bad_empty.csv", 1, None, "empty", id="empty_file"),
    pytest.param(
        "bad_semicolon_legacy_unquoted.csv", 1, None, "unknown header", id="current_names_with_;"
    ),
]


@pytest.mark.parametrize(("fixture", "line", "column", "mentions"), BAD_LEGACY)
def test_bad_legacy_input_names_file_line_and_column(
    fixture: str, line: int, column: str | None, mentions: str
) -> None:
    with pytest.raises(SourceFormatError) as caught:
        parse_duo_file(fixture_bytes(fixture), fixture, dataset="p02ho1ejrs")
    error = caught.value
    assert error.file_name == fixture
    assert (error.line, error.column) == (line, column)
    assert f"{fixture}, line {line}" in str(error)
    if column is not None:
        assert f"column {column}" in str(error)
    assert mentions in error.reason


def test_latin1_bytes_in_a_current_file_are_still_an_error() -> None:
    with pytest.raises(SourceFormatError) as caught:
        parse_duo_file(fixture_bytes("bad_latin1_text.csv"), "bad_latin1_text.csv")
    assert caught.value.line == 3
    assert "UTF-8" in caught.value.reason
