"""The limits that hold before the work is done: how much one session may hold, and how fast one client may
join or answer a survey. README's "Limits" section lists them; change them here.

Quotas (per session) are checked inside the write transaction that would add the record, before anything is
written, so two writers racing for the last place cannot both pass (every writer is serialised:
``db.write``). Each is far above what a real workshop reaches and stops a script that adds records in a loop.

The rate limits (per client, per server process) are checked before a join or a survey answer does any work.
The client is the peer address of the connection, or, when that peer is a trusted proxy
(``TRUSTCORE_TRUSTED_PROXIES``), the address that proxy says it forwarded for (``X-Forwarded-For``), read from
the right so that addresses a client wrote itself are never believed. Pages pass the headers and the peer in
(``client_address``); the logic here is plain Python.
"""

from __future__ import annotations

import collections
import ipaddress
import math
import os
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from .errors import NotAllowedNow, Number, Plural
from .i18n import N_

# ---------------------------------------------------------------------------------------------- quotas


@dataclass
class Quota:
    """At most ``limit`` records of one kind in one session; ``message`` says so to the person refused."""

    limit: int
    message: str  # an N_() msgid, formatted with {limit}

    def check(self, held: int) -> None:
        """NotAllowedNow (nothing written) when the session already holds ``held`` >= ``limit`` records."""
        if held >= self.limit:
            raise NotAllowedNow(self.message, limit=Number(self.limit))

    def check_count(self, db, sql: str, args: Iterable) -> None:
        """``check`` with the count that ``sql`` (a ``SELECT COUNT(*) AS n ...``) reads inside the transaction."""
        row = next(iter(db.query(sql, list(args))))
        self.check(int(row["n"]))


# A workshop agrees a few steps per element: 10 elements, 2 to 4 parties, 1 to 3 steps each is at most ~100;
# the page draws a form for each step, so thousands would make it unusable.
NEXT_STEPS = Quota(
    200,
    N_(
        "This session already holds {limit} next steps, the most it can hold: delete one that is no longer needed "
        "(or merge two) before adding another."
    ),
)

# Stakeholders answer once each; a relationship has tens of them. Each submission is at most one answer per
# element and one overall (31 for the largest catalogue), each with one comment of at most 2,000 characters
# (``followup.survey.COMMENT_MAX``), so a submission is bounded already; this bounds how many there are.
SURVEY_RESPONSES = Quota(
    500,
    N_(
        "This survey has already received {limit} responses, the most one session can hold: your answers were "
        "not stored. Please tell the facilitator who sent you the link."
    ),
)

# Every saved ranking is kept (a resubmission keeps the one it replaces, in the history), each with its
# reasons (one per element, at most 280 characters each: ``reasons.REASON_MAX``). A room of 200 over five
# rounds, resubmitting twice a round, saves 2,000; a script resubmitting in a loop is stopped at 10,000.
RANKINGS = Quota(
    10_000,
    N_(
        "This session already holds {limit} saved rankings with their reasons, the most it can hold: your ranking "
        "was not saved. Please tell the facilitator (removing a participant removes their saved rankings)."
    ),
)


# An organisation's data ecosystem map (Activity 4, per workspace) is read on a projector: a few to twenty
# actors and a few dozen flows. The diagram places every actor on one circle, so more would not be readable.
ECOSYSTEM_ACTORS = Quota(
    40,
    N_(
        "This ecosystem map already has {limit} actors, the most a map can hold and stay readable: remove one "
        "before adding another."
    ),
)
ECOSYSTEM_FLOWS = Quota(
    150,
    N_(
        "This ecosystem map already has {limit} flows, the most a map can hold and stay readable: remove one "
        "(or describe two in one label) before adding another."
    ),
)

# ---------------------------------------------------------------------------------------------- rates


class RateLimited(NotAllowedNow):
    """Too many joins or survey answers from one client lately: nothing was done; try again later."""


class SlidingWindow:
    """At most ``limit`` events per key in any ``window`` seconds (a sliding window of the events admitted).

    ``admit(key)`` records an event for ``key``, or raises RateLimited (recording nothing) when ``key``
    already has ``limit`` events in the last ``window`` seconds. Thread-safe; keys with no event in the window
    are forgotten, so memory stays bounded by the clients active in the last window (and ``max_keys``)."""

    def __init__(
        self,
        limit: int,
        window: float,
        message: str,
        *,
        clock: Callable[[], float] = time.monotonic,
        max_keys: int = 100_000,
    ):
        self.limit, self.window, self.message = limit, window, message
        self.clock = clock
        self.max_keys = max_keys
        self._events: dict[str, collections.deque[float]] = {}
        self._lock = threading.Lock()

    def admit(self, key: str) -> None:
        with self._lock:
            now = self.clock()
            start = now - self.window
            times = self._events.get(key)
            if times is None:
                if len(self._events) >= self.max_keys:
                    self._forget_idle(start)
                times = self._events[key] = collections.deque()
            while times and times[0] <= start:
                times.popleft()
            if len(times) >= self.limit:
                wait = max(1, math.ceil(times[0] + self.window - now))
                raise RateLimited(self.message, limit=self.limit, wait=_seconds(wait))
            times.append(now)

    def _forget_idle(self, start: float) -> None:
        for key in [k for k, times in self._events.items() if not times or times[-1] <= start]:
            del self._events[key]
        while len(self._events) >= self.max_keys:  # every key is active: drop the oldest-seen
            del self._events[next(iter(self._events))]

    def clear(self) -> None:
        with self._lock:
            self._events.clear()


