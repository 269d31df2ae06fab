"""How the code is layered: which module may import which (read from the source, nothing is run)."""

from __future__ import annotations

import ast
import os
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


# ------------------------------------------------------------------------------ Streamlit's internals

APP = ("app.py", "ui", "views", "trustcore")  # the app itself (benchmarks and tests are its clients)
INTERNALS = "ui.streamlit_internals"
# Streamlit's public modules; every other ``streamlit.*`` path is private (``streamlit.runtime``,
# ``streamlit.proto``, ``streamlit.elements``, ``streamlit.web``, ...). ``streamlit_sortables`` is another package.
PUBLIC_STREAMLIT = {"streamlit", "streamlit.components.v1", "streamlit.testing.v1", "streamlit.column_config"}


def _app_files():
    for entry in APP:
        path = ROOT / entry
        yield from [path] if path.is_file() else sorted(path.rglob("*.py"))


def _private_uses(path: Path) -> list[str]:
    """Private Streamlit paths the module imports, and private attributes it reads off ``st``."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
            names = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
            names = [node.module] if node.module != "streamlit" else names
        else:
            names = []
        found += [n for n in names if n.split(".")[0] == "streamlit" and n not in PUBLIC_STREAMLIT]
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "st":
            if node.attr.startswith("_"):
                found.append(f"st.{node.attr}")
    return found


def test_only_streamlit_internals_touches_streamlits_private_internals():
    outside = {
        str(path.relative_to(ROOT)): uses
        for path in _app_files()
        if _module_name(path) != INTERNALS and (uses := _private_uses(path))
    }
    assert outside == {}, "move these into ui/streamlit_internals.py (and docs/streamlit-internals.md)"
    assert _private_uses(ROOT / "ui" / "streamlit_internals.py")  # the check sees what it looks for


# ------------------------------------------------------------------------------ references


def _text_files():
    skip = {"__pycache__", "node_modules", "test-output", "data"}
    suffixes = {".py", ".md", ".toml", ".txt", ".sh", ".ini", ".cfg", ".yml", ".yaml", ".conf"}
    for folder, dirs, files in os.walk(ROOT):
        dirs[:] = [d for d in dirs if not d.startswith(".") and d not in skip]
        yield from (Path(folder) / f for f in files if Path(f).suffix in suffixes)


def test_no_file_cites_notes_outside_the_repository():
    """What the code relies on is written in the repository's own ``docs/`` (a path outside it is missing
    for anyone who clones it)."""
    outside = ["../" + "shared", "shared/" + "docs", "streamlit" + "-notes", "ranking" + "-analysis.md"]
    cited = {
        str(path.relative_to(ROOT)): [p for p in outside if p in text]
        for path in _text_files()
        if any(p in (text := path.read_text(errors="replace")) for p in outside)
    }
    assert cited == {}
    assert (ROOT / "docs" / "streamlit-internals.md").is_file()


# ------------------------------------------------------------------ the one door


def _code_and_token_calls(source: str) -> list[str]:
    """Calls that hand a session code and a token to something: the way pages reached data before every
    page got its handle (``ctx.view``). Building a link to show (``links.*_link``) or writing the tab's own
    URL (``set_params``) is not reaching data."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call) or ast.unparse(node.func).startswith(("links.", "set_params")):
            continue
        args = [ast.unparse(a) for a in [*node.args, *(k.value for k in node.keywords)]]
        has_code = any(a == "code" or a.endswith(".code") for a in args)
        has_token = any("token" in a or a.startswith("ctx.params[") for a in args)
        if has_code and has_token:
            found.append(ast.unparse(node))
    return found


def test_no_page_or_ui_helper_reaches_data_with_a_code_and_a_token():
    offenders = {
        str(path.relative_to(ROOT)): calls
        for folder in ("views", "ui")
        for path in sorted((ROOT / folder).glob("*.py"))
        if (calls := _code_and_token_calls(path.read_text()))
    }
    assert offenders == {}


def test_the_code_and_token_check_sees_such_a_call():
    assert _code_and_token_calls("next_steps.next_steps(store, session.code, token)")
    assert _code_and_token_calls("store.submit(code, ctx.params['me'], order)")
    assert not _code_and_token_calls("next_steps.next_steps(ctx.view)")
    assert not _code_and_token_calls("links.facilitator_link(base_url(), session.code, token)")


def test_no_page_or_ui_helper_takes_a_code_and_a_token():
    for folder in ("views", "ui"):
        for path in (ROOT / folder).glob("*.py"):
            for node in ast.walk(ast.parse(path.read_text())):
                if isinstance(node, ast.FunctionDef | ast.Lambda):
                    names = {a.arg for a in node.args.args + node.args.kwonlyargs}
                    assert not ({"code", "c"} & names and {"token", "t"} & names), (path.name, ast.unparse(node)[:80])


def test_the_core_has_no_import_cycle():
    """Modules import downwards only (``store`` builds a ``View``; ``view`` names ``Store`` in annotations)."""
    graph = _import_graph("trustcore")

    def reaches(start: str, target: str, seen: set[str]) -> bool:
        return any(n == target or (n not in seen and reaches(n, target, seen | {n})) for n in graph.get(start, ()))

    assert [m for m in graph if reaches(m, m, {m})] == []


def _private_store_reads(source: str) -> list[str]:
    """Uses of the store's private members (``store._rankings(...)``, ``ctx.store._session``): the readers that
    check no right, which only the core may call, each behind a check of its own."""
    return [
        ast.unparse(node)
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Attribute)
        and node.attr.startswith("_")
        and not node.attr.startswith("__")
        and ast.unparse(node.value).split(".")[-1] == "store"
    ]


def test_no_page_ui_helper_or_command_calls_a_reader_that_checks_nothing():
    files = [
        *(ROOT / "views").glob("*.py"),
        *(ROOT / "ui").glob("*.py"),
        ROOT / "app.py",
        ROOT / "trustcore" / "cli.py",
    ]
    offenders = {
        str(p.relative_to(ROOT)): found for p in sorted(files) if (found := _private_store_reads(p.read_text()))
    }
    assert offenders == {}
    assert _private_store_reads("ctx.store._rankings(code)") and not _private_store_reads("ctx.view.results(1)")


def test_every_public_method_of_the_store_that_names_a_session_takes_its_link():
    """A public method that reaches a session by its code also takes the token it checks, so nothing outside
    the core reads a session without the rights table (the unchecked readers are private: ``Store._rankings``)."""
    import inspect

    from trustcore.store import Store

    code_only = {
        "join": "the share link is the code alone; it checks JOIN",
        "load_session": "takes the connection of a write transaction that checked its right (``write_as``)",
    }
    unchecked = []
    for name, member in inspect.getmembers(Store, inspect.isfunction):
        params = inspect.signature(member).parameters
        if not name.startswith("_") and "code" in params and "token" not in params and name not in code_only:
            unchecked.append(name)
    assert unchecked == []
