"""BI clients in their own processes read the published file while a new snapshot is published.

SQLAlchemy through duckdb_engine is what Superset and similar tools use. A long-lived client
keeps its consistent view of the snapshot it opened; it must reconnect to see a newer one.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

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


def test_sqlalchemy_client_keeps_its_view_and_sees_the_new_snapshot_after_reconnecting(
    tmp_path: Path,
) -> None:
    data_dir = tmp_path / "data"
    first = publish_sample(data_dir)
    published = data_dir / "published" / "techpact.duckdb"
    client = subprocess.Popen(
        [sys.executable, "-c", SQLALCHEMY_CLIENT, str(published)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert client.stdout is not None
        assert client.stdout.readline().strip() == first
        second = publish_sample(data_dir)  # a pipeline run publishes while the client is open
        out, err = client.communicate("go\n", timeout=120)
    finally:
        client.kill()
    assert client.returncode == 0, err
    still_first, row_count, after_reconnect = out.split()
    assert still_first == first
    assert int(row_count) > 0
    assert after_reconnect == second
