"""explain/explainer.py: ``Explainer.explain`` and the ``Explanation`` it returns.

Exact values come from a linear toy model whose logits are sums of token weights (integrated gradients
and occlusion are then exact), and from hand-made explanations; a tiny random-weight BERT checks the
real pipeline against independent forward passes; the shipped checkpoint, when present, one known word.
"""
import json
import math
from pathlib import Path

import pytest
import torch

from explain import Explainer
from explain.explainer import MAX_STEPS, Explanation
from explain.words import DroppedSpan, Word
from sentiment.devices import autocast
from sentiment.errors import ArgumentError, DataError
from sentiment.labels import LABELS
from sentiment.tokenization import encode
from toy_models import BagOfWords

SHIPPED = Path(__file__).resolve().parents[2] / "checkpoints" / "minilm-imdb-25k"
REVIEW = "A wonderful, moving film. The acting isn't great, but I can't stop thinking about it!"


def sigmoid(x):
    return 1 / (1 + math.exp(-x))


# "Good film, isn't bad": good film , isn ' t bad; "isn't" is three pieces worth 0.25 + 0 - 0.75.
WEIGHTS = {"good": 2.0, "film": 0.5, ",": 0.0, "isn": 0.25, "'": 0.0, "t": -0.75, "bad": -1.0}


@pytest.fixture(scope="module")
def toy(tokenizer):
    """An explainer on the toy model, from the [PAD] baseline (weight 0): a word's score toward positive is
    exactly the sum of its pieces' weights, and the margin is exactly the sum of all weights."""
    ids = {tokenizer.convert_tokens_to_ids(token): w for token, w in WEIGHTS.items()}
    return Explainer(BagOfWords(ids), tokenizer, max_length=64, precision="fp32", baseline="pad")


def scores(e):
    return [(w.word, w.start, w.end, round(w.score, 6)) for w in e.words]


@pytest.mark.parametrize("method", ["ig", "occlusion"])
def test_default_target_is_the_predicted_class_with_scores_toward_it(toy, method):
    e = toy.explain("Good film, isn't bad", method=method)
    # margin 2 + 0.5 + 0.25 - 0.75 - 1 = 1.0 toward positive
    assert (e.label, e.target, e.method) == ("positive", "positive", method)
    assert e.p_positive == pytest.approx(sigmoid(1.0), abs=1e-6)
    assert e.margin_input == pytest.approx(1.0, abs=1e-6)
    assert scores(e) == [("Good", 0, 4, 2.0), ("film", 5, 9, 0.5), (",", 9, 10, 0.0), ("isn't", 11, 16, -0.5),
                         ("bad", 17, 20, -1.0)]
    assert e.token_groups == [[1], [2], [3], [4, 5, 6], [7]]
    assert e.input_ids == toy.tokenizer("Good film, isn't bad")["input_ids"]

    e = toy.explain("bad film", method=method)
    # margin -1 + 0.5 = -0.5 toward positive: predicted negative, scores toward negative
    assert (e.label, e.target) == ("negative", "negative")
    assert e.p_positive == pytest.approx(sigmoid(-0.5), abs=1e-6)
    assert e.margin_input == pytest.approx(0.5, abs=1e-6)
    assert scores(e) == [("bad", 0, 3, 1.0), ("film", 4, 8, -0.5)]


def test_an_explicit_target_explains_that_class_whatever_the_prediction(toy):
    e = toy.explain("Good film, isn't bad", target="negative")
    assert (e.label, e.target) == ("positive", "negative")
    assert e.margin_input == pytest.approx(-1.0, abs=1e-6)
    assert scores(e) == [("Good", 0, 4, -2.0), ("film", 5, 9, -0.5), (",", 9, 10, 0.0), ("isn't", 11, 16, 0.5),
                         ("bad", 17, 20, 1.0)]
    assert toy.explain("Good film, isn't bad", target=0).target == "negative"
    assert toy.explain("Good film, isn't bad", target="POSITIVE").target == "positive"


