"""Open a local HTML page in headless Chromium and record what a user would not see.

Debian's ``chromium`` package (``make test`` installs it where it can: ``make browser``) driven
by Playwright with ``executable_path``: Playwright never downloads a browser of its own.
Every console error, uncaught page error and request to anything but ``file://`` (or
``data:``/``blob:``) is recorded, so a test can assert that a report or dashboard renders with
no network and no errors.

    with open_page(index.as_uri()) as visit:
        visit.page.screenshot(path=...)
    assert visit.console_errors == [] and visit.outside_requests == []
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

ARTIFACTS = Path(__file__).resolve().parent.parent / ".test-artifacts"

# The flags the machine notes name: without the background-networking ones Chromium tries to
# reach Google's hosts at start, which a closed network refuses.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
LOCAL_SCHEMES = ("file:", "data:", "blob:", "about:")


def chromium_path() -> str:
    """Debian's Chromium; fails under CI=true when absent, skips with the reason elsewhere."""
    path = os.environ.get("TECHPACT_CHROMIUM") or shutil.which("chromium")
    reason = None
    if path is None:
        reason = "headless Chromium is not installed (Debian package 'chromium'; `make browser`)"
    else:
        try:
            import playwright  # noqa: F401
        except ImportError:
            reason = "the playwright package is not installed (dev extra; `make install`)"
    if reason:
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    assert path is not None
    return path


@dataclass
class PageVisit:
    page: Any
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    outside_requests: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)

    def screenshot(self, name: str) -> Path:
        """Keep a full-page screenshot as a test artifact under ``.test-artifacts/``."""
        ARTIFACTS.mkdir(exist_ok=True)
        path = ARTIFACTS / name
        self.page.screenshot(path=str(path), full_page=True)
        return path


@contextmanager
def open_page(url: str, *, wait_for: str | None = None) -> Iterator[PageVisit]:
    """Load ``url`` in a fresh headless Chromium; yields the visit while the page is open."""
    from playwright.sync_api import sync_playwright

    executable = chromium_path()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            visit = PageVisit(page=page)
            page.on(
                "console",
                lambda m: visit.console_errors.append(m.text) if m.type == "error" else None,
            )
            page.on("pageerror", lambda e: visit.page_errors.append(str(e)))

            def record(request: Any) -> None:
                visit.requests.append(request.url)
                if not request.url.startswith(LOCAL_SCHEMES):
                    visit.outside_requests.append(request.url)

            page.on("request", record)
            page.goto(url, wait_until="load")
            if wait_for:
                page.wait_for_selector(wait_for, timeout=15_000)
            yield visit
        finally:
            browser.close()
