"""The pinned BI client environment: a venv with exactly the packages of ``constraints.txt``.

Used by tests/test_bi_compat.py and tests/test_bi_clients.py to run client scripts with the
DuckDB 1.x that BI tools embed, in a process of its own. The venv is cached as
``.venv/bi-clients-<sha>/`` (the sha covers the pins and the Python version, so a changed pin
builds a new one; ``make clean`` removes them).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

BI_CLIENTS = Path(__file__).resolve().parent
CONSTRAINTS = BI_CLIENTS / "constraints.txt"
REPO_ROOT = BI_CLIENTS.parent.parent
PIP_TIMEOUT_SECONDS = 600


def pinned(package: str) -> str:
    """The version ``constraints.txt`` pins for ``package``."""
    for line in CONSTRAINTS.read_text("utf-8").splitlines():
        name, _, version = line.partition("==")
        if version and name.strip().lower() == package:
            return version.strip()
    raise LookupError(f"{package} is not pinned in {CONSTRAINTS}")


def client_venv_path() -> Path:
    """``.venv/bi-clients-<sha>``: a new name whenever the pins or the Python version change."""
    key = hashlib.sha256(CONSTRAINTS.read_bytes())
    key.update(f"python{sys.version_info.major}.{sys.version_info.minor}".encode())
    return REPO_ROOT / ".venv" / f"bi-clients-{key.hexdigest()[:12]}"


def install_failed(message: str) -> None:
    """CI reaches the package registry, so there a failed install fails; elsewhere it skips."""
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


def create_client_venv(target: Path) -> None:
    """Install exactly the pins into a new venv, then rename it into place (atomic, race-safe)."""
    staging = target.with_name(f"{target.name}.partial-{os.getpid()}")
    shutil.rmtree(staging, ignore_errors=True)
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(staging)], check=True)
    pip = [sys.executable, "-m", "pip", "--python", str(staging / "bin" / "python")]
    # --no-deps: exactly the pinned wheels, nothing resolved; `pip check` below proves that is
    # every dependency. --only-binary: never build DuckDB from source.
    options = ["--no-deps", "--only-binary=:all:", "--no-input", "--disable-pip-version-check"]
    install = subprocess.run(
        [*pip, "install", *options, "--quiet", "-r", str(CONSTRAINTS)],
        capture_output=True,
        text=True,
        timeout=PIP_TIMEOUT_SECONDS,
    )
    if install.returncode != 0:
        shutil.rmtree(staging, ignore_errors=True)
        errors = [line for line in install.stderr.splitlines() if line.startswith("ERROR")]
        install_failed(
            f"could not install the BI client pins of {CONSTRAINTS} (pip exit "
            f"{install.returncode}): {' '.join(errors) or install.stderr.strip()[-2000:]}"
        )
    check = subprocess.run([*pip, "check"], capture_output=True, text=True)
    if check.returncode != 0:
        shutil.rmtree(staging, ignore_errors=True)
        pytest.fail(f"{CONSTRAINTS} does not pin every dependency: {check.stdout.strip()}")
    try:
        staging.rename(target)
    except OSError:  # another test run finished the same venv first
        shutil.rmtree(staging, ignore_errors=True)


def client_python() -> Path:
    """The Python of the pinned venv, created on first use and reused after."""
    venv = client_venv_path()
    if not venv.exists():
        create_client_venv(venv)
    return venv / "bin" / "python"
