"""The error taxonomy: test reviews tagged by observable heuristics, and each tag's lift.

Every tagger is a pure function of the review text (or its id, or its token
count) with the rule written in its docstring, so that "contrasts cause errors"
becomes a measured ratio: the error rate of reviews that carry a tag against
the error rate of those that do not. The heuristics are deliberately simple and
never consult a model; they are signals of a kind of review, not verdicts on
it, and a tag's lift says how much more often a model errs where it fires.

Thresholds were fixed on the IMDB *train* split (see each constant), never on
the test split that the lifts are measured on.
"""
from __future__ import annotations

import re

import numpy as np
import pandas as pd

from .lexicon import has_opinion_word, is_negator, polarity, words
from ..study import rating_from_id
from ..tokenization import content_tokens

# ---- contrast ---------------------------------------------------------------------------------

CONNECTIVES = ("but", "however", "yet", "although", "though", "even so", "nevertheless", "nonetheless",
               "whereas", "on the other hand")
_CONNECTIVE = re.compile(r"\b(" + "|".join(c.replace(" ", r"\s+") for c in CONNECTIVES) + r")\b", re.IGNORECASE)
# Uses of the connectives that add rather than oppose ("not only good but also moving"),
# mean "except" ("nothing but", "all but") or are no contrast at all ("yet another", "as though").
_NOT_A_CONTRAST_AFTER = {
    "but": re.compile(r"\s*(also|too|not\s+least)\b", re.IGNORECASE),  # used with .match
    "yet": re.compile(r"\s*(another|to|again|more)\b", re.IGNORECASE),
}
_NOT_A_CONTRAST_BEFORE = {
    "but": re.compile(r"\b(nothing|anything|all|everything|everyone|everybody|none|help|last)\s*$", re.IGNORECASE),
    "yet": re.compile(r"\b(not|as)\s*$", re.IGNORECASE),
    "though": re.compile(r"\bas\s*$", re.IGNORECASE),
}
_NOT_ONLY = re.compile(r"\bnot\s+(only|just|merely|simply)\b", re.IGNORECASE)
_SENTENCE_END = re.compile(r"[.!?]+")
_LETTER = re.compile(r"[a-z]", re.IGNORECASE)


def contrast_turns(text: str) -> list[re.Match]:
    """The contrastive uses of the connectives in ``CONNECTIVES``, in order.

    Left out: "not only / not just ... but" in the same sentence; "but also",
    "but too", "but not least"; "nothing / anything / all / everything /
    everyone / none / cannot help / last but"; "yet another / yet to / yet
    again / yet more", "not yet", "as yet"; "as though"; and a connective with
    no word after it in its sentence ("Fun, though.").
    """
    turns = []
    for match in _CONNECTIVE.finditer(text):
        start, end = match.span()
        sentence_start = max(text.rfind(".", 0, start), text.rfind("!", 0, start), text.rfind("?", 0, start)) + 1
        sentence_end = _SENTENCE_END.search(text, end)
        word = match.group(1).lower()
        if not _LETTER.search(text, end, sentence_end.start() if sentence_end else len(text)):
            continue
        if word in _NOT_A_CONTRAST_AFTER and _NOT_A_CONTRAST_AFTER[word].match(text, end):
            continue
        # the word before the connective: a short look back is enough
        if word in _NOT_A_CONTRAST_BEFORE and _NOT_A_CONTRAST_BEFORE[word].search(text[max(0, start - 30):start]):
            continue
        if word == "but" and _NOT_ONLY.search(text, sentence_start, start):
            continue
        turns.append(match)
    return turns


def contrast_reversal(text: str) -> bool:
    """A contrast connective after which the review's polarity reverses.

    Rule: take the last contrastive connective (but, however, yet, although,
    though, even so, nevertheless, nonetheless, whereas, on the other hand;
    not in "not only ... but", "but also", "nothing but", "yet another", "as
    though" and the like: ``contrast_turns``); the text before it and the text
    after it (to the end of the review) each get the polarity of the opinion
    lexicon (positive minus negative words, a word with a negator such as
    "not" or "never" up to three words before it counting for the other
    side). Tagged when both are
    non-zero and opposite: "a technical marvel, but ... cannot be taken
    seriously".
    """
    turns = contrast_turns(text)
    if not turns:
        return False
    last = turns[-1]
    return polarity(text[:last.start()]) * polarity(text[last.end():]) == -1


