"""The error study's review file: what it must hold, and that the shipped one is up to date."""
import gzip
import json

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


# --- the rebuild, end to end on a hand-made dataset and hand-made checkpoints ----------------------

def _dataset():
    """The installed dataset as ``load_reviews("all")`` gives it: train then test, not sorted by id."""
    ids = ["train/pos/5_10", "train/pos/12398_8", "train/neg/3907_3", "train/neg/1_1",
           "test/pos/7_9", "test/pos/3_8", "test/pos/1235_8", "test/neg/11_1", "test/neg/8977_4", "test/neg/10_2"]
    return pd.DataFrame({"id": ids, "review": [f"text of {i}" for i in ids],
                         "label": [int("/pos/" in i) for i in ids]})


def _checkpoint(folder, rows):
    """A checkpoint folder's predictions: (id, true sentiment, P(positive)), labelled by the project's rule."""
    from sentiment.labels import predicted_label

    folder.mkdir(parents=True, exist_ok=True)
    table = pd.DataFrame(rows, columns=["id", "sentiment", "p_positive"])
    table["predicted"] = predicted_label(table["p_positive"])
    table.to_csv(folder / study.PREDICTIONS_FILE, index=False)


@pytest.fixture
def checkpoints(tmp_path):
    root = tmp_path / "checkpoints"
    # a: misreads test/neg/10_2; reads 3_8 right, and 7_9 at exactly 0.5 (positive) right
    _checkpoint(root / "a", [("test/neg/10_2", "negative", 0.9), ("test/pos/3_8", "positive", 0.8),
                             ("test/pos/7_9", "positive", 0.5)])
    # b: misreads test/pos/3_8; reads the other two right
    _checkpoint(root / "b", [("test/pos/3_8", "positive", 0.2), ("test/neg/10_2", "negative", 0.1),
                             ("test/neg/11_1", "negative", 0.3)])
    # not a checkpoint's shipped predictions: a training leftover one level down, and a folder without any
    _checkpoint(root / "a" / "trainer", [("test/neg/11_1", "negative", 0.99), ("test/pos/1235_8", "positive", 0.0)])
    (root / "empty").mkdir()
    return root


@pytest.fixture
def examples_file(tmp_path):
    path = tmp_path / "examples.json"
    path.write_text(json.dumps([{"name": "by id", "id": "train/pos/5_10"}, {"name": "as text", "text": "Meh."},
                                {"name": "empty id", "id": ""}, {"name": "again", "id": "test/neg/10_2"}]))
    return path


def test_the_rebuild_keeps_every_mistake_the_report_and_the_examples_sorted_by_id(checkpoints, examples_file,
                                                                                tmp_path, monkeypatch):
    asked = []
    monkeypatch.setattr(study, "load_reviews", lambda source: asked.append(source) or _dataset())
    path, frame = study.build_study_file(checkpoints, tmp_path / "out" / "reviews.csv.gz", examples_file)
    assert asked == ["all"]  # the examples and the report name train reviews too
    assert path == tmp_path / "out" / "reviews.csv.gz"
    expected = ["test/neg/10_2",  # a's mistake
                "test/neg/8977_4", "test/pos/1235_8",  # the report's (not the trainer leftover's "mistake")
                "test/pos/3_8",  # b's mistake
                "train/neg/3907_3", "train/pos/12398_8",  # the report's
                "train/pos/5_10"]  # an example's
    assert sorted(REPORT_REVIEW_IDS) == ["test/neg/8977_4", "test/pos/1235_8", "train/neg/3907_3", "train/pos/12398_8"]
    assert frame.to_dict("records") == [
        {"id": i, "sentiment": "positive" if "/pos/" in i else "negative", "rating": int(i.rsplit("_", 1)[1]),
         "review": f"text of {i}"} for i in expected]
    assert gzip.decompress(path.read_bytes()).decode() == "id,sentiment,rating,review\n" + "".join(
        f"{i},{'positive' if '/pos/' in i else 'negative'},{i.rsplit('_', 1)[1]},text of {i}\n" for i in expected)


def test_shipped_predictions_are_each_checkpoint_folders_own_by_name(checkpoints):
    predictions = study.shipped_predictions(checkpoints)
    assert list(predictions) == ["a", "b"]
    assert predictions["a"]["id"].tolist() == ["test/neg/10_2", "test/pos/3_8", "test/pos/7_9"]
    assert study.mistaken_ids(predictions) == {"test/neg/10_2", "test/pos/3_8"}


def test_example_ids_are_the_examples_given_by_id(examples_file, tmp_path):
    assert study.example_ids(examples_file) == ["train/pos/5_10", "test/neg/10_2"]
    assert study.example_ids(tmp_path / "none.json") == []


def test_each_kept_review_keeps_its_own_text_and_label_whatever_the_dataset_order():
    frame = study.study_reviews(_dataset(), ["train/pos/5_10", "test/neg/10_2", "test/pos/3_8", "train/neg/1_1"])
    assert [(r["id"], r["sentiment"], r["rating"], r["review"]) for r in frame.to_dict("records")] == [
        ("test/neg/10_2", "negative", 2, "text of test/neg/10_2"),
        ("test/pos/3_8", "positive", 8, "text of test/pos/3_8"),
        ("train/neg/1_1", "negative", 1, "text of train/neg/1_1"),
        ("train/pos/5_10", "positive", 10, "text of train/pos/5_10")]


def test_reviews_missing_from_the_dataset_are_counted_and_the_first_named():
    with pytest.raises(DataError) as error:
        study.study_reviews(_dataset(), ["test/pos/3_8", "test/neg/404_1", "test/neg/405_1", "test/neg/403_1",
                                         "test/neg/406_1", "test/neg/404_1"])
    assert str(error.value) == ("4 review(s) named by the study are not in the dataset (first: test/neg/403_1); "
                                "is it the full IMDB dataset?")


def test_no_predictions_to_build_from_is_an_error(tmp_path, monkeypatch):
    monkeypatch.setattr(study, "load_reviews", lambda source: pytest.fail("nothing to build: no data read"))
    with pytest.raises(DataError, match=f"no predictions.csv.gz under {tmp_path}: nothing to build the study from"):
        study.build_study_file(tmp_path, tmp_path / "reviews.csv.gz", tmp_path / "examples.json")
    assert not (tmp_path / "reviews.csv.gz").exists()
