"""Read a current-format hbo/wo DUO file with DuckDB's CSV reader, straight into a table.

The DUO loader's fast path: the file goes from disk into DuckDB without being held in Python
or pandas, so a build's memory does not grow with the file beyond DuckDB's own. The tidy shape
is the one :func:`techpact.sources.duo.parse_duo_file` gives (the parser stays the reference):
the same columns, types and values, each text cleaned as the parser cleans it.

The reader takes only the files it can read exactly as the parser would, and declines the rest
(:func:`read_current_ho` returns None): a header with a column the layout does not use, a NUL
byte, a lone carriage return, a record over several lines or a blank line (the line numbers
would no longer be ``record + 1``), a year or count the parser would read otherwise or refuse,
a case-folded column with a letter outside ASCII, an hbo/wo vote that ties, or anything
DuckDB's reader refuses. The loader then uses the parser, which also gives a bad file its error
naming file, line and column. Valid DUO files, as published, take the fast path.
"""

from __future__ import annotations

import csv
import hashlib
import sys
from dataclasses import dataclass
from pathlib import Path

import duckdb

from techpact.sources import duo
from techpact.sources.duo_formats import SUPPRESSION_MARKERS, UTF8_BOM, is_avg_flag_column

CHUNK_BYTES = 1 << 20

# Every character Python's str.strip() removes, as one RE2 character class: the text columns
# are cleaned as the parser cleans them (pandas' .str.strip()), not only of spaces.
_PY_WHITESPACE = "".join(
    f"\\x{{{code:x}}}" for code in range(sys.maxunicode + 1) if chr(code).isspace()
)
_STRIP_PATTERN = f"^[{_PY_WHITESPACE}]+|[{_PY_WHITESPACE}]+$"

# Columns whose values are upper- or lower-cased: only ASCII is folded the same in Python and
# DuckDB, so a letter outside ASCII in one of them sends the file to the parser.
_FOLDED = ("ONDERDEEL", "GESLACHT", "TYPE_HOGER_ONDERWIJS", "SOORT_DIPLOMA")


@dataclass(frozen=True)
class FileScan:
    """What one streamed pass over a file's bytes found."""

    sha256: str
    line_count: int
    has_nul: bool
    has_lone_cr: bool
    header: bytes

    @classmethod
    def of(cls, path: Path) -> FileScan:
        digest = hashlib.sha256()
        newlines = crs = crlfs = 0
        has_nul = False
        header = b""
        previous = b""
        ends_with_newline = True
        with path.open("rb") as stream:
            while chunk := stream.read(CHUNK_BYTES):
                digest.update(chunk)
                if not header:
                    header = chunk.split(b"\n", 1)[0]
                newlines += chunk.count(b"\n")
                crs += chunk.count(b"\r")
                crlfs += chunk.count(b"\r\n") + (previous == b"\r" and chunk[:1] == b"\n")
                has_nul = has_nul or b"\x00" in chunk
                previous = chunk[-1:]
                ends_with_newline = previous == b"\n"
        return cls(
            sha256=digest.hexdigest(),
            line_count=newlines + (0 if ends_with_newline else 1),
            has_nul=has_nul,
            has_lone_cr=crs != crlfs,
            header=header.removeprefix(UTF8_BOM).rstrip(b"\r"),
        )


@dataclass(frozen=True)
class FileRead:
    """A file read into a table: which resource and dataset it is, and its years (none for a
    file without years, the address list). The empty records and year groups are the legacy
    files' (see :class:`techpact.sources.duo.TidyFile`)."""

    resource: str
    dataset: str
    years: tuple[int, ...]
    empty_records: int = 0
    empty_year_groups: int = 0


def header_layout(header: bytes) -> tuple[list[str], duo.Layout] | None:
    """The header's column names and the hbo/wo layout they are exactly, or None."""
    try:
        text = header.decode("utf-8")
        [names] = list(csv.reader([text], delimiter=",", quotechar='"', strict=True))
    except (UnicodeDecodeError, csv.Error, ValueError):
        return None
    names = [name.strip().upper() for name in names]
    if ";" in text and text.count(";") > text.count(","):
        return None
    matches = [layout for layout in duo.LAYOUTS if set(names) == set(layout.columns)]
    if len(matches) != 1 or len(names) != len(set(names)):
        return None
    if any(is_avg_flag_column(name) for name in names):
        return None
    return names, matches[0]


def _strip(column: str) -> str:
    """SQL for a column's text as Python's str.strip() leaves it (column names are constants)."""
    return f"regexp_replace(coalesce(\"{column}\", ''), $strip, '', 'g')"


def read_current_ho(
    con: duckdb.DuckDBPyConnection, path: Path, scan: FileScan, table: str
) -> FileRead | None:
    """Read a current hbo/wo file into temp table ``table`` in the tidy shape, or decline.

    ``table`` and every column name in the SQL are the loader's constants, never data; the
    path and all values are parameters.
    """
    found = header_layout(scan.header)
    if found is None or scan.has_nul or scan.has_lone_cr:
        return None
    names, layout = found
    csv_table = f"{table}_csv"
    columns = ", ".join(f"'{name}': 'VARCHAR'" for name in names)
    try:
        con.execute(
            f'create or replace temp table "{csv_table}" as select * from read_csv('
            "$path, header = false, skip = 1, delim = ',', quote = '\"', escape = '\"', "
            f"columns = {{{columns}}}, auto_detect = false, strict_mode = true, "
            "null_padding = false, encoding = 'utf-8')",
            {"path": str(path)},
        )
        read = _tidy(con, csv_table, table, layout, scan, path.name)
    except duckdb.Error:
        read = None
    finally:
        con.execute(f'drop table if exists "{csv_table}"')
    if read is None:
        con.execute(f'drop table if exists "{table}"')
    return read


