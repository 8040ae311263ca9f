"""explain/faithfulness.py: ERASER comprehensiveness and sufficiency, against a random ranking of the words.

A linear toy model (logit[positive] = the sum of the weights of the tokens read) makes every probability
sigmoid(a sum written out by hand), so every figure has an exact expected value.
"""
import json
import math
from types import SimpleNamespace

import pandas as pd
import pytest
import torch

import explain.faithfulness as faithfulness_module
from explain import Explainer
from explain.explainer import Explanation
from explain.faithfulness import (FRACTIONS, evaluate_set, faithfulness, misclassified_texts, random_ranking,
                                  summarize)
from explain.words import Word
from sentiment.errors import DataError
from toy_models import CLS, PAD, SEP, BagOfWords


def s(x):
    """P(positive) of a margin toward positive x (logit[negative] is 0)."""
    return 1 / (1 + math.exp(-x))


# Four words A B C D weighing +2, -1, +0.5 (two pieces of 0.25) and -0.25: the review's margin is 1.25.
TEXT = "A B C D"
IDS = [CLS, 1000, 1001, 1002, 1003, 1004, SEP]
GROUPS = [[1], [2], [3, 4], [5]]
WEIGHTS = {PAD: 10.0, 1000: 2.0, 1001: -1.0, 1002: 0.25, 1003: 0.25, 1004: -0.25}
TRUE_SCORES = [2.0, -1.0, 0.5, -0.25]  # toward positive


def explanation(scores, target="positive", **fields):
    """An explanation of TEXT with these word scores (toward ``target``)."""
    words = [Word(w, 2 * i, 2 * i + 1, score) for i, (w, score) in enumerate(zip(TEXT.split(), scores))]
    values = dict(text=TEXT, label="positive", p_positive=s(1.25), target=target, method="ig", words=words,
                  margin_input=1.25, margin_baseline=0.0, baseline="neutral", baseline_p_positive=0.5,
                  attribution_sum=sum(scores), convergence_delta=0.001, completeness_error=0.004,
                  relative_delta=0.008, n_steps=8, steps_note=None, dropped=None, seconds=0.75, precision="fp32",
                  input_ids=IDS, token_groups=GROUPS)
    return Explanation(**{**values, **fields})


@pytest.fixture
def toy(tokenizer):
    return SimpleNamespace(model=BagOfWords(WEIGHTS), tokenizer=tokenizer, precision="fp32")


# --- one explanation ------------------------------------------------------------------------------

def test_comprehensiveness_drops_the_top_words_and_sufficiency_keeps_only_them(toy):
    # ranked by score: A, C, D, B; a quarter of 4 words is A, a half A and C, all of them everything
    f = faithfulness(toy, explanation(TRUE_SCORES), fractions=(0.25, 0.5, 1.0))
    assert f.comprehensiveness == pytest.approx({0.25: s(1.25) - s(1.25 - 2.0),
                                                 0.5: s(1.25) - s(1.25 - 2.5),
                                                 1.0: s(1.25) - s(0.0)}, abs=1e-7)
    assert f.sufficiency == pytest.approx({0.25: s(1.25) - s(2.0),
                                           0.5: s(1.25) - s(2.5),
                                           1.0: 0.0}, abs=1e-7)
    assert f.aopc_comprehensiveness == pytest.approx(sum(f.comprehensiveness.values()) / 3)
    assert f.aopc_sufficiency == pytest.approx(sum(f.sufficiency.values()) / 3)


def test_explaining_negative_ranks_toward_negative_and_reads_p_negative(toy):
    # scores toward negative: B (+1) first, then D (+0.25); p(negative) = 1 - s(margin toward positive)
    f = faithfulness(toy, explanation([-x for x in TRUE_SCORES], target="negative"), fractions=(0.25, 0.5, 1.0))
    assert f.comprehensiveness == pytest.approx({0.25: s(-1.25) - s(-(1.25 + 1.0)),
                                                 0.5: s(-1.25) - s(-(1.25 + 1.25)),
                                                 1.0: s(-1.25) - s(0.0)}, abs=1e-7)
    assert f.sufficiency == pytest.approx({0.25: s(-1.25) - s(1.0),
                                           0.5: s(-1.25) - s(1.25),
                                           1.0: 0.0}, abs=1e-7)


def test_a_given_ranking_replaces_the_explanations_own(toy):
    # D, C, B, A: the top quarter is D, the top half D and C
    f = faithfulness(toy, explanation(TRUE_SCORES), fractions=(0.25, 0.5), ranking=[3, 2, 1, 0])
    assert f.comprehensiveness == pytest.approx({0.25: s(1.25) - s(1.5), 0.5: s(1.25) - s(1.0)}, abs=1e-7)
    assert f.sufficiency == pytest.approx({0.25: s(1.25) - s(-0.25), 0.5: s(1.25) - s(0.25)}, abs=1e-7)


