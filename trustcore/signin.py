"""Signed-in facilitators: who may create sessions (``TRUSTCORE_CREATE``), and the credential a signed-in
owner opens their session's console with.

Sign-in itself is Streamlit's ``st.login`` (OpenID Connect, configured in ``.streamlit/secrets.toml``);
the pages hand the core the signed-in e-mail address, and the core decides. Participants, stakeholders
and the presenter never sign in: their links stay capabilities.

``SignedIn(email)`` is what a page passes as the "token" when a signed-in user opens a session they own
without its link. It is a ``str`` (so it travels wherever a token does: ``Store.open``, ``View.write``),
but it is never equal to a plain string, so a token read from a URL can never pass for it; only
``Store.identify`` turns it into a holder (the facilitator, when the address owns the session).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

from .errors import InvalidInput, Phrase
from .i18n import ENGLISH, N_, Translator

CREATE_ENV = "TRUSTCORE_CREATE"
OPEN, SIGNED_IN = "open", "signed-in"
EMAIL_MAX = 254
_EMAIL = re.compile(r"^[^@\s,;<>`\"]+@[^@\s,;<>`\"]+\.[^@\s,;<>`\"]+$")  # no backquote: shown in code spans
_DOMAIN = re.compile(r"^@[^@\s,;<>]+\.[^@\s,;<>]+$")


def email_of(text: object) -> str | None:
    """The e-mail address ``text`` holds, trimmed and lower-cased; None if it is not one."""
    if not isinstance(text, str):
        return None
    clean = text.strip().lower()
    return clean if len(clean) <= EMAIL_MAX and _EMAIL.match(clean) else None


def address_of(claims: dict) -> str | None:
    """The signed-in user's address from their ID token's claims (``st.user``): its ``email``, unless the
    provider says it is not verified (``email_verified`` false: anyone could have typed it). None when
    nobody is signed in or the token carries no usable address."""
    if claims.get("is_logged_in") is not True or claims.get("email_verified") is False:
        return None
    return email_of(claims.get("email"))


def parse_email(text: str) -> str:
    """An address a person typed (to hand a session over); InvalidInput, in words, if it is not one."""
    clean = email_of(text)
    if clean is None:
        raise InvalidInput(N_("Type the e-mail address the co-facilitator signs in with, like name@example.org."))
    return clean


class SignedIn(str):
    """A signed-in user's address, as the credential for the sessions they own (see the module's
    docstring). Equal only to another ``SignedIn`` of the same address, never to a URL's token."""

    __slots__ = ()

    def __new__(cls, email: str) -> SignedIn:
        clean = email_of(email)
        if clean is None:
            raise ValueError("SignedIn needs an e-mail address")
        return super().__new__(cls, clean)

    @property
    def email(self) -> str:
        return str.__str__(self)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, SignedIn) and str.__eq__(self, other)

    def __ne__(self, other: object) -> bool:
        return not self.__eq__(other)

    def __hash__(self) -> int:
        return hash(("signed-in", str.__str__(self)))

    def __repr__(self) -> str:
        return f"SignedIn({str.__str__(self)!r})"


@dataclass(frozen=True)
class CreateRule:
    """Who may create sessions: everyone (``open``), any signed-in user (``signed-in``), or the listed
    addresses and ``@domain``s."""

    mode: str  # OPEN, SIGNED_IN or "list"
    addresses: frozenset[str] = frozenset()
    domains: frozenset[str] = frozenset()  # "@example.org"


def parse_rule(text: str | None) -> CreateRule:
    """``TRUSTCORE_CREATE``'s value as a rule; unset or empty is ``open`` (the laptop in the room).
    ValueError, naming the entry, for anything else than ``open``, ``signed-in`` or a list of addresses
    and ``@domain`` entries (a typo must not open the server to everyone)."""
    value = (text or "").strip()
    if value.lower() in ("", OPEN):
        return CreateRule(OPEN)
    if value.lower() == SIGNED_IN:
        return CreateRule(SIGNED_IN)
    addresses, domains = set(), set()
    for entry in (e.strip().lower() for e in value.split(",")):
        if not entry:
            continue
        if _DOMAIN.match(entry):
            domains.add(entry)
        elif email_of(entry):
            addresses.add(entry)
        else:
            raise ValueError(
                f"{CREATE_ENV}: {entry!r} is neither an e-mail address nor an @domain "
                "(use open, signed-in, or a comma-separated list like ana@example.org,@example.net)"
            )
    if not addresses and not domains:
        raise ValueError(f"{CREATE_ENV} lists nobody: use open, signed-in, or addresses and @domains")
    return CreateRule("list", frozenset(addresses), frozenset(domains))


def rule_from_env() -> CreateRule:
    return parse_rule(os.environ.get(CREATE_ENV))


@dataclass(frozen=True)
class CreateDecision:
    allowed: bool
    why: str = ""  # for a refusal: why, in words for people (a Phrase: ``worded(t)`` says it in theirs)
    sign_in_helps: bool = False  # a refusal that signing in (with the right account) may lift

    def worded(self, t: Translator = ENGLISH) -> str:
        """``why`` in ``t``'s language (a ``Phrase``; anything else as it is)."""
        return self.why.translated(t) if isinstance(self.why, Phrase) else self.why


NEEDS_SIGN_IN = N_("Creating sessions on this server is for signed-in facilitators. Sign in to create one.")
NOT_LISTED = N_(
    "Creating sessions on this server is for listed facilitators, and {email} is not one of them. "
    "Ask whoever runs this server to add you, or sign in with another account."
)
LISTED_ONLY = N_(
    "Creating sessions on this server is for listed facilitators. Sign in with the account your "
    "organisation gave you to create one."
)


def may_create(rule: CreateRule, email: str | None) -> CreateDecision:
    """Whether a visitor may create a session: ``email`` is the signed-in user's address, None for a
    visitor who is not signed in (or whose provider gives no address)."""
    if rule.mode == OPEN:
        return CreateDecision(True)
    who = email_of(email)
    if who is None:
        return CreateDecision(
            False, Phrase(NEEDS_SIGN_IN if rule.mode == SIGNED_IN else LISTED_ONLY), sign_in_helps=True
        )
    if rule.mode == SIGNED_IN or who in rule.addresses or "@" + who.rsplit("@", 1)[1] in rule.domains:
        return CreateDecision(True)
    return CreateDecision(False, Phrase(NOT_LISTED, email=who), sign_in_helps=True)


def may_create_here(email: str | None) -> CreateDecision:
    """``may_create`` under this server's ``TRUSTCORE_CREATE``; a setting it does not understand refuses, rather
    than opening creation (``app.py`` already stops every page then: ``trustcore.settings``)."""
    try:
        return may_create(rule_from_env(), email)
    except ValueError as exc:
        return CreateDecision(False, f"This server's setting for who may create is not valid: {exc}")
