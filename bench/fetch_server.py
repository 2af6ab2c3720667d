"""A local CBS stand-in on 127.0.0.1 for `techpact fetch --source cbs`: the generated CBS
responses of the bundled sample landing zone, each reply held back a fixed latency.

It is the tests' replay server (tests/http_server.py) with its ``latency_s`` set; the server
is threaded, so replies to concurrent requests wait their latency side by side.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from zones import REPO, SAMPLE_LANDING

sys.path.insert(0, str(REPO / "tests"))
from http_server import ReplayServer, serve_cbs_table

SAMPLE_PAGE_SIZE = 60  # rows per TypedDataSet page in the generated sample responses
CBS_ADDRESS = b"https://opendata.cbs.nl"


def latency_server(latency_s: float) -> ReplayServer:
    """A replay server whose every reply waits ``latency_s`` before it is sent."""
    server = ReplayServer()
    server.latency_s = latency_s
    return server


def recorded_cbs_tables(folder: Path) -> list[Path]:
    """The sample's generated CBS responses as one folder per table (the public address
    replaced by the server's own), as serve_cbs_table reads them."""
    for manifest in sorted(SAMPLE_LANDING.glob("cbs/*/*/manifest.json")):
        meta = json.loads(manifest.read_text("utf-8"))
        if meta["file_name"] == "fetch-batch.json":
            continue
        body = (manifest.parent / meta["file_name"]).read_bytes()
        target = folder / meta["dataset"] / meta["file_name"]
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(body.replace(CBS_ADDRESS, b"{base_url}"))
    return sorted(p for p in folder.iterdir() if p.is_dir())


def serve_sample_cbs(server: ReplayServer, folder: Path) -> None:
    for table in recorded_cbs_tables(folder):
        serve_cbs_table(server, table, page_size=SAMPLE_PAGE_SIZE)
