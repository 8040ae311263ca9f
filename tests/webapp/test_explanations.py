"""What every explaining tab shares (webapp/explanations.py): the pasted text checked, the step count
passed on, and a review set against its edited copy, on hand-made explanations."""
import html
import re

import pytest

from explain import Word
from explain.render import LEGEND, highlighted_html
from sentiment.data import DataError
from webapp import explanations
from toy_models import hand_made_explanation as _explanation


@pytest.mark.parametrize("text, message", [
    ("", "empty"), ("   \n\t", "empty"), (None, "empty"), (["a list"], "must be text, not list"),
    ("x" * 1_000_001, "characters long"),
    ("\x00\x01\x02binary\x03\x04" * 10, "does not look like text"),
])
def test_bad_pastes_get_a_message(text, message):
    with pytest.raises(DataError, match=message):
        explanations.check_review(text)


def test_an_empty_box_is_named_as_such():
    with pytest.raises(DataError) as error:
        explanations.check_review(" ")
    assert str(error.value) == "Paste a review first: the text box is empty."
    with pytest.raises(DataError) as error:
        explanations.check_review("<br /><BR/> ", box="the edited copy")
    assert str(error.value) == "Paste a review first: the edited copy holds line breaks (<br />) only."


def test_a_contrast_names_the_box_that_is_empty(monkeypatch):
    monkeypatch.setattr(explanations, "explainer", lambda name: pytest.fail("nothing explained"))
    with pytest.raises(DataError, match="^Paste a review first: the edited copy is empty.$"):
        explanations.contrast("ck", "A fine film.", "")
    with pytest.raises(DataError, match="^Paste a review first: the review box is empty.$"):
        explanations.contrast("ck", " ", "A fine film.")
    with pytest.raises(DataError, match="^The edited copy must be text, not int.$"):
        explanations.contrast("ck", "A fine film.", 5)
    with pytest.raises(DataError, match="^The edited copy is 100,001 characters long"):
        explanations.contrast("ck", "A fine film.", "x" * 100_001)


def test_a_review_is_passed_on_unchanged():
    assert explanations.check_review("  A fine <br /> film.\n") == "  A fine <br /> film.\n"


class _Explainer:
    def __init__(self):
        self.calls = []

    def explain(self, text, method="ig", n_steps=None):
        self.calls.append((text, method, n_steps))
        return _explanation(text, [Word("fine", 2, 6, 0.5)], 0.75, "positive")


@pytest.mark.parametrize("method, n_steps, passed", [
    ("ig", 0, None), ("ig", explanations.AUTO_STEPS, None), ("ig", 12, 12), ("ig", 12.0, 12), ("ig", 64, 64),
    ("ig", "12", 12),  # a string that reads as a number, as a slider may send
    ("occlusion", 12, None)])
def test_explain_text_passes_a_step_count_only_to_integrated_gradients(monkeypatch, method, n_steps, passed):
    explainer = _Explainer()
    monkeypatch.setattr(explanations, "explainer", {"ck": explainer}.__getitem__)
    explanations.explain_text("ck", "a fine film", method, n_steps)
    assert explainer.calls == [("a fine film", method, passed)]


@pytest.mark.parametrize("n_steps, shown", [
    ("abc", "'abc'"), (None, "None"), (float("nan"), "nan"), (float("inf"), "inf"), (-4, "-4"), (65, "65"),
    (12.5, "12.5"), (True, "True"), ("nan", "'nan'"), ([12], "[12]"), ("x" * 50, "that value")])
@pytest.mark.parametrize("method", ["ig", "occlusion"])
def test_explain_text_refuses_a_step_count_the_slider_cannot_send_by_name(monkeypatch, n_steps, shown, method):
    # what an API call may send in place of the slider's 0 to 64: named, and nothing explained
    explainer = _Explainer()
    monkeypatch.setattr(explanations, "explainer", lambda name: explainer)
    with pytest.raises(DataError) as error:
        explanations.explain_text("ck", "a fine film", method, n_steps)
    assert str(error.value) == f"Integration steps (0 = automatic) must be a whole number from 0 to 64; got {shown}."
    assert explainer.calls == []


def test_explain_text_checks_the_text_before_explaining(monkeypatch):
    explainer = _Explainer()
    monkeypatch.setattr(explanations, "explainer", lambda name: explainer)
    with pytest.raises(DataError, match="empty"):
        explanations.explain_text("ck", "  ")
    assert explainer.calls == []


