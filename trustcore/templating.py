"""The Jinja2 environment of the documents built as HTML/SVG (the printable report and its charts).

Templates live in ``trustcore/templates/`` (shipped as package data). Autoescape is on for every
template, so user text is escaped where it is written out; ``StrictUndefined`` makes a misspelt
variable an error instead of an empty string. No Streamlit here.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

import jinja2
from markupsafe import Markup, escape

from .i18n import Translator


def in_html(t: Translator) -> dict[str, Callable[..., Markup]]:
    """A template's ``_``, ``ngettext`` and ``pgettext`` (pass them to ``render``; ``pybabel`` extracts their
    messages from the templates, ``babel.cfg``): ``t``'s, with each text value escaped before it is put into
    the message (a value that is markup already, a date's span, stays markup), so the sentence comes out as
    markup that the template does not escape again. The messages themselves are ours (the catalogues)."""

    def safe(params: dict[str, object]) -> dict[str, object]:
        return {key: escape(value) if isinstance(value, str) else value for key, value in params.items()}

    return {
        "_": lambda message, **params: Markup(t.gettext(message, **safe(params))),
        "ngettext": lambda one, many, n, **params: Markup(t.ngettext(one, many, n, **safe(params))),
        "pgettext": lambda context, message, **params: Markup(t.pgettext(context, message, **safe(params))),
    }


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
    return env


def render(name: str, **context: object) -> str:
    """The template ``name`` rendered with ``context``."""
    return environment().get_template(name).render(**context)
