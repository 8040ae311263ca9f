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
    from sentiment.data import sample

    train, test = report_split(10_000, seed=7)
    again, _ = report_split(10_000, seed=7)
    assert list(train["id"]) == list(again["id"])
    assert len(test) == 2_000
    drawn = sample(load_reviews("all"), 10_000, 7)  # the 10,000 the split starts from
    assert set(train["id"]) | set(test["id"]) == set(drawn["id"]) - (set(REPORT_REVIEW_IDS) - set(test["id"]))
    # stratified: the test part has the drawn reviews' share of positives, to within one review
    assert abs(test["label"].sum() - 2_000 * drawn["label"].mean()) <= 1


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
    ("comment,label\ngood,positive\n", "missing column 'review', 'sentiment'"),
    ("text,label\ngood,positive\n", "missing column 'sentiment'"),  # "text" holds the reviews where no "review"
    ("review,stars\ngood,9\n", "missing column 'sentiment'"),
    ("review,sentiment\ngood,positive\nbad,meh\n", "row 2: sentiment 'meh' is not 'positive' or 'negative'"),
    ("review,sentiment\ngood,positive\n ,negative\n", "row 2: empty review"),
    # extra fields in the first row: pandas would make the first columns an index and read "extra" as the review
    ("review,sentiment\ngood,positive,extra,more\nbad\n", "some rows have more fields than the header"),
    ("review,sentiment\ngood,positive\nbad,negative,extra\n", "Expected 2 fields in line 3, saw 3"),
    # pandas would read "review" and "review.1", the first: another reader may take the second
    ("review,review,sentiment\na great film,a bad film,positive\n", "the column 'review' appears twice"),
    ("Review,sentiment, review\na great film,positive,a bad film\n", "the column 'review' appears twice"),
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


def test_the_files_other_columns_come_along_on_request(tmp_path):
    path = write(tmp_path / "mine.csv", "Kind,id,Text,sentiment\nirony,a,Fine.,negative\ncontrast,b,Dull.,positive\n")
    assert list(load_reviews(path).columns) == ["id", "review", "label"]
    kept = load_reviews(path, keep_columns=True)
    assert kept.values.tolist() == [["a", "Fine.", 0, "irony", "negative"], ["b", "Dull.", 1, "contrast", "positive"]]
    assert list(kept.columns) == ["id", "review", "label", "kind", "sentiment"]
    # "review" first where a file has both
    both = write(tmp_path / "both.csv", "text,review\nnot this,this\n")
    assert load_reviews(both, require_labels=False, keep_columns=True).values.tolist() == [
        ["both.csv:1", "this", "not this"]]


def test_a_repeated_name_no_reader_reads_is_no_error(tmp_path):
    path = write(tmp_path / "notes.csv", "review,sentiment,notes,Notes\ngood film,positive,a,b\n")
    assert load_reviews(path)["review"].tolist() == ["good film"]
    kept = load_reviews(path, keep_columns=True)
    assert list(kept.columns) == ["id", "review", "label", "sentiment", "notes", "notes"]
    assert kept.values.tolist() == [["notes.csv:1", "good film", 1, "positive", "a", "b"]]


def test_a_utf16_file_is_named_as_such(tmp_path):
    path = tmp_path / "sheet.csv"
    path.write_bytes("review,sentiment\ngood,positive\n".encode("utf-16"))
    with pytest.raises(DataError, match="sheet.csv: UTF-16 text, as some spreadsheets save it; save the CSV as UTF-8"):
        load_reviews(path)


def test_unlabelled_csv_for_prediction(tmp_path):
    path = write(tmp_path / "mine.csv", "review\nfirst\nsecond\n")
    reviews = load_reviews(path, require_labels=False)
    assert list(reviews["review"]) == ["first", "second"]
    assert "label" not in reviews
    with pytest.raises(DataError, match="missing column 'sentiment'"):
        load_reviews(path)


def test_column_names_are_matched_loosely(tmp_path):
    path = write(tmp_path / "caps.csv", "Review , Sentiment\nok,positive\n")
    assert load_reviews(path).to_dict("records") == [{"id": "caps.csv:1", "review": "ok", "label": 1}]


