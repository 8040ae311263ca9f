"""Two explanations of a review and its edited copy: which words' pushes moved, and by how much."""
from __future__ import annotations

from difflib import SequenceMatcher

import pandas as pd

COLUMNS = ["word", "review", "edited copy", "change"]


def moved_words(before, after, k: int = 12) -> pd.DataFrame:
    """The ``k`` words whose push toward positive changed most from ``before`` to ``after``.

    ``before``, ``after``: explanations (``explain.Explanation``) of a review and
    of its edited copy. Words are matched by a diff of the two word sequences
    (case-insensitive); a word in only one of the texts counts from 0 in the
    other. Columns: ``word``, ``review`` and ``edited copy`` (push toward
    positive in each), ``change`` (edited copy - review), rounded to 3 places,
    largest |change| first.
    """
    a = [w.word.lower() for w in before.words]
    b = [w.word.lower() for w in after.words]
    score_a, score_b = before.scores_toward("positive"), after.scores_toward("positive")
    rows = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if tag == "equal":
            rows += [(before.words[i].word, score_a[i], score_b[j]) for i, j in zip(range(i1, i2), range(j1, j2))]
        else:
            rows += [(before.words[i].word, score_a[i], 0.0) for i in range(i1, i2)]
            rows += [(after.words[j].word, 0.0, score_b[j]) for j in range(j1, j2)]
    table = pd.DataFrame(rows, columns=COLUMNS[:3])
    table["change"] = table["edited copy"] - table["review"]
    table = table.reindex(table["change"].abs().sort_values(ascending=False, kind="stable").index).head(k)
    return table.round(3).reset_index(drop=True)
