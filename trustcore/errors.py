"""Errors the core raises. Each carries a message meant to be shown to a person as it is."""


class TrustcoreError(Exception):
    """Base class: the message is safe and useful to show to the user."""


class InvalidInput(TrustcoreError, ValueError):
    """Something a person typed or uploaded is not acceptable (the message says what and why)."""


class CatalogueError(InvalidInput):
    """An element catalogue file is malformed; ``problems`` lists every problem found."""

    def __init__(self, problems: list[str]):
        self.problems = list(problems)
        super().__init__("The element catalogue has problems:\n- " + "\n- ".join(self.problems))


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
