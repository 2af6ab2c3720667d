"""Categories by title alternatives and by cells across dimensions (``cbs_tables.toml``).

Two things CBS does that a one-dimension breakdown with one title per code cannot follow:
it renames codes (the education levels in 2025: "Onderwijsniveau: 1 Laag" became
"1 Basisonderwijs, vmbo, mbo1"), and some indicators are one cell of several dimensions (NEET
youth: "Niet onderwijsvolgend" x "Arb.pos.: niet-werkzame bevolking", over "Totaal" x
"Totaal"). The responses below are hand-made in the v3 shape: padded region keys, period
codes such as ``2023JJ00``, code lists and DataProperties in their OData envelope.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from techpact.sources.cbs_parse import (
    Code,
    parse_data_properties,
    parse_dimension_list,
    tidy_rows,
)
from techpact.sources.cbs_tables import CbsTablesError, TableSpec, parse_cbs_tables
from techpact.sources.errors import SourceFormatError


def _envelope(values: list[dict[str, Any]]) -> bytes:
    return json.dumps({"odata.metadata": "m", "value": values}).encode()


def _codes(*entries: tuple[str, str]) -> tuple[Code, ...]:
    return parse_dimension_list(_envelope([{"Key": k, "Title": t} for k, t in entries]), "codes")


REGIONS = _codes(("NL01    ", "Nederland"), ("PV21    ", "Overijssel"))
YEARS = _codes(("2018JJ00", "2018"), ("2022JJ00", "2022"), ("2023JJ00", "2023*"))


# -- the specification: cbs_tables.toml -----------------------------------------------------

YOUTH_TOML = """
[[table]]
id = "86087NED"
resource = "youth_labour_situation"
title = "Arbeidsmarktsituatie jongeren 15 tot 27 jaar; regio 2024,2005-2023"
classification_year = 2024
first_year = 2019
period_types = ["JJ"]
measure = [{ role = "youth_count", title = "Jongeren (15 tot 27 jaar)" }]

[table.fixed]
"Uitkering" = "Totaal met of zonder uitkering"
"Geregistreerd werkzoekende bij UWV" = "Totaal"

[table.cells.all_youth]
"Onderwijsvolgend" = "Totaal"
"Arbeidskenmerken" = "Totaal"

[table.cells.neet]
"Onderwijsvolgend" = ["Niet onderwijsvolgend", "Niet-onderwijsvolgend"]
"Arbeidskenmerken" = "Arb.pos.: niet-werkzame bevolking"
"""

LABOUR_TOML = """
[[table]]
id = "85494NED"
resource = "labour_participation"
title = "Arbeidsdeelname; regio"
classification_year = 2024
first_year = 2019
period_types = ["JJ"]
measure = [{ role = "unemployment_rate", title = "Werkloosheidspercentage" }]

[table.breakdown]
dimension = "Persoonskenmerken"

