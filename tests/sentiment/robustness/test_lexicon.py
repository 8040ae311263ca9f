"""sentiment.robustness.lexicon: the opinion lexicon and the polarity of a stretch of text."""
import pytest

from sentiment.robustness.lexicon import has_opinion_word, opinion_score, polarity, words


@pytest.mark.parametrize("text, expected", [
    ("a good film", 1), ("not good", -1), ("The plot isn't bad at all", 1), ("never boring", 1),
    ("great acting, awful script, terrible ending", -1), ("a film about a dog", 0),
    ("good but bad", 0),  # as many of each
])
def test_lexicon_polarity(text, expected):
    assert polarity(text) == expected


@pytest.mark.parametrize("text, score", [
    ("great, superb, awful", 1),
    ("not at all good", -1),  # a negator up to three words before
    ("not that it was good", 1),  # four words before: out of reach
    ("not that it good", -1),  # three words before: flipped
    ("It can't be dull", 1),  # "can't" is "can not"
    ("no bad, no boring, no dull", 3),
])
def test_opinion_score_counts_and_flips(text, score):
    assert opinion_score(text) == score


def test_words_split_n_t_into_not():
    assert words("It isn't GOOD; I can't, won't\u2019t") == ["it", "is", "not", "good", "i", "can", "not",
                                                               "will", "not", "t"]
    assert words("Shan't!") == ["shall", "not"]


def test_opinion_words():
    assert has_opinion_word("The plot was dull") and not has_opinion_word("The plot was long")
