"""The Explain tab in words (webapp/explain_tab.py): the top-words table, the trust note and the baseline,
on hand-made explanations whose every figure is known."""
import re

import pandas as pd
import pytest

from explain import DroppedSpan, Explanation, Word
from explain.render import highlighted_html, to_html
from sentiment.errors import DataError
from webapp import explain_tab
from webapp.explain_tab import baseline_in_words, strongest_words, trust_note


def _explanation(**fields):
    values = dict(text="a dull but fine plot", label="negative", p_positive=0.2, target="negative", method="ig",
                  words=[], margin_input=-1.25, margin_baseline=0.25, baseline="neutral", baseline_p_positive=0.502,
                  attribution_sum=-1.47, convergence_delta=0.03, completeness_error=0.03, relative_delta=0.02,
                  n_steps=12, steps_note=None, dropped=None, seconds=0.84, precision="bf16")
    values.update(fields)
    return Explanation(**values)


# Scores toward the explained class (negative): "dull" pushed toward negative, "fine" toward positive.
WORDS = [Word("a", 0, 1, 0.1234), Word("dull", 2, 6, 0.8), Word("but", 7, 10, 0.0004), Word("fine", 11, 15, -0.3),
         Word("plot", 16, 20, 0.05)]


def test_strongest_words_are_signed_toward_positive_when_negative_was_explained():
    table = strongest_words(_explanation(words=WORDS), k=3)
    assert list(table.columns) == ["word", "toward", "push toward positive"]
    assert table.values.tolist() == [["dull", "negative", -0.8], ["fine", "positive", 0.3], ["a", "negative", -0.123]]


def test_strongest_words_read_the_same_whichever_class_was_explained():
    as_positive = [Word(w.word, w.start, w.end, -w.score) for w in WORDS]
    pd.testing.assert_frame_equal(strongest_words(_explanation(words=WORDS)),
                                  strongest_words(_explanation(words=as_positive, target="positive")))


def test_strongest_words_rounds_to_three_places_and_keeps_k():
    table = strongest_words(_explanation(words=WORDS))
    assert table["word"].tolist() == ["dull", "fine", "a", "plot", "but"]
    assert table["push toward positive"].tolist() == [-0.8, 0.3, -0.123, -0.05, -0.0]
    assert len(strongest_words(_explanation(words=WORDS), k=1)) == 1


def test_strongest_words_show_the_number_the_coloured_view_shows_on_hover():
    words = [Word("a", 0, 1, -0.12345)]
    explanation = _explanation(words=words, text="a", target="positive")
    assert 'title="-0.123 toward positive"' in highlighted_html(explanation)  # what hovering shows
    assert strongest_words(explanation)["push toward positive"].tolist() == [-0.123]


def test_trust_note_of_integrated_gradients_line_by_line():
    note = trust_note(_explanation())
    assert note.split("\n") == [
        "**Trust**",
        "- Baseline: with its words taken out, the model reads the review as P(positive) = 0.50: no opinion "
        "either way. The scores say how the words moved it from there to its verdict.",
        # the margin moved from +0.25 (words taken out) to -1.25: -1.50
        "- Completeness: the word scores add up to -1.47; the model's margin moved -1.50 from the review with its "
        "words taken out. The gap (+0.030) is 3.0% of the scores' total size, with 12 steps: the scores account "
        "for the prediction closely.",
        "- Computed in 0.8 s, in bf16 arithmetic.",
    ]


@pytest.mark.parametrize("error, verdict", [
    (0.0, "the scores account for the prediction almost exactly"),
    (0.02, "the scores account for the prediction almost exactly"),
    (0.0201, "the scores account for the prediction closely"),
    (0.05, "the scores account for the prediction closely"),
    (0.0501, "the scores do not add up to the prediction: read them with care"),
])
def test_trust_note_completeness_verdict_at_its_boundaries(error, verdict):
    completeness = trust_note(_explanation(completeness_error=error)).split("\n")[2]
    assert completeness.endswith(f"{error:.1%} of the scores' total size, with 12 steps: {verdict}.")


@pytest.mark.parametrize("agreement, words", [
    (0.6, "0.60, strong"), (0.5999, "0.60, moderate"), (0.3, "0.30, moderate"), (0.2999, "0.30, weak"),
    (-0.4, "-0.40, weak")])
