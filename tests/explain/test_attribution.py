"""explain/attribution.py: integrated gradients of the logit margin on the word embeddings.

A linear toy model gives exact attributions; a tiny random-weight BERT (weights large enough that margins
differ from review to baseline) checks completeness, the adaptive steps and agreement with a plain Captum call.
"""

import pytest
import torch
from captum.attr import LayerIntegratedGradients

from explain import Explainer, attribution
from explain.attribution import (DEFAULT_STEPS, IGResult, allocate_steps, completeness_error, first_pass_steps,
                                 integrated_gradients, refined_steps, relative_delta)
from explain.baseline import pad_baseline
from explain.margin import margin_forward
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


def test_the_first_pass_shares_fewer_nodes_on_longer_sequences():
    assert [first_pass_steps(n) for n in (3, 256, 257, 300, 341, 342, 409, 410, 512)] == [8, 8, 7, 6, 6, 5, 5, 4, 4]


def test_steps_go_where_the_margin_changes():
    assert allocate_steps([0.0, 0.1, 3.0, 1.0], total=10, minimum=2) == [2, 2, 7, 2]
    assert allocate_steps([0.0, 0.1, 3.0, 1.0], total=6, minimum=1) == [1, 1, 4, 1]
    assert allocate_steps([0.0, -3.0, 1.0, 0.0], total=8, minimum=1) == [1, 6, 2, 1]  # a fall counts as a change
    assert allocate_steps([0.0, 0.0, 0.0, 0.0], minimum=2) == [2, 2, 2, 2]


# --- on the tiny BERT ------------------------------------------------------------------------

def test_completeness_holds_on_a_tiny_model(explainer_in):
    """On both precision paths: the figures an explanation reports are its own scores' figures."""
    e = explainer_in.explain(REVIEW, n_steps=32)
    assert e.precision == explainer_in.precision
    difference = e.margin_input - e.margin_baseline
    assert abs(difference) > 1e-4  # otherwise the check below says nothing
    word_sum = sum(w.score for w in e.words)
    # [CLS]/[SEP] are identical in input and baseline, so words carry everything.
    assert word_sum == pytest.approx(e.attribution_sum, rel=1e-5, abs=1e-6)
    assert abs(word_sum - difference) <= 0.02 * abs(difference)
    assert e.relative_delta == pytest.approx(abs(word_sum - difference) / abs(difference), rel=1e-3, abs=1e-6)
    # The completeness error divides by the mass of the word-piece scores: "isn't" and "can't" are three
    # pieces each, and pieces of one word can pull opposite ways, so the word mass can only be smaller.
    mass = sum(abs(w.score) for w in e.words)
    assert mass <= e.attribution_mass + 1e-6
    assert e.convergence_delta == pytest.approx(e.attribution_sum - difference, rel=1e-6, abs=1e-9)
    assert e.completeness_error == pytest.approx(abs(e.convergence_delta) / max(e.attribution_mass, abs(difference)),
                                                 rel=1e-6, abs=1e-12)


def test_the_attribution_mass_is_the_word_pieces_not_the_words(tokenizer):
    # "good" is one piece, "isn't" three (isn ' t); with the pieces of "isn't" scored +1, -1 and +0.5
    # the word scores +0.5 but its pieces weigh 2.5: the mass is 1.5 (good) + 2.5, not 1.5 + 0.5.
    from explain.words import merge_word_pieces

    text = "good isn't"
    encoded = tokenizer(text, return_offsets_mapping=True, add_special_tokens=False)
    assert len(encoded["input_ids"]) == 4
    words = merge_word_pieces(text, encoded["offset_mapping"], [1.5, 1.0, -1.0, 0.5])
    assert [(w.word, w.score) for w in words] == [("good", 1.5), ("isn't", 0.5)]
    result = IGResult(torch.tensor([0.0, 1.5, 1.0, -1.0, 0.5, 0.0]), margin_input=2.5, margin_baseline=0.0,
                      n_steps=8)
    assert result.attribution_mass == pytest.approx(4.0)
    assert result.completeness_error == pytest.approx(0.5 / 4.0)


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
    first = integrated_gradients(explainer.model, explainer.tokenizer, ids, target=0, precision="fp32",
                                 max_error=1.0)
    result = integrated_gradients(explainer.model, explainer.tokenizer, ids, target=0, precision="fp32",
                                  max_steps=3 * DEFAULT_STEPS, max_error=0.0)
    assert first.n_steps < result.n_steps < result.steps_computed <= 3 * DEFAULT_STEPS
    assert f"steps raised from {first.n_steps} to {result.n_steps} ({result.steps_computed} computed): completeness error was" in result.steps_note
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
    first = integrated_gradients(explainer.model, explainer.tokenizer, ids, target=0, precision="fp32", max_error=1.0)
    result = integrated_gradients(explainer.model, explainer.tokenizer, ids, target=0, precision="fp32", max_error=0.0)
    # refined, and stopped for the budget, not the error: what was left could not raise the worst part,
    # which has at most n_steps nodes
    assert first.n_steps < result.n_steps < result.steps_computed
    assert result.steps_computed <= 2 * DEFAULT_STEPS <= result.steps_computed + result.n_steps
    assert result.completeness_error > 0


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