def test_every_fraction_takes_at_least_one_word(toy):
    # of 4 words, 1% 5% 10% and 20% all round to the top word (at least one), 50% to two
    f = faithfulness(toy, explanation(TRUE_SCORES))
    assert list(f.comprehensiveness) == list(FRACTIONS) == [0.01, 0.05, 0.10, 0.20, 0.50]
    assert f.comprehensiveness == pytest.approx({0.01: s(1.25) - s(-0.75), 0.05: s(1.25) - s(-0.75),
                                                 0.10: s(1.25) - s(-0.75), 0.20: s(1.25) - s(-0.75),
                                                 0.50: s(1.25) - s(-1.25)}, abs=1e-7)


def test_random_rankings_are_seeded_permutations():
    assert random_ranking(6, 0) == [4, 2, 1, 0, 5, 3]  # random.Random(0).shuffle: the same in every run
    assert random_ranking(6, 0) == random_ranking(6, 0)
    assert random_ranking(6, 1) != random_ranking(6, 0)
    assert sorted(random_ranking(50, 3)) == list(range(50))


# --- a set of reviews -----------------------------------------------------------------------------

GOOD = explanation(TRUE_SCORES)                         # ranks A (+2) first: the words that matter
BAD = explanation([-x for x in TRUE_SCORES], seconds=1.25, completeness_error=0.012, relative_delta=None,
                  baseline_p_positive=0.25)              # ranks B (-1) first: the wrong way round


class StubExplainer(SimpleNamespace):
    """The toy model, explaining each text with the explanation given for it."""

    def explain(self, text, method="ig"):
        self.methods.append(method)
        return self.explanations[text]


def aopc(top1, top2):
    """The AOPC over FRACTIONS for 4 words: four fractions take the top word, 50% the top two."""
    return (4 * top1 + top2) / 5


# Expected AOPC figures. Own rankings: GOOD A then C; BAD B then D. Random ranking (patched): D then C.
GOOD_ROW = dict(comprehensiveness=aopc(s(1.25) - s(-0.75), s(1.25) - s(-1.25)),
                sufficiency=aopc(s(1.25) - s(2.0), s(1.25) - s(2.5)),
                random_comprehensiveness=aopc(s(1.25) - s(1.5), s(1.25) - s(1.0)),
                random_sufficiency=aopc(s(1.25) - s(-0.25), s(1.25) - s(0.25)))
BAD_ROW = dict(comprehensiveness=aopc(s(1.25) - s(2.25), s(1.25) - s(2.5)),
               sufficiency=aopc(s(1.25) - s(-1.0), s(1.25) - s(-1.25)),
               random_comprehensiveness=GOOD_ROW["random_comprehensiveness"],
               random_sufficiency=GOOD_ROW["random_sufficiency"])


@pytest.fixture
def reversed_random(monkeypatch):
    """Make the "random" ranking the reversed word order, and record what it was asked for."""
    calls = []

    def ranking(n_words, seed):
        calls.append((n_words, seed))
        return list(range(n_words))[::-1]

    monkeypatch.setattr(faithfulness_module, "random_ranking", ranking)
    return calls


def test_evaluate_set_scores_each_explanation_against_a_random_ranking(toy, reversed_random):
    explainer = StubExplainer(**vars(toy), explanations={"good one": GOOD, "bad one": BAD}, methods=[])
    progress = []
    rows = evaluate_set(explainer, ["good one", "bad one"], method="occlusion", seed=7,
                        progress=lambda i, n, row: progress.append((i, n, row)))
    assert explainer.methods == ["occlusion", "occlusion"]
    assert reversed_random == [(4, 7), (4, 8)]  # one seed per review
    assert rows == [
        pytest.approx(dict(label="positive", p_positive=s(1.25), n_words=4, baseline_p_positive=0.5,
                           completeness_error=0.004, relative_delta=0.008, seconds=0.75, **GOOD_ROW), abs=1e-7),
        pytest.approx(dict(label="positive", p_positive=s(1.25), n_words=4, baseline_p_positive=0.25,
                           completeness_error=0.012, relative_delta=None, seconds=1.25, **BAD_ROW), abs=1e-7)]
    assert progress == [(1, 2, rows[0]), (2, 2, rows[1])]


