"""The region hierarchy (gemeente -> COROP -> provincie -> landsdeel -> Nederland). Pure: no I/O.

Two sources give the same records (``RegionRecord``, the columns of the published ``region``
table):

* CBS "Gebieden in Nederland <year>" (``parse_region_table``): one TypedDataSet row per
  gemeente, whose topics are the code and name of every region it lies in. DataProperties nests
  them: TopicGroup "Lokaliseringen van gemeenten" > TopicGroup "COROP-gebieden" > Topics "Code"
  and "Naam" (keys like ``Code_10`` / ``Naam_11``, which move between years). Topics are found
  by the title of their own TopicGroup and their title, as configured in ``cbs_tables.toml``.
  String values are right-padded with spaces (codes to 10, names to 50 characters): trimmed.
* the bundled seed ``transforms/seeds/region.csv`` (``parse_region_seed``), the fallback for a
  landing zone without a Gebieden fetch.

``resolve_region`` finds a pact region by code or CBS title; ``regions_to_fetch`` turns the
pact regions into the region keys a data table fetches.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from importlib import resources
from typing import Any

from techpact.sources.cbs_parse import TableResponses, load_envelope, parse_page
from techpact.sources.cbs_tables import RegionTableSpec
from techpact.sources.errors import SourceFormatError

REGION_COLUMNS = (
    "region_code",
    "region_name",
    "region_level",
    "corop_code",
    "province_code",
    "landsdeel_code",
    "classification_year",
    "source_note",
)
NEDERLAND = ("NL01", "Nederland")
LEVELS = ("gemeente", "corop", "provincie", "landsdeel")
# region_level of each level as the region table names it (the nation is 'land')
_LEVEL_ORDER = {"land": 0, "landsdeel": 1, "provincie": 2, "corop": 3, "gemeente": 4}
_PREFIX = {"gemeente": "GM", "corop": "CR", "provincie": "PV", "landsdeel": "LD"}
_MISSING = {"", "."}
_CODE = re.compile(r"^(NL|LD|PV|CR|GM)[0-9]{2,4}$")
_CBS_SUFFIX = re.compile(r"\s*\((CR|PV|LD|GM|NL)\)\s*$", re.IGNORECASE)
SEED_FILE = "transforms/seeds/region.csv"


class RegionError(ValueError):
    """A pact region that the region table does not know (or knows twice)."""


@dataclass(frozen=True)
class RegionRecord:
    """One row of the region table."""

    region_code: str
    region_name: str
    region_level: str
    corop_code: str | None
    province_code: str | None
    landsdeel_code: str | None
    classification_year: int
    source_note: str


@dataclass(frozen=True)
class TopicNode:
    """One DataProperties entry with its place in the tree (``ParentID``)."""

    id: int
    parent_id: int | None
    type: str
    key: str
    title: str


@dataclass(frozen=True)
class LevelTopics:
    """The TypedDataSet keys of one level's code and name."""

    code_key: str
    name_key: str


# -- Gebieden in Nederland ----------------------------------------------------------------------


def parse_topic_tree(data: bytes, file_name: str) -> tuple[TopicNode, ...]:
    """Every DataProperties entry with its ID and ParentID (TopicGroups nest)."""
    nodes = []
    for entry in load_envelope(data, file_name)["value"]:
        if not isinstance(entry, dict) or not {"ID", "Type", "Key", "Title"} <= entry.keys():
            raise SourceFormatError(
                file_name, f"DataProperties entry without ID/Type/Key/Title: {entry}"
            )
        parent = entry.get("ParentID")
        nodes.append(
            TopicNode(
                id=int(entry["ID"]),
                parent_id=None if parent is None else int(parent),
                type=str(entry["Type"]),
                key=str(entry["Key"] or "").strip(),
                title=str(entry["Title"] or "").strip(),
            )
        )
    return tuple(nodes)


def _group_path(node: TopicNode, by_id: dict[int, TopicNode]) -> str:
    titles = []
    parent = node.parent_id
    while parent is not None and parent in by_id:
        titles.append(by_id[parent].title)
        parent = by_id[parent].parent_id
    return " > ".join(reversed(titles)) or "(no group)"


def describe_topics(nodes: Sequence[TopicNode]) -> str:
    """``group > subgroup: topic, topic; ...``: what a table has, for error messages."""
    by_id = {n.id: n for n in nodes}
    groups: dict[str, list[str]] = {}
    for node in nodes:
        if node.type == "Topic":
            groups.setdefault(_group_path(node, by_id), []).append(node.title)
    return "; ".join(f"{group}: {', '.join(titles)}" for group, titles in groups.items())


