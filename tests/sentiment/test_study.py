"""The error study's review file: what it must hold, and that the shipped one is up to date."""
import gzip

import pandas as pd
import pytest

from sentiment import study
from sentiment.data import REPORT_REVIEW_IDS, DataError


def _predictions(ids, truth, predicted):
    return pd.DataFrame({"id": ids, "sentiment": truth, "predicted": predicted, "p_positive": 0.5})


def test_rating_comes_from_the_id():
    assert study.rating_from_id("test/neg/8977_4") == 4
    assert study.rating_from_id("train/pos/12398_10") == 10
    assert study.rating_from_id("mine.csv:3") is None
    assert study.rating_from_id("test/neg/abc") is None


def test_mistaken_ids_are_the_union_over_checkpoints():
    a = _predictions(["x", "y", "z"], ["positive", "negative", "positive"], ["negative", "negative", "positive"])
    b = _predictions(["x", "y", "z"], ["positive", "negative", "positive"], ["positive", "positive", "positive"])
    assert study.mistaken_ids({"a": a}) == {"x"}
    assert study.mistaken_ids({"a": a, "b": b}) == {"x", "y"}
    assert study.mistaken_ids({}) == set()


def test_study_reviews_keep_exactly_the_named_reviews_with_label_names_and_ratings():
    reviews = pd.DataFrame({"id": ["test/neg/1_2", "test/pos/5_9", "train/neg/7_1"],
                            "review": ["awful", "lovely", "dull"], "label": [0, 1, 0]})
    frame = study.study_reviews(reviews, ["test/pos/5_9", "test/neg/1_2", "test/pos/5_9"])
    assert list(frame.columns) == ["id", "sentiment", "rating", "review"]
    assert frame.to_dict("records") == [
        {"id": "test/neg/1_2", "sentiment": "negative", "rating": 2, "review": "awful"},
        {"id": "test/pos/5_9", "sentiment": "positive", "rating": 9, "review": "lovely"}]
    with pytest.raises(DataError, match="not in the dataset"):
        study.study_reviews(reviews, ["test/neg/404_1"])


def test_written_file_is_byte_stable_and_reads_back_as_reviews(tmp_path):
    frame = pd.DataFrame({"id": ["test/neg/1_2", "test/pos/5_9"], "sentiment": ["negative", "positive"],
                          "rating": [2, 9], "review": ["awful, truly", "lovely"]})
    first = study.write_study_reviews(frame, tmp_path / "a.csv.gz").read_bytes()
    second = study.write_study_reviews(frame, tmp_path / "b.csv.gz").read_bytes()
    assert first == second  # a rebuild with the same reviews changes nothing in git
    assert gzip.decompress(first).decode().splitlines()[0] == "id,sentiment,rating,review"
    loaded = study.load_study_reviews(tmp_path / "a.csv.gz")
    assert loaded[["id", "review", "label"]].to_dict("records") == [
        {"id": "test/neg/1_2", "review": "awful, truly", "label": 0},
        {"id": "test/pos/5_9", "review": "lovely", "label": 1}]


@pytest.mark.skipif(not study.STUDY_REVIEWS.is_file(), reason="no shipped study file")
def test_shipped_study_file_covers_every_shipped_mistake_and_the_report_reviews():
    shipped = study.load_study_reviews()
    predictions = study.shipped_predictions()
    assert predictions, "no shipped predictions found"
    needed = study.mistaken_ids(predictions) | set(REPORT_REVIEW_IDS) | set(study.example_ids())
    missing = needed - set(shipped["id"])
    assert not missing, (f"{len(missing)} reviews the study shows are missing from {study.STUDY_REVIEWS.name} "
                         f"(e.g. {sorted(missing)[:3]}): run `python -m sentiment study` after retraining")
    labels = pd.concat(predictions.values()).drop_duplicates("id").set_index("id")["sentiment"]
    in_test = shipped[shipped["id"].isin(labels.index)]
    assert (in_test["label"].map({0: "negative", 1: "positive"}).to_numpy()
            == labels.loc[in_test["id"]].to_numpy()).all()
