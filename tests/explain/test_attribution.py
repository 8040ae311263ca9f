"""explain/attribution.py: integrated gradients of the logit margin on the word embeddings.

A linear toy model gives exact attributions; a tiny random-weight BERT (weights large enough that margins
differ from review to baseline) checks completeness, the adaptive steps and agreement with a plain Captum call.
"""

import pytest
import torch
from captum.attr import LayerIntegratedGradients

from explain import Explainer, attribution
from explain.attribution import (DEFAULT_STEPS, IGResult, allocate_steps, completeness_error,
                                 integrated_gradients, margin_forward, pad_baseline, relative_delta)
from toy_models import CLS, PAD, SEP, BagOfWords

REVIEW = "A wonderful, moving film. The acting isn't great, but I can't stop thinking about it!"


# [CLS] 0.25, [PAD] 0.5 (the baseline's word), two words 2.0 and -0.5, [SEP] 0.
TOY = {CLS: 0.25, PAD: 0.5, 1000: 2.0, 1001: -0.5}


@pytest.mark.parametrize("n_steps", [1, 4, None])  # None: the adaptive rule
def test_attributions_of_a_linear_model_are_its_weights_minus_the_baselines(tokenizer, n_steps):
    model = BagOfWords(TOY)
    result = integrated_gradients(model, tokenizer, [CLS, 1000, 1001, SEP], target=1, n_steps=n_steps,
                                  precision="fp32")
    # [CLS] and [SEP] are the same in input and baseline; each word is read against [PAD] (0.5)
    assert result.token_attributions.tolist() == pytest.approx([0.0, 1.5, -1.0, 0.0], abs=1e-6)
    assert (result.margin_input, result.margin_baseline) == pytest.approx((1.75, 1.25), abs=1e-6)
    assert result.convergence_delta == pytest.approx(0.0, abs=1e-6) and result.steps_note is None
    assert result.n_steps == (n_steps or 4 * 2)  # adaptive: the margin changes evenly, 2 nodes in each of 4 parts
    negative = integrated_gradients(model, tokenizer, [CLS, 1000, 1001, SEP], target=0, n_steps=n_steps,
                                    precision="fp32")
    assert negative.token_attributions.tolist() == pytest.approx([0.0, -1.5, 1.0, 0.0], abs=1e-6)
    assert (negative.margin_input, negative.margin_baseline) == pytest.approx((-1.75, -1.25), abs=1e-6)


def test_a_given_baseline_replaces_the_pad_baseline(tokenizer):
    model = BagOfWords(TOY)
    zeros = torch.zeros(1, 4, 2)  # every position, [CLS] too, starts from the zero vector
    result = integrated_gradients(model, tokenizer, torch.tensor([[CLS, 1000, 1001, SEP]]), target=1, n_steps=2,
                                  precision="fp32", baseline=zeros)
    assert result.token_attributions.tolist() == pytest.approx([0.25, 2.0, -0.5, 0.0], abs=1e-6)
    assert (result.margin_input, result.margin_baseline) == pytest.approx((1.75, 0.0), abs=1e-6)


def test_given_margins_are_used_as_they_are(tokenizer):
    result = integrated_gradients(BagOfWords(TOY), tokenizer, [CLS, 1000, SEP], target=1, n_steps=2,
                                  precision="fp32", margins=(7.0, 3.0))
    assert (result.margin_input, result.margin_baseline) == (7.0, 3.0)
    assert result.convergence_delta == pytest.approx(1.5 - 4.0, abs=1e-6)


def test_only_two_class_models_are_explained():
    with pytest.raises(ValueError, match="expected a two-class classifier, got 3 labels"):
        margin_forward(BagOfWords({}, num_labels=3), 1, "fp32")


def test_margin_forward_is_the_target_logit_minus_the_other():
    model = BagOfWords({1000: 2.0, 1001: -0.5})
    ids = torch.tensor([[1000, 1001], [1001, 1001]])
    assert margin_forward(model, 1, "fp32")(ids).tolist() == [1.5, -1.0]
    assert margin_forward(model, 0, "fp32")(ids).tolist() == [-1.5, 1.0]
    assert margin_forward(model, 1, "fp32", embeddings=True)(model.embeddings(ids)).tolist() == [1.5, -1.0]


