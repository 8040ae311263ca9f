"""Reviews one click away (webapp/examples.py): where the texts come from, and the example lists, from
hand-made reviews and examples."""
import json

import pandas as pd
import pytest

from sentiment.data import REPORT_REVIEW_IDS, DataError
from webapp import examples


@pytest.fixture(autouse=True)
def fresh_cache():
    examples.dataset_reviews.cache_clear()
    yield
    examples.dataset_reviews.cache_clear()


def _missing(*args):
    raise DataError("not installed")


def _reviews(ids, labels=None):
    return pd.DataFrame({"id": ids, "review": [f"text of {i}" for i in ids],
                         "label": labels if labels is not None else [0] * len(ids)})


def test_dataset_reviews_come_from_the_dataset_when_installed(monkeypatch):
    monkeypatch.setattr(examples, "load_reviews", lambda split: _reviews(["a", "b"]) if split == "all" else None)
    monkeypatch.setattr(examples, "load_study_reviews", lambda: pytest.fail("the study file is the fallback"))
    reviews = examples.dataset_reviews()
    assert reviews.index.tolist() == ["a", "b"] and reviews.at["b", "review"] == "text of b"


def test_dataset_reviews_fall_back_to_the_study_file_then_to_none(monkeypatch):
    monkeypatch.setattr(examples, "load_reviews", _missing)
    monkeypatch.setattr(examples, "load_study_reviews", lambda: _reviews(["s", "t"]))
    assert examples.dataset_reviews().index.tolist() == ["s", "t"]
    assert examples.reviews_source() == "the study file shipped with the app (2 reviews, `reviews.csv.gz`)"
    examples.dataset_reviews.cache_clear()
    monkeypatch.setattr(examples, "load_study_reviews", _missing)
    assert examples.dataset_reviews() is None
    assert examples.reviews_source() == "no review texts (neither the IMDB dataset nor the study file was found)"
    assert examples.report_reviews() == {} and examples.misreadings() == []


def test_reviews_source_of_the_whole_dataset(monkeypatch):
    monkeypatch.setattr(examples, "dataset_reviews", lambda: pd.DataFrame(index=range(50_000)))
    assert examples.reviews_source() == "the IMDB dataset"


def test_report_reviews_in_the_reports_order_where_present(monkeypatch):
    ids = [REPORT_REVIEW_IDS[3], "other", REPORT_REVIEW_IDS[0]]
    monkeypatch.setattr(examples, "dataset_reviews", lambda: _reviews(ids).set_index("id"))
    assert examples.report_reviews() == {REPORT_REVIEW_IDS[0]: f"text of {REPORT_REVIEW_IDS[0]}",
                                         REPORT_REVIEW_IDS[3]: f"text of {REPORT_REVIEW_IDS[3]}"}
    assert list(examples.report_reviews()) == [REPORT_REVIEW_IDS[0], REPORT_REVIEW_IDS[3]]


@pytest.fixture
def study(tmp_path, monkeypatch):
    file = tmp_path / "examples.json"
    file.write_text(json.dumps([
        {"name": "irony", "id": "test/neg/1_1", "checkpoint": "minilm-imdb-25k", "note": "glad, but not really"},
        {"name": "gone", "id": "test/neg/9_9", "checkpoint": "minilm-imdb-8k", "note": "not shipped"},
        {"name": "hedge", "id": "test/pos/2_8", "checkpoint": "minilm-imdb-8k", "note": "praise through doubt"}]))
    monkeypatch.setattr(examples, "EXAMPLES_FILE", file)
    reviews = _reviews([REPORT_REVIEW_IDS[1], "test/neg/1_1", "test/pos/2_8"], [0, 0, 1]).set_index("id")
    monkeypatch.setattr(examples, "dataset_reviews", lambda: reviews)
    return file


def test_misreadings_with_their_texts_and_true_labels(study):
    assert examples.misreadings() == [
        {"name": "irony", "id": "test/neg/1_1", "checkpoint": "minilm-imdb-25k", "note": "glad, but not really",
         "text": "text of test/neg/1_1", "label": "negative"},
        {"name": "hedge", "id": "test/pos/2_8", "checkpoint": "minilm-imdb-8k", "note": "praise through doubt",
         "text": "text of test/pos/2_8", "label": "positive"}]  # "gone": its review is not here


def test_misreading_notes_for_the_page(study):
    assert examples.misreading_notes() == (
        "- **irony** (`test/neg/1_1`, true label negative; misread by `minilm-imdb-25k`): glad, but not really\n"
        "- **hedge** (`test/pos/2_8`, true label positive; misread by `minilm-imdb-8k`): praise through doubt")


def test_all_examples_report_reviews_first(study):
    assert examples.all_examples() == [(f"report {REPORT_REVIEW_IDS[1]}", f"text of {REPORT_REVIEW_IDS[1]}"),
                                       ("irony", "text of test/neg/1_1"), ("hedge", "text of test/pos/2_8")]


def test_no_examples_file_means_no_misreadings(study):
    study.unlink()
    assert examples.misreadings() == [] and examples.misreading_notes() == ""
