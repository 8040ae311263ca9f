"""What counts as review text, for the command line and the app alike.

One rule for everything a person types, pastes or sends through the API:
refused with a message when it cannot be a review (empty, huge, bytes that are
not text), accepted otherwise. Zero-width and direction marks (Unicode format
characters: U+200B, U+200E, U+202B, ...) are ordinary text in many languages
and in copied web pages, so they count as text, not as binary.
"""
from __future__ import annotations

import re
import unicodedata

from .errors import DataError

# IMDB reviews mark line breaks with HTML: <br />, <br/>, <BR>.
LINE_BREAK = re.compile(r"<br\s*/?>", re.IGNORECASE)

MAX_REVIEW_CHARS = 100_000  # ~15 times the longest IMDB review; a 1 MB paste is refused, not tokenised
# Above this share of [UNK] word pieces the model reads almost nothing it knows (emoji, other scripts,
# one 50,000-letter "word"): the verdict is shown, with a warning beside it.
UNKNOWN_WARNING_SHARE = 0.5
_BINARY_SHARE = 0.1  # share of control characters (whitespace aside) tolerated before text counts as binary


def check_text(text: str | None, what: str = "the review") -> str:
    """``text`` unchanged, or a DataError saying why it is not a review.

    Args:
        what: how the message names the text ("the review", "row 12").
    """
    if text is None or not str(text).strip():
        raise DataError(f"{what} is empty: give some review text.")
    if len(text) > MAX_REVIEW_CHARS:
        raise DataError(f"{what} is {len(text):,} characters long; reviews up to {MAX_REVIEW_CHARS:,} "
                        f"characters are accepted.")
    surrogate = next((i for i, c in enumerate(text) if "\ud800" <= c <= "\udfff"), None)
    if surrogate is not None:
        # Python's stand-ins for bytes that were not UTF-8 (a mis-encoded argument or file), or a lone
        # UTF-16 half sent through the API: no tokenizer can read them.
        raise DataError(f"{what} is not valid text: character {surrogate + 1:,} is a broken character "
                        f"(bytes that are not UTF-8, or half of a UTF-16 pair); send it as UTF-8.")
    controls = sum(unicodedata.category(c) == "Cc" and not c.isspace() for c in text)
    if "\x00" in text or controls > _BINARY_SHARE * len(text):
        raise DataError(f"{what} does not look like text (it contains binary or control characters).")
    return text


def unknown_share(tokenizer, input_ids: list[int]) -> float:
    """The share of ``input_ids``'s word pieces ([CLS] and [SEP] excluded) that are [UNK]."""
    content = [i for i in input_ids if i not in (tokenizer.cls_token_id, tokenizer.sep_token_id)]
    return sum(i == tokenizer.unk_token_id for i in content) / len(content) if content else 0.0


def unknown_warning(share: float) -> str | None:
    """A warning for a review the model mostly cannot read, or None."""
    if share <= UNKNOWN_WARNING_SHARE:
        return None
    return (f"Warning: the model knows almost none of this text ({share:.0%} of its word pieces are "
            f"unknown to its vocabulary, e.g. emoji or other scripts); the verdict says little.")


def check_column(reviews, where: str) -> None:
    """Every cell of ``reviews`` (a sequence of str, e.g. a CSV's review column) passes :func:`check_text`.

    Args:
        where: the file, for the message ("reviews.csv, row 12 is empty...").
    """
    for row, text in enumerate(reviews, start=1):
        check_text(text, f"{where}, row {row}")


def strip_line_breaks(text: str) -> str:
    """Replace HTML line breaks by spaces of the same length.

    Same-length replacement keeps character offsets valid, so explanations can
    point back into the text the user pasted; the tokenizer ignores the extra
    whitespace, so the model sees the same tokens as with a single space.
    """
    return LINE_BREAK.sub(lambda m: " " * len(m.group()), text)


def plural(n: int, noun: str, nouns: str | None = None) -> str:
    """``n`` and its noun as a message writes them: "1 row", "2 rows", "17,137 words"; ``nouns``: the
    plural where it is not ``noun`` + "s"."""
    return f"{n:,} {noun if n == 1 else nouns or noun + 's'}"
