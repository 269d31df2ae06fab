"""Browser tests: a real ``streamlit run app.py`` on a free loopback port, driven by Playwright in
Debian's Chromium (``/usr/bin/chromium``, or ``$CHROMIUM_PATH``).

Outside CI a missing browser skips these tests with a message; under CI (``CI=true``) it fails them.
Screenshots go to ``test-output/screenshots``; when a test fails, every page it opened is saved there as
``failed-<test>-<n>.png`` before its browser context closes (what CI keeps of a flaky failure).
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


FAILED = pytest.StashKey[bool]()  # whether the test's own call failed (read by ``new_page``)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.stash[FAILED] = report.failed
    return report


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
def new_page(browser, request):
    """Factory: a page in a fresh browser context (a separate person); closed after the test, and saved as a
    screenshot first if the test failed."""
    contexts = []

    def make(width: int = 1280, height: int = 900, **kwargs):
        ctx = browser.new_context(viewport={"width": width, "height": height}, accept_downloads=True, **kwargs)
        ctx.set_default_timeout(20000)
        contexts.append(ctx)
        return ctx.new_page()

    yield make
    if request.node.stash.get(FAILED, False):
        _save_pages(request.node.name, contexts)
    for ctx in contexts:
        ctx.close()


def _save_pages(test: str, contexts) -> None:
    """A screenshot of every page still open in ``contexts`` (a page that cannot be captured is skipped)."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    pages = [page for ctx in contexts for page in ctx.pages]
    name = "".join(c if c.isalnum() or c in "-_" else "-" for c in test)[:80]
    for n, page in enumerate(pages):
        try:
            page.screenshot(path=str(SHOTS / f"failed-{name}-{n}.png"), full_page=True, timeout=5000)
        except Exception as exc:  # a crashed or closed page: say so, keep the others
            print(f"could not save {name} page {n}: {exc}")
