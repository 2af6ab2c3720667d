"""Parsing DUO's current open-data CSV format (sources/duo.py).

Line numbers count from 1 = the header line. Real files are read from ../shared/samples, never
copied into the repository; the quirk and bad-input files in tests/fixtures/duo are tiny,
hand-written, and have the real header lines with invented data rows (CRLF line ends).
"""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import pandas as pd
import pytest
from conftest import FIXTURES, shared_file

from techpact.sources.duo import ParsedFile, parse_current_csv
from techpact.sources.errors import SourceFormatError

DUO_FIXTURES = FIXTURES / "duo"
CURRENT_FORMAT_DIR = "duo/onderwijsdata_ckan_2026"


def parse_fixture(name: str) -> ParsedFile:
    path = DUO_FIXTURES / name
    return parse_current_csv(path.read_bytes(), path.name)


def plain_csv_totals(
    path: Path, year_column: str, measure_column: str
) -> tuple[int, dict[int, int], dict[int, int]]:
    """Row count, and per year the sum of counts and the number of suppressed ("-1") cells.

    Computed with nothing but the csv module, independently of the parser under test.
    """
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    sums: Counter[int] = Counter()
    suppressed: Counter[int] = Counter()
    for row in rows:
        year, measure = int(row[year_column]), row[measure_column]
        if measure == "-1":
            suppressed[year] += 1
        else:
            sums[year] += int(measure)
    return len(rows), dict(sums), dict(suppressed)


# --- 1. The real current-format files -------------------------------------------------------

REAL_FILES = [
    pytest.param(
        "ingeschrevenengeslhbo.csv",
        "hbo_enrolment_by_sex",
        "STUDIEJAAR",
        "AANTAL_INGESCHREVENEN",
        id="enrolment_by_sex",
    ),
    pytest.param(
        "ingeschrevenenhbo.csv",
        "hbo_enrolment_by_programme",
        "STUDIEJAAR",
        "AANTAL_INGESCHREVENEN",
        id="enrolment_by_programme",
    ),
    pytest.param(
        "eerstejaarsingeschrevenenhbo.csv",
        "hbo_inflow_by_programme",
        "STUDIEJAAR",
        "AANTAL_EERSTEJAARS_INGESCHREVENEN",
        id="inflow_by_programme",
    ),
    pytest.param(
        "gediplomeerdenhbo.csv",
        "hbo_graduates_by_programme",
        "DIPLOMAJAAR",
        "AANTAL_GEDIPLOMEERDEN",
        id="graduates_by_programme",
    ),
]


@pytest.mark.parametrize(("name", "resource", "year_column", "measure_column"), REAL_FILES)
def test_real_file_is_recognised_and_its_totals_match_the_plain_csv_module(
    name: str, resource: str, year_column: str, measure_column: str
) -> None:
    path = shared_file(f"{CURRENT_FORMAT_DIR}/{name}")
    expected_rows, expected_sums, expected_suppressed = plain_csv_totals(
        path, year_column, measure_column
    )

    parsed = parse_current_csv(path.read_bytes(), name)
    rows = parsed.rows

    assert parsed.file_name == name
    assert parsed.layout.resource == resource
    assert len(rows) == expected_rows
    published = rows[~rows["is_suppressed"]]
    assert {int(y): int(s) for y, s in published.groupby("year")["count"].sum().items()} == (
        expected_sums
    )
    suppressed = rows[rows["is_suppressed"]]
    assert {int(y): int(n) for y, n in suppressed.groupby("year").size().items()} == (
        expected_suppressed
    )


@pytest.mark.parametrize(("name", "resource", "year_column", "measure_column"), REAL_FILES)
def test_real_file_has_no_count_in_a_suppressed_cell_and_a_count_in_every_other(
    name: str, resource: str, year_column: str, measure_column: str
) -> None:
    path = shared_file(f"{CURRENT_FORMAT_DIR}/{name}")

    rows = parse_current_csv(path.read_bytes(), name).rows

    assert rows["is_suppressed"].any(), "the real files all have suppressed cells"
    assert rows.loc[rows["is_suppressed"], "count"].isna().all()
    assert rows.loc[~rows["is_suppressed"], "count"].notna().all()


