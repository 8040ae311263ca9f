"""explain/compare.py: which words' pushes toward positive moved between a review and its edited copy."""
import pytest

from explain.compare import moved_words
from explain.explainer import Explanation
from explain.words import Word


def explanation(scored, target="positive"):
    """An explanation of the words ``scored`` = [(word, score toward target)], joined by spaces."""
    words, start = [], 0
    for word, score in scored:
        words.append(Word(word, start, start + len(word), score))
        start += len(word) + 1
    return Explanation(text=" ".join(w for w, _ in scored), label=target, p_positive=0.5, target=target,
                       method="ig", words=words, margin_input=1.0, margin_baseline=0.0, baseline="neutral",
                       baseline_p_positive=0.5, attribution_sum=0.0, convergence_delta=0.0, completeness_error=0.0,
                       relative_delta=0.0, n_steps=8, steps_note=None, dropped=None, seconds=0.1, precision="fp32")


def rows(table):
    return [tuple(row) for row in table.itertuples(index=False)]


def test_an_inserted_word_counts_from_zero_and_the_edit_explained_negative_is_flipped_toward_positive():
    review = explanation([("A", 0.0), ("good", 2.0), ("film", 0.5)])
    # explained toward negative: toward positive these are -0.1, -1.2, -0.4, +0.3
    edited = explanation([("A", 0.1), ("not", 1.2), ("good", 0.4), ("FILM", -0.3)], target="negative")
    table = moved_words(review, edited)
    assert list(table.columns) == ["word", "review", "edited copy", "change"]
    assert list(table.index) == [0, 1, 2, 3]
    assert rows(table) == [("good", 2.0, -0.4, -2.4),   # change = edited copy - review
                           ("not", 0.0, -1.2, -1.2),    # only in the edited copy
                           ("film", 0.5, 0.3, -0.2),    # matched whatever its case, shown as in the review
                           ("A", 0.0, -0.1, -0.1)]


def test_replaced_words_count_from_zero_on_both_sides_and_k_keeps_the_largest_changes():
    # the review explained toward negative: toward positive -0.5, -1.0, 0.0, -0.25
    review = explanation([("Not", 0.5), ("bad", 1.0), ("at", 0.0), ("all", 0.25)], target="negative")
    edited = explanation([("Great", 1.5), ("at", 0.25), ("all", 0.0)])
    assert rows(moved_words(review, edited)) == [("Great", 0.0, 1.5, 1.5),
                                                 ("bad", -1.0, 0.0, 1.0),
                                                 ("Not", -0.5, 0.0, 0.5),
                                                 ("at", 0.0, 0.25, 0.25),   # ties keep reading order
                                                 ("all", -0.25, 0.0, 0.25)]
    assert rows(moved_words(review, edited, k=2)) == [("Great", 0.0, 1.5, 1.5), ("bad", -1.0, 0.0, 1.0)]


def test_both_explained_toward_negative_compare_toward_positive():
    review = explanation([("dull", 2.0), ("plot", 0.5)], target="negative")
    edited = explanation([("gripping", -1.0), ("plot", 0.25)], target="negative")
    assert rows(moved_words(review, edited)) == [("dull", -2.0, 0.0, 2.0), ("gripping", 0.0, 1.0, 1.0),
                                                 ("plot", -0.5, -0.25, 0.25)]


def test_numbers_are_rounded_to_three_places():
    table = moved_words(explanation([("so", 0.12345)]), explanation([("so", 0.45678)]))
    assert rows(table) == [("so", 0.123, 0.457, 0.333)]
    assert table["change"][0] == pytest.approx(0.333, abs=1e-12)


def test_an_unchanged_review_moves_nothing():
    e = explanation([("fine", 0.75), ("film", -0.25)])
    assert rows(moved_words(e, e)) == [("fine", 0.75, 0.75, 0.0), ("film", -0.25, -0.25, 0.0)]


def test_a_word_the_edit_moved_is_one_row_matched_with_itself():
    # "good, but dull" -> "dull, but good": the diff keeps "but"; "good" and "dull" moved, each matched with itself
    review = explanation([("good", 1.0), ("but", 0.0), ("dull", -2.0)])
    edited = explanation([("dull", -0.5), ("but", 0.25), ("good", 3.0)])
    assert rows(moved_words(review, edited)) == [("good", 1.0, 3.0, 2.0), ("dull", -2.0, -0.5, 1.5),
                                                 ("but", 0.0, 0.25, 0.25)]
    # a word repeated: the first one left over in the review with the first one left over in the copy
    review = explanation([("fun", 1.0), ("fun", 2.0), ("ok", 0.0)])
    edited = explanation([("ok", 0.5), ("fun", 4.0), ("new", 1.0)])
    assert sorted(rows(moved_words(review, edited))) == sorted([("fun", 1.0, 4.0, 3.0), ("fun", 2.0, 0.0, -2.0),
                                                               ("ok", 0.0, 0.5, 0.5), ("new", 0.0, 1.0, 1.0)])


def test_left_over_words_pair_in_reading_order():
    from explain.compare import _same_words

    assert _same_words(["fun", "x", "fun"], ["fun", "y", "fun"], [0, 1, 2], [0, 1, 2]) == [(0, 0), (2, 2)]
