"""Every resource DUO's higher-education datasets publish, and which of them techpact reads.

Each dataset on the portal (``p01hoinges`` students, ``p02ho1ejrs`` first-years,
``p04hogdipl`` graduates) publishes the same counts in several breakdowns, each in a hbo and a
wo file: by sex (``GESLACHT``, no programme code), by programme (``OPLEIDINGSCODE_ACTUEEL``)
and by mode of study (``OPLEIDINGSVORM``; check: no real file of that breakdown is at hand).
A file of a breakdown techpact does not read is refused by name, saying which file of the
same dataset to use, instead of being reported as a file with a column missing.

The breakdown is recognised from the header (the measure column names the dataset, a marker
column the breakdown); the file name is used only to suggest the hbo or the wo file.
"""

from __future__ import annotations

from dataclasses import dataclass

from techpact.sources.errors import SourceFormatError


@dataclass(frozen=True)
class PublishedResource:
    """One breakdown of one DUO dataset: its hbo and wo files, and whether techpact reads it."""

    dataset: str
    breakdown: str
    measure_column: str
    marker_column: str
    file_names: tuple[str, str]  # (hbo, wo)
    read: bool


_STUDENTS, _FIRST_YEARS, _GRADUATES = (
    "AANTAL_INGESCHREVENEN",
    "AANTAL_EERSTEJAARS_INGESCHREVENEN",
    "AANTAL_GEDIPLOMEERDEN",
)
_BY_SEX, _BY_PROGRAMME, _BY_MODE = "GESLACHT", "OPLEIDINGSCODE_ACTUEEL", "OPLEIDINGSVORM"

PUBLISHED: tuple[PublishedResource, ...] = (
    PublishedResource(
        "p01hoinges",
        "by-sex",
        _STUDENTS,
        _BY_SEX,
        ("ingeschrevenengeslhbo.csv", "ingeschrevenengeslwo.csv"),
        read=True,
    ),
    PublishedResource(
        "p01hoinges",
        "by-programme",
        _STUDENTS,
        _BY_PROGRAMME,
        ("ingeschrevenenhbo.csv", "ingeschrevenenwo.csv"),
        read=True,
    ),
    PublishedResource(
        "p02ho1ejrs",
        "by-sex",
        _FIRST_YEARS,
        _BY_SEX,
        ("eerstejaarsingeschrevenengeslhbo.csv", "eerstejaarsingeschrevenengeslwo.csv"),
        read=False,
    ),
    PublishedResource(
        "p02ho1ejrs",
        "by-programme",
        _FIRST_YEARS,
        _BY_PROGRAMME,
        ("eerstejaarsingeschrevenenhbo.csv", "eerstejaarsingeschrevenenwo.csv"),
        read=True,
    ),
    PublishedResource(
        "p04hogdipl",
        "by-sex",
        _GRADUATES,
        _BY_SEX,
        ("gediplomeerdengeslhbo.csv", "gediplomeerdengeslwo.csv"),
        read=False,
    ),
    PublishedResource(
        "p04hogdipl",
        "by-programme",
        _GRADUATES,
        _BY_PROGRAMME,
        ("gediplomeerdenhbo.csv", "gediplomeerdenwo.csv"),
        read=True,
    ),
    *(
        PublishedResource(dataset, "by-mode", measure, _BY_MODE, ("", ""), read=False)
        for dataset, measure in (
            ("p01hoinges", _STUDENTS),
            ("p02ho1ejrs", _FIRST_YEARS),
            ("p04hogdipl", _GRADUATES),
        )
    ),
)

# A header holding the programme code is a by-programme file whatever else it holds; then mode.
_MARKER_ORDER = (_BY_PROGRAMME, _BY_MODE, _BY_SEX)


def recognise_published(header: list[str]) -> PublishedResource | None:
    """The published resource a current-format hbo/wo header belongs to, if any."""
    names = {name.strip().upper() for name in header}
    for marker in _MARKER_ORDER:
        for resource in PUBLISHED:
            if resource.marker_column == marker and {marker, resource.measure_column} <= names:
                return resource
    return None


def refuse_unread_breakdown(header: list[str], file_name: str) -> None:
    """Refuse, by name, a file of a breakdown DUO publishes and techpact does not read."""
    resource = recognise_published(header)
    if resource is None or resource.read:
        return
    reads = [r for r in PUBLISHED if r.dataset == resource.dataset and r.read]
    level = _level_of(file_name)
    suggestions = [
        r.file_names[level] if level is not None else " or ".join(r.file_names) for r in reads
    ]
    raise SourceFormatError(
        file_name,
        f"this is the {resource.breakdown} file of {resource.dataset}; techpact reads "
        f"{' and '.join(suggestions)} ({', '.join(r.breakdown for r in reads)})",
        line=1,
    )


def _level_of(file_name: str) -> int | None:
    """0 for a hbo, 1 for a wo file name (DUO's names end in hbo.csv / wo.csv); else None."""
    name = file_name.lower()
    if name.endswith("hbo.csv"):
        return 0
    if name.endswith("wo.csv"):
        return 1
    return None
