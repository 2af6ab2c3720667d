"""DuckDB's CSV reader as the DUO loader's fast path: a current hbo/wo file read straight into
a table gives exactly the parser's tidy rows (same columns, types, values and line numbers),
and every file it cannot read exactly so is declined and left to the parser."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from conftest import REPO_ROOT, shared_file

from techpact.sources.duo import parse_duo_file
from techpact.sources.errors import SourceFormatError
from techpact.sources.landing import LandingZone
from techpact.warehouse.loaders import duo as duo_loader
from techpact.warehouse.loaders.duo_csv import FileRead, FileScan, read_current
from techpact.warehouse.loaders.duo_legacy_csv import read_legacy

CURRENT = "duo/onderwijsdata_ckan_2026"
REAL_CURRENT_HO = [
    f"{CURRENT}/ingeschrevenengeslhbo.csv",
    f"{CURRENT}/ingeschrevenenhbo.csv",
    f"{CURRENT}/eerstejaarsingeschrevenenhbo.csv",
    f"{CURRENT}/gediplomeerdenhbo.csv",
]
# The generated sample's current-format files (hbo/wo and mbo): quoted, comma-separated.
SAMPLE_CURRENT = sorted(
    path
    for path in (REPO_ROOT / "sample" / "landing" / "duo").glob("*/*/*.csv")
    if path.read_bytes().startswith(b'"')
)

HEADER = (
    '"STUDIEJAAR","PROVINCIENAAM","GEMEENTENUMMER","GEMEENTENAAM","SOORT_INSTELLING",'
    '"TYPE_HOGER_ONDERWIJS","INSTELLINGSCODE_ACTUEEL","INSTELLINGSNAAM_ACTUEEL","ONDERDEEL",'
    '"SUBONDERDEEL","GESLACHT","AANTAL_INGESCHREVENEN"'
)


def line(year: str = "2024", count: str = "12", **fields: str) -> str:
    values = {
        "gemeente": "0153",
        "name": "Saxion Hogeschool",
        "onderdeel": "TECHNIEK",
        "sex": "MAN",
        "province": "Overijssel",
        **fields,
    }
    return (
        f'"{year}","{values["province"]}","{values["gemeente"]}","Enschede","reguliere inst.",'
        f'"bachelor","23AH","{values["name"]}","{values["onderdeel"]}","n.v.t.",'
        f'"{values["sex"]}",{count}'
    )


def csv_file(tmp_path: Path, *lines: str, newline: str = "\n", name: str = "f.csv") -> Path:
    path = tmp_path / name
    path.write_bytes((newline.join([HEADER, *lines]) + newline).encode())
    return path


def fast_read(path: Path) -> tuple[FileRead | None, duckdb.DuckDBPyConnection]:
    con = duckdb.connect()
    return read_current(
        con, path, FileScan.of(path), "part", file_name=path.name, sha256="sha"
    ), con


def legacy_read(
    path: Path, dataset: str | None = None
) -> tuple[FileRead | None, duckdb.DuckDBPyConnection]:
    con = duckdb.connect()
    read = read_legacy(
        con,
        FileScan.of(path),
        "part",
        path=path,
        file_name=path.name,
        sha256="sha",
        dataset=dataset,
    )
    return read, con


def assert_same_as_parser(path: Path, dataset: str | None = None) -> FileRead:
    read, con = fast_read(path) if dataset is None else (None, None)
    if read is None:
        read, con = legacy_read(path, dataset)
    assert read is not None and con is not None, f"{path.name} was declined"
    tidy = parse_duo_file(path.read_bytes(), path.name, dataset=dataset)
    assert (read.empty_records, read.empty_year_groups) == (
        tidy.empty_records,
        tidy.empty_year_groups,
    )
    assert (read.resource, read.dataset) == (tidy.resource, tidy.dataset)
    years = tidy.rows["year"].unique().tolist() if "year" in tidy.rows else []  # addresses: none
    assert read.years == tuple(sorted(years))
    con.register("parsed", tidy.rows)
    assert con.execute("select distinct source_file, source_sha256 from part").fetchall() == [
        (path.name, "sha")
    ]
    con.execute("create view read_rows as select * exclude (source_file, source_sha256) from part")
    assert [tuple(c[:2]) for c in con.execute("describe read_rows").fetchall()] == [
        tuple(c[:2]) for c in con.execute("describe parsed").fetchall()
    ]
    different = con.execute(
        "select count(*) from ((from read_rows except all from parsed) "
        "union all (from parsed except all from read_rows))"
    ).fetchone()
    assert different == (0,)
    return read


@pytest.mark.parametrize("name", REAL_CURRENT_HO)
def test_every_real_current_hbo_file_reads_as_the_parser_reads_it(name: str) -> None:
    assert_same_as_parser(shared_file(name))


@pytest.mark.parametrize("path", SAMPLE_CURRENT, ids=lambda path: path.name)
def test_every_current_sample_file_hbo_wo_and_mbo_reads_as_the_parser_reads_it(path: Path) -> None:
    assert_same_as_parser(path)


def test_suppression_markers_padding_and_line_numbers(tmp_path: Path) -> None:
    path = csv_file(
        tmp_path,
        line(count="-1"),
        line(count='"<5"', sex="VROUW"),
        line(count=" 7 ", gemeente="14", sex="onbekend"),
        newline="\r\n",
    )
    assert_same_as_parser(path)
    _, con = fast_read(path)
    assert con.execute(
        'select line_number, "count", is_suppressed, gemeente_code, sex from part'
    ).fetchall() == [
        (2, None, True, "GM0153", "male"),
        (3, None, True, "GM0153", "female"),
        (4, 7, False, "GM0014", "unknown"),
    ]


def test_text_is_stripped_of_every_whitespace_python_strips(tmp_path: Path) -> None:
    path = csv_file(
        tmp_path,
        line(name="\u00a0Saxion Hogeschool\t", province=" Overijssel\u2003"),
        line(sex=" vrouw "),
    )
    assert_same_as_parser(path)


def test_a_byte_order_mark_is_read_past(tmp_path: Path) -> None:
    path = csv_file(tmp_path, line())
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert_same_as_parser(path)


def test_a_file_of_a_university_is_wo(tmp_path: Path) -> None:
    read = assert_same_as_parser(
        csv_file(tmp_path, line(name="Universiteit Twente"), line(name="University of Twente"))
    )
    assert read.resource == "wo_enrolment_by_sex"


@pytest.mark.parametrize(
    ("why", "lines", "newline"),
    [
        ("a blank line", [line(), "", line(year="2023")], "\n"),
        ("a record over two lines", [line(name="Saxion\nHogeschool")], "\n"),
        ("a lone carriage return", [line(), line(year="2023")], "\r"),
        ("a NUL byte", [line(name="Sax\x00ion")], "\n"),
        ("a year that is not one", [line(year="24")], "\n"),
        ("a count that is not one", [line(count="twelve")], "\n"),
        ("a negative count", [line(count="-5")], "\n"),
        ("a minus zero", [line(count="-0")], "\n"),
        ("a count beyond 64 bits", [line(count="99999999999999999999")], "\n"),
        ("a gemeente number that is not one", [line(gemeente="01a3")], "\n"),
        ("a folded column outside ASCII", [line(onderdeel="TECHNİEK")], "\n"),
        ("too few fields", [line().rsplit(",", 1)[0]], "\n"),
        ("a header only", [], "\n"),
    ],
)
def test_what_it_cannot_read_as_the_parser_does_is_declined(
    tmp_path: Path, why: str, lines: list[str], newline: str
) -> None:
    read, con = fast_read(csv_file(tmp_path, *lines, newline=newline))
    assert read is None, why
    assert con.execute("select count(*) from duckdb_tables()").fetchone() == (0,)


def test_a_header_with_an_extra_column_is_declined(tmp_path: Path) -> None:
    path = tmp_path / "f.csv"
    path.write_text(HEADER + ',"OPMERKING"\n' + line() + ',""\n', encoding="utf-8")
    assert fast_read(path)[0] is None


def test_a_declined_file_gets_the_parsers_result_or_error_through_the_loader(
    tmp_path: Path,
) -> None:
    zone = LandingZone(tmp_path / "landing")
    for name, lines in {
        "blank.csv": [line(), "", line(year="2023")],
        "bad.csv": [line(count="x")],
    }.items():
        data = ("\n".join([HEADER, *lines]) + "\n").encode()
        zone.land_bytes(
            data,
            source="duo",
            dataset="p01hoinges",
            resource=name.removesuffix(".csv"),
            file_name=name,
            media_type="text/csv",
            fetched_at="2026-01-01T00:00:00+00:00",
        )
    con = duckdb.connect()
    with pytest.raises(duo_loader.BuildError, match="'hbo_enrolment_by_sex'"):
        duo_loader.load_raw(con, zone, ["blank"])  # parsed (a blank line is skipped), wrong name
    with pytest.raises(SourceFormatError, match=r"bad\.csv, line 2, column AANTAL_INGESCHREVENEN"):
        duo_loader.load_raw(con, zone, ["bad"])
    assert con.execute("select count(*) from duckdb_tables()").fetchone() == (0,)


MBO_HEADER = (
    '"INSTELLINGSCODE","INSTELLINGSNAAM","PLAATSNAAM INSTELLING","LEERWEG","NIVEAU",'
    '"ERKENDE OPLEIDING CODE","ERKENDE OPLEIDING NAAM","SECTORKAMER NAAM","HOOFDGROEP NAAM",'
    '"DIPMAN2024","DIPVROUW2024","DIPMAN2025","DIPVROUW2025"'
)


def mbo_file(tmp_path: Path, *counts: str, header: str = MBO_HEADER) -> Path:
    path = tmp_path / "mbo.csv"
    text = (
        '"27YU","ROC van Twente"," HENGELO OV","bbl",2,25250,"Monteur","Techniek en gebouwde '
        'omgeving","Bouw en infra",'
    )
    path.write_text(f"{header}\r\n{text}{','.join(counts)}\r\n", encoding="utf-8")
    return path


def test_a_wide_mbo_file_becomes_one_row_per_count_cell_in_the_parsers_order(
    tmp_path: Path,
) -> None:
    path = mbo_file(tmp_path, "44", "-1", "0", "7")
    read = assert_same_as_parser(path)
    assert read.resource == "mbo_graduates_by_qualification"
    _, con = fast_read(path)
    assert con.execute(
        'select year, sex, "count", is_suppressed, place_name, study_path, line_number from part'
    ).fetchall() == [
        (2024, "male", 44, False, "HENGELO OV", "BBL", 2),
        (2024, "female", None, True, "HENGELO OV", "BBL", 2),
        (2025, "male", 0, False, "HENGELO OV", "BBL", 2),
        (2025, "female", 7, False, "HENGELO OV", "BBL", 2),
    ]


@pytest.mark.parametrize(
    ("why", "counts", "header"),
    [
        ("a blank count (the portal never writes one)", ["44", "", "0", "7"], MBO_HEADER),
        ("a year with MAN but no VROUW", ["44", "1", "0"], MBO_HEADER.rsplit(",", 1)[0]),
        ("a column besides the layout's", ["44", "1", "0", "7", "x"], MBO_HEADER + ',"X"'),
    ],
)
def test_what_it_cannot_read_of_an_mbo_file_is_declined(
    tmp_path: Path, why: str, counts: list[str], header: str
) -> None:
    assert fast_read(mbo_file(tmp_path, *counts, header=header))[0] is None, why


LEGACY = "duo/open_onderwijsdata_legacy_2019"
REAL_LEGACY = {
    f"{LEGACY}/hbo_gediplomeerden_2019.csv": None,
    f"{LEGACY}/hbo_inscriptions_2019.csv": "p02ho1ejrs",
    f"{LEGACY}/wo_inscriptions_2019.csv": "p01hoinges",
    f"{LEGACY}/mbo_inscriptions_2019_EXCERPT_first100_plus_27YU.csv": None,
    f"{CURRENT}/01.-instellingen-hbo-en-wo.csv": None,
}
SAMPLE_LEGACY = {
    path: "p02ho1ejrs" if path.name.startswith("03b-") else None
    for path in (REPO_ROOT / "sample" / "landing" / "duo").glob("*/*/*.csv")
    if path not in SAMPLE_CURRENT
}


@pytest.mark.parametrize(("name", "dataset"), REAL_LEGACY.items())
def test_every_real_legacy_file_reads_as_the_parser_reads_it(
    name: str, dataset: str | None
) -> None:
    assert_same_as_parser(shared_file(name), dataset)


@pytest.mark.parametrize(
    ("path", "dataset"), SAMPLE_LEGACY.items(), ids=lambda p: getattr(p, "name", p)
)
def test_every_legacy_sample_file_reads_as_the_parser_reads_it(
    path: Path, dataset: str | None
) -> None:
    assert_same_as_parser(path, dataset)


LEGACY_HEADER = (
    "PROVINCIE;GEMEENTENUMMER;GEMEENTENAAM;SOORT INSTELLING;BRIN NUMMER ACTUEEL;"
    "INSTELLINGSNAAM ACTUEEL;CROHO ONDERDEEL;CROHO SUBONDERDEEL;OPLEIDINGSCODE ACTUEEL;"
    "OPLEIDINGSNAAM ACTUEEL;OPLEIDINGSVORM;SOORT DIPLOMA;GESLACHT;2017;2018"
)


def legacy_file(tmp_path: Path, *counts: str, header: str = LEGACY_HEADER, **kw: str) -> Path:
    name = kw.get("name", "Saxion Hogeschool")
    line = (
        f"Overijssel;153;Enschede;reguliere inst.;23AH;{name};techniek;n.v.t.;34267;"
        f"B Elektrotechniek;voltijd onderwijs;hbo bachelor;vrouw;{';'.join(counts)}"
    )
    path = tmp_path / "legacy.csv"
    path.write_bytes(f'{header}\r\n""\r\n{line}\r\n'.encode(kw.get("encoding", "utf-8")))
    return path


def test_a_legacy_file_in_iso_8859_1_with_blank_counts_and_empty_records(tmp_path: Path) -> None:
    path = legacy_file(tmp_path, "", "12", name="Hogeschool Zuyd café", encoding="iso-8859-1")
    read = assert_same_as_parser(path)
    assert (read.resource, read.empty_records) == ("hbo_graduates_by_programme", 1)
    _, con = legacy_read(path)
    assert con.execute(
        'select year, "count", is_suppressed, gemeente_code, institution_name, line_number '
        "from part"
    ).fetchall() == [
        (2017, None, True, "GM0153", "Hogeschool Zuyd café", 3),
        (2018, 12, False, "GM0153", "Hogeschool Zuyd café", 3),
    ]


@pytest.mark.parametrize(
    ("why", "counts", "header"),
    [
        ("a count that is not one", ["x", "1"], LEGACY_HEADER),
        ("a record with a field too many", ["1", "2", "3"], LEGACY_HEADER),
        ("an AVG flag column", ["1", "2", "N"], LEGACY_HEADER + ";AVG"),
        ("a header the parser refuses", ["1", "2"], LEGACY_HEADER.replace("GESLACHT", "SEKSE")),
    ],
)
def test_what_it_cannot_read_of_a_legacy_file_is_declined(
    tmp_path: Path, why: str, counts: list[str], header: str
) -> None:
    read, con = legacy_read(legacy_file(tmp_path, *counts, header=header))
    assert read is None, why
    assert con.execute("select count(*) from duckdb_tables()").fetchone() == (0,)


def test_a_legacy_student_file_without_its_dataset_is_left_to_the_parser(
    tmp_path: Path,
) -> None:
    header = LEGACY_HEADER.replace(";SOORT DIPLOMA", "").replace(
        "SOORT INSTELLING;", "SOORT INSTELLING;TYPE HOGER ONDERWIJS;"
    )
    path = tmp_path / "students.csv"
    path.write_text(
        f"{header}\r\nOverijssel;153;Enschede;reguliere inst.;bachelor;23AH;Saxion;techniek;"
        "n.v.t.;34267;B Elektrotechniek;voltijd onderwijs;man;5;6\r\n",
        encoding="utf-8",
    )
    assert legacy_read(path)[0] is None  # all students or first-years: the header cannot tell
    assert legacy_read(path, "p02ho1ejrs")[0] is not None
