"""Parsing DUO's current-portal mbo files (sources/duo_mbo.py, through parse_duo_file).

The fixtures tests/fixtures/duo/mbo_*.csv are HAND-MADE: the exact header lines of the portal
files (as recorded from the portal's Datastore field lists, see docs/duo.md), invented rows.
``mbo_students_per_institution.csv`` starts with a UTF-8 BOM; both have CRLF line ends, a
quoted sectorkamer with a comma, ``-1`` (suppressed) and real ``0`` cells. No real mbo portal
file is in ../shared/samples. Line numbers count from 1 = the header line.
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from pathlib import Path

import pytest
from conftest import FIXTURES

from techpact.sources.duo import DatasetMismatchError, parse_duo_file
from techpact.sources.duo_mbo import parse_mbo_csv
from techpact.sources.errors import SourceFormatError

DUO_FIXTURES = FIXTURES / "duo"
STUDENTS = DUO_FIXTURES / "mbo_students_per_institution.csv"
GRADUATES = DUO_FIXTURES / "mbo_graduates.csv"


def plain_csv_totals(path: Path, prefix: str) -> tuple[dict[tuple[int, str], int], Counter]:
    """Per (year, MAN/VROUW): the sum of counts and of "-1" cells, with nothing but csv."""
    pattern = re.compile(rf"^{prefix}(MAN|VROUW)(\d{{4}})$")
    sums: Counter[tuple[int, str]] = Counter()
    suppressed: Counter[tuple[int, str]] = Counter()
    with path.open(encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle):
            for name, value in row.items():
                match = pattern.match(name)
                if not match:
                    continue
                key = (int(match.group(2)), match.group(1))
                if value == "-1":
                    suppressed[key] += 1
                else:
                    sums[key] += int(value)
    return dict(sums), suppressed


SEX = {"MAN": "male", "VROUW": "female"}


@pytest.mark.parametrize(
    ("path", "prefix", "dataset", "resource"),
    [
        (STUDENTS, "", "mbo-studenten-per-instelling", "mbo_students_by_qualification"),
        (GRADUATES, "DIP", "gediplomeerde-mbo-studenten", "mbo_graduates_by_qualification"),
    ],
)
def test_each_mbo_file_parses_to_the_same_totals_as_a_plain_csv_reading(
    path: Path, prefix: str, dataset: str, resource: str
) -> None:
    tidy = parse_duo_file(path.read_bytes(), path.name, dataset=dataset)
    assert (tidy.dataset, tidy.resource, tidy.format) == (dataset, resource, "current")
    sums, suppressed = plain_csv_totals(path, prefix)
    rows = tidy.rows
    for (year, sex), total in sums.items():
        part = rows[(rows["year"] == year) & (rows["sex"] == SEX[sex])]
        assert int(part["count"].sum()) == total
        assert int(part["is_suppressed"].sum()) == suppressed[(year, sex)]
    assert tidy.suppressed_cell_count == sum(suppressed.values()) > 0
    assert set(rows["sex"]) == {"male", "female"}  # no total column in the portal files


def test_years_come_from_the_header_not_the_file_name() -> None:
    # The real graduates file is called 2020-2024-gediplomeerden.csv; its columns run 2021-2025.
    tidy = parse_duo_file(GRADUATES.read_bytes(), "2020-2024-gediplomeerden.csv")
    assert sorted(tidy.rows["year"].unique()) == [2021, 2022, 2023, 2024, 2025]


def test_a_bom_is_not_part_of_the_first_column_and_values_are_normalised() -> None:
    assert STUDENTS.read_bytes().startswith(b"\xef\xbb\xbf")
    rows = parse_duo_file(STUDENTS.read_bytes(), STUDENTS.name).rows
    first = rows.iloc[0]
    assert first["institution_code"] == "27YU"
    assert first["place_name"] == "HENGELO OV"
    assert first["sectorkamer"] == "techniek en gebouwde omgeving"  # as the legacy sector unit
    assert first["subsector"] == "Bouw en infra"  # the hoofdgroep
    assert (first["level"], first["study_path"], first["programme_code"]) == ("2", "BBL", "25250")
    assert set(rows["study_path"]) == {"BBL", "BOLVT", "BOLDT", "EX"}
    assert "mobiliteit, transport, logistiek en maritiem" in set(rows["sectorkamer"])


def test_a_suppressed_cell_is_no_count_and_a_zero_is_a_real_zero() -> None:
    rows = parse_duo_file(STUDENTS.read_bytes(), STUDENTS.name).rows
    line2_2021 = rows[(rows["line_number"] == 2) & (rows["year"] == 2021)]
    assert line2_2021.set_index("sex")["count"].isna().to_dict() == {"male": False, "female": True}
    line2_2022 = rows[(rows["line_number"] == 2) & (rows["year"] == 2022)]
    assert line2_2022.set_index("sex")["count"].to_dict() == {"male": 42, "female": 0}


def test_graduates_keep_the_ovo_path_and_the_column_each_count_came_from() -> None:
    parsed = parse_mbo_csv(GRADUATES.read_bytes(), GRADUATES.name)
    assert "OVO" in set(parsed.rows["LEERWEG"])
    assert parsed.rows["column"].iloc[0] == "DIPMAN2021"
    assert "SOORT INSTELLING" not in parsed.layout.columns


def test_a_portal_file_given_as_the_legacy_dataset_is_a_mismatch() -> None:
    with pytest.raises(DatasetMismatchError, match="mbo-studenten-per-instelling"):
        parse_duo_file(STUDENTS.read_bytes(), STUDENTS.name, dataset="mbo-deelnemers")


HEADER = STUDENTS.read_bytes().removeprefix(b"\xef\xbb\xbf").split(b"\r\n", 1)[0].decode()
ROW = STUDENTS.read_bytes().split(b"\r\n")[1].decode()


@pytest.mark.parametrize(
    ("name", "line", "column", "reason"),
    [
        ("mbo_bad_renamed_column.csv", 1, "SECTORKAMER NAAM", "required column missing"),
        ("mbo_bad_renamed_year_column.csv", 1, "VROUW2023", "renamed?"),
        ("mbo_bad_negative_count.csv", 2, "VROUW2023", "negative count -3"),
        ("mbo_bad_non_numeric_count.csv", 2, "DIPVROUW2023", "'n.v.t.' is not a whole number"),
    ],
)
def test_bad_mbo_files_fail_naming_file_line_and_column(
    name: str, line: int, column: str, reason: str
) -> None:
    path = DUO_FIXTURES / name
    with pytest.raises(SourceFormatError) as failure:
        parse_duo_file(path.read_bytes(), path.name)
    error = failure.value
    assert (error.file_name, error.line, error.column) == (name, line, column)
    assert reason in str(error)
    assert str(error).startswith(f"{name}, line {line}, column {column}: ")


@pytest.mark.parametrize(
    ("text", "line", "reason"),
    [
        (HEADER, 1, "header only"),
        (re.sub(r',"(MAN|VROUW)20\d\d"', "", HEADER), 1, "no year columns (like MAN2021"),
        (HEADER.replace('"MAN2022"', '"MAN2021"'), 1, "appears twice"),
        (f"{HEADER}\r\n{ROW}\r\n{ROW.rsplit(',', 1)[0]}", 3, "19 fields where the header has 20"),
        (f"{HEADER}\r\n{ROW.replace(',40,', ',,')}", 2, "'' is not a whole number"),
    ],
    ids=["header only", "no year columns", "repeated column", "short row", "blank count"],
)
def test_structural_problems_name_the_line(text: str, line: int, reason: str) -> None:
    with pytest.raises(SourceFormatError) as failure:
        parse_duo_file(f"{text}\r\n".encode(), "x.csv")
    assert failure.value.line == line
    assert reason in str(failure.value)


def test_an_unknown_header_lists_the_mbo_layouts_too() -> None:
    with pytest.raises(SourceFormatError, match="mbo_graduates_by_qualification"):
        parse_duo_file(b'"A","B"\r\n"1","2"\r\n', "x.csv")
