"""The Contrast tab: a review and an edited copy, and which words' scores moved; the edits a teacher would
try on the review (``sentiment.robustness.edits``), each scored, to pick one to compare."""
from __future__ import annotations

import gradio as gr
import pandas as pd

from explain.render import page_html
from sentiment.labels import predicted_class, predicted_label
from sentiment.paths import CAD_CHECKPOINT, LARGE_CHECKPOINT
from sentiment.robustness.edits import Edit, suggest_edits

from .checkpoints import predictor
from .downloads import save
from .explanations import REVIEW_BOX, check_review, contrast
from .pages import pair_html

EDIT_COLUMNS = ("edit", "description", "text", "P(positive)", "verdict", "flips")
NO_EDIT = ("No rule applies to this review: the rules need a verb or a negation to flip, a contrast (*but*, "
           "*yet*, *however*, *although* ...), two sentences, an opinion word with an opposite, or a name or "
           "quoted title.")


def compare_for_app(checkpoint: str, review: str, edited: str):
    """Both texts' probabilities and coloured views, and the words that moved (``explanations.contrast``);
    then the path of the two side by side as an HTML page to download."""
    outputs = contrast(checkpoint, review, edited)
    page = page_html(f"A review and its edited copy, read by {checkpoint}",
                     [("", pair_html(("Review", "Edited copy"), outputs))])
    return (*outputs, save(f"contrast-{checkpoint}", page, "html"))


def other_checkpoint(names: list[str]) -> str | None:
    """The checkpoint the Contrast tab offers beside the chosen one: the contrast-trained one where it
    ships (the "after" of the large checkpoint's "before"), else the second checkpoint, else None."""
    if CAD_CHECKPOINT in names:
        return CAD_CHECKPOINT
    others = [n for n in names if n != LARGE_CHECKPOINT]
    return others[0] if others else None


def suggest_edits_for_app(checkpoint: str, review: str) -> tuple[pd.DataFrame, str]:
    """The rule-made edits of ``review`` (``suggest_edits``), all scored in one batch by the checkpoint
    called ``checkpoint``: a table (``EDIT_COLUMNS``; ``flips``: whether the edit's verdict differs from the
    review's) and a Markdown line with the review's own verdict."""
    model = predictor(checkpoint)
    review = check_review(review, REVIEW_BOX)
    edits = suggest_edits(review)
    p_review, *p_edits = (float(p) for p in model.p_positive([review, *(e.text for e in edits)]))
    return edit_table(edits, p_edits, p_review), edit_note(checkpoint, p_review, p_edits)


def edit_table(edits: list[Edit], p_edits: list[float], p_review: float) -> pd.DataFrame:
    """One row per edit, with its P(positive) (``p_edits``, in the same order) rounded to 3 places, its
    verdict, and whether that verdict differs from the one of ``p_review``, the unedited review's."""
    return pd.DataFrame({
        "edit": [e.kind for e in edits], "description": [e.description for e in edits],
        "text": [e.text for e in edits], "P(positive)": [round(p, 3) for p in p_edits],
        "verdict": [predicted_label(p) for p in p_edits],
        "flips": ["yes" if predicted_class(p) != predicted_class(p_review) else "no" for p in p_edits],
    }, columns=list(EDIT_COLUMNS))


def edit_note(checkpoint: str, p_review: float, p_edits: list[float]) -> str:
    """The review's verdict under ``checkpoint``, how many of the edits (``p_edits``: their P(positive))
    flip it, and what to do next."""
    verdict = f"The review: **{predicted_label(p_review)}** (P(positive) {p_review:.3f}) under `{checkpoint}`."
    if not p_edits:
        return f"{verdict} {NO_EDIT}"
    flips = sum(predicted_class(p) != predicted_class(p_review) for p in p_edits)
    return (f"{verdict} Edits suggested: {len(p_edits)}; flipping the verdict: {flips}. Select a row to put its "
            f"text in the edited copy, then Compare.")


def text_from_selection(event: gr.SelectData) -> str:
    """The edited text of the selected row, read from the row (``event.index`` is wrong after sorting)."""
    return str(event.row_value[EDIT_COLUMNS.index("text")])
