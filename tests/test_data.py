import gzip

import pandas as pd
import pytest
from conftest import require_dataset, shared_reviews

from sentiment.data import (REPORT_REVIEW_IDS, DataError, load_reviews, official_split, report_split,
                            strip_line_breaks)


def write(path, text, mode="w"):
    with open(path, mode) as f:
        f.write(text)
    return path


def test_shared_splits_have_labels_ids_and_no_html_breaks():
    test = shared_reviews("test")
    assert len(test) == 25_000
    assert set(test["label"]) == {0, 1}
    assert test["label"].sum() == 12_500
    assert test["id"].str.startswith("test/").all()
    assert not test["review"].str.contains("<br", case=False).any()


def test_line_breaks_become_spaces_of_the_same_length():
    text = "Great.<br /><br />Really<BR>great<br/>"
    cleaned = strip_line_breaks(text)
    assert len(cleaned) == len(text)
    assert "<" not in cleaned
    assert cleaned.split() == ["Great.", "Really", "great"]


def test_report_reviews_never_reach_a_training_set():
    require_dataset()
    train, test = official_split()
    assert not train["id"].isin(REPORT_REVIEW_IDS).any()
    assert len(train) == 25_000 - 2  # two of the four are in the official train split
    assert test["id"].isin(REPORT_REVIEW_IDS).sum() == 2
    # All 50k drawn: every one of the four is in the pool, and none may be trained on.
    for seed in (0, 1, 42):
        train, test = report_split(50_000, seed)
        in_test = test["id"].isin(REPORT_REVIEW_IDS).sum()
        assert not train["id"].isin(REPORT_REVIEW_IDS).any()
        assert len(train) + len(test) == 50_000 - (4 - in_test)  # only the training part loses them


def test_report_split_is_stratified_80_20_and_reproducible():
    require_dataset()
    train, test = report_split(10_000, seed=7)
    again, _ = report_split(10_000, seed=7)
    assert list(train["id"]) == list(again["id"])
    assert len(test) == 2_000
    assert 7_996 <= len(train) <= 8_000
    assert abs(test["label"].mean() - 0.5) < 0.01


def test_any_csv_with_review_and_sentiment_columns(tmp_path):
    path = write(tmp_path / "IMDB Dataset.csv",
                 'review,sentiment\n"Loved it.<br /><br />Go see it",Positive\n"Dull, long",NEGATIVE\n')
    reviews = load_reviews(path)
    assert list(reviews["label"]) == [1, 0]
    assert reviews["review"][0].split() == ["Loved", "it.", "Go", "see", "it"]
    assert list(reviews["id"]) == ["IMDB Dataset.csv:1", "IMDB Dataset.csv:2"]


def test_gzipped_csv(tmp_path):
    path = tmp_path / "reviews.csv.gz"
    with gzip.open(path, "wt") as f:
        f.write("review,sentiment\nfine film,positive\n")
    assert list(load_reviews(path)["label"]) == [1]


def test_acl_imdb_folder(tmp_path):
    for split, label, name, text in [("train", "pos", "1_9", "Superb.<br />Yes"),
                                     ("train", "neg", "2_1", "Awful."),
                                     ("test", "pos", "3_8", "Nice.")]:
        (tmp_path / "aclImdb" / split / label).mkdir(parents=True, exist_ok=True)
        write(tmp_path / "aclImdb" / split / label / f"{name}.txt", text)
    reviews = load_reviews(tmp_path / "aclImdb")
    assert dict(zip(reviews["id"], reviews["label"])) == {"train/neg/2_1": 0, "train/pos/1_9": 1, "test/pos/3_8": 1}
    assert "<br" not in " ".join(reviews["review"])
    only_train = load_reviews(tmp_path / "aclImdb" / "train")
    assert len(only_train) == 2


@pytest.mark.parametrize("content, expected", [
    ("", "empty"),
    ("review,sentiment\n", "no reviews"),
    ("text,label\ngood,positive\n", "missing column 'review', 'sentiment'"),
    ("review,stars\ngood,9\n", "missing column 'sentiment'"),
    ("review,sentiment\ngood,positive\nbad,meh\n", "row 2: sentiment 'meh' is not 'positive' or 'negative'"),
    ("review,sentiment\ngood,positive\n ,negative\n", "row 2: empty review"),
    # extra fields in the first row: pandas would make the first columns an index and read "extra" as the review
    ("review,sentiment\ngood,positive,extra,more\nbad\n", "some rows have more fields than the header"),
    ("review,sentiment\ngood,positive\nbad,negative,extra\n", "Expected 2 fields in line 3, saw 3"),
])
def test_bad_csv_gets_an_error_naming_file_row_and_expectation(tmp_path, content, expected):
    path = write(tmp_path / "bad.csv", content)
    with pytest.raises(DataError) as error:
        load_reviews(path)
    assert str(path) in str(error.value)
    assert expected in str(error.value)


def test_binary_file_is_refused(tmp_path):
    path = write(tmp_path / "photo.csv", bytes(range(256)) * 40, mode="wb")
    with pytest.raises(DataError, match="photo.csv"):
        load_reviews(path)


def test_corrupt_gzip_is_refused(tmp_path):
    path = write(tmp_path / "broken.csv.gz", b"\x1f\x8bnot really gzip", mode="wb")
    with pytest.raises(DataError, match="broken.csv.gz"):
        load_reviews(path)


def test_missing_file_and_empty_folder(tmp_path):
    with pytest.raises(DataError, match="no such file"):
        load_reviews(tmp_path / "nope.csv")
    with pytest.raises(DataError, match="no reviews found"):
        load_reviews(tmp_path)


def test_unlabelled_csv_for_prediction(tmp_path):
    path = write(tmp_path / "mine.csv", "review\nfirst\nsecond\n")
    reviews = load_reviews(path, require_labels=False)
    assert list(reviews["review"]) == ["first", "second"]
    assert "label" not in reviews
    with pytest.raises(DataError, match="missing column 'sentiment'"):
        load_reviews(path)


def test_column_names_are_matched_loosely(tmp_path):
    path = write(tmp_path / "caps.csv", "Review , Sentiment\nok,positive\n")
    assert isinstance(load_reviews(path), pd.DataFrame)


def test_holding_out_more_than_there_is_gets_a_clear_error():
    from sentiment.data import hold_out

    frame = pd.DataFrame({"id": list("abcdefghij"), "review": ["r"] * 10, "label": [0, 1] * 5})
    rest, held = hold_out(frame, 4, seed=0)
    assert len(rest) == 6 and held["label"].sum() == 2
    with pytest.raises(DataError, match="cannot hold out 500 of 10 reviews"):
        hold_out(frame, 500, seed=0)