# ---- negation ---------------------------------------------------------------------------------

# Negators (lexicon.NEGATORS, with "n't" counted as "not") per 100 words. About a fifth of the
# IMDB train reviews reach it (the train split's 80th percentile, 2.5, rounded).
NEGATION_DENSITY = 2.5
NEGATION_MIN_WORDS = 10  # below this a single "not" would be a density of 10+


def negation_density(text: str) -> float:
    """Negators per 100 words."""
    tokens = words(text)
    return 100.0 * sum(map(is_negator, tokens)) / max(len(tokens), 1)


def negation_dense(text: str) -> bool:
    """At least ``NEGATION_DENSITY`` negators per 100 words (and at least ``NEGATION_MIN_WORDS`` words)."""
    return len(words(text)) >= NEGATION_MIN_WORDS and negation_density(text) >= NEGATION_DENSITY


# ---- star rating ------------------------------------------------------------------------------

BORDERLINE_RATINGS = (4, 7)  # the mildest ratings IMDB's labels keep: negative <= 4, positive >= 7
EXTREME_RATINGS = (1, 2, 9, 10)


def borderline_rating(review_id: str) -> bool:
    """Rated 4 or 7 stars: the reviewer's own verdict was lukewarm."""
    return rating_from_id(review_id) in BORDERLINE_RATINGS


def extreme_rating(review_id: str) -> bool:
    """Rated 1-2 or 9-10 stars: the comparison group for ``borderline_rating``."""
    return rating_from_id(review_id) in EXTREME_RATINGS


# ---- length -----------------------------------------------------------------------------------

def beyond_max_length(n_tokens: int, max_length: int) -> bool:
    """More content tokens than the model reads (``max_length`` less [CLS] and [SEP]): its middle is cut."""
    return n_tokens > max_length - 2


# ---- irony ------------------------------------------------------------------------------------

_GAP = r"[^.!?]{0,80}?"
IRONY_PATTERNS = {
    "glad ... for one reason": rf"\bglad\b{_GAP}\bfor (only )?one reason\b",
    "the best part was the end": (rf"\b(best|only good|most exciting|most enjoyable) "
                                  rf"(thing|part|moment|scene)s?\b{_GAP}\b(credits|when it (was over|ended)|"
                                  rf"that it (was over|ended|ends))\b"),
    "what a great way to waste": r"\bwhat an? (great|wonderful|brilliant|fantastic|perfect|fine) way to waste\b",
    "oh great / yeah right": r"(^|[.!?]\s*)(oh,? (great|joy|goody|wonderful|brilliant)|yeah,? right)\b",
    "if you enjoy <pain>, you'll love it": (rf"\bif you (like|enjoy|love)\b{_GAP}\b(wasting|waste|boredom|"
                                            rf"torture|pain|paint dry|sleep|root canal)"),
    "so bad it's good": r"\bso bad (that )?(it'?s|it is|it was) (good|funny|hilarious)\b",
    "scare-quoted praise": r"[\"\u201c](masterpiece|genius|acting|talent|comedy|thriller|plot|script|story|"
                           r"actors?|film|movie|classic|scary|funny|horror)[\"\u201d]",
}
_IRONY = {name: re.compile(pattern, re.IGNORECASE) for name, pattern in IRONY_PATTERNS.items()}


def irony_cues(text: str) -> list[str]:
    """Names of the ``IRONY_PATTERNS`` the text matches."""
    return [name for name, pattern in _IRONY.items() if pattern.search(text)]


def irony_cue(text: str) -> bool:
    """Matches one of the ``IRONY_PATTERNS``: set phrases of sarcasm ("glad I rented it for one
    reason", "the best part was the end credits", "what a great way to waste", "oh great",
    "if you enjoy watching paint dry, you'll love it", "so bad it's good"), or a word such as
    acting, plot, comedy or masterpiece in scare quotes (the "acting"). Sarcasm without a set
    phrase goes unseen."""
    return bool(irony_cues(text))


