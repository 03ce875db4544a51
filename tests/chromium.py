"""Headless Chromium for the browser tests: Debian's chromium (`make browser` installs it) driven
by Playwright, which downloads no browser; the tests skip, saying why, where there is none.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

CHROMIUM_ENV = "LINKINDEX_CHROMIUM"
# Where `make test` refreshes the screenshots kept in docs/img (docs/explorer.md): unset, they
# go to the test's temporary folder only.
SCREENSHOTS_ENV = "LINKINDEX_SCREENSHOTS"
ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip
LOOPBACK = {"127.0.0.1", "localhost", "::1"}  # urlsplit drops the brackets of [::1]


def chromium_path() -> str | None:
    named = os.environ.get(CHROMIUM_ENV)
    if named:
        return named
    for candidate in ("/usr/bin/chromium", "chromium", "chromium-browser"):
        found = shutil.which(candidate)
        if found:
            return found
    return None


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """One Chromium per test module (each launch costs about a second)."""
    path = chromium_path()
    if path is None:
        pytest.skip(
            "no Chromium: `make test` installs Debian's chromium when run as root or with"
            " passwordless sudo (`apt-get install chromium`); or set LINKINDEX_CHROMIUM"
        )
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("playwright is not installed: pip install -e '.[test]'")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=path, headless=True, args=ARGS)
        yield launched
        launched.close()


class Offline:
    """A browser context that may reach 127.0.0.1 only: any other request is aborted and
    remembered, so a test can say the page asked for nothing outside the server."""

    def __init__(self, browser, **options) -> None:
        self.context = browser.new_context(**options)
        self.blocked: list[str] = []
        self.context.route("**/*", self._route)

    def _route(self, route) -> None:
        url = route.request.url
        if urlsplit(url).hostname in LOOPBACK or url.startswith(("data:", "blob:")):
            route.continue_()
        else:
            self.blocked.append(url)
            route.abort()

    def page(self):
        page = self.context.new_page()
        # Generous: two test processes share two cores in `make test`, and Swagger UI is 1.5 MB.
        page.set_default_timeout(30_000)
        # Script errors and policy refusals; a failed request is in `failures` with its URL
        # (the console's own line for it names no URL).
        errors: list[str] = []
        failures: list[tuple[int, str]] = []

        def console(message) -> None:
            if message.type == "error" and not message.text.startswith("Failed to load"):
                errors.append(message.text)

        page.on("console", console)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on(
            "response", lambda r: failures.append((r.status, r.url)) if r.status >= 400 else None
        )
        page.errors = errors  # type: ignore[attr-defined]
        page.failures = failures  # type: ignore[attr-defined]
        return page

    def close(self) -> None:
        self.context.close()


def screenshot(page, folder: Path, name: str, full_page: bool = True) -> Path:
    """Saves the page as folder/name.png (a test artifact), and into $LINKINDEX_SCREENSHOTS too
    when it is set."""
    path = folder / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    keep = os.environ.get(SCREENSHOTS_ENV)
    if keep:
        Path(keep).mkdir(parents=True, exist_ok=True)
        shutil.copy(path, Path(keep) / path.name)
    return path
