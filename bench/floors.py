"""The build and its two floors, on one landing zone: the same three hbo enrolment indicators
computed by ``build_warehouse`` (the subject), by one DuckDB SQL script and by plain pandas,
each from the same landed CSV file(s) and the same region table.

The floors produce the rows in memory; the build also writes its published tables (with their
keys) into a new file, as it always does. The region table is the build's own (the CBS
"Gebieden" table of the landing zone, else the bundled seed), exported to CSV once, untimed.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd

from techpact.sources.landing import LandingZone
from techpact.transforms.catalog import Catalog, load_catalog
from techpact.warehouse.build import build_warehouse
from techpact.warehouse.loaders.cbs import load_region_table

FLOOR_SQL = Path(__file__).resolve().parent / "floor_hbo_enrolment.sql"
RESOURCE = "hbo_enrolment_by_sex"
INDICATORS = ("hbo_enrolment_technology", "hbo_enrolment_technology_share", "hbo_enrolment_total")
SUPPRESSED = ("-1", "<5", "4*")
SEX = {"MAN": "male", "VROUW": "female"}
COLUMNS = ["STUDIEJAAR", "GEMEENTENUMMER", "ONDERDEEL", "GESLACHT", "AANTAL_INGESCHREVENEN"]

Row = tuple[str, str, str, str, float, int]  # indicator, region, period, sex, value, suppressed


@dataclass(frozen=True)
class FloorInput:
    """What both floors read: the landed CSV file(s) of the resource and the region CSV."""

    duo_files: tuple[Path, ...]
    region_csv: Path


def floor_input(landing: Path, work: Path) -> FloorInput:
    """The landed files of ``hbo_enrolment_by_sex`` and the build's region table as a CSV."""
    zone = LandingZone(landing)
    files = tuple(f.path for f in zone.files("duo") if f.manifest.resource == RESOURCE)
    if len(files) != 1:
        # The build takes each year from the newest file; the floors read every file.
        raise RuntimeError(f"{landing}: expected one landed {RESOURCE} file, found {len(files)}")
    region_csv = work / "region.csv"
    with duckdb.connect() as con:
        load_region_table(con, zone)
        con.execute(
            "copy (select region_code, region_level, corop_code, province_code from region) "
            "to $path (header true)",
            {"path": str(region_csv)},
        )
    return FloorInput(files, region_csv)


def floor_catalog() -> Catalog:
    """The catalog of the indicators the floors compute (the build is given only these)."""
    return Catalog(indicators=tuple(i for i in load_catalog().indicators if i.id in INDICATORS))


def build_subject(landing: Path, out: Path, catalog: Catalog) -> Path:
    build_warehouse(out, landing=LandingZone(landing), catalog=catalog, snapshot_id="bench")
    return out


def build_rows(warehouse: Path) -> list[Row]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute(
            """
            select indicator_id, region_code, period, sex, value, suppressed_cell_count
            from indicator_values
            where indicator_id in (select unnest($ids))
              and education_level = 'total' and institution = 'total'
            order by all
            """,
            {"ids": list(INDICATORS)},
        ).fetchall()


def duckdb_floor(given: FloorInput) -> list[Row]:
    sql = FLOOR_SQL.read_text("utf-8")
    with duckdb.connect() as con:
        return con.execute(
            f"select * from ({sql}) order by all",
            {"duo_files": [str(p) for p in given.duo_files], "region_csv": str(given.region_csv)},
        ).fetchall()


def pandas_floor(given: FloorInput) -> list[Row]:
    """The same rows with pandas only (read_csv, merge, groupby)."""
    source = pd.concat(
        [
            pd.read_csv(
                path,
                usecols=COLUMNS,
                dtype=str,
                keep_default_na=False,
            )
            for path in given.duo_files
        ],
        ignore_index=True,
    )
    counts = source["AANTAL_INGESCHREVENEN"].str.strip()
    suppressed = counts.isin(SUPPRESSED)
    student = pd.to_numeric(counts.where(~suppressed), errors="raise").fillna(0).astype("int64")
    is_tech = source["ONDERDEEL"].str.strip().str.upper() == "TECHNIEK"
    enrolment = pd.DataFrame(
        {
            "study_year": source["STUDIEJAAR"].astype("int64"),
            "gemeente_code": "GM" + source["GEMEENTENUMMER"].str.strip().str.zfill(4),
            "sex": source["GESLACHT"].str.strip().str.upper().map(SEX).fillna("unknown"),
            "technology": student.where(is_tech, 0),
            "technology_suppressed": (suppressed & is_tech).astype("int64"),
            "total": student,
            "suppressed": suppressed.astype("int64"),
        }
    )
    regions = pd.read_csv(given.region_csv, dtype=str)
    gemeenten = regions[regions["region_level"] == "gemeente"]
    rollup = pd.concat(
        pd.DataFrame({"gemeente_code": gemeenten["region_code"], "region_code": gemeenten[level]})
        for level in ("region_code", "corop_code", "province_code")
    ).dropna()
    located = pd.concat(
        [enrolment.merge(rollup, on="gemeente_code"), enrolment.assign(region_code="NL01")]
    )
    measures = ["technology", "technology_suppressed", "total", "suppressed"]
    by_sex = located.groupby(["region_code", "study_year", "sex"], as_index=False)[measures].sum()
    total = located.groupby(["region_code", "study_year"], as_index=False)[measures].sum()
    summed = pd.concat([by_sex, total.assign(sex="total")], ignore_index=True)
    periods = (
        summed["study_year"].astype(str) + "/" + (summed["study_year"] + 1).astype(str).str[-2:]
    )
    rows: list[Row] = []
    for region, period, sex, tech, tech_supp, all_, supp in zip(
        summed["region_code"],
        periods,
        summed["sex"],
        summed["technology"],
        summed["technology_suppressed"],
        summed["total"],
        summed["suppressed"],
        strict=True,
    ):
        rows.append(("hbo_enrolment_technology", region, period, sex, float(tech), int(tech_supp)))
        rows.append(("hbo_enrolment_total", region, period, sex, float(all_), int(supp)))
        if all_ > 0:
            rows.append(
                ("hbo_enrolment_technology_share", region, period, sex, tech / all_, int(supp))
            )
    return sorted(rows)


def row_differences(expected: list[Row], actual: list[Row], limit: int = 5) -> list[str]:
    """How ``actual`` differs from ``expected`` (keys, suppressed counts, values to 1e-12
    relative), at most ``limit`` lines; empty when the rows are equal."""
    want = {row[:4]: row[4:] for row in expected}
    got = {row[:4]: row[4:] for row in actual}
    problems = [f"missing {key}" for key in sorted(want.keys() - got.keys())]
    problems += [f"extra {key}" for key in sorted(got.keys() - want.keys())]
    for key in sorted(want.keys() & got.keys()):
        (value, suppressed), (other, other_suppressed) = want[key], got[key]
        if suppressed != other_suppressed or not math.isclose(value, other, rel_tol=1e-12):
            problems.append(f"{key}: {value!r}, {suppressed} vs {other!r}, {other_suppressed}")
    if len(expected) != len(want) or len(actual) != len(got):
        problems.append("a key repeats")
    return problems[:limit]
