"""ui/process.py: once per server process, the pages' modules are loaded and the garbage collector is kept
off everything alive then (run in a fresh interpreter, as a server process starts)."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

SCRIPT = """
import gc, sys
from ui import process
before = gc.get_freeze_count()
assert "plotly.graph_objects" not in sys.modules and "openpyxl" not in sys.modules
first, second = process.settle(), process.settle()
missing = [m for m in process.PRELOAD if m not in sys.modules]
print(first, second, before, gc.get_freeze_count(), missing)
"""


def test_settle_loads_the_pages_modules_and_freezes_once():
    out = subprocess.run([sys.executable, "-c", SCRIPT], cwd=ROOT, capture_output=True, text=True, check=True)
    first, second, before, frozen, missing = out.stdout.split(maxsplit=4)
    assert (first, second) == ("True", "False")  # the second call does nothing
    assert int(before) == 0
    assert int(frozen) > 100_000  # Streamlit, pandas, plotly...: everything alive after the imports
    assert missing.strip() == "[]"


def test_the_entrypoint_settles_the_process_before_any_page_runs():
    source = (ROOT / "app.py").read_text()
    assert source.index("process.settle()") < source.index("page.run()")
