"""Browser tests: a real ``streamlit run app.py`` on a free loopback port, driven by Playwright in
Debian's Chromium (``/usr/bin/chromium``, or ``$CHROMIUM_PATH``).

Outside CI a missing browser skips these tests with a message; under CI (``CI=true``) it fails them.
Screenshots go to ``test-output/screenshots``.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

try:  # the server launcher, shared with the benchmarks (tests/ is on sys.path under pytest)
    from appserver import ROOT, Server
except ImportError:  # imported from the repository root (benchmarks)
    from tests.appserver import ROOT, Server

# Streamlit reruns and component iframes can take seconds on a loaded 2-core machine.
expect.set_options(timeout=15000)

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
SHOTS = ROOT / "test-output" / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("server")
    srv = Server(tmp / "trustcore.db", tmp / "streamlit.log")
    yield srv
    srv.stop()
    log = srv.log_path.read_text()
    assert "Traceback" not in log, f"the server logged an error:\n{log}"


@pytest.fixture(scope="session")
def store(server):
    from trustcore.store import Store

    return Store(server.db_path).initialise()


def require_chromium() -> None:
    """Skip a test that needs Chromium when it is missing, but fail it under CI (``CI=true``)."""
    if not Path(CHROMIUM).exists():
        message = f"Chromium not found at {CHROMIUM}: run scripts/test.sh, which installs Debian's chromium"
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(message)
        pytest.skip(message)


@pytest.fixture(scope="module")  # closed after each module, so tests elsewhere may drive Playwright themselves
def browser():
    require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def new_page(browser):
    """Factory: a page in a fresh browser context (a separate person); closed after the test."""
    contexts = []

    def make(width: int = 1280, height: int = 900, **kwargs):
        ctx = browser.new_context(viewport={"width": width, "height": height}, accept_downloads=True, **kwargs)
        ctx.set_default_timeout(20000)
        contexts.append(ctx)
        return ctx.new_page()

    yield make
    for ctx in contexts:
        ctx.close()
