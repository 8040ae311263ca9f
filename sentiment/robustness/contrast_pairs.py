"""Contrast pairs: how a model reads IMDB reviews and their minimal label-flipping edits (CAD dev).

Kaushik, Hovy & Lipton (ICLR 2020) had people edit IMDB reviews as little as
possible so that the label flips. A model that read the review's verdict gets
both right; a model that keyed on topic or style words gets the original
right (its training split holds the originals) and the edit wrong. The pairs
are read by ``sentiment.cad.load_pairs`` (the shipped copy,
``study/cad_dev_paired.csv.gz``, keeps their attribution in
``study/CAD-README.md``); this module scores a model's readings of them.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..errors import DataError
from ..labels import predicted_class


def pair_table(pairs: pd.DataFrame, p_positive: np.ndarray) -> pd.DataFrame:
    """One row per pair: both texts, their true labels, P(positive) and whether each was right.

    ``pairs`` is ``sentiment.cad.load_pairs``'s frame; ``p_positive`` a model's P(positive)
    for its rows, in the same order.
    """
    rows = pairs.assign(p_positive=np.asarray(p_positive, dtype=float))
    rows["right"] = predicted_class(rows["p_positive"]) == rows["label"]
    original = rows[rows["kind"] == "original"].set_index("pair_id")
    edited = rows[rows["kind"] == "edited"].set_index("pair_id")
    table = pd.DataFrame({
        "imdb_id": original["imdb_id"],
        "original": original["review"], "edited": edited["review"].reindex(original.index),
        "label_original": original["label"], "label_edited": edited["label"].reindex(original.index),
        "p_original": original["p_positive"], "p_edited": edited["p_positive"].reindex(original.index),
        "right_original": original["right"], "right_edited": edited["right"].reindex(original.index),
    })
    return table.reset_index()


def pair_metrics(table: pd.DataFrame) -> dict:
    """Accuracy on originals and on edits, consistency (both right), and the failing pairs.

    ``flips_with_edit`` is the share of pairs whose predicted label changes with
    the edit, right or wrong: a model that ignores the edit scores 0.
    """
    n = len(table)
    if n == 0:
        raise DataError("no contrast pairs to score")
    both = table["right_original"] & table["right_edited"]
    flips = predicted_class(table["p_original"]) != predicted_class(table["p_edited"])
    failing = table[~both]
    return {
        "n_pairs": n,
        "accuracy_original": float(table["right_original"].mean()),
        "accuracy_edited": float(table["right_edited"].mean()),
        "consistency": float(both.mean()),
        "both_wrong": float((~table["right_original"] & ~table["right_edited"]).mean()),
        "flips_with_edit": float(flips.mean()),
        "failing_pairs": {
            "original_wrong": sorted(failing.loc[~failing["right_original"], "pair_id"].tolist(), key=_natural),
            "edited_wrong": sorted(failing.loc[~failing["right_edited"], "pair_id"].tolist(), key=_natural),
        },
    }


def failing_examples(table: pd.DataFrame, k: int = 5) -> pd.DataFrame:
    """Up to ``k`` failing pairs, those the model was surest about on a wrong side first."""
    wrong_confidence = pd.concat([
        (table["p_original"] - 0.5).abs().where(~table["right_original"], 0),
        (table["p_edited"] - 0.5).abs().where(~table["right_edited"], 0)], axis=1).max(axis=1)
    failing = table.assign(_c=wrong_confidence)[~(table["right_original"] & table["right_edited"])]
    return failing.sort_values(["_c", "pair_id"], ascending=[False, True], kind="stable").head(k).drop(columns="_c")


def _natural(pair_id: str):
    """Numeric ids in numeric order, others after them."""
    return (0, int(pair_id), "") if str(pair_id).isdigit() else (1, 0, str(pair_id))
