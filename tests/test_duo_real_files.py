"""Every real DUO file in ../shared/samples/duo, current and legacy, parses into the tidy shape.

Totals per year and suppressed cells are recomputed here with nothing but the csv module,
independently of the parsers under test.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from pathlib import Path

import pytest
from conftest import SHARED_SAMPLES, shared_file

from techpact.sources.duo import TIDY_COLUMNS, TidyFile, parse_duo_file

CURRENT = "duo/onderwijsdata_ckan_2026"
LEGACY = "duo/open_onderwijsdata_legacy_2019"

# file, dataset given on landing (None: the header tells), resource, format
REAL_FILES = {
    f"{CURRENT}/ingeschrevenengeslhbo.csv": (None, "hbo_enrolment_by_sex", "current"),
    f"{CURRENT}/ingeschrevenenhbo.csv": (None, "hbo_enrolment_by_programme", "current"),
    f"{CURRENT}/eerstejaarsingeschrevenenhbo.csv": (None, "hbo_inflow_by_programme", "current"),
    f"{CURRENT}/gediplomeerdenhbo.csv": (None, "hbo_graduates_by_programme", "current"),
    f"{CURRENT}/01.-instellingen-hbo-en-wo.csv": (None, "ho_institutions", "legacy"),
    f"{LEGACY}/hbo_inscriptions_2019.csv": ("p02ho1ejrs", "hbo_inflow_by_programme", "legacy"),
    f"{LEGACY}/wo_inscriptions_2019.csv": ("p02ho1ejrs", "wo_inflow_by_programme", "legacy"),
    f"{LEGACY}/hbo_gediplomeerden_2019.csv": (None, "hbo_graduates_by_programme", "legacy"),
    f"{LEGACY}/mbo_inscriptions_2019_EXCERPT_first100_plus_27YU.csv": (
        None,
        "mbo_students_by_qualification",
        "legacy",
    ),
}
COUNT_FILES = [
    name for name, (_, resource, _) in REAL_FILES.items() if resource != "ho_institutions"
]
_YEAR = re.compile(r"^(?:MAN|VROUW|TOTAAL)?([0-9]{4})$")


def parse_real(name: str) -> TidyFile:
    dataset, _, _ = REAL_FILES[name]
    path = shared_file(name)
    return parse_duo_file(path.read_bytes(), path.name, dataset=dataset)


def plain_totals(path: Path) -> tuple[dict[int, int], dict[int, int], int]:
    """Per year: sum of the counts (DUO's TOTAAL where a file has MAN/VROUW/TOTAAL), number of
    suppressed cells; and the lines holding only "" - with the csv module only."""
    text = path.read_bytes().decode("utf-8-sig", errors="strict")
    sums: Counter[int] = Counter()
    suppressed: Counter[int] = Counter()
    empty = 0
    if text.split("\n", 1)[0].count(";") == 0:  # current: long
        rows = list(csv.DictReader(io.StringIO(text, newline="")))
        year_col = "STUDIEJAAR" if "STUDIEJAAR" in rows[0] else "DIPLOMAJAAR"
        measure = next(c for c in rows[0] if c.startswith("AANTAL"))
        for row in rows:
            if row[measure] == "-1":
                suppressed[int(row[year_col])] += 1
            else:
                sums[int(row[year_col])] += int(row[measure])
        return dict(sums), dict(suppressed), 0
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=";", quoting=csv.QUOTE_NONE)
    header = next(reader)
    years = {i: int(m.group(1)) for i, h in enumerate(header) if (m := _YEAR.match(h))}
    has_totaal = any(h.startswith("TOTAAL") for h in header)
    for fields in reader:
        if fields == ['""']:
            empty += 1
            continue
        groups: dict[int, list[str]] = {}
        for i, year in years.items():
            groups.setdefault(year, []).append(fields[i])
        for i, year in years.items():
            if has_totaal and not header[i].startswith("TOTAAL"):
                continue
            if all(v == "" for v in groups[year]):
                continue  # a year the qualification had no students
            if fields[i] == "":
                suppressed[year] += 1
            else:
                sums[year] += int(fields[i])
    return dict(sums), dict(suppressed), empty


def test_the_list_names_every_real_duo_file() -> None:
    folder = shared_file(CURRENT).parent
    on_disk = {p.relative_to(SHARED_SAMPLES).as_posix() for p in folder.rglob("*.csv")}
    assert on_disk == set(REAL_FILES)


@pytest.mark.parametrize("name", list(REAL_FILES))
def test_real_file_format_and_resource_are_recognised_from_header_and_values(name: str) -> None:
    _, resource, file_format = REAL_FILES[name]
    parsed = parse_real(name)
    assert (parsed.resource, parsed.format) == (resource, file_format)
    assert len(parsed.rows) > 0


@pytest.mark.parametrize("name", COUNT_FILES)
def test_real_file_totals_per_year_equal_the_plain_csv_module(name: str) -> None:
    parsed = parse_real(name)
    rows = parsed.rows
    assert list(rows.columns) == list(TIDY_COLUMNS)
    if parsed.resource.startswith("mbo"):
        rows = rows[rows["sex"] == "total"]
    sums, suppressed, empty = plain_totals(shared_file(name))
    parsed_sums = {int(y): int(s) for y, s in rows.groupby("year")["count"].sum().items()}
    parsed_suppressed = {
        int(y): int(s) for y, s in rows.groupby("year")["is_suppressed"].sum().items() if s
    }
    assert parsed_sums == sums
    assert parsed_suppressed == suppressed
    assert parsed.empty_records == empty


@pytest.mark.parametrize("name", COUNT_FILES)
def test_real_file_suppressed_cells_hold_no_count_and_others_do(name: str) -> None:
    rows = parse_real(name).rows
    assert rows.loc[rows["is_suppressed"], "count"].isna().all()
    assert rows.loc[~rows["is_suppressed"], "count"].notna().all()
    assert (rows["count"].dropna() >= 0).all()


def test_current_files_mark_minus_1_as_suppressed_real_counts() -> None:
    parsed = parse_real(f"{CURRENT}/ingeschrevenengeslhbo.csv")
    assert parsed.suppressed_cell_count == 273


def test_legacy_files_skip_and_count_the_lines_holding_only_quotes() -> None:
    assert parse_real(f"{LEGACY}/hbo_inscriptions_2019.csv").empty_records == 7
    assert parse_real(f"{LEGACY}/wo_inscriptions_2019.csv").empty_records == 6


def test_legacy_values_are_normalised_like_current_ones() -> None:
    legacy = parse_real(f"{LEGACY}/hbo_inscriptions_2019.csv").rows
    current = parse_real(f"{CURRENT}/eerstejaarsingeschrevenenhbo.csv").rows
    assert "TECHNIEK" in set(legacy["sector"]) and "TECHNIEK" in set(current["sector"])
    assert set(legacy["sex"]) == {"male", "female"}
    assert set(current["sex"]) == {"total"}
    assert set(legacy["gemeente_code"].str[:2]) == {"GM"}
    assert set(legacy["source_format"]) == {"legacy"}


def test_wo_file_is_told_from_hbo_by_its_institutions() -> None:
    wo = parse_real(f"{LEGACY}/wo_inscriptions_2019.csv")
    assert wo.education_sector == "wo"
    ut = wo.rows[wo.rows["institution_code"] == "21PH"]
    assert "GM0153" in set(ut["gemeente_code"])


def test_mbo_file_gives_level_path_sectorkamer_and_keeps_totaal_apart() -> None:
    parsed = parse_real(f"{LEGACY}/mbo_inscriptions_2019_EXCERPT_first100_plus_27YU.csv")
    rows = parsed.rows
    roc = rows[rows["institution_code"] == "27YU"]
    assert set(roc["place_name"]) == {"HENGELO OV"}
    assert set(rows["study_path"]) == {"BBL", "BOLVT"}
    assert set(rows["level"]) == {"1", "2", "3", "4"}
    assert "techniek en gebouwde omgeving" in set(rows["sectorkamer"])
    assert parsed.empty_year_groups == 1304
    by_sex = rows.groupby(["line_number", "year", "sex"])["count"].sum().unstack()
    assert (by_sex["male"] + by_sex["female"] == by_sex["total"]).all()


def test_address_list_maps_institutions_to_gemeente_and_corop() -> None:
    parsed = parse_real(f"{CURRENT}/01.-instellingen-hbo-en-wo.csv")
    assert parsed.encoding == "iso-8859-1"
    rows = parsed.rows.set_index("institution_code")
    assert rows.loc["23AH", "corop_code"] == "CR12"
    assert rows.loc["21PH", "corop_code"] == "CR12"
    assert rows.loc["21PH", "education_sector"] == "wo"
    assert len(parsed.rows) == 54
