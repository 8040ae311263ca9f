"""The parts of a review a teacher names, as character spans: sentences, the concession and the turn of a
contrast, negation cues and their scope, literal opinion words, and the words an edit changed.

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


# A sentence ends at a run of . ! ? followed by a space or the end of the text ("3.5 stars" goes on).
_SENTENCE_BREAK = re.compile(r"[.!?]+(?=\s|$)")
# A negation's scope stops at punctuation inside a sentence too.
_CLAUSE_BREAK = re.compile(r"[,;:.!?()\[\]\"\u201c\u201d]")
# "not only / not just / not merely X but (also) Y" adds, it does not negate.
_ADDITIVE_NOT = re.compile(r"\s+(?:only|just|merely)\b", re.IGNORECASE)


def sentences(text: str) -> list[Span]:
    """The sentences of ``text`` holding at least one word, as spans from their first to last word."""
    out, start = [], 0
    for match in _SENTENCE_BREAK.finditer(text):
        span = _strip(text, start, match.end())
        if span:
            out.append(span)
        start = match.end()
    span = _strip(text, start, len(text))
    return out + [span] if span else out


def negation_scopes(text: str) -> list[tuple[Span, Span | None]]:
    """Each negation cue (``negation_cues``) with its scope: the words after it up to the next punctuation
    mark, contrast connective or negation cue ("not boring, but" -> "boring"; "isn't anywhere near his
    best work" -> "anywhere near his best work"); None where no word follows before such a boundary.
    "Not only ... but also" is no negation and is left out."""
    cues = [(a, b) for a, b in negation_cues(text)
            if not (text[a:b].lower() == "not" and _ADDITIVE_NOT.match(text, b))]
    stops = [m.start(1) for m in contrast_turns(text)] + [a for a, _ in cues]
    out = []
    for start, end in cues:
        clause = _CLAUSE_BREAK.search(text, end)
        stop = min([clause.start() if clause else len(text)] + [s for s in stops if s >= end])
        out.append(((start, end), _strip(text, end, stop)))
    return out


def review_parts(text: str) -> dict[str, list[Span]]:
    """The parts of one review a pattern is summed over, by kind (a kind the text lacks is left out).

    - ``turn`` and ``concession``: the last contrast (``contrast_split``);
    - without a contrast, in a review of two sentences or more: ``last_sentence`` (where a verdict
      usually sits) and ``set_up`` (every sentence before it);
    - ``negation_cue`` (every cue) and ``negated`` (their scopes, ``negation_scopes``);
    - ``literal_opinion``: the lexicon's opinion words, whatever their context does to them.
    """
    parts: dict[str, list[Span]] = {}
    split = contrast_split(text)
    if split:
        parts["concession"], parts["turn"] = [split[0]], [split[1]]
    else:
        spans = sentences(text)
        if len(spans) >= 2:
            parts["set_up"], parts["last_sentence"] = spans[:-1], [spans[-1]]
    scopes = negation_scopes(text)
    if scopes:
        parts["negation_cue"] = [cue for cue, _ in scopes]
        negated = [scope for _, scope in scopes if scope]
        if negated:
            parts["negated"] = negated
    opinions = [span for span, _ in opinion_words(text)]
    if opinions:
        parts["literal_opinion"] = opinions
    return parts


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
