"""Means and shares with their 95% intervals: the per-part pushes of the robustness report, accuracies."""
from __future__ import annotations

import math

from scipy import stats


def mean_interval(values: list[float], confidence: float = 0.95) -> dict:
    """``n``, ``mean`` and the ``low``/``high`` ends of Student's t interval for the mean (None where n < 2:
    one case gives no spread), rounded to 4 decimals; ``mean`` None for no values at all."""
    n = len(values)
    if n == 0:
        return {"n": 0, "mean": None, "low": None, "high": None}
    mean = sum(values) / n
    if n < 2:
        return {"n": 1, "mean": round(mean, 4), "low": None, "high": None}
    sd = math.sqrt(sum((v - mean) ** 2 for v in values) / (n - 1))
    half = float(stats.t.ppf(0.5 + confidence / 2, n - 1)) * sd / math.sqrt(n)
    return {"n": n, "mean": round(mean, 4), "low": round(mean - half, 4), "high": round(mean + half, 4)}


def proportion_interval(successes: int, n: int, confidence: float = 0.95) -> dict:
    """``n``, ``mean`` (the share of successes) and the ``low``/``high`` ends of its Wilson score interval,
    which stays within [0, 1] where a t interval would not (accuracy near 1), rounded to 4 decimals."""
    if n == 0:
        return {"n": 0, "mean": None, "low": None, "high": None}
    interval = stats.binomtest(int(successes), int(n)).proportion_ci(confidence, method="wilson")
    return {"n": int(n), "mean": round(successes / n, 4), "low": round(float(interval.low), 4),
            "high": round(float(interval.high), 4)}


def paired_difference(before: dict, after: dict, part: str) -> dict:
    """``after`` minus ``before`` on the cases that both have a ``part`` value for, as ``mean_interval``.

    ``before``, ``after``: the ``cases`` entries of one capability in two checkpoints' reports (the same
    cases in the same order: one behavioural case set, one CAD file), each with ``values``, one dict of
    part -> value (or None) per case.
    """
    if len(before["values"]) != len(after["values"]):
        raise ValueError(f"the two reports scored different case sets ({len(before['values'])} and "
                         f"{len(after['values'])} cases)")
    differences = [b[part] - a[part] for a, b in zip(before["values"], after["values"])
                   if a and b and a.get(part) is not None and b.get(part) is not None]
    return mean_interval(differences)
