"""Run the SQL models in order: seeds, staging, intermediate models, indicator models.

Every model is a ``select`` in its own ``.sql`` file; the runner materialises it as a table named
after the file. Table names come from file names and the validated catalog, never from data.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence
from importlib import resources
from importlib.resources.abc import Traversable

import duckdb
import pandas as pd

from techpact.sources.cbs_regions import (
    REGION_COLUMNS,
    RegionRecord,
    parse_region_seed,
    read_seed_text,
)
from techpact.transforms.catalog import BREAKDOWN_COLUMNS, Catalog
from techpact.transforms.dependencies import (
    DependencyError,
    Macro,
    macro_order,
    parse_macro,
    references,
)

_MODEL_NAME = re.compile(r"^[a-z][a-z0-9_]*$")

INDICATOR_MODEL_COLUMNS = (
    "region_code",
    "period",
    "period_type",
    "value",
    "suppressed_cell_count",
    "source_sha256",
)


class TransformError(RuntimeError):
    """A SQL model failed; the message names the model file."""


def _sql_dir(name: str) -> Traversable:
    return resources.files("techpact.transforms").joinpath(name)


def read_model_sql(folder: str, name: str) -> str:
    if not _MODEL_NAME.match(name):
        raise TransformError(f"model name {name!r} is not a plain identifier")
    path = _sql_dir(folder).joinpath(f"{name}.sql")
    if not path.is_file():
        raise TransformError(f"{folder}/{name}.sql does not exist")
    return path.read_text(encoding="utf-8")


def model_names(folder: str, prefix: str = "") -> list[str]:
    names = [
        entry.name.removesuffix(".sql")
        for entry in _sql_dir(folder).iterdir()
        if entry.name.endswith(".sql") and entry.name.startswith(prefix)
    ]
    return sorted(names)


def materialise(con: duckdb.DuckDBPyConnection, folder: str, name: str) -> None:
    """Build one model; the table macros it may call are defined first.

    A staging model (``staging/``) renames and filters one raw table: it is a view, so the
    raw rows are not held twice in memory. Every other model is a table."""
    sql = read_model_sql(folder, name)
    define_macros(con)
    kind = "view" if folder == "staging" else "table"
    try:
        con.execute(f'create or replace {kind} "{name}" as {sql}')
    except duckdb.Error as exc:
        raise TransformError(f"{folder}/{name}.sql failed: {exc}") from exc


def write_region_table(con: duckdb.DuckDBPyConnection, records: Sequence[RegionRecord]) -> None:
    """Create ``region`` (gemeente -> COROP -> provincie -> landsdeel -> Nederland) from
    records: those of CBS "Gebieden in Nederland" or of the bundled seed."""
    frame = pd.DataFrame.from_records(
        [dataclasses.astuple(r) for r in records], columns=list(REGION_COLUMNS)
    )
    frame = frame.astype({c: "string" for c in REGION_COLUMNS} | {"classification_year": "int32"})
    con.register("region_records", frame)
    try:
        con.execute(
            """
            create or replace table region as
            select
                region_code::varchar as region_code,
                region_name::varchar as region_name,
                region_level::varchar as region_level,
                corop_code::varchar as corop_code,
                province_code::varchar as province_code,
                landsdeel_code::varchar as landsdeel_code,
                classification_year::integer as classification_year,
                source_note::varchar as source_note
            from region_records
            """
        )
    finally:
        con.unregister("region_records")


def load_region_seed(con: duckdb.DuckDBPyConnection) -> None:
    """The bundled region hierarchy (``transforms/seeds/region.csv``), the fallback for a
    landing zone without a CBS "Gebieden in Nederland" fetch."""
    write_region_table(con, parse_region_seed(read_seed_text()))


def model_folder(name: str) -> str:
    return "staging" if name.startswith("stg_") else "models"


def load_macros() -> dict[str, Macro]:
    """The table macros of ``transforms/macros/``, by name (a file holds the macro it names)."""
    macros = {}
    for name in model_names("macros"):
        origin = f"macros/{name}.sql"
        try:
            macro = parse_macro(read_model_sql("macros", name), origin=origin)
        except DependencyError as exc:
            raise TransformError(str(exc)) from exc
        if macro.name != name:
            raise TransformError(f"{origin} defines macro {macro.name!r}, not {name!r}")
        macros[name] = macro
    return macros


def define_macros(con: duckdb.DuckDBPyConnection) -> None:
    """Create the table macros on ``con`` (temporary: they are not part of any build file)."""
    macros = load_macros()
    for name in macro_order(macros):
        try:
            con.execute(read_model_sql("macros", name))
        except duckdb.Error as exc:
            raise TransformError(f"macros/{name}.sql failed: {exc}") from exc


def model_references(name: str, macros: dict[str, Macro]) -> set[str]:
    """The tables model ``name`` reads (its CTEs left out, through the macros it calls)."""
    origin = f"{model_folder(name)}/{name}.sql"
    try:
        return references(read_model_sql(model_folder(name), name), macros, origin=origin)
    except DependencyError as exc:
        raise TransformError(str(exc)) from exc


def build_order(targets: list[str], available: set[str]) -> list[str]:
    """The models needed for ``targets``, dependencies first.

    A reference (see ``transforms/dependencies.py``) is either a table that already exists
    (``available``: seeds, raw tables) or another model file, which is then built first.
    """
    known = set(model_names("staging")) | set(model_names("models"))
    macros = load_macros()
    order: list[str] = []
    visiting: set[str] = set()

    def visit(name: str, needed_by: str | None) -> None:
        if name in order or name in available:
            return
        if name not in known:
            raise TransformError(
                f"{needed_by or 'the catalog'} needs table {name!r}, which is neither a model "
                "nor loaded from the landing zone"
                + (" (land the source file it comes from)" if name.startswith("raw_") else "")
            )
        if name in visiting:
            raise TransformError(f"models depend on each other in a cycle through {name}")
        visiting.add(name)
        for ref in sorted(model_references(name, macros) - {name}):
            visit(ref, f"{model_folder(name)}/{name}.sql")
        visiting.discard(name)
        order.append(name)

    for target in targets:
        visit(target, None)
    return order


def existing_tables(con: duckdb.DuckDBPyConnection) -> set[str]:
    return {row[0] for row in con.execute("select table_name from duckdb_tables()").fetchall()}


def run_models(con: duckdb.DuckDBPyConnection, catalog: Catalog) -> list[str]:
    """Build every model the catalog's indicators need, in dependency order; union them.

    Returns the models built. Raw tables (``raw_<source>__<resource>``) and seeds must exist.
    """
    order = build_order([i.model for i in catalog.indicators], existing_tables(con))
    for name in order:
        materialise(con, model_folder(name), name)
    for indicator in catalog.indicators:
        _check_model_columns(con, indicator.model, indicator.breakdowns)
    _union_indicator_rows(con, catalog)
    return order


def _check_model_columns(
    con: duckdb.DuckDBPyConnection, model: str, breakdowns: tuple[str, ...]
) -> None:
    columns = {row[0] for row in con.execute(f'describe "{model}"').fetchall()}
    missing = [c for c in (*INDICATOR_MODEL_COLUMNS, *breakdowns) if c not in columns]
    if missing:
        raise TransformError(f"models/{model}.sql must return column(s) {missing}")


def _union_indicator_rows(con: duckdb.DuckDBPyConnection, catalog: Catalog) -> None:
    """All indicator models in one long table; absent breakdowns hold 'total'.

    A model may also return ``source_dataset`` per row (e.g. the CBS table id of each spliced
    classification year); otherwise it is null and the catalog's dataset applies.
    """
    parts = []
    for indicator in catalog.indicators:
        breakdowns = ", ".join(
            f'"{b}"' if b in indicator.breakdowns else f"'total' as \"{b}\""
            for b in BREAKDOWN_COLUMNS
        )
        columns = ", ".join(f'"{c}"' for c in INDICATOR_MODEL_COLUMNS)
        model_columns = {row[0] for row in con.execute(f'describe "{indicator.model}"').fetchall()}
        dataset = (
            '"source_dataset"::varchar as source_dataset'
            if "source_dataset" in model_columns
            else "null::varchar as source_dataset"
        )
        parts.append(
            f"select '{indicator.id}' as indicator_id, {columns}, {dataset}, {breakdowns} "
            f'from "{indicator.model}"'
        )
    con.execute("create or replace table indicator_rows as " + "\nunion all\n".join(parts))