def test_highlight_gives_label_probability_and_coloured_text(monkeypatch):
    explanation = _explanation("a fine film", [Word("fine", 2, 6, 0.5)], 0.75, "positive")
    monkeypatch.setattr(explanations, "explain_text", lambda name, text: explanation)
    assert explanations.highlight("ck", "a fine film") == {"label": "positive", "p_positive": 0.75,
                                                           "html": highlighted_html(explanation)}


# The review leans positive and is explained toward positive; the edit leans negative and is explained
# toward negative, so its scores are flipped to read toward positive:
#   word   review  edited copy  change
#   dull   -0.5    (gone) 0      +0.5
#   film    0.2    -0.3          -0.5
#   fine   (new) 0  0.4          +0.4
#   a       0.1     0.1           0.0
BEFORE = _explanation("a dull film", [Word("a", 0, 1, 0.1), Word("dull", 2, 6, -0.5), Word("film", 7, 11, 0.2)],
                      0.75, "positive")
AFTER = _explanation("a fine film", [Word("a", 0, 1, -0.1), Word("fine", 2, 6, -0.4), Word("film", 7, 11, 0.3)],
                     0.25, "negative")
MOVED = [["dull", -0.5, 0.0, 0.5], ["film", 0.2, -0.3, -0.5], ["fine", 0.0, 0.4, 0.4], ["a", 0.1, 0.1, 0.0]]


def test_contrast_gives_both_verdicts_both_views_and_the_words_that_moved(monkeypatch):
    asked = []
    monkeypatch.setattr(explanations, "explain_text",
                        lambda name, text, box: asked.append((name, text)) or {"a dull film": BEFORE,
                                                                          "a fine film": AFTER}[text])
    label_review, label_edited, view_review, view_edited, moved = explanations.contrast("ck", "a dull film",
                                                                                         "a fine film")
    assert asked == [("ck", "a dull film"), ("ck", "a fine film")]
    assert label_review == {"negative": 0.25, "positive": 0.75}
    assert label_edited == {"negative": 0.75, "positive": 0.25}
    assert (view_review, view_edited) == (highlighted_html(BEFORE), highlighted_html(AFTER))
    assert list(moved.columns) == ["word", "review", "edited copy", "change"]
    assert moved.values.tolist() == MOVED


# ---- the coloured text every tab shows, on the tiny BERT (checkpoint of 64 tokens: 15 read from the head,
# 47 from the tail) --------------------------------------------------------------------------------------
# Every tab renders through explain.render.highlighted_html (Explain, Mistakes, Contrast, Robustness): these
# pin what a reader sees in it, the pasted text whole but for the unread middle, and the marker's count.

def shown_text(page: str) -> str:
    """What a reader sees of the app's coloured text: the words without their spans, the markup unescaped."""
    body = re.fullmatch(r'<div class="attributions"[^>]*>(.*)</div>' + re.escape(LEGEND), page, re.S)[1]
    return html.unescape(re.sub(r"</?span[^>]*>", "", body))


GOOD_FILM = " ".join(["good", "film"] * 50)  # word i at character 5 i


@pytest.mark.parametrize("text, start, end, marker", [
    # 100 one-piece words: 38 unread, from the end of word 14 (74) to the start of word 53 (265)
    (GOOD_FILM, 74, 265, "... 38 words not read by the model ..."),
    # 63 words: one unread, word 15
    (GOOD_FILM[:5 * 63 - 1], 74, 80, "... 1 word not read by the model ..."),
    # 200 "!" (200 tokens): the head keeps 14, the tail 46; 140 unread, and no word among them
    ("good " + "!" * 200 + " bad", 19, 159, "... 140 tokens of punctuation or symbols not read by the model ..."),
    # 100 emoji, one [UNK] each, emoji i at 5 + 2 i: 40 unread, from the end of emoji 13 to emoji 54
    ("good " + "\U0001F600 " * 100 + "bad", 32, 113,
     "... 40 tokens of punctuation or symbols not read by the model ..."),
])
def test_the_coloured_text_is_the_review_with_the_unread_middle_counted_in_its_marker(monkeypatch, explainer,
                                                                                     text, start, end, marker):
    monkeypatch.setattr(explanations, "explainer", lambda name: explainer)
    shown = explanations.highlight("ck", text)["html"]
    assert shown_text(shown) == f"{text[:start]} [{marker}] {text[end:]}"


def test_the_coloured_text_shows_line_breaks_as_breaks(monkeypatch, explainer):
    monkeypatch.setattr(explanations, "explainer", lambda name: explainer)
    shown = explanations.highlight("ck", "Terrible plot.<br /><br />Great cast<BR>though & <b>more</b>.")["html"]
    assert shown_text(shown) == "Terrible plot.\n\nGreat cast\nthough & <b>more</b>."
    assert "<b>" not in shown  # the pasted markup is text
