"""The Mistakes tab: the error study's tables and the two checkpoints' explanations of one review.

The analysis (which reviews each checkpoint gets wrong, how two compare) is
``sentiment.mistakes``; this module reads the shipped files and shapes what the
tab shows.
"""
from __future__ import annotations

from functools import lru_cache

import gradio as gr
import pandas as pd

from sentiment.errors import DataError
from sentiment.labels import LABELS, predicted_label
from sentiment.mistakes import (CAD_COMPARISONS, COMPARISONS, REPORT_NOTES, cad_counts, compare, counts, mistakes, read_predictions,
                                truth_with_texts, with_cad)
from sentiment.paths import CAD_CHECKPOINT as CAD
from sentiment.paths import LARGE_CHECKPOINT as LARGE
from sentiment.paths import SMALL_CHECKPOINT as SMALL
from sentiment.paths import shipped_checkpoint
from sentiment.report import PREDICTIONS_FILE

from .checkpoints import predictor
from .errors import checked_number, echo
from .examples import dataset_reviews, reviews_source
from .explanations import highlight

INTRO = f"""The error study of the lab report, on the shipped predictions for all 25,000 test reviews.
*Small* is `{SMALL}` (8,000 training reviews, like the report's first set-up), *large* is
`{LARGE}` (the full training split); where it ships, *CAD-trained* is `{CAD}` (the large one trained
further on contrast pairs: the "before and after" choices). Select a row, or type an id, to read the
review and see which words each checkpoint leaned on."""


@lru_cache(maxsize=1)
def study_table() -> pd.DataFrame:
    for name in (SMALL, LARGE):
        if not (shipped_checkpoint(name) / PREDICTIONS_FILE).is_file():
            raise DataError(f"checkpoints/{name}/{PREDICTIONS_FILE} is missing; the error study needs both "
                            f"shipped checkpoints.")
    small, large = read_predictions(shipped_checkpoint(SMALL)), read_predictions(shipped_checkpoint(LARGE))
    table = compare(small, large, truth_with_texts(small, dataset_reviews()))
    if (shipped_checkpoint(CAD) / PREDICTIONS_FILE).is_file():
        table = with_cad(table, read_predictions(shipped_checkpoint(CAD)))
    return table


def _display(rows: pd.DataFrame) -> pd.DataFrame:
    shown = pd.DataFrame({
        "id": rows["id"], "true": rows["sentiment"],
        "small says": [f"{p} ({q:.2f})" for p, q in zip(rows["small_predicted"], rows["small_p_positive"])],
        "large says": [f"{p} ({q:.2f})" for p, q in zip(rows["large_predicted"], rows["large_p_positive"])],
        "comparison": rows["comparison"],
    })
    if "cad_predicted" in rows:
        shown.insert(4, "CAD-trained says", [f"{p} ({q:.2f})" for p, q in zip(rows["cad_predicted"],
                                                                            rows["cad_p_positive"])])
    if "review" in rows:
        shown["review"] = [_snippet(t) if isinstance(t, str) else "(text not available)" for t in rows["review"]]
    return shown


def _snippet(text: str, limit: int = 160) -> str:
    """The review on one line, cut at ``limit`` characters with "..." only where something was cut."""
    flat = " ".join(text.split())
    return flat[:limit] + ("..." if len(flat) > limit else "")


def comparison_choices(table: pd.DataFrame | None = None) -> list[str]:
    """What the "Which mistakes" choice offers: small against large, and large against the CAD-trained
    checkpoint where its predictions are in ``table`` (None: where they ship, read without loading them)."""
    with_cad = ((shipped_checkpoint(CAD) / PREDICTIONS_FILE).is_file() if table is None
                else "cad_comparison" in table)
    return [*COMPARISONS, *(CAD_COMPARISONS if with_cad else ())]


