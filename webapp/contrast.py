"""The Contrast tab: a review and an edited copy, and which words' scores moved."""
from __future__ import annotations

from .explanations import contrast


def compare_for_app(checkpoint: str, review: str, edited: str):
    """Both texts' probabilities and coloured views, and the words that moved (``explanations.contrast``)."""
    return contrast(checkpoint, review, edited)
