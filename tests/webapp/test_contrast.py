"""The Contrast tab's handler (webapp/contrast.py) gives what ``explanations.contrast`` computes, in order."""
from explain import Word
from explain.render import highlighted_html
from webapp import contrast, explanations
from toy_models import hand_made_explanation as _explanation


def test_compare_for_app_explains_the_review_and_its_edit_with_the_chosen_checkpoint(monkeypatch):
    before = _explanation("not bad", [Word("not", 0, 3, 0.25), Word("bad", 4, 7, -0.75)], 0.375, "negative")
    after = _explanation("not good", [Word("not", 0, 3, -0.25), Word("good", 4, 8, 0.5)], 0.625, "positive")
    asked = []
    monkeypatch.setattr(explanations, "explain_text",
                        lambda name, text: asked.append((name, text)) or {"not bad": before, "not good": after}[text])
    label_a, label_b, view_a, view_b, moved = contrast.compare_for_app("ck", "not bad", "not good")
    assert asked == [("ck", "not bad"), ("ck", "not good")]
    assert (label_a, label_b) == ({"negative": 0.625, "positive": 0.375}, {"negative": 0.375, "positive": 0.625})
    assert (view_a, view_b) == (highlighted_html(before), highlighted_html(after))
    # toward positive: "not" -0.25 in both (the review explained toward negative); "bad" +0.75 -> gone,
    # "good" new at +0.5
    assert moved.values.tolist() == [["bad", 0.75, 0.0, -0.75], ["good", 0.0, 0.5, 0.5], ["not", -0.25, -0.25, 0.0]]


def test_the_other_checkpoint_is_the_contrast_trained_one_where_it_ships():
    assert contrast.other_checkpoint(["minilm-imdb-25k", "minilm-imdb-8k", "minilm-imdb-cad"]) == "minilm-imdb-cad"
    assert contrast.other_checkpoint(["minilm-imdb-25k", "minilm-imdb-8k"]) == "minilm-imdb-8k"
    assert contrast.other_checkpoint(["minilm-imdb-25k"]) is None