def _seconds(n: int) -> Plural:
    if n < 120:
        return Plural.ngettext("{n} second", "{n} seconds", n)
    return Plural.ngettext("{n} minute", "{n} minutes", math.ceil(n / 60))


def setting(variable: str, default: int) -> int:
    """A positive whole number from the environment (``default`` when unset); ValueError names a bad one."""
    text = os.environ.get(variable, "").strip()
    if not text:
        return default
    if not text.isdigit() or int(text) < 1:
        raise ValueError(f"{variable} must be a whole number of 1 or more, not {text!r}")
    return int(text)


def _setting_at_start(variable: str, default: int) -> int:
    """``setting``, or ``default`` when the setting is not valid: importing this module never fails, and a
    server with a bad setting serves no page at all (``trustcore.settings.problems``, checked by ``app.py``)."""
    try:
        return setting(variable, default)
    except ValueError:
        return default


JOINS_VARIABLE = "TRUSTCORE_JOINS_PER_MINUTE"
SURVEY_VARIABLE = "TRUSTCORE_SURVEY_RESPONSES_PER_HOUR"
JOINS_DEFAULT, SURVEY_DEFAULT = 120, 60
# A room on the venue's wifi joins from one public address: 120 joins a minute lets a room of a hundred or
# more join at once, and slows a script to two a second (the session's cap on participants bounds the rest).
JOINS = SlidingWindow(
    _setting_at_start(JOINS_VARIABLE, JOINS_DEFAULT),
    60,
    N_(
        "Too many people have joined from your network in the last minute ({limit}, the most one address may "
        "add). Please try again in {wait}."
    ),
)
# Stakeholders answer from their own organisations, a few at a time; a script sending answers in a loop is
# held to one a minute on average.
SURVEY_ANSWERS = SlidingWindow(
    _setting_at_start(SURVEY_VARIABLE, SURVEY_DEFAULT),
    3600,
    N_(
        "Too many survey responses have come from your network in the last hour ({limit}, the most one address "
        "may send). Please try again in {wait}; your answers are still on the page."
    ),
)


# ---------------------------------------------------------------------------------------------- the client

TRUSTED_PROXIES_VARIABLE = "TRUSTCORE_TRUSTED_PROXIES"
DEFAULT_TRUSTED_PROXIES = "127.0.0.0/8,::1"  # nginx on the same machine, as deploy/nginx-trustcore.conf
Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address


def trusted_proxies(setting: str | None = None) -> tuple[Network, ...]:
    """The networks whose ``X-Forwarded-For`` is believed: ``setting`` (default: the environment's
    ``TRUSTCORE_TRUSTED_PROXIES``, else loopback), comma-separated addresses or networks; "none" trusts
    nobody. ValueError names an entry that is neither."""
    if setting is None:
        setting = os.environ.get(TRUSTED_PROXIES_VARIABLE, DEFAULT_TRUSTED_PROXIES)
    entries = [e.strip() for e in setting.split(",") if e.strip()]
    if [e.lower() for e in entries] == ["none"]:
        return ()
    out = []
    for entry in entries:
        try:
            out.append(ipaddress.ip_network(entry, strict=False))
        except ValueError:
            raise ValueError(f"{TRUSTED_PROXIES_VARIABLE}: {entry!r} is not an address or a network") from None
    return tuple(out)


def _address(text: str) -> Address | None:
    text = text.strip()
    if text.startswith("[") and "]" in text:  # [v6]:port
        text = text[1 : text.index("]")]
    elif text.count(":") == 1:  # v4:port
        text = text.split(":", 1)[0]
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def _trusted(address: Address, proxies: Iterable[Network]) -> bool:
    return any(address.version == net.version and address in net for net in proxies)


def _key(address: Address) -> str:
    """An IPv6 client is its /64 (one subscriber's usual allocation, which it can change at will)."""
    if isinstance(address, ipaddress.IPv6Address):
        return str(ipaddress.IPv6Network((address, 64), strict=False))
    return str(address)


def client_address(
    peer: str | None, forwarded_for: Iterable[str] = (), proxies: Iterable[Network] | None = None
) -> str:
    """The client a request comes from, as a rate-limit key.

    ``peer`` is the connection's address (None: loopback, as ``st.context.ip_address`` says it);
    ``forwarded_for`` the ``X-Forwarded-For`` header values, in order. Only when the peer is a trusted proxy
    is the header read, from its right end (what the nearest proxy appended) leftwards, past every trusted
    proxy, to the first address that is not one: a client that sends its own ``X-Forwarded-For`` only adds
    addresses to the left of its real one, which is never passed over. An untrusted peer is the client
    whatever its header says. An IPv6 client is keyed by its /64."""
    proxies = trusted_proxies() if proxies is None else tuple(proxies)
    current = _address(peer) if peer else ipaddress.ip_address("127.0.0.1")
    if current is None:
        return str(peer)
    if not _trusted(current, proxies):
        return _key(current)
    hops = [hop for value in forwarded_for for hop in str(value).split(",") if hop.strip()]
    for hop in reversed(hops):
        address = _address(hop)
        if address is None:  # a trusted proxy forwarded something that is not an address: stop at that proxy
            break
        current = address
        if not _trusted(address, proxies):
            break
    return _key(current)
