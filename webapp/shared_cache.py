"""Results computed once per process and shared by every visitor, however many ask at the same moment.

``functools.lru_cache`` is safe to call from many threads but not single-flight: when fifty students
open the same lesson step in the same second, every request that misses the cache computes the step
itself (fifty explanations queued on two cores). ``computed_once`` lets the first request for given
arguments compute while the others for the same arguments wait for its result; requests for other
arguments are not held up. A failure is not kept: the next request tries again.
"""
from __future__ import annotations

import functools
import threading
from collections import namedtuple

CacheInfo = namedtuple("CacheInfo", "currsize")
_MISSING = object()  # not None: None may be a result


def computed_once(function):
    """``function`` with its results kept per (hashable) positional arguments, each computed by one thread.

    The cache is unbounded: use it where the arguments come from a small known set (checkpoint names
    checked against the list, step numbers), never on free text. ``cache_clear()`` and
    ``cache_info().currsize`` work as on ``functools.lru_cache``.
    """
    results: dict = {}
    locks: dict = {}
    guard = threading.Lock()

    @functools.wraps(function)
    def wrapper(*args):
        found = results.get(args, _MISSING)  # one read: a cache_clear() in between cannot make it fail
        if found is not _MISSING:
            return found
        with guard:
            lock = locks.setdefault(args, threading.Lock())
        with lock:  # the first caller computes; the others for these arguments wait here, then read its result
            found = results.get(args, _MISSING)
            if found is _MISSING:
                found = results[args] = function(*args)
            return found

    def cache_clear() -> None:
        with guard:
            results.clear()
            locks.clear()

    wrapper.cache_clear = cache_clear
    wrapper.cache_info = lambda: CacheInfo(len(results))
    return wrapper
