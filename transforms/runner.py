"""Run the SQL models in order: seeds, staging, intermediate models, indicator models.

Every model is a ``select`` in its own ``.sql`` file; the runner materialises it as a table named
after the file. Table names come from file names and the validated catalog, never from data.
"""

from __future__ import annotations

import re
from importlib import resources
from importlib.resources.abc import Traversable

import duckdb

from techpact.transforms.catalog import BREAKDOWN_COLUMNS, Catalog

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
    sql = read_model_sql(folder, name)
    try:
        con.execute(f'create or replace table "{name}" as {sql}')
    except duckdb.Error as exc:
        raise TransformError(f"{folder}/{name}.sql failed: {exc}") from exc


def load_region_seed(con: duckdb.DuckDBPyConnection) -> None:
    """The bundled region hierarchy (gemeente -> COROP -> provincie -> landsdeel -> Nederland)."""
    path = _sql_dir("seeds").joinpath("region.csv")
    con.execute(
        """
        create or replace table region as
        select * from read_csv(
            $path,
            header = true,
            auto_detect = false,
            columns = {
                'region_code': 'varchar',
                'region_name': 'varchar',
                'region_level': 'varchar',
                'corop_code': 'varchar',
                'province_code': 'varchar',
                'landsdeel_code': 'varchar',
                'classification_year': 'integer',
                'source_note': 'varchar'
            }
        )
        """,
        {"path": str(path)},
    )


def run_models(con: duckdb.DuckDBPyConnection, catalog: Catalog, staged: list[str]) -> None:
    """Build staging models for the ``staged`` raw resources, then every other model.

    ``staged`` names the staging models (``stg_<source>__<resource>``) whose raw tables exist.
    """
    for name in staged:
        materialise(con, "staging", name)
    for name in model_names("models", prefix="int_"):
        materialise(con, "models", name)
    for indicator in catalog.indicators:
        materialise(con, "models", indicator.model)
        _check_model_columns(con, indicator.model, indicator.breakdowns)
    _union_indicator_rows(con, catalog)


def _check_model_columns(
    con: duckdb.DuckDBPyConnection, model: str, breakdowns: tuple[str, ...]
) -> None:
    columns = {row[0] for row in con.execute(f'describe "{model}"').fetchall()}
    missing = [c for c in (*INDICATOR_MODEL_COLUMNS, *breakdowns) if c not in columns]
    if missing:
        raise TransformError(f"models/{model}.sql must return column(s) {missing}")


def _union_indicator_rows(con: duckdb.DuckDBPyConnection, catalog: Catalog) -> None:
    """All indicator models in one long table; absent breakdowns hold 'total'."""
    parts = []
    for indicator in catalog.indicators:
        breakdowns = ", ".join(
            f'"{b}"' if b in indicator.breakdowns else f"'total' as \"{b}\""
            for b in BREAKDOWN_COLUMNS
        )
        columns = ", ".join(f'"{c}"' for c in INDICATOR_MODEL_COLUMNS)
        parts.append(
            f"select '{indicator.id}' as indicator_id, {columns}, {breakdowns} "
            f'from "{indicator.model}"'
        )
    con.execute("create or replace table indicator_rows as " + "\nunion all\n".join(parts))