def filter_mistakes(comparison: str, min_confidence: float) -> tuple[pd.DataFrame, str]:
    """The mistakes of one kind (``comparison``, one of ``comparison_choices()``) where the wrong model was at least
    ``min_confidence`` sure (0.5 to 1, the slider's range: a model that is wrong is at least 0.5 sure), the
    500 surest shown; and a note with the counts."""
    table = study_table()
    offered = comparison_choices(table)
    if not isinstance(comparison, str) or comparison not in offered:  # a list from the API is unhashable
        raise DataError(f"Which mistakes: {echo(comparison)} is not one of {', '.join(offered)}.")
    min_confidence = checked_number(min_confidence, 0.5, 1.0, "The minimum confidence")
    rows = mistakes(table, comparison, min_confidence)
    if comparison in CAD_COMPARISONS:  # the column says the comparison the rows were chosen by
        rows = rows.assign(comparison=rows["cad_comparison"])
    c = counts(table)
    note = (f"**{len(rows):,}** reviews shown. Over all {len(table):,} test reviews: both wrong "
            f"**{c['both wrong']:,}**, fixed by more data **{c['fixed by more data']:,}**, broken by more "
            f"data **{c['broken by more data']:,}**.")
    if "cad_predicted" in table:
        fixed = cad_counts(table)
        note += (f" `{CAD}` (the large checkpoint trained further on contrast pairs) gets **{fixed['fixed']:,}** "
                 f"of the large checkpoint's mistakes right and **{fixed['added']:,}** of its right answers wrong.")
    note += f" Review texts from {reviews_source()}."
    return _display(rows.head(500)), note + (" The table lists the 500 surest." if len(rows) > 500 else "")


def id_from_selection(event: gr.SelectData) -> str:
    """The id of the selected row: read from the row, since ``event.index`` is wrong after sorting."""
    return str(event.row_value[0])


@lru_cache(maxsize=1)
def pinned_table() -> pd.DataFrame:
    """The report's four reviews: what each checkpoint says now, and why the review is hard."""
    reviews = dataset_reviews()
    rows = []
    for review_id, note in REPORT_NOTES.items():
        row = {"id": review_id, "true": {"neg": LABELS[0], "pos": LABELS[1]}[review_id.split("/")[1]]}
        if reviews is not None:
            for name, column in ((SMALL, "small says"), (LARGE, "large says")):
                if (shipped_checkpoint(name) / "config.json").is_file() and review_id in reviews.index:
                    p = float(predictor(name).p_positive([reviews.at[review_id, "review"]])[0])
                    row[column] = f"{predicted_label(p)} ({p:.2f})"
        row["why it is hard"] = note
        rows.append(row)
    return pd.DataFrame(rows)


def show_review(review_id: str):
    """The review, its true label, and each checkpoint's attributions side by side."""
    review_id = (review_id or "").strip() if isinstance(review_id, str) else ""
    if not review_id:
        raise DataError("Type a review id, or select a row of the table; ids look like test/neg/8977_4.")
    reviews = dataset_reviews()
    if reviews is None or review_id not in reviews.index:
        shown = review_id if len(review_id) <= 40 and review_id.isprintable() else "that id"
        where = ("in the IMDB dataset" if reviews is not None and len(reviews) >= 50_000 else
                 "among the reviews shipped with the app (the study file holds the test reviews a shipped "
                 "checkpoint gets wrong; for any other review install the dataset: `python -m sentiment "
                 "data download`, or set IMDB_DATA_DIR)")
        raise DataError(f"No review with id {shown} {where}. Ids look like test/neg/8977_4.")
    text, label = reviews.at[review_id, "review"], reviews.at[review_id, "label"]
    views, verdicts = [], []
    for name in (SMALL, LARGE):
        explanation = highlight(name, text)
        views.append(explanation["html"])
        verdicts.append(f"{name}: **{explanation['label']}** (p positive {explanation['p_positive']:.2f})")
    note = REPORT_NOTES.get(review_id, "")
    header = (f"**{review_id}**, true label **{'positive' if label else 'negative'}**. "
              + "; ".join(verdicts) + (f"\n\n*Why it is hard:* {note}" if note else ""))
    return header, views[0], views[1]
