"""sentiment.evaluate: P(positive) in input order, the report's metrics, the predictions table."""
import math
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
import torch

from sentiment.evaluate import classification_metrics, evaluate, predict_proba, predictions_frame


class CountingModel(torch.nn.Module):
    """A classifier whose logits are known by hand: logit(positive) - logit(negative) is the number of
    "good" tokens minus the number of "bad" tokens it is given, so P(positive) = sigmoid(#good - #bad)."""

    def __init__(self, tokenizer):
        super().__init__()
        self.good, self.bad = tokenizer.convert_tokens_to_ids(["good", "bad"])
        self.config = SimpleNamespace(num_labels=2)
        self.offset = torch.nn.Parameter(torch.zeros(()))  # a parameter, so .to(device) has something to move

    def forward(self, input_ids, attention_mask, **_):
        ids = input_ids * attention_mask  # padding never counts
        margin = ((ids == self.good).sum(-1) - (ids == self.bad).sum(-1)).float() + self.offset
        return SimpleNamespace(logits=torch.stack([torch.zeros_like(margin), margin], dim=-1))


def sigmoid(x: float) -> float:
    return 1 / (1 + math.exp(-x))


@pytest.fixture(scope="module")
def counting(tokenizer):
    return CountingModel(tokenizer)


# ---- classification_metrics -------------------------------------------------------------------

def test_metrics_on_a_hand_made_confusion_matrix():
    # 3 negative, 5 positive reviews: 1 true negative, 2 false positives, 1 false negative, 4 true positives
    y_true = np.array([0, 0, 0, 1, 1, 1, 1, 1])
    y_pred = np.array([0, 1, 1, 1, 1, 1, 0, 1])
    m = classification_metrics(y_true, y_pred)
    assert m["confusion_matrix"] == [[1, 2], [1, 4]]  # rows true (negative, positive), columns predicted
    assert m["n"] == 8
    assert m["accuracy"] == pytest.approx(5 / 8)
    assert m["per_class"] == {
        "negative": {"precision": pytest.approx(1 / 2), "recall": pytest.approx(1 / 3), "f1": pytest.approx(0.4),
                     "support": 3},
        "positive": {"precision": pytest.approx(4 / 6), "recall": pytest.approx(4 / 5), "f1": pytest.approx(8 / 11),
                     "support": 5},
    }
    # weighted by support, as in the report: (3 * negative + 5 * positive) / 8
    assert m["precision"] == pytest.approx((3 * 1 / 2 + 5 * 4 / 6) / 8)  # 29/48
    assert m["recall"] == pytest.approx((3 * 1 / 3 + 5 * 4 / 5) / 8)  # = accuracy
    assert m["f1"] == pytest.approx((3 * 0.4 + 5 * 8 / 11) / 8)
    assert set(m) == {"accuracy", "precision", "recall", "f1", "n", "per_class", "confusion_matrix"}


def test_a_class_never_seen_or_predicted_scores_zero_and_the_matrix_stays_two_by_two():
    m = classification_metrics(np.array([1, 1, 1]), np.array([1, 1, 1]))
    assert m["confusion_matrix"] == [[0, 0], [0, 3]]
    assert m["per_class"]["negative"] == {"precision": 0.0, "recall": 0.0, "f1": 0.0, "support": 0}
    assert m["per_class"]["positive"] == {"precision": 1.0, "recall": 1.0, "f1": 1.0, "support": 3}
    assert (m["accuracy"], m["precision"], m["recall"], m["f1"]) == (1.0, 1.0, 1.0, 1.0)


def test_metrics_agree_with_a_hand_computed_confusion_matrix():
    rng = np.random.default_rng(3)
    y_true = rng.integers(0, 2, 400)
    y_pred = np.where(rng.random(400) < 0.8, y_true, 1 - y_true)
    tp = int(((y_true == 1) & (y_pred == 1)).sum())
    tn = int(((y_true == 0) & (y_pred == 0)).sum())
    fp = int(((y_true == 0) & (y_pred == 1)).sum())
    fn = int(((y_true == 1) & (y_pred == 0)).sum())
    m = classification_metrics(y_true, y_pred)
    assert m["confusion_matrix"] == [[tn, fp], [fn, tp]]
    assert m["accuracy"] == pytest.approx((tp + tn) / 400)
    p_pos, r_pos = tp / (tp + fp), tp / (tp + fn)
    p_neg, r_neg = tn / (tn + fn), tn / (tn + fp)
    assert m["per_class"]["positive"]["precision"] == pytest.approx(p_pos)
    assert m["per_class"]["negative"]["recall"] == pytest.approx(r_neg)
    n_pos, n_neg = tp + fn, tn + fp
    assert m["precision"] == pytest.approx((p_pos * n_pos + p_neg * n_neg) / 400)
    assert m["recall"] == pytest.approx((r_pos * n_pos + r_neg * n_neg) / 400)
    f1 = lambda p, r: 2 * p * r / (p + r)  # noqa: E731
    assert m["f1"] == pytest.approx((f1(p_pos, r_pos) * n_pos + f1(p_neg, r_neg) * n_neg) / 400)


