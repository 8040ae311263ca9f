"""explain/variants.py: a review with words dropped or kept, and the batched forward passes over such variants."""
import pytest
import torch

from explain.variants import batched_logits, only_positions, without_positions
from toy_models import CLS, PAD, SEP, BagOfWords


def test_without_positions_drops_those_tokens_and_keeps_the_rest_in_order():
    ids = [CLS, 5, 6, 7, 8, SEP]
    assert without_positions(ids, [1, 3]) == [CLS, 6, 8, SEP]
    assert without_positions(ids, {4, 2, 2}) == [CLS, 5, 7, SEP]
    assert without_positions(ids, []) == ids


def test_only_positions_keeps_cls_those_tokens_in_reading_order_and_sep():
    ids = [CLS, 5, 6, 7, 8, SEP]
    assert only_positions(ids, [3, 1]) == [CLS, 5, 7, SEP]
    assert only_positions(ids, []) == [CLS, SEP]
    assert only_positions(ids, [1, 2, 3, 4]) == ids


def test_batched_logits_pad_each_batch_and_keep_the_input_order(tokenizer):
    model = BagOfWords({PAD: 10.0, 1000: 1.0, 1001: -2.0, 1002: 0.25})
    sequences = [[CLS, 1000, SEP], [CLS, 1001, 1002, 1000, SEP], [CLS, SEP], [CLS, 1002, 1002, SEP],
                 [CLS, 1001, SEP]]
    logits = batched_logits(model, tokenizer, sequences, "fp32", batch_size=2)
    assert logits.dtype == torch.float32
    assert logits.tolist() == [[0.0, 1.0], [0.0, -0.75], [0.0, 0.0], [0.0, 0.5], [0.0, -2.0]]
    assert batched_logits(model, tokenizer, sequences, "fp32", batch_size=32).tolist() == logits.tolist()


def test_batched_logits_of_nothing_is_an_empty_table(tokenizer):
    assert batched_logits(BagOfWords({}), tokenizer, [], "fp32").shape == (0, 2)


def test_batched_logits_need_a_resolved_precision(tokenizer):
    with pytest.raises(TypeError, match="precision .auto. is not resolved"):
        batched_logits(BagOfWords({}), tokenizer, [[CLS, SEP]], "auto")
