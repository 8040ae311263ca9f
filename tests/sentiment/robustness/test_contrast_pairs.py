"""sentiment.robustness.contrast_pairs: accuracy, consistency and flips on the CAD dev pairs (read from a file
by sentiment.cad.load_pairs, whose other tests are in tests/sentiment/test_cad.py)."""
import numpy as np
import pandas as pd
import pytest

from sentiment.cad import load_pairs
from sentiment.data import DataError
from sentiment.robustness import contrast_pairs as C


def write_pairs(path, rows):
    pd.DataFrame(rows, columns=["pair_id", "kind", "sentiment", "review", "imdb_id"]).to_csv(path, index=False)
    return path


@pytest.fixture
def three_pairs(tmp_path):
    # Stored out of order (edit before original, pair 10 before pair 2): load_pairs sorts them.
    return load_pairs(write_pairs(tmp_path / "pairs.csv", [
        ("10", "edited", "negative", "C edited", ""), ("10", "original", "positive", "C original", "train/pos/3_8"),
        ("1", "original", "positive", "A original", "train/pos/1_9"), ("1", "edited", "negative", "A edited", ""),
        ("2", "original", "negative", "B original", "train/neg/2_1"), ("2", "edited", "positive", "B edited", ""),
    ]))


def test_pairs_load_sorted_original_first_with_integer_labels(three_pairs):
    assert three_pairs.to_dict("list") == {
        "pair_id": ["1", "1", "2", "2", "10", "10"],
        "kind": ["original", "edited"] * 3,
        "sentiment": ["positive", "negative", "negative", "positive", "positive", "negative"],
        "review": ["A original", "A edited", "B original", "B edited", "C original", "C edited"],
        "imdb_id": ["train/pos/1_9", "", "train/neg/2_1", "", "train/pos/3_8", ""],
        "label": [1, 0, 0, 1, 1, 0],
    }


def test_pair_table_has_one_row_per_pair_with_every_column(three_pairs):
    table = C.pair_table(three_pairs, np.array([0.9, 0.2, 0.1, 0.3, 0.4, 0.6]))
    assert list(table.columns) == ["pair_id", "imdb_id", "original", "edited", "label_original", "label_edited",
                                   "p_original", "p_edited", "right_original", "right_edited"]
    assert table.to_dict("list") == {
        "pair_id": ["1", "2", "10"],
        "imdb_id": ["train/pos/1_9", "train/neg/2_1", "train/pos/3_8"],
        "original": ["A original", "B original", "C original"],
        "edited": ["A edited", "B edited", "C edited"],
        "label_original": [1, 0, 1],
        "label_edited": [0, 1, 0],
        "p_original": [0.9, 0.1, 0.4],
        "p_edited": [0.2, 0.3, 0.6],
        "right_original": [True, True, False],
        "right_edited": [True, False, False],
    }


def test_pair_metrics_on_hand_computed_pairs(three_pairs):
    # A: both right. B: original right, edit wrong. C: both wrong.
    table = C.pair_table(three_pairs, np.array([0.9, 0.2, 0.1, 0.3, 0.4, 0.6]))
    assert C.pair_metrics(table) == {
        "n_pairs": 3,
        "accuracy_original": pytest.approx(2 / 3),
        "accuracy_edited": pytest.approx(1 / 3),
        "consistency": pytest.approx(1 / 3),
        "both_wrong": pytest.approx(1 / 3),
        "flips_with_edit": pytest.approx(2 / 3),  # A and C change label, B does not
        "failing_pairs": {"original_wrong": ["10"], "edited_wrong": ["2", "10"]},
    }
    # surest failure first: B's edit (0.3 for a positive, 0.2 from the boundary) before C (0.1 either side)
    assert C.failing_examples(table)["pair_id"].tolist() == ["2", "10"]
    assert C.failing_examples(table, k=1)["pair_id"].tolist() == ["2"]


def test_a_model_that_ignores_the_edit_never_flips_and_is_never_consistent(three_pairs):
    table = C.pair_table(three_pairs, np.array([0.8, 0.8, 0.3, 0.3, 0.9, 0.9]))
    metrics = C.pair_metrics(table)
    assert (metrics["accuracy_original"], metrics["accuracy_edited"]) == (1.0, 0.0)
    assert (metrics["consistency"], metrics["both_wrong"], metrics["flips_with_edit"]) == (0.0, 0.0, 0.0)
    assert metrics["failing_pairs"] == {"original_wrong": [], "edited_wrong": ["1", "2", "10"]}


def test_exactly_half_is_positive(three_pairs):
    table = C.pair_table(three_pairs, np.full(6, 0.5))
    assert table["right_original"].tolist() == [True, False, True]  # p = 0.5 reads as positive
    assert table["right_edited"].tolist() == [False, True, False]
    assert C.pair_metrics(table)["flips_with_edit"] == 0.0


def test_no_pairs_is_an_error():
    empty = pd.DataFrame(columns=["pair_id", "right_original", "right_edited", "p_original", "p_edited"])
    with pytest.raises(DataError, match="no contrast pairs to score"):
        C.pair_metrics(empty)
