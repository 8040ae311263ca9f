"""Giving memory back to the system between requests, so a long-running Space stays small.

An explanation allocates a few hundred MB of activations for its backward passes
and frees them at the end; glibc keeps freed memory in per-thread arenas instead
of returning it, so after a burst of requests from Gradio's worker threads the
server held 2.6 GiB with nothing to do (``benchmarks/app_load.py``). Two
arenas, and a ``malloc_trim`` after each request (``app.handler``), bound that.
Elsewhere than glibc (macOS, musl) these do nothing.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import functools

_M_ARENA_MAX = -8  # mallopt's parameter number, from glibc's malloc.h


def _glibc():
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        return libc if hasattr(libc, "malloc_trim") and hasattr(libc, "mallopt") else None
    except OSError:
        return None


_LIBC = _glibc()


def limit_arenas(arenas: int = 2) -> None:
    """At most ``arenas`` malloc arenas for threads created from now on (call before the server starts)."""
    if _LIBC is not None:
        _LIBC.mallopt(_M_ARENA_MAX, arenas)


def release_freed_memory() -> None:
    """Return the heap's free pages to the system."""
    if _LIBC is not None:
        _LIBC.malloc_trim(0)


def releasing_memory(handler):
    """Wrap a Gradio handler so the memory it freed goes back to the system when it returns."""
    @functools.wraps(handler)
    def wrapped(*args, **kwargs):
        try:
            return handler(*args, **kwargs)
        finally:
            release_freed_memory()
    return wrapped
