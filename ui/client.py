"""The client a tab speaks for, as the rate limits (``trustcore.limits``) key it: Streamlit's peer address of
the tab's connection and the ``X-Forwarded-For`` headers of its first request, resolved by the core
(``limits.client_address``, with ``TRUSTCORE_TRUSTED_PROXIES``)."""

from __future__ import annotations

import streamlit as st

from trustcore import limits


def address() -> str:
    """This tab's client (``st.context.ip_address`` is None for loopback, which the core reads as such; under
    AppTest, which has no connection, anything but text counts as loopback too)."""
    peer = st.context.ip_address
    forwarded = [v for v in st.context.headers.get_all("X-Forwarded-For") if isinstance(v, str)]
    return limits.client_address(peer if isinstance(peer, str) else None, forwarded, limits.trusted_proxies())
