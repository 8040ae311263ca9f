"""Word-level occlusion: an explanation independent of gradients, to check integrated gradients against.

A word's score is how much the target margin falls when the word is deleted
from the input the model read: positive = the word pushed toward the target.
"""
from __future__ import annotations

from scipy.stats import spearmanr

from .margin import margin
from .variants import batched_logits, without_positions


def occlusion_scores(model, tokenizer, input_ids: list[int], token_groups: list[list[int]], target: int,
                     precision: str, batch_size: int = 32) -> tuple[float, list[float]]:
    """The full margin, and ``full margin - margin(input without word)`` for each word.

    The full input runs in the same batches as its variants, so every score is a
    difference of passes in one ``precision`` (a resolved one). ``token_groups``
    index ``input_ids``: one list of positions per word. ``target``: the class id
    whose margin is explained; ``batch_size``: variants per forward pass.
    """
    variants = [input_ids] + [without_positions(input_ids, group) for group in token_groups]
    margins = margin(batched_logits(model, tokenizer, variants, precision, batch_size), target).tolist()
    return margins[0], [margins[0] - m for m in margins[1:]]


def rank_agreement(words_a, words_b) -> float:
    """Spearman rank correlation between two explanations' word scores (same words, same order)."""
    if [(w.start, w.end) for w in words_a] != [(w.start, w.end) for w in words_b]:
        raise ValueError("the two explanations do not cover the same words")
    if len(words_a) < 2:
        return float("nan")
    return float(spearmanr([w.score for w in words_a], [w.score for w in words_b]).statistic)
