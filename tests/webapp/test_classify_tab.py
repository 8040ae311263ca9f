"""The Classify tab (webapp/classify_tab.py): probabilities, the length note at the truncation boundary, and
the CSV a person downloads. The tiny checkpoint reads at most 64 tokens: 62 word pieces between [CLS] and
[SEP]; "word" is one word piece."""
import os
import re
import time
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
import torch
from transformers import AutoModelForSequenceClassification

from sentiment.data import DataError
from sentiment.predictor import Predictor
from webapp import classify_tab


@pytest.fixture(scope="module")
def tiny_predictor(tiny_model_dir):
    return Predictor.from_pretrained(tiny_model_dir, precision="fp32")


class _Stub:
    """A predictor whose P(positive) is given: what the tab does with it can be checked exactly."""

    def __init__(self, tokenizer, p, max_length=64):
        self.tokenizer, self.p, self.max_length, self.calls = tokenizer, p, max_length, []

    def p_positive(self, texts, progress=False):
        self.calls.append((list(texts), progress))
        return np.asarray(self.p[:len(texts)], dtype=float)


@pytest.fixture
def exports(tmp_path, monkeypatch):
    """Downloads go to a folder of this test's own."""
    folder = tmp_path / "exports"
    folder.mkdir()
    monkeypatch.setattr(classify_tab, "_EXPORTS", SimpleNamespace(name=str(folder)))
    return folder


def test_classify_maps_p_positive_to_the_two_labels(tokenizer):
    stub = _Stub(tokenizer, [0.25])
    probabilities, length = classify_tab.classify(stub, "  A fine film. ")
    assert probabilities == {"negative": 0.75, "positive": 0.25}
    assert stub.calls == [(["  A fine film. "], False)]
    assert length == {"words": 3, "tokens": 4, "tokens_read": 4, "head": 4, "tokens_skipped": 0, "read_length": 64,
                      "unknown_share": 0.0}


def test_classify_with_a_model_gives_its_softmax(tiny_predictor, tiny_model_dir, tokenizer):
    text = "<script>alert(1)</script> A fine film."
    probabilities, _ = classify_tab.classify(tiny_predictor, text)
    # independently: the checkpoint's logits on the whole text, softmaxed
    model = AutoModelForSequenceClassification.from_pretrained(tiny_model_dir).eval()
    with torch.no_grad():
        logits = model(**tokenizer(text, return_tensors="pt")).logits[0]
    p = torch.softmax(logits, -1)[1].item()
    assert probabilities["positive"] == pytest.approx(p, abs=1e-5)
    assert probabilities["negative"] == pytest.approx(1 - p, abs=1e-5)


@pytest.mark.parametrize("n, read, head, skipped", [(61, 61, 61, 0), (62, 62, 62, 0), (63, 62, 15, 1),
                                                   (3000, 62, 15, 2938)])
def test_review_length_around_the_truncation_boundary(tokenizer, n, read, head, skipped):
    assert classify_tab.review_length(tokenizer, "word " * n, 64) == {
        "words": n, "tokens": n, "tokens_read": read, "head": head, "tokens_skipped": skipped, "read_length": 64,
        "unknown_share": 0.0}


def test_review_length_of_a_line_break_counts_no_tokens(tokenizer):
    assert classify_tab.review_length(tokenizer, "A fine <br /> film.", 64)["tokens"] == 4  # a, fine, film, .


def test_review_length_of_a_line_break_counts_no_words(tokenizer):
    assert classify_tab.review_length(tokenizer, "A fine <br /> film.", 64)["words"] == 3


def test_review_length_counts_unknown_word_pieces(tokenizer):
    length = classify_tab.review_length(tokenizer, "\U0001F600 \U0001F600 good", 64)
    assert length["unknown_share"] == pytest.approx(2 / 3)


def test_length_note_of_a_review_read_whole(tokenizer):
    length = classify_tab.review_length(tokenizer, "word " * 62, 64)
    assert classify_tab.length_note(length) == ("62 words, 62 word-piece tokens. The model read all of it (it reads up "
                                                "to 64 tokens in all, [CLS] and [SEP] included).")


def test_length_note_of_one_word_says_one_word(tokenizer):
    length = classify_tab.review_length(tokenizer, "good", 64)
    assert classify_tab.length_note(length).startswith("1 word, 1 word-piece token. The model read all of it")


