"""explain/occlusion.py: word deletion scores, and their rank agreement with integrated gradients."""
import math

import pandas as pd
import pytest

from explain.occlusion import occlusion_scores, rank_agreement
from explain.margin import margin
from explain.variants import batched_logits, without_positions
from explain.words import Word
from toy_models import CLS, PAD, SEP, BagOfWords


# Three words: 1000 (+2), 1001 1002 (-0.5 - 0.25: one word of two pieces), 1003 (+1).
IDS = [CLS, 1000, 1001, 1002, 1003, SEP]
GROUPS = [[1], [2, 3], [4]]
WEIGHTS = {PAD: 10.0, 1000: 2.0, 1001: -0.5, 1002: -0.25, 1003: 1.0}


@pytest.mark.parametrize("batch_size", [2, 32])
def test_occlusion_scores_are_how_far_the_margin_falls_without_each_word(tokenizer, batch_size):
    model = BagOfWords(WEIGHTS)
    # margin toward positive: 2 - 0.75 + 1 = 2.25; without a word it falls by that word's weight
    full, scores = occlusion_scores(model, tokenizer, IDS, GROUPS, 1, "fp32", batch_size)
    assert (full, scores) == (2.25, [2.0, -0.75, 1.0])
    full, scores = occlusion_scores(model, tokenizer, IDS, GROUPS, 0, "fp32", batch_size)
    assert (full, scores) == (-2.25, [-2.0, 0.75, -1.0])


def words(scores):
    return [Word(f"w{i}", 2 * i, 2 * i + 1, s) for i, s in enumerate(scores)]


def test_rank_agreement_is_the_spearman_correlation_of_the_word_scores():
    assert rank_agreement(words([0.1, 0.5, 2.0, 3.0]), words([1.0, 2.0, 30.0, 40.0])) == pytest.approx(1.0)
    assert rank_agreement(words([0.1, 0.5, 2.0, 3.0]), words([4.0, 3.0, -2.0, -5.0])) == pytest.approx(-1.0)
    # one pair of neighbours swapped: 1 - 6 * (1 + 1) / (4 * (16 - 1)) = 0.8
    assert rank_agreement(words([1.0, 2.0, 3.0, 4.0]), words([1.0, 3.0, 2.0, 4.0])) == pytest.approx(0.8)
    # a tie shares its ranks (1.5, 1.5, 3) against (1, 2, 3): Pearson 1.5 / sqrt(1.5 * 2) = sqrt(3) / 2
    assert rank_agreement(words([5.0, 5.0, 9.0]), words([1.0, 2.0, 3.0])) == pytest.approx(math.sqrt(3) / 2)


def test_rank_agreement_needs_the_same_words_and_two_of_them():
    with pytest.raises(ValueError, match="do not cover the same words"):
        rank_agreement(words([1.0, 2.0]), words([1.0, 2.0, 3.0]))
    with pytest.raises(ValueError, match="do not cover the same words"):
        rank_agreement(words([1.0, 2.0]), [Word("w0", 0, 1, 1.0), Word("w1", 3, 4, 2.0)])
    assert math.isnan(rank_agreement(words([1.0]), words([2.0])))


# --- on the tiny BERT ----------------------------------------------------------------------------

REVIEW = "A wonderful, moving film. The acting isn't great, but I can't stop thinking about it!"


def test_agreement_compares_occlusion_margin_drops_with_integrated_gradients(explainer):
    ig, occ, rho = explainer.agreement(REVIEW)
    assert occ.method == "occlusion" and occ.relative_delta is None and occ.completeness_error is None
    assert occ.target == ig.target
    assert [(w.word, w.start, w.end) for w in occ.words] == [(w.word, w.start, w.end) for w in ig.words]
    # every word's occlusion score, by hand: the margin minus the margin without the word
    target = 0 if occ.target == "negative" else 1
    without = [without_positions(occ.input_ids, group) for group in occ.token_groups]
    by_hand = [occ.margin_input - float(m) for m in margin(batched_logits(
        explainer.model, explainer.tokenizer, without, explainer.precision), target)]
    assert [w.score for w in occ.words] == pytest.approx(by_hand, rel=1e-4, abs=1e-5)
    # and the agreement, by an independent Spearman (pandas ranks, then Pearson)
    expected = pd.Series([w.score for w in ig.words]).corr(pd.Series([w.score for w in occ.words]),
                                                            method="spearman")
    assert rho == pytest.approx(expected, abs=1e-9)