# ---- plot summary -----------------------------------------------------------------------------

_SENTENCE = re.compile(r"(?<=[.!?])\s+")
PERSONAL = frozenset("i i'm i've i'd i'll me my myself we us our you your".split())
# Share of sentences that neither hold an opinion word nor speak in the first or second person:
# three quarters. About one train review in fifteen (7%) reaches it with five sentences or more.
PLOT_SHARE = 0.75
PLOT_MIN_SENTENCES = 5


def _sentences(text: str) -> list[str]:
    return [s for s in _SENTENCE.split(text.strip()) if _LETTER.search(s)]


def narrative_share(text: str) -> float:
    """Share of sentences with no opinion word and no I/me/my/we/you."""
    sentences = _sentences(text)
    if not sentences:
        return 0.0
    narrative = [s for s in sentences if not has_opinion_word(s) and not PERSONAL.intersection(words(s))]
    return len(narrative) / len(sentences)


def mostly_plot_summary(text: str) -> bool:
    """At least ``PLOT_MIN_SENTENCES`` sentences, and at least ``PLOT_SHARE`` of them narrate:
    no opinion word from the lexicon and no first- or second-person pronoun."""
    return len(_sentences(text)) >= PLOT_MIN_SENTENCES and narrative_share(text) >= PLOT_SHARE


# ---- tagging and lift -------------------------------------------------------------------------

TEXT_TAGGERS = {
    "contrast_reversal": contrast_reversal,
    "negation_dense": negation_dense,
    "irony_cue": irony_cue,
    "mostly_plot_summary": mostly_plot_summary,
}
ID_TAGGERS = {"borderline_rating": borderline_rating, "extreme_rating": extreme_rating}
TAGS = (*TEXT_TAGGERS, *ID_TAGGERS, "beyond_max_length")
_THRESHOLDS = {"``NEGATION_DENSITY``": f"{NEGATION_DENSITY}", "``NEGATION_MIN_WORDS``": f"{NEGATION_MIN_WORDS}",
               "``PLOT_MIN_SENTENCES``": f"{PLOT_MIN_SENTENCES}", "``PLOT_SHARE``": f"{PLOT_SHARE}"}


def _rule(function) -> str:
    """A tagger's docstring on one line, its thresholds written out (what the saved report shows)."""
    text = " ".join((function.__doc__ or "").split())
    for name, value in _THRESHOLDS.items():
        text = text.replace(name, value)
    # reST's ``code`` marks are for the docstring's readers; the app and the JSON show plain text
    return text.replace("``", "")


TAG_RULES = {name: _rule(function) for name, function in
             {**TEXT_TAGGERS, **ID_TAGGERS, "beyond_max_length": beyond_max_length}.items()}


def token_counts(tokenizer, texts: list[str], batch_size: int = 1000) -> np.ndarray:
    """Content tokens of each text (no special tokens, no truncation), tokenised ``batch_size`` at a time."""
    counts = []
    for start in range(0, len(texts), batch_size):
        encoded = content_tokens(tokenizer, texts[start:start + batch_size])["input_ids"]
        counts += [len(ids) for ids in encoded]
    return np.asarray(counts, dtype=np.int64)


def tag_reviews(frame: pd.DataFrame, max_length: int, tokenizer) -> pd.DataFrame:
    """One boolean column per tag in ``TAGS``, one row per review, indexed by id.

    ``frame`` has ``id`` and ``review``; ``max_length`` is the checkpoint's
    (tokens it reads, specials included); ``tokenizer`` the checkpoint's, for
    counting the tokens of each review.
    """
    texts = frame["review"].astype(str).tolist()
    tags = pd.DataFrame(index=pd.Index(frame["id"].astype(str), name="id"))
    for name, tagger in TEXT_TAGGERS.items():
        tags[name] = [tagger(t) for t in texts]
    for name, tagger in ID_TAGGERS.items():
        tags[name] = [tagger(i) for i in tags.index]
    tags["beyond_max_length"] = [beyond_max_length(n, max_length) for n in token_counts(tokenizer, texts)]
    return tags


