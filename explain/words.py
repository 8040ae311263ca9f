"""From word pieces back to the words a person typed.

The classifier reads WordPieces ("unbelievable" -> "un", "##bel", "##ievable";
"isn't" -> "isn", "'", "t"). People read words. A *word* here is a run of
letters and digits, joined inside by apostrophes, hyphens or slashes ("isn't",
"well-made", "10/10"), or a run of other visible characters ("!!!", "...", an
emoji with its variation selector). Each word keeps the character span it
occupies in the pasted text, so scores are drawn over exactly what was pasted.

Offsets come from :func:`sentiment.tokenization.encode` on
``strip_line_breaks(text)``, which has the same length as ``text``, so they
index the pasted text too. Long reviews are cut the way the classifier cuts
them (head + tail); the middle the model never read is a :class:`DroppedSpan`.
"""
from __future__ import annotations

import unicodedata
from bisect import bisect_right
from dataclasses import dataclass

from sentiment.text import plural, strip_line_breaks

# Inside a word, between letters or digits: "isn't", "well-made", "10/10".
JOINERS = "'\u2019\u02bc-/"


@dataclass(frozen=True)
class Word:
    word: str       # exactly as pasted: text[start:end]
    start: int
    end: int
    score: float


@dataclass(frozen=True)
class DroppedSpan:
    """The middle of a long review, cut away before the model read it."""

    start: int
    end: int
    n_words: int
    n_tokens: int

    @property
    def message(self) -> str:
        """What a reader is told: the words skipped, or, for a middle without any (only punctuation, emoji,
        symbols), the tokens, since "0 words" would say nothing was skipped."""
        if self.n_words:
            return f"... {plural(self.n_words, 'word')} not read by the model ..."
        return f"... {plural(self.n_tokens, 'token')} of punctuation or symbols not read by the model ..."


def word_groups(text: str, offsets: list[tuple[int, int]], head_end: int | None = None) -> list[list[int]]:
    """For each word, the indices (into ``offsets``) of the tokens it was read as, in reading order;
    ``head_end`` as for :func:`merge_word_pieces`."""
    return [tokens for _, _, tokens in _words(text, offsets, head_end)]


def merge_word_pieces(text: str, offsets: list[tuple[int, int]], token_scores: list[float],
                      head_end: int | None = None) -> list[Word]:
    """One :class:`Word` per word the model read; its score is the sum of its tokens' scores.

    ``text``: the review as pasted; ``offsets``: (start, end) in ``text`` of each
    token read, [CLS] and [SEP] excluded (``sentiment.tokenization.encode`` with
    offsets); ``token_scores``: one score per entry of ``offsets``; ``head_end``:
    for a review cut in the middle, how many of ``offsets`` belong to the head
    (``cut.head_end``), so a word cut in two shows only its read part; None
    finds the cut as the one gap between tokens that holds letters.
    """
    if len(offsets) != len(token_scores):
        raise ValueError(f"{len(offsets)} offsets but {len(token_scores)} token scores")
    return [Word(text[start:end], start, end, float(sum(token_scores[k] for k in tokens)))
            for start, end, tokens in _words(text, offsets, head_end)]


def dropped_span(text: str, offsets: list[tuple[int, int]], cut) -> DroppedSpan | None:
    """The part of ``text`` between the head and the tail the model read, or None when it read everything.

    ``offsets``: as for :func:`merge_word_pieces`; ``cut``: the truncation record
    ``encode`` returns (``cut.dropped`` tokens skipped, ``cut.head_end`` where the head ends).
    """
    if not cut.dropped:
        return None
    start, end = _unread_gap(strip_line_breaks(text), offsets, cut.head_end)
    n_words = sum(1 for kind, _, _ in _units(strip_line_breaks(text[start:end])) if kind == "letters")
    return DroppedSpan(start, end, n_words, cut.dropped)


def _unread_gap(clean: str, offsets, head_end: int | None = None) -> tuple[int, int]:
    """Characters between the last token of the head and the first of the tail.

    Without ``head_end``, found as the one gap between consecutive tokens that
    holds letters: between tokens that were read together there is only
    whitespace (or characters the tokenizer ignores).
    """
    if head_end is None:
        for k in range(len(offsets) - 1):
            if any(c.isalnum() for c in clean[offsets[k][1]:offsets[k + 1][0]]):
                head_end = k + 1
                break
        else:
            return len(clean), len(clean)
    start = offsets[head_end - 1][1] if head_end > 0 else 0
    end = offsets[head_end][0] if head_end < len(offsets) else len(clean)
    return start, end


def _words(text: str, offsets, head_end: int | None = None) -> list[tuple[int, int, list[int]]]:
    """``(start, end, token indices)`` of each word that has tokens.

    Usually each token lies inside one unit of :func:`_units`. Not always:
    WordPiece reads "great😀" as one [UNK] covering both, so units that share a
    token become one word.
    """
    clean = strip_line_breaks(text)
    units = [(start, end) for _, start, end in _units(clean)]
    if not units:
        return []
    ends = [end for _, end in units]
    joined = [False] * len(units)            # joined[i]: units i and i + 1 are one word
    owner = []                               # the first unit of each token
    for start, end in offsets:
        end = max(end, start + 1)
        first = min(bisect_right(ends, start), len(units) - 1)
        last = first
        while last + 1 < len(units) and units[last + 1][0] < end:
            last += 1
        for i in range(first, last):
            joined[i] = True
        owner.append(first)

    groups: list[list] = []                  # [first unit, last unit, token indices]
    group_of = []
    for i in range(len(units)):
        if i == 0 or not joined[i - 1]:
            groups.append([i, i, []])
        groups[-1][1] = i
        group_of.append(len(groups) - 1)
    for k, unit in enumerate(owner):
        groups[group_of[unit]][2].append(k)

    # A word cut in two by head + tail truncation shows only the part that was read.
    gap_start, gap_end = _unread_gap(clean, offsets, head_end)
    words = []
    for first, last, tokens in groups:
        if not tokens:
            continue
        start, end = units[first][0], units[last][1]
        if start < gap_start < end:
            end = gap_start
        if start < gap_end < end:
            start = gap_end
        words.append((start, end, tokens))
    return words


def _kind(char: str) -> str:
    if char.isspace():
        return "space"
    if char.isalnum() or char == "_":
        return "letters"
    category = unicodedata.category(char)
    if category[0] == "M" or char == "\u200d":
        # Accents, variation selectors, zero-width joiners: part of what they follow.
        return "mark"
    return "punctuation" if category[0] == "P" else "symbols"


def _units(text: str) -> list[tuple[str, int, int]]:
    """``(kind, start, end)`` runs of letters, of punctuation or of symbols (emoji), in order."""
    units: list[list] = []
    for i, char in enumerate(text):
        kind = _kind(char)
        if kind == "space":
            continue
        previous = units[-1] if units and units[-1][2] == i else None
        if kind == "mark" and previous is not None:
            previous[2] = i + 1
            continue
        kind = "symbols" if kind == "mark" else kind
        if previous is not None and previous[0] == kind:
            previous[2] = i + 1
        elif (kind == "letters" and previous is not None and previous[2] - previous[1] == 1
              and text[previous[1]] in JOINERS and len(units) > 1 and units[-2][0] == "letters"
              and units[-2][2] == previous[1]):
            # letters, one joiner, letters: one word
            units.pop()
            units[-1][2] = i + 1
        else:
            units.append([kind, i, i + 1])
    return [tuple(u) for u in units]
