"""Training data with counterfactually augmented pairs: what ``train --data cad`` fine-tunes on.

Kaushik, Hovy & Lipton (ICLR 2020): models trained with both a review and its
minimal label-flipping edit learn what decides the label rather than topic or
style words. Fine-tuning only on the 3,390 CAD texts would make a model forget
the rest of IMDB, so the CAD training pairs are mixed with a replay sample of
IMDB train (stratified by label, the CAD originals excluded so no review
appears twice).
"""
from __future__ import annotations

from collections.abc import Collection

import pandas as pd

from .data import REPORT_REVIEW_IDS
from .errors import DataError
from .replay import with_replay
from .robustness.contrast_pairs import default_cad_path, load_pairs

TRAIN_FILE = "train_paired.csv.gz"


def cad_train_path():
    return default_cad_path().with_name(TRAIN_FILE)


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
                        f"(set CAD_DATA_DIR to the folder holding {TRAIN_FILE})")
    pairs = load_pairs(path)
    pairs = pairs[~pairs["imdb_id"].isin(set(held_out_ids))]
    cad = pd.DataFrame({"id": "cad/" + pairs["pair_id"] + "/" + pairs["kind"], "review": pairs["review"],
                        "label": pairs["label"]})
    pool = replay_pool[~replay_pool["id"].isin(set(pairs["imdb_id"]) | set(REPORT_REVIEW_IDS))]
    return with_replay(cad, pool, replay_ratio, seed)
