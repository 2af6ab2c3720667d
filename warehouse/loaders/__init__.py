"""Loaders put landed files into DuckDB as raw tables, one module per source.

A loader module ``techpact.warehouse.loaders.<source>`` has one public function::

    load_raw(con, landing, resources) -> list[LandedFile]

It chooses the landed file(s) for each resource the catalog needs, parses them with the
source's pure parser, creates table ``raw_<source>__<resource>`` (with ``source_file`` and
``source_sha256`` columns for lineage) and returns the files it used. A resource with nothing
landed is a ``BuildError`` naming it.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Protocol

import duckdb
import pandas as pd

from techpact.sources.landing import LandedFile, LandingZone


class LoaderModule(Protocol):
    load_raw: Callable[[duckdb.DuckDBPyConnection, LandingZone, list[str]], list[LandedFile]]


class BuildError(RuntimeError):
    """The landing zone cannot be built into a warehouse; the message says what is missing."""


def loader_for(source: str) -> LoaderModule:
    try:
        return importlib.import_module(f"techpact.warehouse.loaders.{source}")  # type: ignore[return-value]
    except ModuleNotFoundError as exc:
        raise BuildError(f"no loader for source {source!r}") from exc


def create_raw_table(
    con: duckdb.DuckDBPyConnection, table: str, rows: pd.DataFrame, landed: list[LandedFile]
) -> None:
    """Create ``table`` from parsed rows. ``table`` is built from validated names, never data."""
    con.register("parsed_rows", rows)
    try:
        con.execute(f'create or replace table "{table}" as select * from parsed_rows')
    finally:
        con.unregister("parsed_rows")


def raw_table_name(source: str, resource: str) -> str:
    return f"raw_{source}__{resource}"
