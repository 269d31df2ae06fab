"""Layout pieces several pages use. User text is always shown as text (escaped or in text elements)."""

from __future__ import annotations

import streamlit as st

from trustcore import links
from trustcore.errors import TrustcoreError
from trustcore.i18n import ENGLISH, Translator
from trustcore.model import Session
from trustcore.text import markdown_escape as esc

from .context import Context, base_url, set_params
from .i18n import translator

# Whoever asks their system for less motion gets none: Streamlit's own transitions and spinners stop
# (drawn on every page by app.py; the sortable's frame has the same rule in ui/ranking.py).
REDUCED_MOTION = """
@media (prefers-reduced-motion: reduce) {
  *, *::before, *::after {
    animation-duration: 0s !important; animation-iteration-count: 1 !important;
    transition-duration: 0s !important; transition-delay: 0s !important; scroll-behavior: auto !important;
  }
}
"""


def calm_motion() -> None:
    """Honour ``prefers-reduced-motion`` on this page (a style element, which takes no space)."""
    st.html(f"<style>{REDUCED_MOTION}</style>")


def session_header(session: Session, *, subtitle: str | None = None, t: Translator = ENGLISH) -> None:
    """The session's title and relationship, as plain text (``t``: the reader's translator)."""
    st.header(esc(session.title), anchor=False)
    parts = []
    if session.our_org or session.partner_org:
        parts.append(f"{esc(session.our_org or '?')} ↔ {esc(session.partner_org or '?')}")
    parts.append(t.gettext("Round {round}", round=session.current_round))
    if subtitle:
        parts.append(esc(subtitle))
    st.caption(" · ".join(parts))
    if session.flows:
        with st.expander(t.gettext("Flows between the organisations")):
            st.text(session.flows)


def link_box(label: str, url: str, *, help: str | None = None) -> None:
    """A link shown as code (Streamlit's copy button sits on it) with a label above."""
    st.markdown(f"**{label}**", help=help)
    st.code(url, language=None, wrap_lines=True)


def leave_session_button(ctx: Context, *, label: str | None = None) -> None:
    """Forget this tab's session and links (nothing is deleted)."""
    label = label or translator(ctx).gettext("Leave this session")
    if st.button(label, key="leave_session", type="tertiary", icon=":material/logout:"):
        st.session_state.pop("my_tokens", None)
        set_params()
        st.rerun()


def show_error(ctx: Context, t: Translator | None = None) -> None:
    """What this tab's link was refused with (``ctx.error``), in the reader's language (``t``, else the tab's)."""
    if not ctx.error:
        return
    t = t or translator(ctx)
    error = ctx.error
    st.error(
        plain(error.translated(t) if isinstance(error, TrustcoreError) else t.gettext(error)), icon=":material/error:"
    )


def plain(message: str) -> str:
    """A message (which may quote user text) made inert for markdown, keeping its line breaks."""
    return "  \n".join(esc(line) for line in str(message).splitlines())


def problem(exc: Exception | str, t: Translator | None = None) -> None:
    """Show a refusal from the core as a clear error, in ``t``'s language (the tab's without one) when the
    message was marked for it (``TrustcoreError.translated``)."""
    t = t or translator()
    st.error(plain(exc.translated(t) if isinstance(exc, TrustcoreError) else str(exc)), icon=":material/error:")


def new_session_links(created: tuple[str, str], t: Translator, *, ready: str) -> None:
    """A session just ``created`` (its code and facilitator token: the create page, a relationship on the
    ecosystem map): ``ready`` said, its share link, and its facilitator link with the warning that it is shown
    only now."""
    code, token = created
    base = base_url()
    st.success(ready, icon=":material/check_circle:")
    link_box(
        t.gettext("Share link for the parties"),
        links.share_link(base, code),
        help=t.gettext("Everyone who should rank opens this link; it lets them join, nothing more."),
    )
    st.warning(
        t.gettext(
            "**Your facilitator link is shown only now.** Keep it private and save it (bookmark it or copy it "
            "somewhere safe): it is the only way to control this session: reveal results, lock rounds, delete it."
        ),
        icon=":material/key:",
    )
    link_box(t.gettext("Facilitator link (private)"), links.facilitator_link(base, code, token))
