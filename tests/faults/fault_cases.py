"""The fault catalogue: every fault the suite injects, and what techpact must do about it.

One entry per case: its kind (``http``: a server misbehaves during ``techpact fetch`` or
``techpact run``; ``input``: a bad file given to ``techpact land-file``; ``process``: a run is
killed, runs at the same time as another, or meets a reader of the published file), what is
injected, the expected outcome (``survives``: the command succeeds; ``refused``: it fails with a
one-line error naming the URL, or the file and line), and a time bound in seconds.

docs/reliability.md is generated from this catalogue and the measured figures
(``pytest tests/faults --update-reliability-doc``); test_reliability_doc.py keeps the two in
step.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Kind = Literal["http", "input", "process"]
Expected = Literal["survives", "refused"]


@dataclass(frozen=True)
class Case:
    kind: Kind
    id: str
    injected: str
    expected: Expected
    bound_s: float
    note: str = ""


HTTP = (
    Case("http", "5xx-then-ok", "HTTP 503 on a data page, then the page", "survives", 20),
    Case("http", "5xx-always", "HTTP 500 on every attempt at a data page", "refused", 20),
    Case("http", "429-retry-after", "HTTP 429 + Retry-After: 1, then the page", "survives", 20),
    Case("http", "hang", "no answer within the read timeout, on every attempt", "refused", 20),
    Case("http", "trickle", "a body sent one byte every 0.3 s", "refused", 20),
    Case("http", "truncated", "a body cut short of its Content-Length", "refused", 20),
    Case(
        "http",
        "cut-at-a-line",
        "a DUO file cut at a line boundary, honest Content-Length",
        "refused",
        20,
        "the portal's listed size",
    ),
    Case(
        "http",
        "changed-mid-download",
        "a DUO file whose bytes differ from the portal's listed hash",
        "refused",
        20,
    ),
    Case("http", "invalid-json", "a data page that is not JSON", "refused", 20),
    Case("http", "html-200", "an HTML error page with status 200", "refused", 20),
    Case("http", "404", "HTTP 404 on the table's metadata", "refused", 20),
    Case(
        "http",
        "empty-page-mid-stream",
        "a data page with no rows and no nextLink before the table ends",
        "refused",
        20,
        "counted against the full cube",
    ),
    Case("http", "nextlink-loop", "a nextLink pointing back to an earlier page", "refused", 20),
    Case("http", "oversize", "a body larger than the configured maximum", "refused", 20),
    Case("http", "dns-failure", "a host name that does not resolve", "refused", 20),
    Case(
        "http",
        "run-dns-failure",
        "`techpact run` (Prefect) with a host that does not resolve",
        "refused",
        90,
        "suggests --offline",
    ),
    Case("http", "run-404", "`techpact run` (Prefect) with HTTP 404 on a table", "refused", 90),
)

INPUT = (
    Case("input", "semicolon-delimiter", "`;` instead of `,` between fields", "refused", 10),
    Case("input", "renamed-column", "a required column renamed", "refused", 10),
    Case("input", "missing-column", "a required column left out", "refused", 10),
    Case("input", "extra-column", "an unknown column added", "survives", 10, "logged"),
    Case("input", "latin-1", "Latin-1 text instead of UTF-8", "refused", 10),
    Case("input", "utf8-bom", "a UTF-8 byte-order mark before the header", "survives", 10),
    Case("input", "negative-count", "a count of -3", "refused", 10),
    Case("input", "non-numeric-count", "a count of `veel`", "refused", 10),
    Case("input", "too-few-fields", "a row with fewer fields than the header", "refused", 10),
    Case(
        "input",
        "duplicate-rows",
        "the same row twice",
        "survives",
        10,
        "lands; the gate blocks the run naming both lines",
    ),
    Case("input", "suppression-markers", "`<5` in count cells", "survives", 10, "NULL + flag"),
    Case("input", "empty", "a file of zero bytes", "refused", 10),
    Case("input", "header-only", "a header and no rows", "refused", 10),
    Case("input", "garbage", "random binary bytes", "refused", 10),
    Case("input", "nul-bytes", "NUL bytes inside a row", "refused", 10),
    Case("input", "huge-line", "one 8 MiB line without a line break", "refused", 20),
    Case(
        "input",
        "formula-injection",
        "`=HYPERLINK(...)` as an institution name",
        "survives",
        10,
        "kept as text",
    ),
    Case(
        "input",
        "html-injection",
        "`<script>` as an institution name",
        "survives",
        10,
        "kept as text",
    ),
)

KILL_POINTS = (
    ("staging", "models built, the build file half written"),
    ("validation", "the build read for the checks"),
    ("snapshot_write", "snapshot_info and quality_results being written"),
    ("snapshot_without_sidecar", "snapshot moved into snapshots/, no sidecar yet"),
    ("before_rename", "the copy beside the published file complete, not renamed"),
    ("after_rename", "renamed, publication log and current.json not written"),
)

PROCESS = (
    *(
        Case("process", f"kill-9-at-{point}", f"SIGKILL at {what}", "survives", 120)
        for point, what in KILL_POINTS
    ),
    Case(
        "process",
        "next-run-after-kill",
        "a run after one killed mid-publish",
        "survives",
        120,
        "cleans up, then publishes",
    ),
    Case("process", "concurrent-runs", "two runs at the same time", "survives", 180),
    Case(
        "process",
        "read-only-reader",
        "a reader holding the published file open read-only",
        "survives",
        120,
    ),
    Case(
        "process",
        "read-write-reader",
        "a reader holding the published file open read-write",
        "survives",
        120,
        "the duckdb CLI's default",
    ),
    Case(
        "process",
        "kill-9-of-run",
        "SIGKILL of `techpact run` with its temporary Prefect server",
        "survives",
        180,
        "the reaper ends the server",
    ),
)

CASES = (*HTTP, *INPUT, *PROCESS)


def case(case_id: str) -> Case:
    [found] = [c for c in CASES if c.id == case_id]
    return found


def ids(kind: Kind) -> list[str]:
    return [c.id for c in CASES if c.kind == kind]
