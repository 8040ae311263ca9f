"""explain/baseline.py: the review with its words taken out, fixed or calibrated to read as neutral.

A linear toy model (the margin is the sum of the embeddings' components) has a neutral vector that can be
solved by hand; the tiny random-weight BERT checks the calibration where the margin is not linear.
"""
from types import SimpleNamespace

import pytest
import torch

from explain import Explainer
from explain.baseline import TOLERANCE, BaselineVectors, baseline_embeddings, content_positions, pad_baseline
from explain.margin import margin_forward
from toy_models import BagOfWords

REVIEW = "A wonderful, moving film. The acting isn't great, but I can't stop thinking about it!"


CLS, SEP, PAD, UNK, MASK = 101, 102, 0, 100, 103
# [CLS] leans positive by 1.0 and [PAD] by 0.2 per position: an empty review of L tokens reads
# 1.0 + 0.2 (L - 2). The neutral vector v must make 1.0 + (L - 2) sum(v) = 0: sum(v) = -1 / (L - 2).
TOY = {CLS: 1.0, PAD: 0.2, UNK: -3.0, MASK: 4.0}


def test_content_positions_are_everything_but_cls_and_sep(tokenizer):
    ids = torch.tensor([[CLS, 7, 8, SEP, PAD]])
    assert content_positions(ids, tokenizer).tolist() == [[False, True, True, False, True]]


def test_baseline_keeps_cls_and_sep_and_pads_the_rest(tokenizer):
    ids = torch.tensor([tokenizer("good film")["input_ids"]])
    baseline = pad_baseline(ids, tokenizer)[0].tolist()
    assert baseline == [tokenizer.cls_token_id, tokenizer.pad_token_id, tokenizer.pad_token_id,
                        tokenizer.sep_token_id]


def test_fixed_baselines_put_that_tokens_vector_at_every_word(tokenizer):
    model = BagOfWords(TOY)
    assert BaselineVectors(model, tokenizer, "pad", "fp32").vector(8).tolist() == pytest.approx([0.6, -0.4])
    assert BaselineVectors(model, tokenizer, "unk", "fp32").vector(8).tolist() == pytest.approx([-1.0, -2.0])
    assert BaselineVectors(model, tokenizer, "mask", "fp32").vector(8).tolist() == pytest.approx([2.5, 1.5])
    assert BaselineVectors(model, tokenizer, "zero", "fp32").vector(8).tolist() == [0.0, 0.0]
    ids = torch.tensor([[CLS, 1000, 1001, SEP]])
    # [CLS] and [SEP] keep their own embeddings: (1.0, 0.0) and (0.5, -0.5)
    assert BaselineVectors(model, tokenizer, "unk", "fp32").embeddings(ids).tolist() == [
        [[1.0, 0.0], [-1.0, -2.0], [-1.0, -2.0], [0.5, -0.5]]]
    assert baseline_embeddings(model, tokenizer, ids, torch.tensor([9.0, 8.0])).tolist() == [
        [[1.0, 0.0], [9.0, 8.0], [9.0, 8.0], [0.5, -0.5]]]


def test_an_unknown_baseline_is_refused(tokenizer):
    with pytest.raises(ValueError, match="baseline 'blank' is not one of neutral, pad, mask, unk, zero"):
        BaselineVectors(BagOfWords(TOY), tokenizer, "blank", "fp32")


def empty_review_margin(model, baselines, length):
    ids = torch.tensor([[CLS, *[PAD] * (length - 2), SEP]])
    return float(margin_forward(model, 1, "fp32", embeddings=True)(baselines.embeddings(ids)))


def test_the_neutral_vector_of_a_linear_model_is_solved_exactly_for_each_length(tokenizer):
    model = BagOfWords(TOY)
    neutral = BaselineVectors(model, tokenizer, "neutral", "fp32", max_length=64)
    # 64 first (a Newton step), then 40 and 10, each more than NEIGHBOUR_GAP tokens from any calibrated
    # length, so each is solved by a secant step from [PAD]: exact on a linear margin.
    for length in (64, 40, 10):
        # moved from [PAD] (0.6, -0.4) along the margin's gradient (1, 1) until sum(v) = -1 / (L - 2)
        shift = (-1 / (length - 2) - 0.2) / 2
        assert neutral.vector(length).tolist() == pytest.approx([0.6 + shift, -0.4 + shift], abs=1e-5), length
        assert empty_review_margin(model, neutral, length) == pytest.approx(0.0, abs=1e-4)
    # 45 starts from 40's root, close enough to be kept: neutral within the tolerance, still along (1, 1)
    v = neutral.vector(45)
    assert abs(empty_review_margin(model, neutral, 45)) <= TOLERANCE
    assert float(v[0]) - 0.6 == pytest.approx(float(v[1]) + 0.4, abs=1e-6)
    assert float(v[0]) - 0.6 < 0
    assert neutral.vector(10) is neutral.vector(10)  # calibrated once per length
    neutral.clear()
    assert neutral.vector(10).tolist() == pytest.approx([0.6 - 0.1625, -0.4 - 0.1625], abs=1e-5)


