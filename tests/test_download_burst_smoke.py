"""The download-burst benchmark still runs (``benchmarks/download_burst.py``, a few participants; no timing
assertion): every file arrives whole through the download buttons, every submit is confirmed, and it
prints its figures and verdicts."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_the_download_burst_benchmark_runs_with_a_few_participants():
    result = subprocess.run(
        [
            sys.executable,
            "benchmarks/download_burst.py",
            *("--participants", "3", "--parties", "2", "--window", "1", "--probes", "1", "--timeout", "60"),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    out = result.stdout
    assert result.returncode == 0, out + result.stderr
    assert re.search(r"files downloaded whole / asked\s+6 / 6", out), out
    assert re.search(r"burst: server CPU in builds \(ratio to one build\)\s+\d+\.\d+", out), out
    assert re.search(r"worst submit in the burst / floor\s+\d+\.\d+x", out), out
    for verdict in ("every file downloaded whole", "burst CPU <= 3 builds", "a submit in the burst confirms"):
        assert re.search(rf"^(PASS|FAIL)  {verdict}", out, flags=re.M), out
