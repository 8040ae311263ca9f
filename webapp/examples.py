"""Reviews one click away: the report's four misread ones and short hand-made cases."""
from __future__ import annotations

from functools import lru_cache

from sentiment.data import REPORT_REVIEW_IDS, DataError, load_reviews

SHORT_EXAMPLES = {
    "ironic": "I'm glad I rented this movie for one reason: its shortcomings made me want to read the book.",
    "contrastive": "A technical marvel with stunning photography, but the narration is so silly that "
                   "the film cannot be taken seriously.",
    "negated": "While it isn't anywhere near his best work, it isn't boring for a second, and I'd "
               "recommend it to anyone.",
    "plain": "This is the worst movie I have ever seen.",
}


@lru_cache(maxsize=1)
def dataset_reviews():
    """All 50k labelled reviews by id, or None where the dataset is not installed (e.g. a bare Space)."""
    try:
        return load_reviews("all").set_index("id")
    except DataError:
        return None


def report_reviews() -> dict[str, str]:
    """The report's four misread reviews by id (empty without the dataset)."""
    reviews = dataset_reviews()
    if reviews is None:
        return {}
    return {i: reviews.at[i, "review"] for i in REPORT_REVIEW_IDS if i in reviews.index}


def all_examples() -> list[tuple[str, str]]:
    """``(name, text)`` pairs for the example lists."""
    return [(f"report {i}", text) for i, text in report_reviews().items()] + \
        [(name, text) for name, text in SHORT_EXAMPLES.items()]
