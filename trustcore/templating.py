"""The Jinja2 environment of the documents built as HTML/SVG (the printable report and its charts).

Templates live in ``trustcore/templates/`` (shipped as package data). Autoescape is on for every
template, so user text is escaped where it is written out; ``StrictUndefined`` makes a misspelt
variable an error instead of an empty string. No Streamlit here.
"""

from __future__ import annotations

from functools import cache

import jinja2


def plural(count: int, word: str, words: str | None = None) -> str:
    """``1 answer``, ``2 answers`` (``words`` for an irregular plural: ``plural(n, "party", "parties")``)."""
    return f"{count} {word if count == 1 else (words or word + 's')}"


def number(value: object, digits: int = 2) -> str:
    """A number for a table cell: a float with ``digits`` decimals, "—" for none."""
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return str(value)


@cache
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("trustcore", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
    )
    env.filters["plural"] = plural
    env.filters["number"] = number
    return env


def render(name: str, **context: object) -> str:
    """The template ``name`` rendered with ``context``."""
    return environment().get_template(name).render(**context)
