"""The benchmarks still run (no timing assertions), and what the load benchmark found stays fixed.

- ``benchmarks/analysis_bench.py --quick`` prints all its figures.
- The server settings the 30-participant run led to are checked.

The Chromium parts (``benchmarks/workshop_load.py`` with five people, and a click while a poll finishes)
are in ``tests/browser/test_benchmark_browsers.py``.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_server_settings_keep_live_polls_cheap_and_clicks_safe():
    """What the 30-participant run taught (figures in the benchmark's output, not asserted here): a
    forced full GC after every run made each 2-second poll cost ~100 ms of CPU, and fast reruns could
    drop a click arriving while a poll finished. The app's config turns both off."""
    import tomllib

    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["runner"]["postScriptGC"] is False
    assert config["runner"]["fastReruns"] is False
    assert config["browser"]["gatherUsageStats"] is False
    assert config["server"]["enableXsrfProtection"] is True and config["server"]["enableCORS"] is True


def test_analysis_benchmark_prints_its_figures():
    result = subprocess.run(
        [sys.executable, "benchmarks/analysis_bench.py", "--quick"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    out = result.stdout
    assert result.returncode == 0, out + result.stderr
    number = r"best\s+\d+\.\d+ ms\s+median\s+\d+\.\d+ ms"
    for label in (
        "all statistics together",
        "kendalls_w + 10,000-permutation p-value",
        "kemeny_consensus, exact",
        "discussion_agenda",
        "kemeny_consensus, 10 elements x 100 orders",
        "round_results",
        "compare page, 12 parties x 3 members, revealed",
        "empty page (import streamlit as st)",
    ):
        assert re.search(re.escape(label) + r".*" + number, out), f"no figure for {label!r}:\n{out}"
    assert re.search(r"ratio compare / empty \(medians\): \d+\.\d+x", out), out
    assert re.search(r"^(PASS|FAIL)  analysis of 100 orders < 50 ms", out, flags=re.M), out
    assert re.search(r"^(PASS|FAIL)  compare rerun <= 5x empty page", out, flags=re.M), out
