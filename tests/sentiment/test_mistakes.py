"""The error study's analysis (sentiment/mistakes.py) on five hand-made reviews whose outcome is known.

a: positive, both checkpoints say negative             -> both wrong
b: positive, small says negative, large says positive  -> fixed by more data (only small wrong)
c: negative, small says negative, large says positive  -> broken by more data (only large wrong)
d: negative, both say positive                         -> both wrong
e: positive, both say positive                         -> both right
"""
import math

import pandas as pd
import pytest

from sentiment import mistakes
from sentiment.run_report import PREDICTIONS_FILE

IDS = list("abcde")


def _truth(with_review=True):
    truth = pd.DataFrame({"id": IDS + ["f"], "label": [1, 1, 0, 0, 1, 0]})  # f: no prediction, left out
    if with_review:
        truth["review"] = [f"review {i}" for i in IDS + ["f"]]
    return truth


def _small():
    return pd.DataFrame({"id": IDS + ["g"],  # g: no true label, left out
                         "predicted": ["negative", "negative", "negative", "positive", "positive", "positive"],
                         "p_positive": [0.1, 0.4, 0.3, 0.9, 0.8, 0.9]})


def _large():
    return pd.DataFrame({"id": IDS, "predicted": ["negative", "positive", "positive", "positive", "positive"],
                         "p_positive": [0.2, 0.7, 0.65, 0.95, 0.9]})


@pytest.fixture
def table():
    return mistakes.compare(_small(), _large(), _truth())


def test_compare_puts_each_review_in_its_category(table):
    # b (small wrong, large right) is the one more data fixed; c (small right, large wrong) the one it broke
    assert dict(zip(table["id"], table["comparison"])) == {
        "a": "both wrong", "b": "fixed by more data", "c": "broken by more data", "d": "both wrong", "e": "both right"}


def test_compare_keeps_only_reviews_with_a_label_and_both_predictions_and_names_the_label(table):
    # f: labelled, predicted by the large checkpoint only; g: predicted by both, no label
    large = pd.concat([_large(), pd.DataFrame({"id": ["f", "g"], "predicted": ["positive"] * 2,
                                               "p_positive": [0.9, 0.9]})])
    assert mistakes.compare(_small(), large, _truth())["id"].tolist() == IDS
    assert table["id"].tolist() == IDS
    assert table["sentiment"].tolist() == ["positive", "positive", "negative", "negative", "positive"]
    assert list(table.columns) == ["id", "label", "review", "small_predicted", "small_p_positive",
                                   "large_predicted", "large_p_positive", "sentiment", "comparison",
                                   "small_confidence", "large_confidence"]
    assert table["review"].tolist() == [f"review {i}" for i in IDS]
    assert table["small_p_positive"].tolist() == [0.1, 0.4, 0.3, 0.9, 0.8]
    assert table["large_p_positive"].tolist() == [0.2, 0.7, 0.65, 0.95, 0.9]


def test_compare_without_review_texts_has_no_review_column():
    table = mistakes.compare(_small(), _large(), _truth(with_review=False))
    assert "review" not in table.columns and table["id"].tolist() == IDS


def test_confidence_is_the_probability_of_the_label_given(table):
    # P(positive) where the checkpoint said positive, 1 - P(positive) where it said negative
    assert table["small_confidence"].tolist() == pytest.approx([0.9, 0.6, 0.7, 0.9, 0.8])
    assert table["large_confidence"].tolist() == pytest.approx([0.8, 0.7, 0.65, 0.95, 0.9])


def test_confidence_of_a_label_given_at_one_half_and_of_a_negative_one():
    small = pd.DataFrame({"id": ["a"], "predicted": ["positive"], "p_positive": [0.5]})
    large = pd.DataFrame({"id": ["a"], "predicted": ["negative"], "p_positive": [0.25]})
    table = mistakes.compare(small, large, pd.DataFrame({"id": ["a"], "label": [1]}))
    assert table["small_confidence"].tolist() == [0.5] and table["large_confidence"].tolist() == [0.75]


def test_counts_every_category_even_empty_ones(table):
    assert mistakes.counts(table) == {"both wrong": 2, "fixed by more data": 1, "broken by more data": 1,
                                      "both right": 1}
    right = table[table["comparison"] == "both right"]
    assert mistakes.counts(right) == {"both wrong": 0, "fixed by more data": 0, "broken by more data": 0,
                                      "both right": 1}


