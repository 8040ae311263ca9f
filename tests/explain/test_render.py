"""explain/render.py: what a person reads, the coloured text, the top-words table and the HTML page.

Most tests build an ``Explanation`` by hand, with known word scores, so every colour, sign, number and
escaped character can be written out exactly. A few run the tiny random-weight BERT end to end.
"""
import html
import re

import pytest

from explain.explainer import Explanation
from explain.render import (LEGEND, PAGE_STYLE, Column, colour, highlighted_html, highlighted_segments, page_html,
                            side_by_side_html, to_html, top_words_table)
from explain.words import DroppedSpan, Word

GREEN = "rgba(22, 163, 74, {:.3f})"
RED = "rgba(220, 38, 38, {:.3f})"


def explanation(text, scored, target="positive", dropped=None, **fields):
    """An Explanation of ``text``: ``scored`` is ``[(word, score toward target)]`` in reading order,
    each word found in ``text`` after the previous one."""
    words, cursor = [], 0
    for word, score in scored:
        start = text.index(word, cursor)
        words.append(Word(word, start, start + len(word), score))
        cursor = start + len(word)
    values = dict(text=text, label=target, p_positive=0.8 if target == "positive" else 0.2, target=target,
                  method="ig", words=words, margin_input=1.5, margin_baseline=0.0, baseline="neutral",
                  baseline_p_positive=0.5, attribution_sum=sum(s for _, s in scored), convergence_delta=0.0123,
                  completeness_error=0.015, relative_delta=0.02, n_steps=8, steps_note=None, dropped=dropped,
                  seconds=0.5, precision="fp32")
    return Explanation(**{**values, **fields})


def span(background, title, text):
    """One coloured word as the page shows it (the expected strings below are written out, not computed)."""
    return f'<span class="word" style="background:{background}" title="{title} toward positive">{text}</span>'


OPEN = '<div class="attributions" style="white-space: pre-wrap; line-height: 1.8">'


def shown_text(page):
    return page.removeprefix(OPEN).removesuffix(LEGEND).removesuffix("</div>")


# "good" pushes toward positive, "bad" twice as hard toward negative, when explaining "positive".
SCORED = [("good", 0.5), ("bad", -2.0), ("fine", 0.1)]


# --- colour --------------------------------------------------------------------------------------

@pytest.mark.parametrize("push, expected", [
    (1.0, "rgba(22, 163, 74, 1.000)"),
    (0.25, "rgba(22, 163, 74, 0.250)"),
    (0.12345, "rgba(22, 163, 74, 0.123)"),
    (2.0, "rgba(22, 163, 74, 1.000)"),      # capped at full strength
    (-0.5, "rgba(220, 38, 38, 0.500)"),
    (-3.0, "rgba(220, 38, 38, 1.000)"),
    (0.0, "rgba(220, 38, 38, 0.000)"),      # no push: fully transparent, whatever the hue
])
def test_colour_is_green_toward_positive_red_toward_negative_and_as_strong_as_the_push(push, expected):
    assert colour(push) == expected


def test_legend_names_green_positive_and_red_negative():
    assert LEGEND == ('<p class="legend"><span style="background:rgba(22, 163, 74, 1.000)">toward positive</span> '
                      '<span style="background:rgba(220, 38, 38, 1.000)">toward negative</span> '
                      "(the stronger the colour, the stronger the push)</p>")


# --- top words table -----------------------------------------------------------------------------

def test_top_words_table_explaining_positive_keeps_the_signs():
    assert top_words_table(explanation("good bad fine", SCORED)) == [
        {"word": "bad", "toward": "negative", "push toward positive": -2.0, "start": 5, "end": 8},
        {"word": "good", "toward": "positive", "push toward positive": 0.5, "start": 0, "end": 4},
        {"word": "fine", "toward": "positive", "push toward positive": 0.1, "start": 9, "end": 13},
    ]


def test_top_words_table_explaining_negative_flips_the_signs_toward_positive():
    # The same numbers are now pushes toward negative, so toward positive they read with the other sign.
    assert top_words_table(explanation("good bad fine", SCORED, target="negative")) == [
        {"word": "bad", "toward": "positive", "push toward positive": 2.0, "start": 5, "end": 8},
        {"word": "good", "toward": "negative", "push toward positive": -0.5, "start": 0, "end": 4},
        {"word": "fine", "toward": "negative", "push toward positive": -0.1, "start": 9, "end": 13},
    ]