def _rate_ratio(errors_with: int, n_with: int, errors_without: int, n_without: int) -> float:
    """Error rate with the tag / without it; NaN when one side is empty or error-free without."""
    if not n_with or not n_without or not errors_without:
        return float("nan")
    return (errors_with / n_with) / (errors_without / n_without)


def mantel_haenszel_ratio(strata: list[tuple[int, int, int, int]]) -> float:
    """The Mantel-Haenszel pooled ratio of error rates over strata (the true classes here).

    Args:
        strata: per stratum ``(errors_with, n_with, errors_without, n_without)``.

    Returns sum_k(a_k * n0_k / N_k) / sum_k(b_k * n1_k / N_k), with a, b the errors with and without the
    tag, n1, n0 the reviews with and without it and N = n1 + n0: a lift that compares reviews of the same
    class only, so a tag found mostly on the harder class does not look harmful for that reason alone.
    NaN where the denominator is 0.
    """
    top = bottom = 0.0
    for errors_with, n_with, errors_without, n_without in strata:
        total = n_with + n_without
        if total:
            top += errors_with * n_without / total
            bottom += errors_without * n_with / total
    return top / bottom if bottom else float("nan")


def tag_lift(tags: pd.DataFrame, wrong: pd.Series, confidence: pd.Series | None = None,
             examples: int = 5, classes: pd.Series | None = None) -> pd.DataFrame:
    """Per tag: how many reviews carry it, the error rate with and without it, and their ratio.

    ``tags``: boolean columns, one row per review; ``wrong``: True where the
    model erred, same index. ``confidence`` (same index), when given, orders
    the example mistakes surest first; otherwise they keep the table's order.
    ``lift`` is error rate with / error rate without: 2.0 means reviews with the
    tag are misread twice as often; NaN when one side is empty or error-free.

    ``classes`` (same index), when given, is each review's true class: the lift
    is then also computed within each class (``lift_by_class``: class -> lift)
    and pooled over them (``lift_within_class``, ``mantel_haenszel_ratio``),
    which is what a tag does to reviews of the same class: the crude lift mixes
    in how hard the classes the tag is found on are.

    Returns one row per tag: ``n_with``, ``n_without``, ``errors_with``,
    ``errors_without``, ``error_rate_with``, ``error_rate_without``, ``lift``,
    ``examples`` (ids of up to ``examples`` mistakes that carry the tag), and
    with ``classes`` ``lift_by_class`` and ``lift_within_class``.
    """
    wrong = wrong.reindex(tags.index).astype(bool)
    order = tags.index if confidence is None else \
        confidence.reindex(tags.index).sort_values(ascending=False, kind="stable").index
    rows = []
    for name in tags.columns:
        has = tags[name].astype(bool)
        n_with, n_without = int(has.sum()), int((~has).sum())
        errors_with, errors_without = int((wrong & has).sum()), int((wrong & ~has).sum())
        rate_with = errors_with / n_with if n_with else float("nan")
        rate_without = errors_without / n_without if n_without else float("nan")
        lift = _rate_ratio(errors_with, n_with, errors_without, n_without)
        hits = (wrong & has).reindex(order)
        row = {"tag": name, "n_with": n_with, "n_without": n_without, "errors_with": errors_with,
               "errors_without": errors_without, "error_rate_with": rate_with,
               "error_rate_without": rate_without, "lift": lift, "examples": list(hits[hits].index[:examples])}
        if classes is not None:
            strata = {}
            for label, in_class in classes.reindex(tags.index).groupby(classes.reindex(tags.index)):
                member = tags.index.isin(in_class.index)
                strata[label] = (int((wrong & has & member).sum()), int((has & member).sum()),
                                 int((wrong & ~has & member).sum()), int((~has & member).sum()))
            row["lift_by_class"] = {label: _rate_ratio(*counts) for label, counts in strata.items()}
            row["lift_within_class"] = mantel_haenszel_ratio(list(strata.values()))
        rows.append(row)
    return pd.DataFrame(rows).set_index("tag")
