"""A live server on 127.0.0.1 and Debian's Chromium driven by playwright.

Browser tests run against PostgreSQL, the production database (the page logic they reach
is covered on both databases by the HTTP tests). Screenshots land in
test-artifacts/screenshots/ (git-ignored), one per step, for a human to look at.
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from werkzeug.serving import make_server

from coordinator.reference.services import seed_reference
from tests.conftest import NOW

CHROMIUM = os.environ.get("COORDINATOR_CHROMIUM", "/usr/bin/chromium")
SHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
# As root and on a closed network: no sandbox, no calls home.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]

pytestmark = pytest.mark.browser


def browser_env() -> dict[str, str]:
    """The browser runs on the real clock: the server's clock is the one a test may fake
    (libfaketime through LD_PRELOAD), and a faked clock slows Chromium to a crawl."""
    return {k: v for k, v in os.environ.items()
            if k != "LD_PRELOAD" and not k.startswith("FAKETIME")}


@pytest.fixture
def live(app: Flask) -> Iterator[str]:
    """The app served over real HTTP by a thread, with reference data loaded."""
    seed_reference(now=NOW)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    base = f"http://127.0.0.1:{server.server_port}"
    app.config["BASE_URL"] = base  # mailed links point at this server
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield base
    server.shutdown()
    thread.join(timeout=10)


@pytest.fixture(scope="session")
def chromium():  # type: ignore[no-untyped-def]
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: `make browser` installs Debian's chromium",
                    pytrace=False)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                             args=CHROMIUM_ARGS, env=browser_env())
        yield browser
        browser.close()


@pytest.fixture
def page(chromium, request: pytest.FixtureRequest):  # type: ignore[no-untyped-def]
    context = chromium.new_context(locale="en-US", timezone_id="America/Guatemala")
    context.set_default_timeout(15_000)
    tab = context.new_page()
    tab.shot = Shots(request.node.name, tab)  # type: ignore[attr-defined]
    yield tab
    context.close()


class Shots:
    """Numbered screenshots of a test's steps."""

    def __init__(self, test_name: str, tab) -> None:  # type: ignore[no-untyped-def]
        self.folder = SHOTS / re.sub(r"[^\w.-]+", "_", test_name)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.tab = tab
        self.count = 0

    def __call__(self, step: str) -> Path:
        self.count += 1
        path = self.folder / f"{self.count:02d}-{step}.png"
        self.tab.screenshot(path=str(path), full_page=True)
        return path
