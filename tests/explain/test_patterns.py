"""explain/patterns.py: a teacher's CSV read strictly, the push per part of a review, the patterns per
category, and ``python -m explain.patterns`` end to end on the tiny model."""
import json
import re

import pandas as pd
import pytest

from explain import patterns as P
from explain.words import Word
from sentiment.cli import main as sentiment_main
from sentiment.text import strip_line_breaks
from toy_models import hand_made_explanation


def _csv(tmp_path, text, name="set.csv", encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding) if isinstance(text, str) else text)
    return path


# ---- reading the CSV -----------------------------------------------------------------------------------

def test_rows_from_a_text_column_with_labels_and_categories(tmp_path):
    path = _csv(tmp_path, '\ufeffText , Sentiment,Kind\n"Fine, really.",Positive,irony\nDull.<br />Dull.,negative,\n')
    assert P.read_rows(path, "kind") == [P.Row(1, "Fine, really.", "positive", "irony"),
                                         P.Row(2, strip_line_breaks("Dull.<br />Dull."), "negative", None)]
    # no category asked: none kept; no sentiment column: unlabelled
    assert P.read_rows(_csv(tmp_path, "review\nGood\n"))[0] == P.Row(1, "Good")


@pytest.mark.parametrize("content, category, message", [
    ("", None, "the file is empty"),
    ("review\n", None, "the file has a header but no reviews"),
    ("comment,sentiment\nfine,positive\n", None, "no 'review' or 'text' column (found: 'comment', 'sentiment')"),
    ("review\nfine\n", "topic", "no column 'topic' to group the rows by (found: 'review')"),
    ("Review,text,review \nfine,ok,good\n", None, "the column 'review' appears twice in the header"),
    ("review,kind,Kind\nfine,a,b\n", "kind", "the column 'kind' appears twice in the header"),
    ("review,sentiment\nfine,positive\nfine,positive,extra\n", None,
     "row 2: 3 fields where the header has 2; a review that contains commas must be in double quotes"),
    ("review,sentiment,kind\nfine,positive\n", None, "row 1: 2 fields where the header has 3"),
    ("review,sentiment\n  ,positive\n", None, "row 1: empty review"),
    ("review,sentiment\nfine,meh\n", None, "row 1: sentiment 'meh' is not 'positive' or 'negative'"),
    ("review,sentiment\nfine,positive\nok,\n", None, "row 2: no sentiment where other rows have one"),
    ("review\na\nb\nc\nd\n", None, "4 rows; at most 3 are explained at once"),
])
def test_bad_files_are_one_line_naming_the_problem(tmp_path, content, category, message):
    with pytest.raises(P.DataError) as error:
        P.read_rows(_csv(tmp_path, content), category, max_rows=3)
    assert message in str(error.value) and "\n" not in str(error.value)


def test_files_that_are_not_utf8_text_are_refused(tmp_path):
    with pytest.raises(P.DataError, match=r"not UTF-8 text \(byte 11\)"):
        P.read_rows(_csv(tmp_path, "review\nCaf\xe9 cr\xe8me\n", encoding="latin-1"))
    with pytest.raises(P.DataError, match="binary data"):
        P.read_rows(_csv(tmp_path, b"review\nab\x00cd\n"))
    with pytest.raises(P.DataError, match="UTF-16 text, as some spreadsheets save it; save the CSV as UTF-8"):
        P.read_rows(_csv(tmp_path, "review\nfine\n", encoding="utf-16"))


def test_a_repeated_name_is_refused_only_where_it_is_read(tmp_path):
    # a header row ending in commas, as spreadsheets save it: two blank names, neither read; notes unread
    assert P.read_rows(_csv(tmp_path, "review,,,notes,Notes\nGood,,,a,b\n")) == [P.Row(1, "Good")]
    with pytest.raises(P.DataError, match="the column 'notes' appears twice"):
        P.read_rows(_csv(tmp_path, "review,notes,Notes\nGood,a,b\n"), "notes")
    with pytest.raises(P.DataError, match="no such file"):
        P.read_rows(tmp_path / "missing.csv")
    with pytest.raises(P.DataError, match="a folder, not a CSV file"):
        P.read_rows(tmp_path)


# ---- one row: the push of each part -----------------------------------------------------------------

TEXT = "Great cast, but a dull film."
#       0    5    10   15   20   25
WORDS = [Word("Great", 0, 5, 2.0), Word("cast", 6, 10, 0.5), Word(",", 10, 11, 0.0), Word("but", 12, 15, 0.25),
         Word("a", 16, 17, 0.0), Word("dull", 18, 22, -3.0), Word("film", 23, 27, -0.25), Word(".", 27, 28, 0.0)]


def test_a_rows_parts_sum_the_words_in_each_part_toward_positive():
    parts = P.row_parts(hand_made_explanation(TEXT, WORDS, 0.2, "positive"))
    size = 2.0 + 0.5 + 0.25 + 3.0 + 0.25
    assert parts == {"concession": {"push": 2.5, "share": pytest.approx(2.5 / size)},
                     "turn": {"push": -3.25, "share": pytest.approx(3.25 / size)},
                     "literal_opinion": {"push": -1.0, "share": pytest.approx(1.0 / size)}}
    # explained toward negative, the same words read the same toward positive
    mirrored = [Word(w.word, w.start, w.end, -w.score) for w in WORDS]
    assert P.row_parts(hand_made_explanation(TEXT, mirrored, 0.2, "negative")) == parts


