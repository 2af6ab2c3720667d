"""`techpact land-file`: put a hand-downloaded file into the landing zone."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from techpact.commands.common import DEFAULT_DATA_DIR, DataDir, Verbose, console, fail, settings_for
from techpact.sources import duo
from techpact.sources.errors import SourceFormatError
from techpact.sources.landing import LandingError, LandingZone

DUO_DATASETS = list(duo.DATASETS)


def land_file(
    path: Annotated[
        Path,
        typer.Argument(help="A file downloaded by hand.", exists=True, dir_okay=False),
    ],
    source: Annotated[str, typer.Option("--source", help="Source: duo.")],
    dataset: Annotated[
        str,
        typer.Option("--dataset", help=f"Dataset id, one of: {', '.join(DUO_DATASETS)}."),
    ],
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
    parse is refused with the file, line and column named.
    """
    settings = settings_for(data_dir)
    if source != "duo":
        raise fail(f"unknown source {source!r}; land-file supports: duo", code=2)
    if dataset not in DUO_DATASETS:
        raise fail(f"unknown DUO dataset {dataset!r}; one of: {', '.join(DUO_DATASETS)}", code=2)
    data = path.read_bytes()
    try:
        parsed = duo.parse_duo_file(data, path.name, dataset=dataset)
    except duo.DatasetMismatchError as exc:
        raise fail(str(exc), code=2) from None
    except SourceFormatError as exc:
        raise fail(str(exc)) from None
    try:
        landed, is_new = LandingZone(settings.landing_dir).land_bytes(
            data,
            source=source,
            dataset=dataset,
            resource=parsed.resource,
            file_name=path.name,
            media_type="text/csv",
            original_url=url,
            note=f"landed by hand with `techpact land-file` ({parsed.format} DUO format)",
        )
    except LandingError as exc:
        raise fail(str(exc)) from None
    verb = "Landed" if is_new else "Already landed (same sha256)"
    skipped = f", {parsed.empty_records} empty record(s) skipped" if parsed.empty_records else ""
    console.print(
        f"{verb}: {landed.path} ({parsed.resource}, {parsed.format} format, "
        f"{len(parsed.rows)} rows, {parsed.suppressed_cell_count} suppressed cells{skipped}, "
        f"sha256 {landed.manifest.sha256[:12]}…)"
    )
