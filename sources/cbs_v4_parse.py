"""Pure parsing of CBS OData v4 responses (``datasets.cbs.nl/odata/v1/CBS/<id>``). No I/O.

v4 describes a table in ``Properties`` (one JSON object, with ``Modified``), ``Dimensions``
(``Identifier``, ``Title``, ``Kind``: Dimension / GeoDimension / TimeDimension), ``MeasureCodes``
(the topics: opaque ``Identifier`` such as ``3000790_2``, ``Title``, ``Unit``) and one
``<Dimension>Codes`` list per dimension (``Identifier``, ``Title``, ``Status``). Data come as
``Observations``, one row per cell: ``{Id, Measure, ValueAttribute, Value, StringValue,
<dimension>: <code>, ...}`` with unpadded codes, paged by ``@odata.nextLink``.

``v4_table_parts`` turns a fetch into what v3 gives (``cbs_parse.TableStructure``, code lists
and one wide row per dimension combination, measures as columns), so both APIs tidy through
the same ``cbs_parse.tidy_rows`` into the same raw table shape.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

from techpact.sources.cbs_parse import (
    Code,
    Property,
    TableResponses,
    TableStructure,
    load_envelope,
    parse_page,
    table_structure,
)
from techpact.sources.errors import SourceFormatError

# Observation fields that are not dimensions
OBSERVATION_FIELDS = frozenset({"Id", "Measure", "ValueAttribute", "Value", "StringValue"})


def parse_properties(data: bytes, file_name: str) -> dict[str, Any]:
    """The ``Properties`` object; its ``Modified`` tells whether the table changed."""
    try:
        payload = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SourceFormatError(file_name, f"not valid JSON ({exc})") from exc
    if not isinstance(payload, dict) or not payload.get("Modified"):
        raise SourceFormatError(file_name, "Properties must be a JSON object with 'Modified'")
    return payload


def _entries(data: bytes, file_name: str, required: Sequence[str]) -> list[dict[str, Any]]:
    entries = load_envelope(data, file_name)["value"]
    for number, entry in enumerate(entries, start=1):
        if not isinstance(entry, dict) or not set(required) <= entry.keys():
            raise SourceFormatError(file_name, f"entry without {'/'.join(required)}", line=number)
    return entries


def parse_dimensions(data: bytes, file_name: str) -> tuple[Property, ...]:
    return tuple(
        Property(key=str(e["Identifier"]), title=str(e["Title"]).strip(), type=str(e["Kind"]))
        for e in _entries(data, file_name, ("Identifier", "Title", "Kind"))
    )


def parse_measure_codes(data: bytes, file_name: str) -> tuple[Property, ...]:
    return tuple(
        Property(
            key=str(e["Identifier"]),
            title=str(e["Title"]).strip(),
            type="Topic",
            unit=str(e["Unit"]).strip() if e.get("Unit") else None,
        )
        for e in _entries(data, file_name, ("Identifier", "Title"))
    )


def parse_codes(data: bytes, file_name: str) -> tuple[Code, ...]:
    return tuple(
        Code(
            key=str(e["Identifier"]).strip(), title=str(e["Title"]).strip(), status=e.get("Status")
        )
        for e in _entries(data, file_name, ("Identifier", "Title"))
    )


def wide_rows(
    observations: Iterable[dict[str, Any]], measures: Sequence[str], file_name: str
) -> list[dict[str, Any]]:
    """One row per combination of dimension codes, each measure a column (null where the
    table has no observation): the shape of a v3 TypedDataSet row."""
    rows: dict[tuple[tuple[str, Any], ...], dict[str, Any]] = {}
    for number, observation in enumerate(observations, start=1):
        if "Measure" not in observation or "Value" not in observation:
            raise SourceFormatError(file_name, "observation without Measure/Value", line=number)
        value = observation["Value"]
        if value is not None and not isinstance(value, int | float):
            raise SourceFormatError(
                file_name, f"value {value!r} is not a number", line=number, column="Value"
            )
        key = tuple(sorted((k, v) for k, v in observation.items() if k not in OBSERVATION_FIELDS))
        row = rows.setdefault(key, {**dict(key), **dict.fromkeys(measures)})
        row[str(observation["Measure"])] = value
    return list(rows.values())


def v4_table_parts(
    responses: TableResponses, file_name: str
) -> tuple[TableStructure, dict[str, tuple[Code, ...]], list[dict[str, Any]]]:
    """A v4 fetch as v3 parts: structure, code list per dimension, wide rows."""
    if responses.measure_codes is None:
        raise SourceFormatError(file_name, "the v4 MeasureCodes response is missing")
    dimensions = parse_dimensions(responses.data_properties, f"{file_name} Dimensions")
    topics = parse_measure_codes(responses.measure_codes, f"{file_name} MeasureCodes")
    structure = table_structure((*dimensions, *topics), f"{file_name} Dimensions")
    codes = {}
    for dim in structure.dimensions:
        if dim.key not in responses.dimensions:
            raise SourceFormatError(file_name, f"the code list of dimension {dim.key} is missing")
        codes[dim.key] = parse_codes(responses.dimensions[dim.key], f"{file_name} {dim.key}Codes")
    observations = [
        row
        for number, page in enumerate(responses.pages, start=1)
        for row in parse_page(page, f"{file_name} Observations page {number}").rows
    ]
    rows = wide_rows(observations, [t.key for t in topics], f"{file_name} Observations")
    return structure, codes, rows
