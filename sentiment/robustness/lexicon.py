"""A small hand-written opinion lexicon and the polarity of a stretch of text.

The error taxonomy needs to say whether a clause sounds positive or negative
without asking a model (a model's opinion would make the taxonomy circular).
The lists hold unambiguous opinion words only: words with common neutral uses
("well", "like", "fine", "funny", "moving", "plot") are left out, because one
stray hit decides the polarity of a short clause.
"""
from __future__ import annotations

import re

POSITIVE_WORDS = frozenset("""
    amazing awesome beautiful beautifully best brilliant brilliantly captivating charming classic
    compelling delight delightful enjoy enjoyable enjoyed enjoying excellent exceptional fantastic
    fascinating favorite favourite gem good gorgeous great greatest gripping hilarious impressive
    incredible love loved lovely loves masterpiece memorable outstanding perfect perfectly
    pleasant powerful recommend recommended refreshing remarkable satisfying splendid stunning
    superb terrific touching wonderful wonderfully worth
""".split())

NEGATIVE_WORDS = frozenset("""
    amateurish annoying avoid awful awfully bad badly bland bored boring cheesy clumsy crap
    disappointed disappointing disappointment dreadful dull fail failed fails failure flawed
    forgettable garbage hate hated horrible horribly idiotic inept junk lame laughable mediocre
    mess pathetic pointless poor poorly predictable ridiculous stupid sucked sucks tedious
    terrible terribly trash unfunny unwatchable waste wasted weak worse worst worthless
""".split())

# A negator flips the polarity of an opinion word up to NEGATION_SCOPE words after it
# ("not at all good" -> negative, "never boring" -> positive).
NEGATORS = frozenset("not no never nothing none nobody neither nor without hardly barely cannot".split())
NEGATION_SCOPE = 3
# The stems of "n't" contractions that are not the word itself: "can't" is "can" + "not", not "ca" + "not".
CONTRACTION_STEMS = {"ca": "can", "wo": "will", "sha": "shall"}

# Opposites for the edits a teacher tries (``edits.suggest_edits``: "great" -> "terrible"). Pairs of a
# positive and a negative word of the lists above, each used the same way in a sentence (adjective for
# adjective, verb form for verb form), so that the swap leaves the grammar alone; one partner per word,
# so the mapping is its own inverse. Words without a clean opposite ("worth", "classic") have none.
_OPPOSITE_PAIRS = (
    ("good", "bad"), ("great", "terrible"), ("best", "worst"), ("excellent", "awful"),
    ("wonderful", "horrible"), ("fantastic", "dreadful"), ("superb", "poor"), ("enjoyable", "tedious"),
    ("gripping", "boring"), ("compelling", "dull"), ("memorable", "forgettable"), ("perfect", "flawed"),
    ("hilarious", "unfunny"), ("impressive", "weak"), ("masterpiece", "mess"), ("love", "hate"),
    ("loved", "hated"),
)
OPPOSITES = {**dict(_OPPOSITE_PAIRS), **{negative: positive for positive, negative in _OPPOSITE_PAIRS}}

_WORD = re.compile(r"[a-z]+(?:'[a-z]+)?")


def words(text: str) -> list[str]:
    """Lower-case words; ``n't`` becomes the separate word ``not`` ("isn't" -> "is", "not")."""
    out = []
    for word in _WORD.findall(text.lower().replace("\u2019", "'")):
        if word.endswith("n't"):
            stem = word[:-3]
            out += [CONTRACTION_STEMS.get(stem, stem), "not"]
        else:
            out.append(word)
    return [w for w in out if w]


def is_negator(word: str) -> bool:
    """Whether ``word`` (lower case, as :func:`words` gives it) is one of ``NEGATORS``."""
    return word in NEGATORS


def opinion_score(text: str) -> int:
    """Positive minus negative opinion words, each flipped when a negator precedes it closely."""
    tokens = words(text)
    score = 0
    for i, word in enumerate(tokens):
        sign = 1 if word in POSITIVE_WORDS else -1 if word in NEGATIVE_WORDS else 0
        if sign and any(is_negator(w) for w in tokens[max(0, i - NEGATION_SCOPE):i]):
            sign = -sign
        score += sign
    return score


def polarity(text: str) -> int:
    """+1, -1 or 0 (no opinion words, or as many of each)."""
    score = opinion_score(text)
    return (score > 0) - (score < 0)


def has_opinion_word(text: str) -> bool:
    """Whether ``text`` holds a word of ``POSITIVE_WORDS`` or ``NEGATIVE_WORDS``."""
    return any(w in POSITIVE_WORDS or w in NEGATIVE_WORDS for w in words(text))
