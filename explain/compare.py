"""Two explanations of a review and its edited copy: which words' pushes moved, and by how much."""
from __future__ import annotations

from difflib import SequenceMatcher

import pandas as pd

COLUMNS = ["word", "review", "edited copy", "change"]


def moved_words(before, after, k: int = 12) -> pd.DataFrame:
    """The ``k`` words whose push toward positive changed most from ``before`` to ``after``.

    ``before``, ``after``: explanations (``explain.Explanation``) of a review and
    of its edited copy. Words are matched by a diff of the two word sequences
    (case-insensitive); a word the diff finds only in one text is then matched
    with the same word left unmatched in the other, in reading order, so a word
    the edit moved (clauses swapped around "but") is one row, not two; a word
    in only one of the texts counts from 0 in the other. Columns: ``word``,
    ``review`` and ``edited copy`` (push toward positive in each), ``change``
    (edited copy - review), rounded to 3 places, largest |change| first.
    """
    a = [w.word.lower() for w in before.words]
    b = [w.word.lower() for w in after.words]
    score_a, score_b = before.scores_toward("positive"), after.scores_toward("positive")
    opcodes = SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes()
    only_before = [i for tag, i1, i2, _, _ in opcodes if tag != "equal" for i in range(i1, i2)]
    only_after = [j for tag, _, _, j1, j2 in opcodes if tag != "equal" for j in range(j1, j2)]
    moved = dict(_same_words(a, b, only_before, only_after))  # review position -> copy position
    moved_to = set(moved.values())
    rows = []
    for tag, i1, i2, j1, j2 in opcodes:  # in reading order, a moved word where it stood in the review
        if tag == "equal":
            rows += [(before.words[i].word, score_a[i], score_b[j]) for i, j in zip(range(i1, i2), range(j1, j2))]
        else:
            rows += [(before.words[i].word, score_a[i], score_b[moved[i]] if i in moved else 0.0)
                     for i in range(i1, i2)]
            rows += [(after.words[j].word, 0.0, score_b[j]) for j in range(j1, j2) if j not in moved_to]
    table = pd.DataFrame(rows, columns=COLUMNS[:3])
    table["change"] = table["edited copy"] - table["review"]
    table = table.reindex(table["change"].abs().sort_values(ascending=False, kind="stable").index).head(k)
    return table.round(3).reset_index(drop=True)


def _same_words(a: list[str], b: list[str], only_a: list[int], only_b: list[int]) -> list[tuple[int, int]]:
    """Positions the diff left unmatched (``only_a`` in ``a``, ``only_b`` in ``b``) paired where they hold the
    same word, each with the first such position of ``b`` not yet taken."""
    waiting: dict[str, list[int]] = {}
    for j in only_b:
        waiting.setdefault(b[j], []).append(j)
    return [(i, waiting[a[i]].pop(0)) for i in only_a if waiting.get(a[i])]