# --- 2. Quirks of the format ----------------------------------------------------------------


def test_small_fixture_parses_to_published_text_year_count_and_line_number() -> None:
    parsed = parse_fixture("enrolment_by_sex.csv")

    assert parsed.layout.resource == "hbo_enrolment_by_sex"
    rows = parsed.rows
    assert list(rows.columns) == [
        "PROVINCIENAAM",
        "GEMEENTENUMMER",
        "GEMEENTENAAM",
        "SOORT_INSTELLING",
        "TYPE_HOGER_ONDERWIJS",
        "INSTELLINGSCODE_ACTUEEL",
        "INSTELLINGSNAAM_ACTUEEL",
        "ONDERDEEL",
        "SUBONDERDEEL",
        "GESLACHT",
        "year",
        "count",
        "is_suppressed",
        "line_number",
    ]
    assert rows["GEMEENTENUMMER"].tolist() == ["0344", "0344", "0344"]  # text, leading zero kept
    assert rows["GESLACHT"].tolist() == ["MAN", "VROUW", "VROUW"]
    assert rows["year"].tolist() == [2023, 2023, 2024]
    assert rows["count"].tolist() == [120, pd.NA, 7]
    assert rows["is_suppressed"].tolist() == [False, True, False]
    assert rows["line_number"].tolist() == [2, 3, 4]


@pytest.mark.parametrize(
    "variant",
    [
        pytest.param("bom.csv", id="utf8_bom_at_start"),
        pytest.param("lf_line_endings.csv", id="lf_instead_of_crlf"),
    ],
)
def test_bom_or_lf_line_endings_parse_the_same_as_plain_crlf(variant: str) -> None:
    plain = parse_fixture("enrolment_by_sex.csv")

    parsed = parse_fixture(variant)

    assert parsed.layout == plain.layout
    pd.testing.assert_frame_equal(parsed.rows, plain.rows)


def test_less_than_5_is_suppressed_like_minus_1() -> None:
    parsed = parse_fixture("less_than_5_suppressed.csv")

    rows = parsed.rows
    assert parsed.layout.resource == "hbo_graduates_by_programme"
    # rows: 18, <5 (unquoted), "<5" (quoted), -1
    assert rows["is_suppressed"].tolist() == [False, True, True, True]
    assert rows["count"].tolist() == [18, pd.NA, pd.NA, pd.NA]
    assert rows["year"].tolist() == [2022, 2022, 2023, 2023]


def test_doubled_quote_inside_a_quoted_field_parses_to_the_right_text() -> None:
    rows = parse_fixture("quote_in_quoted_field.csv").rows

    assert rows["INSTELLINGSNAAM_ACTUEEL"].tolist() == ['Hogeschool "De Toekomst"']
    assert rows["count"].tolist() == [44]


def test_onbekend_sex_is_kept_as_published() -> None:
    rows = parse_fixture("onbekend_sex.csv").rows

    assert rows["GESLACHT"].tolist() == ["MAN", "ONBEKEND"]
    assert rows["count"].tolist() == [31, 2]


