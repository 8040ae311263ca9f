"""Showing an explanation: Gradio ``HighlightedText`` segments, a top-words table, standalone HTML."""
from __future__ import annotations

import html
import re

from .explainer import Explanation

_BR = re.compile(r"<br\s*/?>", re.IGNORECASE)


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
        if dropped is not None and dropped.start <= cursor <= dropped.end <= word.start:
            if cursor < dropped.start:
                yield "gap", text[cursor:dropped.start], None
            yield "dropped", text[dropped.start:dropped.end], None
            cursor, dropped = dropped.end, None
        if cursor < word.start:
            yield "gap", text[cursor:word.start], None
        yield "word", word.word, word.score
        cursor = word.end
    if cursor < len(text):
        yield "gap", text[cursor:], None


def highlighted_segments(explanation: Explanation, toward: str = "positive") -> list[tuple[str, float | None]]:
    """For ``gr.HighlightedText``: (text, score in [-1, 1] or None), joining back to the pasted text.

    Scores are pushes toward ``toward`` ("positive" by default, whatever class
    was explained), so Gradio's colours keep one meaning: red toward positive,
    purple toward negative.
    The part the model never read is replaced by a marker such as
    "[... 312 words not read by the model ...]".
    """
    top = scale(explanation) * (1.0 if toward == explanation.target else -1.0)
    segments = []
    for kind, piece, score in _pieces(explanation):
        if kind == "dropped":
            segments.append((f" [{explanation.dropped.message}] ", None))
        else:
            segments.append((piece, None if score is None else round(score / top, 4)))
    return segments


def top_words_table(explanation: Explanation, k: int = 10) -> list[dict]:
    """Rows ``{"word", "score", "scaled", "toward", "start", "end"}``, largest |score| first."""
    top = scale(explanation)
    other = next(label for label in ("negative", "positive") if label != explanation.target)
    return [{"word": w.word, "score": round(w.score, 4), "scaled": round(w.score / top, 4),
             "toward": explanation.target if w.score > 0 else other, "start": w.start, "end": w.end}
            for w in explanation.top_words(k)]


def _colour(scaled: float) -> str:
    # Gradio's diverging map: red toward positive, purple toward negative.
    return f"rgba(239, 68, 68, {scaled:.3f})" if scaled > 0 else f"rgba(168, 85, 247, {-scaled:.3f})"


def to_html(explanation: Explanation, title: str = "Why the model said so") -> str:
    """A self-contained HTML page. Every piece of text is escaped: a review holding
    ``<script>`` shows as text, it does not run."""
    e = explanation
    top = scale(e)
    # Scores are shown toward "positive" so colours mean the same whatever the target.
    sign = 1 if e.target == "positive" else -1
    body = []
    for kind, piece, score in _pieces(e):
        if kind == "word":
            scaled = sign * score / top
            body.append(f'<span style="background:{_colour(scaled)}" title="{score:+.4f}">'
                        f"{html.escape(piece)}</span>")
        elif kind == "dropped":
            body.append(f'<details class="dropped"><summary>{html.escape(e.dropped.message)}</summary>'
                        f"{html.escape(piece)}</details>")
        else:
            # A pasted <br /> is a line break to the reader, not text to show.
            body.append(html.escape(_BR.sub("\n", piece)))
    trust = ("n/a" if e.completeness_error is None else
             f"{e.completeness_error:.2%} of the scores' size (delta {e.convergence_delta:+.4f})")
    facts = [f"prediction: {e.label} (P(positive) = {e.p_positive:.3f})",
             f"explained: margin of {e.target}, {e.method}" + (f", {e.n_steps} steps" if e.n_steps else ""),
             f"with its words taken out (the baseline), the review reads P(positive) = {e.baseline_p_positive:.3f}",
             f"completeness error: {trust}"]
    if e.steps_note:
        facts.append(e.steps_note)
    rows = "".join(f"<tr><td>{html.escape(r['word'])}</td><td>{r['score']:+.4f}</td>"
                   f"<td>{html.escape(r['toward'])}</td></tr>" for r in top_words_table(e))
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>
<style>
body {{ font-family: sans-serif; max-width: 50em; margin: 2em auto; line-height: 1.7; }}
.review {{ white-space: pre-wrap; }}
.review span {{ border-radius: 3px; padding: 0 1px; }}
details.dropped {{ display: inline; color: #666; font-style: italic; }}
.legend span {{ padding: 0 .5em; }}
</style></head><body>
<h1>{html.escape(title)}</h1>
<ul>{"".join(f"<li>{html.escape(f)}</li>" for f in facts)}</ul>
<p class="legend"><span style="background:{_colour(1)}">toward positive</span>
<span style="background:{_colour(-1)}">toward negative</span></p>
<div class="review">{"".join(body)}</div>
<h2>Top words</h2>
<table><tr><th>word</th><th>score</th><th>toward</th></tr>{rows}</table>
</body></html>
"""
