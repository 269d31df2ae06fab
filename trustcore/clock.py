"""The time as stored: ISO 8601 in UTC, to the second."""

from __future__ import annotations

from datetime import datetime, timezone


def now() -> str:
    """The current time as ISO 8601 UTC, to the second (``2026-11-28T14:03:07Z``)."""
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
