"""The error study's analysis: which test reviews each checkpoint gets wrong, how two compare, and the
error taxonomy's tags on those mistakes with each tag's saved error rate.

Data in, data out: the app's Mistakes tab (``webapp/mistakes_tab.py``) and the
benchmarks call these on the shipped predictions.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from .labels import LABEL_IDS, label_name, predicted_class
from .robustness.taxonomy import TAGS, tag_reviews
from .run_report import PREDICTIONS_FILE

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
# Before and after training on contrast pairs: the large checkpoint against the CAD-trained one, which
# continued it (only where the CAD checkpoint's predictions ship: ``with_cad``).
CAD_COMPARISONS = {
    "large and CAD-trained both wrong": "the large checkpoint and the one trained further on contrast pairs both wrong",
    "fixed by contrast training": "the large checkpoint wrong, the CAD-trained one right",
    "broken by contrast training": "the large checkpoint right, the CAD-trained one wrong",
}

# The error taxonomy's tags (``sentiment.robustness.taxonomy.TAGS``) as a person reads them.
TAG_LABELS = {
    "contrast_reversal": "contrast reversal",
    "negation_dense": "dense negation",
    "irony_cue": "irony cue",
    "mostly_plot_summary": "mostly plot summary",
    "borderline_rating": "borderline rating (4 or 7 stars)",
    "extreme_rating": "extreme rating (1-2 or 9-10 stars)",
    "beyond_max_length": "beyond max length",
}


def read_predictions(checkpoint: str | Path) -> pd.DataFrame:
    """A checkpoint's shipped test-set predictions: ``id, predicted, p_positive`` (and maybe ``sentiment``)."""
    return pd.read_csv(Path(checkpoint) / PREDICTIONS_FILE)


def compare(small: pd.DataFrame, large: pd.DataFrame, truth: pd.DataFrame) -> pd.DataFrame:
    """One row per test review: both checkpoints' predictions and how they compare.

    ``small``, ``large``: the two checkpoints' predictions (``id``, ``predicted``,
    ``p_positive``: :func:`read_predictions`), the error study's less and more
    trained models; ``truth`` has ``id``, ``label`` (and ``review`` when the
    dataset is at hand). ``comparison`` is "both right", "both wrong", "fixed by
    more data" (only small wrong) or "broken by more data" (only large wrong).
    """
    table = truth.set_index("id")[[c for c in ("label", "review") if c in truth]].join(
        small.set_index("id")[["predicted", "p_positive"]].add_prefix("small_"), how="inner").join(
        large.set_index("id")[["predicted", "p_positive"]].add_prefix("large_"), how="inner")
    table["sentiment"] = table["label"].map(label_name, na_action="ignore")
    table["comparison"] = _outcomes(table, "small", "large", list(COMPARISONS)[1:])
    # how sure each model was of the label it gave
    for model in ("small", "large"):
        table[f"{model}_confidence"] = _confidence(table[f"{model}_p_positive"])
    return table.reset_index()


def _outcomes(table: pd.DataFrame, before: str, after: str, names: list[str]) -> pd.Series:
    """Per row, how checkpoint ``after`` compares with ``before`` (column prefixes): "both right", or
    ``names`` = [both wrong, only ``before`` wrong (fixed), only ``after`` wrong (broken)]."""
    before_wrong = table[f"{before}_predicted"] != table["sentiment"]
    after_wrong = table[f"{after}_predicted"] != table["sentiment"]
    outcome = pd.Series("both right", index=table.index)
    outcome[before_wrong & after_wrong] = names[0]
    outcome[before_wrong & ~after_wrong] = names[1]
    outcome[~before_wrong & after_wrong] = names[2]
    return outcome


def _confidence(p_positive: pd.Series) -> np.ndarray:
    """How sure a model was of the label it gave: P of that label."""
    return np.where(predicted_class(p_positive) == 1, p_positive, 1 - p_positive)


def with_cad(table: pd.DataFrame, cad: pd.DataFrame) -> pd.DataFrame:
    """``table`` (from :func:`compare`) with the CAD-trained checkpoint's predictions beside the others.

    The CAD checkpoint continues the large one's training on contrast pairs, so
    the question it answers is which of the large checkpoint's mistakes it fixes.
    """
    joined = table.join(cad.set_index("id")[["predicted", "p_positive"]].add_prefix("cad_"), on="id")
    joined["cad_comparison"] = _outcomes(joined, "large", "cad", list(CAD_COMPARISONS))
    joined["cad_confidence"] = _confidence(joined["cad_p_positive"])
    return joined


def cad_counts(table: pd.DataFrame) -> dict[str, int]:
    """Of the large checkpoint's mistakes, how many the CAD-trained one fixes, and how many it adds."""
    large_wrong = table["large_predicted"] != table["sentiment"]
    cad_wrong = table["cad_predicted"] != table["sentiment"]
    return {"fixed": int((large_wrong & ~cad_wrong).sum()), "added": int((~large_wrong & cad_wrong).sum())}


def counts(table: pd.DataFrame) -> dict[str, int]:
    """How many reviews of ``table`` (from :func:`compare`) fall in each comparison of the small and large
    checkpoints, "both right" included."""
    return {name: int((table["comparison"] == name).sum())
            for name in ("both wrong", "fixed by more data", "broken by more data", "both right")}


