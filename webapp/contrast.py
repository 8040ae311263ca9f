"""The Contrast tab: a review and an edited copy, and which words' scores moved."""
from __future__ import annotations

from difflib import SequenceMatcher

import pandas as pd

from explain.render import highlighted_html

from .explain_view import explain_text


def moved_words(before, after, k: int = 12) -> pd.DataFrame:
    """Words by how much their push toward positive changed; words only in one text count from 0."""
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
    table = pd.DataFrame(rows, columns=["word", "review", "edited copy"])
    table["change"] = table["edited copy"] - table["review"]
    table = table.reindex(table["change"].abs().sort_values(ascending=False).index).head(k)
    return table.round(3).reset_index(drop=True)


def compare_for_app(checkpoint: str, review: str, edited: str):
    before, after = explain_text(checkpoint, review), explain_text(checkpoint, edited)
    labels = [{"negative": 1 - e.p_positive, "positive": e.p_positive} for e in (before, after)]
    return (labels[0], labels[1], highlighted_html(before), highlighted_html(after),
            moved_words(before, after))
