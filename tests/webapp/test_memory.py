"""Memory given back after each request (webapp/memory.py)."""
import platform

import pytest

from webapp import memory


@pytest.fixture
def releases(monkeypatch):
    calls = []
    monkeypatch.setattr(memory, "release_freed_memory", lambda: calls.append("trim"))
    return calls


def test_memory_is_released_after_a_handler_returns(releases):
    wrapped = memory.releasing_memory(lambda x: x + 1)
    assert wrapped(1) == 2 and releases == ["trim"]


def test_memory_is_released_after_a_handler_fails(releases):
    def handler():
        raise ValueError("bad input")

    with pytest.raises(ValueError, match="bad input"):
        memory.releasing_memory(handler)()
    assert releases == ["trim"]


class _Library:
    """A C library with only the functions named, as ctypes.CDLL shows it."""

    def __init__(self, *functions):
        for name in functions:
            setattr(self, name, lambda *args, name=name: pytest.fail(f"{name} called"))


@pytest.mark.parametrize("found, expected", [
    (OSError("libc.so.6: cannot open shared object file"), None),  # no C library by that name
    (_Library("mallopt"), None),                                  # musl, macOS: no malloc_trim
    (_Library("malloc_trim"), None),
])
def test_only_a_c_library_with_both_calls_is_used(monkeypatch, found, expected):
    def load(name):
        if isinstance(found, Exception):
            raise found
        return found

    monkeypatch.setattr(memory.ctypes, "CDLL", load)
    assert memory._glibc() is expected


def test_glibc_is_found_where_it_is_the_c_library(monkeypatch):
    glibc = _Library("mallopt", "malloc_trim")
    monkeypatch.setattr(memory.ctypes, "CDLL", lambda name: glibc)
    assert memory._glibc() is glibc
    if platform.libc_ver()[0] == "glibc":  # this machine's own: the app really trims here
        assert memory._LIBC is not None and memory._LIBC._name


def test_without_glibc_a_wrapped_handler_still_runs_and_nothing_is_called(monkeypatch):
    monkeypatch.setattr(memory, "_LIBC", None)
    memory.limit_arenas()
    memory.release_freed_memory()
    assert memory.releasing_memory(lambda x: x * 2)(21) == 42


def test_with_glibc_the_calls_reach_it(monkeypatch):
    calls = []

    class Libc:
        def mallopt(self, parameter, value):
            calls.append(("mallopt", parameter, value))

        def malloc_trim(self, pad):
            calls.append(("malloc_trim", pad))

    monkeypatch.setattr(memory, "_LIBC", Libc())
    memory.limit_arenas(3)
    memory.release_freed_memory()
    assert calls == [("mallopt", -8, 3), ("malloc_trim", 0)]  # -8: M_ARENA_MAX in glibc's malloc.h