def mistakes(table: pd.DataFrame, comparison: str = "all", min_confidence: float = 0.5,
             tag: str | None = None) -> pd.DataFrame:
    """Misclassified reviews of one kind, where the wrong model(s) were at least ``min_confidence`` sure.

    ``table``: from :func:`compare` (and :func:`with_cad` for the ``CAD_COMPARISONS``, :func:`with_tags` for
    ``tag``); ``comparison``: one of ``COMPARISONS`` (small against large) or ``CAD_COMPARISONS`` (large
    against CAD-trained); ``tag``: one of the taxonomy's ``TAGS``, to keep only the reviews carrying it
    (None: any).

    Sorted most confident first: the mistakes worth studying are the sure ones.
    """
    if comparison in CAD_COMPARISONS:
        if "cad_comparison" not in table:
            raise ValueError(f"{comparison!r} compares with the CAD-trained checkpoint, whose predictions are "
                             f"not in this table")
        kind, models = "cad_comparison", ("large", "cad")
    elif comparison in COMPARISONS:
        kind, models = "comparison", ("small", "large")
    else:
        raise ValueError(f"unknown comparison {comparison!r}; choose one of "
                         f"{', '.join([*COMPARISONS, *CAD_COMPARISONS])}")
    wrong = table[table[kind] != "both right"]
    if comparison != "all":
        wrong = wrong[wrong[kind] == comparison]
    if tag is not None:
        wrong = wrong[carrying(wrong, tag)]
    confidence = pd.concat([wrong[f"{m}_confidence"].where(wrong[f"{m}_predicted"] != wrong["sentiment"], 0)
                            for m in models], axis=1).max(axis=1)
    wrong = wrong.assign(confidence=confidence)
    return wrong[wrong["confidence"] >= min_confidence].sort_values("confidence", ascending=False)


def misread_by_any(table: pd.DataFrame) -> pd.Series:
    """True for each row of ``table`` (from :func:`compare`, maybe :func:`with_cad`) that some compared
    checkpoint gets wrong: the rows :func:`mistakes` can return."""
    wrong = table["comparison"] != "both right"
    if "cad_comparison" in table:
        wrong |= table["cad_comparison"] != "both right"
    return wrong


def with_tags(table: pd.DataFrame, tokenizer, max_length: int) -> pd.DataFrame:
    """``table`` with a ``tags`` column: the error taxonomy's tags each mistake carries, a tuple of names in
    ``TAGS`` order (``sentiment.robustness.taxonomy.tag_reviews``).

    ``tokenizer`` and ``max_length`` (tokens read, specials included) are the checkpoint's whose saved
    report the tags' error rates come from, so that "beyond max length" means what it means there. Only
    the reviews some checkpoint gets wrong (:func:`misread_by_any`) and whose text is at hand are tagged:
    the others are never listed, and tagging all 25,000 would take minutes. The rest get ``()``.
    """
    if "review" not in table:
        return table.assign(tags=[()] * len(table))
    has_text = table["review"].map(lambda text: isinstance(text, str))
    tagged = tag_reviews(table.loc[misread_by_any(table) & has_text, ["id", "review"]], max_length, tokenizer)
    names = {review_id: tuple(tag for tag, carried in row.items() if carried)
             for review_id, row in tagged.iterrows()}
    return table.assign(tags=[names.get(str(review_id), ()) for review_id in table["id"]])


def carrying(rows: pd.DataFrame, tag: str) -> pd.Series:
    """True for each of ``rows`` (tagged by :func:`with_tags`) that carries ``tag``, one of ``TAGS``."""
    if tag not in TAGS:
        raise ValueError(f"unknown tag {tag!r}; choose one of {', '.join(TAGS)}")
    if "tags" not in rows:
        raise ValueError(f"the reviews are not tagged, so none can be chosen by the tag {tag!r}")
    return rows["tags"].map(lambda tags: tag in tags).astype(bool)


def error_rate(errors: int, reviews: int) -> float:
    """``errors`` / ``reviews``; NaN where there are no reviews."""
    return errors / reviews if reviews else float("nan")


def tag_error_rates(taxonomy: dict) -> pd.DataFrame:
    """Each tag's error rate with it and without it, from the counts of a saved robustness report.

    ``taxonomy``: the ``taxonomy`` section of a checkpoint's ``robustness.json``
    (``sentiment.robustness.report.taxonomy_section``), whose counts cover every
    test review the report tagged; a report that skipped the taxonomy has no tags.

    Returns one row per tag, indexed by its name in the report's order: ``errors_with``, ``n_with``,
    ``error_rate_with`` (the share of the reviews carrying the tag that the checkpoint misreads),
    ``errors_without``, ``n_without``, ``error_rate_without`` (NaN where no review is on that side).
    """
    columns = ["errors_with", "n_with", "error_rate_with", "errors_without", "n_without", "error_rate_without"]
    rows = {tag: {"errors_with": t["errors_with"], "n_with": t["n_with"],
                  "error_rate_with": error_rate(t["errors_with"], t["n_with"]),
                  "errors_without": t["errors_without"], "n_without": t["n_without"],
                  "error_rate_without": error_rate(t["errors_without"], t["n_without"])}
            for tag, t in taxonomy.get("tags", {}).items()}
    return pd.DataFrame.from_dict(rows, orient="index", columns=columns).rename_axis("tag")


def truth_with_texts(predictions: pd.DataFrame, reviews: pd.DataFrame | None) -> pd.DataFrame:
    """``id``, ``label`` of every test review in ``predictions``, with ``review`` text where ``reviews`` has it.

    Labels come from the predictions file, so the comparison covers all test
    reviews whether ``reviews`` is the full dataset or only the study file.
    """
    truth = predictions[["id"]].assign(label=predictions["sentiment"].map(LABEL_IDS))
    if reviews is None:
        return truth
    return truth.join(reviews["review"], on="id")
