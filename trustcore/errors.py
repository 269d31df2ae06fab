"""Errors the core raises. Each carries a message meant to be shown to a person as it is.

A message can be translated where it is shown: raise the error with a marked message (``i18n.N_``) and its
values as named parameters, ``NotAllowedNow(N_("This session is full: it takes at most {cap} participants."),
cap=cap)``. ``str(exc)`` is the English text (logs, the CLI, today's pages); a page shows
``exc.translated(t)`` with the reader's translator (``ui.common.problem(exc, t)``). Every refusal of the core
is raised this way; a parameter that is itself worded (a field's name, a count, a list) is a ``Phrase``,
``Plural``, ``Listing`` or ``Number``, translated with the message (``docs/i18n.md``). A message built as a
finished string (the command line's, the archive importers') has no parameters and is shown as it is.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .i18n import N_

if TYPE_CHECKING:
    from .i18n import Translator


class Phrase(str):
    """A translatable piece handed to an error as a parameter (a field's name, a list of choices, a count):
    its value is the English text, so ``str(exc)`` reads as before, and ``translated(t)`` says it in ``t``'s
    language when the error is shown. ``Phrase(N_("The reason for {element}"), element=name)``."""

    msgid: str
    params: dict[str, object]

    def __new__(cls, message: str, /, **params: object) -> Phrase:
        if isinstance(message, Phrase):
            return message
        made = super().__new__(cls, message.format_map(params) if params else message)
        made.msgid, made.params = message, params
        return made

    def translated(self, t: Translator) -> str:
        return t.gettext(self.msgid, **_translated(params=self.params, t=t))

    def __reduce__(self):  # pickled (a cache, another process) as the same text with the same wording
        return _rebuilt, (type(self), str(self), dict(self.__dict__))


class Plural(Phrase):
    """A counted phrase, made with ``Plural.ngettext("{n} second", "{n} seconds", n)`` (named like
    ``Translator.ngettext`` so that ``pybabel extract`` reads both forms as one plural message)."""

    @classmethod
    def ngettext(cls, singular: str, plural: str, n: int, /, **params: object) -> Plural:
        return cls(singular, plural, n, **params)

    def __new__(cls, singular: str, plural: str, n: int, /, **params: object) -> Plural:
        made = super().__new__(cls, singular if n == 1 else plural, n=n, **params)
        made.singular, made.plural, made.n = singular, plural, n  # type: ignore[attr-defined]
        return made  # type: ignore[return-value]

    def translated(self, t: Translator) -> str:
        params = {key: value for key, value in self.params.items() if key != "n"}
        return t.ngettext(self.singular, self.plural, self.n, **_translated(params=params, t=t))  # type: ignore[attr-defined]


class Number(Phrase):
    """A number grouped for the reader's locale (``10,000`` in English, ``10 000`` in French)."""

    def __new__(cls, value: int | float) -> Number:
        made = super().__new__(cls, f"{value:,}")
        made.value = value  # type: ignore[attr-defined]
        return made  # type: ignore[return-value]

    def translated(self, t: Translator) -> str:
        return t.number(self.value)  # type: ignore[attr-defined]


class Listing(Phrase):
    """Items (each a Phrase or a plain value shown as it is) joined with the locale's list separator, or
    with ``separator``: ``"; "`` is the locale's separator of groups, anything else is kept as it is."""

    def __new__(cls, items, separator: str | None = None) -> Listing:
        items = list(items)
        made = super().__new__(cls, (", " if separator is None else separator).join(map(str, items)))
        made.items, made.separator = items, separator  # type: ignore[attr-defined]
        return made  # type: ignore[return-value]

    def translated(self, t: Translator) -> str:
        separator = self.separator  # type: ignore[attr-defined]
        if separator is None:
            separator = t.pgettext("list separator", ", ")
        elif separator == "; ":
            separator = t.pgettext("list of groups separator", "; ")
        return separator.join(item.translated(t) if isinstance(item, Phrase) else str(item) for item in self.items)  # type: ignore[attr-defined]


def _rebuilt(cls: type[Phrase], text: str, state: dict) -> Phrase:
    made = str.__new__(cls, text)
    made.__dict__.update(state)
    return made


def _translated(*, params: dict[str, object], t: Translator) -> dict[str, object]:
    return {key: value.translated(t) if isinstance(value, Phrase) else value for key, value in params.items()}


class TrustcoreError(Exception):
    """Base class: the message is safe and useful to show to the user.

    ``TrustcoreError(message, **params)``: ``message`` may hold named placeholders (``{cap}``) filled from
    ``params``; ``msgid`` and ``params`` are kept so that ``translated`` can say it in another language. A
    parameter that is itself worded (a field's name, a list, a count) is a ``Phrase``, translated with it."""

    def __init__(self, message: str = "", /, *args: object, **params: object):
        if isinstance(message, Phrase) and not params:  # a worded reason handed on (``CreateDecision.why``)
            phrase: Phrase = message
            if type(phrase) is Phrase:
                message, params = phrase.msgid, phrase.params
            else:  # a count (Plural): the whole message is the phrase
                message, params = "{message}", {"message": phrase}
        self.msgid = message
        self.params = params
        super().__init__(message.format_map(params) if params and isinstance(message, str) else message, *args)

    def translated(self, t: Translator | None = None) -> str:
        """The message in ``t``'s language (English, as ``str(exc)``, without one or when the message is not a
        marked msgid)."""
        if t is None or not isinstance(self.msgid, str) or self.args[:1] != (self._english(),):
            return str(self)
        return t.gettext(self.msgid, **_translated(params=self.params, t=t))

    def _english(self) -> str:
        return self.msgid.format_map(self.params) if self.params else self.msgid


class InvalidInput(TrustcoreError, ValueError):
    """Something a person typed or uploaded is not acceptable (the message says what and why)."""


class CatalogueError(InvalidInput):
    """An element catalogue file is malformed; ``problems`` lists every problem found."""

    HEADER = N_("The element catalogue has problems:")

    def __init__(self, problems: list[str]):
        self.problems = list(problems)  # each a Phrase (a plain string is shown as it is)
        super().__init__(self.HEADER + "\n- " + "\n- ".join(self.problems))

    def translated(self, t: Translator | None = None) -> str:
        """The header and each problem in ``t``'s language."""
        if t is None:
            return str(self)
        problems = (p.translated(t) if isinstance(p, Phrase) else p for p in self.problems)
        return t.gettext(self.HEADER) + "\n- " + "\n- ".join(problems)


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

    def __init__(self, message: str, current=None, **params: object):
        self.current = current
        super().__init__(message, **params)
