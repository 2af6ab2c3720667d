"""Read a current-format DUO file (hbo/wo or mbo) with DuckDB's CSV reader, straight into a table.

The DUO loader's fast path: the file goes from disk into DuckDB without being held in Python
or pandas, so a build's memory does not grow with the file beyond DuckDB's own. The tidy shape
is the one :func:`techpact.sources.duo.parse_duo_file` gives (the parser stays the reference):
the same columns, types and values, each text cleaned as the parser cleans it.

The reader takes only the files it can read exactly as the parser would, and declines the rest
(:func:`read_current` returns None): a header with a column the layout does not use, a NUL
byte, a lone carriage return, a record over several lines or a blank line (the line numbers
would no longer be ``record + 1``), a year or count the parser would read otherwise or refuse,
a case-folded column with a letter outside ASCII, an hbo/wo vote that ties, or anything
DuckDB's reader refuses. The loader then uses the parser, which also gives a bad file its error
naming file, line and column. Valid DUO files, as published, take the fast path.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import duckdb

from techpact.sources import duo, duo_mbo
from techpact.sources.duo_formats import SUPPRESSION_MARKERS, UTF8_BOM
from techpact.sources.errors import SourceFormatError

CHUNK_BYTES = 1 << 20

# Every character Python's str.strip() removes: the text columns are cleaned as the parser
# cleans them (pandas' .str.strip()), not only of spaces. DuckDB's trim() with a set of
# characters is ~6x slower than with a space only, so the full set is passed (as $strip) only
# for a file that holds such a character anywhere (FileScan.has_other_whitespace).
_PY_WHITESPACE = "".join(chr(code) for code in range(sys.maxunicode + 1) if chr(code).isspace())
# Those other than space, line feed and carriage return (line ends), as UTF-8 bytes.
_OTHER_WHITESPACE = re.compile(
    b"|".join(re.escape(char.encode()) for char in _PY_WHITESPACE if char not in " \n\r")
)

# Columns whose values are upper- or lower-cased: only ASCII is folded the same in Python and
# DuckDB, so a letter outside ASCII in one of them sends the file to the parser.
_FOLDED_HO = ("ONDERDEEL", "GESLACHT", "TYPE_HOGER_ONDERWIJS", "SOORT_DIPLOMA")
_FOLDED_MBO = ("PLAATSNAAM INSTELLING", "SECTORKAMER NAAM", "LEERWEG")


@dataclass(frozen=True)
class FileScan:
    """What one streamed pass over a file's bytes found."""

    sha256: str
    line_count: int
    has_nul: bool
    has_lone_cr: bool
    has_other_whitespace: bool
    is_utf8: bool
    header: bytes

    @property
    def strip(self) -> str:
        """The characters a text's ends are cleaned of (all Python strips; a space suffices
        where the file holds no other whitespace)."""
        return _PY_WHITESPACE if self.has_other_whitespace else " "

    @classmethod
    def of(cls, path: Path) -> FileScan:
        digest = hashlib.sha256()
        newlines = crs = crlfs = 0
        has_nul = other_whitespace = False
        header = b""
        previous = tail = b""
        ends_with_newline = is_utf8 = True
        utf8 = codecs.getincrementaldecoder("utf-8")()
        with path.open("rb") as stream:
            while chunk := stream.read(CHUNK_BYTES):
                digest.update(chunk)
                if not header:
                    header = chunk.split(b"\n", 1)[0]
                newlines += chunk.count(b"\n")
                crs += chunk.count(b"\r")
                crlfs += chunk.count(b"\r\n") + (previous == b"\r" and chunk[:1] == b"\n")
                has_nul = has_nul or b"\x00" in chunk
                # A character of several bytes may straddle two chunks: look across the seam.
                other_whitespace = other_whitespace or bool(_OTHER_WHITESPACE.search(tail + chunk))
                tail = chunk[-2:]
                if is_utf8:
                    try:
                        utf8.decode(chunk)
                    except UnicodeDecodeError:
                        is_utf8 = False
                previous = chunk[-1:]
                ends_with_newline = previous == b"\n"
        return cls(
            sha256=digest.hexdigest(),
            line_count=newlines + (0 if ends_with_newline else 1),
            has_nul=has_nul,
            has_lone_cr=crs != crlfs,
            has_other_whitespace=other_whitespace,
            is_utf8=is_utf8 and _ends_whole(utf8),
            header=header.removeprefix(UTF8_BOM).rstrip(b"\r"),
        )


