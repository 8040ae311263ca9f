"""The Mistakes tab: the error study's tables and the two checkpoints' explanations of one review.

The analysis (which reviews each checkpoint gets wrong, how two compare) is
``sentiment.mistakes``; this module reads the shipped files and shapes what the
tab shows.
"""
from __future__ import annotations

import json

import gradio as gr
import pandas as pd

from explain.render import Column, page_html, side_by_side_html
from sentiment.errors import DataError
from sentiment.labels import LABELS, predicted_label
from sentiment.mistakes import (CAD_COMPARISONS, COMPARISONS, REPORT_NOTES, TAG_LABELS, cad_counts, compare, counts,
                                error_rate, mistakes, read_predictions, tag_error_rates, truth_with_texts, with_cad,
                                with_tags)
from sentiment.paths import CAD_CHECKPOINT as CAD
from sentiment.paths import LARGE_CHECKPOINT as LARGE
from sentiment.paths import SMALL_CHECKPOINT as SMALL
from sentiment.paths import shipped_checkpoint
from sentiment.run_report import PREDICTIONS_FILE
from sentiment.robustness.report import REPORT_FILE
from sentiment.robustness.taxonomy import TAG_RULES, TAGS

from .checkpoints import predictor
from .downloads import save
from .errors import checked_number, echo
from .examples import dataset_reviews, reviews_source
from .explanations import highlight
from .shared_cache import computed_once

INTRO = f"""The error study of the lab report, on the shipped predictions for all 25,000 test reviews.
*Small* is `{SMALL}` (8,000 training reviews, like the report's first set-up), *large* is
`{LARGE}` (the full training split); where it ships, *CAD-trained* is `{CAD}` (the large one trained
further on contrast pairs: the "before and after" choices). The tag filter keeps the reviews the error
taxonomy tags with a trait (a contrast, dense negation, a borderline rating...), each offered with how often
the large checkpoint misreads the test reviews that carry it and those that do not. Select a row, or type an
id, to read the review and see which words each checkpoint leaned on."""
# The tag filter's choice that keeps every review.
ANY_TAG = "any tag"
# The titles of the two views of a review (app.py), which its downloaded page repeats.
VIEW_TITLES = (f"Small checkpoint ({SMALL})", f"Large checkpoint ({LARGE})")


@computed_once
def study_table() -> pd.DataFrame:
    """Every test review with the small and large checkpoints' shipped predictions compared
    (``sentiment.mistakes.compare``), the CAD-trained one's where it ships, and the error taxonomy's tags
    where the large checkpoint is here; computed once and shared."""
    for name in (SMALL, LARGE):
        if not (shipped_checkpoint(name) / PREDICTIONS_FILE).is_file():
            raise DataError(f"checkpoints/{name}/{PREDICTIONS_FILE} is missing; the error study needs both "
                            f"shipped checkpoints.")
    small, large = read_predictions(shipped_checkpoint(SMALL)), read_predictions(shipped_checkpoint(LARGE))
    table = compare(small, large, truth_with_texts(small, dataset_reviews()))
    if (shipped_checkpoint(CAD) / PREDICTIONS_FILE).is_file():
        table = with_cad(table, read_predictions(shipped_checkpoint(CAD)))
    if (shipped_checkpoint(LARGE) / "config.json").is_file():
        # the large checkpoint's tokenizer and reading length, as its saved report tagged the test reviews
        large = predictor(LARGE)
        table = with_tags(table, large.tokenizer, large.max_length)
    return table


def _display(rows: pd.DataFrame) -> pd.DataFrame:
    shown = pd.DataFrame({
        "id": rows["id"], "true": rows["sentiment"],
        "small says": [f"{p} ({q:.2f})" for p, q in zip(rows["small_predicted"], rows["small_p_positive"])],
        "large says": [f"{p} ({q:.2f})" for p, q in zip(rows["large_predicted"], rows["large_p_positive"])],
        "comparison": rows["comparison"],
    })
    if "tags" in rows:
        shown["tags"] = [", ".join(TAG_LABELS[tag] for tag in tags) for tags in rows["tags"]]
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


def saved_taxonomy(name: str) -> dict:
    """The ``taxonomy`` section of the shipped checkpoint ``name``'s robustness report; {} where it has none."""
    path = shipped_checkpoint(name) / REPORT_FILE
    return json.loads(path.read_text()).get("taxonomy", {}) if path.is_file() else {}


def _percent(rate: float) -> str:
    return f"{100 * rate:.1f}%"


def _of(errors, reviews) -> str:
    """Counts as "202 of 2,351" (a row of mixed columns holds them as floats)."""
    return f"{int(errors):,} of {int(reviews):,}"


def tag_label(tag: str, taxonomy: dict) -> str:
    """How the tag filter offers ``tag`` (``ANY_TAG`` or one of ``TAGS``): its name for people and, where the
    saved ``taxonomy`` (:func:`saved_taxonomy`) has it, the error rate of the test reviews carrying it, with
    the count, and the rate of those without it."""
    if tag == ANY_TAG:
        if not taxonomy.get("n_reviews"):
            return ANY_TAG
        errors, n = taxonomy["errors"], taxonomy["n_reviews"]
        return f"{ANY_TAG} — {_percent(error_rate(errors, n))} misread ({_of(errors, n)})"
    rates = tag_error_rates(taxonomy)
    if tag not in rates.index:
        return TAG_LABELS[tag]
    r = rates.loc[tag]
    if not r["n_with"]:
        return f"{TAG_LABELS[tag]} — no test review carries it"
    return (f"{TAG_LABELS[tag]} — {_percent(r['error_rate_with'])} misread ({_of(r['errors_with'], r['n_with'])}); "
            f"{_percent(r['error_rate_without'])} without it")


