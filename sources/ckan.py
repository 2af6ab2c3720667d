"""Fetch DUO files: the CKAN portal (``package_show``) and frozen legacy duo.nl files.

Thin fetch, pure parse: this module asks the portal which resources a dataset has, picks the
configured ones (by the file name of their URL, or for mbo by the resource's name: mbo download
URLs embed the year range and change every year), downloads a resource only when its
``last_modified``/``hash`` differs from the landed copy's, parses the bytes
(:func:`techpact.sources.duo.parse_duo_file`) to learn which resource they are and to refuse a
broken file, and lands them unchanged. All HTTP goes through :mod:`techpact.sources.http`. What
to fetch is declared in ``duo_datasets.toml``.

Entry point: :func:`fetch_duo`.
"""

from __future__ import annotations

import hashlib
import logging
import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, Literal
from urllib.parse import unquote, urlsplit

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from techpact.config import Settings
from techpact.sources import duo
from techpact.sources.errors import SourceFormatError
from techpact.sources.http import FetchError, Session, fetch_bytes, get_json, make_session
from techpact.sources.landing import LandedFile, LandingError, LandingZone

log = logging.getLogger(__name__)

PACKAGE_SHOW = "/api/3/action/package_show"


class DuoDatasetsError(ValueError):
    """``duo_datasets.toml`` is not valid; the message names the entry and field."""


class CkanDataset(BaseModel):
    """A portal dataset and which of its resources to fetch: by the file name of the resource's
    URL (``file_names``, hbo/wo: stable names) or by the resource's name (``resource_names``,
    mbo: the URLs embed the year range and change every year, the names do not)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]*$")
    ckan_id: str = Field(min_length=1)
    title: str
    file_names: tuple[str, ...] = ()
    resource_names: tuple[str, ...] = ()

    @model_validator(mode="after")
    def _selects_something(self) -> CkanDataset:
        if not self.file_names and not self.resource_names:
            raise ValueError(f"dataset {self.id!r} needs file_names or resource_names")
        return self

    def wants(self, resource: dict[str, Any]) -> bool:
        """Whether a ``package_show`` resource is one of this dataset's configured files."""
        name = resource_name_key(resource.get("name"))
        return url_file_name(str(resource["url"])) in self.file_names or (
            bool(name) and name in {resource_name_key(n) for n in self.resource_names}
        )


def resource_name_key(name: object) -> str:
    """A resource name as compared: case and repeated spaces ignored."""
    return " ".join(str(name or "").split()).casefold()


class LegacyFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    dataset: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]*$")
    file_name: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


