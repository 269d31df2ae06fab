"""Values shared by every tab of this process, computed once per key (``cachetools``, single flight).

When the facilitator reveals, a hundred tabs ask for the same results within a few milliseconds: the first
computes them and the others wait for that value instead of computing it again (cachetools' ``condition``).
A hit is a dictionary lookup under a lock (a few microseconds), where ``st.cache_resource`` inspected the
function's signature and hashed every argument on each call (100-300 microseconds; five calls on every
comparison rerun, ``benchmarks/README.md``). Keys are the arguments as given, so callers pass plain hashable
values (a session code, a change marker) and the process's ``Store``; ``key`` leaves out any that must not
count (a token). Values are shared, not copied: everything cached is immutable. A failure is not kept: the
next caller computes again. One difference from ``st.cache_resource``: a run waiting for another's
computation does not notice meanwhile that its tab asked to stop or rerun; it goes on once the value is
there (the longest computation, a round's charts, takes a few hundred milliseconds).
"""

from __future__ import annotations

import threading
from collections.abc import Callable

import cachetools
import cachetools.keys


def shared(maxsize: int = 256, key: Callable[..., tuple] = cachetools.keys.hashkey):
    """Decorator: memoise in a process-wide LRU cache of ``maxsize`` entries, one computation per key."""

    def decorate(func):
        lock = threading.Lock()
        return cachetools.cached(cachetools.LRUCache(maxsize), key=key, lock=lock, condition=threading.Condition(lock))(
            func
        )

    return decorate