# ---- many rows: per category -------------------------------------------------------------------------

def _read(number, sentiment, predicted, category, parts, words=()):
    return P.ReadRow(P.Row(number, "text", sentiment, category), predicted, 0.9 if predicted == "positive" else 0.1,
                     {k: {"push": v, "share": 0.5} for k, v in parts.items()}, list(words))


def test_a_categorys_accuracy_misread_rows_parts_and_words():
    rows = [_read(1, "negative", "negative", "contrast", {"turn": -3.0, "concession": 1.0},
                  [("dull", -3.0), ("great", 1.0), (".", 9.0)]),
            _read(2, "positive", "negative", "contrast", {"turn": 1.0, "concession": -2.0},
                  [("great", 2.0), ("dull", -1.0)]),
            _read(3, "positive", "positive", None, {"negated": 0.5}, [("fine", 0.5)])]
    c = P.category_pattern(rows[:2])
    assert (c["n"], c["accuracy"], c["misread"]) == (2, 0.5, [2])
    assert c["parts"]["turn"]["mean"] == -1.0 and c["parts"]["turn"]["n"] == 2
    # toward each row's gold label: +3 (negative row, -3 toward positive) and +1
    assert c["parts"]["turn"]["toward_label"]["mean"] == 2.0
    assert c["parts"]["concession"]["toward_label"]["mean"] == -1.5
    assert list(c["parts"]) == ["concession", "turn"] and c["parts"]["turn"]["share"] == 0.5
    assert c["strongest_words"] == {"toward_positive": [["great", 3.0, 2]],
                                    "toward_negative": [["dull", -4.0, 2]]}  # "." left out
    groups = P.patterns_by_category(rows)
    assert list(groups) == ["all", "contrast"]  # a row without a category counts in "all" only
    assert groups["all"]["n"] == 3 and groups["all"]["misread"] == [2] and groups["all"]["accuracy"] == 0.6667
    unlabelled = P.category_pattern([_read(1, None, "positive", None, {})])
    assert unlabelled["accuracy"] is None and unlabelled["misread"] == []


# ---- the command on the tiny model -------------------------------------------------------------------

@pytest.fixture
def teacher_csv(tmp_path):
    rows = [("A technical marvel, but it cannot be taken seriously.", "negative", "contrast"),
            ("The plot is thin, but it is never boring. Loved it.", "positive", "contrast"),
            ("What a triumph. Yeah right.", "negative", "irony"),
            ("It isn't anywhere near his best work, yet I recommend it.", "positive", "negation"),
            ("<script>alert(1)</script> Not bad at all.", "positive", "negation")]
    path = tmp_path / "teacher.csv"
    pd.DataFrame(rows, columns=["review", "sentiment", "phenomenon"]).to_csv(path, index=False)
    return path


def test_the_command_gives_the_accuracy_that_predict_gives(tiny_explain_dir, teacher_csv, tmp_path, capsys):
    page = tmp_path / "page.html"
    assert P.main(["--checkpoint", str(tiny_explain_dir), "--csv", str(teacher_csv), "--category", "phenomenon",
                   "--precision", "fp32", "--json", "--html", str(page)]) == 0
    result = json.loads(capsys.readouterr().out)
    assert sentiment_main(["predict", "--checkpoint", str(tiny_explain_dir), "--csv", str(teacher_csv),
                           "--precision", "fp32", "--json"]) == 0
    predicted = [p["label"] for p in json.loads(capsys.readouterr().out)]
    gold = pd.read_csv(teacher_csv)["sentiment"].tolist()
    assert [r["predicted"] for r in result["rows"]] == predicted
    assert result["categories"]["all"]["accuracy"] == round(sum(p == g for p, g in zip(predicted, gold)) / 5, 4)
    assert result["categories"]["all"]["misread"] == [i + 1 for i, (p, g) in enumerate(zip(predicted, gold))
                                                     if p != g]
    assert list(result["categories"]) == ["all", "contrast", "irony", "negation"]
    assert result["categories"]["contrast"]["n"] == 2 and result["read_length"] == 64
    assert set(result["categories"]["contrast"]["parts"]) >= {"concession", "turn"}
    html = page.read_text()
    assert "<script>" not in html  # escaped wherever the review shows
    assert ("&lt;" in html) == (5 in result["categories"]["all"]["misread"])  # shown, escaped, where misread
    assert re.search(r"<h2>contrast</h2><p>2 rows, accuracy", html)


@pytest.mark.parametrize("argv, message", [
    (["--csv", "missing.csv"], "missing.csv: no such file"),
    (["--csv", "{empty}"], "the file is empty"),
])
def test_bad_input_is_one_line_and_status_2(argv, message, tmp_path, capsys):
    (tmp_path / "empty.csv").write_text("")
    argv = [a.replace("{empty}", str(tmp_path / "empty.csv")) for a in argv]
    assert P.main(["--checkpoint", "no-such-checkpoint", *argv]) == 2
    err = capsys.readouterr().err.strip()
    assert message in err and len(err.splitlines()) == 1