def test_mistakes_are_sorted_by_the_confidence_of_the_wrong_checkpoint(table):
    # a and d: the surer of the two; b: the small one's 0.6, not the (right) large one's 0.7;
    # c: the large one's 0.65, not the (right) small one's 0.7
    shown = mistakes.mistakes(table)
    assert shown["id"].tolist() == ["d", "a", "c", "b"]
    assert shown["confidence"].tolist() == pytest.approx([0.95, 0.9, 0.65, 0.6])


@pytest.mark.parametrize("comparison, ids", [
    ("all", ["d", "a", "c", "b"]), ("both wrong", ["d", "a"]),
    ("fixed by more data", ["b"]), ("broken by more data", ["c"])])
def test_mistakes_of_one_kind(table, comparison, ids):
    assert mistakes.mistakes(table, comparison)["id"].tolist() == ids


def test_mistakes_keep_those_at_least_as_sure_as_asked(table):
    assert mistakes.mistakes(table, "all", 0.65)["id"].tolist() == ["d", "a", "c"]  # c's 0.65 is kept
    assert mistakes.mistakes(table, "all", 0.0)["id"].tolist() == ["d", "a", "c", "b"]  # e is no mistake
    assert mistakes.mistakes(table, "both wrong", 0.92)["id"].tolist() == ["d"]
    assert mistakes.mistakes(table, "all", 0.96).empty


@pytest.mark.parametrize("bad", ["nonsense", "both right"])
def test_mistakes_refuse_an_unknown_comparison(table, bad):
    with pytest.raises(ValueError, match="unknown comparison"):
        mistakes.mistakes(table, bad)


def _cad():
    return pd.DataFrame({"id": IDS, "predicted": ["negative", "negative", "negative", "positive", "negative"],
                         "p_positive": [0.3, 0.45, 0.2, 0.6, 0.4]})


def test_with_cad_adds_the_cad_checkpoints_predictions_beside_each_review(table):
    joined = mistakes.with_cad(table, _cad())
    assert joined["id"].tolist() == IDS
    assert joined["cad_predicted"].tolist() == _cad()["predicted"].tolist()
    assert joined["cad_p_positive"].tolist() == [0.3, 0.45, 0.2, 0.6, 0.4]
    assert list(joined.columns) == list(table.columns) + ["cad_predicted", "cad_p_positive", "cad_comparison",
                                                          "cad_confidence"]
    # large wrong on a, c, d; CAD wrong on a, b, d, e
    assert joined["cad_comparison"].tolist() == [
        "large and CAD-trained both wrong", "broken by contrast training", "fixed by contrast training",
        "large and CAD-trained both wrong", "broken by contrast training"]
    assert joined["cad_confidence"].tolist() == pytest.approx([0.7, 0.55, 0.8, 0.6, 0.6])


@pytest.mark.parametrize("comparison, ids", [
    ("fixed by contrast training", ["c"]),
    # sorted by the CAD-trained checkpoint's confidence in its wrong label: e 0.6, b 0.55
    ("broken by contrast training", ["e", "b"]),
    # by the surer of the two wrong checkpoints: d (large 0.95), a (large 0.8)
    ("large and CAD-trained both wrong", ["d", "a"]),
])
def test_mistakes_before_and_after_contrast_training(table, comparison, ids):
    joined = mistakes.with_cad(table, _cad())
    assert mistakes.mistakes(joined, comparison)["id"].tolist() == ids
    assert mistakes.mistakes(joined, comparison, min_confidence=0.58)["id"].tolist() == [i for i in ids if i != "b"]


def test_a_cad_comparison_without_the_cad_predictions_is_refused(table):
    with pytest.raises(ValueError, match="CAD-trained checkpoint, whose predictions are not in this table"):
        mistakes.mistakes(table, "fixed by contrast training")


def test_cad_counts_the_large_checkpoints_mistakes_it_fixes_and_the_ones_it_adds(table):
    # large is wrong on a, c, d; CAD gets c right (fixed 1). large is right on b, e; CAD gets both wrong (added 2)
    assert mistakes.cad_counts(mistakes.with_cad(table, _cad())) == {"fixed": 1, "added": 2}