def test_top_words_table_keeps_k_rows_by_size_and_rounds_to_four_places():
    e = explanation("a great film, a great cast", [("a", 0.01), ("great", 0.123456), ("film", -0.3),
                                                   (",", 0.0), ("a", -0.02), ("great", 0.2), ("cast", 0.05)])
    # the same word twice keeps its own span and push
    assert top_words_table(e, k=3) == [
        {"word": "film", "toward": "negative", "push toward positive": -0.3, "start": 8, "end": 12},
        {"word": "great", "toward": "positive", "push toward positive": 0.2, "start": 16, "end": 21},
        {"word": "great", "toward": "positive", "push toward positive": 0.1235, "start": 2, "end": 7},
    ]


# --- coloured text: segments (what every rendering of the coloured text is built from) -----------

def _pairs(segments):
    """(text, scaled push or None) of each segment: what a reader sees, and how strongly it is coloured."""
    return [(s.text, s.scaled) for s in segments]


def test_segments_carry_each_words_push_and_mark_the_unread_middle():
    e = explanation(DROPPED_TEXT, DROPPED_SCORED, dropped=DROPPED)
    segments = highlighted_segments(e)
    assert [s.push for s in segments] == [0.5, None, -0.25, None, 1.0]
    assert [s.unread for s in segments] == [False, False, False, True, False]

def test_segments_are_pushes_toward_positive_scaled_by_the_largest():
    assert _pairs(highlighted_segments(explanation("good bad fine", SCORED))) == [
        ("good", 0.25), (" ", None), ("bad", -1.0), (" ", None), ("fine", 0.05)]
    assert _pairs(highlighted_segments(explanation("good bad fine", SCORED, target="negative"))) == [
        ("good", -0.25), (" ", None), ("bad", 1.0), (" ", None), ("fine", -0.05)]


def test_segments_keep_every_gap_of_the_pasted_text():
    e = explanation("  Fine acting,\n dull<br />story.  ", [("Fine", 1.0), ("acting", 0.5), (",", 0.0),
                                                           ("dull", -0.5), ("story", -0.25), (".", 0.0)])
    assert _pairs(highlighted_segments(e)) == [
        ("  ", None), ("Fine", 1.0), (" ", None), ("acting", 0.5), (",", 0.0), ("\n ", None), ("dull", -0.5),
        ("<br />", None), ("story", -0.25), (".", 0.0), ("  ", None)]


def test_segments_of_an_explanation_with_all_scores_zero_are_zero_not_a_division_by_zero():
    assert _pairs(highlighted_segments(explanation("so so", [("so", 0.0), ("so", 0.0)]))) == [
        ("so", 0.0), (" ", None), ("so", 0.0)]


# The model read "one two" and "six", not " three four five ".
DROPPED_TEXT = "one two three four five six"
DROPPED = DroppedSpan(start=7, end=24, n_words=3, n_tokens=3)
DROPPED_SCORED = [("one", 0.5), ("two", -0.25), ("six", 1.0)]


def test_segments_replace_the_unread_middle_by_a_marker():
    e = explanation(DROPPED_TEXT, DROPPED_SCORED, dropped=DROPPED)
    assert _pairs(highlighted_segments(e)) == [
        ("one", 0.5), (" ", None), ("two", -0.25), (" [... 3 words not read by the model ...] ", None), ("six", 1.0)]


# --- coloured text: HTML -------------------------------------------------------------------------

def test_highlighted_html_colours_each_word_by_its_push_toward_positive():
    page = highlighted_html(explanation("good bad fine", SCORED, target="negative"))
    assert page.startswith(OPEN) and page.endswith("</div>" + LEGEND)
    # Scores toward negative [0.5, -2.0, 0.1] are pushes toward positive [-0.5, +2.0, -0.1]:
    # "bad" is full green, "good" and "fine" red, scaled by the largest |push| (2.0).
    assert shown_text(page) == (span(RED.format(0.25), "-0.500", "good") + " "
                                + span(GREEN.format(1.0), "+2.000", "bad") + " "
                                + span(RED.format(0.05), "-0.100", "fine"))


def test_highlighted_html_explaining_positive_uses_the_scores_as_they_are():
    page = highlighted_html(explanation("good bad fine", SCORED))
    assert shown_text(page) == (span(GREEN.format(0.25), "+0.500", "good") + " "
                                + span(RED.format(1.0), "-2.000", "bad") + " "
                                + span(GREEN.format(0.05), "+0.100", "fine"))


