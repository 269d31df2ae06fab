"""Storage of sessions in SQLite: every read and write a page or the CLI makes goes through ``Store``.

Rights are capabilities. Each method that changes a session takes the token that grants the change
(the facilitator token, or the participant's own token) and checks it here, so no page can forget to.
Each method is one unit of work on its own connection; writes that touch several rows run under
``BEGIN IMMEDIATE`` (see ``db.write``).
"""

from __future__ import annotations

from .. import db as dbmod  # noqa: F401  (tests patch ``trustcore.store.dbmod.write``)
from .rankings import Rankings
from .rows import (
    DENIED,
    EXPIRED,
    JOINING_CLOSED,
    REMOVED,
    RETENTION_ENV,
    SESSION_FULL,
    UNKNOWN_CODE,
    check_round,
    participant_count,
    query_rankings,
)
from .sessions import retention_days_from_env

__all__ = [
    "DENIED",
    "EXPIRED",
    "JOINING_CLOSED",
    "REMOVED",
    "RETENTION_ENV",
    "SESSION_FULL",
    "UNKNOWN_CODE",
    "Store",
    "check_round",
    "participant_count",
    "query_rankings",
    "retention_days_from_env",
]


class Store(Rankings):
    """The session store on one database: a SQLite file or a PostgreSQL URL (``path``; see ``trustcore.db``).
    Cheap to create; holds only the target.

    One class over the store's parts, each in a module of its own: ``sessions``, ``access`` (the one place a
    token becomes its holder), ``rounds``, ``participants`` and ``rankings``; ``rows`` holds what they share.
    """