# --- the adaptive refinement's bookkeeping, on a model whose every part is known ---------------------
#
# Three word pieces with a 1-d embedding each, the path from 0 to 1 on all three, so that at alpha the
# margin is  alpha**8  (piece A)  - 0.04 * alpha  (B)  + 0.1 * (2 * alpha - 1)**2  (C).  B's and C's
# gradients are constant or linear, which any Gauss-Legendre rule integrates exactly: B is -0.04 and C
# (down by 0.1, then up by 0.1) is 0 whatever the nodes, and only A's parts carry integration error. A
# rule of n nodes is exact up to a gradient of degree 2n - 1, so A's part [0.75, 1] is exact from 4 nodes.
# The margin at the ends of the four parts is 0.1, 0.01502, -0.01609, 0.09511, 1.06: changes of -0.0850,
# -0.0311, 0.1112, 0.9649, hence 1, 1, 1 and 6 of the 8 nodes, 9 in all.

import signal  # noqa: E402
from types import SimpleNamespace  # noqa: E402

import numpy as np  # noqa: E402

from explain.attribution import segmented_integrated_gradients  # noqa: E402

FIRST_STEPS = [1, 1, 1, 6]


class KnownParts(torch.nn.Module):
    device = torch.device("cpu")
    config = SimpleNamespace(num_labels=2)

    def forward(self, inputs_embeds=None, **_):
        a, b, c = inputs_embeds[..., :3, 0].unbind(-1)  # positions past the third play no part
        positive = a ** 8 - 0.04 * b + 0.1 * (2 * c - 1) ** 2
        return SimpleNamespace(logits=torch.stack([torch.zeros_like(positive), positive], -1))


def _a_by_hand(steps: list[int]) -> float:
    """Piece A's attribution with ``steps[i]`` Gauss-Legendre nodes on part i: the integral of
    8 alpha**7 over each quarter of [0, 1] by that rule (numpy's nodes, summed here)."""
    total = 0.0
    for i, n in enumerate(steps):
        a, b = i / 4, (i + 1) / 4
        nodes, weights = np.polynomial.legendre.leggauss(n)
        total += (b - a) / 2 * sum(w * 8 * (a + (b - a) * (t + 1) / 2) ** 7 for t, w in zip(nodes, weights))
    return total


@pytest.fixture
def captum_calls(monkeypatch):
    """(parts, nodes) of each Captum call: piece A starts each part at its alpha, so part = 4 * start."""
    calls = []

    class Recording(attribution.IntegratedGradients):
        def attribute(self, inputs, baselines, n_steps, **kwargs):
            calls.append((sorted(round(4 * float(s)) for s in baselines[:, 0, 0]), n_steps))
            return super().attribute(inputs, baselines=baselines, n_steps=n_steps, **kwargs)

    monkeypatch.setattr(attribution, "IntegratedGradients", Recording)
    return calls


def _explain_known_parts(seconds: float = 30, length: int = 3, **kwargs):
    """The refinement on ``KnownParts``; a loop that does not end (a budget it never reaches) fails the
    test after ``seconds`` instead of hanging the suite (where the platform has interval timers)."""
    def give_up(*_):
        raise TimeoutError(f"the refinement ran over {seconds} s: does it reach its step budget?")

    timer = getattr(signal, "setitimer", None)
    previous = signal.signal(signal.SIGALRM, give_up) if timer else None
    if timer:
        timer(signal.ITIMER_REAL, seconds)
    try:
        return segmented_integrated_gradients(KnownParts(), torch.ones(1, length, 1), torch.zeros(1, length, 1),
                                              target=1, precision="fp32", **kwargs)
    finally:
        if timer:
            timer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)