def _ends_whole(decoder: codecs.IncrementalDecoder) -> bool:
    """Whether the bytes a UTF-8 decoder was given end on a whole character."""
    try:
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


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


@dataclass(frozen=True)
class Header:
    """A header the reader takes: its names (each one of the layout's constant column names or
    a count column like ``VROUW2023``, so safe to write into SQL) and its layout."""

    names: list[str]
    layout: duo.Layout | duo_mbo.MboLayout
    counts: tuple[tuple[int, str, int], ...] = ()  # wide files: (position, MAN/VROUW, year)


def read_header(header: bytes) -> Header | None:
    """The header of a current hbo/wo or mbo file whose names are exactly a layout's, or None."""
    try:
        text = header.decode("utf-8")
        [fields] = list(csv.reader([text], delimiter=",", quotechar='"', strict=True))
    except (UnicodeDecodeError, csv.Error, ValueError):
        return None
    names = [name.strip().upper() for name in fields]
    if len(names) != len(set(names)) or text.count(";") > text.count(","):
        return None
    for layout in duo.LAYOUTS:
        if set(names) == set(layout.columns):
            return Header(names, layout)
    for mbo in duo_mbo.MBO_LAYOUTS:
        wide = [n for n in names if n not in mbo.columns]
        if set(mbo.columns) <= set(names) and all(mbo.count_column.match(n) for n in wide):
            try:
                counts = duo_mbo.count_columns(names, mbo, "")
            except SourceFormatError:
                return None
            return Header(names, mbo, tuple(counts))
    return None


def _strip(column: str) -> str:
    """SQL for a column's text as Python's str.strip() leaves it (column names are constants)."""
    return f"trim(coalesce(\"{column}\", ''), $strip)"


_MARKERS = ", ".join(f"'{marker}'" for marker in sorted(SUPPRESSION_MARKERS))


def is_suppressed(cell: str, *, blank: bool = False) -> str:
    """SQL: the (stripped) cell is a suppression marker (or blank, where blank is one)."""
    markers = _MARKERS + (", ''" if blank else "")
    return f"({cell} in ({markers}))"


def is_not_a_count(cell: str, *, blank_is_suppressed: bool = False) -> str:
    """SQL: true where the parser would read the (stripped) cell otherwise than as a whole
    number in 64 bits or a suppression marker."""
    return (
        f"not ({is_suppressed(cell, blank=blank_is_suppressed)} or "
        f"(regexp_full_match({cell}, '[0-9]+') and try_cast({cell} as bigint) is not null))"
    )


def outside_ascii(text: str) -> str:
    """SQL: the text (an SQL expression) holds a character outside ASCII."""
    return f"regexp_matches(coalesce({text}, ''), '[^\\x00-\\x7f]')"


def read_current(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    scan: FileScan,
    table: str,
    *,
    file_name: str,
    sha256: str,
) -> FileRead | None:
    """Read a current hbo/wo or mbo file into table ``table`` in the tidy shape, with
    ``source_file`` and ``source_sha256``, or decline (None, and no table left behind).

    DuckDB streams the file twice: once to check every row (and count the hbo/wo votes), once
    to write the tidy rows; the file's text is never a table of its own. ``table`` and every
    column name in the SQL are the loader's constants (or count columns matched by their
    pattern), never data; the path and all values are parameters.
    """
    header = read_header(scan.header)
    if header is None or scan.has_nul or scan.has_lone_cr:
        return None
    columns = ", ".join(f"'{name}': 'VARCHAR'" for name in header.names)
    source = Source(
        con,
        "read_csv($path, header = false, skip = 1, delim = ',', quote = '\"', escape = '\"', "
        f"columns = {{{columns}}}, auto_detect = false, strict_mode = true, "
        "null_padding = false, encoding = 'utf-8')",
        {"path": str(path), "strip": scan.strip, "file": file_name, "sha": sha256},
    )
    try:
        if isinstance(header.layout, duo.Layout):
            read = _tidy_ho(source, table, header.layout, scan, file_name)
        else:
            read = _tidy_mbo(source, table, header, scan)
    except duckdb.Error:
        read = None
    if read is None:
        con.execute(f'drop table if exists "{table}"')
    return read


