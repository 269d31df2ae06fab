"""A real ``streamlit run app.py`` on a free loopback port and its own database (no Playwright here).

Shared by the browser tests, the live-room tests and the benchmarks.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HOOKS = ROOT / "benchmarks" / "hooks"


def hooked(**settings: str) -> dict[str, str]:
    """The environment for a server that loads ``benchmarks/hooks`` (its run log, its race windows):
    ``PYTHONPATH`` with the hooks first, and the hooks' ``TRUSTCORE_*`` settings."""
    path = os.pathsep.join([str(HOOKS), *filter(None, [os.environ.get("PYTHONPATH")])])
    return {"PYTHONPATH": path, **settings}


STREAMLIT_FLAGS = [
    "--server.headless=true",
    "--server.address=127.0.0.1",
    "--browser.gatherUsageStats=false",
    "--server.fileWatcherType=none",
    "--global.developmentMode=false",
    "--logger.level=warning",
]


def wait_healthy(url: str, proc: subprocess.Popen, seconds: float, failure) -> None:
    """Until ``url``/_stcore/health answers "ok"; ``failure()`` says why, if ``proc`` ends or time runs out."""
    deadline = time.time() + seconds
    while True:
        try:
            if urllib.request.urlopen(url + "/_stcore/health", timeout=1).read() == b"ok":
                return
        except OSError:
            pass
        if proc.poll() is not None or time.time() > deadline:
            raise RuntimeError(failure())
        time.sleep(0.1)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """A running streamlit server on its own database."""

    def __init__(
        self,
        db_path: Path,
        log_path: Path,
        env: dict | None = None,
        *,
        script: Path | None = None,
        port: int | None = None,
        flags: list[str] | None = None,
    ):
        self.db_path = db_path
        self.env = env or {}  # kept, so a test can restart the server as it was (same port, same settings)
        self.port = port or _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = log_path
        self._log = open(log_path, "w")
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "streamlit",
                "run",
                str(script or ROOT / "app.py"),
                *STREAMLIT_FLAGS,
                f"--server.port={self.port}",
                *(flags or []),
            ],
            cwd=ROOT,
            env={**os.environ, "TRUSTCORE_DB": str(db_path), **(env or {})},
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )
        try:
            wait_healthy(self.url, self.proc, 60, lambda: "streamlit did not start:\n" + log_path.read_text())
        except RuntimeError:
            self.stop()
            raise

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self._log.close()

    def kill(self) -> None:
        """SIGKILL: the server dies at once, as in a power cut."""
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(10)
        self._log.close()

    @property
    def pid(self) -> int:
        return self.proc.pid
