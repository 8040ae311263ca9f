"""Reviews one click away: the report's four misread ones and real misreadings chosen to teach from."""
from __future__ import annotations

import json

from sentiment.data import REPORT_REVIEW_IDS, load_reviews
from sentiment.errors import DataError
from sentiment.study import EXAMPLES_FILE, STUDY_REVIEWS, load_study_reviews

from .shared_cache import computed_once


@computed_once
def dataset_reviews():
    """Labelled reviews by id: all 50k where the dataset is installed, else the study file.

    The study file (``study/reviews.csv.gz``, shipped) holds every test review a
    shipped checkpoint gets wrong, the report's four and the examples' reviews,
    so every tab works on a bare clone or a hosted Space. None only if both are missing.
    """
    for load in (lambda: load_reviews("all"), load_study_reviews):
        try:
            return load().set_index("id")
        except DataError:
            continue
    return None


def reviews_source() -> str:
    """Where :func:`dataset_reviews` came from, in words for the page."""
    reviews = dataset_reviews()
    if reviews is None:
        return "no review texts (neither the IMDB dataset nor the study file was found)"
    if len(reviews) >= 50_000:
        return "the IMDB dataset"
    return f"the study file shipped with the app ({len(reviews):,} reviews, `{STUDY_REVIEWS.name}`)"


def report_reviews() -> dict[str, str]:
    """The report's four misread reviews by id (empty only if neither dataset nor study file is here)."""
    reviews = dataset_reviews()
    if reviews is None:
        return {}
    return {i: reviews.at[i, "review"] for i in REPORT_REVIEW_IDS if i in reviews.index}


def misreadings() -> list[dict]:
    """The study's examples of real misreadings (``study/examples.json``), each with its ``text``.

    Each names the dataset review (``id``), the checkpoint that misreads it and a
    one-line note on what goes wrong; the texts come from the dataset or the study file.
    """
    reviews = dataset_reviews()
    found = []
    for example in json.loads(EXAMPLES_FILE.read_text()) if EXAMPLES_FILE.is_file() else []:
        if reviews is not None and example["id"] in reviews.index:
            found.append({**example, "text": reviews.at[example["id"], "review"],
                          "label": "positive" if reviews.at[example["id"], "label"] else "negative"})
    return found


def misreading_notes() -> str:
    """Markdown: what goes wrong in each example, for the page."""
    return "\n".join(f"- **{e['name']}** (`{e['id']}`, true label {e['label']}; misread by `{e['checkpoint']}`): "
                     f"{e['note']}" for e in misreadings())


def all_examples() -> list[tuple[str, str]]:
    """``(name, text)`` pairs for the example lists: the report's four, then the study's misreadings."""
    return [(f"report {i}", text) for i, text in report_reviews().items()] + \
        [(e["name"], e["text"]) for e in misreadings()]