@dataclass(frozen=True)
class Source:
    """The file as DuckDB reads it (``csv``, a table function) and the parameters every query
    over it binds: ``$path``, ``$strip`` (see :attr:`FileScan.strip`), ``$file``, ``$sha``."""

    con: duckdb.DuckDBPyConnection
    csv: str
    params: dict[str, str]

    def query(self, sql: str, **params: object) -> list[tuple[object, ...]]:
        """Run ``sql`` (which names ``{csv}`` where it reads the file) with the parameters it
        uses; DuckDB refuses a parameter a statement does not name."""
        text = sql.replace("{csv}", self.csv)
        bound = {k: v for k, v in {**self.params, **params}.items() if f"${k}" in text}
        return self.con.execute(text, bound).fetchall()


def checked(
    source: Source, checks: list[str], scan: FileScan, *extra: str, rows_from: str = "{csv}"
) -> tuple | None:
    """One pass over the file: None where a row fails a check or a line after the header is not
    one record (blank, or over several lines: a record's line would not be its row + 1, as the
    parser counts); else the ``extra`` aggregates."""
    [(rows, bad, *values)] = source.query(
        f"select count(*), count(*) filter (where {' or '.join(checks)})"
        + "".join(f", {aggregate}" for aggregate in extra)
        + f" from {rows_from}"
    )
    return tuple(values) if rows and not bad and rows == scan.line_count - 1 else None


def create_tidy(
    source: Source, table: str, expressions: dict[str, str], rows: str, **params: object
) -> tuple[int, ...]:
    """Table ``table`` with the tidy columns (typed as the parser's) and the provenance, from
    ``rows`` (SQL reading ``{csv}``); returns its years."""
    select = ",\n".join(
        f'({expressions.get(c, "null")})::{_TYPES.get(c, "varchar")} as "{c}"'
        for c in duo.TIDY_COLUMNS
    )
    source.query(
        f'create or replace table "{table}" as select {select}, '
        f"$file as source_file, $sha as source_sha256 from {rows}",
        **params,
    )
    years = source.con.execute(f'select distinct year from "{table}" order by year').fetchall()
    return tuple(year for (year,) in years)


_TYPES = {"year": "integer", "count": "bigint", "is_suppressed": "boolean", "line_number": "bigint"}
# The file's records numbered in file order: row_number() over () streams in order.
_NUMBERED = "(select *, row_number() over () as csv_row from {csv})"