def test_integrated_gradients_on_the_toy_model_are_complete(toy):
    e = toy.explain("Good film, isn't bad")
    assert (e.baseline, e.margin_baseline, e.baseline_p_positive) == ("pad", 0.0, 0.5)
    assert e.attribution_sum == pytest.approx(1.0, abs=1e-6)
    assert e.convergence_delta == pytest.approx(0.0, abs=1e-6)
    assert e.completeness_error == pytest.approx(0.0, abs=1e-6) and e.trustworthy
    # a linear margin changes evenly along the path: 2 nodes in each of the 4 parts, nothing to refine
    assert (e.precision, e.n_steps, e.steps_note, e.dropped) == ("fp32", 8, None, None)


def test_occlusion_has_no_completeness_figures(toy):
    e = toy.explain("Good film, isn't bad", method="occlusion")
    assert (e.convergence_delta, e.completeness_error, e.relative_delta, e.n_steps, e.steps_note) == (None,) * 5
    assert e.attribution_sum == pytest.approx(1.0, abs=1e-6) and not e.trustworthy


# --- Explanation, by hand ------------------------------------------------------------------------

def explanation(scored, target="positive", **fields):
    """An Explanation of the words ``scored`` = [(word, score toward target)], joined by spaces."""
    words, start = [], 0
    for word, score in scored:
        words.append(Word(word, start, start + len(word), score))
        start += len(word) + 1
    values = dict(text=" ".join(w for w, _ in scored), label=target, p_positive=0.7, target=target, method="ig",
                  words=words, margin_input=1.0, margin_baseline=0.0, baseline="neutral", baseline_p_positive=0.5,
                  attribution_sum=1.0, convergence_delta=0.0, completeness_error=0.01, relative_delta=0.01,
                  n_steps=8, steps_note=None, dropped=None, seconds=0.25, precision="fp32",
                  input_ids=[101, 7, 8, 102], token_groups=[[1], [2]])
    return Explanation(**{**values, **fields})


SCORED = [("good", 0.5), ("bad", -2.0), ("fine", 0.1), ("great", 1.0)]


def test_scores_toward_the_target_are_the_scores_and_toward_the_other_class_flipped():
    positive = explanation(SCORED)
    assert positive.scores_toward("positive") == [0.5, -2.0, 0.1, 1.0]
    assert positive.scores_toward("negative") == [-0.5, 2.0, -0.1, -1.0]
    negative = explanation(SCORED, target="negative")
    assert negative.scores_toward("negative") == [0.5, -2.0, 0.1, 1.0]
    assert negative.scores_toward("positive") == [-0.5, 2.0, -0.1, -1.0]


def test_top_words_by_size_toward_the_target_and_toward_the_other_class():
    e = explanation(SCORED)
    assert [w.word for w in e.top_words(2)] == ["bad", "great"]
    assert [w.word for w in e.top_words(10)] == ["bad", "great", "good", "fine"]
    assert [w.word for w in e.top_words(2, toward="target")] == ["great", "good"]
    assert [w.word for w in e.top_words(2, toward="other")] == ["bad", "fine"]


def test_an_explanation_is_trustworthy_up_to_five_percent_completeness_error():
    assert explanation(SCORED, completeness_error=0.05).trustworthy
    assert not explanation(SCORED, completeness_error=0.0501).trustworthy
    assert not explanation(SCORED, completeness_error=None).trustworthy


def test_to_dict_is_json_with_the_dropped_message_and_without_the_model_inputs():
    e = explanation(SCORED[:2], dropped=DroppedSpan(4, 9, 2, 3))
    out = json.loads(json.dumps(e.to_dict()))
    assert "input_ids" not in out and "token_groups" not in out
    assert out["dropped"] == {"start": 4, "end": 9, "n_words": 2, "n_tokens": 3,
                              "message": "... 2 words not read by the model ..."}
    assert out["words"] == [{"word": "good", "start": 0, "end": 4, "score": 0.5},
                            {"word": "bad", "start": 5, "end": 8, "score": -2.0}]
    assert (out["label"], out["target"], out["p_positive"], out["precision"]) == ("positive", "positive", 0.7, "fp32")
    assert explanation(SCORED).to_dict()["dropped"] is None


# --- bad arguments -------------------------------------------------------------------------------

