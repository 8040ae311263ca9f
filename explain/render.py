"""Showing an explanation to a person: the coloured text (the app's view), a top-words table, an HTML page;
and pages for slides wrapped around such fragments (``page_html``, ``side_by_side_html``), in one style.

One sign for everything a person reads: pushes toward *positive*, whichever
class was explained (the margin of one class is minus the other's). One colour
rule: green toward positive, red toward negative. The app and the export share
both, so a word reads the same in each.
"""
from __future__ import annotations

import html
from typing import NamedTuple

from sentiment.text import LINE_BREAK

from .explainer import Explanation


class Segment(NamedTuple):
    """One piece of the coloured text; the pieces join back to what a reader sees."""

    text: str                    # a word, a gap between words, or the marker of the unread middle
    scaled: float | None         # push toward positive / the largest |push|, in [-1, 1]; None but for words
    push: float | None = None    # push toward positive (words only)
    unread: bool = False         # the marker standing for the middle the model never read


def scale(explanation: Explanation) -> float:
    """The largest |word score|: dividing by it puts scores in [-1, 1]."""
    return max((abs(w.score) for w in explanation.words), default=0.0) or 1.0


def _pieces(explanation: Explanation):
    """``(kind, text, score)`` in reading order, covering the whole text.

    kind: ``"word"``, ``"gap"`` (whitespace, ``<br />``, anything unscored) or
    ``"dropped"`` (the middle the model never read).
    """
    text, cursor = explanation.text, 0
    dropped = explanation.dropped
    for word in explanation.words:
        if dropped is not None and cursor <= dropped.end <= word.start:
            if cursor < dropped.start:
                yield "gap", text[cursor:dropped.start], None
            yield "dropped", text[max(cursor, dropped.start):dropped.end], None
            cursor, dropped = dropped.end, None
        if cursor < word.start:
            yield "gap", text[cursor:word.start], None
        yield "word", word.word, word.score
        cursor = word.end
    if cursor < len(text):
        yield "gap", text[cursor:], None


def highlighted_segments(explanation: Explanation) -> list[Segment]:
    """The coloured text as ``Segment`` pieces that join back to the pasted text, the part the model never
    read replaced by a marker such as " [... 312 words not read by the model ...] ". Every rendering of
    the coloured text (the app's, the exported page's) is built from these."""
    top = scale(explanation)
    toward_positive = iter(explanation.scores_toward("positive"))
    segments = []
    for kind, piece, _ in _pieces(explanation):
        if kind == "dropped":
            segments.append(Segment(f" [{explanation.dropped.message}] ", None, unread=True))
        elif kind == "gap":
            segments.append(Segment(piece, None))
        else:
            push = next(toward_positive)
            segments.append(Segment(piece, round(push / top, 4), push))
    return segments


def top_words_table(explanation: Explanation, k: int = 10, digits: int = 4) -> list[dict]:
    """Rows ``{"word", "toward", "push toward positive", "start", "end"}`` of the ``k`` largest pushes,
    largest first; the push rounded once, to ``digits`` places."""
    toward_positive = dict(zip(((w.start, w.end) for w in explanation.words), explanation.scores_toward("positive")))
    rows = []
    for w in explanation.top_words(k):
        push = toward_positive[(w.start, w.end)]
        rows.append({"word": w.word, "toward": "positive" if push > 0 else "negative",
                     "push toward positive": round(push, digits), "start": w.start, "end": w.end})
    return rows


# Green toward positive, red toward negative: the convention of Captum's visualisation and of
# transformers-interpret, so people who know those read these colours the same way.
POSITIVE_RGB = (22, 163, 74)
NEGATIVE_RGB = (220, 38, 38)


def colour(push: float) -> str:
    """Background for a push toward positive scaled to [-1, 1]: green above 0, red below, stronger further out."""
    red, green, blue = POSITIVE_RGB if push > 0 else NEGATIVE_RGB
    return f"rgba({red}, {green}, {blue}, {min(abs(push), 1.0):.3f})"


LEGEND = (f'<p class="legend"><span style="background:{colour(1)}">toward positive</span> '
          f'<span style="background:{colour(-1)}">toward negative</span> (the stronger the colour, the stronger '
          f"the push)</p>")


def _word_span(text: str, push: float, top: float) -> str:
    """A word coloured by ``push / top``; hovering shows ``push``, the number the top-words table shows."""
    return (f'<span class="word" style="background:{colour(push / top)}" title="{push:+.3f} toward positive">'
            f"{text}</span>")