def test_holding_out_more_than_there_is_gets_a_clear_error():
    from sentiment.data import hold_out

    frame = pd.DataFrame({"id": list("abcdefghij"), "review": ["r"] * 10, "label": [0, 1] * 5})
    rest, held = hold_out(frame, 4, seed=0)
    assert len(rest) == 6 and held["label"].sum() == 2
    with pytest.raises(DataError, match="cannot hold out 500 of 10 reviews"):
        hold_out(frame, 500, seed=0)


# ---- training_data: which reviews a run trains on, validates on and is tested on ----------------

def _reviews(ids):
    return pd.DataFrame({"id": ids, "review": [f"text of {i}" for i in ids],
                         "label": [int("/pos/" in i) for i in ids]})


REPORT_IN_TRAIN = ["train/pos/12398_8", "train/neg/3907_3"]
REPORT_IN_TEST = ["test/neg/8977_4", "test/pos/1235_8"]
CAD_ORIGINALS = ["train/neg/874_1", "train/pos/875_10"]
# The shared splits in miniature: six of each label in train (one of each a report review, one a CAD
# original), six test reviews, two of them report reviews.
HAND_TRAIN = _reviews([*REPORT_IN_TRAIN, *CAD_ORIGINALS, *(f"train/neg/{i}_2" for i in range(4)),
                       *(f"train/pos/{i}_9" for i in range(4))])
HAND_TEST = _reviews([*REPORT_IN_TEST, "test/neg/1_1", "test/neg/2_1", "test/pos/3_10", "test/pos/4_10"])


@pytest.fixture
def hand_made_splits(monkeypatch):
    """``load_reviews("train" | "test" | "all")`` reads the hand-made splits; files are read as usual."""
    from sentiment import data

    real = data.load_reviews

    def load(source, require_labels=True):
        splits = {"train": HAND_TRAIN, "test": HAND_TEST, "all": pd.concat([HAND_TRAIN, HAND_TEST], ignore_index=True)}
        return splits[source].copy() if str(source) in splits else real(source, require_labels)

    monkeypatch.setattr(data, "load_reviews", load)


def _ids(frame) -> list:
    return frame["id"].tolist()


def _no_overlap(*parts):
    ids = [i for part in parts for i in _ids(part)]
    assert len(ids) == len(set(ids)), "a review is in two parts"


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_official_trains_on_train_less_the_report_reviews(hand_made_splits, seed):
    from sentiment.data import training_data

    run = training_data("official", None, seed, 4)
    _no_overlap(run.train, run.validation, run.test)
    assert sorted(_ids(run.train) + _ids(run.validation)) == sorted(set(_ids(HAND_TRAIN)) - set(REPORT_IN_TRAIN))
    assert (len(run.validation), run.validation["label"].sum()) == (4, 2)  # stratified
    assert _ids(run.test) == _ids(HAND_TEST)  # the report's test reviews stay in the test split
    assert run.protocol == "official IMDB train/test split"
    drawn = training_data("official", 6, seed, 2)
    assert (len(drawn.train), len(drawn.validation)) == (4, 2)
    assert not set(_ids(drawn.train) + _ids(drawn.validation)) & set(REPORT_REVIEW_IDS)
    assert drawn.protocol == "official IMDB train/test split, 6 training reviews drawn"


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_report_protocol_drops_the_report_reviews_from_training_only(hand_made_splits, seed):
    from sentiment.data import training_data

    run = training_data("report", None, seed, 2)
    _no_overlap(run.train, run.validation, run.test)
    assert not set(_ids(run.train) + _ids(run.validation)) & set(REPORT_REVIEW_IDS)
    # 18 reviews, 20% (4) tested on; every other review is trained on or validated on, unless it is a report one
    assert len(run.test) == 4
    unused = set(_ids(HAND_TRAIN) + _ids(HAND_TEST)) - set(_ids(run.train) + _ids(run.validation) + _ids(run.test))
    assert unused == set(REPORT_REVIEW_IDS) - set(_ids(run.test))
    assert run.protocol == f"report split: 50,000 of all 50k reviews, stratified 80/20, seed {seed}"


