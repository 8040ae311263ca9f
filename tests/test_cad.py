"""``train --data cad``: CAD training pairs mixed with an equal replay sample of IMDB train."""
import pytest
from conftest import require_dataset

from sentiment.cad import TRAIN_FILE, cad_training_mix
from sentiment.data import REPORT_REVIEW_IDS
from sentiment.robustness.contrast_pairs import default_cad_path, load_pairs

CAD_TRAIN = default_cad_path().with_name(TRAIN_FILE)


@pytest.mark.skipif(not CAD_TRAIN.is_file(), reason=f"the CAD training pairs ({TRAIN_FILE}) are not installed")
def test_mix_is_every_cad_text_plus_as_many_fresh_imdb_train_reviews():
    require_dataset()
    pairs = load_pairs(CAD_TRAIN)
    mix = cad_training_mix(seed=0)
    cad = mix[mix["id"].str.startswith("cad/")]
    replay = mix[~mix["id"].str.startswith("cad/")]
    assert len(cad) == len(pairs) == len(replay)
    assert sorted(cad["review"]) == sorted(pairs["review"])
    assert replay["id"].str.startswith("train/").all()
    assert not set(replay["id"]) & (set(pairs["imdb_id"]) | set(REPORT_REVIEW_IDS))
    assert replay["label"].sum() == len(replay) // 2  # stratified: as many positive as negative
    edited = pairs[pairs["kind"] == "edited"].set_index("pair_id")["label"]
    labels = cad.set_index("id")["label"]
    assert all(labels[f"cad/{p}/edited"] == edited[p] for p in edited.index[:50])
    assert cad_training_mix(seed=0)["id"].tolist() == mix["id"].tolist()  # reproducible