@pytest.mark.parametrize("kwargs, message", [
    (dict(method="shap"), "method 'shap' is not one of ig, occlusion"),
    (dict(target="neutral"), "target 'neutral' is not one of negative, positive"),
    (dict(target=2), "target 2 is not a class id"),
    (dict(n_steps=0), f"integration steps must be between 1 and {MAX_STEPS}, got 0"),
    (dict(n_steps=MAX_STEPS + 1), f"between 1 and {MAX_STEPS}, got {MAX_STEPS + 1}"),
])
def test_bad_arguments_are_argument_errors(toy, kwargs, message):
    with pytest.raises(ArgumentError, match=message):
        toy.explain("Good film", **kwargs)


@pytest.mark.parametrize("text, message", [("", "empty"), ("   \n\t", "empty"), (None, "must be text"),
                                           (b"good", "must be text")])
def test_a_review_that_is_not_text_is_a_data_error(toy, text, message):
    with pytest.raises(DataError, match=message):
        toy.explain(text)


def test_an_unknown_baseline_is_an_argument_error(toy):
    with pytest.raises(ArgumentError, match="baseline 'blank' is not one of neutral, pad, mask, unk, zero"):
        Explainer(toy.model, toy.tokenizer, baseline="blank")


# --- the tiny BERT -------------------------------------------------------------------------------


# Both precision paths (the ``precision`` fixture). A bf16 pass keeps 8 significant bits, so a figure
# computed in two differently batched bf16 passes (the explainer's [review, baseline] batch and a plain
# pass on the review alone) can differ by a few parts in a thousand of the logits; fp32 agrees to 1e-5.
AGREEMENT = {"fp32": 1e-5, "bf16": 2e-2}


def test_prediction_and_margins_match_plain_forward_passes(explainer_in):
    explainer = explainer_in
    e = explainer.explain(REVIEW, n_steps=4)
    assert e.precision == explainer.precision
    tolerance = AGREEMENT[explainer.precision]
    ids = torch.tensor([explainer.tokenizer(REVIEW)["input_ids"]])
    with torch.no_grad(), autocast("cpu", explainer.precision):
        logits = explainer.model(input_ids=ids).logits[0].float()
        baseline = explainer.model(inputs_embeds=explainer.baselines.embeddings(ids)).logits[0].float()
    predicted = int(logits.argmax())
    assert (e.label, e.target) == (LABELS[predicted], LABELS[predicted])
    assert e.p_positive == pytest.approx(float(logits.softmax(-1)[1]), abs=tolerance)
    assert e.margin_input == pytest.approx(float(logits[predicted] - logits[1 - predicted]), abs=tolerance)
    assert e.margin_input > 0  # the predicted class's margin
    assert e.margin_baseline == pytest.approx(float(baseline[predicted] - baseline[1 - predicted]), abs=tolerance)
    assert e.baseline_p_positive == pytest.approx(float(baseline.softmax(-1)[1]), abs=tolerance)


def test_the_two_precisions_agree_within_bf16s_tolerance(explainer, tiny_explain_dir):
    """The same review explained in fp32 and in bf16 (emulated where the CPU lacks it): the same verdict,
    margins within bf16's tolerance, the same strongest word."""
    bf16 = Explainer.from_pretrained(tiny_explain_dir, precision="bf16").explain(REVIEW, n_steps=16)
    fp32 = explainer.explain(REVIEW, n_steps=16)
    assert (fp32.precision, bf16.precision) == ("fp32", "bf16")
    assert bf16.label == fp32.label
    assert bf16.margin_input == pytest.approx(fp32.margin_input, abs=AGREEMENT["bf16"])
    assert bf16.margin_input != fp32.margin_input  # two computations, not one path run twice
    assert bf16.top_words(1)[0].word == fp32.top_words(1)[0].word


