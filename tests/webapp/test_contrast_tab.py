"""The Contrast tab's handlers (webapp/contrast_tab.py): what ``explanations.contrast`` computes, in order; the
suggested edits scored in one batch."""
from types import SimpleNamespace

import gradio as gr
import numpy as np
import pytest

from explain import Word
from explain.render import highlighted_html
from webapp import contrast_tab, explanations
from sentiment.labels import predicted_label
from sentiment.predictor import Predictor
from sentiment.robustness.edits import Edit, suggest_edits
from toy_models import hand_made_explanation as _explanation
from webapp.errors import user_errors


def test_compare_for_app_explains_the_review_and_its_edit_with_the_chosen_checkpoint(monkeypatch):
    before = _explanation("not bad", [Word("not", 0, 3, 0.25), Word("bad", 4, 7, -0.75)], 0.375, "negative")
    after = _explanation("not good", [Word("not", 0, 3, -0.25), Word("good", 4, 8, 0.5)], 0.625, "positive")
    asked = []
    monkeypatch.setattr(explanations, "explain_text",
                        lambda name, text, box: asked.append((name, text)) or {"not bad": before,
                                                                              "not good": after}[text])
    label_a, label_b, view_a, view_b, moved, page = contrast_tab.compare_for_app("ck", "not bad", "not good")
    assert asked == [("ck", "not bad"), ("ck", "not good")]
    assert (label_a, label_b) == ({"negative": 0.625, "positive": 0.375}, {"negative": 0.375, "positive": 0.625})
    assert (view_a, view_b) == (highlighted_html(before), highlighted_html(after))
    # toward positive: "not" -0.25 in both (the review explained toward negative); "bad" +0.75 -> gone,
    # "good" new at +0.5
    assert moved.values.tolist() == [["bad", 0.75, 0.0, -0.75], ["good", 0.0, 0.5, 0.5], ["not", -0.25, -0.25, 0.0]]
    # the download: both views side by side, under the tab's titles, with their verdicts
    text = open(page, encoding="utf-8").read()
    assert "contrast-ck-" in page and "<h1>A review and its edited copy, read by ck</h1>" in text
    assert (f'<div class="columns"><div><h3>Review</h3><p class="verdict">negative, P(positive) 0.38</p>{view_a}'
            f'</div><div><h3>Edited copy</h3><p class="verdict">positive, P(positive) 0.62</p>{view_b}</div></div>'
            ) in text
    assert "<h3>Words whose scores moved most</h3>" in text and "<td>good</td>" in text


def test_the_other_checkpoint_is_the_contrast_trained_one_where_it_ships():
    assert contrast_tab.other_checkpoint(["minilm-imdb-25k", "minilm-imdb-8k", "minilm-imdb-cad"]) == "minilm-imdb-cad"
    assert contrast_tab.other_checkpoint(["minilm-imdb-25k", "minilm-imdb-8k"]) == "minilm-imdb-8k"
    assert contrast_tab.other_checkpoint(["minilm-imdb-25k"]) is None


# ---- suggested edits -----------------------------------------------------------------------------

MARVEL = "A technical marvel, but it cannot be taken seriously."


class _Scorer:
    """A predictor whose P(positive) per text is given (0.5 for the rest), counting its calls."""

    def __init__(self, p: dict[str, float]):
        self.p, self.calls = p, []

    def p_positive(self, texts):
        self.calls.append(list(texts))
        return np.array([self.p.get(t, 0.5) for t in texts])