def resolve_level_topics(
    spec: RegionTableSpec, nodes: Sequence[TopicNode], file_name: str
) -> dict[str, LevelTopics]:
    """Per level, the keys of the topics titled ``code_topic`` / ``name_topic`` whose own
    TopicGroup has the level's configured title (trimmed, case-insensitive). A group or topic
    that is missing or found twice is an error naming the table and what it has."""
    by_id = {n.id: n for n in nodes}
    found: dict[str, LevelTopics] = {}
    for level in LEVELS:
        group_title = getattr(spec.levels, level)
        groups = [
            n for n in nodes if n.type == "TopicGroup" and n.title.lower() == group_title.lower()
        ]
        if len(groups) != 1:
            raise SourceFormatError(
                file_name,
                f"table {spec.id}: {len(groups)} TopicGroups titled {group_title!r} (for "
                f"{level}); the table's groups and topics: {describe_topics(nodes)}",
            )
        keys = []
        for topic_title in (spec.code_topic, spec.name_topic):
            hits = [
                n
                for n in nodes
                if n.type == "Topic"
                and n.parent_id == groups[0].id
                and n.title.lower() == topic_title.lower()
            ]
            if len(hits) != 1:
                in_group = [n.title for n in nodes if n.parent_id == groups[0].id]
                raise SourceFormatError(
                    file_name,
                    f"table {spec.id}: {len(hits)} topics titled {topic_title!r} in TopicGroup "
                    f"{_group_path(hits[0] if hits else groups[0], by_id)} > {group_title!r} "
                    f"(for {level}); that group has {in_group}; the table's groups and topics: "
                    f"{describe_topics(nodes)}",
                )
            keys.append(hits[0].key)
        found[level] = LevelTopics(code_key=keys[0], name_key=keys[1])
    return found


def _text(row: dict[str, Any], key: str, file_name: str, line: int) -> str:
    if key not in row:
        raise SourceFormatError(file_name, f"row without topic {key!r}", line=line)
    value = row[key]
    return "" if value is None else str(value).strip()


def parse_region_rows(
    spec: RegionTableSpec,
    topics: dict[str, LevelTopics],
    rows: Iterable[dict[str, Any]],
    *,
    source_note: str,
    file_name: str,
) -> tuple[RegionRecord, ...]:
    """Gemeente rows -> the region table: every gemeente with its COROP, provincie and
    landsdeel, plus one row per COROP, provincie and landsdeel and NL01 Nederland.

    Rows whose gemeente code is not a ``GM`` code (a total row, if a table has one) are
    skipped; a gemeente without a code for a level, or a region given two names, is an error.
    """
    names: dict[str, dict[str, str]] = {level: {} for level in LEVELS}
    gemeenten: list[tuple[str, str, str, str]] = []  # gemeente, corop, provincie, landsdeel
    for line, row in enumerate(rows, start=1):
        codes = {}
        for level in LEVELS:
            code = _text(row, topics[level].code_key, file_name, line)
            name = _text(row, topics[level].name_key, file_name, line)
            if level == "gemeente" and not code.startswith("GM"):
                break
            if code in _MISSING or not code.startswith(_PREFIX[level]):
                raise SourceFormatError(
                    file_name,
                    f"table {spec.id}: gemeente {codes.get('gemeente', '?')} has no "
                    f"{getattr(spec.levels, level)} code ({code!r})",
                    line=line,
                    column=topics[level].code_key,
                )
            known = names[level].setdefault(code, name)
            if known != name:
                raise SourceFormatError(
                    file_name,
                    f"table {spec.id}: {code} is named both {known!r} and {name!r}",
                    line=line,
                    column=topics[level].name_key,
                )
            codes[level] = code
        else:
            gemeenten.append(
                (codes["gemeente"], codes["corop"], codes["provincie"], codes["landsdeel"])
            )
    if not gemeenten:
        raise SourceFormatError(file_name, f"table {spec.id}: no gemeente rows")
    year = spec.classification_year

    def record(code: str, level: str, corop=None, province=None, landsdeel=None) -> RegionRecord:
        name = NEDERLAND[1] if level == "land" else names[level][code]
        return RegionRecord(code, name, level, corop, province, landsdeel, year, source_note)

    def parent(children: Iterable[tuple[str, str]], child: str) -> str | None:
        """The one parent all of ``child``'s gemeenten share, else None."""
        found = {p for c, p in children if c == child}
        return found.pop() if len(found) == 1 else None

    corop_province = {(g[1], g[2]) for g in gemeenten}
    corop_landsdeel = {(g[1], g[3]) for g in gemeenten}
    province_landsdeel = {(g[2], g[3]) for g in gemeenten}
    records = [record(NEDERLAND[0], "land")]
    records += [record(c, "landsdeel") for c in sorted(names["landsdeel"])]
    records += [
        record(c, "provincie", landsdeel=parent(province_landsdeel, c))
        for c in sorted(names["provincie"])
    ]
    records += [
        record(
            c,
            "corop",
            province=parent(corop_province, c),
            landsdeel=parent(corop_landsdeel, c),
        )
        for c in sorted(names["corop"])
    ]
    records += [record(g, "gemeente", c, p, ld) for g, c, p, ld in sorted(gemeenten)]
    return tuple(records)