def test_trust_note_names_the_strength_of_the_agreement_with_occlusion(agreement, words):
    note = trust_note(_explanation(precision="fp32"), agreement=agreement, seconds=2.345)
    assert note.split("\n")[3:] == [
        f"- Agreement with word occlusion (Spearman rank correlation): {words}.",
        "- Computed in 2.3 s, in fp32 arithmetic, the occlusion check included."]


def test_trust_note_says_why_agreement_cannot_be_computed_for_one_word():
    one_word = _explanation(text="Great", words=[Word("Great", 0, 5, 0.7)], precision="fp32")
    assert trust_note(one_word, agreement=float("nan"), seconds=0.5).split("\n")[3:] == [
        "- Agreement with word occlusion: cannot be computed for fewer than 2 words (the model read 1); a rank "
        "correlation needs words to rank.",
        "- Computed in 0.5 s, in fp32 arithmetic."]  # no occlusion ran


def test_trust_note_says_why_agreement_cannot_be_computed_for_equal_scores():
    # spearmanr of a constant is NaN: 5 words, all scored 0 by occlusion
    assert trust_note(_explanation(words=WORDS, precision="fp32"), agreement=float("nan"), seconds=2.0
                      ).split("\n")[3:] == [
        "- Agreement with word occlusion: cannot be computed, as one method scored every word the same.",
        "- Computed in 2.0 s, in fp32 arithmetic, the occlusion check included."]


def test_trust_note_adds_the_steps_note_and_what_was_not_read():
    dropped = DroppedSpan(start=5, end=9000, n_words=1312, n_tokens=1400)
    note = trust_note(_explanation(steps_note="Refined to 48 steps", dropped=dropped))
    assert note.split("\n")[3:] == [
        "- Refined to 48 steps.",
        "- Computed in 0.8 s, in bf16 arithmetic.",
        "- The middle of this review: 1,312 words not read by the model. The classifier keeps the head and tail of "
        "long reviews; the marker in the text shows where the gap is."]


@pytest.mark.parametrize("n_words, n_tokens, not_read", [
    (1, 3, "1 word"), (0, 140, "140 tokens of punctuation or symbols"), (0, 1, "1 token of punctuation or symbols")])
def test_trust_note_counts_a_middle_of_one_word_or_of_punctuation_alone(n_words, n_tokens, not_read):
    # "good !!!...! bad" cut in the middle: the unread part holds no word, 140 "!" tokens
    note = trust_note(_explanation(dropped=DroppedSpan(start=19, end=159, n_words=n_words, n_tokens=n_tokens)))
    assert note.split("\n")[-1] == (f"- The middle of this review: {not_read} not read by the model. The "
                                    "classifier keeps the head and tail of long reviews; the marker in the text "
                                    "shows where the gap is.")


def test_trust_note_of_occlusion_says_it_has_no_completeness_check():
    note = trust_note(_explanation(method="occlusion", completeness_error=None, convergence_delta=None,
                                   n_steps=None, precision="fp32"))
    assert note.split("\n") == [
        "**Trust**",
        "- Occlusion: each score is how much the margin drops when that one word is removed. It has no "
        "completeness check; compare it with integrated gradients.",
        "- Computed in 0.8 s, in fp32 arithmetic."]


@pytest.mark.parametrize("p, lean", [
    (0.45, "0.45: no opinion either way"), (0.5, "0.50: no opinion either way"), (0.55, "0.55: no opinion either way"),
    # judged on the figure shown: 0.4499 reads 0.45, so it is no opinion, like 0.45 itself
    (0.4499, "0.45: no opinion either way"), (0.5501, "0.55: no opinion either way"),
    (0.4449, "0.44: it leans negative"), (0.5551, "0.56: it leans positive"), (0.91, "0.91: it leans positive"),
    (0.02, "0.02: it leans negative")])
def test_baseline_in_words_is_neutral_from_045_to_055(p, lean):
    tail = ("The scores say how the words moved it from there to its verdict." if "no opinion" in lean else
            "The scores are pushes relative to that lean, not to a neutral reading.")
    assert baseline_in_words(p) == (f"with its words taken out, the model reads the review as P(positive) = "
                                    f"{lean}. {tail}")


