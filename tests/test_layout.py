"""Core tests never import Playwright: only tests/browser/ drives a browser."""

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parent


def test_no_core_test_imports_playwright_or_the_browser_fixtures():
    offenders = []
    for path in sorted(TESTS.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            offenders += [f"{path.name}: {n}" for n in names if n.split(".")[0] == "playwright" or "browser" in n]
    assert offenders == []
