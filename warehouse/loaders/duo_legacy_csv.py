"""Read a legacy duo.nl DUO file with DuckDB's CSV reader, straight into a table.

The legacy format (:mod:`techpact.sources.duo_legacy`) is unquoted and ``;``-separated, one
record per line: DuckDB reads each line as one text and splits it on ``;`` in SQL, exactly as
the parser's ``csv.reader(delimiter=";", quoting=QUOTE_NONE)`` does. Lines holding only ``""``
(or nothing) are counted as empty records, a wide file becomes one row per count cell, a blank
count is a suppressed cell, and an mbo year whose MAN, VROUW and TOTAAL cells are all blank
yields no rows (an empty year group), all as the parser does it.

As for the current format (:mod:`techpact.warehouse.loaders.duo_csv`), the reader declines what
it cannot read exactly as the parser would (None; the parser then reads it and names what is
wrong): a header the parser would refuse, an AVG flag column, a NUL byte, a lone carriage
return, a record whose field count differs from the header's, a count the parser would read
otherwise or refuse, a case-folded value outside ASCII, a student file without its dataset
(all students or first-years: the header cannot tell), an hbo/wo vote that ties.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from techpact.sources import duo, duo_legacy
from techpact.sources.duo_formats import is_avg_flag_column
from techpact.sources.errors import SourceFormatError
from techpact.warehouse.loaders.duo_csv import (
    FileRead,
    FileScan,
    Source,
    checked,
    create_tidy,
    education_sector,
    is_not_a_count,
    is_suppressed,
    outside_ascii,
    sex_of,
)

# One record per line, split in SQL: the delimiter is a byte no DUO text holds (a line with it
# has two columns, which the reader refuses: the file then goes to the parser).
_LINES = (
    "read_csv($path, header = false, skip = 1, columns = {'line': 'VARCHAR'}, "
    "delim = '\x1f', quote = '', escape = '', auto_detect = false, strict_mode = true, "
    "null_padding = false, encoding = '{encoding}')"
)
_FIELDS = (
    "(select row_number() over () + 1 as line_number, "
    "string_split(coalesce(line, ''), ';') as fields from {csv})"
)


def _field(position: int) -> str:
    """SQL: the stripped text of the field at ``position`` (0-based; a constant)."""
    return f"trim(fields[{position + 1}], $strip)"


def read_legacy(
    con: duckdb.DuckDBPyConnection,
    scan: FileScan,
    table: str,
    *,
    path: Path,
    file_name: str,
    sha256: str,
    dataset: str | None,
) -> FileRead | None:
    """Read a legacy file into table ``table`` in the tidy shape with its provenance, or
    decline (None, no table left). Column positions come from the header; every value and the
    path are parameters."""
    if scan.has_nul or scan.has_lone_cr:
        return None
    encoding = "utf-8" if scan.is_utf8 else "latin-1"
    text = scan.header.decode(encoding)
    if text.count(";") <= text.count(","):
        return None
    names = [name.strip().upper() for name in text.split(";")]
    try:
        layout = duo_legacy.recognise_legacy_layout(names, file_name)
        counts = duo_legacy.count_columns(names, layout, file_name)
    except SourceFormatError:
        return None
    if any(is_avg_flag_column(name) for name in names):
        return None
    source = Source(
        con,
        _LINES.replace("{encoding}", encoding),
        {"path": str(path), "strip": scan.strip, "file": file_name, "sha": sha256},
    )
    at = {name: names.index(name) for name in layout.columns}
    try:
        read = _read(source, table, layout, names, at, counts, scan, file_name, dataset)
    except duckdb.Error:
        read = None
    if read is None:
        con.execute(f'drop table if exists "{table}"')
    return read


# Values the parser upper- or lower-cases (only ASCII folds alike in Python and DuckDB).
_FOLDED = (
    "CROHO ONDERDEEL",
    "TYPE HOGER ONDERWIJS",
    "OPLEIDINGSVORM",
    "SOORT DIPLOMA",
    "GESLACHT",
    "PLAATSNAAM",
    "MBO SECTOR",
    "SECTORUNIT SBB",
    "TYPE MBO",
    "SOORT HO",
)
_DIGITS = ("GEMEENTENUMMER", "COROPGEBIED CODE")


def _read(
    source: Source,
    table: str,
    layout: duo_legacy.LegacyLayout,
    names: list[str],
    at: dict[str, int],
    counts: list[tuple[int, int]],
    scan: FileScan,
    file_name: str,
    dataset: str | None,
) -> FileRead | None:
    empty = "list_bool_and(list_transform(fields, lambda f: trim(trim(f, $strip), '\"') = ''))"
    cells = [_field(position) for position, _ in counts]
    checks = [
        f"len(fields) <> {len(names)}",
        *(is_not_a_count(cell, blank_is_suppressed=True) for cell in cells),
        *(outside_ascii(f"fields[{at[c] + 1}]") for c in _FOLDED if c in at),
        *(f"not regexp_full_match({_field(at[c])}, '[0-9]*')" for c in _DIGITS if c in at),
    ]
    kind = layout.kind
    votes = ["0", "0"]
    if "SOORT DIPLOMA" in at:
        diploma = f"split_part(lower({_field(at['SOORT DIPLOMA'])}), ' ', 1)"
        votes = [
            f"count(*) filter (where {diploma} = '{k}' and not {empty})" for k in ("hbo", "wo")
        ]
    names_histogram = (
        f"histogram(fields[{at['INSTELLINGSNAAM ACTUEEL'] + 1}]) filter (where not {empty})"
        if "INSTELLINGSNAAM ACTUEEL" in at
        else "null"
    )
    result = checked(
        source,
        [f"(not {empty} and ({' or '.join(checks)}))"],
        scan,
        f"count(*) filter (where {empty})",
        *votes,
        names_histogram,
        rows_from=_FIELDS,
    )
    if result is None:
        return None
    empty_records, hbo_votes, wo_votes, rows_by_name = result
    kept = f"{_FIELDS} where not {empty}"
    if kind == "ho_institutions":
        return _institutions(source, table, at, kept, int(empty_records))  # type: ignore[arg-type]
    if kind == "mbo_students":
        return _mbo(source, table, names, at, counts, kept, int(empty_records))  # type: ignore[arg-type]
    sector = education_sector(int(hbo_votes), int(wo_votes), rows_by_name or {}, file_name)  # type: ignore[arg-type]
    if kind == "ho_graduates":
        measure = "graduates"
    elif dataset in ("p01hoinges", "p02ho1ejrs"):
        measure = duo.MEASURE_OF_DATASET[dataset]
    else:
        return None  # the parser says which dataset to name
    if sector is None:
        return None
    expressions = {
        "year": "cell.year",
        "education_sector": "$sector",
        "province_name": _field(at["PROVINCIE"]),
        "gemeente_code": _zfilled("GM", _field(at["GEMEENTENUMMER"]), 4),
        "gemeente_name": _field(at["GEMEENTENAAM"]),
        "institution_code": _field(at["BRIN NUMMER ACTUEEL"]),
        "institution_name": _field(at["INSTELLINGSNAAM ACTUEEL"]),
        "sector": f"upper({_field(at['CROHO ONDERDEEL'])})",
        "subsector": _field(at["CROHO SUBONDERDEEL"]),
        "programme_code": _field(at["OPLEIDINGSCODE ACTUEEL"]),
        "programme_name": _field(at["OPLEIDINGSNAAM ACTUEEL"]),
        "study_mode": f"lower({_field(at['OPLEIDINGSVORM'])})",
        "sex": sex_of(f"upper({_field(at['GESLACHT'])})"),
        **_count_expressions(),
    }
    if "TYPE HOGER ONDERWIJS" in at:
        expressions["programme_type"] = f"lower({_field(at['TYPE HOGER ONDERWIJS'])})"
    if "SOORT DIPLOMA" in at:
        expressions["diploma_type"] = f"lower({_field(at['SOORT DIPLOMA'])})"
    years = create_tidy(
        source,
        table,
        expressions,
        _cells(counts, names, kept) + _IN_ORDER,
        sector=sector,
    )
    return FileRead(
        resource=f"{sector}_{measure}_by_programme",
        dataset=duo.DATASET_OF_MEASURE[measure],
        years=years,
        empty_records=int(empty_records),  # type: ignore[arg-type]
    )


def _zfilled(prefix: str, digits: str, width: int) -> str:
    """SQL of Python's ``prefix + digits.zfill(width)`` for a text of digits only."""
    return (
        f"'{prefix}' || case when length({digits}) >= {width} then {digits} "
        f"else lpad({digits}, {width}, '0') end"
    )


