"""computed_once: one computation per arguments, however many threads ask at once."""
from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from webapp.shared_cache import computed_once


def test_many_callers_at_once_share_one_computation():
    calls = []

    @computed_once
    def step(n):
        calls.append(n)
        time.sleep(0.2)  # long enough for every other caller to arrive while it runs
        return object()

    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(lambda _: step(3), range(8)))
    assert calls == [3]
    assert all(r is results[0] for r in results)
    assert step.cache_info().currsize == 1


def test_other_arguments_are_not_held_up_by_a_computation_in_progress():
    both_running = threading.Barrier(2, timeout=5)

    @computed_once
    def step(n):
        both_running.wait()  # breaks (an error) unless the two computations run at the same time
        return n

    with ThreadPoolExecutor(2) as pool:
        assert sorted(pool.map(step, (1, 2))) == [1, 2]


def test_a_failure_is_not_kept_and_clearing_forgets_results():
    attempts = []

    @computed_once
    def flaky(n):
        attempts.append(n)
        if len(attempts) == 1:
            raise RuntimeError("the first try fails")
        return n * 10

    with pytest.raises(RuntimeError):
        flaky(4)
    assert flaky(4) == 40 and flaky(4) == 40 and attempts == [4, 4]
    flaky.cache_clear()
    assert flaky.cache_info().currsize == 0
    assert flaky(4) == 40 and attempts == [4, 4, 4]