def test_truth_with_texts_takes_labels_from_the_predictions_and_texts_where_known():
    predictions = pd.DataFrame({"id": ["x", "y", "z"], "sentiment": ["positive", "negative", "negative"],
                                "predicted": ["positive"] * 3, "p_positive": [0.9] * 3})
    reviews = pd.DataFrame({"review": ["text x", "text z"], "label": [1, 0]}, index=["x", "z"])
    truth = mistakes.truth_with_texts(predictions, reviews)
    assert list(truth.columns) == ["id", "label", "review"]
    assert truth["label"].tolist() == [1, 0, 0]
    assert truth["review"].tolist()[0::2] == ["text x", "text z"] and math.isnan(truth["review"][1])
    alone = mistakes.truth_with_texts(predictions, None)
    assert list(alone.columns) == ["id", "label"] and alone["label"].tolist() == [1, 0, 0]


def test_read_predictions_reads_the_checkpoints_predictions_file(tmp_path):
    _large().to_csv(tmp_path / PREDICTIONS_FILE, index=False)
    pd.testing.assert_frame_equal(mistakes.read_predictions(tmp_path), _large())


# ---- the error taxonomy's tags on the mistakes, and each tag's error rate ------------------------------

CONTRAST = "The acting was great, but the plot was awful."  # 9 words, a contrast reversal


class _WordTokenizer:
    """One token per word: a review's length in tokens is its number of words."""

    def __call__(self, texts, **options):
        return {"input_ids": [text.split() for text in texts]}


def _tagged_table():
    """Five test reviews: ids carry the star rating, which the rating tags read.

    test/pos/1_7   both wrong            contrast, 9 words      -> contrast_reversal, borderline_rating, beyond
    test/neg/2_1   broken by more data   "Dull."                -> extreme_rating
    test/pos/3_10  both right            contrast               -> () : no checkpoint misreads it
    test/neg/4_3   fixed by more data    no text                -> () : nothing to tag it by
    test/pos/5_9   broken by more data   contrast, 14 words     -> contrast_reversal, extreme_rating, beyond
    """
    ids = ["test/pos/1_7", "test/neg/2_1", "test/pos/3_10", "test/neg/4_3", "test/pos/5_9"]
    truth = pd.DataFrame({"id": ids, "label": [1, 0, 1, 0, 1],
                          "review": [CONTRAST, "Dull.", CONTRAST, float("nan"),
                                     "A stunning technical marvel. However, the narration is weak and the script "
                                     "is stupid."]})
    small = pd.DataFrame({"id": ids, "predicted": ["negative", "negative", "positive", "positive", "positive"],
                          "p_positive": [0.2, 0.1, 0.9, 0.7, 0.8]})
    large = pd.DataFrame({"id": ids, "predicted": ["negative", "positive", "positive", "negative", "negative"],
                          "p_positive": [0.3, 0.6, 0.95, 0.2, 0.1]})
    # max_length 8: 6 content tokens read, so the 9- and 14-word reviews are beyond it, "Dull." is not
    return mistakes.with_tags(mistakes.compare(small, large, truth), _WordTokenizer(), max_length=8)


def test_tag_labels_name_every_tag_of_the_taxonomy_in_its_order():
    assert list(mistakes.TAG_LABELS) == list(mistakes.TAGS)


def test_with_tags_tags_each_mistake_whose_text_is_at_hand():
    assert dict(zip(*_tagged_table()[["id", "tags"]].T.values)) == {
        "test/pos/1_7": ("contrast_reversal", "borderline_rating", "beyond_max_length"),
        "test/neg/2_1": ("extreme_rating",),
        "test/pos/3_10": (),
        "test/neg/4_3": (),
        "test/pos/5_9": ("contrast_reversal", "extreme_rating", "beyond_max_length")}


def test_with_tags_tags_a_review_only_the_cad_checkpoint_misreads():
    table = _tagged_table().drop(columns="tags")
    cad = pd.DataFrame({"id": table["id"], "predicted": ["negative", "positive", "negative", "negative", "negative"],
                        "p_positive": [0.3, 0.6, 0.4, 0.2, 0.1]})  # test/pos/3_10: right by small and large
    joined = mistakes.with_cad(table, cad)
    assert mistakes.misread_by_any(joined).tolist() == [True, True, True, True, True]
    assert mistakes.misread_by_any(table).tolist() == [True, True, False, True, True]
    tagged = mistakes.with_tags(joined, _WordTokenizer(), max_length=8)
    assert tagged.set_index("id").at["test/pos/3_10", "tags"] == ("contrast_reversal", "extreme_rating",
                                                                 "beyond_max_length")