def test_highlighted_html_escapes_markup_and_shows_line_breaks():
    text = 'Dull <b>plot</b> & "great" cast\'s<br />R&B<BR>ok'
    e = explanation(text, [("Dull", -1.0), ("plot", -0.5), ("great", 1.0), ("cast's", 0.25), ("R&B", 0.0),
                           ("ok", 0.5)])
    assert shown_text(highlighted_html(e)) == (
        span(RED.format(1.0), "-1.000", "Dull") + " &lt;b&gt;"
        + span(RED.format(0.5), "-0.500", "plot") + "&lt;/b&gt; &amp; &quot;"
        + span(GREEN.format(1.0), "+1.000", "great") + "&quot; "
        + span(GREEN.format(0.25), "+0.250", "cast&#x27;s") + "\n"
        + span(RED.format(0.0), "+0.000", "R&amp;B") + "\n"
        + span(GREEN.format(0.5), "+0.500", "ok"))


def test_highlighted_html_shows_a_marker_where_the_model_stopped_reading():
    e = explanation(DROPPED_TEXT, DROPPED_SCORED, dropped=DROPPED)
    assert shown_text(highlighted_html(e)) == (
        span(GREEN.format(0.5), "+0.500", "one") + " " + span(RED.format(0.25), "-0.250", "two")
        + " [... 3 words not read by the model ...] " + span(GREEN.format(1.0), "+1.000", "six"))


# --- the HTML page -------------------------------------------------------------------------------

def review_of(page):
    return re.search(r'<div class="review">(.*?)</div>\n', page, re.S).group(1)


def test_html_page_states_the_facts_and_lists_the_top_words_toward_positive():
    page = to_html(explanation("good bad fine", SCORED, target="negative", label="negative", p_positive=0.25,
                               baseline_p_positive=0.4871, steps_note="steps raised from 8 to 12: <fine>"),
                   title='Why "it" <said> so & more')
    assert page.startswith("<!DOCTYPE html>")
    assert "<title>Why &quot;it&quot; &lt;said&gt; so &amp; more</title>" in page
    assert "<h1>Why &quot;it&quot; &lt;said&gt; so &amp; more</h1>" in page
    facts = re.search(r"<ul>(.*?)</ul>", page).group(1)
    assert facts == ("<li>prediction: negative (P(positive) = 0.250)</li>"
                     "<li>explained: margin of negative, ig, 8 steps</li>"
                     "<li>with its words taken out (the baseline), the review reads P(positive) = 0.487</li>"
                     "<li>completeness error: 1.50% of the scores&#x27; size (delta +0.0123)</li>"
                     "<li>steps raised from 8 to 12: &lt;fine&gt;</li>")
    table = re.search(r"<table>(.*?)</table>", page).group(1)
    assert table == ("<tr><th>word</th><th>push toward positive</th><th>toward</th></tr>"
                     "<tr><td>bad</td><td>+2.0000</td><td>positive</td></tr>"
                     "<tr><td>good</td><td>-0.5000</td><td>negative</td></tr>"
                     "<tr><td>fine</td><td>-0.1000</td><td>negative</td></tr>")
    assert review_of(page) == (span(RED.format(0.25), "-0.500", "good") + " "
                               + span(GREEN.format(1.0), "+2.000", "bad") + " "
                               + span(RED.format(0.05), "-0.100", "fine"))
    assert LEGEND in page


def test_html_page_of_an_occlusion_has_no_completeness_figure():
    page = to_html(explanation("good bad fine", SCORED, method="occlusion", n_steps=None, completeness_error=None,
                               convergence_delta=None, relative_delta=None))
    assert ("<li>explained: margin of positive, occlusion</li>"
            "<li>with its words taken out (the baseline), the review reads P(positive) = 0.500</li>"
            "<li>completeness error: n/a</li></ul>") in page


def test_html_page_folds_the_unread_middle_and_escapes_it():
    text = "one two <b>three</b> & four six"
    dropped = DroppedSpan(start=7, end=text.index("six"), n_words=3, n_tokens=7)
    page = to_html(explanation(text, DROPPED_SCORED, dropped=dropped))
    assert review_of(page) == (
        span(GREEN.format(0.5), "+0.500", "one") + " " + span(RED.format(0.25), "-0.250", "two")
        + '<details class="dropped"><summary>... 3 words not read by the model ...</summary>'
        + " &lt;b&gt;three&lt;/b&gt; &amp; four </details>" + span(GREEN.format(1.0), "+1.000", "six"))


