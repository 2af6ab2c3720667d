"""SQL models on an in-memory DuckDB: a few literal rows in, the exact rows out."""

from __future__ import annotations

from typing import Any

import duckdb
import pandas as pd
import pytest

from techpact.sources.duo import TIDY_COLUMNS, parse_current_csv, parse_duo_file
from techpact.transforms.catalog import Catalog, load_catalog
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


def catalog_for(resources: set[str]) -> Catalog:
    """The real catalog's indicators that need only the given resources."""
    return Catalog(
        indicators=tuple(i for i in load_catalog().indicators if set(i.resources) <= resources)
    )


def build_tables(tables: dict[str, pd.DataFrame]) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    load_region_seed(con)
    for resource, frame in tables.items():
        con.register("parsed", frame.assign(source_file="literal.csv", source_sha256="abc"))
        con.execute(f'create table "raw_duo__{resource}" as select * from parsed')
        con.unregister("parsed")
    run_models(con, catalog_for(set(tables)))
    return con


def build(rows: list[str]) -> duckdb.DuckDBPyConnection:
    tidy = parse_duo_file("\r\n".join([HEADER, *rows]).encode(), "literal.csv")
    return build_tables({tidy.resource: tidy.rows})


def tidy(records: list[dict[str, Any]]) -> pd.DataFrame:
    """Tidy rows (techpact.sources.duo.TIDY_COLUMNS) from a few literal values."""
    defaults: dict[str, Any] = dict.fromkeys(TIDY_COLUMNS)
    defaults.update(is_suppressed=False, source_format="current", line_number=2, sex="total")
    frame = pd.DataFrame([{**defaults, **r} for r in records], columns=list(TIDY_COLUMNS))
    frame["is_suppressed"] = frame["count"].isna()
    return frame.astype({"count": "Int64", "year": "int32", "line_number": "int64"})


def indicator(con: duckdb.DuckDBPyConnection, model: str) -> list[tuple]:
    return con.execute(
        f"select region_code, period, sex, value, suppressed_cell_count from {model} "
        "order by region_code, sex"
    ).fetchall()


def values(con: duckdb.DuckDBPyConnection, model: str) -> dict[tuple[str, str], float]:
    rows = con.execute(f"select region_code, period, value from {model}").fetchall()
    return {(region, period): value for region, period, value in rows}


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