def _tidy_ho(
    source: Source, table: str, layout: duo.Layout, scan: FileScan, file_name: str
) -> FileRead | None:
    """A long hbo/wo file, as :func:`techpact.sources.duo._tidy_current` makes it tidy."""
    year, count = _strip(layout.year_column), _strip(layout.measure_column)
    checks = [
        f"not regexp_full_match({year}, '[0-9]{{4}}')",
        is_not_a_count(count),
        f"not regexp_full_match({_strip('GEMEENTENUMMER')}, '[0-9]*')",
        *(outside_ascii(f'"{c}"') for c in _FOLDED_HO if c in layout.columns),
    ]
    diploma = f"split_part(lower({_strip('SOORT_DIPLOMA')}), ' ', 1)"
    votes = (
        [f"count(*) filter (where {diploma} = '{kind}')" for kind in ("hbo", "wo")]
        if "SOORT_DIPLOMA" in layout.columns
        else ["0", "0"]
    )
    found = checked(
        source, checks, scan, *votes, "histogram(coalesce(\"INSTELLINGSNAAM_ACTUEEL\", ''))"
    )
    if found is None:
        return None
    hbo_votes, wo_votes, names = found
    sector = education_sector(int(hbo_votes), int(wo_votes), names, file_name)  # type: ignore[arg-type]
    if sector is None:
        return None
    measure, breakdown = duo.MEASURE_OF_LAYOUT[layout.resource]
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
        "sex": sex_of(f"upper({_strip('GESLACHT')})")
        if "GESLACHT" in layout.columns
        else "'total'",
        "count": f"case when {is_suppressed(count)} then null else {count} end",
        "is_suppressed": is_suppressed(count),
        "source_format": "'current'",
        "line_number": "csv_row + 1",
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
    years = create_tidy(source, table, expressions, _NUMBERED, sector=sector)
    return FileRead(
        resource=f"{sector}_{measure}_{breakdown}",
        dataset=duo.DATASET_OF_MEASURE[measure],
        years=years,
    )


def sex_of(upper_text: str) -> str:
    return (
        f"case {upper_text} when 'MAN' then 'male' when 'VROUW' then 'female' "
        "when 'TOTAAL' then 'total' else 'unknown' end"
    )


def _tidy_mbo(source: Source, table: str, header: Header, scan: FileScan) -> FileRead | None:
    """A wide mbo file (a count column per sex and year), one row per count cell in the order
    the parser yields them, as :func:`techpact.sources.duo._tidy_mbo` makes it tidy."""
    layout = header.layout
    assert isinstance(layout, duo_mbo.MboLayout)
    cells = [header.names[position] for position, _, _ in header.counts]
    checks = [
        *(is_not_a_count(_strip(cell)) for cell in cells),
        *(outside_ascii(f'"{c}"') for c in _FOLDED_MBO),
    ]
    if checked(source, checks, scan) is None:
        return None
    # One struct per count column; its name and year are the header's (matched by pattern).
    unpivot = ", ".join(
        f"{{'position': {position}, 'year': {year}, 'sex': '{sex}', "
        f"'value': {_strip(header.names[position])}}}"
        for position, sex, year in header.counts
    )
    value = "cell.value"
    expressions = {
        "year": "cell.year",
        "education_sector": "'mbo'",
        "place_name": f"upper({_strip('PLAATSNAAM INSTELLING')})",
        "institution_code": _strip("INSTELLINGSCODE"),
        "institution_name": _strip("INSTELLINGSNAAM"),
        "subsector": _strip("HOOFDGROEP NAAM"),
        "sectorkamer": f"lower({_strip('SECTORKAMER NAAM')})",
        "programme_code": _strip("ERKENDE OPLEIDING CODE"),
        "programme_name": _strip("ERKENDE OPLEIDING NAAM"),
        "level": _strip("NIVEAU"),
        "study_path": f"upper({_strip('LEERWEG')})",
        "sex": sex_of("cell.sex"),
        "count": f"case when {is_suppressed(value)} then null else {value} end",
        "is_suppressed": is_suppressed(value),
        "source_format": "'current'",
        "line_number": "csv_row + 1",
    }
    rows = (
        f"(select *, unnest([{unpivot}]) as cell from {_NUMBERED}) order by csv_row, cell.position"
    )
    years = create_tidy(source, table, expressions, rows)
    return FileRead(resource=layout.resource, dataset=layout.dataset, years=years)


def education_sector(
    hbo_votes: int, wo_votes: int, rows_by_name: dict[str, int], file_name: str
) -> str | None:
    """hbo or wo as :func:`techpact.sources.duo.recognise_education_sector` decides it: the
    diploma types' majority where the file has them, else the institutions, each distinct name
    classified once. None where the diploma vote ties (the parser's pick is then its order)."""
    if hbo_votes or wo_votes:
        if hbo_votes == wo_votes:
            return None
        return "hbo" if hbo_votes > wo_votes else "wo"
    return duo.education_sector_of_names(rows_by_name, file_name)
