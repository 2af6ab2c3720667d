"""The fault suite's bookkeeping: each case records what happened, the session prints the figures
(tests/conftest.py calls ``terminal_summary``).

A case test calls ``observe`` with what the command did (exit code, output, seconds) and what
it left (published file, landing zone, processes); ``observe`` checks the invariants every case
shares, records the figures and returns them. At the end of the session the figures are printed
as a table; with ``--update-reliability-doc`` they are also written into docs/reliability.md.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import asdict, dataclass
from pathlib import Path

import pytest
from fault_cases import CASES, Case, case

REPO_ROOT = Path(__file__).resolve().parents[2]
RELIABILITY_DOC = REPO_ROOT / "docs" / "reliability.md"
TRACEBACK = "Traceback (most recent call last)"


@dataclass(frozen=True)
class Figures:
    case: str
    kind: str
    outcome: str  # survived | refused
    exit_code: int | None
    seconds: float
    message: str  # the error line of a refusal, else ""
    published_intact: bool | None  # None: the case may change it (it publishes)
    landing_clean: bool
    orphans: int


RECORDED: dict[str, Figures] = {}


def sha256(path: Path) -> str | None:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.exists() else None


def landing_is_clean(landing: Path) -> bool:
    """Every landed file sits beside its manifest with the manifest's sha256; nothing else (no
    temporary or partial files) is in the landing zone."""
    if not landing.exists():
        return True
    for path in landing.rglob("*"):
        if path.is_dir():
            continue
        manifest_path = path.parent / "manifest.json"
        if not manifest_path.exists():
            return False
        if path == manifest_path:
            meta = json.loads(path.read_text())
            data = path.parent / meta["file_name"]
            if not data.exists() or hashlib.sha256(data.read_bytes()).hexdigest() != meta["sha256"]:
                return False
        elif path.name != json.loads(manifest_path.read_text())["file_name"]:
            return False
    return True


def error_line(output: str) -> str:
    """The line that says what failed: the first one that starts with ``error:`` or
    ``failed:`` (the message must be whole on that one line)."""
    for line in output.splitlines():
        found = re.match(r"\s*(?:error|failed):\s*(.*)", line)
        if found:
            return found.group(1).strip()
    return ""


def observe(
    case_id: str,
    *,
    exit_code: int | None,
    output: str,
    seconds: float,
    landing: Path,
    published: tuple[str | None, Path] | None = None,
    orphans: int = 0,
    names: tuple[str, ...] = (),
) -> Figures:
    """Check what every case must hold, then record its figures.

    ``published``: the published file's sha256 before the case and its path (the file must be
    byte-identical after it), or None where the case publishes. ``names``: what a refusal's
    message must name (a URL, a file name and line).
    """
    expected: Case = case(case_id)
    message = error_line(output) if exit_code else ""
    intact = None if published is None else sha256(published[1]) == published[0]
    figures = Figures(
        case=case_id,
        kind=expected.kind,
        outcome="survived" if exit_code == 0 else "refused",
        exit_code=exit_code,
        seconds=round(seconds, 1),
        message=message,
        published_intact=intact,
        landing_clean=landing_is_clean(landing),
        orphans=orphans,
    )
    RECORDED[case_id] = figures
    assert TRACEBACK not in output, f"{case_id} ended in a traceback:\n{output}"
    assert figures.outcome == ("survived" if expected.expected == "survives" else "refused"), (
        f"{case_id}: expected it to be {expected.expected}, got exit {exit_code}:\n{output}"
    )
    if figures.outcome == "refused":
        assert exit_code == 1, f"{case_id}: a refusal exits 1, got {exit_code}:\n{output}"
        assert message, f"{case_id}: no error line in:\n{output}"
        for name in names:
            assert name in message, f"{case_id}: the error does not name {name!r}: {message}"
    assert seconds <= expected.bound_s, f"{case_id}: {seconds:.1f} s > {expected.bound_s} s"
    assert intact is not False, f"{case_id}: the published file changed"
    assert figures.landing_clean, f"{case_id}: the landing zone holds partial or stray files"
    assert orphans == 0, f"{case_id}: {orphans} process(es) outlived the run"
    return figures


def render_measured(recorded: dict[str, Figures]) -> str:
    """The measured table of docs/reliability.md, in catalogue order."""
    lines = [
        "| kind | case | injected | expected | outcome | exit | seconds (bound) "
        "| published file | landing zone | error (cut at 110 characters) |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for c in CASES:
        f = recorded.get(c.id)
        if f is None:
            lines.append(f"| {c.kind} | {c.id} | {c.injected} | {c.expected} | not run |||||")
            continue
        published = {True: "unchanged", False: "CHANGED", None: "published anew"}[
            f.published_intact
        ]
        message = f.message if len(f.message) <= 110 else f.message[:109] + "…"
        message = message.replace("|", "\\|")
        note = f" ({c.note})" if c.note else ""
        lines.append(
            f"| {c.kind} | {c.id} | {c.injected}{note} | {c.expected} | {f.outcome} "
            f"| {f.exit_code} | {f.seconds:g} ({c.bound_s:g}) | {published} "
            f"| {'clean' if f.landing_clean else 'PARTIAL FILES'} | {message} |"
        )
    return "\n".join(lines)


MEASURED_START = "<!-- measured: generated by pytest tests/faults --update-reliability-doc -->"
MEASURED_END = "<!-- end of measured -->"


def write_measured(doc: Path, table: str, summary: str) -> None:
    text = doc.read_text()
    start, end = text.index(MEASURED_START), text.index(MEASURED_END)
    doc.write_text(
        text[: start + len(MEASURED_START)] + f"\n\n{summary}\n\n{table}\n\n" + text[end:]
    )


def summary_line(recorded: dict[str, Figures]) -> str:
    figures = list(recorded.values())
    kinds = {kind: sum(f.kind == kind for f in figures) for kind in ("http", "input", "process")}
    return (
        f"{len(figures)} of {len(CASES)} fault cases tried ({kinds['http']} HTTP, "
        f"{kinds['input']} input, {kinds['process']} process): "
        f"{sum(f.outcome == 'survived' for f in figures)} survived, "
        f"{sum(f.outcome == 'refused' for f in figures)} refused with a one-line error; "
        f"published file changed: {sum(f.published_intact is False for f in figures)}; "
        f"partial files: {sum(not f.landing_clean for f in figures)}; "
        f"orphans: {sum(f.orphans for f in figures)}; "
        f"slowest: {max((f.seconds for f in figures), default=0):g} s"
    )


def terminal_summary(terminalreporter, config: pytest.Config) -> None:
    if not RECORDED:
        return
    terminalreporter.section("fault suite")
    terminalreporter.write_line(summary_line(RECORDED))
    for f in RECORDED.values():
        terminalreporter.write_line(
            f"  {f.kind:8} {f.case:26} {f.outcome:9} exit {f.exit_code!s:4} "
            f"{f.seconds:6.1f} s  {f.message[:70]}"
        )
    if config.getoption("--update-reliability-doc"):
        write_measured(RELIABILITY_DOC, render_measured(RECORDED), summary_line(RECORDED))
        terminalreporter.write_line(f"wrote {RELIABILITY_DOC}")
    (REPO_ROOT / ".pytest_cache").mkdir(exist_ok=True)
    (REPO_ROOT / ".pytest_cache" / "faults.json").write_text(
        json.dumps([asdict(f) for f in RECORDED.values()], indent=1)
    )