def _write_csv(path, frame):
    frame.assign(sentiment=frame["label"].map({0: "negative", 1: "positive"})).drop(columns="label").to_csv(
        path, index=False)
    return path


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_a_file_of_reviews_never_trains_on_the_report_reviews(tmp_path, seed):
    from sentiment.data import training_data

    everything = pd.concat([HAND_TRAIN, HAND_TEST], ignore_index=True)  # all four report reviews, 18 in all
    path = _write_csv(tmp_path / "mine.csv", everything)
    run = training_data(str(path), None, seed, 2)
    _no_overlap(run.train, run.validation, run.test)
    assert not set(_ids(run.train) + _ids(run.validation)) & set(REPORT_REVIEW_IDS)
    unused = set(_ids(everything)) - set(_ids(run.train) + _ids(run.validation) + _ids(run.test))
    assert unused == set(REPORT_REVIEW_IDS) - set(_ids(run.test))
    assert run.protocol == f"{path} (stratified 80/20 split)"

    test_file = _write_csv(tmp_path / "theirs.csv", HAND_TEST)
    run = training_data(str(_write_csv(tmp_path / "train.csv", HAND_TRAIN)), None, seed, 2, test=str(test_file))
    assert sorted(_ids(run.train) + _ids(run.validation)) == sorted(set(_ids(HAND_TRAIN)) - set(REPORT_IN_TRAIN))
    assert _ids(run.test) == _ids(HAND_TEST)


@pytest.mark.parametrize("data", ["official", "report"])
def test_test_file_with_a_shared_split_is_refused(hand_made_splits, data):
    from sentiment.data import ArgumentError, training_data

    with pytest.raises(ArgumentError, match=f"--test goes with --data FILE; --data {data} brings its own test split"):
        training_data(data, None, 0, 2, test="mine.csv")


@pytest.fixture
def hand_made_cad(tmp_path, monkeypatch, hand_made_splits):
    """Two CAD training pairs whose originals are the two CAD reviews of the hand-made train split."""
    rows = []
    for pair, imdb_id in enumerate(CAD_ORIGINALS, start=1):
        label = "positive" if "/pos/" in imdb_id else "negative"
        other = "negative" if label == "positive" else "positive"
        rows += [(str(pair), "original", label, f"text of {imdb_id}", imdb_id),
                 (str(pair), "edited", other, f"edit of {imdb_id}", "")]
    pd.DataFrame(rows, columns=["pair_id", "kind", "sentiment", "review", "imdb_id"]).to_csv(
        tmp_path / "train_paired.csv.gz", index=False)
    monkeypatch.setenv("CAD_DATA_DIR", str(tmp_path))


def test_cad_validates_on_the_large_recipes_own_hold_out_and_replays_nothing_of_it(hand_made_cad):
    from sentiment.data import training_data

    seed = 0  # with this seed the hold-out holds no CAD original, so the replay pool is exactly 2 + 2 reviews
    run = training_data("cad", None, seed, 4)
    large = training_data("official", None, seed, 4)
    assert _ids(run.validation) == _ids(large.validation)  # same reviews, same order: comparable accuracies
    assert _ids(run.test) == _ids(HAND_TEST)
    assert not set(_ids(run.validation)) & set(CAD_ORIGINALS)
    cad = run.train[run.train["id"].str.startswith("cad/")]
    assert sorted(_ids(cad)) == ["cad/1/edited", "cad/1/original", "cad/2/edited", "cad/2/original"]
    replay = set(_ids(run.train)) - set(_ids(cad))
    # one replayed IMDB review per CAD text: all that is left once the report reviews, the hold-out and the
    # CAD originals (already in the mix as CAD texts) are taken out
    assert replay == set(_ids(HAND_TRAIN)) - set(REPORT_IN_TRAIN) - set(_ids(run.validation)) - set(CAD_ORIGINALS)
    assert len(replay) == 4
    assert run.protocol.startswith("CAD training pairs (Kaushik et al., 2020) + a replay sample of IMDB train "
                                   "(1 per CAD text; 8 reviews)")


def test_cad_never_validates_on_a_review_it_trains_on(hand_made_cad):
    from sentiment.data import training_data

    for seed in range(10):
        run = training_data("cad", None, seed, 4)
        assert not set(run.validation["review"]) & set(run.train["review"]), f"seed {seed}"


def test_test_file_with_cad_is_refused(hand_made_cad):
    from sentiment.data import ArgumentError, training_data

    with pytest.raises(ArgumentError, match="--data cad brings its own test split"):
        training_data("cad", None, 0, 4, test="mine.csv")