def test_suggested_edits_are_scored_in_one_batch_with_the_review_first(monkeypatch):
    scorer = _Scorer({MARVEL: 0.25, "A technical marvel, but it can be taken seriously.": 0.875,
                      "It cannot be taken seriously, but a technical marvel.": 0.0625,
                      "A technical marvel.": 0.9375})
    monkeypatch.setattr(contrast_tab, "predictor", {"ck": scorer}.__getitem__)
    table, note = contrast_tab.suggest_edits_for_app("ck", MARVEL)
    assert scorer.calls == [[MARVEL, *(e.text for e in suggest_edits(MARVEL))]]
    assert list(table.columns) == ["edit", "description", "text", "P(positive)", "verdict", "flips"]
    assert table.values.tolist() == [
        ["negation", "negate the verdict: 'cannot' -> 'can'", "A technical marvel, but it can be taken seriously.",
         0.875, "positive", "yes"],
        ["swap_clauses", "swap the clauses around 'but'", "It cannot be taken seriously, but a technical marvel.",
         0.062, "negative", "no"],
        # P(positive) 0.5 reads as positive: a flip
        ["drop_concession", "keep only the turn of 'but' (drop the concession)", "It cannot be taken seriously.",
         0.5, "positive", "yes"],
        ["drop_turn", "keep only the concession of 'but' (drop the turn)", "A technical marvel.", 0.938, "positive",
         "yes"],
    ]
    assert note == ("The review: **negative** (P(positive) 0.250) under `ck`. Edits suggested: 4; flipping the "
                    "verdict: 3. Select a row to put its text in the edited copy, then Compare.")


def test_an_edit_flips_when_its_verdict_differs_from_the_reviews():
    edits = [Edit("negation", "negate", "It is not good."), Edit("opposite_word", "swap", "It is great.")]
    table = contrast_tab.edit_table(edits, [0.25, 0.875], p_review=0.75)
    assert table[["verdict", "flips"]].values.tolist() == [["negative", "yes"], ["positive", "no"]]


def test_a_review_no_rule_applies_to_gets_an_empty_table_and_says_why(monkeypatch):
    monkeypatch.setattr(contrast_tab, "predictor", {"ck": _Scorer({"!!!": 0.75})}.__getitem__)
    table, note = contrast_tab.suggest_edits_for_app("ck", "!!!")
    assert table.empty and list(table.columns) == list(contrast_tab.EDIT_COLUMNS)
    assert note == f"The review: **positive** (P(positive) 0.750) under `ck`. {contrast_tab.NO_EDIT}"


@pytest.mark.parametrize("review, message", [
    # the tab has two boxes: the messages name the one the edits are made from
    ("", "Paste a review first: the review box is empty."),
    (None, "Paste a review first: the review box is empty."),
    (12345, "The review box must be text, not int."),
    (["a", "b"], "The review box must be text, not list."),
    ("<br /><br />", "Paste a review first: the review box holds line breaks (&lt;br /&gt;) only."),
    ("x" * 100_001, "The review box is 100,001 characters long; reviews up to 100,000 characters are accepted."),
])
def test_bad_reviews_reach_the_page_as_messages(monkeypatch, review, message):
    scorer = _Scorer({})
    monkeypatch.setattr(contrast_tab, "predictor", {"ck": scorer}.__getitem__)
    with pytest.raises(gr.Error) as error:
        user_errors(contrast_tab.suggest_edits_for_app)("ck", review)
    assert error.value.message == message and scorer.calls == []


def test_suggested_edits_with_a_model_get_its_probabilities(tiny_model_dir, monkeypatch):
    tiny = Predictor.from_pretrained(tiny_model_dir, precision="fp32")
    monkeypatch.setattr(contrast_tab, "predictor", {"tiny": tiny}.__getitem__)
    table, note = contrast_tab.suggest_edits_for_app("tiny", MARVEL)
    expected = tiny.p_positive(table["text"].tolist())  # each edit alone, as the Classify tab would read it
    assert table["P(positive)"].tolist() == pytest.approx(expected, abs=6e-4)  # shown to 3 places
    assert table["verdict"].tolist() == predicted_label(expected)
    review = predicted_label(float(tiny.p_positive([MARVEL])[0]))
    assert table["flips"].tolist() == ["yes" if v != review else "no" for v in predicted_label(expected)]
    assert note.startswith(f"The review: **{review}**")


def test_selecting_a_suggestion_reads_its_text_from_the_row():
    event = SimpleNamespace(index=[3, 0], row_value=["drop_turn", "keep only the concession of 'but' (drop the turn)",
                                                     "A technical marvel.", 0.938, "positive", "yes"])
    assert contrast_tab.text_from_selection(event) == "A technical marvel."
