"""The project's declared dependencies and its pinned install files agree."""

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~;\[ ]", requirement.strip(), maxsplit=1)[0].lower().replace("_", "-")


def _pinned(file: str) -> dict[str, str]:
    out = {}
    for line in (ROOT / file).read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line and not line.startswith("-r"):
            assert "==" in line, f"{file}: {line!r} is not pinned"
            name, version = line.split("==")
            out[_name(name)] = version
    return out


def _project() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


def test_pyproject_dependencies_are_the_pinned_runtime_requirements():
    assert {_name(r) for r in _project()["dependencies"]} == set(_pinned("requirements.txt"))


def test_pyproject_dev_extra_is_the_pinned_test_tools():
    assert {_name(r) for r in _project()["optional-dependencies"]["dev"]} == set(_pinned("requirements-dev.txt"))


def test_pins_satisfy_the_declared_ranges():
    pins = _pinned("requirements.txt") | _pinned("requirements-dev.txt")
    for requirement in _project()["dependencies"] + _project()["optional-dependencies"]["dev"]:
        name = _name(requirement)
        version = tuple(int(x) for x in pins[name].split(".")[:3])
        for op, bound in re.findall(r"(>=|<)([\d.]+)", requirement):
            b = tuple(int(x) for x in bound.split("."))
            assert (version >= b) if op == ">=" else (version < b), f"{name}=={pins[name]} breaks {requirement!r}"
