"""Mixing new training texts with a replay sample of IMDB reviews: the rule ``train --data cad`` and
``--data negation`` share, so that continued training does not forget the rest of IMDB."""
from __future__ import annotations

import pandas as pd

from .errors import DataError


def with_replay(texts: pd.DataFrame, replay_pool: pd.DataFrame, replay_ratio: float, seed: int) -> pd.DataFrame:
    """``texts`` plus ``replay_ratio`` reviews of ``replay_pool`` per text, half of each label, shuffled;
    columns ``id``, ``review``, ``label``.

    ``texts`` and ``replay_pool``: frames with those columns (the pool already without the reviews that
    must not be replayed); ``seed``: the sample and the shuffle. A ratio the pool cannot serve is a
    DataError saying how many it holds.
    """
    if replay_ratio < 0:
        raise DataError(f"the replay ratio must be 0 or more, got {replay_ratio}")
    per_label = round(len(texts) * replay_ratio) // 2
    counts = replay_pool["label"].value_counts()
    if per_label > min(counts.get(0, 0), counts.get(1, 0)):
        raise DataError(f"a replay ratio of {replay_ratio:g} asks for {per_label:,} replayed reviews of each label; "
                        f"the pool holds {counts.get(0, 0):,} negative and {counts.get(1, 0):,} positive")
    replay = replay_pool.groupby("label", group_keys=False).sample(n=per_label, random_state=seed)
    mix = pd.concat([texts[["id", "review", "label"]], replay[["id", "review", "label"]]], ignore_index=True)
    return mix.sample(frac=1.0, random_state=seed).reset_index(drop=True)
