"""`make demo`, as a new user meets it: runtime dependencies only, a quiet install, and output
that fits a screen and ends with where things are and what to try next."""

from __future__ import annotations

import os
import re
import subprocess
import tomllib
from pathlib import Path

import pytest
from conftest import REPO_ROOT

DEMO_COMMAND = re.compile(r"^\S*techpact run .*$", re.MULTILINE)
NEXT_COMMANDS = ("indicators", "quality", "snapshots")


def make_dry_run(*args: str) -> str:
    """The commands `make` would run, without running them."""
    result = subprocess.run(
        ["make", "-n", *args], cwd=REPO_ROOT, capture_output=True, text=True, check=True
    )
    return result.stdout


def test_make_demo_installs_the_runtime_dependencies_only(tmp_path: Path) -> None:
    commands = make_dry_run("demo", f"VENV={tmp_path / 'venv'}")
    installs = [line for line in commands.splitlines() if " pip " in line and "install" in line]
    assert installs and all("[dev]" not in line for line in installs)
    assert any(line.endswith("install -e .") for line in installs)
    # the dev extras come with `make dev`, and `make test` needs them
    for target in ("dev", "test"):
        assert "install -e '.[dev]'" in make_dry_run(target, f"VENV={tmp_path / 'venv'}")


def test_every_folder_of_the_package_is_declared_so_setuptools_has_nothing_to_warn_about() -> None:
    setuptools = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    declared = set(setuptools["packages"])
    for package, folder in setuptools["package-dir"].items():
        for sub in (REPO_ROOT / folder).rglob("*"):
            if sub.is_dir() and sub.name != "__pycache__" and any(sub.iterdir()):
                name = ".".join([package, *sub.relative_to(REPO_ROOT / folder).parts])
                assert name in declared, f"{sub} is importable but not in packages"


@pytest.mark.prefect
def test_the_demo_fits_a_screen_and_ends_with_the_paths_and_the_next_commands(
    tmp_path: Path,
) -> None:
    [command] = DEMO_COMMAND.findall(make_dry_run("-s", "demo"))
    data_dir = tmp_path / "data"
    venv_bin = str(REPO_ROOT / ".venv" / "bin")
    env = {
        **{k: v for k, v in os.environ.items() if k not in ("COLUMNS", "PREFECT_API_URL")},
        "TECHPACT_DATA_DIR": str(data_dir),
        # as after a plain `make demo`: the venv is not on PATH
        "PATH": os.pathsep.join(p for p in os.environ["PATH"].split(os.pathsep) if p != venv_bin),
    }
    result = subprocess.run(
        command,
        shell=True,
        cwd=REPO_ROOT,
        env=env,
        stdout=subprocess.PIPE,  # a pipe: no terminal, rich wraps at 80 columns if anything
        stderr=subprocess.STDOUT,
        text=True,
        timeout=600,
        check=False,
    )
    output = result.stdout
    lines = output.splitlines()
    assert result.returncode == 0, output
    assert len(lines) < 40, output
    assert "Traceback" not in output
    assert not [line for line in lines if "Warning" in line or " WARNING " in line], output
    published = data_dir / "published"
    warehouse, report, *last = lines[-7:]
    assert warehouse == (
        f"Published warehouse (open read-only in BI tools): {published / 'techpact.duckdb'}"
    )
    assert re.fullmatch(rf"Quality report: {data_dir.as_uri()}/runs/\S+/index\.html", report)
    assert last == [
        f"Dashboard: {(published / 'dashboard' / 'index.html').as_uri()}",
        "Next, try:",
        *[f"  .venv/bin/techpact {args} --data-dir {data_dir}" for args in NEXT_COMMANDS],
    ]
    assert "GENERATED SAMPLE DATA" in output