def test_summary_counts_the_reviews_whose_explanation_beats_random(toy, reversed_random):
    explainer = StubExplainer(**vars(toy), explanations={"good one": GOOD, "bad one": BAD}, methods=[])
    summary = summarize(evaluate_set(explainer, ["good one", "bad one", "good one"]))
    assert summary["n"] == 3
    # GOOD beats the random ranking on both counts, BAD on neither
    assert (summary["comprehensiveness_above_random"], summary["sufficiency_below_random"]) == (2, 2)
    assert summary["comprehensiveness"] == pytest.approx(
        {"mean": (2 * GOOD_ROW["comprehensiveness"] + BAD_ROW["comprehensiveness"]) / 3,
         "median": GOOD_ROW["comprehensiveness"], "max": GOOD_ROW["comprehensiveness"]}, abs=1e-7)
    assert summary["sufficiency"] == pytest.approx(
        {"mean": (2 * GOOD_ROW["sufficiency"] + BAD_ROW["sufficiency"]) / 3,
         "median": GOOD_ROW["sufficiency"], "max": BAD_ROW["sufficiency"]}, abs=1e-7)
    assert summary["relative_delta"] == pytest.approx({"mean": 0.008, "median": 0.008, "max": 0.008})


def row(comprehensiveness, sufficiency, random_comprehensiveness, random_sufficiency, completeness_error=None):
    return dict(comprehensiveness=comprehensiveness, sufficiency=sufficiency,
                random_comprehensiveness=random_comprehensiveness, random_sufficiency=random_sufficiency,
                baseline_p_positive=0.5, completeness_error=completeness_error, relative_delta=None, seconds=1.0)


def test_summary_statistics_and_counts_by_hand():
    rows = [row(0.4, 0.1, 0.2, 0.3, 0.01),  # beats random on both counts
            row(0.3, 0.5, 0.1, 0.2),        # comprehensiveness above random, sufficiency not below
            row(0.1, 0.3, 0.2, 0.3, 0.03),  # neither (a tie in sufficiency)
            row(0.6, 0.2, 0.5, 0.4),        # both
            row(0.2, 0.2, 0.2, 0.2)]        # ties: neither
    summary = summarize(rows)
    assert summary["n"] == 5
    assert (summary["comprehensiveness_above_random"], summary["sufficiency_below_random"]) == (3, 2)
    assert summary["comprehensiveness"] == pytest.approx({"mean": 0.32, "median": 0.3, "max": 0.6})
    assert summary["sufficiency"] == pytest.approx({"mean": 0.26, "median": 0.2, "max": 0.5})
    assert summary["random_comprehensiveness"] == pytest.approx({"mean": 0.24, "median": 0.2, "max": 0.5})
    assert summary["random_sufficiency"] == pytest.approx({"mean": 0.28, "median": 0.3, "max": 0.4})
    # figures an explanation does not have (occlusion's completeness) are left out, not counted as 0
    assert summary["completeness_error"] == pytest.approx({"mean": 0.02, "median": 0.02, "max": 0.03})
    assert "relative_delta" not in summary


# --- the reviews a checkpoint got wrong ------------------------------------------------------------

REVIEWS = pd.DataFrame({"id": ["1_7", "2_3", "3_10", "4_1"], "review": ["r one", "r two", "r three", "r four"]})


def write_predictions(path, rows):
    pd.DataFrame(rows, columns=["id", "sentiment", "predicted", "p_positive"]).to_csv(path, index=False)
    return str(path)


def test_misclassified_texts_are_the_wrong_predictions_with_their_reviews(tmp_path):
    csv = write_predictions(tmp_path / "p.csv", [("3_10", "positive", "negative", 0.2),
                                                 ("1_7", "positive", "positive", 0.9),
                                                 ("4_1", "negative", "positive", 0.7),
                                                 ("9_9", "negative", "positive", 0.6)])  # not among the reviews
    assert misclassified_texts(csv, REVIEWS) == (["3_10", "4_1"], ["r three", "r four"])


def test_misclassified_texts_explain_what_is_wrong_with_the_table(tmp_path):
    with pytest.raises(DataError, match="not a readable predictions CSV"):
        misclassified_texts(str(tmp_path / "missing.csv"), REVIEWS)
    pd.DataFrame({"id": ["1_7"], "sentiment": ["positive"]}).to_csv(tmp_path / "short.csv", index=False)
    with pytest.raises(DataError, match=r"missing column\(s\) predicted"):
        misclassified_texts(str(tmp_path / "short.csv"), REVIEWS)
    csv = write_predictions(tmp_path / "right.csv", [("1_7", "positive", "positive", 0.9)])
    with pytest.raises(DataError, match="no misclassified review matches the review ids"):
        misclassified_texts(csv, REVIEWS)


