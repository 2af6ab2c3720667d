"""Pure parsing of CBS OData v3 responses: every quirk met gets a test named after it."""

from __future__ import annotations

import json
from typing import Any

import pytest
from conftest import FIXTURES

from techpact.sources.cbs_parse import (
    TableResponses,
    decode_period,
    match_measures,
    parse_data_properties,
    parse_dimension_list,
    parse_page,
    parse_table_infos,
    tidy_rows,
    tidy_table,
    unit_multiplier,
)
from techpact.sources.cbs_tables import CbsTablesError, MeasureSpec, TableSpec, parse_cbs_tables
from techpact.sources.errors import SourceFormatError

TABLE_DIR = FIXTURES / "cbs" / "85701NED"


def _envelope(values: list[dict[str, Any]], **extra: Any) -> bytes:
    return json.dumps({"odata.metadata": "m", "value": values, **extra}).encode()


GRADUATES_SPEC = TableSpec.model_validate(
    {
        "id": "99999NED",
        "resource": "graduates",
        "title": "Gediplomeerden; test",
        "classification_year": 2024,
        "regions": ["CR12", "NL01"],
        "first_year": 2022,
        "period_types": ["JJ"],
        "measure": [{"role": "graduate_count", "key_prefix": "Gediplomeerden"}],
        "fixed": {"Geslacht": "Totaal"},
    }
)
# A table whose region dimension is called "Regio" and whose measure key ends in _3.
DATA_PROPERTIES = _envelope(
    [
        {"Type": "Dimension", "Key": "Geslacht", "Title": "Geslacht"},
        {"Type": "GeoDimension", "Key": "Regio", "Title": "Regio's"},
        {"Type": "TimeDimension", "Key": "Jaar", "Title": "Perioden"},
        {"Type": "TopicGroup", "Key": "", "Title": "Onderwijs"},
        {"Type": "Topic", "Key": "Gediplomeerden_3", "Title": "Gediplomeerden", "Unit": "x 1 000"},
    ]
)
CODES = {
    "Geslacht": (parse_dimension_list(_envelope([{"Key": "T001038", "Title": "Totaal"}]), "g")),
    "Regio": parse_dimension_list(
        _envelope([{"Key": "CR12    ", "Title": "Twente"}, {"Key": "NL01    ", "Title": "NL"}]), "r"
    ),
    "Jaar": parse_dimension_list(
        _envelope(
            [
                {"Key": "2021JJ00", "Title": "2021"},
                {"Key": "2022JJ00", "Title": "2022"},
                {"Key": "2023JJ00", "Title": "2023*"},
            ]
        ),
        "p",
    ),
}


@pytest.mark.parametrize(
    ("code", "title", "expected"),
    [
        ("2023JJ00", "2023", ("2023", "year", False)),
        ("2018SJ00", "2018/'19", ("2018/19", "school_year", False)),
        ("1999SJ00", "1999/'00", ("1999/00", "school_year", False)),
        ("2025KW02", "2025 2e kwartaal", ("2025-Q2", "quarter", False)),
        ("2019MM12", "2019 december", ("2019-12", "month", False)),
        ("2024JJ00", "2024*", ("2024", "year", True)),
        ("2023SJ00  ", "2023/'24*", ("2023/24", "school_year", True)),
    ],
)
def test_period_codes_decode_with_the_provisional_star(
    code: str, title: str, expected: tuple[str, str, bool]
) -> None:
    period = decode_period(code, title)
    assert (period.period, period.period_type, period.is_provisional) == expected


def test_a_period_status_voorlopig_is_provisional_too() -> None:
    assert decode_period("2024JJ00", "2024", "Voorlopig").is_provisional


@pytest.mark.parametrize("code", ["2023", "2023XX00", "2025KW05", "2019MM13", "JJ00"])
def test_an_unknown_period_code_is_refused(code: str) -> None:
    with pytest.raises(ValueError, match="period code"):
        decode_period(code)


@pytest.mark.parametrize(
    ("unit", "factor"),
    [("x 1 000", 1000.0), ("x 1.000", 1000.0), ("x 1 000 000", 1e6), ("aantal", 1.0), ("%", 1.0)],
)
def test_units_in_thousands_are_multiplied_out(unit: str, factor: float) -> None:
    assert unit_multiplier(unit) == factor


def test_region_and_period_dimensions_and_topics_come_from_data_properties() -> None:
    structure = parse_data_properties(DATA_PROPERTIES, "DataProperties")
    assert structure.region_key == "Regio"
    assert structure.period_key == "Jaar"
    assert [t.key for t in structure.topics] == ["Gediplomeerden_3"]
    assert [d.key for d in structure.dimensions] == ["Geslacht", "Regio", "Jaar"]


