"""sentiment.labels: the name of each class id, and the one rule that turns P(positive) into the label a person
sees (p >= 0.5 is positive)."""
import numpy as np
import pandas as pd
import pytest

from sentiment.labels import LABEL_IDS, LABELS, THRESHOLD, label_name, predicted_class, predicted_label


def test_label_names_in_id_order():
    assert LABELS == ("negative", "positive")
    assert LABEL_IDS == {"negative": 0, "positive": 1}
    assert THRESHOLD == 0.5


def test_label_name_of_one_class_id_or_many():
    assert (label_name(0), label_name(1), label_name(np.int64(1)), label_name(1.0)) == (
        "negative", "positive", "positive", "positive")
    assert label_name(pd.Series([1, 0, 1], index=[5, 2, 9])) == ["positive", "negative", "positive"]
    assert label_name(np.array([0, 1])) == ["negative", "positive"]


@pytest.mark.parametrize("p, expected_class, expected_label", [
    (0.0, 0, "negative"),
    (0.4999, 0, "negative"),
    (0.49999999999999994, 0, "negative"),  # the float just below 0.5
    (0.5, 1, "positive"),  # exactly half reads as positive
    (0.5001, 1, "positive"),
    (1.0, 1, "positive"),
])
def test_a_single_probability(p, expected_class, expected_label):
    assert predicted_class(p) == expected_class and type(predicted_class(p)) is int
    assert predicted_label(p) == expected_label


@pytest.mark.parametrize("p", [np.float32(0.5), np.float64(0.5), np.array(0.5)])
def test_numpy_scalars_are_single_probabilities(p):
    assert predicted_class(p) == 1 and type(predicted_class(p)) is int
    assert predicted_label(p) == "positive"


def test_an_array_gives_one_class_per_probability():
    classes = predicted_class(np.array([0.4999, 0.5, 0.5001, 0.1]))
    assert classes.tolist() == [0, 1, 1, 0]
    assert classes.dtype.kind == "i"
    assert predicted_label(np.array([0.4999, 0.5, 0.5001, 0.1])) == ["negative", "positive", "positive", "negative"]


def test_a_series_is_read_by_position_whatever_its_index():
    p = pd.Series([0.4999, 0.5, 0.5001], index=[7, 3, 0])
    assert predicted_class(p).tolist() == [0, 1, 1]
    assert predicted_label(p) == ["negative", "positive", "positive"]


def test_a_list_is_an_array():
    assert predicted_class([0.2, 0.9]).tolist() == [0, 1]
    assert predicted_label([0.9, 0.2]) == ["positive", "negative"]
