"""Bad input files: each is made from one good current-format DUO file and given to
`techpact land-file`.

A refusal must exit 1 with one line naming the file and the line (and the column where one is
at fault), land nothing and leave the published file as it was; a file that survives lands
unchanged beside its manifest. The good file (tests/fixtures/duo/enrolment_by_sex.csv) is
hand-made in the portal's exact shape: quoted text, bare counts, CRLF line ends.
"""

from __future__ import annotations

import csv
import io
import shutil
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import FIXTURES, publish_sample
from fault_record import observe, sha256
from typer.testing import CliRunner

from techpact.cli import app

GOOD = (FIXTURES / "duo" / "enrolment_by_sex.csv").read_bytes()
DATASET = "p01hoinges"
NAME = "Hogeschool Voorbeeld"


def rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))


def written(table: list[list[str]]) -> bytes:
    """Rows back in the portal's shape: text quoted, the count (last field) bare."""
    out = io.StringIO()
    for row in table:
        fields = [f'"{v}"' for v in row[:-1]] + [
            row[-1] if row[-1][:1].isdigit() else f'"{row[-1]}"'
        ]
        out.write(",".join(fields) + "\r\n")
    return out.getvalue().encode("utf-8")


def without_column(data: bytes, column: str) -> bytes:
    table = rows(data)
    at = table[0].index(column)
    return written([row[:at] + row[at + 1 :] for row in table])


def with_extra_column(data: bytes) -> bytes:
    table = rows(data)
    return written(
        [[*row[:-1], "EXTRA" if i == 0 else "x", row[-1]] for i, row in enumerate(table)]
    )


def first_count(data: bytes, value: bytes) -> bytes:
    """The first row's count (120) replaced by ``value``."""
    return data.replace(b'"MAN",120', b'"MAN",' + value, 1)


LINES = GOOD.split(b"\r\n")
HEADER = LINES[0] + b"\r\n"

# case id -> (the bad file's bytes from the good one, what the error must name besides the file)
BAD: dict[str, tuple[Callable[[bytes], bytes], tuple[str, ...]]] = {
    "semicolon-delimiter": (lambda d: d.replace(b",", b";"), ("line 1",)),
    "renamed-column": (lambda d: d.replace(b'"GESLACHT"', b'"SEKSE"'), ("GESLACHT",)),
    "missing-column": (lambda d: without_column(d, "GEMEENTENUMMER"), ("GEMEENTENUMMER",)),
    "extra-column": (with_extra_column, ()),
    "latin-1": (
        lambda d: d.replace(NAME.encode(), "Hogeschool Voorbeëld".encode("latin-1")),
        ("line 2",),
    ),
    "utf8-bom": (lambda d: b"\xef\xbb\xbf" + d, ()),
    "negative-count": (lambda d: first_count(d, b"-3"), ("line 2", "AANTAL_INGESCHREVENEN")),
    "non-numeric-count": (lambda d: first_count(d, b"veel"), ("line 2", "AANTAL_INGESCHREVENEN")),
    "too-few-fields": (lambda d: d.replace(b',"MAN",120', b"", 1), ("line 2",)),
    "duplicate-rows": (lambda d: HEADER + LINES[1] + b"\r\n" + d[len(HEADER) :], ()),
    "suppression-markers": (lambda d: first_count(d, b"<5"), ()),
    "empty": (lambda d: b"", ()),
    "header-only": (lambda d: HEADER, ()),
    "garbage": (lambda d: bytes(range(256)) * 16, ()),
    "nul-bytes": (
        lambda d: d.replace(NAME.encode(), b"Hoge\x00school", 1),
        ("line 2", "INSTELLINGSNAAM_ACTUEEL"),
    ),
    "huge-line": (lambda d: HEADER + b'"2023","' + b"x" * (8 * 1024 * 1024) + b'"', ("line 2",)),
    "formula-injection": (
        lambda d: d.replace(NAME.encode(), b'=HYPERLINK(""http://x.invalid"",""klik"")', 1),
        (),
    ),
    "html-injection": (lambda d: d.replace(NAME.encode(), b"<script>alert(1)</script>", 1), ()),
}


@pytest.fixture(scope="module")
def published_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data_dir = tmp_path_factory.mktemp("published")
    publish_sample(data_dir)
    return data_dir


@pytest.mark.parametrize("case_id", sorted(BAD))
def test_land_file_meets_the_bad_file(
    case_id: str, published_template: Path, tmp_path: Path
) -> None:
    make, names = BAD[case_id]
    data_dir = tmp_path / "data"
    shutil.copytree(published_template, data_dir)
    bad = tmp_path / f"{case_id}.csv"
    bad.write_bytes(make(GOOD))
    published = data_dir / "published" / "techpact.duckdb"
    before = sha256(published)

    started = time.monotonic()
    result = CliRunner().invoke(
        app,
        ["land-file", "--source", "duo", "--dataset", DATASET, str(bad)],
        env={"TECHPACT_DATA_DIR": str(data_dir), "COLUMNS": "300"},
    )
    seconds = time.monotonic() - started

    exception = result.exception
    traceback = (
        f"\nTraceback (most recent call last): {exception!r}"
        if exception is not None and not isinstance(exception, SystemExit)
        else ""
    )
    figures = observe(
        case_id,
        exit_code=result.exit_code,
        output=result.output + traceback,
        seconds=seconds,
        landing=data_dir / "landing",
        published=(before, published),
        names=(bad.name, *names),
    )
    landed = (
        sorted((data_dir / "landing").rglob("*.csv")) if (data_dir / "landing").exists() else []
    )
    if figures.outcome == "refused":
        assert landed == []
        assert len(figures.message) < 1000
    else:
        [copy] = landed
        assert copy.read_bytes() == bad.read_bytes()  # unchanged, whatever it holds