def test_length_note_of_a_review_one_token_too_long(tokenizer):
    length = classify_tab.review_length(tokenizer, "word " * 63, 64)
    assert classify_tab.length_note(length) == (
        "63 words, 63 word-piece tokens. Longer than the model reads (64 tokens in all, [CLS] and [SEP] included): "
        "it read the first 15 and the last 47 and skipped 1 in the middle.")


def test_length_note_writes_thousands_with_commas(tokenizer):
    length = classify_tab.review_length(tokenizer, "word " * 3000, 64)
    assert classify_tab.length_note(length) == (
        "3,000 words, 3,000 word-piece tokens. Longer than the model reads (64 tokens in all, [CLS] and [SEP] "
        "included): it read the first 15 and the last 47 and skipped 2,938 in the middle.")


@pytest.mark.parametrize("share, warned", [(0.5, False), (0.75, True)])
def test_length_note_warns_when_most_word_pieces_are_unknown(share, warned):
    length = {"words": 2, "tokens": 4, "tokens_read": 4, "head": 4, "tokens_skipped": 0, "read_length": 64,
              "unknown_share": share}
    note = ("2 words, 4 word-piece tokens. The model read all of it (it reads up to 64 tokens in all, [CLS] and "
            "[SEP] included).")
    warning = ("Warning: the model knows almost none of this text (75% of its word pieces are unknown to its "
               "vocabulary, e.g. emoji or other scripts); the verdict says little.")
    assert classify_tab.length_note(length) == (f"{warning}\n\n{note}" if warned else note)


def test_csv_gets_labels_by_the_one_half_rule_and_escaped_formulas(tokenizer, tmp_path, exports):
    upload = tmp_path / "mine.csv"
    pd.DataFrame({"review": ["=SUM(A1)", "plain", "-2 stars"], "sentiment": ["positive", "negative", "negative"],
                  "other": [1, "@x", 3]}).to_csv(upload, index=False)
    stub = _Stub(tokenizer, [0.5, 0.4999, 0.123456789])
    path, rows = classify_tab.classify_csv(stub, upload, progress=True)
    assert stub.calls == [(["=SUM(A1)", "plain", "-2 stars"], True)]  # the model reads the text as written
    assert rows == 3 and path.parent == exports and re.fullmatch(r"mine-predictions-[0-9a-f]{8}\.csv", path.name)
    out = pd.read_csv(path, dtype=str, keep_default_na=False)
    # the file's own columns come back as it wrote them (no internal label), the verdict after them
    assert list(out.columns) == ["id", "review", "sentiment", "other", "predicted", "p_positive"]
    assert out.values.tolist() == [["mine.csv:1", "'=SUM(A1)", "positive", "1", "positive", "0.5"],  # 0.5: positive
                                   ["mine.csv:2", "plain", "negative", "'@x", "negative", "0.4999"],
                                   ["mine.csv:3", "'-2 stars", "negative", "3", "negative", "0.123457"]]


def test_csv_keeps_the_uploads_ids(tokenizer, tmp_path, exports):
    upload = tmp_path / "with ids.csv"
    pd.DataFrame({"id": ["r1", "@r2"], "review": ["good", "bad"]}).to_csv(upload, index=False)
    path, _ = classify_tab.classify_csv(_Stub(tokenizer, [0.9, 0.1]), upload)
    assert pd.read_csv(path, dtype=str)["id"].tolist() == ["r1", "'@r2"]


def test_csv_upload_with_the_tiny_model(tiny_predictor, tmp_path, exports):
    good = tmp_path / "mine.csv"
    pd.DataFrame({"text": ["great fun", "dreadful"], "other": [1, 2]}).to_csv(good, index=False)
    path, rows = classify_tab.classify_csv(tiny_predictor, good)  # a "text" column, as the Patterns tab reads
    out = pd.read_csv(path)
    assert rows == 2 and list(out.columns) == ["id", "review", "other", "predicted", "p_positive"]
    p = tiny_predictor.p_positive(["great fun", "dreadful"])
    assert out["p_positive"].tolist() == pytest.approx(p, abs=1e-6)
    assert out["predicted"].tolist() == ["positive" if q >= 0.5 else "negative" for q in p]