def parse_region_table(
    spec: RegionTableSpec, responses: TableResponses, *, file_name: str, source_note: str
) -> tuple[RegionRecord, ...]:
    """Every data page of one Gebieden fetch as region records (see ``parse_region_rows``)."""
    nodes = parse_topic_tree(responses.data_properties, f"{file_name} DataProperties")
    topics = resolve_level_topics(spec, nodes, file_name)
    rows = [
        row
        for number, page in enumerate(responses.pages, start=1)
        for row in parse_page(page, f"{file_name} TypedDataSet page {number}").rows
    ]
    return parse_region_rows(spec, topics, rows, source_note=source_note, file_name=file_name)


def gebieden_source_note(
    spec: RegionTableSpec, marker_sha256: str, *, is_sample_data: bool = False
) -> str:
    """Where Gebieden rows come from: the table and the sha256 of its landed fetch-batch
    marker (which lists the sha256 of every landed response); generated sample data says so."""
    note = f"CBS {spec.title} ({spec.id}); landed fetch-batch sha256 {marker_sha256}"
    return f"GENERATED SAMPLE DATA in the shape of {note}" if is_sample_data else note


# -- the bundled seed ---------------------------------------------------------------------------


def read_seed_text() -> str:
    """The bundled seed ``transforms/seeds/region.csv`` (package data)."""
    path = resources.files("techpact.transforms").joinpath("seeds", "region.csv")
    return path.read_text(encoding="utf-8")


def parse_region_seed(text: str, *, origin: str = SEED_FILE) -> tuple[RegionRecord, ...]:
    """The seed CSV as region records; ``source_note`` says the row comes from the seed."""
    reader = csv.DictReader(io.StringIO(text))
    if tuple(reader.fieldnames or ()) != REGION_COLUMNS:
        raise SourceFormatError(origin, f"columns must be {list(REGION_COLUMNS)}")
    records = []
    for line, row in enumerate(reader, start=2):
        try:
            year = int(row["classification_year"])
        except ValueError:
            raise SourceFormatError(
                origin, "classification_year is not a year", line=line
            ) from None
        records.append(
            RegionRecord(
                region_code=row["region_code"].strip(),
                region_name=row["region_name"].strip(),
                region_level=row["region_level"].strip(),
                corop_code=row["corop_code"].strip() or None,
                province_code=row["province_code"].strip() or None,
                landsdeel_code=row["landsdeel_code"].strip() or None,
                classification_year=year,
                source_note=f"bundled seed {origin}: {row['source_note'].strip()}",
            )
        )
    return tuple(records)


# -- pact regions -------------------------------------------------------------------------------


def resolve_region(records: Sequence[RegionRecord], name: str, *, origin: str = "") -> str:
    """The code of a region given by code (``CR36``) or by CBS title (``Zuidoost-Noord-Brabant``
    or ``Zuidoost-Noord-Brabant (CR)``, case-insensitive)."""
    text = name.strip()
    if _CODE.match(text.upper()):
        found = [r for r in records if r.region_code == text.upper()]
    else:
        title = _CBS_SUFFIX.sub("", text).lower()
        found = sorted(
            (r for r in records if r.region_name.lower() == title),
            key=lambda r: _LEVEL_ORDER.get(r.region_level, 9),
        )
    if not found:
        raise RegionError(
            f"pact region {name!r} is not in the region table{f' ({origin})' if origin else ''}; "
            "give a region code like CR12 or a title like 'Twente'"
        )
    if len(found) > 1:
        codes = ", ".join(r.region_code for r in found)
        raise RegionError(f"pact region {name!r} is ambiguous ({codes}); give its code")
    return found[0].region_code


def regions_to_fetch(
    records: Sequence[RegionRecord], pact_regions: Sequence[str], *, origin: str = ""
) -> tuple[str, ...]:
    """The region keys a data table fetches for the pact regions: each pact region, every
    gemeente and COROP region in it, the provincie it lies in, and NL01. Ordered nation,
    provincies, COROP regions, gemeenten; each by code."""
    by_code = {r.region_code: r for r in records}
    wanted = {NEDERLAND[0]}
    for name in pact_regions:
        code = resolve_region(records, name, origin=origin)
        region = by_code[code]
        wanted.add(code)
        if region.province_code:
            wanted.add(region.province_code)
        wanted.update(
            other.region_code
            for other in records
            if other.region_level in ("gemeente", "corop")
            and code in (other.corop_code, other.province_code, other.landsdeel_code)
        )
    return tuple(
        sorted(
            wanted,
            key=lambda c: (_LEVEL_ORDER.get(by_code[c].region_level, 9) if c in by_code else 0, c),
        )
    )
