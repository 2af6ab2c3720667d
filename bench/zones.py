"""The benchmark's landing zones: the real public DUO files at 1× and 10×, plus the CBS part
(and the DUO resources no real file feeds) of the bundled, generated sample landing zone.

At 10× every DUO file's data lines are repeated ten times; copy ``k`` (k ≥ 1) of a line gets
the synthetic institution code ``<code>~<k>``, so that no line repeats the key of another
(a repeated key is a defect the quality gate blocks) and the totals of sibling files (the same
students by sex and by programme) stay equal. The real files are read from ``../shared``
beside the repository and never copied into it; the zones live in temporary folders.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from techpact.sources.landing import LandingZone

REPO = Path(__file__).resolve().parent.parent
SAMPLE_LANDING = REPO / "sample" / "landing"
REAL_DUO_DIR = REPO.parent / "shared" / "samples" / "duo" / "onderwijsdata_ckan_2026"

# The real DUO portal files, each with the dataset and resource it is landed as.
REAL_DUO_FILES = {
    "ingeschrevenengeslhbo.csv": ("p01hoinges", "hbo_enrolment_by_sex"),
    "ingeschrevenenhbo.csv": ("p01hoinges", "hbo_enrolment_by_programme"),
    "eerstejaarsingeschrevenenhbo.csv": ("p02ho1ejrs", "hbo_inflow_by_programme"),
    "gediplomeerdenhbo.csv": ("p04hogdipl", "hbo_graduates_by_programme"),
    "01.-instellingen-hbo-en-wo.csv": ("adressen-ho", "ho_institutions"),
}
# The column holding the institution code, by DUO format (the first one a header has).
INSTITUTION_COLUMNS = (
    b"INSTELLINGSCODE_ACTUEEL",
    b"INSTELLINGSCODE",
    b"BRIN NUMMER ACTUEEL",
    b"BRIN NUMMER",
)
GENERATED_NOTE = (
    "GENERATED BENCHMARK DATA (bench/zones.py): {what}, data lines repeated {scale}x with "
    "synthetic institution codes <code>~<copy>"
)


class ZoneError(RuntimeError):
    """The benchmark's input cannot be made (a real file missing, an unexpected header)."""


@dataclass(frozen=True)
class ZoneSummary:
    root: Path
    scale: int
    duo_files: int
    duo_data_lines: int
    duo_bytes: int
    cbs_files: int


def _delimiter(header: bytes) -> bytes:
    return b";" if header.count(b";") > header.count(b",") else b","


def field_spans(line: bytes, delimiter: bytes) -> list[tuple[int, int]]:
    """(start, end) of every field of one CSV line (quotes respected; the line without its
    line end)."""
    spans: list[tuple[int, int]] = []
    start = 0
    quoted = False
    for i, byte in enumerate(line):
        if byte == 0x22:  # "
            quoted = not quoted
        elif byte == delimiter[0] and not quoted:
            spans.append((start, i))
            start = i + 1
    spans.append((start, len(line)))
    return spans


def institution_column(header: bytes, file_name: str) -> int:
    """Index of the institution code column in a DUO header line."""
    delimiter = _delimiter(header)
    names = [
        header[a:b].strip(b'"').removeprefix(b"\xef\xbb\xbf").strip(b'"')
        for a, b in field_spans(header, delimiter)
    ]
    for wanted in INSTITUTION_COLUMNS:
        if wanted in names:
            return names.index(wanted)
    wanted = ", ".join(c.decode() for c in INSTITUTION_COLUMNS)
    raise ZoneError(f"{file_name}: no institution code column ({wanted}) in {header[:200]!r}")


def with_institution_suffix(line: bytes, column: int, delimiter: bytes, suffix: bytes) -> bytes:
    """``line`` with ``suffix`` appended to the value of field ``column`` (inside its quotes);
    a line with fewer fields (an empty record) is returned unchanged."""
    body = line.rstrip(b"\r\n")
    ending = line[len(body) :]
    spans = field_spans(body, delimiter)
    if column >= len(spans):
        return line
    start, end = spans[column]
    value = body[start:end]
    if value.startswith(b'"') and value.endswith(b'"') and len(value) >= 2:
        value = value[:-1] + suffix + b'"'
    else:
        value = value + suffix
    return body[:start] + value + body[end:] + ending