def test_html_page_escapes_a_script_in_the_review():
    e = explanation('Great <script>alert("pwned")</script> film', [("Great", 1.0), ("alert", 0.0),
                                                                     ("pwned", 0.0), ("film", 0.5)])
    page = to_html(e)
    assert "<script" not in page
    assert html.unescape(re.sub(r"</?span[^>]*>", "", review_of(page))) == e.text


# --- pages for slides: fragments already built, wrapped ------------------------------------------

FRAGMENT = ('<div class="attributions"><span class="word" style="background:rgba(22, 163, 74, 0.500)">A&amp;B</span>'
            "</div>")


def test_a_page_escapes_its_text_and_keeps_the_fragments_verbatim():
    page = page_html('Step <1> & "two"', [("<b>Example</b>", FRAGMENT), ("", "<p>second</p>")],
                     facts=["checkpoint <ck>"])
    assert page.startswith("<!DOCTYPE html>") and page.endswith("</body></html>\n")
    assert "<title>Step &lt;1&gt; &amp; &quot;two&quot;</title>" in page
    assert "<h1>Step &lt;1&gt; &amp; &quot;two&quot;</h1>" in page
    assert "<ul><li>checkpoint &lt;ck&gt;</li></ul>" in page
    assert f"<h2>&lt;b&gt;Example&lt;/b&gt;</h2>\n{FRAGMENT}<p>second</p>" in page
    assert f"<style>\n{PAGE_STYLE}</style>" in page  # the one style, in the page: nothing fetched
    assert not re.search(r"""(src|href)=["']?https?:""", page) and "<script" not in page


def test_a_page_without_facts_has_no_empty_list():
    assert "<ul>" not in page_html("t", [("", "<p>x</p>")])


def test_side_by_side_puts_each_fragment_under_its_title_and_verdict():
    both = side_by_side_html(Column("Original <a>", "negative, P(positive) 0.10", FRAGMENT),
                             Column("Minimal edit", "positive & sure", "<p>right</p>"))
    assert both == ('<div class="columns">'
                    '<div><h3>Original &lt;a&gt;</h3><p class="verdict">negative, P(positive) 0.10</p>'
                    f"{FRAGMENT}</div>"
                    '<div><h3>Minimal edit</h3><p class="verdict">positive &amp; sure</p><p>right</p></div>'
                    "</div>\n")
    assert ".columns { display: grid; grid-template-columns: 1fr 1fr;" in PAGE_STYLE  # two columns


# --- end to end, on the tiny BERT ----------------------------------------------------------------


def test_segments_of_a_real_explanation_cover_the_text_and_flip_for_negative(explainer):
    text = "  Fine acting,   dull  story.  "
    e = explainer.explain(text, target="negative", n_steps=8)
    segments = highlighted_segments(e)
    assert "".join(s.text for s in segments) == text
    top = max(abs(w.score) for w in e.words)
    assert [s.scaled for s in segments if s.scaled is not None] == [round(-w.score / top, 4) for w in e.words]


def test_a_real_explanation_renders_its_words_escaped_in_reading_order(explainer):
    text = 'Dull <b>plot</b> & "great" cast<br />really'
    e = explainer.explain(text, target="negative", n_steps=4)
    page = highlighted_html(e)
    assert "<b>" not in page and "</b>" not in page and "<br" not in shown_text(page)
    # with the word spans removed, the escaped text reads back as pasted, the <br /> as a line break
    assert html.unescape(re.sub(r"</?span[^>]*>", "", shown_text(page))) == text.replace("<br />", "\n")
    spans = re.findall(r'<span class="word" style="background:([^"]+)" title="([+-][0-9.]+) toward positive">'
                       r"(.*?)</span>", page)
    assert [html.unescape(word) for _, _, word in spans] == [w.word for w in e.words]
    top = max(abs(w.score) for w in e.words)
    for (background, title, _), w in zip(spans, e.words):
        assert title == f"{-w.score:+.3f}"  # explained toward negative: shown toward positive, flipped
        assert background == colour(-w.score / top)