def test_bad_csv_uploads_get_a_message(tokenizer, tmp_path, exports):
    stub = _Stub(tokenizer, [])
    wrong = tmp_path / "wrong.csv"
    wrong.write_text("comment\nhello\n")
    with pytest.raises(DataError, match="missing column 'review'"):
        classify_tab.classify_csv(stub, wrong)
    too_many = tmp_path / "many.csv"
    pd.DataFrame({"review": ["ok"] * (classify_tab.MAX_CSV_ROWS + 1)}).to_csv(too_many, index=False)
    with pytest.raises(DataError) as error:
        classify_tab.classify_csv(stub, too_many)
    assert str(error.value) == ("many.csv: 2,001 rows; up to 2,000 rows are classified here (use `python -m "
                                "sentiment predict --csv` for more).")
    binary = tmp_path / "image.csv"
    binary.write_bytes(bytes(range(256)) * 10)
    with pytest.raises(DataError):
        classify_tab.classify_csv(stub, binary)
    control = tmp_path / "control.csv"
    pd.DataFrame({"review": ["fine", "\x01\x02\x03\x04x"]}).to_csv(control, index=False)
    with pytest.raises(DataError, match="control.csv, row 2 does not look like text"):
        classify_tab.classify_csv(stub, control)
    assert stub.calls == [] and list(exports.iterdir()) == []  # nothing classified, nothing written


def test_old_downloads_are_removed_when_a_new_one_is_made(exports):
    old, fresh = exports / "old.csv", exports / "fresh.csv"
    old.write_text("x")
    fresh.write_text("x")
    an_hour_ago = time.time() - classify_tab.EXPORT_MAX_AGE_S - 1
    os.utime(old, (an_hour_ago, an_hour_ago))
    path = classify_tab._export_path("x" * 100)
    assert not old.exists() and fresh.exists()
    assert path.parent == exports and path.name.startswith("x" * 60 + "-predictions-")  # the name's stem cut to 60


def test_classify_for_app_uses_the_chosen_checkpoint(tokenizer, monkeypatch):
    stubs = {"ck": _Stub(tokenizer, [0.875])}
    monkeypatch.setattr(classify_tab, "loaded_predictor", stubs.__getitem__)
    probabilities, note = classify_tab.classify_for_app("ck", "word word")
    assert probabilities == {"negative": 0.125, "positive": 0.875}
    assert note == ("2 words, 2 word-piece tokens. The model read all of it (it reads up to 64 tokens in all, [CLS] "
                    "and [SEP] included).")


def test_classify_csv_for_app(tokenizer, tmp_path, monkeypatch, exports):
    monkeypatch.setattr(classify_tab, "loaded_predictor", {"ck": _Stub(tokenizer, [0.9, 0.1])}.__getitem__)
    with pytest.raises(DataError) as error:
        classify_tab.classify_csv_for_app("ck", None)
    assert str(error.value) == "Upload a CSV file with a 'review' (or 'text') column first."
    upload = tmp_path / "two.csv"
    pd.DataFrame({"review": ["good", "bad"]}).to_csv(upload, index=False)
    path, note = classify_tab.classify_csv_for_app("ck", SimpleNamespace(name=str(upload)))
    assert note == "2 reviews classified." and pd.read_csv(path)["predicted"].tolist() == ["positive", "negative"]


@pytest.mark.parametrize("content", [b"", b"\n\n  \r\n\t", b" " * 70_000])  # the last: more than one chunk
def test_an_empty_csv_is_named_in_this_tab_s_terms(tokenizer, tmp_path, exports, content):
    # the app needs a 'review' column only; the shared reader's message asks for 'sentiment' too
    empty = tmp_path / "empty.csv"
    empty.write_bytes(content)
    stub = _Stub(tokenizer, [])
    with pytest.raises(DataError) as error:
        classify_tab.classify_csv(stub, empty)
    assert str(error.value) == ("empty.csv: the file is empty; expected a CSV with a header row and a 'review' "
                                "column (one review per row)")
    assert stub.calls == []


def test_a_csv_whose_text_starts_after_a_chunk_of_blank_lines_is_read(tokenizer, tmp_path, exports):
    late = tmp_path / "late.csv"
    late.write_bytes(b"\n" * 70_000 + b"review\nA fine film.\n")  # pandas skips blank lines
    path, rows = classify_tab.classify_csv(_Stub(tokenizer, [0.9]), late)
    assert rows == 1 and pd.read_csv(path)["review"].tolist() == ["A fine film."]
