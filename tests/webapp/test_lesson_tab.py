"""webapp/lesson_tab.py: the lesson's steps, their measured patterns from hand-made reports, and a step as the
tab shows it, on the tiny model."""
import os
from html import escape

import pytest

from explain.patterns import parts_html
from sentiment.errors import DataError
from webapp import lesson_tab as L

REPORT = {
    "behaviour": {"capabilities": {"contrast_but": {
        "failure_rate": 0.2333, "n": 150, "description": '"X, but Y" with Y deciding',
        "attribution": {"right": {"n": 114, "parts": {"turn": {"n": 114, "mean": 5.554},
                                                      "concession": {"n": 114, "mean": -4.336}}},
                        "wrong": {"n": 36, "parts": {"turn": {"n": 36, "mean": 4.321}}}}}}},
    "taxonomy": {"tags": {
        "irony_cue": {"lift_by_class": {"negative": 0.4015, "positive": 2.0143}, "lift": 0.67,
                      "error_rate_with": 0.05, "error_rate_without": 0.075, "n_with": 502},
        "borderline_rating": {"lift": 2.68, "error_rate_with": 0.149, "error_rate_without": 0.056, "n_with": 4942},
    }},
}


@pytest.mark.parametrize("value, expected", [(1, 1), ("3", 3), (6.0, 6)])
def test_a_step_number_as_a_slider_or_the_api_sends_it(value, expected):
    assert L.step_number(value) == expected


@pytest.mark.parametrize("value", [0, 7, 2.5, "x", None, [1]])
def test_a_step_outside_the_lesson_is_a_message(value):
    with pytest.raises(DataError, match="The lesson step must be a whole number from 1 to 6"):
        L.step_number(value)


def test_the_contrast_steps_pattern_is_read_from_the_report():
    assert L.pattern(REPORT, L.STEPS[2], "big") == (
        '`big` fails **23.3%** of the 150 generated cases ("X, but Y" with Y deciding).\n'
        "Mean push toward the expected label (word scores summed per part):\n"
        "- push of the turn (after but/yet/however): read right: +5.55 (114 cases); read wrong: +4.32 (36 cases)\n"
        "- push of the concession: read right: -4.34 (114 cases)")


def test_the_literal_and_taxonomy_steps_read_the_error_taxonomy():
    literal = L.pattern(REPORT, L.STEPS[0], "big")
    assert literal.endswith("- **irony cue**: a positive review with it is misread 2.0 times as often as one "
                            "without; a negative review 0.4 times")
    assert L.pattern(REPORT, L.STEPS[4], "big").endswith(
        "- **borderline rating (4 or 7 stars)**: misread 14.9% of the time against 5.6% without it (2.68 times as "
        "often; 4,942 test reviews)")
    assert L.pattern(None, L.STEPS[2], "big").startswith("*No robustness report for `big`")


def test_every_step_names_a_pair_and_a_known_pattern():
    assert L.n_steps() == len(L.STEPS) + 1
    for step in L.STEPS:
        assert step.pair[0] != step.pair[1] and step.notice and step.capability in (
            "literal", "taxonomy", "negated_negative", "contrast_but", "irony")


def explainer_predictor(explainer):
    """A Predictor of the explainer's own model, as the app's caches pair them."""
    from sentiment.predictor import Predictor

    return Predictor(explainer.model, explainer.tokenizer, explainer.max_length, "cpu", "fp32")


def contrast_stub(checkpoint, a, b):
    """``explanations.contrast``'s five outputs, made of the texts: both verdicts, both "views", the moved words."""
    import pandas as pd

    return ({"negative": 0.25, "positive": 0.75}, {"negative": 0.875, "positive": 0.125},
            f"<p>{checkpoint}: {escape(a)}</p>", f"<p>{checkpoint}: {escape(b)}</p>",
            pd.DataFrame({"word": ["<w>"], "review": [1.0], "edited copy": [0.5], "change": [-0.5]}))


@pytest.fixture
def tiny_lesson(explainer, monkeypatch):
    from webapp import robustness_tab

    L._lesson_step.cache_clear()
    monkeypatch.setattr(L, "locate", lambda name: "/nowhere")
    monkeypatch.setattr(L, "explainer", lambda name: explainer)
    monkeypatch.setattr(L, "predictor", lambda name: explainer_predictor(explainer))
    monkeypatch.setattr(L, "contrast", contrast_stub)
    monkeypatch.setattr(robustness_tab, "load_reports", lambda found: {"tiny": REPORT})
    monkeypatch.setattr(L, "misreadings", lambda: [{"id": "test/neg/2593_1", "text": "Very bad, but fun.",
                                                    "label": "negative", "note": "A note."}])
    monkeypatch.setattr(L, "report_reviews", lambda: {"test/neg/8977_4": "Dull.", "test/pos/1235_8": "Fine."})
    yield explainer
    L._lesson_step.cache_clear()


