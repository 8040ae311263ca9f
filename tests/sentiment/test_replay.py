"""sentiment/replay.py: new texts mixed with replayed IMDB reviews, half of each label."""
import pandas as pd
import pytest

from sentiment.errors import DataError
from sentiment.replay import with_replay

TEXTS = pd.DataFrame({"id": ["new/0", "new/1", "new/2", "new/3"], "review": list("abcd"), "label": [1, 0, 1, 0]})
POOL = pd.DataFrame({"id": [f"imdb/{i}" for i in range(10)], "review": ["r"] * 10, "label": [0] * 3 + [1] * 7,
                     "extra": range(10)})


def test_as_many_replayed_reviews_as_the_ratio_asks_half_of_each_label():
    mix = with_replay(TEXTS, POOL, 1.5, seed=3)
    assert list(mix.columns) == ["id", "review", "label"]
    replayed = mix[mix["id"].str.startswith("imdb/")]
    assert len(replayed) == 6 and replayed["label"].tolist().count(0) == 3  # round(4 * 1.5) // 2 per label
    assert set(mix["id"]) >= set(TEXTS["id"])
    pd.testing.assert_frame_equal(mix, with_replay(TEXTS, POOL, 1.5, seed=3))  # the seed decides everything
    assert len(with_replay(TEXTS, POOL, 0.0, seed=3)) == 4


def test_a_ratio_the_pool_cannot_serve_or_a_negative_one_is_refused():
    with pytest.raises(DataError, match="a replay ratio of 2 asks for 4 replayed reviews of each label; "
                                        "the pool holds 3 negative and 7 positive"):
        with_replay(TEXTS, POOL, 2.0, seed=0)
    with pytest.raises(DataError, match="the replay ratio must be 0 or more, got -1"):
        with_replay(TEXTS, POOL, -1.0, seed=0)