class DuoDatasets(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    legacy_base_url: str
    dataset: tuple[CkanDataset, ...] = ()
    legacy: tuple[LegacyFile, ...] = ()

    @property
    def dataset_ids(self) -> list[str]:
        """Every dataset id, portal and legacy, in the order configured."""
        ids = [*(d.id for d in self.dataset), *(f.dataset for f in self.legacy)]
        return list(dict.fromkeys(ids))


def default_datasets_path() -> Path:
    return Path(str(resources.files("techpact.sources").joinpath("duo_datasets.toml")))


def load_duo_datasets(path: Path | None = None) -> DuoDatasets:
    path = path or default_datasets_path()
    try:
        return DuoDatasets.model_validate(tomllib.loads(path.read_text(encoding="utf-8")))
    except (tomllib.TOMLDecodeError, ValidationError) as exc:
        raise DuoDatasetsError(f"{path}: {exc}") from exc


@dataclass(frozen=True)
class ResourceFetch:
    """What happened to one resource: ``landed`` (new bytes), ``already_landed`` (downloaded,
    same sha256 as a landed file), ``unchanged`` (portal metadata or legacy URL as landed: no
    download) or ``failed`` (``message`` says why; nothing landed; ``retryable`` when trying
    again later may help: a server error, a cut or changed download)."""

    dataset: str
    file_name: str
    url: str
    status: Literal["landed", "already_landed", "unchanged", "failed"]
    resource: str | None = None
    landed: LandedFile | None = None
    message: str | None = None
    retryable: bool = False


class DuoFetchError(FetchError):
    """Some resources of a DUO dataset failed; the message names each file and why."""

    def __init__(self, failed: list[ResourceFetch]) -> None:
        self.failed = failed
        self.retryable = any(f.retryable for f in failed)
        super().__init__(
            failed[0].url,
            f"{len(failed)} DUO file(s) failed: "
            + "; ".join(f"{f.dataset}/{f.file_name}: {f.message}" for f in failed),
        )


def list_resources(
    session: Session, base_url: str, dataset: CkanDataset, settings: Settings
) -> list[dict[str, Any]]:
    """The dataset's resources from ``package_show`` (a FetchError if the portal says no)."""
    url = f"{base_url}{PACKAGE_SHOW}"
    reply = get_json(session, url, http=settings.http, params={"id": dataset.ckan_id})
    if not isinstance(reply, dict) or not reply.get("success"):
        raise FetchError(url, f"package_show for {dataset.ckan_id!r} did not succeed")
    found = reply.get("result", {}).get("resources", [])
    if not isinstance(found, list):
        raise FetchError(url, "package_show result has no resource list")
    return [r for r in found if isinstance(r, dict) and r.get("url")]


def url_file_name(url: str) -> str:
    """The file name of a download URL as it is landed: percent-decoded, and every character
    a landing path may not hold replaced by '_' (``2021-2025%20gediplomeerden.csv`` lands as
    ``2021-2025_gediplomeerden.csv``)."""
    name = unquote(Path(urlsplit(url).path).name)
    name = re.sub(r"[^A-Za-z0-9._-]+", "_", name).strip("._-")
    return name.replace("..", "_") or "download"


def listed_size(resource: dict[str, Any]) -> int | None:
    """The byte size CKAN lists for a resource, if it lists one."""
    size = resource.get("size")
    return int(size) if isinstance(size, int | str) and str(size).isdigit() else None


def ckan_mismatch(data: bytes, resource: dict[str, Any]) -> str | None:
    """How downloaded bytes differ from the ``size`` and ``hash`` CKAN lists for the resource
    (a download cut at a line boundary, or whose bytes changed mid-way); None when they agree
    or CKAN lists neither. ``hash`` may be ``<algorithm>:<hex>`` or bare hex (md5, sha1 or
    sha256, told by its length)."""
    size = listed_size(resource)
    if size is not None and size != len(data):
        return f"{len(data)} bytes downloaded, the portal lists {size} bytes"
    listed = str(resource.get("hash") or "").strip().lower()
    algorithm, _, digest = listed.rpartition(":")
    algorithm = algorithm or {32: "md5", 40: "sha1", 64: "sha256"}.get(len(digest), "")
    if digest and algorithm in {"md5", "sha1", "sha256"}:
        actual = hashlib.new(algorithm, data).hexdigest()
        if actual != digest:
            return f"{algorithm} of the download is {actual}, the portal lists {digest}"
    return None


def ckan_validators(resource: dict[str, Any]) -> dict[str, str]:
    """What identifies a version of a CKAN resource, as stored in the landed manifest."""
    found = {
        "ckan_resource_id": resource.get("id"),
        "ckan_resource_name": resource.get("name"),
        "ckan_last_modified": resource.get("last_modified") or resource.get("metadata_modified"),
        "ckan_hash": resource.get("hash"),
    }
    return {name: str(value) for name, value in found.items() if value}


def is_unchanged(resource: dict[str, Any], previous: LandedFile | None) -> bool:
    """True when the landed copy has the resource's ``last_modified`` and ``hash``, and its
    bytes have the ``size`` the portal lists (a copy landed cut short is fetched again)."""
    if previous is None:
        return False
    now = ckan_validators(resource)
    stored = previous.manifest.http
    keys = [k for k in ("ckan_last_modified", "ckan_hash") if k in now]
    size = listed_size(resource)
    if size is not None and size != previous.manifest.byte_size:
        return False
    return bool(keys) and all(stored.get(k) == now[k] for k in keys)


def same_resource(
    resource_id: str | None, file_name: str, resource_name: str | None = None
) -> Callable[[LandedFile], bool]:
    """A landed file of this CKAN resource: same resource id, or (for a resource found by its
    name, whose id and URL may change) the same resource name, or without either the same file
    name."""

    def matches(landed: LandedFile) -> bool:
        if resource_id and landed.manifest.http.get("ckan_resource_id") == resource_id:
            return True
        if resource_name:
            return landed.manifest.http.get("ckan_resource_name") == resource_name
        if resource_id:
            return False
        return landed.manifest.file_name == file_name

    return matches


def latest_landed_from(
    zone: LandingZone, dataset: str, predicate: Callable[[LandedFile], bool]
) -> LandedFile | None:
    matches = [f for f in zone.files("duo", dataset) if predicate(f)]
    return matches[-1] if matches else None


def download_and_land(
    session: Session,
    zone: LandingZone,
    settings: Settings,
    *,
    dataset: str,
    url: str,
    file_name: str,
    extra: dict[str, str],
    listed: dict[str, Any] | None = None,
) -> ResourceFetch:
    """GET ``url``, check it against the portal's ``size``/``hash`` (``listed``), parse it
    (refusing a broken file), land it unchanged."""
    body = fetch_bytes(session, url, http=settings.http)
    mismatch = ckan_mismatch(body.data, listed or {})
    if mismatch:
        message = f"download does not match the portal's listing ({mismatch}); nothing landed"
        return ResourceFetch(dataset, file_name, url, "failed", message=message, retryable=True)
    try:
        tidy = duo.parse_duo_file(body.data, file_name, dataset=dataset)
    except SourceFormatError as exc:
        return ResourceFetch(dataset, file_name, url, "failed", message=str(exc))
    landed, is_new = zone.land_bytes(
        body.data,
        source="duo",
        dataset=dataset,
        resource=tidy.resource,
        file_name=file_name,
        media_type="text/csv",
        original_url=body.url,
        note=f"fetched by techpact ({tidy.format} DUO format)",
        http={**body.validators, "status": "200", **extra},
    )
    return ResourceFetch(
        dataset,
        file_name,
        url,
        "landed" if is_new else "already_landed",
        resource=tidy.resource,
        landed=landed,
    )


@dataclass(frozen=True)
class PlannedFile:
    """One file ``fetch_duo`` would get: where from, its landed copy, and whether that copy is
    current (then nothing is downloaded)."""

    dataset: str
    file_name: str
    url: str
    previous: LandedFile | None
    unchanged: bool
    extra: dict[str, str] = field(default_factory=dict)
    resource: dict[str, Any] | None = None  # the portal's metadata; None for a legacy file


def plan_duo(
    settings: Settings,
    *,
    datasets: DuoDatasets | None = None,
    only: set[str] | None = None,
    legacy_base_url: str | None = None,
    session: Session | None = None,
    progress: Callable[[str], None] | None = None,
    force: bool = False,
) -> tuple[list[PlannedFile], list[ResourceFetch]]:
    """What a fetch of the configured DUO datasets would download, from the portal's metadata
    alone (``package_show``; no file is downloaded): the planned files, and the configured
    resources the portal no longer lists (as failed fetches). Arguments as ``fetch_duo``."""
    config = datasets or load_duo_datasets()
    session = session or make_session(settings.http)
    zone = LandingZone(settings.landing_dir)
    report = progress or (lambda _: None)
    planned: list[PlannedFile] = []
    missing: list[ResourceFetch] = []
    for dataset in config.dataset:
        if only is not None and dataset.id not in only:
            continue
        report(f"duo {dataset.id}: package_show")
        listed = list_resources(session, settings.duo_base_url, dataset, settings)
        missing += missing_resource_names(dataset, listed, settings.duo_base_url)
        for resource in listed:
            if not dataset.wants(resource):
                continue
            url = str(resource["url"])
            file_name = url_file_name(url)
            extra = ckan_validators(resource)
            by_name = extra.get("ckan_resource_name") if dataset.resource_names else None
            previous = latest_landed_from(
                zone,
                dataset.id,
                same_resource(extra.get("ckan_resource_id"), file_name, by_name),
            )
            unchanged = not force and is_unchanged(resource, previous)
            planned.append(
                PlannedFile(dataset.id, file_name, url, previous, unchanged, extra, resource)
            )
    base = (legacy_base_url or settings.duo_legacy_base_url or config.legacy_base_url).rstrip("/")
    for legacy in config.legacy:
        if only is not None and legacy.dataset not in only:
            continue
        previous = latest_landed_from(
            zone, legacy.dataset, lambda f, name=legacy.file_name: f.manifest.file_name == name
        )
        url = f"{base}/{legacy.file_name}"
        planned.append(
            PlannedFile(
                legacy.dataset, legacy.file_name, url, previous, previous is not None and not force
            )
        )
    return planned, missing


def fetch_duo(
    settings: Settings,
    *,
    datasets: DuoDatasets | None = None,
    only: set[str] | None = None,
    legacy_base_url: str | None = None,
    session: Session | None = None,
    progress: Callable[[str], None] | None = None,
    force: bool = False,
) -> list[ResourceFetch]:
    """Fetch every configured DUO resource into ``settings.landing_dir``.

    ``only``: dataset ids to fetch (default all). ``force``: download every resource, even one
    whose portal metadata (or legacy URL) matches the landed copy. ``legacy_base_url``
    overrides the one in ``duo_datasets.toml`` (tests point it at a local server).
    ``progress`` is called with a short description before each step (for a progress bar). A
    failure of one resource is reported in its ``ResourceFetch`` and does not stop the others;
    a failing ``package_show`` raises ``FetchError``.
    """
    session = session or make_session(settings.http)
    zone = LandingZone(settings.landing_dir)
    report = progress or (lambda _: None)
    planned, outcomes = plan_duo(
        settings,
        datasets=datasets,
        only=only,
        legacy_base_url=legacy_base_url,
        session=session,
        progress=progress,
        force=force,
    )
    for file in planned:
        if file.unchanged:
            outcomes.append(
                ResourceFetch(
                    file.dataset, file.file_name, file.url, "unchanged", landed=file.previous
                )
            )
            continue
        legacy = " (legacy)" if file.resource is None else ""
        report(f"duo {file.dataset}: {file.file_name}{legacy}")
        outcomes.append(
            _guarded(
                session,
                zone,
                settings,
                file.dataset,
                file.url,
                file.file_name,
                file.extra,
                file.resource,
            )
        )
    return outcomes


def missing_resource_names(
    dataset: CkanDataset, listed: list[dict[str, Any]], base_url: str
) -> list[ResourceFetch]:
    """A ``failed`` outcome for each configured resource name ``package_show`` did not list
    (renamed upstream?), so a vanished resource is reported instead of silently skipped."""
    names = {resource_name_key(r.get("name")) for r in listed}
    return [
        ResourceFetch(
            dataset.id,
            name,
            f"{base_url}{PACKAGE_SHOW}?id={dataset.ckan_id}",
            "failed",
            message=f"package_show for {dataset.ckan_id!r} lists no resource named {name!r}",
        )
        for name in dataset.resource_names
        if resource_name_key(name) not in names
    ]


def _guarded(
    session: Session,
    zone: LandingZone,
    settings: Settings,
    dataset: str,
    url: str,
    file_name: str,
    extra: dict[str, str],
    listed: dict[str, Any] | None = None,
) -> ResourceFetch:
    try:
        return download_and_land(
            session,
            zone,
            settings,
            dataset=dataset,
            url=url,
            file_name=file_name,
            extra=extra,
            listed=listed,
        )
    except FetchError as exc:
        log.warning("DUO fetch failed: %s", exc)
        retryable = exc.kind in {"body", "connection"} or (
            exc.status is not None and (exc.status >= 500 or exc.status in {408, 429})
        )
        return ResourceFetch(
            dataset, file_name, url, "failed", message=str(exc), retryable=retryable
        )
    except LandingError as exc:
        log.warning("DUO file could not be landed: %s", exc)
        return ResourceFetch(dataset, file_name, url, "failed", message=str(exc))
