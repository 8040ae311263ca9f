"""The tabs' views as self-contained HTML pages for slides (``explain.render.page_html``): what a tab
shows, built from the very fragments it shows, so the colours are the app's. Pure: the files are written
by ``webapp.downloads``."""
from __future__ import annotations

import re

import pandas as pd
from markdown_it import MarkdownIt

from explain.render import Column, side_by_side_html

# The app's notes are Markdown (with tables); raw HTML in them stays text on the page, as in the app.
_MARKDOWN = MarkdownIt("commonmark", {"html": False}).enable("table")


def markdown_html(text: str) -> str:
    """Markdown as HTML; any HTML written in it is escaped (shown as text), never passed through."""
    return _MARKDOWN.render(text or "")


# What Markdown reads as markup, HTML's own, and what Gradio's Markdown reads before Markdown does: "$$"
# opens a formula (its default LaTeX delimiters) and "https:" a link (GFM's autolinks). A backslash before
# each makes it a literal character.
_MARKDOWN_PUNCTUATION = re.compile(r"([\\`*_{}\[\]()#+\-.!|~<>&$:])")


def markdown_literal(text: str) -> str:
    """``text`` (a teacher's category name, a word of a review) as Markdown that shows exactly it, on one
    line (a blank line inside would end the paragraph): no emphasis, link, image, formula or HTML made of
    its characters."""
    return _MARKDOWN_PUNCTUATION.sub(r"\\\1", " ".join(str(text).split()))


def heading_text(markdown_heading: str) -> str:
    """A Markdown heading's text: ``"### Step 1 of 6: Negation"`` -> ``"Step 1 of 6: Negation"``."""
    return markdown_heading.lstrip("#").strip()


def verdict(label: dict | None) -> str:
    """A ``gr.Label`` value (``{"negative": p, "positive": p}``) in words: ``"positive, P(positive) 0.87"``;
    empty for none."""
    if not label:
        return ""
    return f"{max(label, key=label.get)}, P(positive) {label['positive']:.2f}"


def moved_words_html(moved: pd.DataFrame | None) -> str:
    """The table of the words whose scores moved most (``explain.compare.moved_words``), escaped; empty
    for none."""
    if moved is None or moved.empty:
        return ""
    return "<h3>Words whose scores moved most</h3>\n" + moved.to_html(index=False, escape=True, border=0) + "\n"


def pair_html(titles: tuple[str, str], outputs) -> str:
    """A side-by-side view as the app shows it, from ``explanations.contrast``'s five outputs (both
    verdicts, both coloured texts, the words that moved) under the two ``titles``."""
    label_a, label_b, view_a, view_b, moved = outputs
    columns = side_by_side_html(Column(titles[0], verdict(label_a), view_a),
                                Column(titles[1], verdict(label_b), view_b))
    return columns + moved_words_html(moved)
