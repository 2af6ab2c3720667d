"""`techpact land-file`: put a hand-downloaded file into the landing zone."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from techpact.commands.common import DEFAULT_DATA_DIR, DataDir, console, fail, settings_for
from techpact.sources import duo
from techpact.sources.errors import SourceFormatError
from techpact.sources.landing import LandingError, LandingZone

DUO_DATASETS = sorted({layout.dataset for layout in duo.LAYOUTS})


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
) -> None:
    """Copy a downloaded file into the landing zone, unchanged, with its manifest.

    The file is parsed first: its layout is recognised from the header, and a file that does
    not parse is refused with the file, line and column named.
    """
    settings = settings_for(data_dir)
    if source != "duo":
        raise fail(f"unknown source {source!r}; land-file supports: duo", code=2)
    data = path.read_bytes()
    try:
        parsed = duo.parse_current_csv(data, path.name)
    except SourceFormatError as exc:
        raise fail(str(exc)) from None
    if parsed.layout.dataset != dataset:
        raise fail(
            f"{path.name} is a {parsed.layout.resource} file, which belongs to dataset "
            f"{parsed.layout.dataset}, not {dataset}",
            code=2,
        )
    try:
        landed, is_new = LandingZone(settings.landing_dir).land_bytes(
            data,
            source=source,
            dataset=dataset,
            resource=parsed.layout.resource,
            file_name=path.name,
            media_type="text/csv",
            original_url=url,
            note="landed by hand with `techpact land-file`",
        )
    except LandingError as exc:
        raise fail(str(exc)) from None
    verb = "Landed" if is_new else "Already landed (same sha256)"
    console.print(
        f"{verb}: {landed.path} ({parsed.layout.resource}, {len(parsed.rows)} rows, "
        f"{int(parsed.rows['is_suppressed'].sum())} suppressed cells, "
        f"sha256 {landed.manifest.sha256[:12]}…)"
    )
