"""Values shared by every tab of this process, computed once per key (``cachetools``, single flight).

When the facilitator reveals, a hundred tabs ask for the same results within a few milliseconds: the first
computes them and the others wait for that value instead of computing it again (cachetools' ``condition``).
A hit is a dictionary lookup under a lock (a few microseconds), where ``st.cache_resource`` inspected the
function's signature and hashed every argument on each call (100-300 microseconds; five calls on every
comparison rerun, ``benchmarks/README.md``). The key is the function's arguments in the order of its
parameters, whether given by position or by name, defaults filled in (the signature is read once, when the
function is decorated), less those named in ``ignore`` (a token that must not count). Callers pass plain
hashable values (a session code, a change marker) and the process's ``Store``. Values are shared, not
copied: everything cached is immutable. A failure is not kept: the next caller computes again. One
difference from ``st.cache_resource``: a run waiting for another's computation does not notice meanwhile
that its tab asked to stop or rerun; it goes on once the value is there (the longest computation, a
round's charts, takes a few hundred milliseconds).
"""

from __future__ import annotations

import inspect
import threading
from collections.abc import Callable, Collection

import cachetools


def shared(maxsize: int = 256, ignore: Collection[str] = ()):
    """Decorator: memoise in a process-wide LRU cache of ``maxsize`` entries, one computation per key."""

    def decorate(func):
        lock = threading.Lock()
        memo = cachetools.cached(
            cachetools.LRUCache(maxsize),
            key=_key_by_parameter(func, ignore),
            lock=lock,
            condition=threading.Condition(lock),
        )
        return memo(func)

    return decorate


def _key_by_parameter(func, ignore: Collection[str]) -> Callable[..., tuple]:
    parameters = list(inspect.signature(func).parameters.values())
    names = [p.name for p in parameters]
    defaults = {p.name: p.default for p in parameters}
    kept = [i for i, name in enumerate(names) if name not in ignore]

    def key(*args, **kwargs) -> tuple:
        values = args + tuple(kwargs[name] if name in kwargs else defaults[name] for name in names[len(args) :])
        return tuple(values[i] for i in kept)

    return key
