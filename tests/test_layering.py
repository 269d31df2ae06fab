"""How the code is layered: which module may import which (read from the source, nothing is run)."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _runtime_imports(tree: ast.AST):
    """Every import statement run when the module is, or when its functions are (imports under
    ``if TYPE_CHECKING:`` are for annotations only and left out)."""
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            node.body = [ast.Pass()]  # before ``walk`` goes into it
    for node in ast.walk(tree):
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield node


def _import_graph(package: str) -> dict[str, set[str]]:
    """module -> the modules of ``package`` it imports."""
    files = {_module_name(p): p for p in (ROOT / package).rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in files.items():
        is_package = path.name == "__init__.py"
        targets: set[str] = set()
        for node in _runtime_imports(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                candidates = [alias.name for alias in node.names]
            else:
                base = node.module or ""
                if node.level:
                    parent = name.split(".")[: len(name.split(".")) - node.level + (1 if is_package else 0)]
                    base = ".".join(parent + ([node.module] if node.module else []))
                candidates = [base] + [f"{base}.{alias.name}" for alias in node.names]
            targets |= {c for c in candidates if c in files and c != name}
        graph[name] = targets
    return graph


def _reaches(graph: dict[str, set[str]], start: str, goal: str) -> list[str] | None:
    """A path of imports from ``start`` to ``goal``, or None."""
    seen, paths = {start}, [[start]]
    while paths:
        path = paths.pop()
        for nxt in sorted(graph.get(path[-1], ())):
            if nxt == goal:
                return [*path, nxt]
            if nxt not in seen:
                seen.add(nxt)
                paths.append([*path, nxt])
    return None


def test_the_graph_reader_sees_the_imports_of_the_core():
    graph = _import_graph("trustcore")
    assert {"trustcore.analysis", "trustcore.wording"} <= graph["trustcore.results"]
    assert "trustcore.analysis" in graph["trustcore.followup.lineage"]  # ``from .. import analysis``


def test_statistics_and_their_words_do_not_import_each_other():
    """``analysis`` computes and ``wording`` phrases what it is given: wording reaches no statistic."""
    graph = _import_graph("trustcore")
    assert _reaches(graph, "trustcore.wording", "trustcore.analysis") is None, "wording imports analysis"
    assert _reaches(graph, "trustcore.wording", "trustcore.results") is None, "wording imports results"