def tag_choices() -> list[tuple[str, str]]:
    """What the tag filter offers, as (label, value): ``ANY_TAG``, then each of the error taxonomy's ``TAGS``,
    labelled with the large checkpoint's error rates from its saved robustness report (:func:`tag_label`)."""
    taxonomy = saved_taxonomy(LARGE)
    return [(tag_label(tag, taxonomy), tag) for tag in (ANY_TAG, *TAGS)]


def tag_note(tag: str, names: list[str]) -> str:
    """The rule of ``tag`` (one of ``TAGS``), and how often each checkpoint of ``names`` misreads the test
    reviews with it and without it, where its saved robustness report says."""
    rates = []
    for name in names:
        saved = tag_error_rates(saved_taxonomy(name))
        if tag in saved.index and saved.at[tag, "n_with"]:
            r = saved.loc[tag]
            rates.append(f"`{name}` {_percent(r['error_rate_with'])} ({_of(r['errors_with'], r['n_with'])}; "
                         f"{_percent(r['error_rate_without'])} of those without it)")
    note = f" **{TAG_LABELS[tag]}**: {TAG_RULES[tag]}"
    return note + (f" Test reviews with it misread: {', '.join(rates)}." if rates else "")


def filter_mistakes(comparison: str, min_confidence: float, tag: str = ANY_TAG) -> tuple[pd.DataFrame, str]:
    """The mistakes of one kind (``comparison``, one of ``comparison_choices()``) where the wrong model was at least
    ``min_confidence`` sure (0.5 to 1, the slider's range: a model that is wrong is at least 0.5 sure) and that
    carry ``tag`` (``ANY_TAG`` or one of the error taxonomy's ``TAGS``), the 500 surest shown; and a note with
    the counts (and the tag's rule and error rates)."""
    table = study_table()
    offered = comparison_choices(table)
    if not isinstance(comparison, str) or comparison not in offered:  # a list from the API is unhashable
        raise DataError(f"Which mistakes: {echo(comparison)} is not one of {', '.join(offered)}.")
    min_confidence = checked_number(min_confidence, 0.5, 1.0, "The minimum confidence")
    if not isinstance(tag, str) or tag not in (ANY_TAG, *TAGS):
        raise DataError(f"Which tag: {echo(tag)} is not one of {', '.join((ANY_TAG, *TAGS))}.")
    if tag != ANY_TAG and "tags" not in table:
        raise DataError(f"Which tag: the mistakes are tagged with the tokenizer of checkpoints/{LARGE}, which is "
                        f"not here; choose {ANY_TAG}.")
    rows = mistakes(table, comparison, min_confidence, None if tag == ANY_TAG else tag)
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
    if tag != ANY_TAG:
        note += tag_note(tag, [SMALL, LARGE, *([CAD] if "cad_predicted" in table else [])])
    note += f" Review texts from {reviews_source()}."
    return _display(rows.head(500)), note + (" The table lists the 500 surest." if len(rows) > 500 else "")


def id_from_selection(event: gr.SelectData) -> str:
    """The id of the selected row: read from the row, since ``event.index`` is wrong after sorting."""
    return str(event.row_value[0])


@computed_once
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


def pinned_note(table: pd.DataFrame | None = None) -> str:
    """What the pinned table says in one line: the lab report's BERT-base misread all four reviews, and how
    many of them each shipped checkpoint reads right (counted from ``table``, by default ``pinned_table()``)."""
    table = pinned_table() if table is None else table
    counts = []
    for column, name in (("small says", SMALL), ("large says", LARGE)):
        if column in table:
            right = sum(str(said).startswith(f"{truth} ") for said, truth in zip(table[column], table["true"]))
            counts.append(f"`{name}` reads {right} of {len(table)} right")
    read = "; ".join(counts) if counts else "the checkpoints are not here to read them"
    return (f"The lab report's BERT-base misread all {len(table)} of these reviews. Here {read}. Reading them "
            "right does not mean irony, contrast and negation are solved: the Robustness tab and the Lesson "
            "measure each on many cases.")


def show_review(review_id: str):
    """The review, its true label, and each checkpoint's attributions side by side; then the path of the
    two views side by side as an HTML page to download."""
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
    views, verdicts, columns = [], [], []
    for name, title in zip((SMALL, LARGE), VIEW_TITLES):
        explanation = highlight(name, text)
        views.append(explanation["html"])
        verdicts.append(f"{name}: **{explanation['label']}** (p positive {explanation['p_positive']:.2f})")
        columns.append(Column(title, f"{explanation['label']}, P(positive) {explanation['p_positive']:.2f}",
                              explanation["html"]))
    truth = "positive" if label else "negative"
    note = REPORT_NOTES.get(review_id, "")
    header = (f"**{review_id}**, true label **{truth}**. "
              + "; ".join(verdicts) + (f"\n\n*Why it is hard:* {note}" if note else ""))
    page = page_html(f"Review {review_id}, read by two checkpoints", [("", side_by_side_html(*columns))],
                     facts=[f"true label: {truth}", *([f"why it is hard: {note}"] if note else [])])
    return header, views[0], views[1], save(f"mistake-{review_id}", page, "html")

