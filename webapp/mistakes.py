"""The error study: which test reviews each checkpoint gets wrong, and how the two compare."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import gradio as gr
import pandas as pd

from sentiment.data import DataError
from sentiment.report import PREDICTIONS_FILE
from sentiment.study import CHECKPOINTS_DIR

# Why each of the report's four misread reviews is hard (after the report's own reading).
REPORT_NOTES = {
    "train/pos/12398_8": "Negative words aimed at humanity as the film portrays it, not at the film: "
                         "'always missing', 'lack of logic', 'illogical'. The verdict is praise.",
    "test/neg/8977_4": "A contrast whose conclusion is negative: praise for the visuals ('stunning', "
                       "'technical marvel'), then a pan of narration and script; 'cannot be taken "
                       "seriously' decides it.",
    "train/neg/3907_3": "Irony: the reviewer is 'glad' only because the film's shortcomings sent them to "
                        "the book; 'beautiful' and 'good jobs' sit inside a list of cons.",
    "test/pos/1235_8": "Praise phrased through negations: the gags 'aren't used in quantity', it 'isn't "
                       "anywhere near his best work', and yet it is recommended.",
}

COMPARISONS = {
    "all": "every misclassified review",
    "both wrong": "both checkpoints wrong",
    "fixed by more data": "only the small checkpoint wrong",
    "broken by more data": "only the large checkpoint wrong",
}


def read_predictions(checkpoint: str | Path) -> pd.DataFrame:
    """A checkpoint's shipped test-set predictions: ``id, predicted, p_positive`` (and maybe ``sentiment``)."""
    return pd.read_csv(Path(checkpoint) / PREDICTIONS_FILE)


def compare(small: pd.DataFrame, large: pd.DataFrame, truth: pd.DataFrame) -> pd.DataFrame:
    """One row per test review: both checkpoints' predictions and how they compare.

    ``truth`` has ``id``, ``label`` (and ``review`` when the dataset is at hand).
    """
    table = truth.set_index("id")[[c for c in ("label", "review") if c in truth]].join(
        small.set_index("id")[["predicted", "p_positive"]].add_prefix("small_"), how="inner").join(
        large.set_index("id")[["predicted", "p_positive"]].add_prefix("large_"), how="inner")
    table["sentiment"] = table["label"].map({0: "negative", 1: "positive"})
    small_wrong = table["small_predicted"] != table["sentiment"]
    large_wrong = table["large_predicted"] != table["sentiment"]
    table["comparison"] = "both right"
    table.loc[small_wrong & large_wrong, "comparison"] = "both wrong"
    table.loc[small_wrong & ~large_wrong, "comparison"] = "fixed by more data"
    table.loc[~small_wrong & large_wrong, "comparison"] = "broken by more data"
    # how sure each model was of the label it gave
    for model in ("small", "large"):
        p = table[f"{model}_p_positive"]
        table[f"{model}_confidence"] = p.where(p >= 0.5, 1 - p)
    return table.reset_index()


def with_cad(table: pd.DataFrame, cad: pd.DataFrame) -> pd.DataFrame:
    """``table`` (from :func:`compare`) with the CAD-trained checkpoint's predictions beside the others.

    The CAD checkpoint continues the large one's training on contrast pairs, so
    the question it answers is which of the large checkpoint's mistakes it fixes.
    """
    joined = table.join(cad.set_index("id")[["predicted", "p_positive"]].add_prefix("cad_"), on="id")
    return joined


def cad_counts(table: pd.DataFrame) -> dict[str, int]:
    """Of the large checkpoint's mistakes, how many the CAD-trained one fixes, and how many it adds."""
    large_wrong = table["large_predicted"] != table["sentiment"]
    cad_wrong = table["cad_predicted"] != table["sentiment"]
    return {"fixed": int((large_wrong & ~cad_wrong).sum()), "added": int((~large_wrong & cad_wrong).sum())}


def counts(table: pd.DataFrame) -> dict[str, int]:
    return {name: int((table["comparison"] == name).sum())
            for name in ("both wrong", "fixed by more data", "broken by more data", "both right")}


