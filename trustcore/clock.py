"""The time as stored: ISO 8601 in UTC, to the second."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

FORMAT = "%Y-%m-%dT%H:%M:%SZ"


def now() -> str:
    """The current time as ISO 8601 UTC, to the second (``2026-11-28T14:03:07Z``)."""
    return datetime.now(timezone.utc).strftime(FORMAT)


def later(seconds: float, start: str | None = None) -> str:
    """The time ``seconds`` after ``start`` (default: now), in the stored form."""
    base = datetime.strptime(start, FORMAT).replace(tzinfo=timezone.utc) if start else datetime.now(timezone.utc)
    return (base + timedelta(seconds=seconds)).strftime(FORMAT)


def seconds_until(stamp: str) -> int:
    """Whole seconds from now until ``stamp`` (negative once it is past), by this server's clock."""
    moment = datetime.strptime(stamp, FORMAT).replace(tzinfo=timezone.utc)
    return int((moment - datetime.strptime(now(), FORMAT).replace(tzinfo=timezone.utc)).total_seconds())
