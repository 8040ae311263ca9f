"""sentiment.robustness.report: the report's sections as saved and shown, and their Markdown tables."""
import json

import numpy as np
import pandas as pd
import pytest

from sentiment.robustness import behaviour as B
from sentiment.robustness import contrast_pairs as C
from sentiment.robustness import report as R


@pytest.mark.parametrize("text, limit, expected", [
    ("a  b\n\tc", 300, "a b c"),
    ("one<br /><br />two", 300, "one two"),
    ("abcdefghij", 10, "abcdefghij"),
    ("abcdefghijk", 10, "abcdefg..."),
    ("abcdef ghijk", 10, "abcdef..."),  # no space before the ellipsis
    (None, 10, None),
    (float("nan"), 10, None),  # pandas' missing string
])
def test_short(text, limit, expected):
    assert R.short(text, limit) == expected


def _pairs_table():
    pairs = pd.DataFrame({"pair_id": ["1", "1", "2", "2", "3", "3"], "kind": ["original", "edited"] * 3,
                          "sentiment": ["positive", "negative", "negative", "positive", "positive", "negative"],
                          "review": ["A o", "A e", "B o", "B e", "C o", "C e"],
                          "imdb_id": ["train/pos/1_9", "", "", "", "train/pos/3_8", ""],
                          "label": [1, 0, 0, 1, 1, 0]})
    return C.pair_table(pairs, np.array([0.9, 0.2, 0.1, 0.3, 0.4, 0.612345678]))


def test_contrast_section_lists_the_failing_pairs_with_what_went_wrong():
    table = _pairs_table()
    section = R.contrast_section(C.pair_metrics(table), C.failing_examples(table, 5), "dev_paired.csv.gz")
    assert section == {
        "source": "dev_paired.csv.gz", "attribution": R.CAD_ATTRIBUTION,
        "n_pairs": 3, "accuracy_original": 0.6667, "accuracy_edited": 0.3333, "consistency": 0.3333,
        "both_wrong": 0.3333, "flips_with_edit": 0.6667,
        "failing_pairs": {"original_wrong": ["3"], "edited_wrong": ["2", "3"]},
        # pair 2's edit (0.2 from 0.5 on the wrong side) before pair 3 (0.112 at most)
        "examples": [
            {"pair_id": "2", "imdb_id": None, "wrong": "edited", "label_original": "negative",
             "p_original": 0.1, "p_edited": 0.3, "original": "B o", "edited": "B e"},
            {"pair_id": "3", "imdb_id": "train/pos/3_8", "wrong": "original and edited",
             "label_original": "positive", "p_original": 0.4, "p_edited": 0.6123, "original": "C o",
             "edited": "C e"}]}
    json.dumps(section)  # what --save writes


def test_behaviour_section_shows_the_worst_failures_first():
    cases = [B.Case("negated_positive", "MFT", "not good a", "negative", template="t1"),
             B.Case("negated_positive", "MFT", "not good b", "negative", template="t1"),
             B.Case("negated_positive", "MFT", "not good c", "negative", template="t2"),
             B.Case("invariance", "INV", "Ann is fine.", None, "Bob is fine.", "name: Bob -> Ann"),
             B.Case("invariance", "INV", "Ann is fine!", None, "Ann is fine.", "punctuation: ! for ."),
             B.Case("added_sentence", "DIR", "x. Bad.", "down", "x.", "added"),
             B.Case("negated_negative", "MFT", "not dull a", "positive", template="t3"),
             B.Case("negated_negative", "MFT", "not dull b", "positive", template="t3")]
    p = {"not good a": 0.7, "not good b": 0.95, "not good c": 0.2, "Ann is fine.": 0.45, "Bob is fine.": 0.8,
         "Ann is fine!": 0.5, "x.": 0.3, "x. Bad.": 0.9, "not dull a": 0.3, "not dull b": 0.02}
    outcomes = B.score_cases(cases, p, tolerance=0.05)
    section = R.behaviour_section(outcomes, B.capability_summary(outcomes), seed=0, version=1, tolerance=0.05)
    assert (section["n_cases"], section["seed"], section["version"], section["dir_tolerance"]) == (8, 0, 1, 0.05)
    assert list(section["capabilities"]) == ["negated_positive", "negated_negative", "invariance", "added_sentence"]
    negated = section["capabilities"]["negated_positive"]
    assert (negated["test_type"], negated["n"], negated["failures"], negated["failure_rate"]) == ("MFT", 3, 2, 0.6667)
    assert negated["by_expected"] == {"negative": {"n": 3, "failures": 2}}
    assert negated["by_template"] == {"t1": {"n": 2, "failures": 2}, "t2": {"n": 1, "failures": 0}}
    # 0.95 is surer of the wrong label than 0.7
    assert negated["examples"] == [
        {"text": "not good b", "original": None, "expected": "negative", "p_positive": 0.95, "p_original": None},
        {"text": "not good a", "original": None, "expected": "negative", "p_positive": 0.7, "p_original": None}]
    # for a positive case, the lower P(positive) is the surer mistake
    assert [e["text"] for e in section["capabilities"]["negated_negative"]["examples"]] == ["not dull b", "not dull a"]
    invariance = section["capabilities"]["invariance"]
    # the name change flips 0.8 -> 0.45; "!" for "." moves 0.45 -> 0.5, which flips too: the bigger move first
    assert invariance["by_expected"] == {"any": {"n": 2, "failures": 2}}
    assert invariance["by_template"] == {"name": {"n": 1, "failures": 1}, "punctuation: ! for .": {"n": 1, "failures": 1}}
    assert [e["text"] for e in invariance["examples"]] == ["Ann is fine.", "Ann is fine!"]
    assert invariance["examples"][0] == {"text": "Ann is fine.", "original": "Bob is fine.", "expected": None,
                                         "p_positive": 0.45, "p_original": 0.8}
    # every failure, whole and with its template, worst first; a case read right is not listed
    assert negated["failing"] == [
        {"text": "not good b", "original": None, "expected": "negative", "template": "t1", "p_positive": 0.95,
         "p_original": None},
        {"text": "not good a", "original": None, "expected": "negative", "template": "t1", "p_positive": 0.7,
         "p_original": None}]
    assert [f["template"] for f in invariance["failing"]] == ["name: Bob -> Ann", "punctuation: ! for ."]
    added = section["capabilities"]["added_sentence"]
    assert added["by_expected"] == {"down": {"n": 1, "failures": 1}}
    assert added["examples"][0]["expected"] == "down"
    json.dumps(section)


