"""sentiment.predictor.Predictor: what ``predict``, ``evaluate`` and the app show for a text."""
import math

import pytest
import torch

from sentiment import devices
from sentiment.errors import DataError
from sentiment.predictor import Predictor
from toy_models import CountingModel


def sigmoid(x: float) -> float:
    return 1 / (1 + math.exp(-x))


@pytest.fixture
def predictor(tokenizer, precision):
    """The counting model's answers are small whole numbers, exact in bf16 too: the same figures on both paths."""
    return Predictor(CountingModel(tokenizer), tokenizer, max_length=16, device="cpu", precision=precision)


def test_predict_gives_label_and_probability_in_input_order(predictor):
    rows = predictor.predict(["good", "bad", "good bad", "bad bad good"], batch_size=3)
    assert [r["label"] for r in rows] == ["positive", "negative", "positive", "negative"]  # 0.5 is positive
    assert [r["p_positive"] for r in rows] == pytest.approx([sigmoid(1), sigmoid(-1), 0.5, sigmoid(-1)], abs=1e-6)
    assert all(set(r) == {"label", "p_positive"} and type(r["p_positive"]) is float for r in rows)


def test_an_empty_review_names_its_number(predictor):
    # HTML line breaks are no text: a review of nothing else is empty
    with pytest.raises(DataError, match="^review 2 is empty$"):
        predictor.p_positive(["good", "  <br />  "])


def test_the_predictor_reads_only_max_length_tokens(tokenizer):
    # 6 tokens with max_length 6: 4 content tokens fit, the first and the last three: bad + good bad bad
    short = Predictor(CountingModel(tokenizer), tokenizer, max_length=6, precision="fp32")
    assert short.p_positive(["bad good good good good bad bad"])[0] == pytest.approx(sigmoid(-2), abs=1e-6)


@pytest.mark.parametrize("has_bf16, expected", [(True, "bf16"), (False, "fp32")])
def test_device_and_precision_are_resolved_once(tokenizer, monkeypatch, has_bf16, expected):
    monkeypatch.setattr(devices, "cpu_has_bf16", lambda: has_bf16)
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    monkeypatch.setattr(devices, "mps_available", lambda: False)
    predictor = Predictor(CountingModel(tokenizer), tokenizer, max_length=16, device="auto", precision="auto")
    assert (predictor.device, predictor.precision) == ("cpu", expected)


def test_from_pretrained_reads_the_checkpoints_max_length(tiny_model_dir):
    loaded = Predictor.from_pretrained(tiny_model_dir, precision="fp32")
    assert (loaded.max_length, loaded.device, loaded.precision) == (64, "cpu", "fp32")
    assert not loaded.model.training  # ready to run: dropout off
