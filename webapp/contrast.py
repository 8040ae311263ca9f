"""The Contrast tab: a review and an edited copy, and which words' scores moved."""
from __future__ import annotations

from sentiment.paths import CAD_CHECKPOINT, LARGE_CHECKPOINT

from .explanations import contrast


def compare_for_app(checkpoint: str, review: str, edited: str):
    """Both texts' probabilities and coloured views, and the words that moved (``explanations.contrast``)."""
    return contrast(checkpoint, review, edited)


def other_checkpoint(names: list[str]) -> str | None:
    """The checkpoint the Contrast tab offers beside the chosen one: the contrast-trained one where it
    ships (the "after" of the large checkpoint's "before"), else the second checkpoint, else None."""
    if CAD_CHECKPOINT in names:
        return CAD_CHECKPOINT
    others = [n for n in names if n != LARGE_CHECKPOINT]
    return others[0] if others else None