def test_a_region_dimension_named_regio_and_a_suffixed_measure_key_give_tidy_rows() -> None:
    structure = parse_data_properties(DATA_PROPERTIES, "DataProperties")
    cells = [
        ("CR12    ", "2021JJ00", 1.0),
        ("CR12    ", "2022JJ00", 4.2),
        ("NL01    ", "2023JJ00", None),
        ("GM0153  ", "2023JJ00", 2.0),
    ]
    rows = [
        {"ID": n, "Geslacht": "T001038", "Regio": r, "Jaar": p, "Gediplomeerden_3": v}
        for n, (r, p, v) in enumerate(cells)
    ]
    frame = tidy_rows(GRADUATES_SPEC, structure, CODES, rows, file_name="page")
    assert frame[["region_code", "period", "is_provisional", "measure"]].values.tolist() == [
        ["CR12", "2022", False, "graduate_count"],
        ["NL01", "2023", True, "graduate_count"],
    ]
    assert frame["value"].tolist()[0] == 4200.0
    assert frame["value"].isna().tolist() == [False, True]
    assert set(frame["source_dataset"]) == {"99999NED"}


def test_a_dimension_not_held_fixed_is_an_error() -> None:
    structure = parse_data_properties(DATA_PROPERTIES, "DataProperties")
    spec = GRADUATES_SPEC.model_copy(update={"fixed": {}})
    with pytest.raises(SourceFormatError, match=r"dimension\(s\) \['Geslacht'\] are neither"):
        tidy_rows(spec, structure, CODES, [], file_name="page")


def test_a_measure_whose_title_matches_no_topic_names_the_topics() -> None:
    structure = parse_data_properties(DATA_PROPERTIES, "DataProperties")
    spec = TableSpec.model_validate(
        GRADUATES_SPEC.model_dump() | {"measure": [{"role": "x", "title": "Geslaagden"}]}
    )
    with pytest.raises(SourceFormatError, match=r"0 topics match measure 'x'.*Gediplomeerden"):
        tidy_rows(spec, structure, CODES, [], file_name="page")


def test_a_value_that_is_not_a_number_is_refused_with_line_and_column() -> None:
    structure = parse_data_properties(DATA_PROPERTIES, "DataProperties")
    rows = [{"Geslacht": "T001038", "Regio": "CR12", "Jaar": "2022JJ00", "Gediplomeerden_3": "."}]
    with pytest.raises(SourceFormatError, match="page, line 1, column Gediplomeerden_3"):
        tidy_rows(GRADUATES_SPEC, structure, CODES, rows, file_name="page")


def test_data_properties_with_two_geo_dimensions_or_no_time_dimension_are_refused() -> None:
    geo = {"Type": "GeoDimension", "Key": "RegioS", "Title": "Regio's"}
    for entries in ([geo, geo], [geo]):
        with pytest.raises(SourceFormatError, match="at most one GeoDimension"):
            parse_data_properties(_envelope(entries), "DataProperties")


NATIONAL_PROPERTIES = _envelope(
    [
        {"Type": "Dimension", "Key": "Geslacht", "Title": "Geslacht"},
        {"Type": "TimeDimension", "Key": "Jaar", "Title": "Perioden"},
        {"Type": "Topic", "Key": "Gediplomeerden_3", "Title": "Gediplomeerden", "Unit": "x 1 000"},
    ]
)


def test_a_table_without_a_region_dimension_needs_region_code_and_then_gets_it() -> None:
    structure = parse_data_properties(NATIONAL_PROPERTIES, "DataProperties")
    assert structure.region_key is None
    rows = [{"Geslacht": "T001038", "Jaar": "2022JJ00", "Gediplomeerden_3": 1.5}]
    with pytest.raises(SourceFormatError, match=r"no region dimension.*give region_code"):
        tidy_rows(GRADUATES_SPEC, structure, CODES, rows, file_name="page")
    national = GRADUATES_SPEC.model_copy(update={"regions": None, "region_code": "NL01"})
    tidy = tidy_rows(national, structure, CODES, rows, file_name="page")
    assert tidy[["region_code", "value"]].values.tolist() == [["NL01", 1500.0]]


def test_region_code_is_refused_for_a_table_with_a_region_dimension() -> None:
    structure = parse_data_properties(DATA_PROPERTIES, "DataProperties")
    national = GRADUATES_SPEC.model_copy(update={"regions": None, "region_code": "NL01"})
    with pytest.raises(SourceFormatError, match="has region dimension 'Regio': drop region_code"):
        tidy_rows(national, structure, CODES, [], file_name="page")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"<html>Service unavailable</html>", "an HTML or XML page, not JSON"),
        (b'{"odata.metadata":"m"}', "no 'value' list"),
        (b"[1, 2]", "no 'value' list"),
        (b'{"value":[1]}', "rows must be JSON objects"),
        (b'{"value":[],"odata.nextLink":5}', "nextLink is not a string"),
    ],
)
def test_a_page_that_is_not_an_odata_envelope_is_refused(data: bytes, message: str) -> None:
    with pytest.raises(SourceFormatError, match=message):
        parse_page(data, "page")