def test_extra_unknown_column_in_the_header_is_tolerated_and_left_out(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # PEILDATUM is inserted in the middle: fields are found by name, not position. It is not
    # used, and the log says so (an upstream change is never accepted silently).
    parsed = parse_fixture("extra_column.csv")

    assert "extra_column.csv: column(s) ['PEILDATUM'] are not part of the" in caplog.text

    rows = parsed.rows
    assert parsed.layout.resource == "hbo_enrolment_by_programme"
    assert "PEILDATUM" not in rows.columns
    assert rows["SOORT_INSTELLING"].tolist() == ["reguliere inst.", "reguliere inst."]
    assert rows["TYPE_HOGER_ONDERWIJS"].tolist() == ["bachelor", "master"]
    assert rows["count"].tolist() == [63, pd.NA]
    assert rows["is_suppressed"].tolist() == [False, True]


def test_duplicate_data_rows_are_both_kept_for_the_quality_layer_to_judge() -> None:
    # The parser does not deduplicate: finding duplicates is the staging/quality layer's job.
    rows = parse_fixture("duplicate_rows.csv").rows

    assert len(rows) == 2
    assert rows["line_number"].tolist() == [2, 3]
    pd.testing.assert_frame_equal(
        rows.iloc[[0]].drop(columns="line_number").reset_index(drop=True),
        rows.iloc[[1]].drop(columns="line_number").reset_index(drop=True),
    )


# --- 3. Bad input ---------------------------------------------------------------------------

BAD_INPUT = [
    # fixture, line, column, text the reason mentions (None: not checked)
    pytest.param(
        "bad_renamed_column.csv", 1, "GESLACHT", "required column", id="renamed_header_column"
    ),
    pytest.param(
        "bad_semicolon_legacy_unquoted.csv",
        1,
        None,
        "legacy",
        id="semicolon_delimiter_unquoted_legacy_header",
    ),
    pytest.param(
        "bad_semicolon_delimiter.csv",
        1,
        None,
        "';'",
        id="semicolon_delimiter_quoted_header",
    ),
    pytest.param("bad_latin1_text.csv", 3, None, "UTF-8", id="latin1_bytes_in_text_field"),
    pytest.param("bad_empty.csv", None, None, "empty", id="empty_file"),
    pytest.param("bad_header_only.csv", 1, None, "header only", id="header_only"),
    pytest.param(
        "bad_non_numeric_count.csv", 3, "AANTAL_INGESCHREVENEN", "'abc'", id="non_numeric_count"
    ),
    pytest.param(
        "bad_negative_count.csv", 3, "AANTAL_INGESCHREVENEN", "-3", id="negative_count_not_minus_1"
    ),
    pytest.param("bad_too_few_fields.csv", 3, None, "11 fields", id="row_with_too_few_fields"),
    pytest.param("bad_blank_year.csv", 3, "STUDIEJAAR", "not a year", id="blank_year"),
    pytest.param(
        "bad_count_with_underscore.csv",
        2,
        "AANTAL_INGESCHREVENEN",
        "'1_200'",
        id="count_with_underscore",
    ),
    pytest.param(
        "bad_year_superscript_digit.csv",
        2,
        "STUDIEJAAR",
        "not a year",
        id="year_with_superscript_digit",
    ),
]


@pytest.mark.parametrize(("fixture", "line", "column", "mentions"), BAD_INPUT)
def test_bad_input_raises_source_format_error_naming_file_line_and_column(
    fixture: str, line: int | None, column: str | None, mentions: str | None
) -> None:
    with pytest.raises(SourceFormatError) as caught:
        parse_fixture(fixture)

    error = caught.value
    assert error.file_name == fixture
    assert fixture in str(error)
    assert error.line == line
    assert error.column == column
    if line is not None:
        assert f"line {line}" in str(error)
    if column is not None:
        assert f"column {column}" in str(error)
    if mentions is not None:
        assert mentions in error.reason


def test_file_name_given_is_the_one_named_in_the_error() -> None:
    data = (DUO_FIXTURES / "bad_header_only.csv").read_bytes()

    with pytest.raises(SourceFormatError) as caught:
        parse_current_csv(data, "landing/duo/ingeschrevenengeslhbo.csv")

    assert caught.value.file_name == "landing/duo/ingeschrevenengeslhbo.csv"
    assert str(caught.value).startswith("landing/duo/ingeschrevenengeslhbo.csv, line 1: ")


def test_plain_csv_helper_counts_the_fixture_like_the_parser() -> None:
    # Guards the independent computation used on the real files against silent mistakes.
    count, sums, suppressed = plain_csv_totals(
        DUO_FIXTURES / "enrolment_by_sex.csv", "STUDIEJAAR", "AANTAL_INGESCHREVENEN"
    )

    assert (count, sums, suppressed) == (3, {2023: 120, 2024: 7}, {2023: 1})


def test_an_unknown_header_of_one_huge_line_gives_a_short_message() -> None:
    """An 8 MiB one-line file once gave a 20 MB message: the header is quoted, cut."""
    huge = ("X" * 8 * 1024 * 1024 + "\r\n").encode()

    with pytest.raises(SourceFormatError) as error:
        parse_current_csv(huge, "huge.csv")

    message = str(error.value)
    assert message.startswith("huge.csv")
    assert len(message) < 1000
