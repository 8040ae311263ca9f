"""``train --data cad``: CAD training pairs mixed with a replay sample of IMDB train."""
import pandas as pd
import pytest
from conftest import require_dataset

from sentiment.cad import cad_train_path, cad_training_mix
from sentiment.data import REPORT_REVIEW_IDS, DataError, hold_out, load_reviews
from sentiment.robustness.contrast_pairs import load_pairs

needs_cad_train = pytest.mark.skipif(not cad_train_path().is_file(),
                                     reason=f"the CAD training pairs ({cad_train_path().name}) are not installed")


@needs_cad_train
def test_mix_is_every_cad_text_plus_replayed_imdb_reviews_from_the_pool_only():
    require_dataset()
    pairs = load_pairs(cad_train_path())
    pool, validation = hold_out(load_reviews("train"), 500, 0)
    mix = cad_training_mix(pool, seed=0)
    cad = mix[mix["id"].str.startswith("cad/")]
    replay = mix[~mix["id"].str.startswith("cad/")]
    assert len(cad) == len(pairs) == len(replay)
    assert sorted(cad["review"]) == sorted(pairs["review"])
    assert set(replay["id"]) <= set(pool["id"])
    assert not set(mix["id"]) & set(validation["id"])  # validation stays unseen
    assert not set(replay["id"]) & (set(pairs["imdb_id"]) | set(REPORT_REVIEW_IDS))
    assert replay["label"].sum() == len(replay) // 2  # stratified: as many positive as negative
    edited = pairs[pairs["kind"] == "edited"].set_index("pair_id")["label"]
    labels = cad.set_index("id")["label"]
    assert all(labels[f"cad/{p}/edited"] == edited[p] for p in edited.index[:50])
    assert cad_training_mix(pool, seed=0)["id"].tolist() == mix["id"].tolist()  # reproducible

    doubled = cad_training_mix(pool, seed=0, replay_ratio=2.0)
    assert (~doubled["id"].str.startswith("cad/")).sum() == 2 * len(cad)
    assert cad_training_mix(pool, seed=0, replay_ratio=0.0)["id"].str.startswith("cad/").all()


@needs_cad_train
def test_a_replay_larger_than_the_pool_or_negative_is_refused():
    pool = pd.DataFrame({"id": [], "review": [], "label": []})
    with pytest.raises(DataError, match="the pool holds 0 negative and 0 positive"):
        cad_training_mix(pool, replay_ratio=1.0)
    with pytest.raises(DataError, match="must be 0 or more"):
        cad_training_mix(pool, replay_ratio=-1.0)
