"""A local CBS stand-in on 127.0.0.1 for `techpact fetch --source cbs`: the generated CBS
responses of the bundled sample landing zone, each reply held back a fixed latency.

It is the tests' replay server (tests/http_server.py) with its ``latency_s`` set; the server
is threaded, so replies to concurrent requests wait their latency side by side.
"""

from __future__ import annotations

import sys

from zones import REPO

sys.path.insert(0, str(REPO / "tests"))
from http_server import ReplayServer, serve_sample_cbs  # noqa: F401 - used by bench.rounds


def latency_server(latency_s: float) -> ReplayServer:
    """A replay server whose every reply waits ``latency_s`` before it is sent."""
    server = ReplayServer()
    server.latency_s = latency_s
    return server
