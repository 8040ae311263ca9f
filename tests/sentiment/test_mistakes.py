"""The error study's analysis (sentiment/mistakes.py) on five hand-made reviews whose outcome is known.

a: positive, both checkpoints say negative             -> both wrong
b: positive, small says negative, large says positive  -> fixed by more data (only small wrong)
c: negative, small says negative, large says positive  -> broken by more data (only large wrong)
d: negative, both say positive                         -> both wrong
e: positive, both say positive                         -> both right
"""
import math

import pandas as pd
import pytest

from sentiment import mistakes
from sentiment.report import PREDICTIONS_FILE

IDS = list("abcde")


def _truth(with_review=True):
    truth = pd.DataFrame({"id": IDS + ["f"], "label": [1, 1, 0, 0, 1, 0]})  # f: no prediction, left out
    if with_review:
        truth["review"] = [f"review {i}" for i in IDS + ["f"]]
    return truth


def _small():
    return pd.DataFrame({"id": IDS + ["g"],  # g: no true label, left out
                         "predicted": ["negative", "negative", "negative", "positive", "positive", "positive"],
                         "p_positive": [0.1, 0.4, 0.3, 0.9, 0.8, 0.9]})


def _large():
    return pd.DataFrame({"id": IDS, "predicted": ["negative", "positive", "positive", "positive", "positive"],
                         "p_positive": [0.2, 0.7, 0.65, 0.95, 0.9]})


@pytest.fixture
def table():
    return mistakes.compare(_small(), _large(), _truth())


def test_compare_puts_each_review_in_its_category(table):
    # b (small wrong, large right) is the one more data fixed; c (small right, large wrong) the one it broke
    assert dict(zip(table["id"], table["comparison"])) == {
        "a": "both wrong", "b": "fixed by more data", "c": "broken by more data", "d": "both wrong", "e": "both right"}


def test_compare_keeps_only_reviews_with_a_label_and_both_predictions_and_names_the_label(table):
    # f: labelled, predicted by the large checkpoint only; g: predicted by both, no label
    large = pd.concat([_large(), pd.DataFrame({"id": ["f", "g"], "predicted": ["positive"] * 2,
                                               "p_positive": [0.9, 0.9]})])
    assert mistakes.compare(_small(), large, _truth())["id"].tolist() == IDS
    assert table["id"].tolist() == IDS
    assert table["sentiment"].tolist() == ["positive", "positive", "negative", "negative", "positive"]
    assert list(table.columns) == ["id", "label", "review", "small_predicted", "small_p_positive",
                                   "large_predicted", "large_p_positive", "sentiment", "comparison",
                                   "small_confidence", "large_confidence"]
    assert table["review"].tolist() == [f"review {i}" for i in IDS]
    assert table["small_p_positive"].tolist() == [0.1, 0.4, 0.3, 0.9, 0.8]
    assert table["large_p_positive"].tolist() == [0.2, 0.7, 0.65, 0.95, 0.9]


def test_compare_without_review_texts_has_no_review_column():
    table = mistakes.compare(_small(), _large(), _truth(with_review=False))
    assert "review" not in table.columns and table["id"].tolist() == IDS


def test_confidence_is_the_probability_of_the_label_given(table):
    # P(positive) where the checkpoint said positive, 1 - P(positive) where it said negative
    assert table["small_confidence"].tolist() == pytest.approx([0.9, 0.6, 0.7, 0.9, 0.8])
    assert table["large_confidence"].tolist() == pytest.approx([0.8, 0.7, 0.65, 0.95, 0.9])


def test_confidence_of_a_label_given_at_one_half_and_of_a_negative_one():
    small = pd.DataFrame({"id": ["a"], "predicted": ["positive"], "p_positive": [0.5]})
    large = pd.DataFrame({"id": ["a"], "predicted": ["negative"], "p_positive": [0.25]})
    table = mistakes.compare(small, large, pd.DataFrame({"id": ["a"], "label": [1]}))
    assert table["small_confidence"].tolist() == [0.5] and table["large_confidence"].tolist() == [0.75]


def test_counts_every_category_even_empty_ones(table):
    assert mistakes.counts(table) == {"both wrong": 2, "fixed by more data": 1, "broken by more data": 1,
                                      "both right": 1}
    right = table[table["comparison"] == "both right"]
    assert mistakes.counts(right) == {"both wrong": 0, "fixed by more data": 0, "broken by more data": 0,
                                      "both right": 1}


def test_mistakes_are_sorted_by_the_confidence_of_the_wrong_checkpoint(table):
    # a and d: the surer of the two; b: the small one's 0.6, not the (right) large one's 0.7;
    # c: the large one's 0.65, not the (right) small one's 0.7
    shown = mistakes.mistakes(table)
    assert shown["id"].tolist() == ["d", "a", "c", "b"]
    assert shown["confidence"].tolist() == pytest.approx([0.95, 0.9, 0.65, 0.6])


