"""Contrast pairs: IMDB reviews and their minimal label-flipping edits (CAD dev).

Kaushik, Hovy & Lipton (ICLR 2020) had people edit IMDB reviews as little as
possible so that the label flips. A model that read the review's verdict gets
both right; a model that keyed on topic or style words gets the original
right (its training split holds the originals) and the edit wrong. The shipped
copy, ``study/cad_dev_paired.csv.gz``, keeps their attribution in
``study/CAD-README.md``.
"""
from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import DataError
from ..labels import LABEL_IDS, predicted_class
from ..paths import REPO_ROOT, STUDY_DIR

CAD_FILE = "dev_paired.csv.gz"
REPO = REPO_ROOT
SHIPPED_CAD = STUDY_DIR / "cad_dev_paired.csv.gz"
COLUMNS = ("pair_id", "kind", "sentiment", "review", "imdb_id")
KINDS = ("original", "edited")


def default_cad_path() -> Path:
    """``$CAD_DATA_DIR/dev_paired.csv.gz``; else ``shared/data/cad`` next to or above the repository;
    else the copy shipped in ``study/``, so a bare clone runs too."""
    if os.environ.get("CAD_DATA_DIR"):
        return Path(os.environ["CAD_DATA_DIR"]) / CAD_FILE
    for candidate in (REPO / "shared/data/cad" / CAD_FILE, REPO.parent / "shared/data/cad" / CAD_FILE):
        if candidate.is_file():
            return candidate
    return SHIPPED_CAD


def load_pairs(path: str | os.PathLike | None = None) -> pd.DataFrame:
    """The pairs, original row first, sorted by ``pair_id``, with an integer ``label``.

    Raises ``DataError`` unless every pair has exactly one original and one
    edit of opposite sentiment.
    """
    path = Path(path) if path is not None else default_cad_path()
    if not path.is_file():
        raise DataError(f"{path}: no such file (the contrast pairs, CAD dev; set CAD_DATA_DIR to the folder "
                        f"holding {CAD_FILE}, or restore {SHIPPED_CAD.relative_to(REPO)})")
    try:
        frame = pd.read_csv(path, dtype={"pair_id": str}, keep_default_na=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError, OSError, EOFError) as error:
        raise DataError(f"{path}: not a readable CSV ({str(error).strip()})") from None
    missing = [c for c in COLUMNS if c not in frame.columns]
    if missing:
        raise DataError(f"{path}: missing column {', '.join(map(repr, missing))}; expected {', '.join(COLUMNS)}")
    frame["label"] = frame["sentiment"].str.strip().str.lower().map(LABEL_IDS)
    if frame["label"].isna().any() or not frame["kind"].isin(KINDS).all():
        raise DataError(f"{path}: every row needs sentiment positive/negative and kind original/edited")
    grouped = frame.groupby("pair_id")
    bad = grouped["kind"].apply(lambda k: sorted(k) != sorted(KINDS)) | (grouped["label"].nunique() != 2)
    if bad.any():
        raise DataError(f"{path}: pair {bad[bad].index[0]} is not one original and one edit of opposite "
                        f"sentiment")
    frame["label"] = frame["label"].astype(int)
    frame["kind"] = pd.Categorical(frame["kind"], categories=KINDS, ordered=True)
    order = frame.assign(_n=pd.to_numeric(frame["pair_id"], errors="coerce"))
    frame = frame.loc[order.sort_values(["_n", "pair_id", "kind"]).index]
    frame["kind"] = frame["kind"].astype(str)
    return frame[[*COLUMNS, "label"]].reset_index(drop=True)


def pair_table(pairs: pd.DataFrame, p_positive: np.ndarray) -> pd.DataFrame:
    """One row per pair: both texts, their true labels, P(positive) and whether each was right.

    ``pairs`` is ``load_pairs``'s frame; ``p_positive`` a model's P(positive)
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
