"""explain/margin.py: the logit margin every explanation explains, on logits and as the forward Captum
differentiates."""
import pytest
import torch

from explain.margin import margin, margin_forward
from toy_models import BagOfWords


def test_margin_is_the_target_logit_minus_the_other():
    logits = torch.tensor([[1.0, 3.0], [2.0, -1.5]])
    assert margin(logits, 1).tolist() == [2.0, -3.5]
    assert margin(logits, 0).tolist() == [-2.0, 3.5]
    assert margin(torch.tensor([0.5, 2.0]), 0).item() == -1.5


def test_only_two_class_models_are_explained():
    with pytest.raises(ValueError, match="expected a two-class classifier, got 3 labels"):
        margin_forward(BagOfWords({}, num_labels=3), 1, "fp32")


def test_margin_forward_is_the_target_logit_minus_the_other():
    model = BagOfWords({1000: 2.0, 1001: -0.5})
    ids = torch.tensor([[1000, 1001], [1001, 1001]])
    assert margin_forward(model, 1, "fp32")(ids).tolist() == [1.5, -1.0]
    assert margin_forward(model, 0, "fp32")(ids).tolist() == [-1.5, 1.0]
    assert margin_forward(model, 1, "fp32", embeddings=True)(model.embeddings(ids)).tolist() == [1.5, -1.0]
