"""How many tokens a checkpoint reads per review at inference, chosen on its own validation reviews.

A checkpoint trained on 256 tokens (head + tail) can read more with the same
weights: the middle of a long review, unread at 256, may hold the verdict. The
choice is made on the validation part the checkpoint was trained beside, never
on the test split, which is then measured once at the chosen length
(``python -m sentiment read-length --save``).

The rule (``choose_read_length``): the longest length, unless a shorter one is
more accurate on validation by a paired 95% interval that excludes zero. Reading
more is what a reader of long reviews expects (the model sees the whole
evidence, and the app has less unread middle to explain away); 500 validation
reviews rarely tell the lengths apart, so the burden of proof is on reading less.
"""
from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

READ_LENGTHS = (256, 384, 512)


@dataclass(frozen=True)
class ReadingChoice:
    """The chosen length, why, and each length's validation figures.

    ``lengths``: length -> ``accuracy`` (with its Wilson interval, ``proportion_interval``) and, except for the
    longest, ``minus_longest`` (the paired difference of correctness against the longest length, as
    ``mean_interval``: positive means this length was right more often).
    """

    chosen: int
    reason: str
    lengths: dict

    def to_dict(self) -> dict:
        """The choice as JSON holds it (``report.json``'s ``reading``): lengths as string keys."""
        return {"chosen": self.chosen, "reason": self.reason,
                "lengths": {str(n): figures for n, figures in self.lengths.items()}}


def choose_read_length(correct: dict[int, np.ndarray]) -> ReadingChoice:
    """The reading length by the module's rule.

    Args:
        correct: length -> whether each validation review was read right at that length (0/1 or bool, the
            same reviews in the same order for every length).
    """
    from .robustness.stats import mean_interval, proportion_interval  # scipy: not for every command line

    if not correct:
        raise ValueError("no reading lengths to choose from")
    sizes = {len(c) for c in correct.values()}
    if len(sizes) != 1 or 0 in sizes:
        raise ValueError(f"every length needs the same non-empty set of reviews (got sizes {sorted(sizes)})")
    longest = max(correct)
    right = {n: np.asarray(c, dtype=float) for n, c in correct.items()}
    lengths = {}
    for n in sorted(right):
        figures = {"accuracy": proportion_interval(int(right[n].sum()), len(right[n]))}
        if n != longest:
            figures["minus_longest"] = mean_interval((right[n] - right[longest]).tolist())
        lengths[n] = figures
    # the most accurate, the longer one on a tie
    best = max(sorted(right, reverse=True), key=lambda n: right[n].mean())
    if best == longest:
        return ReadingChoice(longest, _longest_reason(longest, lengths), lengths)
    difference = lengths[best]["minus_longest"]
    if difference["low"] is not None and difference["low"] > 0:
        return ReadingChoice(best, f"{best} tokens are more accurate on validation than {longest} by "
                                   f"{difference['mean']:+.4f} (95% interval {difference['low']:+.4f} to "
                                   f"{difference['high']:+.4f}, which excludes zero)", lengths)
    low, high = difference["low"], difference["high"]
    interval = "" if low is None else f", 95% interval {low:+.4f} to {high:+.4f}"
    return ReadingChoice(longest, f"validation cannot tell {best} from {longest} tokens apart (difference "
                                  f"{difference['mean']:+.4f}{interval}, which includes zero), so the model "
                                  f"reads the most: {longest}", lengths)


def _longest_reason(longest: int, lengths: dict) -> str:
    """Why the longest length, when none is more accurate: which shorter ones validation cannot tell from it
    (paired interval includes zero) and which it reads worse beyond chance."""
    tied, worse = [], []
    for n, figures in lengths.items():
        d = figures.get("minus_longest")
        if d is None:
            continue
        shown = f"{n}: {d['mean']:+.4f}" + ("" if d["low"] is None else f" [{d['low']:+.4f}, {d['high']:+.4f}]")
        (worse if d["high"] is not None and d["high"] < 0 else tied).append(shown)
    said = [f"{longest} tokens are at least as accurate on validation as any shorter length and read the most"]
    if tied:
        said.append(f"validation cannot tell {'them' if len(tied) > 1 else 'it'} apart from "
                    f"{'; '.join(tied)} (paired difference, 95% interval)")
    if worse:
        said.append(f"shorter readings are worse beyond chance: {'; '.join(worse)}")
    return "; ".join(said)


def correct_at_lengths(predictor, reviews, lengths: tuple[int, ...], batch_size: int,
                       progress: bool = False) -> tuple[dict[int, np.ndarray], dict[int, float]]:
    """Whether ``predictor`` reads each labelled review right at each length, and reviews/s at each.

    Args:
        predictor: a ``sentiment.predictor.Predictor``; its own length is left as it was.
        reviews: a frame with ``review`` and ``label`` (the class ids of ``sentiment.labels``).
    """
    from .evaluate import predict_proba
    from .labels import predicted_class

    labels = reviews["label"].to_numpy()
    correct, speed = {}, {}
    for n in lengths:
        start = time.perf_counter()
        p = predict_proba(predictor.model, predictor.tokenizer, reviews["review"].tolist(), n,
                          predictor.device, predictor.precision, batch_size, progress)
        speed[n] = len(reviews) / (time.perf_counter() - start)
        correct[n] = predicted_class(p) == labels
    return correct, speed


def record_reading(folder, choice: ReadingChoice, metrics: dict, predictions, timings: dict, device: str,
                   precision: str) -> dict:
    """Make a checkpoint folder read ``choice.chosen`` tokens by default, with the test figures measured at
    that length: ``config.json``'s reading length, ``predictions.csv.gz`` (as slim as the one it replaces),
    and ``report.json`` (``metrics`` replaced, the training-length figures kept as
    ``metrics_at_training_length``, the choice under ``reading``). Returns the report; the caller rewrites
    the model card from it.
    """
    from pathlib import Path

    import pandas as pd

    from .model import record_read_length
    from .run_report import PREDICTIONS_FILE, read_report, write_report

    folder = Path(folder)
    report = read_report(folder)
    old = folder / PREDICTIONS_FILE
    if old.is_file() and "review" not in pd.read_csv(old, nrows=0).columns:
        predictions = predictions.drop(columns="review", errors="ignore")
    record_read_length(folder, choice.chosen)
    predictions.to_csv(old, index=False)
    # the first choice keeps the figures the training run measured; a later one keeps them as they were
    report.setdefault("metrics_at_training_length", report["metrics"])
    report.update({
        "read_length": choice.chosen,
        "metrics": metrics,
        "reading": {**choice.to_dict(), "validation_size": report.get("validation_size"),
                    "test_evaluation": {"device": device, "precision": precision, **timings}},
    })
    write_report(report, folder)
    return report