def test_technology_count_sums_locations_into_gemeente_corop_province_and_nederland(
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
        ("PV23", "2022/23", "total", 40.0, 1),
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


def test_all_hbo_students_count_every_sector_and_their_suppressed_cells(
    twente_and_elsewhere: duckdb.DuckDBPyConnection,
) -> None:
    rows = [r for r in indicator(twente_and_elsewhere, "hbo_enrolment_total") if r[2] == "total"]
    assert rows == [
        ("CR12", "2022/23", "total", 110.0, 1),
        ("GM0153", "2022/23", "total", 100.0, 1),
        ("GM0164", "2022/23", "total", 10.0, 0),
        ("NL01", "2022/23", "total", 510.0, 1),
        ("PV23", "2022/23", "total", 110.0, 1),
    ]


def test_the_share_is_technology_over_all_hbo_students(
    twente_and_elsewhere: duckdb.DuckDBPyConnection,
) -> None:
    mismatched = twente_and_elsewhere.execute(
        """
        select share.region_code, share.sex
        from hbo_enrolment_technology_share as share
        inner join hbo_enrolment_technology as technology using (region_code, period, sex)
        inner join hbo_enrolment_total as total using (region_code, period, sex)
        where share.value <> technology.value / total.value
        """
    ).fetchall()
    compared = twente_and_elsewhere.execute(
        "select count(*) from hbo_enrolment_technology_share"
    ).fetchone()
    assert mismatched == []
    assert compared is not None and compared[0] >= 5


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


def test_overijssel_sums_every_overijssel_gemeente_but_twente_only_its_own() -> None:
    con = build(
        [
            row(2023, "0153", "TECHNIEK", "MAN", 30),  # Enschede: Twente
            row(2023, "0193", "TECHNIEK", "MAN", 50),  # Zwolle: Noord-Overijssel
            row(2023, "0150", "TECHNIEK", "MAN", 20),  # Deventer: Zuidwest-Overijssel
            row(2023, "0202", "TECHNIEK", "MAN", 70),  # Arnhem: Gelderland, Nederland only
        ]
    )
    counts = values(con, "hbo_enrolment_technology")
    assert counts[("CR12", "2023/24")] == 30
    assert counts[("CR10", "2023/24")] == 50
    assert counts[("CR11", "2023/24")] == 20
    assert counts[("PV23", "2023/24")] == 100
    assert counts[("NL01", "2023/24")] == 170
    assert ("GM0202", "2023/24") not in counts


def inflow(year: int, gemeente: str, sector: str, count: int | None) -> dict[str, Any]:
    return {"year": year, "gemeente_code": gemeente, "sector": sector, "count": count}


def test_inflow_share_and_growth_compare_a_year_with_the_one_before() -> None:
    con = build_tables(
        {
            "hbo_inflow_by_programme": tidy(
                [
                    inflow(2019, "GM0153", "TECHNIEK", 100),
                    inflow(2019, "GM0153", "ECONOMIE", 300),
                    inflow(2020, "GM0153", "TECHNIEK", 120),
                    inflow(2020, "GM0153", "TECHNIEK", None),  # suppressed
                    inflow(2020, "GM0153", "ECONOMIE", 280),
                    inflow(2020, "GM0363", "TECHNIEK", 50),  # no 2019 in Amsterdam
                ]
            )
        }
    )
    growth = values(con, "hbo_inflow_technology_growth")
    assert growth == {
        ("GM0153", "2020/21"): pytest.approx(0.2),
        ("CR12", "2020/21"): pytest.approx(0.2),
        ("PV23", "2020/21"): pytest.approx(0.2),
        ("NL01", "2020/21"): pytest.approx(170 / 100 - 1),
    }
    share = values(con, "hbo_inflow_technology_share")
    assert share[("CR12", "2019/20")] == pytest.approx(0.25)
    assert share[("CR12", "2020/21")] == pytest.approx(120 / 400)
    suppressed = con.execute(
        "select suppressed_cell_count from hbo_inflow_technology_growth where region_code = 'CR12'"
    ).fetchone()
    assert suppressed == (1,)


def test_graduates_share_is_per_diploma_year() -> None:
    con = build_tables(
        {
            "wo_graduates_by_programme": tidy(
                [
                    inflow(2021, "GM0153", "TECHNIEK", 60),
                    inflow(2021, "GM0153", "GEDRAG EN MAATSCHAPPIJ", 40),
                ]
            )
        }
    )
    rows = con.execute(
        "select region_code, period, period_type, value from wo_graduates_technology_share "
        "where region_code = 'CR12'"
    ).fetchall()
    assert rows == [("CR12", "2021", "year", pytest.approx(0.6))]


def test_female_share_sums_hbo_and_wo_before_dividing() -> None:
    def enrolled(sex: str, count: int, sector: str = "TECHNIEK") -> dict[str, Any]:
        return {
            "year": 2022,
            "gemeente_code": "GM0153",
            "sector": sector,
            "sex": sex,
            "count": count,
        }

    con = build_tables(
        {
            "hbo_enrolment_by_sex": tidy(
                [enrolled("male", 80), enrolled("female", 20), enrolled("female", 500, "ZORG")]
            ),
            "wo_enrolment_by_sex": tidy([enrolled("male", 10), enrolled("female", 30)]),
        }
    )
    share = values(con, "ho_technology_female_share")
    assert share[("CR12", "2022/23")] == pytest.approx(50 / 140)
    assert share[("CR12", "2022/23")] != pytest.approx((0.2 + 0.75) / 2)


def mbo(
    place: str,
    level: str,
    path: str,
    sex: str,
    count: int | None,
    kamer: str = "techniek en gebouwde omgeving",
) -> dict[str, Any]:
    return {
        "year": 2019,
        "education_sector": "mbo",
        "place_name": place,
        "level": level,
        "study_path": path,
        "sex": sex,
        "count": count,
        "sectorkamer": kamer,
        "source_format": "legacy",
    }


@pytest.fixture
def mbo_students() -> duckdb.DuckDBPyConnection:
    return build_tables(
        {
            "mbo_students_by_qualification": tidy(
                [
                    mbo("HENGELO OV", "2", "BBL", "male", 30),
                    mbo("HENGELO OV", "2", "BBL", "female", 10),
                    mbo("HENGELO OV", "2", "BBL", "total", 40),
                    mbo("HENGELO OV", "4", "BOLVT", "total", 100),
                    mbo("NIJVERDAL", "3", "BBL", "total", 60),
                    mbo("HENGELO OV", "3", "BOLVT", "total", None),  # blank: suppressed
                    mbo("HENGELO OV", "4", "BOLVT", "total", 500, kamer="zorg, welzijn en sport"),
                    mbo("HENGELO GLD", "4", "BOLVT", "total", 25),  # Gelderland: NL only
                ]
            )
        }
    )


def test_mbo_counts_only_dutch_totals_and_matches_places_to_gemeenten(
    mbo_students: duckdb.DuckDBPyConnection,
) -> None:
    students = values(mbo_students, "mbo_technical_students")
    assert students == {
        ("GM0164", "2019/20"): 140,
        ("GM0163", "2019/20"): 60,
        ("CR12", "2019/20"): 200,
        ("PV23", "2019/20"): 200,
        ("NL01", "2019/20"): 225,
    }
    assert values(mbo_students, "mbo_technical_students_level2")[("CR12", "2019/20")] == 40
    assert values(mbo_students, "mbo_technical_students_level3")[("CR12", "2019/20")] == 60
    assert values(mbo_students, "mbo_technical_students_level4")[("CR12", "2019/20")] == 100


def test_mbo_level34_and_bbl_shares(mbo_students: duckdb.DuckDBPyConnection) -> None:
    assert values(mbo_students, "mbo_technical_level34_share")[
        ("CR12", "2019/20")
    ] == pytest.approx(160 / 200)
    assert values(mbo_students, "mbo_technical_bbl_share")[("CR12", "2019/20")] == pytest.approx(
        100 / 200
    )
    suppressed = mbo_students.execute(
        "select suppressed_cell_count from mbo_technical_bbl_share where region_code = 'CR12'"
    ).fetchone()
    assert suppressed == (1,)


def test_current_parser_rows_still_parse_for_callers_of_the_plain_layout() -> None:
    parsed = parse_current_csv(
        "\r\n".join([HEADER, row(2022, "0153", "TECHNIEK", "MAN", 3)]).encode(), "x.csv"
    )
    assert parsed.layout.resource == "hbo_enrolment_by_sex"
    assert parsed.rows["count"].tolist() == [3]


# --- mbo: legacy deelnemers (TOTAAL) and the portal files (MAN + VROUW) ----------------------


def portal_mbo(
    year: int,
    place: str,
    level: str,
    path: str,
    sex: str,
    count: int | None,
    kamer: str = "techniek en gebouwde omgeving",
) -> dict[str, Any]:
    """A tidy row of a current-portal mbo file: male or female, never a total."""
    return {
        **mbo(place, level, path, sex, count, kamer),
        "year": year,
        "source_format": "current",
    }


@pytest.fixture
def mbo_legacy_and_portal() -> duckdb.DuckDBPyConnection:
    legacy = tidy(
        [
            mbo("HENGELO OV", "2", "BBL", "male", 30),
            mbo("HENGELO OV", "2", "BBL", "female", 10),
            mbo("HENGELO OV", "2", "BBL", "total", 40),
        ]
    ).assign(source_file="legacy.csv")
    portal = tidy(
        [
            portal_mbo(2023, "HENGELO OV", "2", "BBL", "male", 30),
            portal_mbo(2023, "HENGELO OV", "2", "BBL", "female", None),  # -1: suppressed
            portal_mbo(2023, "ENSCHEDE", "4", "BOLVT", "male", 50),
            portal_mbo(2023, "ENSCHEDE", "4", "BOLVT", "female", 20),
            portal_mbo(2023, "ENSCHEDE", "3", "EX", "male", 10),  # extraneus: no BBL, no BOL
            portal_mbo(2023, "EINDHOVEN", "3", "BBL", "male", 70),
            portal_mbo(2023, "GELDROP", "4", "BOLDT", "female", 30),  # gemeente Geldrop-Mierlo
            portal_mbo(2023, "EINDHOVEN", "4", "BOLVT", "female", 900, kamer="handel"),
        ]
    )
    con = duckdb.connect()
    load_region_seed(con)
    rows = pd.concat([legacy.assign(source_sha256="old"), portal.assign(source_file="new.csv")])
    con.register("parsed", rows.fillna({"source_sha256": "new"}))
    con.execute("create table raw_duo__mbo_students_by_qualification as select * from parsed")
    run_models(con, catalog_for({"mbo_students_by_qualification"}))
    return con


def test_portal_years_sum_male_and_female_and_legacy_years_use_totaal(
    mbo_legacy_and_portal: duckdb.DuckDBPyConnection,
) -> None:
    students = values(mbo_legacy_and_portal, "mbo_technical_students")
    assert students[("CR12", "2019/20")] == 40  # TOTAAL only, not 30 + 10 + 40
    assert students[("CR12", "2023/24")] == 30 + 50 + 20 + 10
    assert students[("GM0164", "2023/24")] == 30
    assert students[("GM0772", "2023/24")] == 70
    assert students[("GM1771", "2023/24")] == 30
    assert students[("CR36", "2023/24")] == 100
    assert students[("NL01", "2023/24")] == 210
    dataset = mbo_legacy_and_portal.execute(
        "select period, source_dataset from mbo_technical_students where region_code = 'NL01' "
        "order by period"
    ).fetchall()
    assert dataset == [("2019/20", "mbo-deelnemers"), ("2023/24", "mbo-studenten-per-instelling")]


def test_portal_bbl_share_counts_extraneus_in_the_whole_but_not_as_bbl(
    mbo_legacy_and_portal: duckdb.DuckDBPyConnection,
) -> None:
    bbl = values(mbo_legacy_and_portal, "mbo_technical_bbl_share")
    assert bbl[("CR12", "2023/24")] == pytest.approx(30 / 110)
    assert bbl[("CR36", "2023/24")] == pytest.approx(70 / 100)
    level34 = values(mbo_legacy_and_portal, "mbo_technical_level34_share")
    assert level34[("CR12", "2023/24")] == pytest.approx(80 / 110)
    suppressed = mbo_legacy_and_portal.execute(
        "select suppressed_cell_count from mbo_technical_students "
        "where region_code = 'CR12' and period = '2023/24'"
    ).fetchone()
    assert suppressed == (1,)


@pytest.fixture
def mbo_graduates() -> duckdb.DuckDBPyConnection:
    def graduate(place: str, sex: str, count: int | None, kamer: str) -> dict[str, Any]:
        return {**portal_mbo(2024, place, "3", "BBL", sex, count, kamer), "study_path": "OVO"}

    technical = "techniek en gebouwde omgeving"
    return build_tables(
        {
            "mbo_graduates_by_qualification": tidy(
                [
                    graduate("HENGELO OV", "male", 40, technical),
                    graduate("HENGELO OV", "female", None, technical),  # -1
                    graduate("HENGELO OV", "female", 60, "zorg, welzijn en sport"),
                    graduate("EINDHOVEN", "male", 25, technical),
                    graduate("EINDHOVEN", "female", 75, "handel"),
                    graduate("AMSTERDAM", "male", 100, technical),  # not in the region table
                ]
            )
        }
    )


def test_mbo_graduates_count_technical_diplomas_and_their_share_by_place(
    mbo_graduates: duckdb.DuckDBPyConnection,
) -> None:
    assert values(mbo_graduates, "mbo_technical_graduates") == {
        ("GM0164", "2024"): 40,
        ("CR12", "2024"): 40,
        ("PV23", "2024"): 40,
        ("GM0772", "2024"): 25,
        ("CR36", "2024"): 25,
        # No PV30: the seed lists only Zuidoost-Noord-Brabant of Noord-Brabant.
        ("NL01", "2024"): 165,
    }
    assert values(mbo_graduates, "mbo_graduates_total")[("CR12", "2024")] == 100
    share = values(mbo_graduates, "mbo_graduates_technology_share")
    assert share[("CR12", "2024")] == pytest.approx(40 / 100)
    assert share[("CR36", "2024")] == pytest.approx(25 / 100)
    assert share[("NL01", "2024")] == pytest.approx(165 / 300)
    period_type = mbo_graduates.execute(
        "select distinct period_type, suppressed_cell_count from mbo_technical_graduates "
        "where region_code = 'CR12'"
    ).fetchall()
    assert period_type == [("year", 1)]


def test_mbo_places_match_cbs_gemeente_names_with_a_suffix_unless_the_name_is_shared() -> None:
    """CBS writes 'Hengelo (O.)'; DUO writes 'HENGELO OV'. Two Bergens stay unmatched."""
    from techpact.transforms.runner import read_model_sql

    with duckdb.connect() as con:
        con.execute(
            "create table region as select * from (values "
            "('GM0164', 'Hengelo (O.)', 'gemeente'), ('GM0893', 'Bergen (L.)', 'gemeente'), "
            "('GM0373', 'Bergen (NH.)', 'gemeente'), ('GM0153', 'Enschede', 'gemeente'), "
            "('CR12', 'Twente', 'corop')) as r(region_code, region_name, region_level)"
        )
        places = dict(con.execute(read_model_sql("staging", "stg_duo__mbo_places")).fetchall())
    assert places["HENGELO"] == "GM0164"
    assert places["HENGELO (O.)"] == "GM0164"
    assert places["ENSCHEDE"] == "GM0153"
    assert "BERGEN" not in places
    assert places["BERGEN (NH.)"] == "GM0373"
    assert "TWENTE" not in places