def _count_expressions() -> dict[str, str]:
    value = "cell.value"
    return {
        "count": f"case when {is_suppressed(value, blank=True)} then null else {value} end",
        "is_suppressed": is_suppressed(value, blank=True),
        "source_format": "'legacy'",
        "line_number": "line_number",
    }


def _cells(counts: list[tuple[int, int]], names: list[str], kept: str) -> str:
    """SQL: one row per count cell (``cell``: position, year, sex, stripped value) of each kept
    record, unordered."""
    structs = ", ".join(
        f"{{'position': {position}, 'year': {year}, "
        f"'sex': '{duo_legacy.SEX_OF_PREFIX.get(names[position][:-4], '')}', "
        f"'value': {_field(position)}}}"
        for position, year in counts
    )
    return f"(select *, unnest([{structs}]) as cell from {kept})"


_IN_ORDER = " order by line_number, cell.position"
# A year whose MAN, VROUW and TOTAAL cells are all blank (the mbo file): no students there.
_FILLED_GROUP = "bool_or(cell.value <> '') over (partition by line_number, cell.year)"


def _mbo(
    source: Source,
    table: str,
    names: list[str],
    at: dict[str, int],
    counts: list[tuple[int, int]],
    kept: str,
    empty_records: int,
) -> FileRead:
    expressions = {
        "year": "cell.year",
        "education_sector": "'mbo'",
        "place_name": f"upper({_field(at['PLAATSNAAM'])})",
        "institution_code": _field(at["BRIN NUMMER"]),
        "institution_name": _field(at["INSTELLINGSNAAM"]),
        "sector": f"upper({_field(at['MBO SECTOR'])})",
        "sectorkamer": (
            f"regexp_replace(lower({_field(at['SECTORUNIT SBB'])}), '^sectorunit ', '')"
        ),
        "programme_code": _field(at["KWALIFICATIE CODE"]),
        "programme_name": _field(at["KWALIFICATIE NAAM"]),
        "level": _field(at["KWALIFICATIENIVEAU"]),
        "study_path": f"upper({_field(at['TYPE MBO'])})",
        "sex": sex_of("cell.sex"),
        **_count_expressions(),
    }
    cells = _cells(counts, names, kept)
    years = create_tidy(
        source,
        table,
        expressions,
        f"(select * from {cells} qualify {_FILLED_GROUP}){_IN_ORDER}",
    )
    groups = source.query(
        f"select count(*) from (select line_number, cell.year from {cells} "
        "group by all having bool_and(cell.value = ''))"
    )
    return FileRead(
        resource="mbo_students_by_qualification",
        dataset=duo.MBO_STUDENTS_DATASET,
        years=years,
        empty_records=empty_records,
        empty_year_groups=int(groups[0][0]),  # type: ignore[arg-type]
    )


def _institutions(
    source: Source, table: str, at: dict[str, int], kept: str, empty_records: int
) -> FileRead:
    columns = {
        "institution_code": _field(at["INSTELLINGSCODE"]),
        "institution_name": _field(at["INSTELLINGSNAAM"]),
        "education_sector": f"lower({_field(at['SOORT HO'])})",
        "gemeente_code": _zfilled("GM", _field(at["GEMEENTENUMMER"]), 4),
        "gemeente_name": _field(at["GEMEENTENAAM"]),
        "corop_code": _zfilled("CR", _field(at["COROPGEBIED CODE"]), 2),
        "corop_name": _field(at["COROPGEBIED NAAM"]),
    }
    select = ", ".join(f'({sql})::varchar as "{name}"' for name, sql in columns.items())
    source.query(
        f'create or replace table "{table}" as select {select}, '
        "line_number::bigint as line_number, $file as source_file, $sha as source_sha256 "
        f"from {kept} order by line_number"
    )
    return FileRead(
        resource="ho_institutions",
        dataset=duo.INSTITUTIONS_DATASET,
        years=(),
        empty_records=empty_records,
    )
