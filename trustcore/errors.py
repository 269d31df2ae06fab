"""Errors the core raises. Each carries a message meant to be shown to a person as it is.

A message can be translated where it is shown: raise the error with a marked message (``i18n.N_``) and its
values as named parameters, ``NotAllowedNow(N_("This session is full: it takes at most {cap} participants."),
cap=cap)``. ``str(exc)`` is the English text (logs, the CLI, today's pages); a page shows
``exc.translated(t)`` with the reader's translator (``ui.common.problem(exc, t)``). A message built as a
finished string (an f-string, as most still are) has no parameters and is shown as it is, in English, until it
is rewritten this way (``docs/i18n.md``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .i18n import N_

if TYPE_CHECKING:
    from .i18n import Translator


class TrustcoreError(Exception):
    """Base class: the message is safe and useful to show to the user.

    ``TrustcoreError(message, **params)``: ``message`` may hold named placeholders (``{cap}``) filled from
    ``params``; ``msgid`` and ``params`` are kept so that ``translated`` can say it in another language."""

    def __init__(self, message: str = "", /, *args: object, **params: object):
        self.msgid = message
        self.params = params
        super().__init__(message.format_map(params) if params and isinstance(message, str) else message, *args)

    def translated(self, t: Translator | None = None) -> str:
        """The message in ``t``'s language (English, as ``str(exc)``, without one or when the message is not a
        marked msgid)."""
        if t is None or not isinstance(self.msgid, str) or self.args[:1] != (self._english(),):
            return str(self)
        return t.gettext(self.msgid, **self.params)

    def _english(self) -> str:
        return self.msgid.format_map(self.params) if self.params else self.msgid


class InvalidInput(TrustcoreError, ValueError):
    """Something a person typed or uploaded is not acceptable (the message says what and why)."""


class CatalogueError(InvalidInput):
    """An element catalogue file is malformed; ``problems`` lists every problem found."""

    HEADER = N_("The element catalogue has problems:")

    def __init__(self, problems: list[str]):
        self.problems = list(problems)
        super().__init__(self.HEADER + "\n- " + "\n- ".join(self.problems))

    def translated(self, t: Translator | None = None) -> str:
        """The header in ``t``'s language; each problem as the parser wrote it (English, for now)."""
        if t is None:
            return str(self)
        return t.gettext(self.HEADER) + "\n- " + "\n- ".join(self.problems)


class NotFound(TrustcoreError, LookupError):
    """No such session (or it was deleted)."""


class AccessDenied(TrustcoreError, PermissionError):
    """The link or token does not grant this action. Never says whether the session exists."""


class LinkRemoved(AccessDenied):
    """A personal link the facilitator removed from its session (it says so, instead of looking mistyped)."""


class NotAllowedNow(TrustcoreError):
    """The action is valid in general but not in the session's current phase (e.g. the round is locked)."""


class RoundChanged(NotAllowedNow):
    """A write made on one round's page reached the session once another round was current (the page's
    round is no longer the one the write would land in): nothing was stored."""


class EditConflict(TrustcoreError):
    """Someone else saved a newer version of the record; ``current`` holds it."""

    def __init__(self, message: str, current=None):
        self.current = current
        super().__init__(message)