def test_refinement_raises_the_worst_part_and_the_result_is_the_sum_of_the_parts(captum_calls):
    result = _explain_known_parts()
    # the first pass: parts of equal nodes share one call; then the worst part, 2 (A's midpoint rule there
    # is off by -0.0217, on parts 0 and 1 by -0.00001 and -0.0018), raised to 2 nodes, and nothing else
    assert sorted(captum_calls) == [([0, 1, 2], 1), ([2], 2), ([3], 6)] and captum_calls[-1] == ([2], 2)
    assert (result.n_steps, result.steps_computed) == (10, 11)  # part 2's first node computed, then dropped
    assert (result.margin_input, result.margin_baseline) == pytest.approx((1.06, 0.1), abs=1e-6)
    a = _a_by_hand([1, 1, 2, 6])
    assert a == pytest.approx(1 - 0.0021940, abs=1e-7)
    assert result.token_attributions.tolist() == pytest.approx([a, -0.04, 0.0], abs=2e-6)
    # completeness: the delta over the mass of the pieces' (not the parts') scores, |A| + |B| + |C|
    assert result.completeness_error == pytest.approx((1 - a) / (a + 0.04), rel=1e-3)
    first = (1 - _a_by_hand(FIRST_STEPS)) / (_a_by_hand(FIRST_STEPS) + 0.04)
    assert first == pytest.approx(0.02314, abs=1e-5)
    assert result.steps_note == "steps raised from 9 to 10 (11 computed): completeness error was 2.3% (> 2%), now 0.2%"


def test_each_refinement_goes_to_the_part_worst_now_and_the_last_stops_at_the_budget(captum_calls):
    result = _explain_known_parts(max_error=0.0, max_steps=16)
    # worst each time: part 2 (-0.0217) raised to 2 nodes, part 1 (-0.0018) to 2, part 2 (2 nodes:
    # -0.00037) to 3: 9 + 2 + 2 + 3 = 16 steps computed, the budget; part 1 (2 nodes: -0.00008) would
    # need 3 more
    assert captum_calls[2:] == [([2], 2), ([1], 2), ([2], 3)]
    assert (result.n_steps, result.steps_computed) == (12, 16)
    a = _a_by_hand([1, 2, 3, 6])
    assert result.token_attributions.tolist() == pytest.approx([a, -0.04, 0.0], abs=2e-6)
    assert result.steps_note == ("steps raised from 9 to 12 (16 computed): completeness error was 2.3% (> 0%), now 0.0%; "
                                 "still above the target")
    # a budget that cannot pay for the next raise stops before it: 9 + 2 + 2 = 13 of 15
    assert _explain_known_parts(max_error=0.0, max_steps=15).steps_computed == 13


def test_a_refined_part_gets_one_more_node_up_to_three_then_half_as_many_again():
    assert [refined_steps(n) for n in (1, 2, 3, 4, 5, 6, 9, 13)] == [2, 3, 4, 6, 7, 9, 13, 19]


def test_the_first_allocation_runs_whatever_the_budget(captum_calls):
    result = _explain_known_parts(max_steps=9)
    assert sorted(captum_calls) == [([0, 1, 2], 1), ([3], 6)]
    assert result.n_steps == 9 and result.steps_note is None  # nothing raised, nothing to say
    a = _a_by_hand(FIRST_STEPS)
    assert result.token_attributions.tolist() == pytest.approx([a, -0.04, 0.0], abs=2e-6)
    assert result.completeness_error == pytest.approx(0.02314, abs=1e-5)  # over the target: the flag's to say
    # a budget smaller than the first pass: the first pass all the same, and nothing after it
    captum_calls.clear()
    result = _explain_known_parts(max_steps=5)
    assert sorted(captum_calls) == [([0, 1, 2], 1), ([3], 6)]
    assert (result.n_steps, result.steps_computed, result.steps_note) == (9, 9, None)


def test_given_margins_are_the_ends_of_the_path_and_are_not_computed_again(captum_calls, monkeypatch):
    rows = []
    real = KnownParts.forward
    monkeypatch.setattr(KnownParts, "forward", lambda self, inputs_embeds=None, **_: rows.append(
        inputs_embeds.shape[0]) or real(self, inputs_embeds))
    result = _explain_known_parts(margins=(1.06, 0.1))
    assert rows[0] == 3  # the margin at the three inner ends only; f(input) and f(baseline) were given
    assert (result.margin_input, result.margin_baseline) == (1.06, 0.1)
    assert result.n_steps == 10 and captum_calls[-1] == ([2], 2)
    assert result.token_attributions.tolist() == pytest.approx([_a_by_hand([1, 1, 2, 6]), -0.04, 0.0], abs=2e-6)


def test_a_long_sequence_starts_from_fewer_nodes_placed_the_same_way(captum_calls):
    # 512 positions, the same three pieces: 4 first nodes, shared as round(4 * change / total) with at least
    # one a part: 1, 1, 1 and 3 (6 in all); then the worst part, 2, raised as before
    result = _explain_known_parts(length=512)
    assert captum_calls == [([0, 1, 2], 1), ([3], 3), ([2], 2)]
    assert (result.n_steps, result.steps_computed) == (7, 8)
    assert result.token_attributions[:3].tolist() == pytest.approx([_a_by_hand([1, 1, 2, 3]), -0.04, 0.0], abs=2e-6)
    assert result.token_attributions[3:].abs().max() == 0
    assert result.steps_note == "steps raised from 6 to 7 (8 computed): completeness error was 2.3% (> 2%), now 0.2%"