def test_the_command_prints_the_summary_and_writes_one_row_per_review(toy, reversed_random, monkeypatch,
                                                                       tmp_path, capsys):
    import sentiment.data

    csv = write_predictions(tmp_path / "p.csv", [("3_10", "positive", "negative", 0.2),
                                                 ("4_1", "negative", "positive", 0.7)])
    stub = StubExplainer(**vars(toy), explanations={"r three": GOOD, "r four": BAD}, methods=[])
    loaded = []
    monkeypatch.setattr(sentiment.data, "load_reviews", lambda split: loaded.append(split) or REVIEWS)
    monkeypatch.setattr(Explainer, "from_pretrained", lambda checkpoint, baseline: loaded.append(
        (checkpoint, baseline)) or stub)
    code = faithfulness_module.main(["--checkpoint", "ckpt", "--predictions", csv, "--reviews", "train",
                                     "--baseline", "pad", "--output", str(tmp_path / "rows.csv"), "--seed", "3"])
    assert code == 0
    assert loaded == ["train", ("ckpt", "pad")] and reversed_random == [(4, 3), (4, 4)]
    out, err = capsys.readouterr()
    summary = json.loads(out)
    assert (summary["n"], summary["comprehensiveness_above_random"], summary["sufficiency_below_random"]) == (2, 1, 1)
    assert summary["comprehensiveness"]["max"] == pytest.approx(GOOD_ROW["comprehensiveness"], abs=1e-7)
    assert err.splitlines() == [
        f"1/2 comprehensiveness {GOOD_ROW['comprehensiveness']:+.3f} sufficiency {GOOD_ROW['sufficiency']:+.3f}",
        f"2/2 comprehensiveness {BAD_ROW['comprehensiveness']:+.3f} sufficiency {BAD_ROW['sufficiency']:+.3f}"]
    written = pd.read_csv(tmp_path / "rows.csv")
    assert written["id"].tolist() == ["3_10", "4_1"]
    assert written["comprehensiveness"].tolist() == pytest.approx(
        [GOOD_ROW["comprehensiveness"], BAD_ROW["comprehensiveness"]], abs=1e-7)
    assert written["random_sufficiency"].tolist() == pytest.approx([GOOD_ROW["random_sufficiency"]] * 2, abs=1e-7)


# --- on the tiny BERT and real reviews --------------------------------------------------------------

REVIEW = "A wonderful, moving film. The acting isn't great, but I can't stop thinking about it!"


def test_dropping_or_keeping_every_word_matches_plain_forward_passes(explainer):
    e = explainer.explain(REVIEW, n_steps=8)
    f = faithfulness(explainer, e, fractions=(0.1, 1.0))
    target = ["negative", "positive"].index(e.target)
    tok = explainer.tokenizer
    with torch.no_grad():
        p_review, p_empty = explainer.model(input_ids=torch.tensor([e.input_ids, [tok.cls_token_id, tok.sep_token_id]
                                                                    + [tok.pad_token_id] * (len(e.input_ids) - 2)]),
                                            attention_mask=torch.tensor([[1] * len(e.input_ids),
                                                                         [1, 1] + [0] * (len(e.input_ids) - 2)])
                                            ).logits.softmax(-1)[:, target].tolist()
    assert f.comprehensiveness[1.0] == pytest.approx(p_review - p_empty, abs=1e-5)
    assert f.sufficiency[1.0] == pytest.approx(0.0, abs=1e-5)  # keeping every word is the review itself
    assert f.aopc_comprehensiveness == pytest.approx((f.comprehensiveness[0.1] + f.comprehensiveness[1.0]) / 2)


def test_faithfulness_over_the_misclassified_reviews(explainer, test_reviews, tmp_path):
    predictions = test_reviews[["id"]].assign(
        sentiment=["positive" if y else "negative" for y in test_reviews["label"]],
        predicted=["negative" if y else "positive" for y in test_reviews["label"]])
    predictions.loc[2:, "predicted"] = predictions.loc[2:, "sentiment"]  # only the first two are wrong
    csv = tmp_path / "predictions.csv"
    predictions.to_csv(csv, index=False)
    ids, texts = misclassified_texts(str(csv), test_reviews)
    assert ids == test_reviews["id"][:2].tolist()
    assert texts == test_reviews["review"][:2].tolist()
    rows = evaluate_set(explainer, texts, seed=5)
    for i, (text, r) in enumerate(zip(texts, rows)):  # each row, recomputed from its own explanation
        e = explainer.explain(text)
        own = faithfulness(explainer, e)
        rand = faithfulness(explainer, e, ranking=random_ranking(len(e.words), 5 + i))
        assert (r["comprehensiveness"], r["sufficiency"]) == pytest.approx(
            (own.aopc_comprehensiveness, own.aopc_sufficiency), abs=1e-5)
        assert (r["random_comprehensiveness"], r["random_sufficiency"]) == pytest.approx(
            (rand.aopc_comprehensiveness, rand.aopc_sufficiency), abs=1e-5)
        assert (r["label"], r["n_words"]) == (e.label, len(e.words))
    summary = summarize(rows)
    assert summary["n"] == 2
    assert summary["comprehensiveness"]["mean"] == pytest.approx((rows[0]["comprehensiveness"]
                                                                  + rows[1]["comprehensiveness"]) / 2)