def test_the_last_page_has_no_next_link() -> None:
    first = parse_page((TABLE_DIR / "TypedDataSet-1.json").read_bytes(), "1")
    last = parse_page((TABLE_DIR / "TypedDataSet-3.json").read_bytes(), "3")
    assert (
        first.next_link == "{base_url}/ODataFeed/odata/85701NED/TypedDataSet?$format=json&$skip=8"
    )
    assert last.next_link is None


def test_table_infos_gives_modified() -> None:
    info = parse_table_infos((TABLE_DIR / "TableInfos.json").read_bytes(), "TableInfos")
    assert info["Modified"] == "2025-03-14T02:00:00"
    assert info["Identifier"] == "85701NED"


def test_padded_region_keys_are_trimmed_in_code_lists() -> None:
    codes = parse_dimension_list((TABLE_DIR / "RegioS.json").read_bytes(), "RegioS")
    assert [c.key for c in codes] == ["NL01", "PV23", "CR12", "GM0153"]


def test_the_recorded_fixture_pages_parse_to_the_same_rows_as_one_page() -> None:
    dims = ("Geslacht", "Leeftijd", "Onderwijssoort", "Migratieachtergrond", "RegioS", "Perioden")
    pages = [(TABLE_DIR / f"TypedDataSet-{n}.json").read_bytes() for n in (1, 2, 3)]
    all_rows = [row for page in pages for row in json.loads(page)["value"]]
    spec = parse_cbs_tables(
        (FIXTURES.parent.parent / "sources" / "cbs_tables.toml").read_text(), origin="t"
    ).get("85701NED")

    def responses(page_bodies: list[bytes]) -> TableResponses:
        return TableResponses(
            table_infos=(TABLE_DIR / "TableInfos.json").read_bytes(),
            data_properties=(TABLE_DIR / "DataProperties.json").read_bytes(),
            dimensions={d: (TABLE_DIR / f"{d}.json").read_bytes() for d in dims},
            pages=tuple(page_bodies),
        )

    paged = tidy_table(spec, responses(pages), file_name="paged")
    single = tidy_table(spec, responses([_envelope(all_rows)]), file_name="single")
    assert paged.equals(single)
    assert len(paged) == 18


@pytest.mark.parametrize(
    ("change", "named"),
    [
        (('id = "85701NED"', 'id = "85701/NED"'), "table #2 (85701/NED): field id"),
        (("first_year = 2019", 'first_year = "2019x"'), "field first_year"),
        (("first_year = 2019", 'regions = ["Twente"]\nfirst_year = 2019'), "region keys"),
        (('period_types = ["SJ"]', 'period_types = ["YY"]'), "field period_types"),
        # the region-hierarchy entry (CBS "Gebieden in Nederland")
        (('\nkind = "region_hierarchy"', '\nkind = "regions"'), "table #1 (85755NED): field"),
        (('corop = "COROP-gebieden", ', ""), "table #1 (85755NED): field levels.corop"),
        (('code_topic = "Code"', 'code_topic = "Code"\nregions = ["CR12"]'), "regions"),
        (("levels = {", "level = {"), "table #1 (85755NED): field levels"),
        # which API serves a table; the one region of a table without a region dimension
        (('api = "v3"', 'api = "v5"'), "(86088NED): field api"),
        (('api = "v3"', 'api = "v3"\nregion_code = "Nederland"'), "region keys"),
        (
            ('api = "v3"', 'api = "v3"\nregion_code = "NL01"\nregions = ["CR12"]'),
            "(86088NED): field (entry): Value error, give regions",
        ),
    ],
)
def test_a_typo_in_cbs_tables_fails_naming_the_table_and_field(
    change: tuple[str, str], named: str
) -> None:
    text = (FIXTURES.parent.parent / "sources" / "cbs_tables.toml").read_text()
    assert change[0] in text
    with pytest.raises(CbsTablesError, match=named.replace("(", r"\(").replace(")", r"\)")):
        parse_cbs_tables(text.replace(change[0], change[1], 1), origin="cbs_tables.toml")


def test_a_measure_title_matches_whatever_its_spacing_as_v3_and_v4_spell_it_differently() -> None:
    """v3 85269NED says "Nettoarbeidsparticipatie", v4 85224NED "Netto arbeidsparticipatie"."""
    properties = _envelope(
        [
            {"Type": "GeoDimension", "Key": "RegioS", "Title": "Regio's"},
            {"Type": "TimeDimension", "Key": "Perioden", "Title": "Perioden"},
            {"Type": "Topic", "Key": "M001796_2", "Title": "Netto arbeidsparticipatie"},
        ]
    )
    spec = GRADUATES_SPEC.model_copy(
        update={"measure": (MeasureSpec(role="net", title="Nettoarbeidsparticipatie"),)}
    )
    structure = parse_data_properties(properties, "Dimensions")
    assert match_measures(structure, spec, "Dimensions") == {"M001796_2": "net"}
