"""HTTP faults: a local CBS or DUO stand-in misbehaves while `techpact fetch` or `run` talks.

Each case serves a recorded table (tests/fixtures/cbs/85701NED, three data pages of 8 rows) or
a DUO listing and file, injects one fault, runs the command and hands what happened to
``observe``: the expected outcome, exit code 1 with a one-line error naming the URL for a
refusal, no traceback, within the time bound, the published file untouched, no partial file in
the landing zone.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from conftest import FIXTURES, REPO_ROOT, publish_sample
from fault_record import observe, sha256
from http_server import ReplayServer, Reply, running_server, serve_cbs_table
from test_duo_fetch_integrity import BY_SEX, BY_SEX_ONLY, BY_SEX_PATH, CUT, listing, serve
from typer.testing import CliRunner

from techpact.cli import app

TECHPACT = REPO_ROOT / ".venv" / "bin" / "techpact"
TABLE = "85701NED"
TABLE_DIR = FIXTURES / "cbs" / TABLE
FEED = f"/ODataFeed/odata/{TABLE}/TypedDataSet"
PAGE_2 = {"$skip": "8"}
# Short timeouts and few retries so that each fault is met, retried and given up on quickly.
FAST = {
    "TECHPACT_HTTP_CONNECT_TIMEOUT_S": "2",
    "TECHPACT_HTTP_READ_TIMEOUT_S": "1",
    "TECHPACT_HTTP_DEADLINE_S": "4",
    "TECHPACT_HTTP_RETRIES": "2",
    "TECHPACT_HTTP_BACKOFF_FACTOR_S": "0.05",
    "TECHPACT_HTTP_BACKOFF_JITTER_S": "0.01",
    "TECHPACT_HTTP_BACKOFF_MAX_S": "0.2",
    "COLUMNS": "300",
}


@pytest.fixture(scope="module")
def published_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data_dir = tmp_path_factory.mktemp("published")
    publish_sample(data_dir)
    return data_dir


@pytest.fixture
def data_dir(published_template: Path, tmp_path: Path) -> Path:
    """A data directory with a published snapshot and an empty landing zone."""
    target = tmp_path / "data"
    shutil.copytree(published_template, target)
    return target


@pytest.fixture
def replay() -> Iterator[ReplayServer]:
    yield from running_server()


def page(server: ReplayServer, number: int) -> bytes:
    return server.render((TABLE_DIR / f"TypedDataSet-{number}.json").read_bytes())


def empty_page(server: ReplayServer) -> bytes:
    meta = f"{server.base_url}/ODataFeed/OData/{TABLE}/$metadata"
    return json.dumps({"odata.metadata": meta, "value": []}).encode()


def looping_page(server: ReplayServer) -> bytes:
    body = json.loads(page(server, 2))
    body["odata.nextLink"] = f"{server.base_url}{FEED}?$format=json&$skip=8"  # itself
    return json.dumps(body).encode()


# case id -> the replies of data page 2 (the last one repeats)
PAGE_2_FAULTS: dict[str, Callable[[ReplayServer], tuple[Reply, ...]]] = {
    "5xx-then-ok": lambda s: (Reply(status=503), Reply(body=page(s, 2))),
    "5xx-always": lambda s: (Reply(status=500, body=b"oops"),),
    "429-retry-after": lambda s: (
        Reply(status=429, headers={"Retry-After": "1"}),
        Reply(body=page(s, 2)),
    ),
    "hang": lambda s: (Reply(body=page(s, 2), delay_s=3),),
    "trickle": lambda s: (Reply(body=page(s, 2), trickle_s=0.3),),
    "truncated": lambda s: (Reply(body=page(s, 2), truncate_to=500),),
    "invalid-json": lambda s: (Reply(body=b'{"value": [{"ID": 0,'),),
    "html-200": lambda s: (
        Reply(body=b"<html><body>Onderhoud</body></html>", content_type="text/html"),
    ),
    "empty-page-mid-stream": lambda s: (Reply(body=empty_page(s)),),
    "nextlink-loop": lambda s: (Reply(body=looping_page(s)),),
}
# case id -> the environment that makes the fault
ENV_FAULTS = {
    "oversize": {"TECHPACT_HTTP_MAX_BODY_BYTES": "1200"},
    "dns-failure": {"TECHPACT_CBS_BASE_URL": "http://techpact-fault-test.invalid"},
}
CBS_FAULTS = sorted([*PAGE_2_FAULTS, *ENV_FAULTS, "404"])
# case id -> what its error says besides the table and the server (and the URL, in the line)
SAYS = {
    "5xx-always": "HTTP 500",
    "hang": "retries",
    "trickle": "deadline",
    "truncated": "could not be read completely",
    "invalid-json": "not valid JSON",
    "html-200": "HTML",
    "404": "HTTP 404",
    "empty-page-mid-stream": "the last one empty",
    "nextlink-loop": "loop",
    "oversize": "over the limit",
    "dns-failure": "--offline",
}


def inject(case_id: str, server: ReplayServer) -> dict[str, str]:
    """Make ``server`` (serving the table) misbehave; the environment the fault needs."""
    if case_id in PAGE_2_FAULTS:
        server.add(FEED, *PAGE_2_FAULTS[case_id](server), query=PAGE_2)
    elif case_id == "404":
        server.add(f"/ODataApi/odata/{TABLE}/TableInfos", Reply(status=404))
    return ENV_FAULTS.get(case_id, {})


@pytest.mark.parametrize("case_id", CBS_FAULTS)
def test_a_cbs_fetch_meets_the_fault(case_id: str, replay: ReplayServer, data_dir: Path) -> None:
    serve_cbs_table(replay, TABLE_DIR, page_size=8)
    env = {**FAST, "TECHPACT_CBS_BASE_URL": replay.base_url}
    env |= inject(case_id, replay)
    published = data_dir / "published" / "techpact.duckdb"
    before = sha256(published)

    started = time.monotonic()
    result = CliRunner().invoke(
        app, ["fetch", "--source", "cbs", "--table", TABLE, "--data-dir", str(data_dir)], env=env
    )
    seconds = time.monotonic() - started

    host = env["TECHPACT_CBS_BASE_URL"].split("//")[1]
    observe(
        case_id,
        exit_code=result.exit_code,
        output=result.output + _exception(result),
        seconds=seconds,
        landing=data_dir / "landing",
        published=(before, published),
        names=(TABLE, host, SAYS.get(case_id, "")),
    )


def _exception(result) -> str:
    """An exception CliRunner caught (other than the exit) counts as a traceback."""
    if result.exception is None or isinstance(result.exception, SystemExit):
        return ""
    return f"\nTraceback (most recent call last): {result.exception!r}"


DUO_FAULTS = {
    "cut-at-a-line": (
        {"size": len(BY_SEX)},
        CUT,
        f"{len(CUT)} bytes downloaded, the portal lists {len(BY_SEX)}",
    ),
    "changed-mid-download": (
        {"hash": f"sha256:{hashlib.sha256(BY_SEX).hexdigest()}"},
        BY_SEX.replace(b"MAN", b"VROUW", 1),
        "the portal lists",
    ),
}


@pytest.mark.parametrize("case_id", sorted(DUO_FAULTS))
def test_a_duo_fetch_meets_the_fault(
    case_id: str, replay: ReplayServer, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fields, body, says = DUO_FAULTS[case_id]
    monkeypatch.setattr("techpact.commands.fetch.load_duo_datasets", lambda: BY_SEX_ONLY)
    monkeypatch.setattr("techpact.sources.ckan.load_duo_datasets", lambda: BY_SEX_ONLY)
    serve(replay, listing(replay, **fields), body)
    published = data_dir / "published" / "techpact.duckdb"
    before = sha256(published)

    started = time.monotonic()
    result = CliRunner().invoke(
        app,
        ["fetch", "--source", "duo", "--dataset", "p01hoinges", "--data-dir", str(data_dir)],
        env={**FAST, "TECHPACT_DUO_BASE_URL": replay.base_url},
    )
    seconds = time.monotonic() - started

    observe(
        case_id,
        exit_code=result.exit_code,
        output=result.output + _exception(result),
        seconds=seconds,
        landing=data_dir / "landing",
        published=(before, published),
        names=(BY_SEX_PATH.rsplit("/", 1)[1], says),
    )


RUN_FAULTS = {"run-dns-failure": "dns-failure", "run-404": "404"}


@pytest.mark.parametrize("case_id", sorted(RUN_FAULTS))
def test_a_run_meets_the_fault_and_ends_without_a_traceback(
    case_id: str, replay: ReplayServer, data_dir: Path
) -> None:
    """The real command in its own process, with its own temporary Prefect server: everything
    it prints (Prefect's logs too) is free of tracebacks."""
    serve_cbs_table(replay, TABLE_DIR, page_size=8)
    env = {**FAST, "TECHPACT_CBS_BASE_URL": replay.base_url} | inject(RUN_FAULTS[case_id], replay)
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")} | env
    published = data_dir / "published" / "techpact.duckdb"
    before = sha256(published)

    started = time.monotonic()
    result = subprocess.run(
        [str(TECHPACT), "run", "--source", "cbs", "--data-dir", str(data_dir)],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    seconds = time.monotonic() - started

    observe(
        case_id,
        exit_code=result.returncode,
        output=result.stdout + result.stderr,
        seconds=seconds,
        landing=data_dir / "landing",
        published=(before, published),
        orphans=len(servers_left(data_dir)),
        names=("--offline",) if case_id == "run-dns-failure" else ("HTTP 404", "/TableInfos"),
    )


def servers_left(data_dir: Path) -> list[int]:
    """Processes still running that were started for this data directory (its Prefect home)."""
    found = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            text = cmdline.read_bytes().replace(b"\0", b" ").decode()
            environ = (cmdline.parent / "environ").read_bytes()
        except OSError:
            continue
        if "uvicorn" in text and str(data_dir).encode() in environ:
            found.append(int(cmdline.parent.name))
    return found