def _tidy(
    con: duckdb.DuckDBPyConnection,
    csv_table: str,
    table: str,
    layout: duo.Layout,
    scan: FileScan,
    file_name: str,
) -> FileRead | None:
    params = {"strip": _STRIP_PATTERN}
    year, count = _strip(layout.year_column), _strip(layout.measure_column)
    markers = ", ".join(f"'{marker}'" for marker in sorted(SUPPRESSION_MARKERS))
    suppressed = f"{count} in ({markers})"
    checks = " or ".join(
        [
            f"not regexp_full_match({year}, '[0-9]{{4}}')",
            f"not ({suppressed} or (regexp_full_match({count}, '[0-9]+') "
            f"and try_cast({count} as bigint) is not null))",
            f"not regexp_full_match({_strip('GEMEENTENUMMER')}, '[0-9]*')",
            *(
                f"regexp_matches(coalesce(\"{c}\", ''), '[^\\x00-\\x7f]')"
                for c in _FOLDED
                if c in layout.columns
            ),
        ]
    )
    [(rows, bad)] = con.execute(
        f'select count(*), count(*) filter (where {checks}) from "{csv_table}"', params
    ).fetchall()
    # One record per line after the header, none blank: a record's line is its row + 2.
    if rows == 0 or bad or rows != scan.line_count - 1:
        return None
    sector = _education_sector(con, csv_table, layout, params, file_name)
    if sector is None:
        return None
    measure, breakdown = duo.MEASURE_OF_LAYOUT[layout.resource]
    expressions = _tidy_expressions(layout, year, count, suppressed)
    select = ",\n".join(
        f'({expressions.get(c, "null")})::{_TYPES.get(c, "varchar")} as "{c}"'
        for c in duo.TIDY_COLUMNS
    )
    con.execute(
        f'create or replace temp table "{table}" as select {select} from "{csv_table}" '
        "order by rowid",
        {**params, "sector": sector},
    )
    years = con.execute(f'select distinct year from "{table}" order by year').fetchall()
    return FileRead(
        resource=f"{sector}_{measure}_{breakdown}",
        dataset=duo.DATASET_OF_MEASURE[measure],
        years=tuple(y for (y,) in years),
    )


_TYPES = {"year": "integer", "count": "bigint", "is_suppressed": "boolean", "line_number": "bigint"}


def _tidy_expressions(layout: duo.Layout, year: str, count: str, suppressed: str) -> dict[str, str]:
    """SQL per tidy column, as :func:`techpact.sources.duo._tidy_current` computes it."""
    gemeente = _strip("GEMEENTENUMMER")
    expressions = {
        "year": year,
        "education_sector": "$sector",
        "province_name": _strip("PROVINCIENAAM"),
        "gemeente_code": (
            f"'GM' || case when length({gemeente}) >= 4 then {gemeente} "
            f"else lpad({gemeente}, 4, '0') end"
        ),
        "gemeente_name": _strip("GEMEENTENAAM"),
        "institution_code": _strip("INSTELLINGSCODE_ACTUEEL"),
        "institution_name": _strip("INSTELLINGSNAAM_ACTUEEL"),
        "sector": f"upper({_strip('ONDERDEEL')})",
        "subsector": _strip("SUBONDERDEEL"),
        "count": f"case when {suppressed} then null else {count} end",
        "is_suppressed": suppressed,
        "source_format": "'current'",
        "line_number": "rowid + 2",
    }
    optional = {
        "programme_code": ("OPLEIDINGSCODE_ACTUEEL", "{}"),
        "programme_name": ("OPLEIDINGSNAAM_ACTUEEL", "{}"),
        "programme_type": ("TYPE_HOGER_ONDERWIJS", "lower({})"),
        "diploma_type": ("SOORT_DIPLOMA", "lower({})"),
    }
    for target, (column, shape) in optional.items():
        if column in layout.columns:
            expressions[target] = shape.format(_strip(column))
    expressions["sex"] = (
        f"case upper({_strip('GESLACHT')}) when 'MAN' then 'male' when 'VROUW' then 'female' "
        "when 'TOTAAL' then 'total' else 'unknown' end"
        if "GESLACHT" in layout.columns
        else "'total'"
    )
    return expressions


def _education_sector(
    con: duckdb.DuckDBPyConnection,
    csv_table: str,
    layout: duo.Layout,
    params: dict[str, str],
    file_name: str,
) -> str | None:
    """hbo or wo as :func:`techpact.sources.duo.recognise_education_sector` decides it: the
    diploma types' majority where the file has them, else the institutions, each distinct name
    classified once. None where the diploma vote ties (the parser's pick is then its order)."""
    if "SOORT_DIPLOMA" in layout.columns:
        votes = dict(
            con.execute(
                "select prefix, count(*) from (select split_part(lower("
                + _strip("SOORT_DIPLOMA")
                + f"), ' ', 1) as prefix from \"{csv_table}\") "
                "where prefix in ('hbo', 'wo') group by prefix",
                params,
            ).fetchall()
        )
        if votes:
            if len(set(votes.values())) < len(votes):
                return None
            return max(votes, key=votes.__getitem__)
    names = con.execute(
        f'select coalesce("INSTELLINGSNAAM_ACTUEEL", \'\'), count(*) from "{csv_table}" '
        "group by all"
    ).fetchall()
    return duo.education_sector_of_names(dict(names), file_name)
