"""The CAD contrast pairs (Kaushik, Hovy & Lipton, ICLR 2020): IMDB reviews and their minimal
label-flipping edits, read from their files, and the training data ``train --data cad`` fine-tunes on.

People edited IMDB reviews as little as possible so that the label flips. The dev pairs ship
(``study/cad_dev_paired.csv.gz``, attribution in ``study/CAD-README.md``) and are what the robustness
report scores (``sentiment.robustness.contrast_pairs``); the train pairs do not ship. Where both files
are looked for is ``sentiment.paths``'s to say (``CAD_DATA_DIR``).

Models trained with both a review and its edit learn what decides the label rather than topic or style
words. Fine-tuning only on the 3,390 CAD texts would make a model forget the rest of IMDB, so the CAD
training pairs are mixed with a replay sample of IMDB train (stratified by label, the CAD originals
excluded so no review appears twice).
"""
from __future__ import annotations

import os
from collections.abc import Collection
from pathlib import Path

import pandas as pd

from .errors import DataError
from .labels import LABEL_IDS
from .paths import CAD_DEV_FILE, CAD_TRAIN_FILE, REPO_ROOT, SHIPPED_CAD, cad_train_path, default_cad_path
from .replay import with_replay
from .report_reviews import REPORT_REVIEW_IDS

COLUMNS = ("pair_id", "kind", "sentiment", "review", "imdb_id")
KINDS = ("original", "edited")


def load_pairs(path: str | os.PathLike | None = None) -> pd.DataFrame:
    """The pairs of a CAD file (default: the dev pairs, ``sentiment.paths.default_cad_path``), original row
    first, sorted by ``pair_id``, with an integer ``label``.

    Raises ``DataError`` unless every pair has exactly one original and one
    edit of opposite sentiment.
    """
    path = Path(path) if path is not None else default_cad_path()
    if not path.is_file():
        raise DataError(f"{path}: no such file (the contrast pairs, CAD dev; set CAD_DATA_DIR to the folder "
                        f"holding {CAD_DEV_FILE}, or restore {SHIPPED_CAD.relative_to(REPO_ROOT)})")
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


def cad_training_mix(replay_pool: pd.DataFrame, seed: int = 42, replay_ratio: float = 1.0,
                     held_out_ids: Collection[str] = ()) -> pd.DataFrame:
    """CAD train pairs plus a replay sample of ``replay_pool``, shuffled; columns ``id``, ``review``, ``label``.

    Args:
        replay_pool: IMDB reviews to replay (columns ``id``, ``review``, ``label``), e.g. the
            official train split minus the validation part, so that validation stays unseen.
        seed: the replay sample and the shuffle.
        replay_ratio: replayed IMDB reviews per CAD text (1.0: as many as the CAD texts).
        held_out_ids: IMDB ids kept for validation: the pairs whose original is one of them are left
            out, so no validation review is trained on.
    """
    path = cad_train_path()
    if not path.is_file():
        raise DataError(f"{path}: no such file; the CAD training pairs are not shipped with the app "
                        f"(set CAD_DATA_DIR to the folder holding {CAD_TRAIN_FILE})")
    pairs = load_pairs(path)
    pairs = pairs[~pairs["imdb_id"].isin(set(held_out_ids))]
    cad = pd.DataFrame({"id": "cad/" + pairs["pair_id"] + "/" + pairs["kind"], "review": pairs["review"],
                        "label": pairs["label"]})
    pool = replay_pool[~replay_pool["id"].isin(set(pairs["imdb_id"]) | set(REPORT_REVIEW_IDS))]
    return with_replay(cad, pool, replay_ratio, seed)
