"""The server's settings from its environment, checked together (no Streamlit).

``problems`` lists, in words, every setting that is not valid. ``app.py`` asks on every full run and a server
with one serves no page until it is fixed: a typo in ``TRUSTCORE_TRUSTED_PROXIES`` or a rate limit used to
surface only at the first join or survey answer, mid-workshop, as an error type; and a wrong
``TRUSTCORE_CREATE`` must never fall back to letting everyone create. The README's configuration table
describes each setting.
"""

from __future__ import annotations

from collections.abc import Callable

from . import limits, signin
from .errors import InvalidInput
from .store.sessions import retention_days_from_env

CHECKS: tuple[Callable[[], object], ...] = (
    limits.trusted_proxies,
    signin.rule_from_env,
    retention_days_from_env,
    lambda: limits.setting(limits.JOINS_VARIABLE, limits.JOINS_DEFAULT),
    lambda: limits.setting(limits.SURVEY_VARIABLE, limits.SURVEY_DEFAULT),
)


def problems() -> list[str]:
    """What is wrong with the environment's settings, one message each (none: every setting is valid)."""
    found = []
    for check in CHECKS:
        try:
            check()
        except (ValueError, InvalidInput) as exc:
            found.append(str(exc))
    return found