def scale_duo_file(data: bytes, scale: int, file_name: str) -> bytes:
    """The DUO file ``data`` with its data lines repeated ``scale`` times: copy 0 unchanged,
    copy k with institution code ``<code>~<k>`` (header and line ends kept)."""
    if scale == 1:
        return data
    lines = data.splitlines(keepends=True)
    if not lines:
        raise ZoneError(f"{file_name}: empty file")
    header, rows = lines[0], lines[1:]
    if rows and not rows[-1].endswith((b"\n", b"\r")):
        rows[-1] += b"\r\n"  # a last line without its line end gets one before it repeats
    column = institution_column(header.rstrip(b"\r\n"), file_name)
    delimiter = _delimiter(header)
    out = [header, *rows]
    for copy in range(1, scale):
        suffix = b"~%d" % copy
        out += [with_institution_suffix(row, column, delimiter, suffix) for row in rows]
    return b"".join(out)


def data_line_count(data: bytes) -> int:
    return len(data.splitlines()) - 1


def real_duo_files() -> dict[str, Path]:
    """The real DUO portal files in ../shared, by name (a missing one is an error)."""
    files = {name: REAL_DUO_DIR / name for name in REAL_DUO_FILES}
    missing = [str(p) for p in files.values() if not p.is_file()]
    if missing:
        raise ZoneError(
            f"real DUO sample files missing (../shared/samples beside the repository): {missing}"
        )
    return files


def sample_duo_fillers() -> list[Path]:
    """Manifests of the generated sample DUO files whose resource no real file feeds (wo, mbo):
    without them the whole catalog cannot be built."""
    real_resources = {resource for _, resource in REAL_DUO_FILES.values()}
    return [
        manifest
        for manifest in sorted(SAMPLE_LANDING.glob("duo/*/*/manifest.json"))
        if json.loads(manifest.read_text("utf-8"))["resource"] not in real_resources
    ]


def land_copy_of(zone: LandingZone, manifest_path: Path, data: bytes, note: str | None) -> None:
    """Land ``data`` under the source, dataset and resource of a sample manifest."""
    meta = json.loads(manifest_path.read_text("utf-8"))
    zone.land_bytes(
        data,
        source=meta["source"],
        dataset=meta["dataset"],
        resource=meta["resource"],
        file_name=meta["file_name"],
        media_type=meta["media_type"],
        original_url=meta["original_url"],
        fetched_at=meta["fetched_at"],
        is_sample_data=meta["is_sample_data"] or note is not None,
        note=note or meta["note"],
        http=meta["http"],
    )


def make_zone(root: Path, scale: int) -> ZoneSummary:
    """Land the benchmark's input at ``scale`` (1 or more) into the new folder ``root``."""
    zone = LandingZone(root)
    duo_files = lines = size = 0
    for name, path in real_duo_files().items():
        dataset, resource = REAL_DUO_FILES[name]
        data = scale_duo_file(path.read_bytes(), scale, name)
        zone.land_bytes(
            data,
            source="duo",
            dataset=dataset,
            resource=resource,
            file_name=name,
            media_type="text/csv",
            is_sample_data=scale > 1,
            note=GENERATED_NOTE.format(what=f"real DUO file {name}", scale=scale)
            if scale > 1
            else None,
        )
        duo_files, lines, size = duo_files + 1, lines + data_line_count(data), size + len(data)
    for manifest in sample_duo_fillers():
        meta = json.loads(manifest.read_text("utf-8"))
        original = (manifest.parent / meta["file_name"]).read_bytes()
        data = scale_duo_file(original, scale, meta["file_name"])
        note = (
            GENERATED_NOTE.format(what=f"generated sample file {meta['file_name']}", scale=scale)
            if scale > 1
            else None
        )
        land_copy_of(zone, manifest, data, note)
        duo_files, lines, size = duo_files + 1, lines + data_line_count(data), size + len(data)
    cbs = sorted(SAMPLE_LANDING.glob("cbs/*/*/manifest.json"))
    for manifest in cbs:
        meta = json.loads(manifest.read_text("utf-8"))
        land_copy_of(zone, manifest, (manifest.parent / meta["file_name"]).read_bytes(), None)
    return ZoneSummary(root, scale, duo_files, lines, size, len(cbs))
