"""Signing in and out with Streamlit's own ``st.login`` (OpenID Connect, configured in the ``[auth]``
section of ``.streamlit/secrets.toml``), and who this browser is signed in as.

Only facilitators sign in; the core decides what that allows (``trustcore.signin``, ``trustcore.owners``).
``st.user`` is built from the identity provider's ID token: its ``email`` claim is the address a session's
owner is recorded by.
"""

from __future__ import annotations

import streamlit as st

from trustcore import signin
from trustcore.text import markdown_escape as esc


def translator():
    """The tab's translator (``ui.i18n``, imported here when drawn: ``ui.context`` imports this module)."""
    from .i18n import translator as tab_translator

    return tab_translator()


def configured() -> bool:
    """Whether this server has sign-in (an ``[auth]`` section in its secrets)."""
    try:
        return "auth" in st.secrets
    except Exception:  # no secrets file at all (Streamlit raises its own "not found" error)
        return False


def email() -> str | None:
    """The signed-in user's e-mail address (lower-cased), None when nobody is signed in here."""
    return signin.address_of(st.user.to_dict())


def without_address() -> bool:
    """Signed in, but the provider gave no (verified) e-mail address: this user cannot own sessions."""
    return st.user.get("is_logged_in") is True and email() is None


def user() -> signin.SignedIn | None:
    """The credential a signed-in owner opens their sessions with (``Store.open(code, user())``)."""
    address = email()
    return signin.SignedIn(address) if address else None


def sign_in_button(*, key: str = "sign_in", primary: bool = True) -> None:
    """Sign in (only where this server has sign-in configured; otherwise says so), in the tab's language."""
    t = translator()
    if not configured():
        st.info(
            t.gettext(
                "This server has no sign-in configured: whoever runs it sets it up in {file}.",
                file="`.streamlit/secrets.toml`",
            ),
            icon=":material/info:",
        )
        return
    st.button(
        t.gettext("Sign in"),
        key=key,
        type="primary" if primary else "secondary",
        icon=":material/login:",
        on_click=st.login,
    )


def signed_in_bar(*, key: str = "sign_out") -> None:
    """Who is signed in, with a sign-out button (nothing when nobody is), in the tab's language."""
    t = translator()
    if without_address():
        st.warning(
            t.gettext(
                "You are signed in, but your identity provider gave no verified e-mail address, which trustcore "
                "knows facilitators by. Ask whoever runs this server to have the provider send the {claim} claim.",
                claim="`email`",
            ),
            icon=":material/warning:",
        )
        st.button(t.gettext("Sign out"), key=key, type="tertiary", icon=":material/logout:", on_click=st.logout)
        return
    address = email()
    if address is None:
        return
    left, right = st.columns([4, 1], vertical_alignment="center")
    # a word joiner after the @: no mailto link (one in a caption is too faint to read, WCAG 1.4.3)
    left.caption(t.gettext("Signed in as {address}", address=esc(address).replace("@", "@\u2060")))
    right.button(t.gettext("Sign out"), key=key, type="tertiary", icon=":material/logout:", on_click=st.logout)