def test_with_tags_without_any_text_tags_nothing():
    table = _tagged_table().drop(columns=["tags", "review"])
    assert mistakes.with_tags(table, _WordTokenizer(), max_length=8)["tags"].tolist() == [()] * 5


@pytest.mark.parametrize("tag, ids", [
    # sorted by the confidence of the wrong checkpoint: test/pos/5_9 0.9 (large), test/pos/1_7 0.8 (small)
    ("contrast_reversal", ["test/pos/5_9", "test/pos/1_7"]),
    ("extreme_rating", ["test/pos/5_9", "test/neg/2_1"]),
    ("borderline_rating", ["test/pos/1_7"]),  # test/pos/3_10 is borderline too, and no mistake
    ("irony_cue", []),
])
def test_mistakes_carrying_a_tag_are_exactly_the_tagged_ones(tag, ids):
    assert mistakes.mistakes(_tagged_table(), "all", 0.5, tag)["id"].tolist() == ids


def test_a_tag_combines_with_the_comparison_and_the_confidence():
    table = _tagged_table()
    assert mistakes.mistakes(table, "broken by more data", 0.5, "extreme_rating")["id"].tolist() == [
        "test/pos/5_9", "test/neg/2_1"]
    assert mistakes.mistakes(table, "both wrong", 0.5, "extreme_rating").empty
    assert mistakes.mistakes(table, "all", 0.85, "contrast_reversal")["id"].tolist() == ["test/pos/5_9"]
    assert len(mistakes.mistakes(table, "all", 0.5, None)) == 4  # no tag: every mistake


def test_an_unknown_tag_or_an_untagged_table_is_refused():
    with pytest.raises(ValueError, match="^unknown tag 'sarcasm'; choose one of contrast_reversal, negation_dense, "
                                         "irony_cue, mostly_plot_summary, borderline_rating, extreme_rating, "
                                         "beyond_max_length$"):
        mistakes.mistakes(_tagged_table(), "all", 0.5, "sarcasm")
    with pytest.raises(ValueError, match="^the reviews are not tagged, so none can be chosen by the tag 'irony_cue'$"):
        mistakes.mistakes(_tagged_table().drop(columns="tags"), "all", 0.5, "irony_cue")


def test_tag_error_rates_are_the_saved_counts_divided():
    taxonomy = {"n_reviews": 10, "errors": 3, "tags": {
        # the saved rates are rounded (and here stale): the counts are what the rates come from
        "contrast_reversal": {"n_with": 4, "n_without": 6, "errors_with": 2, "errors_without": 1,
                              "error_rate_with": 0.4, "error_rate_without": 0.2},
        "irony_cue": {"n_with": 0, "n_without": 10, "errors_with": 0, "errors_without": 3},
        "borderline_rating": {"n_with": 8, "n_without": 2, "errors_with": 3, "errors_without": 0}}}
    rates = mistakes.tag_error_rates(taxonomy)
    assert rates.index.tolist() == ["contrast_reversal", "irony_cue", "borderline_rating"]
    assert list(rates.columns) == ["errors_with", "n_with", "error_rate_with", "errors_without", "n_without",
                                   "error_rate_without"]
    assert rates.loc["contrast_reversal"].tolist() == [2, 4, 0.5, 1, 6, 1 / 6]
    assert rates.loc["borderline_rating"].tolist() == [3, 8, 0.375, 0, 2, 0.0]
    irony = rates.loc["irony_cue"]
    assert math.isnan(irony["error_rate_with"]) and irony["error_rate_without"] == 0.3


def test_tag_error_rates_of_a_report_that_skipped_the_taxonomy_are_empty():
    rates = mistakes.tag_error_rates({"skipped": "--skip-taxonomy"})
    assert rates.empty and list(rates.columns) == ["errors_with", "n_with", "error_rate_with", "errors_without",
                                                   "n_without", "error_rate_without"]


def test_error_rate_of_no_reviews_is_nan():
    assert mistakes.error_rate(1, 8) == 0.125 and math.isnan(mistakes.error_rate(0, 0))