def test_baseline_keeps_cls_and_sep_and_pads_the_rest(tokenizer):
    ids = torch.tensor([tokenizer("good film")["input_ids"]])
    baseline = pad_baseline(ids, tokenizer)[0].tolist()
    assert baseline == [tokenizer.cls_token_id, tokenizer.pad_token_id, tokenizer.pad_token_id,
                        tokenizer.sep_token_id]


# --- completeness figures --------------------------------------------------------------------

def test_completeness_figures_of_a_result():
    # attributions sum to 1.0 against a margin change of 1.25 - 0.5 = 0.75: delta 0.25
    result = IGResult(torch.tensor([0.0, 1.5, -0.5, 0.0]), margin_input=1.25, margin_baseline=0.5, n_steps=8)
    assert result.attribution_sum == pytest.approx(1.0)
    assert result.convergence_delta == pytest.approx(0.25)
    assert result.attribution_mass == pytest.approx(2.0)
    assert result.completeness_error == pytest.approx(0.25 / 2.0)
    assert result.relative_delta == pytest.approx(0.25 / 0.75)


def test_completeness_error_stays_small_when_input_and_baseline_margins_are_equal():
    # f(input) = f(baseline) exactly, scores that cancel and a small integration error:
    # the relative delta divides by zero, the completeness error does not.
    result = IGResult(torch.tensor([0.0, 1.25, -1.249, 0.0]), margin_input=0.3, margin_baseline=0.3, n_steps=8)
    assert result.convergence_delta == pytest.approx(0.001, abs=1e-6)
    assert result.relative_delta == pytest.approx(0.001 / 1e-12, rel=1e-3)
    assert result.completeness_error == pytest.approx(0.001 / 2.499, rel=1e-3)
    assert completeness_error(0.0, 0.0, 0.0) == 0.0  # nothing at all to explain: no error
    # and bounded: nothing attributed to a change of 1 is an error of 100%, not more
    assert completeness_error(-1.0, 0.0, 1.0) == pytest.approx(1.0)
    assert completeness_error(0.5, 2.0, -1.0) == pytest.approx(0.25)  # the scores' size is the larger
    assert relative_delta(-0.5, -2.0) == pytest.approx(0.25)


def test_steps_go_where_the_margin_changes():
    assert allocate_steps([0.0, 0.1, 3.0, 1.0], total=10, minimum=2) == [2, 2, 7, 2]
    assert allocate_steps([0.0, 0.1, 3.0, 1.0], total=6, minimum=1) == [1, 1, 4, 1]
    assert allocate_steps([0.0, -3.0, 1.0, 0.0], total=8, minimum=1) == [1, 6, 2, 1]  # a fall counts as a change
    assert allocate_steps([0.0, 0.0, 0.0, 0.0], minimum=2) == [2, 2, 2, 2]


# --- on the tiny BERT ------------------------------------------------------------------------

@pytest.fixture(scope="module")
def explainer(tokenizer, tmp_path_factory):
    """A tiny BERT with weights large enough that its margins differ from review to baseline
    (with the default 0.02 init they are ~1e-5 and completeness would be checked on noise)."""
    from conftest import tiny_config
    from transformers import BertForSequenceClassification

    from sentiment.model import save_checkpoint

    torch.manual_seed(0)
    directory = tmp_path_factory.mktemp("tiny-explain")
    save_checkpoint(BertForSequenceClassification(tiny_config(initializer_range=0.2)), tokenizer, directory,
                    max_length=64)
    return Explainer.from_pretrained(directory)


def test_completeness_holds_on_a_tiny_model(explainer):
    e = explainer.explain(REVIEW, n_steps=32)
    difference = e.margin_input - e.margin_baseline
    assert abs(difference) > 1e-4  # otherwise the check below says nothing
    word_sum = sum(w.score for w in e.words)
    # [CLS]/[SEP] are identical in input and baseline, so words carry everything.
    assert word_sum == pytest.approx(e.attribution_sum, rel=1e-5, abs=1e-6)
    assert abs(word_sum - difference) <= 0.02 * abs(difference)
    assert e.relative_delta == pytest.approx(abs(word_sum - difference) / abs(difference), rel=1e-3, abs=1e-6)
    mass = sum(abs(w.score) for w in e.words)  # one piece per word in REVIEW, so token and word mass agree
    assert e.completeness_error == pytest.approx(abs(word_sum - difference) / max(mass, abs(difference)),
                                                 rel=1e-3, abs=1e-6)


