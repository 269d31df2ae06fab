"""Links into the app: share, participant, facilitator and survey links for a session.

Every link is ``<base>/?<query>`` with the query built by ``urllib.parse.urlencode``, so codes and
tokens are always encoded correctly. A trailing slash on the base URL is ignored.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from urllib.parse import urlencode, urlsplit

from .errors import InvalidInput
from .i18n import N_

DEFAULT_BASE_URL = "http://localhost:8501"
BASE_URL_ENV = "TRUSTCORE_BASE_URL"


def base_url(option: str | None = None, environ: Mapping[str, str] | None = None) -> str:
    """The app's base URL: ``option`` if given, else ``$TRUSTCORE_BASE_URL``, else the local default.

    The trailing slash is removed. Raises InvalidInput unless it is an absolute http(s) URL without a
    query or fragment (links are built by appending ``/?...``).
    """
    environ = os.environ if environ is None else environ
    url = (option or "").strip() or (environ.get(BASE_URL_ENV) or "").strip() or DEFAULT_BASE_URL
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        raise InvalidInput(
            N_("The base URL {url} must be an http:// or https:// address without '?' or '#', e.g. {example}."),
            url=repr(url),
            example=DEFAULT_BASE_URL,
        )
    return url.rstrip("/")


def _link(base: str, params: dict[str, str]) -> str:
    return f"{str(base).rstrip('/')}/?{urlencode(params)}"


def share_link(base: str, code: str) -> str:
    """The link everyone uses to join the session."""
    return _link(base, {"session": code})


def participant_link(base: str, code: str, token: str, lang: str | None = None) -> str:
    """A participant's personal link back to their own ranking (in their language, ``lang``, if they chose one)."""
    return _link(base, {"session": code, "me": token} | ({"lang": lang} if lang else {}))


def facilitator_link(base: str, code: str, token: str) -> str:
    """The facilitator's link: whoever holds it controls the session."""
    return _link(base, {"session": code, "admin": token})


def survey_link(base: str, code: str, token: str) -> str:
    """A stakeholder's link to the feedback survey."""
    return _link(base, {"session": code, "survey": token})


def presenter_link(base: str, code: str, token: str) -> str:
    """The presenter link, for the projector: it shows what the room may see and controls nothing."""
    return _link(base, {"session": code, "presenter": token})


def workspace_link(base: str, workspace_id: int, token: str) -> str:
    """An organisation workspace's link (``trustcore.workspace``): whoever holds it keeps the organisation's
    ranking, and links sessions to it together with their facilitator link."""
    return _link(base, {"workspace": str(workspace_id), "org": token})


def parse(link: str) -> dict[str, str]:
    """The link parameters (session, me, admin, survey, presenter; workspace, org) in a pasted link; {} when
    there are none."""
    from urllib.parse import parse_qs

    query = urlsplit(str(link).strip()).query
    wanted = ("session", "me", "admin", "survey", "presenter", "workspace", "org")
    return {k: v[-1] for k, v in parse_qs(query).items() if k in wanted and v and v[-1]}
