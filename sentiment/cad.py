"""Training data with counterfactually augmented pairs: what ``train --data cad`` fine-tunes on.

Kaushik, Hovy & Lipton (ICLR 2020): models trained with both a review and its
minimal label-flipping edit learn what decides the label rather than topic or
style words. Fine-tuning only on the 3,390 CAD texts would make a model forget
the rest of IMDB, so the CAD training pairs are mixed with an equal-size replay
sample of the official train split (stratified by label, the CAD originals
excluded so no review appears twice).
"""
from __future__ import annotations

import pandas as pd

from .data import REPORT_REVIEW_IDS, DataError, load_reviews
from .robustness.contrast_pairs import default_cad_path, load_pairs

TRAIN_FILE = "train_paired.csv.gz"


def cad_training_mix(seed: int = 42, replay_ratio: float = 1.0) -> pd.DataFrame:
    """CAD train pairs plus a replay sample of IMDB train, shuffled; columns ``id``, ``review``, ``label``.

    Args:
        seed: the replay sample and the shuffle.
        replay_ratio: IMDB train reviews per CAD text (1.0: as many as the CAD texts).
    """
    path = default_cad_path().with_name(TRAIN_FILE)
    if not path.is_file():
        raise DataError(f"{path}: no such file; the CAD training pairs are not shipped with the app "
                        f"(set CAD_DATA_DIR to the folder holding {TRAIN_FILE})")
    pairs = load_pairs(path)
    cad = pd.DataFrame({"id": "cad/" + pairs["pair_id"] + "/" + pairs["kind"], "review": pairs["review"],
                        "label": pairs["label"]})
    imdb = load_reviews("train")
    pool = imdb[~imdb["id"].isin(set(pairs["imdb_id"]) | set(REPORT_REVIEW_IDS))]
    n = round(len(cad) * replay_ratio)
    replay = pool.groupby("label", group_keys=False).sample(n=n // 2, random_state=seed)
    mix = pd.concat([cad, replay[["id", "review", "label"]]], ignore_index=True)
    return mix.sample(frac=1.0, random_state=seed).reset_index(drop=True)
