"""The event log: who did what, when, in each session (the facilitator reads it; exports carry it)."""

from __future__ import annotations

import json

from .clock import now


def log(db, session_id: int | None, actor: str, action: str, detail: dict) -> None:
    """Append an event inside the caller's write transaction (``actor``: "facilitator", "participant:<id>"...)."""
    db.execute(
        "INSERT INTO events (session_id, at, actor, action, detail) VALUES (?, ?, ?, ?, ?)",
        [session_id, now(), actor, action, json.dumps(detail, ensure_ascii=False)],
    )
