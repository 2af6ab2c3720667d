"""SQL models on an in-memory DuckDB: a few literal rows in, the exact rows out."""

from __future__ import annotations

import duckdb
import pytest

from techpact.sources.duo import parse_current_csv
from techpact.transforms.catalog import load_catalog
from techpact.transforms.runner import load_region_seed, run_models

HEADER = (
    '"STUDIEJAAR","PROVINCIENAAM","GEMEENTENUMMER","GEMEENTENAAM","SOORT_INSTELLING",'
    '"TYPE_HOGER_ONDERWIJS","INSTELLINGSCODE_ACTUEEL","INSTELLINGSNAAM_ACTUEEL","ONDERDEEL",'
    '"SUBONDERDEEL","GESLACHT","AANTAL_INGESCHREVENEN"'
)


def row(year: int, gemeente: str, sector: str, sex: str, count: int) -> str:
    return (
        f'"{year}","Overijssel","{gemeente}","X","reguliere inst.","bachelor","23AH",'
        f'"Saxion Hogeschool","{sector}","n.v.t.","{sex}",{count}'
    )


def build(rows: list[str]) -> duckdb.DuckDBPyConnection:
    parsed = parse_current_csv("\r\n".join([HEADER, *rows]).encode(), "literal.csv")
    frame = parsed.rows.assign(source_file="literal.csv", source_sha256="abc")
    con = duckdb.connect()
    load_region_seed(con)
    con.register("parsed", frame)
    con.execute("create table raw_duo__hbo_enrolment_by_sex as select * from parsed")
    run_models(con, load_catalog())
    return con


def indicator(con: duckdb.DuckDBPyConnection, model: str) -> list[tuple]:
    return con.execute(
        f"select region_code, period, sex, value, suppressed_cell_count from {model} "
        "order by region_code, sex"
    ).fetchall()


@pytest.fixture
def twente_and_elsewhere() -> duckdb.DuckDBPyConnection:
    return build(
        [
            row(2022, "0153", "TECHNIEK", "MAN", 30),
            row(2022, "0153", "TECHNIEK", "VROUW", -1),  # suppressed: fewer than 5
            row(2022, "0153", "ECONOMIE", "VROUW", 70),
            row(2022, "0164", "TECHNIEK", "MAN", 10),
            row(2022, "0363", "TECHNIEK", "MAN", 100),  # Amsterdam: Nederland only
            row(2022, "0363", "ECONOMIE", "MAN", 300),
        ]
    )


def test_technology_count_sums_locations_into_gemeente_corop_and_nederland(
    twente_and_elsewhere: duckdb.DuckDBPyConnection,
) -> None:
    rows = [
        r for r in indicator(twente_and_elsewhere, "hbo_enrolment_technology") if r[2] in {"total"}
    ]
    assert rows == [
        ("CR12", "2022/23", "total", 40.0, 1),
        ("GM0153", "2022/23", "total", 30.0, 1),
        ("GM0164", "2022/23", "total", 10.0, 0),
        ("NL01", "2022/23", "total", 140.0, 1),
    ]


def test_technology_count_is_broken_down_by_sex(
    twente_and_elsewhere: duckdb.DuckDBPyConnection,
) -> None:
    rows = [
        r for r in indicator(twente_and_elsewhere, "hbo_enrolment_technology") if r[0] == "CR12"
    ]
    assert rows == [
        ("CR12", "2022/23", "female", 0.0, 1),
        ("CR12", "2022/23", "male", 40.0, 0),
        ("CR12", "2022/23", "total", 40.0, 1),
    ]


def test_share_divides_summed_numerator_by_summed_denominator(
    twente_and_elsewhere: duckdb.DuckDBPyConnection,
) -> None:
    rows = {
        (r[0], r[2]): r[3]
        for r in indicator(twente_and_elsewhere, "hbo_enrolment_technology_share")
    }
    assert rows[("CR12", "total")] == pytest.approx(40 / 110)
    assert rows[("GM0153", "total")] == pytest.approx(30 / 100)
    assert rows[("NL01", "total")] == pytest.approx(140 / 510)
    # Not the mean of the gemeente shares (0.3 and 1.0):
    assert rows[("CR12", "total")] != pytest.approx((0.3 + 1.0) / 2)


def test_share_is_absent_where_every_cell_is_suppressed() -> None:
    con = build([row(2021, "0153", "TECHNIEK", "MAN", -1), row(2021, "0363", "ECONOMIE", "MAN", 9)])
    regions = {r[0] for r in indicator(con, "hbo_enrolment_technology_share")}
    assert regions == {"NL01"}
