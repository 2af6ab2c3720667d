"""`techpact land-file`: put a hand-downloaded file into the landing zone."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from techpact.commands.common import DEFAULT_DATA_DIR, DataDir, Verbose, console, fail, settings_for
from techpact.sources import duo
from techpact.sources.duo_check import check_duo_file
from techpact.sources.errors import SourceFormatError
from techpact.sources.landing import (
    MANIFEST_NAME,
    LandingError,
    LandingZone,
    Manifest,
    sha256_bytes,
)

DUO_DATASETS = list(duo.DATASETS)
# The generated sample landing zone of a checkout (absent from an installed package).
BUNDLED_SAMPLE_LANDING = Path(__file__).resolve().parents[2] / "sample" / "landing"


class LandSource(StrEnum):
    """Sources whose files can be landed by hand."""

    duo = "duo"


def bundled_sample_manifest(path: Path, data: bytes) -> Manifest | None:
    """The manifest that labels these very bytes as generated sample data: the one beside the
    file (a file taken from a landing zone), else the bundled sample landing zone's (a copy of
    a sample file); None for anything else."""
    digest = sha256_bytes(data)
    beside = path.parent / MANIFEST_NAME
    candidates = [beside] if beside.is_file() else []
    if BUNDLED_SAMPLE_LANDING.is_dir():
        candidates += sorted(BUNDLED_SAMPLE_LANDING.glob(f"*/*/{digest[:16]}/{MANIFEST_NAME}"))
    for manifest_path in candidates:
        try:
            manifest = Manifest.from_json(manifest_path.read_text("utf-8"), path=manifest_path)
        except (LandingError, OSError):
            continue
        if manifest.is_sample_data and manifest.sha256 == digest:
            return manifest
    return None


def land_file(
    path: Annotated[
        Path,
        typer.Argument(help="A file downloaded by hand.", exists=True, dir_okay=False),
    ],
    dataset: Annotated[
        str,
        typer.Option("--dataset", help=f"Dataset id, one of: {', '.join(DUO_DATASETS)}."),
    ],
    source: Annotated[
        LandSource,
        typer.Option("--source", help="Source of the file (CBS tables are fetched, not landed)."),
    ] = LandSource.duo,
    url: Annotated[
        str | None, typer.Option("--url", help="Where the file was downloaded from.")
    ] = None,
    data_dir: DataDir = DEFAULT_DATA_DIR,
    verbose: Verbose = False,
) -> None:
    """Copy a downloaded file into the landing zone, unchanged, with its manifest.

    The file is parsed first. Current portal files and legacy duo.nl files are both accepted:
    the format is recognised from the header, hbo or wo from the values, and the resource it
    lands as follows from both (a legacy hbo/wo student file counts all students under
    p01hoinges and first-years under p02ho1ejrs: its header is the same). A file that does not
    parse is refused with the file, line and column named. A large file is checked in pieces,
    so memory stays near the file's own size.
    """
    settings = settings_for(data_dir)
    if dataset not in DUO_DATASETS:
        raise fail(f"unknown DUO dataset {dataset!r}; one of: {', '.join(DUO_DATASETS)}", code=2)
    data = path.read_bytes()
    try:
        parsed = check_duo_file(data, path.name, dataset=dataset)
    except duo.DatasetMismatchError as exc:
        raise fail(str(exc), code=2) from None
    except SourceFormatError as exc:
        raise fail(str(exc)) from None
    sample = bundled_sample_manifest(path, data)
    note = f"landed by hand with `techpact land-file` ({parsed.format} DUO format)"
    try:
        landed, is_new = LandingZone(settings.landing_dir).land_bytes(
            data,
            source=source.value,
            dataset=dataset,
            resource=parsed.resource,
            file_name=path.name,
            media_type="text/csv",
            original_url=url or (sample.original_url if sample else None),
            is_sample_data=sample is not None,
            note=f"{sample.note} ({note})" if sample and sample.note else note,
        )
    except LandingError as exc:
        raise fail(str(exc)) from None
    verb = "Landed" if is_new else "Already landed (same sha256)"
    skipped = f", {parsed.empty_records} empty record(s) skipped" if parsed.empty_records else ""
    if landed.manifest.is_sample_data:
        console.print(
            "GENERATED SAMPLE DATA: landed with is_sample_data = true (its manifest says so).",
            style="bold yellow",
            highlight=False,
        )
    console.print(
        f"{verb}: {landed.path} ({parsed.resource}, {parsed.format} format, "
        f"{parsed.row_count} rows, {parsed.suppressed_cell_count} suppressed cells{skipped}, "
        f"sha256 {landed.manifest.sha256[:12]}…)",
        highlight=False,
        soft_wrap=True,
    )
