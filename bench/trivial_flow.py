"""The framework floor of a whole run: a process that imports what `techpact run` imports
(prefect, great_expectations, duckdb, pandas, techpact) and runs a one-task Prefect flow on its
own temporary Prefect server, as `techpact run` does without PREFECT_API_URL. Run as a child
process by bench/run.py; it does no work of its own."""

from __future__ import annotations

import duckdb  # noqa: F401
import great_expectations  # noqa: F401
import pandas  # noqa: F401
from prefect import flow, task

import techpact.cli  # noqa: F401


@task
def one() -> int:
    return 1


@flow(name="bench-trivial")
def trivial() -> int:
    return one()


if __name__ == "__main__":
    trivial()
