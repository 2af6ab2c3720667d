"""The landing zone: raw files exactly as published, each with a manifest.

Layout, content-addressed so that a landed file never changes::

    <landing>/<source>/<dataset>/<sha256[:16]>/<file name>
    <landing>/<source>/<dataset>/<sha256[:16]>/manifest.json

Everything downstream reads only from here, so any run can be replayed offline.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

MANIFEST_NAME = "manifest.json"
_NAME_PART = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


class LandingError(Exception):
    """A file could not be landed, or the landing zone holds something unexpected."""


@dataclass(frozen=True)
class Manifest:
    """What is known about one landed file."""

    source: str
    dataset: str
    resource: str
    file_name: str
    original_url: str | None
    fetched_at: str
    byte_size: int
    sha256: str
    media_type: str
    is_sample_data: bool = False
    note: str | None = None
    http: dict[str, str] = field(default_factory=dict)

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=2, sort_keys=True) + "\n"

    @classmethod
    def from_json(cls, text: str, *, path: Path) -> Manifest:
        try:
            data = json.loads(text)
            return cls(**data)
        except (json.JSONDecodeError, TypeError) as exc:
            raise LandingError(f"{path}: not a valid landing manifest ({exc})") from exc


@dataclass(frozen=True)
class LandedFile:
    manifest: Manifest
    path: Path

    @property
    def fetched_at(self) -> datetime:
        return datetime.fromisoformat(self.manifest.fetched_at)


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def check_name_part(value: str, what: str) -> str:
    """Source, dataset and file names become path parts: refuse anything path-like."""
    if not _NAME_PART.match(value) or ".." in value:
        raise LandingError(f"{what} {value!r} may hold only letters, digits, '.', '_' and '-'")
    return value


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder and a rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp_name, path)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise


def utc_now_iso() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()


class LandingZone:
    """Reads and writes one landing zone directory."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def land_bytes(
        self,
        data: bytes,
        *,
        source: str,
        dataset: str,
        resource: str,
        file_name: str,
        media_type: str,
        original_url: str | None = None,
        fetched_at: str | None = None,
        is_sample_data: bool = False,
        note: str | None = None,
        http: dict[str, str] | None = None,
    ) -> tuple[LandedFile, bool]:
        """Land ``data`` unchanged. Returns the landed file and whether it was new.

        The file is written before its manifest, both atomically: a folder without a manifest
        is an interrupted landing, ignored by readers and replaced by the next attempt.
        """
        check_name_part(source, "source")
        check_name_part(dataset, "dataset")
        check_name_part(file_name, "file name")
        digest = sha256_bytes(data)
        folder = self.root / source / dataset / digest[:16]
        manifest_path = folder / MANIFEST_NAME
        if manifest_path.exists():
            existing = self._read_manifest(manifest_path)
            return LandedFile(existing, folder / existing.file_name), False
        manifest = Manifest(
            source=source,
            dataset=dataset,
            resource=resource,
            file_name=file_name,
            original_url=original_url,
            fetched_at=fetched_at or utc_now_iso(),
            byte_size=len(data),
            sha256=digest,
            media_type=media_type,
            is_sample_data=is_sample_data,
            note=note,
            http=dict(http or {}),
        )
        write_atomic(folder / file_name, data)
        write_atomic(manifest_path, manifest.to_json().encode("utf-8"))
        return LandedFile(manifest, folder / file_name), True

    def files(self, source: str | None = None, dataset: str | None = None) -> list[LandedFile]:
        """Every completely landed file, oldest first."""
        landed = [
            LandedFile(manifest, path.parent / manifest.file_name)
            for path in self._manifest_paths()
            if (manifest := self._read_manifest(path))
            and (source is None or manifest.source == source)
            and (dataset is None or manifest.dataset == dataset)
        ]
        return sorted(landed, key=lambda f: (f.manifest.fetched_at, f.manifest.sha256))

    def latest(self, source: str, resource: str) -> LandedFile | None:
        """The most recently landed file of one kind of resource, if any."""
        candidates = [f for f in self.files(source) if f.manifest.resource == resource]
        return candidates[-1] if candidates else None

    def verify(self, landed: LandedFile) -> bytes:
        """Read a landed file back, refusing one whose bytes no longer match its manifest."""
        data = landed.path.read_bytes()
        self.refuse_changed(landed, sha256_bytes(data))
        return data

    @staticmethod
    def refuse_changed(landed: LandedFile, sha256: str) -> None:
        """Refuse a landed file whose bytes (hashed as ``sha256``) no longer match its manifest."""
        if sha256 != landed.manifest.sha256:
            raise LandingError(
                f"{landed.path}: sha256 differs from its manifest; the landing zone was changed"
            )

    def _manifest_paths(self) -> Iterator[Path]:
        if not self.root.exists():
            return iter(())
        return iter(sorted(self.root.glob(f"*/*/*/{MANIFEST_NAME}")))

    @staticmethod
    def _read_manifest(path: Path) -> Manifest:
        return Manifest.from_json(path.read_text(encoding="utf-8"), path=path)