def test_a_step_as_the_tab_shows_it(tiny_lesson):
    heading, note, shown, original, edit, *pair, page = L.lesson_step("tiny", 3)
    assert heading == '### Step 3 of 6: "X, but Y"'
    assert note == f"{L.STEPS[2].notice}\n\n{L.pattern(REPORT, L.STEPS[2], 'tiny')}"
    e = tiny_lesson.explain("Very bad, but fun.")
    assert shown == (f"<p><b>A real test review</b> (<code>test/neg/2593_1</code>, true label negative; "
                     f"<code>tiny</code> reads it {e.label}, P(positive) {e.p_positive:.2f}). A note.</p>"
                     + parts_html(e))
    expected = contrast_stub("tiny", *L.STEPS[2].pair)
    assert (original, edit) == L.STEPS[2].pair and pair[:4] == list(expected[:4]) and pair[4].equals(expected[4])
    # a step whose example is not shipped says so
    assert L.lesson_step("tiny", 1)[2] == ("<p><i>The example review is not among the reviews shipped with the app."
                                           "</i></p>")


def test_the_last_step_is_the_reports_four_reviews_read_by_this_checkpoint(tiny_lesson):
    heading, note, shown, *_ = L.lesson_step("tiny", 6)
    assert heading == "### Step 6 of 6: The lab report's four reviews"
    for review_id, text, truth in (("test/neg/8977_4", "Dull.", "negative"), ("test/pos/1235_8", "Fine.", "positive")):
        e = tiny_lesson.explain(text)  # the explainer's verdict: the same model as the table's predictor
        verdict = "right" if e.label == truth else "**wrong**"
        assert f"| `{review_id}` | {truth} | {e.label} ({e.p_positive:.2f}) | {verdict} |" in note
    assert shown.startswith("<p><b><code>test/neg/8977_4</code></b>, with its parts marked")


def test_prepare_computes_every_step_once_for_all_visitors(tiny_lesson, monkeypatch):
    computed = []
    real = L._compute_step
    monkeypatch.setattr(L, "_compute_step", lambda checkpoint, n: computed.append(n) or real(checkpoint, n))
    L.prepare("tiny")
    assert computed == list(range(1, L.n_steps() + 1))
    first = L.lesson_step("tiny", 3)
    again = L.lesson_step("tiny", 3)
    assert all(a is b for a, b in zip(again[:-1], first[:-1])) and again[-1] == first[-1]
    assert computed == list(range(1, L.n_steps() + 1))  # read, not recomputed


def test_the_step_downloads_as_a_page_of_what_the_tab_shows(tiny_lesson):
    heading, note, shown, original, edit, label_a, label_b, view_a, view_b, moved, page = L.lesson_step("tiny", 3)
    text = open(page, encoding="utf-8").read()
    assert page.endswith(".html") and "lesson-step-3-tiny-" in page
    assert text.startswith("<!DOCTYPE html>") and '<h1>Step 3 of 6: &quot;X, but Y&quot;</h1>' in text
    assert "<p>After <em>but</em>, <em>yet</em> or <em>however</em> comes the verdict" in text  # the note
    assert "<strong>23.3%</strong>" in text  # its measured pattern, Markdown as HTML
    assert shown in text and shown.count('class="word"') > 0  # the example with its parts, as the tab shows it
    assert ('<div class="columns"><div><h3>Original</h3><p class="verdict">positive, P(positive) 0.75</p>'
            f"{view_a}</div><div><h3>Minimal edit</h3><p class=\"verdict\">negative, P(positive) 0.12</p>"
            f"{view_b}</div></div>") in text
    assert "<td>&lt;w&gt;</td>" in text  # the moved words, escaped


def test_a_steps_page_removed_by_the_clean_up_is_written_again_without_recomputing(tiny_lesson, monkeypatch):
    *_, page = L.lesson_step("tiny", 3)
    content = open(page, encoding="utf-8").read()
    monkeypatch.setattr(L, "_compute_step", lambda checkpoint, n: pytest.fail("the step was computed again"))
    os.remove(page)
    assert L.lesson_step("tiny", 3)[-1] == page and open(page, encoding="utf-8").read() == content


def test_the_notes_html_stays_text_on_the_page():
    outputs = ("### Step 1 of 6: <i>x</i>", "Note with <script>alert(1)</script> and *stress*", "<p>shown</p>",
               "a", "b", *contrast_stub("ck", "a", "b"))
    page = L.step_page("ck", outputs)
    assert "<script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<em>stress</em>" in page and "<h1>Step 1 of 6: &lt;i&gt;x&lt;/i&gt;</h1>" in page


def test_a_report_without_the_steps_phenomenon_says_so():
    assert L.pattern({"taxonomy": {}}, L.STEPS[1], "big") == (
        "*`big`'s robustness report has no behavioural tests of this phenomenon: run `python -m sentiment "
        "robustness --checkpoint checkpoints/big --save` again.*")
