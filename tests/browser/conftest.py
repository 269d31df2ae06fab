"""Browser tests: a real ``streamlit run app.py`` on a free loopback port, driven by Playwright in
Debian's Chromium (``/usr/bin/chromium``, or ``$CHROMIUM_PATH``).

Outside CI a missing browser skips these tests with a message; under CI (``CI=true``) it fails them.
Screenshots go to ``test-output/screenshots``.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import expect

# Streamlit reruns and component iframes can take seconds on a loaded 2-core machine.
expect.set_options(timeout=15000)

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
SHOTS = ROOT / "test-output" / "screenshots"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """A running streamlit server on its own database."""

    def __init__(self, db_path: Path, log_path: Path, env: dict | None = None):
        self.db_path = db_path
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = log_path
        self._log = open(log_path, "w")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"), "--server.headless=true",
             "--server.address=127.0.0.1", f"--server.port={self.port}", "--browser.gatherUsageStats=false",
             "--server.fileWatcherType=none", "--global.developmentMode=false", "--logger.level=warning"],
            cwd=ROOT, env={**os.environ, "TRUSTCORE_DB": str(db_path), **(env or {})},
            stdout=self._log, stderr=subprocess.STDOUT,
        )
        deadline = time.time() + 60
        while True:
            try:
                if urllib.request.urlopen(self.url + "/_stcore/health", timeout=1).read() == b"ok":
                    break
            except OSError:
                pass
            if self.proc.poll() is not None or time.time() > deadline:
                self.stop()
                raise RuntimeError("streamlit did not start:\n" + log_path.read_text())
            time.sleep(0.2)

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self._log.close()


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