def mistakes(table: pd.DataFrame, comparison: str = "all", min_confidence: float = 0.5) -> pd.DataFrame:
    """Misclassified reviews of one kind, where the wrong model(s) were at least ``min_confidence`` sure.

    Sorted most confident first: the mistakes worth studying are the sure ones.
    """
    if comparison not in COMPARISONS:
        raise ValueError(f"unknown comparison {comparison!r}; choose one of {', '.join(COMPARISONS)}")
    wrong = table[table["comparison"] != "both right"]
    if comparison != "all":
        wrong = wrong[wrong["comparison"] == comparison]
    small_wrong = wrong["small_predicted"] != wrong["sentiment"]
    large_wrong = wrong["large_predicted"] != wrong["sentiment"]
    confidence = pd.concat([wrong["small_confidence"].where(small_wrong, 0),
                            wrong["large_confidence"].where(large_wrong, 0)], axis=1).max(axis=1)
    wrong = wrong.assign(confidence=confidence)
    return wrong[wrong["confidence"] >= min_confidence].sort_values("confidence", ascending=False)


# ---- Gradio handlers -----------------------------------------------------------------------

SMALL, LARGE, CAD = "minilm-imdb-8k", "minilm-imdb-25k", "minilm-imdb-cad"
INTRO = f"""The error study of the lab report, on the shipped predictions for all 25,000 test reviews.
*Small* is `{SMALL}` (8,000 training reviews, like the report's first set-up), *large* is
`{LARGE}` (the full training split). Select a row, or type an id, to read the review and see
which words each checkpoint leaned on."""


def _checkpoint(name: str) -> Path:
    return CHECKPOINTS_DIR / name


def truth_with_texts(predictions: pd.DataFrame, reviews: pd.DataFrame | None) -> pd.DataFrame:
    """``id``, ``label`` of every test review in ``predictions``, with ``review`` text where ``reviews`` has it.

    Labels come from the predictions file, so the comparison covers all test
    reviews whether ``reviews`` is the full dataset or only the study file.
    """
    truth = predictions[["id"]].assign(label=(predictions["sentiment"] == "positive").astype(int))
    if reviews is None:
        return truth
    return truth.join(reviews["review"], on="id")


@lru_cache(maxsize=1)
def study_table() -> pd.DataFrame:
    from .examples import dataset_reviews

    for name in (SMALL, LARGE):
        if not (_checkpoint(name) / PREDICTIONS_FILE).is_file():
            raise gr.Error(f"checkpoints/{name}/{PREDICTIONS_FILE} is missing; the error study needs both "
                           f"shipped checkpoints.")
    small, large = read_predictions(_checkpoint(SMALL)), read_predictions(_checkpoint(LARGE))
    table = compare(small, large, truth_with_texts(small, dataset_reviews()))
    if (_checkpoint(CAD) / PREDICTIONS_FILE).is_file():
        table = with_cad(table, read_predictions(_checkpoint(CAD)))
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
        shown["review"] = [" ".join(t.split())[:160] + ("..." if len(t) > 160 else "") if isinstance(t, str)
                           else "(text not available)" for t in rows["review"]]
    return shown


def filter_mistakes(comparison: str, min_confidence: float) -> tuple[pd.DataFrame, str]:
    from .examples import reviews_source

    table = study_table()
    rows = mistakes(table, comparison, float(min_confidence))
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
    from .examples import dataset_reviews
    from .models import predictor

    reviews = dataset_reviews()
    rows = []
    for review_id, note in REPORT_NOTES.items():
        row = {"id": review_id, "true": review_id.split("/")[1].replace("neg", "negative").replace("pos", "positive")}
        if reviews is not None:
            for name, column in ((SMALL, "small says"), (LARGE, "large says")):
                if (_checkpoint(name) / "config.json").is_file() and review_id in reviews.index:
                    p = float(predictor(name).p_positive([reviews.at[review_id, "review"]])[0])
                    row[column] = f"{'positive' if p >= 0.5 else 'negative'} ({p:.2f})"
        row["why it is hard"] = note
        rows.append(row)
    return pd.DataFrame(rows)


def show_review(review_id: str):
    """The review, its true label, and each checkpoint's attributions side by side."""
    from .examples import dataset_reviews
    from .explain_view import highlight

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
