"""The two classes: the name of each class id, and the one rule that turns P(positive) into a label."""
from __future__ import annotations

import numpy as np

LABELS = ("negative", "positive")  # index = label id
LABEL_IDS = {name: i for i, name in enumerate(LABELS)}
# P(positive) of exactly 0.5 reads as positive.
THRESHOLD = 0.5


def label_name(class_id) -> str | list[str]:
    """``"negative"`` for class id 0, ``"positive"`` for 1: a str for one id, a list of them for an array
    or a pandas Series of ids."""
    if np.ndim(class_id) == 0:
        return LABELS[int(class_id)]
    return [LABELS[int(c)] for c in class_id]


def predicted_class(p_positive):
    """1 (positive) where ``p_positive`` >= 0.5, else 0: an int for a number, an int array for an array.

    ``p_positive``: a probability, or a NumPy array / pandas Series of them.
    """
    if np.ndim(p_positive) == 0:
        return int(float(p_positive) >= THRESHOLD)
    return (np.asarray(p_positive, dtype=float) >= THRESHOLD).astype(int)


def predicted_label(p_positive) -> str | list[str]:
    """``"positive"`` or ``"negative"`` (a list of them for an array), by :func:`predicted_class`."""
    return label_name(predicted_class(p_positive))
