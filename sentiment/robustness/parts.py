"""The parts of a review a teacher names, as character spans: the concession and the turn of a contrast,
negation cues, literal opinion words, and the words an edit changed.

Text analysis only, no model: ``explain.push`` sums word attributions over these spans. A span is a
``(start, end)`` pair of character offsets into the text, end exclusive.
"""
from __future__ import annotations

import difflib
import re

from .lexicon import NEGATIVE_WORDS, NEGATORS, POSITIVE_WORDS
from .taxonomy import contrast_turns

Span = tuple[int, int]

# Connectives that introduce the conceded part ("Although X, Y"; "Y, though X"); every other contrastive
# connective introduces the turn ("X, but Y"; "X; however, Y").
CONCEDING = frozenset({"although", "though", "whereas", "while", "even though"})
# "X. Still, Y": a sentence-initial "Still," turns like "but" (the taxonomy's connective list leaves
# "still" out, since mid-sentence it mostly means "yet, continuing": "still in love").
_SENTENCE_STILL = re.compile(r"(?:^|(?<=[.!?;])\s*)\b(Still),", re.IGNORECASE)
_SENTENCE_END = re.compile(r"[.!?]")
_WORD = re.compile(r"[A-Za-z]+(?:['\u2019][A-Za-z]+)?")


def _strip(text: str, start: int, end: int) -> Span | None:
    """``(start, end)`` narrowed to its first and last word character; None where it holds no word."""
    inside = [m.span() for m in _WORD.finditer(text, start, end)]
    return (inside[0][0], inside[-1][1]) if inside else None


def _quoted(text: str, position: int) -> bool:
    """Whether ``position`` lies inside double quotes: a quoted "but" is mentioned, not used."""
    return sum(text.count(q, 0, position) for q in ('"', "\u201c", "\u201d")) % 2 == 1


def contrast_split(text: str) -> tuple[Span, Span, str] | None:
    """The last contrast of ``text`` as ``(concession, turn, connective)``, or None when it has none.

    The connective is the last of ``sentiment.robustness.taxonomy.contrast_turns`` (which already leaves
    out "not only ... but", "but also", "nothing but", "yet another" and the like), or a sentence that
    opens with "Still,". For "but", "yet", "however", "nevertheless" ... the concession is all the text
    before the connective and the turn all the text after it. For a conceding connective (although,
    though, whereas, while): at the start of its sentence ("Although X, Y") the concession runs to the
    first comma and the turn from there to the end of the review; inside a sentence ("Y, although X") the
    concession runs from the connective to the end of its sentence and the turn is everything before it.
    Neither part includes the connective itself, and a connective inside double quotes is mentioned,
    not used, so it is skipped.
    """
    candidates = [(m.start(1), m.end(1), m.group(1).lower()) for m in contrast_turns(text)]
    candidates += [(m.start(1), m.end(1), "still") for m in _SENTENCE_STILL.finditer(text)]
    candidates = [c for c in candidates if not _quoted(text, c[0])]
    if not candidates:
        return None
    start, end, word = max(candidates)
    if word not in CONCEDING:
        concession, turn = _strip(text, 0, start), _strip(text, end, len(text))
    else:
        sentence_start = max(text.rfind(c, 0, start) for c in ".!?") + 1
        opens_sentence = not _WORD.search(text, sentence_start, start)
        sentence_end = _SENTENCE_END.search(text, end)
        stop = sentence_end.start() if sentence_end else len(text)
        comma = text.find(",", end, stop)
        if opens_sentence and comma != -1:
            concession, turn = _strip(text, end, comma), _strip(text, comma + 1, len(text))
        else:
            concession, turn = _strip(text, end, stop), _strip(text, 0, start)
    if concession is None or turn is None:
        return None
    return concession, turn, word


def word_spans(text: str) -> list[tuple[str, Span]]:
    """Every word of ``text`` (letters, with an inner apostrophe: "isn't") with its span, in order."""
    return [(m.group(0), m.span()) for m in _WORD.finditer(text)]


def negation_cues(text: str) -> list[Span]:
    """The spans of the lexicon's negators ("not", "never", "nothing", ...) and of words ending in "n't"."""
    return [span for word, span in word_spans(text)
            if word.lower() in NEGATORS or word.lower().replace("\u2019", "'").endswith("n't")]


def opinion_words(text: str) -> list[tuple[Span, int]]:
    """The spans of the lexicon's literal opinion words, each with its polarity as written (+1 or -1),
    whatever a negator or irony does to it in context."""
    out = []
    for word, span in word_spans(text):
        w = word.lower()
        if w in POSITIVE_WORDS or w in NEGATIVE_WORDS:
            out.append((span, 1 if w in POSITIVE_WORDS else -1))
    return out


def edited_words(original: str, edited: str) -> tuple[list[Span], list[Span]]:
    """The words an edit changed: spans in ``original`` (removed or replaced) and in ``edited`` (inserted
    or replacing), from a word-level diff that ignores case."""
    a, b = word_spans(original), word_spans(edited)
    matcher = difflib.SequenceMatcher(a=[w.lower() for w, _ in a], b=[w.lower() for w, _ in b], autojunk=False)
    removed, inserted = [], []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op != "equal":
            removed += [span for _, span in a[i1:i2]]
            inserted += [span for _, span in b[j1:j2]]
    return removed, inserted
