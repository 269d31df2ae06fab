"""The reader's language for this run, and its translator (``trustcore.i18n``).

The language is the tab's ``?lang=`` (one of ``i18n.SUPPORTED``; kept with the tab's link parameters by
``ui.context``, so the personal link and every page after it keep it), else the browser's
(``st.context.locale``), else English. Each run asks for its own translator: nothing here is process-wide, so two
tabs in two languages never see each other's words.

``<html lang>`` follows the page, so that screen readers pronounce it in its language: ``app.py`` calls
``follow_html_lang`` before each page runs (every page is drawn in the reader's language). Streamlit serves
``<html lang="en">``: the script that changes it is sent on every run of a page in another language (a run cut
short by ``st.switch_page`` or ``st.rerun`` may never deliver it), and once on the first English page after one.
"""

from __future__ import annotations

import json

import streamlit as st

from trustcore import i18n

from .context import Context, set_params

_HTML_LANG = "tc_html_lang"  # the <html lang> this tab's browser was last told
# A script-only st.html element still takes a place (and a gap) in the page: this hides its container.
_HIDE = '<style>div[data-testid="stElementContainer"]:has(#tc-html-lang){display:none}</style>'


def language(ctx: Context | None = None) -> str:
    """The language this tab reads: ``?lang=``, else the browser's locale, else English."""
    asked = st.query_params.get("lang") or (ctx.params.get("lang") if ctx else None)
    if asked in i18n.SUPPORTED:
        return str(asked)
    return i18n.negotiate(st.context.locale)


def translator(ctx: Context | None = None) -> i18n.Translator:
    """This run's translator."""
    return i18n.translator(language(ctx))


def set_html_lang(lang: str) -> None:
    """Set ``<html lang>`` (Streamlit serves ``lang="en"`` whatever the page says; a script in the page
    changes it in the browser, on every run that draws it)."""
    st.html(
        f'{_HIDE}<span id="tc-html-lang" hidden></span>'
        f"<script>document.documentElement.lang = {json.dumps(lang)};</script>",
        unsafe_allow_javascript=True,
    )


def follow_html_lang(ctx: Context) -> None:
    """Tell the browser the language of the page about to run (nothing while it is English, as served)."""
    lang = language(ctx)
    if lang != i18n.DEFAULT or st.session_state.get(_HTML_LANG, i18n.DEFAULT) != lang:
        set_html_lang(lang)
    st.session_state[_HTML_LANG] = lang


def switcher_key(lang: str) -> str:
    """The language box's key while the tab reads ``lang`` (one box per language: see ``switcher``)."""
    return f"tc_language_{lang}"


def switcher(ctx: Context, t: i18n.Translator) -> None:
    """A language choice for this tab (stable codes, each language named in its own words); choosing one puts
    it in the URL (``?lang=``), which the tab's links keep. ``app.py`` draws it once at the top of every page,
    right-aligned; no page draws another. Its label is hidden on screen (the choice shows a language's name,
    which says what it is) and is the box's accessible name.

    The box is drawn with the tab's language as its default, under a key of that language, and its value is
    never set through session state. A box whose default is another language than the page's is wrong in the
    browser whenever the browser draws it afresh (Streamlit sends a value set through session state once, and
    a browser that missed that run shows, and later sends back, the default): the page then turned English
    on the next click. A new language is a new box, so the box always follows the tab, whether the language
    changed here, by a link or in the URL."""
    codes = list(i18n.SUPPORTED)
    with st.container(horizontal=True, horizontal_alignment="right", key="tc_language_bar"):
        choice = st.selectbox(
            t.gettext("Language"),
            codes,
            index=codes.index(t.locale),
            format_func=lambda code: i18n.NAMES[code],
            key=switcher_key(t.locale),
            label_visibility="collapsed",
            width=150,
        )
    if choice != t.locale:
        set_params(**{**ctx.params, "lang": choice})
        st.rerun()