def test_a_model_that_reads_every_word_vector_alike_keeps_pad(tokenizer):
    # the margin does not depend on the baseline's words at all: no direction to move in
    class Constant(BagOfWords):
        def forward(self, input_ids=None, attention_mask=None, inputs_embeds=None):
            x = self.embeddings(input_ids) if inputs_embeds is None else inputs_embeds
            positive = x.sum((1, 2)) * 0 + 0.75  # in the graph, with a zero gradient
            return SimpleNamespace(logits=torch.stack([torch.zeros_like(positive), positive], -1))

    neutral = BaselineVectors(Constant(TOY), tokenizer, "neutral", "fp32", max_length=16)
    assert neutral.vector(10).tolist() == pytest.approx([0.6, -0.4])


# --- on the tiny BERT ------------------------------------------------------------------------


def test_neutral_baseline_reads_as_neutral_on_a_tiny_model(explainer):
    model, tokenizer = explainer.model, explainer.tokenizer
    pad_only = BaselineVectors(model, tokenizer, "pad", "fp32")
    neutral = BaselineVectors(model, tokenizer, "neutral", "fp32", max_length=explainer.max_length)
    # 24 and 40 start from calibrated neighbours (24 from 23, 40 from 24: within NEIGHBOUR_GAP), the others from [PAD]
    for length in (6, 23, 24, 40, 64):
        if length in (24, 40):
            assert neutral._neighbours_root(length) is not None
        ids = torch.tensor([[tokenizer.cls_token_id, *[tokenizer.pad_token_id] * (length - 2), tokenizer.sep_token_id]])
        m_pad, m_neutral = margin_forward(model, 1, "fp32", embeddings=True)(
            torch.cat([pad_only.embeddings(ids), neutral.embeddings(ids)])).tolist()
        assert abs(m_pad) > 4 * TOLERANCE  # [PAD] leans: otherwise there is nothing to calibrate
        assert abs(m_neutral) <= TOLERANCE, (length, m_pad, m_neutral)
        # still the review with its words taken out: [PAD] (zero in a fresh model), moved by less than a word
        shift = neutral.vector(length) - pad_only.vector(length)
        assert 0 < float(shift.norm()) < float(model.get_input_embeddings().weight.detach().norm(dim=1).mean())
    e = explainer.explain(REVIEW, n_steps=4)
    assert e.baseline == "neutral" and e.baseline_p_positive == pytest.approx(0.5, abs=0.02)
    assert Explainer(model, tokenizer, 64, baseline="pad").explain(REVIEW, n_steps=4).baseline_p_positive != \
        pytest.approx(0.5, abs=0.02)


def test_the_calibration_hands_on_the_margin_it_measured_so_explanations_need_not_run_it(tokenizer):
    model = BagOfWords(TOY)
    # tolerance 0.2: 45 tokens keeps 40's root, as close enough, without solving its own
    neutral = BaselineVectors(model, tokenizer, "neutral", "fp32", max_length=64, tolerance=0.2)
    review = lambda length: torch.tensor([[CLS, *[2204] * (length - 2), SEP]])  # noqa: E731
    embeddings, measured = neutral.embeddings_and_margin(review(40))
    assert torch.equal(embeddings, neutral.embeddings(review(40)))
    assert measured == pytest.approx(0.0, abs=1e-5)  # solved exactly: the margin is linear
    _, measured = neutral.embeddings_and_margin(review(45))
    # 40's root, sum(v) = -1 / 38, read at 45 tokens: 1.0 + 43 * sum(v)
    assert measured == pytest.approx(1.0 - 43 / 38, abs=1e-5)
    assert measured == pytest.approx(empty_review_margin(model, neutral, 45), abs=1e-6)
    # a [SEP] among the words (ids built by hand) is kept by the baseline: not the empty review, so nothing measured it
    assert neutral.embeddings_and_margin(torch.tensor([[CLS, *[2204] * 20, SEP, *[2204] * 22, SEP]]))[1] is None
    # the fixed references are never measured; after clear() the margin is the new calibration's
    assert BaselineVectors(model, tokenizer, "pad", "fp32").embeddings_and_margin(review(45))[1] is None
    neutral.clear()
    assert neutral.embeddings_and_margin(review(45))[1] == pytest.approx(0.0, abs=1e-5)  # solved from [PAD] now
