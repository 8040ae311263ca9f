"""The minimal edits a teacher would try on one review, made by rule: what CheckList's perturbations and
LIT's counterfactual generators do, for this project's phenomena (negation, "X, but Y", the verdict at the
end, opinion words, names).

Text rules only, no model: ``webapp.contrast_tab`` scores the edits. The rules, in the order their edits come:

1. ``negation``: negate the verdict. The verdict sentence is the last sentence holding an opinion word of
   the lexicon or a negation cue (a review ends on its verdict, and what may follow it, "Seen at a
   festival." or "10/10.", holds neither), else the last sentence; where that sentence has a contrast, its
   turn is the verdict clause. A clause holding a negation loses its first cue ("cannot" -> "can", "isn't"
   -> "is", "not" and "never" dropped); one that cannot be undone ("no", "nothing", "without" ...) gives
   no edit, since a second negation would only stack. A clause without one gets "not" after its first
   auxiliary ("is" -> "is not", "can" -> "cannot", "it's" -> "it's not"), or "did/does/do not" before an
   opinion verb of the lexicon that follows a subject pronoun ("I loved it" -> "I did not love it").
2. ``swap_clauses``: swap the concession and the turn of the last sentence holding a contrast ("X, but Y"
   -> "Y, but X"; "Although X, Y" -> "Although Y, X"); a contrast across sentences ("X. Still, Y") is
   left alone.
3. ``drop_concession``: that sentence reduced to its turn.
4. ``drop_turn``: that sentence reduced to its concession.
5. ``drop_last_sentence``: the review without its last sentence, where it has two or more.
6. ``name`` and ``title``: people's names and quoted titles replaced by invented ones
   (``behaviour.NAMES``, ``behaviour.TITLES``). Controls: they should not move the verdict.
7. ``opposite_word``: one opinion word with an opposite (``lexicon.OPPOSITES``) replaced by it wherever it
   occurs, for the last ``MAX_OPPOSITE_WORDS`` distinct such words (the later, the nearer the verdict);
   ``opposite_words``: all of them at once.

Each rule gives at most one edit (the opposite words at most ``MAX_OPPOSITE_WORDS`` + 1); an edit that
leaves the text as it was, repeats an earlier one, or leaves a bracket or quotation open that the review
closed (``leaves_open``: the sentences were cut inside it), is dropped; at most ``MAX_EDITS`` are kept, in the
order above (the controls before the opinion words, so that a full list keeps them). Rules 1 to 4 pass
over a "sentence" longer than ``MAX_SENTENCE_CHARS`` (a paste without full stops): the contrast and
negation rules of ``parts`` take time quadratic in a sentence's connectives and cues. HTML line breaks
(``<br />``) are read as spaces and kept where the edit leaves them.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from ..text import check_text, strip_line_breaks
from .behaviour import NAMES, TITLES
from .lexicon import CONTRACTION_STEMS, NEGATIVE_WORDS, OPPOSITES, POSITIVE_WORDS, has_opinion_word
from .parts import Span, contrast_split, negation_cues, negation_scopes, opinion_words, sentences, word_spans

# Every rule applying at once gives 11 edits; a table of ten is read at a glance, and the one it loses is
# the last (all the opinion words at once).
MAX_EDITS = 10
MAX_OPPOSITE_WORDS = 3
# Ten times a long sentence of a review; a 100,000-character run-on sentence full of "but" would take
# over a minute in ``parts.contrast_split``, a thousand characters of them take milliseconds.
MAX_SENTENCE_CHARS = 1_000

# Auxiliaries that take "not" right after them ("was" -> "was not").
AUXILIARIES = frozenset("am is are was were can could will would shall should must may might".split())
# "is", "are", "am" contracted onto a pronoun: "not" follows the whole word ("it's" -> "it's not").
CONTRACTED_BE = frozenset("it's that's there's here's he's she's what's i'm you're we're they're".split())
# What a "n't" contraction leaves when its "n't" goes ("don't" -> "do"); "ain't" leaves no word and stays.
_UNNEGATED = AUXILIARIES | {"do", "does", "did", "have", "has", "had", "need"}
# The "do" an opinion verb takes when negated after a subject pronoun, by the verb's form.
_BASE_SUBJECTS = frozenset("i we you they".split())       # "I love" -> "I do not love"
_THIRD_PERSON = frozenset("he she it".split())            # "it fails" -> "it does not fail"
_SUBJECTS = _BASE_SUBJECTS | _THIRD_PERSON                # "I loved" -> "I did not love"
# Quotes and brackets that open a clause: they belong to it when it moves.
_OPENING = "\"'\u201c\u2018([<"
# Those that close what a clause opened, each with its opening one: they move with it too.
_CLOSING = {'"': '"', "\u201d": "\u201c", ")": "(", "]": "["}
# Words a title in title case leaves in lower case ("Gone with the Wind").
_TITLE_SMALL_WORDS = frozenset("a an and at by for from in of on or the to with".split())
_QUOTED = re.compile(r'"([^"\n]{1,80})"|\u201c([^\u201c\u201d\n]{1,80})\u201d')
_MAX_TITLE_WORDS = 8
_NAME_WORDS = (2, 3)  # a longer run of capitalised words is more likely a title or a heading
# A run of capitalised words right after a determiner or a possessive, one word between at most ("the
# Historical Society", "an annual Christmas Market", "my Santa Lucia Choir"), names a place, a group or
# a thing, not a person: replacing it by a person's name would break the sentence, not test the model.
_AFTER_DETERMINER = re.compile(r"\b(?:the|a|an|my|our|his|her|their|its|your|this|that|these|those)\s+"
                               r"(?:[\w'-]+\s+)?$", re.IGNORECASE)


@dataclass(frozen=True)
class Edit:
    """One suggested edit: ``kind`` a short machine name (``"swap_clauses"``), ``description`` what was
    done, in words ("swap the clauses around 'but'"), ``text`` the whole edited review."""

    kind: str
    description: str
    text: str


def suggest_edits(text: str) -> list[Edit]:
    """The edits of the module docstring's rules that change ``text``, without repeats, at most
    ``MAX_EDITS``; an empty list for a text none applies to (one with no words, say).

    Raises ``DataError`` for a text ``sentiment.text.check_text`` refuses (empty, over 100,000 characters,
    binary).
    """
    check_text(text)
    # Read with line breaks as spaces of the same length: offsets stay valid in ``text``, and "br" is
    # not taken for a word.
    plain = strip_line_breaks(text)
    candidates = [negated_verdict(text, plain), *contrast_edits(text, plain), without_last_sentence(text, plain),
                  changed_names(text, plain), changed_titles(text, plain), *opposite_edits(text, plain)]
    edits, seen = [], {text}
    closed = not leaves_open(text)
    for edit in candidates:
        # A sentence end found inside a quotation or brackets ("Wow!" in a quote, "Dr.") cuts there: an
        # edit that drops or moves from that point leaves open what the review closed.
        if edit is not None and edit.text not in seen and not (closed and leaves_open(edit.text)):
            edits.append(edit)
            seen.add(edit.text)
    return edits[:MAX_EDITS]


def leaves_open(text: str) -> bool:
    """Whether ``text`` leaves a bracket or a quotation open: a "(" or "[" without its closing one (or a
    closing one first), an odd number of straight double quotes, or unequal curly ones."""
    for opening, closing in ("()", "[]"):
        depth = 0
        for char in text:
            depth += (char == opening) - (char == closing)
            if depth < 0:
                return True
        if depth:
            return True
    return text.count('"') % 2 == 1 or text.count("\u201c") != text.count("\u201d")


# ---- where the verdict is ---------------------------------------------------------------------

def verdict_sentence(text: str) -> Span | None:
    """The last sentence holding an opinion word of the lexicon or a negation cue, else the last sentence;
    None for a text without words."""
    spans = sentences(text)
    for start, end in reversed(spans):
        if has_opinion_word(text[start:end]) or negation_cues(text[start:end]):
            return start, end
    return spans[-1] if spans else None


def sentence_contrast(text: str, sentence: Span) -> tuple[Span, Span, str] | None:
    """``parts.contrast_split`` of the one ``sentence`` (a span of ``text``), with spans into ``text``; None
    also for a sentence longer than ``MAX_SENTENCE_CHARS``."""
    start, end = sentence
    if end - start > MAX_SENTENCE_CHARS:
        return None
    split = contrast_split(text[start:end])
    if split is None:
        return None
    (a, b), (c, d), word = split
    return (start + a, start + b), (start + c, start + d), word


def last_contrast(text: str) -> tuple[Span, tuple[Span, Span, str]] | None:
    """The last sentence of ``text`` holding a contrast, and that contrast (``sentence_contrast``)."""
    for sentence in reversed(sentences(text)):
        split = sentence_contrast(text, sentence)
        if split:
            return sentence, split
    return None


# ---- 1. negation ------------------------------------------------------------------------------

def negated_verdict(text: str, plain: str) -> Edit | None:
    """Rule 1: the verdict clause of ``plain`` (``text`` with line breaks as spaces) with its negation
    undone, or negated; None where neither applies (or the sentence is longer than ``MAX_SENTENCE_CHARS``)."""
    sentence = verdict_sentence(plain)
    if sentence is None or sentence[1] - sentence[0] > MAX_SENTENCE_CHARS:
        return None
    split = sentence_contrast(plain, sentence)
    start, end = split[1] if split else sentence
    # The clause alone: a cue's scope ends inside it anyway, and a long review is not scanned once per cue.
    cues = negation_scopes(plain[start:end])
    if cues:
        (a, b), _ = cues[0]
        return _without_negation(text, plain, (start + a, start + b))
    return _with_negation(text, plain, (start, end))


def _without_negation(text: str, plain: str, cue: Span) -> Edit | None:
    """``text`` with the negation cue at ``cue`` undone; None for a cue with no plain opposite ("no")."""
    a, b = cue
    word = plain[a:b]
    lower = word.lower().replace("\u2019", "'")
    if lower in ("not", "never"):
        return Edit("negation", f"negate the verdict: drop '{word}'", _drop_word(text, plain, cue))
    positive = "can" if lower == "cannot" else CONTRACTION_STEMS.get(lower[:-3], lower[:-3])
    if not (lower == "cannot" or lower.endswith("n't") and positive in _UNNEGATED):
        return None
    positive = _same_case(word, positive)
    return Edit("negation", f"negate the verdict: '{word}' -> '{positive}'", text[:a] + positive + text[b:])


def _drop_word(text: str, plain: str, span: Span) -> str:
    """``text`` without the word at ``span`` and the space before it; a word opening its sentence takes
    the space after it instead, and the next word gets its capital ("Never dull." -> "Dull.")."""
    a, b = span
    before = len(plain[:a].rstrip())
    if before and plain[before - 1] not in ".!?":
        return text[:before] + text[b:]
    after = len(plain) - len(plain[b:].lstrip())
    rest = text[after:]
    if plain[a].isupper():
        rest = rest[:1].upper() + rest[1:]
    return text[:a] + rest


def _with_negation(text: str, plain: str, clause: Span) -> Edit | None:
    """``text`` with "not" put into the clause at ``clause``: after its first auxiliary that has none after
    it yet ("was not only funny" stays), or as "did/does/do not" before an opinion verb that follows a
    subject pronoun, whichever comes first; None for neither."""
    words = [(w, span) for w, span in word_spans(plain) if clause[0] <= span[0] and span[1] <= clause[1]]
    for i, (word, (a, b)) in enumerate(words):
        lower = word.lower().replace("\u2019", "'")
        if i + 1 < len(words) and words[i + 1][0].lower() == "not":
            continue
        if lower == "can":
            negated = _same_case(word, "cannot")
        elif lower in AUXILIARIES or lower in CONTRACTED_BE:
            negated = word + " " + _same_case(word, "not", initial=False)
        else:
            negated = _negated_verb(lower, words[i - 1][0].lower() if i else "")
            if negated is None:
                continue
        return Edit("negation", f"negate the verdict: '{word}' -> '{negated}'", text[:a] + negated + text[b:])
    return None


def _negated_verb(verb: str, subject: str) -> str | None:
    """"did not love" for ``verb`` "loved" after the pronoun ``subject`` (both lower case), "does not fail"
    for "fails" after he/she/it, "do not love" for "love" after I/we/you/they; None unless ``verb`` is an
    opinion word of the lexicon in one of these forms."""
    lexicon = POSITIVE_WORDS | NEGATIVE_WORDS
    if subject not in _SUBJECTS or verb not in lexicon:
        return None
    if verb.endswith("ed"):
        base = next((b for b in (verb[:-1], verb[:-2]) if b in lexicon), None)  # loved -> love, failed -> fail
        return f"did not {base}" if base else None
    if verb.endswith("s") and verb[:-1] in lexicon and subject in _THIRD_PERSON:
        return f"does not {verb[:-1]}"
    if subject in _BASE_SUBJECTS and not verb.endswith("s"):
        return f"do not {verb}"
    return None


def _same_case(model: str, word: str, initial: bool = True) -> str:
    """``word`` in the case of ``model``: all capitals for a capitalised word of two letters or more
    ("ISN'T" -> "IS"), a capital first letter for a capitalised one (only where ``initial``: "Is" -> "Is
    not", not "Is Not")."""
    if len(model) > 1 and model.isupper():
        return word.upper()
    return word[:1].upper() + word[1:] if initial and model[:1].isupper() else word


# ---- 2 to 4. the clauses of a contrast ---------------------------------------------------------

def contrast_edits(text: str, plain: str) -> list[Edit]:
    """Rules 2 to 4 on the last sentence of ``plain`` holding a contrast: its clauses swapped, its turn
    alone, its concession alone; none without a contrast."""
    found = last_contrast(plain)
    if found is None:
        return []
    (start, end), (concession, turn, word) = found
    # a clause's quotes and brackets move with it: the one opening it ("but 'Avatar' it is not") and the
    # one closing what it opened ('I liked "Up", but'), even past the sentence's end ('but I liked "Up".')
    concession, turn = (_with_closing(plain, _with_opening(plain, span, start)) for span in (concession, turn))
    end = max(end, concession[1], turn[1])
    first, second = sorted((concession, turn))
    swapped = (text[:first[0]] + _fitted(text, second, first[0] == start) + text[first[1]:second[0]]
               + _fitted(text, first, False) + text[second[1]:])
    return [Edit("swap_clauses", f"swap the clauses around '{word}'", swapped),
            Edit("drop_concession", f"keep only the turn of '{word}' (drop the concession)",
                 text[:start] + _fitted(text, turn, True) + text[end:]),
            Edit("drop_turn", f"keep only the concession of '{word}' (drop the turn)",
                 text[:start] + _fitted(text, concession, True) + text[end:])]


def _with_opening(plain: str, span: Span, sentence_start: int) -> Span:
    """``span`` of ``plain`` widened back over the quotes and brackets that open right before it (no space
    between), not past ``sentence_start``."""
    a, b = span
    while a > sentence_start and plain[a - 1] in _OPENING:
        a -= 1
    return a, b


def _with_closing(plain: str, span: Span) -> Span:
    """``span`` of ``plain`` widened forward over the double quotes and brackets right after it that close
    one it opened. (Single quotes are left: "it's" is no quotation.)"""
    a, b = span
    while b < len(plain) and plain[b] in _CLOSING and _leaves_open(plain[a:b], plain[b]):
        b += 1
    return a, b


def _leaves_open(clause: str, closing: str) -> bool:
    """Whether ``clause`` opened a quotation or bracket that ``closing`` (a character of ``_CLOSING``) closes."""
    if closing == '"':
        return clause.count('"') % 2 == 1
    opening = _CLOSING[closing]
    return clause.count(opening) > clause.count(closing)


def _fitted(text: str, span: Span, opens_sentence: bool) -> str:
    """The clause at ``span`` of ``text`` as it reads in its new place: with a capital where it opens the
    sentence, else with its first letter in lower case, unless its first word is "I", begins a name
    ("Tom Hanks": the next word has a capital too), has a capital inside ("O'Brien") or is in capitals
    ("DVD")."""
    clause = text[span[0]:span[1]]
    opening = clause[:len(clause) - len(clause.lstrip(_OPENING))]  # the case is the first letter's
    clause = clause[len(opening):]
    if "<" in opening:  # an HTML tag's name ("<b>the end</b>") is no word to put in capitals
        return opening + clause
    if opens_sentence:
        return opening + clause[:1].upper() + clause[1:]
    first, *rest = clause.split(maxsplit=2) or [""]
    keeps_capital = (first == "I" or first.startswith(("I'", "I\u2019")) or (len(first) > 1 and first.isupper())
                     or any(c.isupper() for c in first[1:])  # "O'Brien", "DiCaprio", "McQueen"
                     or (rest and rest[0][:1].isupper()))
    return opening + (clause if keeps_capital else clause[:1].lower() + clause[1:])


# ---- 5. the last sentence ---------------------------------------------------------------------

def without_last_sentence(text: str, plain: str) -> Edit | None:
    """Rule 5: ``text`` up to the end of its second-to-last sentence; None for fewer than two sentences."""
    spans = sentences(plain)
    if len(spans) < 2:
        return None
    return Edit("drop_last_sentence", "drop the last sentence", text[:len(plain[:spans[-1][0]].rstrip())])


# ---- 7. opinion words -------------------------------------------------------------------------

def opposite_edits(text: str, plain: str) -> list[Edit]:
    """Rule 7: for each of the last ``MAX_OPPOSITE_WORDS`` distinct opinion words with an opposite (later
    ones first), ``text`` with that word replaced by its opposite wherever it occurs; then all of them at
    once, where there are two or more."""
    by_word: dict[str, list[Span]] = {}
    for span, _ in reversed(opinion_words(plain)):
        word = plain[span[0]:span[1]].lower()
        if word in OPPOSITES:
            by_word.setdefault(word, []).append(span)
    edits = [Edit("opposite_word", f"replace '{word}' by its opposite '{OPPOSITES[word]}'",
                  _replaced(text, [(span, _opposite(plain, span)) for span in spans]))
             for word, spans in list(by_word.items())[:MAX_OPPOSITE_WORDS]]
    if len(by_word) > 1:
        pairs = ", ".join(f"{word} -> {OPPOSITES[word]}" for word in reversed(by_word))
        everywhere = [(span, _opposite(plain, span)) for spans in by_word.values() for span in spans]
        edits.append(Edit("opposite_words", f"replace every opinion word by its opposite ({pairs})",
                          _replaced(text, everywhere)))
    return edits


def _opposite(plain: str, span: Span) -> str:
    word = plain[span[0]:span[1]]
    return _same_case(word, OPPOSITES[word.lower()])


def _replaced(text: str, replacements: list[tuple[Span, str]]) -> str:
    """``text`` with each span replaced by its new words, and an "a"/"an" right before a replaced word
    fitted to it ("an excellent" -> "an awful", "a great" -> "a terrible"); spans do not overlap."""
    out, last = [], 0
    for (a, b), new in sorted(replacements):
        window = max(last, a - 4)
        article = re.search(r"\b(an?)(\s+)$", text[window:a], re.IGNORECASE)
        # the window's start reads as a word boundary: "Kan  great" holds no article "an"
        if article and window + article.start(1) > 0 and text[window + article.start(1) - 1].isalnum():
            article = None
        if article:
            a = a - len(article.group(0))
            fitted = "an" if new[:1].lower() in "aeiou" else "a"
            new = _same_case(article.group(1), fitted) + article.group(2) + new
        out += [text[last:a], new]
        last = b
    return "".join(out) + text[last:]


# ---- 6. names and titles (controls) -----------------------------------------------------------

def quoted_titles(text: str) -> list[tuple[Span, str]]:
    """Quoted titles: the span of each double-quoted stretch of at most 8 words in title case (each word
    capitalised or a digit, short words such as "of", "the" aside), with no sentence punctuation at its
    end (a quoted remark is no title), and the title without its quotes."""
    found = []
    for match in _QUOTED.finditer(text):
        inner = (match.group(1) or match.group(2)).strip()
        words = inner.split()
        if (inner and not inner.endswith((".", "!", "?", ",")) and len(words) <= _MAX_TITLE_WORDS
                and inner[0].isupper() and all(w[:1].isupper() or w[:1].isdigit() or w in _TITLE_SMALL_WORDS
                                               for w in words)):
            found.append((match.span(), inner))
    return found


def _after_determiner(text: str, start: int) -> bool:
    """Whether the two words before ``start`` hold a determiner or possessive (``_AFTER_DETERMINER``). Only
    the last few dozen characters are searched: the whole text before every run would take time quadratic
    in a long paste full of names."""
    return bool(_AFTER_DETERMINER.search(text[max(0, start - 80):start]))


def person_names(text: str) -> list[tuple[Span, str]]:
    """Runs of two or three capitalised words ("Tom Hanks", "Mary Ann Smith") separated by single spaces,
    outside quoted titles and not right after a determiner or possessive (``_AFTER_DETERMINER``). A
    sentence's first word is capitalised anyway, so it never starts a name ("Tom Hanks is ..." at the start
    of a sentence is missed); "I" and words in capitals are no name."""
    starts = {start for start, _ in sentences(text)}
    # The titles blanked out (same length, offsets kept): their words are no names.
    untitled = _replaced_whole(text, [((a, b), " " * (b - a)) for (a, b), _ in quoted_titles(text)])
    runs, run = [], []
    for word, span in word_spans(untitled):
        capitalised = (word[:1].isupper() and any(c.islower() for c in word[1:])
                       and not word.startswith(("I'", "I\u2019")) and span[0] not in starts)
        if capitalised:
            if run and text[run[-1][1][1]:span[0]] != " ":
                runs.append(run)
                run = []
            run.append((word, span))
        elif run:
            runs.append(run)
            run = []
    runs.append(run)
    return [((r[0][1][0], r[-1][1][1]), " ".join(w for w, _ in r)) for r in runs
            if _NAME_WORDS[0] <= len(r) <= _NAME_WORDS[1] and not _after_determiner(text, r[0][1][0])]


def changed_names(text: str, plain: str) -> Edit | None:
    """Rule 6: every name of ``person_names`` replaced by an invented one, the same name by the same one."""
    found = person_names(plain)
    mapping = _stand_ins([name for _, name in found], NAMES, plain)
    if not mapping:
        return None
    shown = ", ".join(f"{old} -> {new}" for old, new in mapping.items())
    return Edit("name", f"change the names ({shown}): a control, it should not matter",
                _replaced_whole(text, [(span, mapping[name]) for span, name in found]))


def changed_titles(text: str, plain: str) -> Edit | None:
    """Rule 6: every quoted title of ``quoted_titles`` replaced by an invented one, quotes kept."""
    found = quoted_titles(plain)
    mapping = _stand_ins([title for _, title in found], TITLES, plain)
    if not mapping:
        return None
    shown = ", ".join(f'"{old}" -> "{new}"' for old, new in mapping.items())
    replacements = [((a, b), text[a:b].replace(title, mapping[title])) for (a, b), title in found]
    return Edit("title", f"change the titles ({shown}): a control, it should not matter",
                _replaced_whole(text, replacements))


def _stand_ins(found: list[str], pool: tuple[str, ...], text: str) -> dict[str, str]:
    """``{name: stand-in}`` for each distinct name of ``found``, in order: the entries of ``pool`` that
    ``text`` does not hold, taken in turn (again from the first where there are more names than them)."""
    spare = [p for p in pool if p not in text]
    distinct = list(dict.fromkeys(found))
    return {name: spare[i % len(spare)] for i, name in enumerate(distinct)} if spare else {}


def _replaced_whole(text: str, replacements: list[tuple[Span, str]]) -> str:
    """``text`` with each span replaced, as written (no article fitted: a name or a title has none)."""
    out, last = [], 0
    for (a, b), new in sorted(replacements):
        out += [text[last:a], new]
        last = b
    return "".join(out) + text[last:]