def test_margins_and_delta_agree_with_a_plain_captum_call(explainer):
    model, tokenizer = explainer.model, explainer.tokenizer
    ids = torch.tensor([tokenizer(REVIEW)["input_ids"]])
    ours = integrated_gradients(model, tokenizer, ids, target=1, n_steps=16, precision="fp32")
    lig = LayerIntegratedGradients(margin_forward(model, 1, "fp32"), model.get_input_embeddings())
    attributions, delta = lig.attribute(ids, baselines=pad_baseline(ids, tokenizer), n_steps=16,
                                        return_convergence_delta=True)
    torch.testing.assert_close(ours.token_attributions, attributions.sum(-1)[0], rtol=1e-4, atol=1e-6)
    assert ours.convergence_delta == pytest.approx(float(delta), rel=1e-3, abs=1e-6)


def test_steps_are_raised_when_completeness_fails_and_the_result_says_so(explainer):
    ids = torch.tensor([explainer.tokenizer(REVIEW)["input_ids"]])
    result = integrated_gradients(explainer.model, explainer.tokenizer, ids, target=0, precision="fp32",
                                  max_steps=3 * DEFAULT_STEPS, max_error=0.0)
    assert result.n_steps == 3 * DEFAULT_STEPS
    assert f"to {3 * DEFAULT_STEPS}: completeness error was" in result.steps_note
    assert "still above the target" in result.steps_note
    assert integrated_gradients(explainer.model, explainer.tokenizer, ids, target=0, precision="fp32",
                                max_error=1.0).steps_note is None


def test_refinement_stops_on_the_completeness_error_not_the_relative_delta(explainer):
    ids = torch.tensor([explainer.tokenizer(REVIEW)["input_ids"]])
    first = integrated_gradients(explainer.model, explainer.tokenizer, ids, target=0, precision="fp32", max_error=1.0)
    assert first.relative_delta > 1.2 * first.completeness_error > 0  # the scores cancel, so the figures differ
    between = (first.relative_delta * first.completeness_error) ** 0.5
    again = integrated_gradients(explainer.model, explainer.tokenizer, ids, target=0, precision="fp32",
                                 max_error=between)
    assert again.steps_note is None and again.n_steps == first.n_steps


def test_refinement_stops_at_the_step_budget_of_the_sequence_length(explainer, monkeypatch):
    ids = torch.tensor([explainer.tokenizer(REVIEW)["input_ids"]])
    monkeypatch.setattr(attribution, "STEP_TOKEN_BUDGET", 2 * DEFAULT_STEPS * ids.shape[1])
    result = integrated_gradients(explainer.model, explainer.tokenizer, ids, target=0, precision="fp32", max_error=0.0)
    assert result.n_steps == 2 * DEFAULT_STEPS


def test_adaptive_segments_agree_with_captum_on_the_whole_path(explainer):
    model, tokenizer = explainer.model, explainer.tokenizer
    ids = torch.tensor([tokenizer(REVIEW)["input_ids"]])
    adaptive = integrated_gradients(model, tokenizer, ids, target=1, precision="fp32", max_error=1e-3)
    fine = integrated_gradients(model, tokenizer, ids, target=1, precision="fp32", n_steps=64)
    assert adaptive.completeness_error <= 1e-3 or adaptive.steps_note
    assert adaptive.margin_input == pytest.approx(fine.margin_input, abs=1e-4)
    assert adaptive.margin_baseline == pytest.approx(fine.margin_baseline, abs=1e-4)
    scale = float(fine.token_attributions.abs().max())
    torch.testing.assert_close(adaptive.token_attributions, fine.token_attributions, rtol=0, atol=0.02 * scale)
