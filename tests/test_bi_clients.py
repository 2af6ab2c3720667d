"""BI clients in their own processes read the published file while a new snapshot is published.

SQLAlchemy through duckdb_engine is what Superset and similar tools use. A long-lived client
keeps its consistent view of the snapshot it opened; it must reconnect to see a newer one. The
client runs with the project's DuckDB 2.0 and with the DuckDB 1.x that BI tools embed (the
pinned venv of tests/bi_clients/constraints.txt, see tests/test_bi_compat.py).
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from bi_clients.client_venv import client_python
from conftest import publish_sample

SQLALCHEMY_CLIENT = textwrap.dedent(
    """
    import sys
    import sqlalchemy as sa

    url = "duckdb:///" + sys.argv[1]
    engine = sa.create_engine(url, connect_args={"read_only": True})
    query = sa.text("select snapshot_id from snapshot_info")
    with engine.connect() as con:
        print(con.execute(query).scalar_one(), flush=True)
        sys.stdin.readline()  # the test publishes a new snapshot now
        print(con.execute(query).scalar_one(), flush=True)
        rows = con.execute(sa.text("select count(*) from indicator_values")).scalar_one()
        print(rows, flush=True)
    engine.dispose()  # reconnect: a new connection sees the new snapshot
    engine = sa.create_engine(url, connect_args={"read_only": True})
    with engine.connect() as con:
        print(con.execute(query).scalar_one(), flush=True)
    """
)


@pytest.fixture(params=["duckdb-2.0", "duckdb-1.x"])
def client(request: pytest.FixtureRequest) -> str:
    """The Python that runs the client: the project's venv, or the pinned BI client venv."""
    return sys.executable if request.param == "duckdb-2.0" else str(client_python())


def test_sqlalchemy_client_keeps_its_view_and_sees_the_new_snapshot_after_reconnecting(
    tmp_path: Path, client: str
) -> None:
    data_dir = tmp_path / "data"
    first = publish_sample(data_dir)
    published = data_dir / "published" / "techpact.duckdb"
    process = subprocess.Popen(
        [client, "-I", "-c", SQLALCHEMY_CLIENT, str(published)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        assert process.stdout.readline().strip() == first
        second = publish_sample(data_dir)  # a pipeline run publishes while the client is open
        out, err = process.communicate("go\n", timeout=120)
    finally:
        process.kill()
    assert process.returncode == 0, err
    still_first, row_count, after_reconnect = out.split()
    assert still_first == first
    assert int(row_count) > 0
    assert after_reconnect == second