@pytest.mark.parametrize("comparison, ids", [
    ("all", ["d", "a", "c", "b"]), ("both wrong", ["d", "a"]),
    ("fixed by more data", ["b"]), ("broken by more data", ["c"])])
def test_mistakes_of_one_kind(table, comparison, ids):
    assert mistakes.mistakes(table, comparison)["id"].tolist() == ids


def test_mistakes_keep_those_at_least_as_sure_as_asked(table):
    assert mistakes.mistakes(table, "all", 0.65)["id"].tolist() == ["d", "a", "c"]  # c's 0.65 is kept
    assert mistakes.mistakes(table, "all", 0.0)["id"].tolist() == ["d", "a", "c", "b"]  # e is no mistake
    assert mistakes.mistakes(table, "both wrong", 0.92)["id"].tolist() == ["d"]
    assert mistakes.mistakes(table, "all", 0.96).empty


@pytest.mark.parametrize("bad", ["nonsense", "both right"])
def test_mistakes_refuse_an_unknown_comparison(table, bad):
    with pytest.raises(ValueError, match="unknown comparison"):
        mistakes.mistakes(table, bad)


def _cad():
    return pd.DataFrame({"id": IDS, "predicted": ["negative", "negative", "negative", "positive", "negative"],
                         "p_positive": [0.3, 0.45, 0.2, 0.6, 0.4]})


def test_with_cad_adds_the_cad_checkpoints_predictions_beside_each_review(table):
    joined = mistakes.with_cad(table, _cad())
    assert joined["id"].tolist() == IDS
    assert joined["cad_predicted"].tolist() == _cad()["predicted"].tolist()
    assert joined["cad_p_positive"].tolist() == [0.3, 0.45, 0.2, 0.6, 0.4]
    assert list(joined.columns) == list(table.columns) + ["cad_predicted", "cad_p_positive", "cad_comparison",
                                                          "cad_confidence"]
    # large wrong on a, c, d; CAD wrong on a, b, d, e
    assert joined["cad_comparison"].tolist() == [
        "large and CAD-trained both wrong", "broken by contrast training", "fixed by contrast training",
        "large and CAD-trained both wrong", "broken by contrast training"]
    assert joined["cad_confidence"].tolist() == pytest.approx([0.7, 0.55, 0.8, 0.6, 0.6])


@pytest.mark.parametrize("comparison, ids", [
    ("fixed by contrast training", ["c"]),
    # sorted by the CAD-trained checkpoint's confidence in its wrong label: e 0.6, b 0.55
    ("broken by contrast training", ["e", "b"]),
    # by the surer of the two wrong checkpoints: d (large 0.95), a (large 0.8)
    ("large and CAD-trained both wrong", ["d", "a"]),
])
def test_mistakes_before_and_after_contrast_training(table, comparison, ids):
    joined = mistakes.with_cad(table, _cad())
    assert mistakes.mistakes(joined, comparison)["id"].tolist() == ids
    assert mistakes.mistakes(joined, comparison, min_confidence=0.58)["id"].tolist() == [i for i in ids if i != "b"]


def test_a_cad_comparison_without_the_cad_predictions_is_refused(table):
    with pytest.raises(ValueError, match="CAD-trained checkpoint, whose predictions are not in this table"):
        mistakes.mistakes(table, "fixed by contrast training")


def test_cad_counts_the_large_checkpoints_mistakes_it_fixes_and_the_ones_it_adds(table):
    # large is wrong on a, c, d; CAD gets c right (fixed 1). large is right on b, e; CAD gets both wrong (added 2)
    assert mistakes.cad_counts(mistakes.with_cad(table, _cad())) == {"fixed": 1, "added": 2}


def test_truth_with_texts_takes_labels_from_the_predictions_and_texts_where_known():
    predictions = pd.DataFrame({"id": ["x", "y", "z"], "sentiment": ["positive", "negative", "negative"],
                                "predicted": ["positive"] * 3, "p_positive": [0.9] * 3})
    reviews = pd.DataFrame({"review": ["text x", "text z"], "label": [1, 0]}, index=["x", "z"])
    truth = mistakes.truth_with_texts(predictions, reviews)
    assert list(truth.columns) == ["id", "label", "review"]
    assert truth["label"].tolist() == [1, 0, 0]
    assert truth["review"].tolist()[0::2] == ["text x", "text z"] and math.isnan(truth["review"][1])
    alone = mistakes.truth_with_texts(predictions, None)
    assert list(alone.columns) == ["id", "label"] and alone["label"].tolist() == [1, 0, 0]


def test_read_predictions_reads_the_checkpoints_predictions_file(tmp_path):
    _large().to_csv(tmp_path / PREDICTIONS_FILE, index=False)
    pd.testing.assert_frame_equal(mistakes.read_predictions(tmp_path), _large())
