"""sentiment/cad.py: the CAD pair files read (``load_pairs``), and ``train --data cad``'s CAD training pairs mixed
with a replay sample of IMDB train."""
import hashlib

import pandas as pd
import pytest
from conftest import require_dataset

from sentiment.cad import cad_training_mix, load_pairs
from sentiment.data import REPORT_REVIEW_IDS, DataError, hold_out, load_reviews
from sentiment.paths import REPO_ROOT, SHIPPED_CAD, cad_train_path, default_cad_path

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
    assert set(replay["id"]) <= set(pool["id"])  # so the validation part, held out of the pool, is not replayed
    assert not set(replay["id"]) & set(validation["id"])
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


# ---- on hand-made pairs and a hand-made pool: exactly what is mixed --------------------------------

@pytest.fixture
def two_pairs(tmp_path, monkeypatch):
    rows = [("7", "original", "negative", "dull original", "train/neg/70_1"),
            ("7", "edited", "positive", "fun edit", ""),
            ("9", "original", "positive", "fine original", "train/pos/90_9"),
            ("9", "edited", "negative", "poor edit", "")]
    pd.DataFrame(rows, columns=["pair_id", "kind", "sentiment", "review", "imdb_id"]).to_csv(
        tmp_path / "train_paired.csv.gz", index=False)
    monkeypatch.setenv("CAD_DATA_DIR", str(tmp_path))
    assert cad_train_path() == tmp_path / "train_paired.csv.gz"


def _pool(ids):
    return pd.DataFrame({"id": ids, "review": [f"review {i}" for i in ids], "label": [int("/pos/" in i) for i in ids]})


# the CAD originals and two report reviews, and three other reviews of each label
POOL = _pool(["train/neg/70_1", "train/pos/90_9", "train/pos/12398_8", "train/neg/3907_3",
              "train/neg/1_1", "train/neg/2_2", "train/neg/3_3", "train/pos/4_7", "train/pos/5_8", "train/pos/6_9"])
REPLAYABLE = {"train/neg/1_1", "train/neg/2_2", "train/neg/3_3", "train/pos/4_7", "train/pos/5_8", "train/pos/6_9"}


def test_mix_is_the_cad_texts_with_their_labels_plus_a_stratified_replay(two_pairs):
    mix = cad_training_mix(POOL, seed=0)
    assert list(mix.columns) == ["id", "review", "label"]
    cad = mix[mix["id"].str.startswith("cad/")].sort_values("id")
    assert cad.to_dict("list") == {"id": ["cad/7/edited", "cad/7/original", "cad/9/edited", "cad/9/original"],
                                   "review": ["fun edit", "dull original", "poor edit", "fine original"],
                                   "label": [1, 0, 0, 1]}
    replay = mix[~mix["id"].str.startswith("cad/")]
    # four CAD texts: two replayed reviews of each label, never a CAD original or a report review
    assert set(replay["id"]) <= REPLAYABLE and sorted(replay["label"]) == [0, 0, 1, 1]
    assert replay.set_index("id")["review"].to_dict() == {i: f"review {i}" for i in replay["id"]}


def test_replay_ratio_sets_how_many_pool_reviews_come_along(two_pairs):
    # 4 CAD texts x 1.5 = 6 replayed: every replayable review, and still none of the excluded ones
    assert set(cad_training_mix(POOL, seed=0, replay_ratio=1.5)["id"]) - {"cad/7/edited", "cad/7/original",
                                                                          "cad/9/edited", "cad/9/original"} \
        == REPLAYABLE
    with pytest.raises(DataError, match="asks for 4 replayed reviews of each label; the pool holds 3 negative "
                                        "and 3 positive"):
        cad_training_mix(POOL, seed=0, replay_ratio=2.0)
    assert len(cad_training_mix(POOL, seed=0, replay_ratio=0.0)) == 4


def test_mix_is_shuffled_reproducibly(two_pairs):
    first = cad_training_mix(POOL, seed=0)["id"].tolist()
    assert cad_training_mix(POOL, seed=0)["id"].tolist() == first
    assert any(cad_training_mix(POOL, seed=s)["id"].tolist() != first for s in (1, 2, 3))
    assert not all(i.startswith("cad/") for i in first[:4])  # shuffled: not the CAD texts first


def test_missing_cad_training_pairs_name_the_variable(tmp_path, monkeypatch):
    monkeypatch.setenv("CAD_DATA_DIR", str(tmp_path))
    with pytest.raises(DataError, match="train_paired.csv.gz: no such file.*set CAD_DATA_DIR"):
        cad_training_mix(POOL)


# ---- reading a pair file -----------------------------------------------------------------------------

def write_pairs(path, rows):
    pd.DataFrame(rows, columns=["pair_id", "kind", "sentiment", "review", "imdb_id"]).to_csv(path, index=False)
    return path


@pytest.mark.parametrize("rows, message", [
    ([("1", "original", "positive", "a", ""), ("1", "original", "negative", "b", "")], "pair 1 is not one original"),
    ([("1", "original", "positive", "a", ""), ("1", "edited", "positive", "b", "")], "pair 1 is not one original"),
    ([("1", "original", "great", "a", ""), ("1", "edited", "negative", "b", "")], "sentiment positive/negative"),
])
def test_malformed_pairs_are_a_clear_error(tmp_path, rows, message):
    with pytest.raises(DataError, match=message):
        load_pairs(write_pairs(tmp_path / "bad.csv", rows))


def test_missing_pair_file_names_the_way_out(tmp_path, monkeypatch):
    monkeypatch.setenv("CAD_DATA_DIR", str(tmp_path))
    assert default_cad_path() == tmp_path / "dev_paired.csv.gz"
    with pytest.raises(DataError, match="set CAD_DATA_DIR"):
        load_pairs()


def test_shipped_copy_is_cad_dev_with_its_attribution():
    pairs = load_pairs(SHIPPED_CAD)
    assert len(pairs) == 490 and pairs["pair_id"].nunique() == 245
    assert (pairs["kind"].iloc[::2] == "original").all() and (pairs["kind"].iloc[1::2] == "edited").all()
    readme = (REPO_ROOT / "study" / "CAD-README.md").read_text()
    for needed in ("Kaushik", "ICLR 2020", "acmi-lab/counterfactually-augmented-data", "Apache-2.0"):
        assert needed in readme
    shared = REPO_ROOT.parent / "shared/data/cad/dev_paired.csv.gz"
    if shared.is_file():  # the shipped copy is the shared file, byte for byte
        assert hashlib.sha256(shared.read_bytes()).digest() == hashlib.sha256(SHIPPED_CAD.read_bytes()).digest()