class _Explainer:
    """Occlusion scores that rank the words as the explanation does (agreement 1) or the reverse (-1)."""

    def __init__(self, reverse):
        self.reverse, self.calls = reverse, []

    def explain(self, text, target=None, method="ig"):
        self.calls.append((text, target, method))
        ranked = sorted(WORDS, key=lambda w: w.score)
        scores = [(-1 if self.reverse else 1) * ranked.index(w) for w in WORDS]
        return _explanation(words=[Word(w.word, w.start, w.end, s) for w, s in zip(WORDS, scores)],
                            method="occlusion")


def _no_progress(*args, **kwargs):
    pass


@pytest.mark.parametrize("reverse, agreement", [(False, "1.00, strong"), (True, "-1.00, weak")])
def test_explain_for_app_with_the_occlusion_check(monkeypatch, reverse, agreement):
    explanation = _explanation(words=WORDS)
    asked, occlusion = [], _Explainer(reverse)
    monkeypatch.setattr(explain_tab, "explain_text", lambda *args: asked.append(args) or explanation)
    monkeypatch.setattr(explain_tab, "explainer", lambda name: occlusion if name == "ck" else None)
    verdict, html, table, trust, page = explain_tab.explain_for_app("ck", "a dull but fine plot", "ig", 12, True,
                                                                     progress=_no_progress)
    assert asked == [("ck", "a dull but fine plot", "ig", 12)]
    assert occlusion.calls == [("a dull but fine plot", "negative", "occlusion")]  # the class IG explained
    assert verdict == ("Prediction: **negative** (P positive 0.20). Explained: the margin of *negative* by "
                       "integrated gradients.")
    assert html == highlighted_html(explanation)
    pd.testing.assert_frame_equal(table, strongest_words(explanation))
    # the download: the explanation's page, holding the coloured words the view shows
    text = open(page, encoding="utf-8").read()
    assert text == to_html(explanation, "Why ck reads the review as negative") and "explanation-ck-" in page
    assert re.search(r'<div class="attributions"[^>]*>(.*)</div>', html, re.S).group(1) in text
    assert f"- Agreement with word occlusion (Spearman rank correlation): {agreement}." in trust.split("\n")


def test_explain_for_app_of_one_word_skips_the_check_and_says_why(monkeypatch):
    explanation = _explanation(text="Great", words=[Word("Great", 0, 5, -0.7)])
    monkeypatch.setattr(explain_tab, "explain_text", lambda *args: explanation)
    monkeypatch.setattr(explain_tab, "explainer", lambda name: pytest.fail("nothing to rank: no occlusion"))
    _, _, _, trust, _ = explain_tab.explain_for_app("ck", "Great", "ig", 0, True, progress=_no_progress)
    assert ("- Agreement with word occlusion: cannot be computed for fewer than 2 words (the model read 1); a "
            "rank correlation needs words to rank.") in trust.split("\n")
    assert "nan" not in trust


def test_explain_for_app_by_occlusion_skips_the_check(monkeypatch):
    explanation = _explanation(words=WORDS, method="occlusion", label="positive", p_positive=0.75,
                               target="positive")
    monkeypatch.setattr(explain_tab, "explain_text", lambda *args: explanation)
    monkeypatch.setattr(explain_tab, "explainer", lambda name: pytest.fail("no occlusion check for occlusion"))
    verdict, _, _, trust, _ = explain_tab.explain_for_app("ck", "text", "occlusion", 0, True,
                                                           progress=_no_progress)
    assert verdict == "Prediction: **positive** (P positive 0.75). Explained: the margin of *positive* by occlusion."
    assert "Agreement" not in trust and trust.split("\n")[1].startswith("- Occlusion:")


@pytest.mark.parametrize("flag", ["false", "no", 1, [True], None])
def test_the_occlusion_check_is_true_or_false_never_a_guess(monkeypatch, flag):
    # "false" is true to Python: read as sent, it would run the slow check the caller turned off
    monkeypatch.setattr(explain_tab, "explain_text", lambda *args: pytest.fail("nothing explained first"))
    with pytest.raises(DataError, match=r"The occlusion check must be true or false; got "):
        explain_tab.explain_for_app("ck", "text", "ig", 0, flag, progress=_no_progress)
