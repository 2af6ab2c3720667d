"""The generated CBS sample (sample/cbs_sample.py -> sample/landing) has the shapes of real CBS
responses: every generated response is compared with a real one of the same kind from
../shared/samples/cbs_real (keys, JSON types, key padding, envelope, metadata URL, nextLink), so
the sample cannot drift from what CBS sends.

Real kinds used: TableInfos, DataProperties entries by Type, category and period code lists,
TypedDataSet rows (80518ENG from ODataApi, 80137ned from ODataFeed) and the ODataFeed nextLink
(83599NED). No capture holds a GeoDimension entry or a region code list: a GeoDimension is
compared with a real Dimension entry plus the two fields CBS adds to it (MapYear,
ReleasePolicy), a region code list with a real category list.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest
from conftest import SAMPLE_LANDING, shared_file

GEO_EXTRA = {"MapYear", "ReleasePolicy"}
REGION_WIDTH = {"85755NED": 10}  # Gebieden: 10 wide; regional data tables: 6
METADATA_URL = re.compile(
    r"^https://opendata\.cbs\.nl/(ODataApi|ODataFeed)/OData/(?P<table>\w+)/\$metadata"
    r"#Cbs\.OData\.WebAPI\.(?P<entity>\w+)$"
)


def _load(path: Path) -> dict[str, Any]:
    return json.loads(path.read_bytes().decode("utf-8-sig"))


def _type(value: Any) -> str:
    return type(value).__name__


@pytest.fixture(scope="module")
def real() -> dict[str, Any]:
    """Keys and JSON types of each kind of real response."""
    root = shared_file("cbs_real/PROVENANCE.md").parent
    api, feed = root / "v3_ODataApi_80518ENG", root / "v3_ODataFeed_80137ned"
    properties: dict[str, set[str]] = defaultdict(set)
    odata_types: dict[str, str] = {}
    for file in (api / "DataProperties.Json", feed / "meta_7.json"):
        for entry in _load(file)["value"]:
            properties[entry["Type"]] |= set(entry)
            odata_types[entry["Type"]] = entry["odata.type"]
    table_infos = [
        _load(api / "Tableinfos.Json")["value"][0],
        _load(feed / "meta_2.json")["value"][0],
    ]
    [next_link] = [
        _load(f).get("odata.nextLink")
        for f in (root / "v3_ODataFeed_83599NED_paged").glob("*.json")
        if "odata.nextLink" in _load(f)
    ]
    return {
        "table_infos": table_infos,
        "properties": properties,
        "odata_types": odata_types,
        "categories": [
            set(_load(api / "PersonalCharacteristics.Json")["value"][0]),
            set(_load(feed / "meta_4.json")["value"][0]),
        ],
        "periods": [
            set(_load(api / "Periods.Json")["value"][0]),
            set(_load(feed / "meta_6.json")["value"][0]),
        ],
        "envelope_keys": [list(_load(api / "TypedDataSet.Json"))],
        "next_link": next_link,
        "row": _load(feed / "meta_8.json")["value"][0],
    }


def generated() -> dict[str, dict[str, Any]]:
    """Every generated CBS response of the sample landing zone by dataset/file name, with the
    role its fetch marker gives it."""
    responses: dict[str, dict[str, Any]] = {}
    markers = {}
    files = {}
    for manifest_file in sorted(SAMPLE_LANDING.glob("cbs/*/*/manifest.json")):
        manifest = json.loads(manifest_file.read_text())
        body = manifest_file.parent / manifest["file_name"]
        files[manifest["sha256"]] = (manifest, body)
        if manifest["file_name"] == "fetch-batch.json":
            markers[manifest["dataset"]] = _load(body)
    for dataset, marker in markers.items():
        for entry in marker["files"]:
            manifest, body = files[entry["sha256"]]
            responses[f"{dataset}/{entry['file_name']}"] = {
                **entry,
                "dataset": dataset,
                "payload": _load(body),
                "generated": manifest["is_sample_data"],
            }
    return responses


RESPONSES = generated()


def test_the_sample_holds_generated_responses_of_every_kind() -> None:
    roles = {r["role"] for r in RESPONSES.values()}
    assert roles == {"table_infos", "data_properties", "dimension", "data_page"}
    assert all(r["generated"] for r in RESPONSES.values())


@pytest.mark.parametrize("name", sorted(RESPONSES))
def test_each_generated_response_has_the_envelope_and_metadata_url_of_a_real_one(
    name: str, real: dict[str, Any]
) -> None:
    response = RESPONSES[name]
    payload = response["payload"]
    keys = [k for k in payload if k != "odata.nextLink"]
    assert keys in real["envelope_keys"], keys
    match = METADATA_URL.match(payload["odata.metadata"])
    assert match, payload["odata.metadata"]
    assert match["table"] == response["dataset"]
    if "odata.nextLink" in payload:
        assert list(payload)[-1] == "odata.nextLink"  # last, as CBS writes it
        shape = (
            re.escape(real["next_link"])
            .replace("83599NED", r"\w+")
            .replace("UntypedDataSet", "TypedDataSet")
            .replace("10000", r"\d+")
        )
        assert re.fullmatch(shape, payload["odata.nextLink"]), payload["odata.nextLink"]


TABLE_INFOS = sorted(n for n, r in RESPONSES.items() if r["role"] == "table_infos")
PROPERTIES = sorted(n for n, r in RESPONSES.items() if r["role"] == "data_properties")
CODE_LISTS = sorted(n for n, r in RESPONSES.items() if r["role"] == "dimension")
PAGES = sorted(n for n, r in RESPONSES.items() if r["role"] == "data_page")


@pytest.mark.parametrize("name", TABLE_INFOS)
def test_generated_table_infos_have_the_keys_and_types_of_the_real_ones(
    name: str, real: dict[str, Any]
) -> None:
    [record] = RESPONSES[name]["payload"]["value"]
    for real_record in real["table_infos"]:
        assert set(record) == set(real_record)
        assert {k: _type(v) for k, v in record.items()} == {
            k: _type(v) for k, v in real_record.items()
        }


@pytest.mark.parametrize("name", PROPERTIES)
def test_generated_data_properties_entries_have_the_keys_of_real_entries_of_their_type(
    name: str, real: dict[str, Any]
) -> None:
    for entry in RESPONSES[name]["payload"]["value"]:
        kind = entry["Type"]
        expected = (
            real["properties"]["Dimension"] | GEO_EXTRA
            if kind == "GeoDimension"
            else real["properties"][kind]
        )
        assert set(entry) == expected, (kind, set(entry) ^ expected)
        assert entry["odata.type"] == real["odata_types"].get(kind, f"Cbs.OData.{kind}")
        if kind == "TopicGroup":
            assert entry["Key"] == "" and entry["Position"] is None
        else:
            assert isinstance(entry["Position"], int)


def _dimension_keys(name: str) -> tuple[str, ...]:
    return tuple(entry["Key"] for entry in RESPONSES[name]["payload"]["value"])


@pytest.mark.parametrize("name", CODE_LISTS)
def test_generated_code_lists_have_the_keys_and_padding_of_real_ones(
    name: str, real: dict[str, Any]
) -> None:
    response = RESPONSES[name]
    entries = response["payload"]["value"]
    kind = "periods" if "Status" in entries[0] else "categories"
    for entry in entries:
        assert set(entry) in real[kind], set(entry)
    keys = _dimension_keys(name)
    if response["dimension"] == "RegioS":
        width = REGION_WIDTH.get(response["dataset"], 6)
        assert {len(k) for k in keys} == {width}, keys
    elif kind == "periods":
        assert all(re.fullmatch(r"\d{4}(JJ00|SJ00|KW0[1-4]|MM(0[1-9]|1[0-2]))", k) for k in keys)
    else:  # one width per dimension, at least its longest key ("1 " in 80137ned)
        [width] = {len(k) for k in keys}
        assert width >= max(len(k.strip()) for k in keys), keys


@pytest.mark.parametrize("name", PAGES)
def test_generated_data_rows_have_the_types_and_padded_keys_of_real_rows(
    name: str, real: dict[str, Any]
) -> None:
    response = RESPONSES[name]
    dataset = response["dataset"]
    code_keys = {
        r["dimension"]: set(_dimension_keys(n))
        for n, r in RESPONSES.items()
        if r["dataset"] == dataset and r["role"] == "dimension"
    }
    for number, row in enumerate(response["payload"]["value"]):
        assert isinstance(row["ID"], int)
        for key, value in row.items():
            if key in code_keys:  # a dimension: the code exactly as its code list has it
                assert value in code_keys[key], (key, value)
            elif key != "ID" and dataset != "85755NED":  # a topic: a number or null
                assert value is None or isinstance(value, int | float), (key, value, number)
    ids = [row["ID"] for row in response["payload"]["value"]]
    assert ids == list(range(ids[0], ids[0] + len(ids)))  # counting on across pages