def test_either_class_can_be_explained_and_they_mirror_each_other(explainer_in):
    neg = explainer_in.explain(REVIEW, target="negative", n_steps=8)
    pos = explainer_in.explain(REVIEW, target="positive", n_steps=8)
    assert (neg.target, pos.target) == ("negative", "positive")
    # the same passes with the margin's sign flipped: mirrored in either precision
    assert neg.margin_input == pytest.approx(-pos.margin_input, rel=1e-5)
    assert [w.score for w in neg.words] == pytest.approx([-w.score for w in pos.words], rel=1e-4, abs=1e-6)
    assert neg.scores_toward("positive") == pytest.approx([w.score for w in pos.words], rel=1e-4, abs=1e-6)


def test_simultaneous_explanations_on_one_model_match_sequential_ones(explainer_in):
    """The app serves several sessions from one cached explainer."""
    from concurrent.futures import ThreadPoolExecutor

    texts = ["This is the worst movie I have ever seen.", "A wonderful film with a superb cast."] * 3
    scores = lambda t: [round(w.score, 5) for w in explainer_in.explain(t, n_steps=16).words]  # noqa: E731
    sequential = [scores(t) for t in texts]
    with ThreadPoolExecutor(2) as pool:
        assert list(pool.map(scores, texts)) == sequential


@pytest.mark.skipif(not (SHIPPED / "config.json").is_file(), reason="needs checkpoints/minilm-imdb-25k")
def test_shipped_checkpoint_blames_worst():
    e = Explainer.from_pretrained(SHIPPED).explain("This is the worst movie I have ever seen", target="positive")
    assert e.label == "negative"
    assert min(e.words, key=lambda w: w.score).word == "worst"
    assert e.completeness_error < 0.05
    assert e.baseline_p_positive == pytest.approx(0.5, abs=0.02)


def test_a_tie_reads_positive_as_everywhere_in_the_project(toy):
    # "good bad bad": 2 - 1 - 1 = 0, so P(positive) is exactly 0.5, which sentiment.labels reads as positive
    e = toy.explain("good bad bad")
    assert e.p_positive == 0.5
    assert (e.label, e.target) == ("positive", "positive")


def test_top_words_toward_an_unknown_side_is_an_argument_error():
    with pytest.raises(ArgumentError, match="toward 'up' is not one of both, target, other"):
        explanation(SCORED).top_words(toward="up")


def test_the_baselines_margin_comes_from_its_calibration_unless_the_baseline_is_fixed(explainer_in):
    """The prediction pass reads the review alone where the neutral baseline's calibration measured
    f(baseline), a pasted "[SEP]" included (it is text, not the model's separator); a fixed baseline
    ("pad") is read in the same pass."""
    fixed = Explainer(explainer_in.model, explainer_in.tokenizer, explainer_in.max_length, explainer_in.precision,
                      baseline="pad")
    batches = []
    hook = explainer_in.model.bert.embeddings.register_forward_hook(
        lambda module, args, kwargs, out: batches.append(out.shape[0]), with_kwargs=True)
    try:
        for explainer, text, rows in [(explainer_in, REVIEW, 1), (fixed, REVIEW, 2),
                                      (explainer_in, "A fine film [SEP] with a dull end.", 1)]:
            ids = torch.tensor([encode(explainer.tokenizer, [text], explainer.max_length)[0]["input_ids"]])
            assert explainer.tokenizer.sep_token_id not in ids[0, :-1]
            explainer.baselines.embeddings(ids)  # calibrated first, so the explanation's first pass is its own
            batches.clear()
            e = explainer.explain(text, n_steps=2)
            assert batches[0] == rows, text  # the prediction pass; then the gradient steps
            if "[SEP]" in text:  # a word of the review like any other, with its own score
                assert [w.word for w in e.words][3:6] == ["[", "SEP", "]"] and e.words[4].score != 0
            with torch.no_grad(), autocast("cpu", explainer.precision):
                baseline = explainer.model(inputs_embeds=explainer.baselines.embeddings(ids)).logits[0].float()
            target = LABELS.index(e.target)
            assert e.margin_baseline == pytest.approx(float(baseline[target] - baseline[1 - target]),
                                                      abs=AGREEMENT[explainer.precision])
            assert e.baseline_p_positive == pytest.approx(float(baseline.softmax(-1)[1]),
                                                          abs=AGREEMENT[explainer.precision])
    finally:
        hook.remove()