# ---- predictions_frame ------------------------------------------------------------------------

def test_predictions_frame_has_every_column_with_exact_values():
    reviews = pd.DataFrame({"id": ["test/neg/1_2", "test/pos/5_9", "test/neg/7_4"],
                            "review": ["awful", "lovely", "so-so"], "label": [0, 1, 0]}, index=[10, 11, 12])
    frame = predictions_frame(reviews, np.array([0.2, 0.49999, 0.5000004]))
    assert list(frame.columns) == ["id", "review", "sentiment", "predicted", "p_positive"]
    assert frame.to_dict("list") == {
        "id": ["test/neg/1_2", "test/pos/5_9", "test/neg/7_4"],
        "review": ["awful", "lovely", "so-so"],
        "sentiment": ["negative", "positive", "negative"],
        # the label comes from the unrounded P(positive); the table keeps 6 decimals
        "predicted": ["negative", "negative", "positive"],
        "p_positive": [0.2, 0.49999, 0.5],
    }


def test_predictions_frame_without_labels_has_no_sentiment_column():
    reviews = pd.DataFrame({"id": ["a.csv:1", "a.csv:2"], "review": ["x", "y"]})
    frame = predictions_frame(reviews, np.array([0.123456789, 0.9]))
    assert list(frame.columns) == ["id", "review", "predicted", "p_positive"]
    assert frame["predicted"].tolist() == ["negative", "positive"]
    assert frame["p_positive"].tolist() == [0.123457, 0.9]


# ---- predict_proba and evaluate, with a model whose answers are known -------------------------

def test_p_positive_comes_back_in_input_order_across_batches_sorted_by_length(counting, tokenizer, precision):
    texts = ["bad", "good good and some more words to make it the longest", "good",
             "good bad", "bad bad said the critic"]
    p = predict_proba(counting, tokenizer, texts, max_length=64, device="cpu", precision=precision, batch_size=2)
    assert p.dtype == np.float64
    np.testing.assert_allclose(p, [sigmoid(-1), sigmoid(2), sigmoid(1), 0.5, sigmoid(-2)], atol=1e-6)


def test_the_model_reads_the_head_and_tail_of_a_long_review(counting, tokenizer, precision):
    # 7 content tokens, max_length 6: 4 fit, the first (head) and the last three (tail) are kept:
    # "bad" + "good bad bad" -> 1 - 3 = -2. Keeping the start only would give +2, the end only 0, all of it +1.
    text = "bad good good good good bad bad"
    (p,) = predict_proba(counting, tokenizer, [text], max_length=6, device="cpu", precision=precision)
    assert p == pytest.approx(sigmoid(-2), abs=1e-6)


def test_predict_proba_refuses_an_unresolved_precision(counting, tokenizer):
    with pytest.raises(TypeError, match="'auto' is not resolved"):
        predict_proba(counting, tokenizer, ["good"], 64, "cpu", "auto")


def test_evaluate_returns_metrics_the_table_and_timings(counting, tokenizer, precision):
    reviews = pd.DataFrame({"id": ["r1", "r2", "r3", "r4"], "review": ["good", "bad", "good bad", "bad bad"],
                            "label": [1, 1, 0, 0]})
    metrics, table, timings = evaluate(counting, tokenizer, reviews, 64, "cpu", precision, batch_size=3)
    # predicted: positive, negative, positive (exactly 0.5), negative
    assert table["predicted"].tolist() == ["positive", "negative", "positive", "negative"]
    assert metrics["confusion_matrix"] == [[1, 1], [1, 1]] and metrics["accuracy"] == 0.5
    assert table["p_positive"].tolist() == [round(sigmoid(1), 6), round(sigmoid(-1), 6), 0.5, round(sigmoid(-2), 6)]
    assert set(timings) == {"evaluation_s", "evaluation_reviews_per_s"}
    assert timings["evaluation_reviews_per_s"] == pytest.approx(4 / timings["evaluation_s"])
