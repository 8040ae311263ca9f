"""Memory given back after each request (webapp/memory.py)."""
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


def test_without_glibc_the_calls_do_nothing(monkeypatch):
    monkeypatch.setattr(memory, "_LIBC", None)
    assert memory.limit_arenas() is None and memory.release_freed_memory() is None


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