[table.breakdown.categories]
total = "Totaal personen"
education_low = ["Onderwijsniveau: 1 Laag", "1 Basisonderwijs, vmbo, mbo1"]
education_high = ["Onderwijsniveau: 3 Hoog", "3 Hbo, wo"]
"""


def _youth_spec(toml: str = YOUTH_TOML) -> TableSpec:
    spec = parse_cbs_tables(toml, origin="cbs_tables.toml").get("86087NED")
    assert isinstance(spec, TableSpec)
    return spec


def _refusal(toml: str) -> str:
    with pytest.raises(CbsTablesError) as refused:
        parse_cbs_tables(toml, origin="cbs_tables.toml")
    return str(refused.value)


def test_cells_load_as_role_to_dimension_to_title_with_alternatives_as_a_tuple() -> None:
    assert _youth_spec().cells == {
        "all_youth": {"Onderwijsvolgend": "Totaal", "Arbeidskenmerken": "Totaal"},
        "neet": {
            "Onderwijsvolgend": ("Niet onderwijsvolgend", "Niet-onderwijsvolgend"),
            "Arbeidskenmerken": "Arb.pos.: niet-werkzame bevolking",
        },
    }


def test_a_breakdown_category_may_list_the_titles_cbs_has_used() -> None:
    spec = parse_cbs_tables(LABOUR_TOML, origin="cbs_tables.toml").get("85494NED")
    assert isinstance(spec, TableSpec) and spec.breakdown is not None
    assert spec.breakdown.categories == {
        "total": "Totaal personen",
        "education_low": ("Onderwijsniveau: 1 Laag", "1 Basisonderwijs, vmbo, mbo1"),
        "education_high": ("Onderwijsniveau: 3 Hoog", "3 Hbo, wo"),
    }


MEASURE_LINE = 'measure = [{ role = "youth_count", title = "Jongeren (15 tot 27 jaar)" }]\n'
FIXED_LAST = '"Geregistreerd werkzoekende bij UWV" = "Totaal"\n'
ALL_YOUTH = '"Onderwijsvolgend" = "Totaal"\n"Arbeidskenmerken" = "Totaal"\n'


@pytest.mark.parametrize(
    ("change", "named"),
    [
        (
            (
                MEASURE_LINE,
                MEASURE_LINE + 'breakdown = { dimension = "Uitkering", categories = '
                '{ total = "Totaal met of zonder uitkering" } }\n',
            ),
            "field (entry): Value error, give breakdown (one dimension) or cells (several), "
            "not both",
        ),
        (
            (FIXED_LAST, FIXED_LAST + '"Onderwijsvolgend" = "Totaal"\n'),
            "field (entry): Value error, dimension(s) ['Onderwijsvolgend'] are in cells and "
            "held fixed",
        ),
        (
            ("[table.cells.neet]", "[table.cells.NEET]"),
            "field (entry): Value error, cell roles ['NEET'] are not lower-case identifiers",
        ),
        (
            (ALL_YOUTH, '"Onderwijsvolgend" = "Totaal"\n'),
            "field (entry): Value error, cell 'neet' names dimensions ['arbeidskenmerken', "
            "'onderwijsvolgend'], cell 'all_youth' ['onderwijsvolgend']: every cell must name a "
            "code of the same dimensions",
        ),
        (
            (ALL_YOUTH, '"onderwijsvolgend " = "Totaal"\n"Arbeidskenmerken" = "Totaal"\n'),
            None,  # dimensions are named without regard to case and outer spaces: accepted
        ),
        (
            (ALL_YOUTH, ""),
            "field (entry): Value error, cell 'all_youth' names no dimension",
        ),
        (
            (ALL_YOUTH, '"Onderwijsvolgend" = ""\n"Arbeidskenmerken" = "Totaal"\n'),
            "field cells.all_youth.Onderwijsvolgend",
        ),
        (
            (ALL_YOUTH, '"Onderwijsvolgend" = "Totaal"\n"Arbeidskenmerken" = 0\n'),
            "field cells.all_youth.Arbeidskenmerken",
        ),
    ],
)
def test_a_mistake_in_cells_fails_naming_the_table_and_field(
    change: tuple[str, str], named: str | None
) -> None:
    assert change[0] in YOUTH_TOML
    changed = YOUTH_TOML.replace(change[0], change[1], 1)
    if named is None:
        parse_cbs_tables(changed, origin="cbs_tables.toml")
        return
    assert f"cbs_tables.toml: table #1 (86087NED): {named}" in _refusal(changed)


def test_cells_that_name_no_category_are_refused() -> None:
    without_cells = YOUTH_TOML.split("[table.cells.")[0]
    refusal = _refusal(f"{without_cells}[table.cells]\n")
    assert "table #1 (86087NED): field (entry): Value error, cells names no category" in refusal


def test_a_breakdown_category_with_an_empty_list_of_titles_is_refused() -> None:
    refusal = _refusal(LABOUR_TOML.replace('total = "Totaal personen"', "total = []"))
    assert (
        "table #1 (85494NED): field breakdown: Value error, a category needs at least one "
        "title" in refusal
    )


def test_a_cell_with_an_empty_list_of_titles_is_refused() -> None:
    refusal = _refusal(
        YOUTH_TOML.replace('["Niet onderwijsvolgend", "Niet-onderwijsvolgend"]', "[]")
    )
    assert "table #1 (86087NED)" in refusal


def test_a_dimension_in_cells_and_held_fixed_under_another_case_is_refused() -> None:
    fixed_too = YOUTH_TOML.replace(FIXED_LAST, FIXED_LAST + '"onderwijsvolgend" = "Totaal"\n')
    assert "are in cells and held fixed" in _refusal(fixed_too)


# -- the parse: tidy rows of a table with cells (86087NED, NEET) ----------------------------

YOUTH_STRUCTURE = parse_data_properties(
    _envelope(
        [
            {"Type": "Dimension", "Key": "Onderwijsvolgend", "Title": "Onderwijsvolgend"},
            {"Type": "Dimension", "Key": "Arbeidskenmerken", "Title": "Arbeidskenmerken"},
            {"Type": "Dimension", "Key": "Uitkering", "Title": "Uitkering"},
            {
                "Type": "Dimension",
                "Key": "GeregistreerdWerkzoekendeBijUWV",
                "Title": "Geregistreerd werkzoekende bij UWV",
            },
            {"Type": "GeoDimension", "Key": "RegioS", "Title": "Regio's"},
            {"Type": "TimeDimension", "Key": "Perioden", "Title": "Perioden"},
            {
                "Type": "Topic",
                "Key": "Jongeren15Tot27Jaar_1",
                "Title": "Jongeren (15 tot 27 jaar)",
                "Unit": "x 1 000",
            },
        ]
    ),
    "DataProperties",
)
ARBEIDSKENMERKEN = _codes(
    ("T009002", "Totaal"),
    ("A028305", "Arb.pos.: werkzame beroepsbevolking"),
    ("A028306", "Arb.pos.: niet-werkzame bevolking"),
)
FIXED_CODES = {
    "Uitkering": _codes(
        ("T001080", "Totaal met of zonder uitkering"), ("A047808", "Met uitkering")
    ),
    "GeregistreerdWerkzoekendeBijUWV": _codes(("T001040", "Totaal"), ("A047811", "Geregistreerd")),
    "RegioS": REGIONS,
    "Perioden": YEARS,
}


def _youth_codes(not_in_education: str = "Niet onderwijsvolgend") -> dict[str, tuple[Code, ...]]:
    return FIXED_CODES | {
        "Onderwijsvolgend": _codes(
            ("T001040", "Totaal"), ("A025290", "Onderwijsvolgend"), ("A025291", not_in_education)
        ),
        "Arbeidskenmerken": ARBEIDSKENMERKEN,
    }


def _youth_row(
    education: str, labour: str, value: float, *, benefit: str = "T001080", period="2023JJ00"
) -> dict[str, Any]:
    return {
        "ID": 0,
        "Onderwijsvolgend": education,
        "Arbeidskenmerken": labour,
        "Uitkering": benefit,
        "GeregistreerdWerkzoekendeBijUWV": "T001040",
        "RegioS": "NL01    ",
        "Perioden": period,
        "Jongeren15Tot27Jaar_1": value,
    }


# Every cell of Onderwijsvolgend x Arbeidskenmerken, in thousands; numbered so that a value
# tells which cell it came from (Totaal x Totaal = 1.0; niet onderwijsvolgend x niet werkzaam =
# 3.3), and one row with a benefit that the fixed codes drop.
YOUTH_ROWS = [
    _youth_row(education, labour, float(f"{i}.{j}"))
    for i, education in enumerate(["T001040", "A025290", "A025291"], start=1)
    for j, labour in enumerate(["T009002", "A028305", "A028306"], start=1)
] + [_youth_row("A025291", "A028306", 99.0, benefit="A047808")]


def _tidy(spec: TableSpec, codes: dict[str, tuple[Code, ...]], rows: list[dict[str, Any]]):
    return tidy_rows(spec, YOUTH_STRUCTURE, codes, rows, file_name="86087NED TypedDataSet")


def test_a_cell_across_two_dimensions_gives_the_neet_numerator_and_its_denominator() -> None:
    frame = _tidy(_youth_spec(), _youth_codes(), YOUTH_ROWS)
    assert frame[["region_code", "period", "category", "measure", "value"]].values.tolist() == [
        ["NL01", "2023", "all_youth", "youth_count", 1100.0],
        ["NL01", "2023", "neet", "youth_count", 3300.0],
    ]


@pytest.mark.parametrize("title", ["Niet onderwijsvolgend", "Niet-onderwijsvolgend"])
def test_a_cell_code_is_found_by_whichever_of_its_titles_the_table_has(title: str) -> None:
    frame = _tidy(_youth_spec(), _youth_codes(not_in_education=title), YOUTH_ROWS)
    assert frame.set_index("category")["value"].to_dict() == {"all_youth": 1100.0, "neet": 3300.0}


def test_the_order_in_which_a_cell_names_its_dimensions_does_not_matter() -> None:
    reordered = YOUTH_TOML.replace(
        ALL_YOUTH, '"Arbeidskenmerken" = "Totaal"\n"Onderwijsvolgend" = "Totaal"\n'
    )
    frame = _tidy(_youth_spec(reordered), _youth_codes(), YOUTH_ROWS)
    assert frame.set_index("category")["value"].to_dict() == {"all_youth": 1100.0, "neet": 3300.0}


def test_rows_whose_codes_match_no_cell_are_dropped_and_periods_still_filtered() -> None:
    rows = [
        _youth_row("A025290", "A028306", 2.3),  # in education, not working: no cell
        _youth_row("T001040", "A028306", 1.3),  # total education, not working: no cell
        _youth_row("A025291", "A028306", 0.5, period="2018JJ00"),  # before first_year
    ]
    assert _tidy(_youth_spec(), _youth_codes(), rows).empty


def test_a_cell_title_the_table_lacks_names_the_dimension_titles_role_and_codes() -> None:
    codes = _youth_codes(not_in_education="Niet in onderwijs")
    with pytest.raises(SourceFormatError) as refused:
        _tidy(_youth_spec(), codes, YOUTH_ROWS)
    assert (
        "dimension 'Onderwijsvolgend' has no code titled 'Niet onderwijsvolgend' or "
        "'Niet-onderwijsvolgend' (wanted as 'neet'); its codes are titled "
        "['Totaal', 'Onderwijsvolgend', 'Niet in onderwijs']"
    ) in str(refused.value)
    assert "86087NED TypedDataSet" in str(refused.value)


def test_a_cell_naming_a_dimension_the_table_lacks_names_the_dimensions_it_has() -> None:
    spec = _youth_spec(YOUTH_TOML.replace('"Arbeidskenmerken" =', '"Arbeidspositie" ='))
    with pytest.raises(SourceFormatError, match=r"no dimension titled 'Arbeidspositie'"):
        _tidy(spec, _youth_codes(), YOUTH_ROWS)


def test_a_dimension_neither_in_cells_nor_held_fixed_is_still_refused() -> None:
    spec = _youth_spec(YOUTH_TOML.replace('"Uitkering" = "Totaal met of zonder uitkering"\n', ""))
    with pytest.raises(
        SourceFormatError,
        match=re.escape(
            "table 86087NED: dimension(s) ['Uitkering'] are neither region, period, breakdown "
            "(or cells) nor held fixed"
        ),
    ):
        _tidy(spec, _youth_codes(), YOUTH_ROWS)


# -- the parse: a breakdown whose codes CBS renamed (85494NED, education levels) ------------

LABOUR_STRUCTURE = parse_data_properties(
    _envelope(
        [
            {"Type": "Dimension", "Key": "Persoonskenmerken", "Title": "Persoonskenmerken"},
            {"Type": "GeoDimension", "Key": "RegioS", "Title": "Regio's"},
            {"Type": "TimeDimension", "Key": "Perioden", "Title": "Perioden"},
            {
                "Type": "Topic",
                "Key": "Werkloosheidspercentage_5",
                "Title": "Werkloosheidspercentage",
                "Unit": "%",
            },
        ]
    ),
    "DataProperties",
)
# The education levels in a real 2025 response, and in the years before.
TITLES_2025 = ("Totaal personen", "1 Basisonderwijs, vmbo, mbo1", "3 Hbo, wo")
TITLES_BEFORE = ("Totaal personen", "Onderwijsniveau: 1 Laag", "Onderwijsniveau: 3 Hoog")
KEYS = ("T009002", "2018700", "2018790")


def _labour_spec() -> TableSpec:
    spec = parse_cbs_tables(LABOUR_TOML, origin="cbs_tables.toml").get("85494NED")
    assert isinstance(spec, TableSpec)
    return spec


def _labour_codes(*titles: str, keys: tuple[str, ...] = KEYS) -> dict[str, tuple[Code, ...]]:
    return {
        "Persoonskenmerken": _codes(*zip(keys, titles, strict=True)),
        "RegioS": REGIONS,
        "Perioden": YEARS,
    }


LABOUR_ROWS = [
    {
        "ID": n,
        "Persoonskenmerken": key,
        "RegioS": "PV21    ",
        "Perioden": "2023JJ00",
        "Werkloosheidspercentage_5": value,
    }
    for n, (key, value) in enumerate(zip(KEYS, (3.6, 6.1, 2.4), strict=True))
]


@pytest.mark.parametrize("titles", [TITLES_2025, TITLES_BEFORE], ids=["2025", "before-2025"])
def test_a_renamed_breakdown_code_is_found_by_whichever_title_the_table_has(
    titles: tuple[str, ...],
) -> None:
    frame = tidy_rows(
        _labour_spec(), LABOUR_STRUCTURE, _labour_codes(*titles), LABOUR_ROWS, file_name="page"
    )
    assert frame[["region_code", "category", "measure", "value"]].values.tolist() == [
        ["PV21", "total", "unemployment_rate", 3.6],
        ["PV21", "education_low", "unemployment_rate", 6.1],
        ["PV21", "education_high", "unemployment_rate", 2.4],
    ]


def test_titles_are_compared_without_case() -> None:
    titles = ("TOTAAL PERSONEN", "1 basisonderwijs, VMBO, MBO1", "3 HBO, WO")
    frame = tidy_rows(
        _labour_spec(), LABOUR_STRUCTURE, _labour_codes(*titles), LABOUR_ROWS, file_name="page"
    )
    assert frame["category"].tolist() == ["total", "education_low", "education_high"]


def test_when_the_table_has_two_of_the_titles_the_first_one_listed_wins() -> None:
    codes = _labour_codes(
        "Totaal personen",
        "1 Basisonderwijs, vmbo, mbo1",
        "Onderwijsniveau: 1 Laag",
        "3 Hbo, wo",
        keys=("T009002", "2018700", "1000001", "2018790"),
    )
    rows = [
        LABOUR_ROWS[0] | {"Persoonskenmerken": "1000001", "Werkloosheidspercentage_5": 7.0},
        LABOUR_ROWS[1],
    ]
    frame = tidy_rows(_labour_spec(), LABOUR_STRUCTURE, codes, rows, file_name="page")
    assert frame[["category", "value"]].values.tolist() == [["education_low", 7.0]]


def test_a_breakdown_title_the_table_lacks_names_the_dimension_titles_role_and_codes() -> None:
    codes = _labour_codes("Totaal personen", "Laag opgeleid", "3 Hbo, wo")
    with pytest.raises(SourceFormatError) as refused:
        tidy_rows(_labour_spec(), LABOUR_STRUCTURE, codes, LABOUR_ROWS, file_name="page")
    assert (
        "dimension 'Persoonskenmerken' has no code titled 'Onderwijsniveau: 1 Laag' or "
        "'1 Basisonderwijs, vmbo, mbo1' (wanted as 'education_low'); its codes are titled "
        "['Totaal personen', 'Laag opgeleid', '3 Hbo, wo']"
    ) in str(refused.value)


def test_a_long_code_list_is_cut_to_its_first_twenty_titles_in_the_error() -> None:
    many = [(f"{2018000 + n}", f"Kenmerk {n}") for n in range(25)]
    codes = _labour_codes(*TITLES_2025) | {"Persoonskenmerken": _codes(*many)}
    with pytest.raises(SourceFormatError) as refused:
        tidy_rows(_labour_spec(), LABOUR_STRUCTURE, codes, LABOUR_ROWS, file_name="page")
    message = str(refused.value)
    assert "'Kenmerk 19'] ..." in message
    assert "Kenmerk 20" not in message


def test_two_cells_that_are_the_same_codes_are_refused_rather_than_one_lost() -> None:
    twice = YOUTH_TOML + (
        '\n[table.cells.everyone]\n"Onderwijsvolgend" = "Totaal"\n"Arbeidskenmerken" = "Totaal"\n'
    )
    with pytest.raises(SourceFormatError, match="'all_youth' and 'everyone' are the same code"):
        _tidy(_youth_spec(twice), _youth_codes(), YOUTH_ROWS)


def test_two_breakdown_categories_that_resolve_to_one_code_are_refused() -> None:
    twice = LABOUR_TOML + 'education_basic = ["1 Basisonderwijs, vmbo, mbo1"]\n'
    spec = parse_cbs_tables(twice, origin="cbs_tables.toml").get("85494NED")
    assert isinstance(spec, TableSpec)
    with pytest.raises(SourceFormatError, match="'education_low' and 'education_basic'"):
        tidy_rows(
            spec,
            LABOUR_STRUCTURE,
            _labour_codes("Totaal personen", "1 Basisonderwijs, vmbo, mbo1", "3 Hbo, wo"),
            [],
            file_name="85494NED TypedDataSet",
        )


def test_a_title_two_codes_share_is_refused_naming_both_keys() -> None:
    codes = _youth_codes()
    codes["Onderwijsvolgend"] = (*codes["Onderwijsvolgend"], Code("A099999", "Totaal"))
    with pytest.raises(SourceFormatError, match=r"2 codes titled 'Totaal' \(T001040, A099999"):
        _tidy(_youth_spec(), codes, YOUTH_ROWS)


def test_cells_may_not_cross_the_region_dimension() -> None:
    across_regions = YOUTH_TOML.replace(ALL_YOUTH, ALL_YOUTH + '"Regio\'s" = "Nederland"\n')
    across_regions = across_regions.replace(
        '"Arbeidskenmerken" = "Arb.pos.: niet-werkzame bevolking"\n',
        '"Arbeidskenmerken" = "Arb.pos.: niet-werkzame bevolking"\n"Regio\'s" = "Nederland"\n',
    )
    codes = {**_youth_codes(), "RegioS": (Code("NL01", "Nederland"),)}
    with pytest.raises(SourceFormatError, match='cells cross "Regio\'s", the region'):
        _tidy(_youth_spec(across_regions), codes, YOUTH_ROWS)