def test_taxonomy_section_per_tag():
    ids = ["test/neg/1_4", "test/pos/2_10", "test/neg/3_1"]
    reviews = pd.DataFrame({"review": ["Fine, but awful.", "Great.", "Awful."],
                            "sentiment": ["negative", "positive", "negative"],
                            "p_positive": [0.912345, 0.8, 0.1]}, index=ids)
    wrong = pd.Series([True, False, False], index=ids)
    lift = pd.DataFrame([{"tag": "contrast_reversal", "n_with": 1, "n_without": 2, "errors_with": 1,
                          "errors_without": 0, "error_rate_with": 1.0, "error_rate_without": 0.0,
                          "lift": float("nan"), "examples": ["test/neg/1_4"]}]).set_index("tag")
    section = R.taxonomy_section(lift, {"contrast_reversal": "a rule"}, reviews, wrong, 256)
    assert section == {"n_reviews": 3, "errors": 1, "error_rate": 0.3333, "max_length": 256, "tags": {
        "contrast_reversal": {"rule": "a rule", "n_with": 1, "n_without": 2, "errors_with": 1, "errors_without": 0,
                              "error_rate_with": 1.0, "error_rate_without": 0.0, "lift": None,  # NaN: no JSON NaN
                              "examples": [{"id": "test/neg/1_4", "sentiment": "negative", "p_positive": 0.9123,
                                            "review": "Fine, but awful."}]}}}
    json.dumps(section, allow_nan=False)


def _report(rate, lift):
    return {"contrast_pairs": {"accuracy_original": 0.9, "accuracy_edited": 0.8, "consistency": 0.75,
                               "n_pairs": 245},
            "behaviour": {"capabilities": {"irony": {"failure_rate": rate, "failures": 3, "n": 100}}},
            "taxonomy": {"n_reviews": 100, "error_rate": 0.1, "tags": {
                "irony_cue": {"n_with": 10, "error_rate_with": 0.3, "error_rate_without": 0.1, "lift": lift}}}}


def test_markdown_tables_side_by_side():
    table = R.markdown_tables({"big": _report(0.03, 3.0), "small": _report(0.25, None)})
    assert "| accuracy on originals | 90.0% | 90.0% |" in table
    assert "| accuracy on edits | 80.0% | 80.0% |" in table
    assert "| both right (consistency) | 75.0% | 75.0% |" in table
    assert "| pairs | 245 | 245 |" in table
    assert "| irony | MFT | 3.0% (3/100) | 25.0% (3/100) |" in table
    assert "| negated_positive | MFT | n/a | n/a |" in table  # a capability a report lacks
    assert "| irony_cue | 10 of 100 | 30.0% / 10.0% = 3.00 | 30.0% / 10.0% = n/a |" in table
    assert "| all test reviews (error rate) | | 10.0% | 10.0% |" in table


def test_markdown_tables_leave_out_the_taxonomy_a_report_skipped():
    skipped = {**_report(0.03, 3.0), "taxonomy": {"skipped": "--skip-taxonomy"}}
    table = R.markdown_tables({"a": skipped, "b": _report(0.25, 2.0)})
    assert "| tag | reviews with it | b |" in table
    assert "| irony_cue | 10 of 100 | 30.0% / 10.0% = 2.00 |" in table
    assert "Error taxonomy" not in R.markdown_tables({"a": skipped})


def test_save_writes_robustness_json(tmp_path):
    path = R.save({"checkpoint": "x", "text": "é"}, tmp_path)
    assert path == tmp_path / "robustness.json"
    assert json.loads(path.read_text()) == {"checkpoint": "x", "text": "é"}