def _coloured_text(explanation: Explanation, unread: str) -> str:
    """The pasted text as HTML, each word in a coloured span, everything escaped; ``unread`` is the
    HTML that stands for the middle the model never read."""
    top = scale(explanation)
    body = []
    for segment in highlighted_segments(explanation):
        if segment.unread:
            body.append(unread)
        elif segment.push is None:  # a gap: a pasted <br /> is a line break to the reader
            body.append(html.escape(LINE_BREAK.sub("\n", segment.text)))
        else:
            body.append(_word_span(html.escape(segment.text), segment.push, top))
    return "".join(body)


def highlighted_html(explanation: Explanation) -> str:
    """The pasted text with each word's background coloured by its push toward positive; every piece of
    text escaped (a review holding ``<script>`` shows as text). The part the model never read is a marker."""
    marker = html.escape(f" [{explanation.dropped.message}] ") if explanation.dropped else ""
    return (f'<div class="attributions" style="white-space: pre-wrap; line-height: 1.8">'
            f"{_coloured_text(explanation, marker)}</div>{LEGEND}")


def to_html(explanation: Explanation, title: str = "Why the model said so") -> str:
    """A self-contained HTML page. Every piece of text is escaped: a review holding
    ``<script>`` shows as text, it does not run. The unread middle can be unfolded."""
    e = explanation
    unread = "" if e.dropped is None else (
        f'<details class="dropped"><summary>{html.escape(e.dropped.message)}</summary>'
        f"{html.escape(e.text[e.dropped.start:e.dropped.end])}</details>")
    body = [_coloured_text(e, unread)]
    trust = ("n/a" if e.completeness_error is None else
             f"{e.completeness_error:.2%} of the scores' size (delta {e.convergence_delta:+.4f})")
    facts = [f"prediction: {e.label} (P(positive) = {e.p_positive:.3f})",
             f"explained: margin of {e.target}, {e.method}" + (f", {e.n_steps} steps" if e.n_steps else ""),
             f"with its words taken out (the baseline), the review reads P(positive) = {e.baseline_p_positive:.3f}",
             f"completeness error: {trust}"]
    if e.steps_note:
        facts.append(e.steps_note)
    rows = "".join(f"<tr><td>{html.escape(r['word'])}</td><td>{r['push toward positive']:+.4f}</td>"
                   f"<td>{html.escape(r['toward'])}</td></tr>" for r in top_words_table(e))
    review = f'{LEGEND}\n<div class="review">{"".join(body)}</div>\n'
    table = (f"<table><tr><th>word</th><th>push toward positive</th><th>toward</th></tr>{rows}</table>\n")
    return page_html(title, [("", review), ("Top words", table)], facts)


# One style for every page made for slides (the explanation, the tabs' downloads): the coloured texts
# carry their colours inline, so the page only lays them out.
PAGE_STYLE = """body { font-family: sans-serif; max-width: 60em; margin: 2em auto; padding: 0 1em; line-height: 1.7; }
.review, .attributions { white-space: pre-wrap; }
.review span, .attributions span { border-radius: 3px; padding: 0 1px; }
details.dropped { display: inline; color: #666; font-style: italic; }
.legend span { padding: 0 .5em; }
.columns { display: grid; grid-template-columns: 1fr 1fr; gap: 2em; }
.verdict { font-weight: bold; }
table { border-collapse: collapse; } td, th { padding: 0 .6em; text-align: left; }
"""


def page_html(title: str, sections, facts=()) -> str:
    """A self-contained HTML page for slides: ``title`` as its title and heading, ``facts`` (strings) as a
    list, then each of ``sections``, ``(heading, fragment)`` pairs in order (an empty heading: none).

    Title, facts and headings are escaped; the fragments go in verbatim: they are HTML already built and
    escaped (``highlighted_html``, ``explain.patterns.parts_html``), with their colours inline, so the page
    needs nothing from outside.
    """
    facts = list(facts)
    listed = f'<ul>{"".join(f"<li>{html.escape(f)}</li>" for f in facts)}</ul>\n' if facts else ""
    body = "".join((f"<h2>{html.escape(heading)}</h2>\n" if heading else "") + fragment
                   for heading, fragment in sections)
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>
<style>
{PAGE_STYLE}</style></head><body>
<h1>{html.escape(title)}</h1>
{listed}{body}</body></html>
"""


class Column(NamedTuple):
    """One side of a side-by-side view: its title, its verdict (both text) and its fragment (HTML already
    built and escaped, e.g. ``highlighted_html``)."""

    title: str
    verdict: str
    html: str


def side_by_side_html(left: Column, right: Column) -> str:
    """Two fragments in two columns, each under its title and verdict (escaped); the fragments verbatim.
    Laid out by ``PAGE_STYLE``: a section of ``page_html``."""
    cells = "".join(f'<div><h3>{html.escape(c.title)}</h3><p class="verdict">{html.escape(c.verdict)}</p>'
                    f"{c.html}</div>" for c in (left, right))
    return f'<div class="columns">{cells}</div>\n'
