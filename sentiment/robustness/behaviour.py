"""Behavioural tests in the spirit of CheckList (Ribeiro et al., ACL 2020).

Short reviews generated from the project's own templates and word lists, one
set per capability, labelled by construction. Three kinds of test:

- ``MFT`` (minimum functionality): the text has a known label; a failure is a
  prediction of the other label.
- ``INV`` (invariance): a change that must not matter (a name, a title,
  punctuation); a failure is a predicted label that differs from the
  original's.
- ``DIR`` (directional): a clearly positive or negative sentence is added; a
  failure is P(positive) moving the wrong way by more than ``DIR_TOLERANCE``.

The word lists hold unambiguous words only, so that the label of every case
follows from its template. Left out on purpose, because a reader could take
them either way: a bare "not bad" or "not awful" (lukewarm, not praise; the
negated-negative cases say "not boring at all", "not a single dull moment"),
"not perfect" and "not brilliant" (faint praise), and hedges such as "slightly"
or "a bit" in front of praise ("slightly enjoyable" damns).

Generation is deterministic: fixed lists, full template products, then a
sample drawn with ``random.Random(SEED)``; ``VERSION`` changes whenever a list
or template does, so saved reports say which case set they scored.
"""
from __future__ import annotations

import itertools
import random
from dataclasses import asdict, dataclass
from typing import Mapping

import pandas as pd

from ..labels import predicted_class, predicted_label

SEED = 0
VERSION = 1
CASES_PER_CAPABILITY = 150
# A DIR case fails when P(positive) moves the wrong way by more than this; smaller moves are
# within the noise of a saturated prediction (0.991 -> 0.989 after a glowing sentence).
DIR_TOLERANCE = 0.05

CAPABILITIES = {
    "negated_positive": ("MFT", "negation of a positive phrase is negative: 'This movie was not good.'"),
    "negated_negative": ("MFT", "negation of a negative phrase is positive: 'There is not a single dull "
                                "moment in this film.'"),
    "contrast_but": ("MFT", "'X, but Y': the clause after the contrast decides, X has the opposite "
                            "polarity: 'The acting was superb, but overall the movie was a boring mess.'"),
    "irony": ("MFT", "irony and sarcasm cues: 'I'm glad I rented this movie for one reason: it finally "
                     "ended.' (negative); 'My only complaint is that it had to end.' (positive)"),
    "intensifiers_hedges": ("MFT", "an intensifier or hedge keeps the polarity: 'extremely dull', "
                                   "'fairly good', 'somewhat boring'"),
    "invariance": ("INV", "changing a name, a title or punctuation must not flip the prediction"),
    "added_sentence": ("DIR", "adding a clearly negative (positive) sentence must not raise (lower) "
                              "P(positive)"),
}


@dataclass(frozen=True)
class Case:
    """One generated test.

    ``expected``: the label for MFT, ``"up"``/``"down"`` (the way P(positive)
    must move) for DIR, None for INV. ``original``: the unchanged text INV and
    DIR cases are compared with. ``template``: which template or change made it.
    """

    capability: str
    test_type: str
    text: str
    expected: str | None
    original: str | None = None
    template: str = ""


# ---- word lists (sorted; see the module docstring for what is left out and why) ---------------

SUBJECTS = ("the acting", "the plot", "the script", "the story", "this film", "this movie")
FILMS = ("this film", "this movie", "this picture")
# Negated, each is plainly negative.
NEGATABLE_POSITIVE = ("engaging", "enjoyable", "entertaining", "good", "great", "impressive", "interesting",
                      "memorable")
# Negated with "at all", each is praise; "bad" only with "at all" ("not bad at all").
NEGATABLE_NEGATIVE = ("bad", "boring", "disappointing", "dull", "predictable", "tedious")
NEVER_NEGATIVE = ("boring", "disappointing", "dull", "predictable", "tedious")
DULL_MOMENT = ("boring", "dull", "tedious", "wasted")

ASPECTS = (("the acting", "was"), ("the cast", "was"), ("the cinematography", "was"), ("the costumes", "were"),
           ("the dialogue", "was"), ("the first half", "was"), ("the music", "was"), ("the script", "was"),
           ("the soundtrack", "was"), ("the special effects", "were"))
ASPECT_POSITIVE = ("beautiful", "excellent", "great", "superb", "wonderful")
ASPECT_NEGATIVE = ("awful", "clumsy", "poor", "terrible", "weak")
VERDICT_POSITIVE = ("I highly recommend the film", "I enjoyed every minute of it",
                    "overall I loved this movie", "overall it is a wonderful film",
                    "the film as a whole is a delight")
VERDICT_NEGATIVE = ("I hated every minute of it", "overall it is a terrible film",
                    "overall the movie was a boring mess", "the film as a whole is a waste of time",
                    "the movie itself is dull and pointless")
CONTRASTS = ("{X} {be} {a}, but {y}.", "{X} {be} {a}, yet {y}.", "{X} {be} {a}. Still, {y}.",
             "{X} {be} {a}; however, {y}.", "Although {x} {be} {a}, {y}.", "Sure, {x} {be} {a}, but {y}.")
# The harder shape: two parts praised (or panned), then a short verdict on the film as a whole,
# which is the review's bottom line.
FILM_VERDICT_POSITIVE = ("is a delight", "is a joy to watch", "is wonderful", "works beautifully")
FILM_VERDICT_NEGATIVE = ("is a bore", "is a mess", "is dull", "is a waste of time")
TWO_PART_CONTRASTS = ("{X} {be} {a} and {x2} {be2} {a2}, but the film {v}.",
                      "{X} {be} {a} and {x2} {be2} {a2}, yet the film {v}.",
                      "{X} {be} {a} and {x2} {be2} {a2}; however, the film {v}.",
                      "Although {x} {be} {a} and {x2} {be2} {a2}, the film {v}.")

GLAD_VERBS = ("rented", "saw", "watched")
GLAD_REASONS = ("it cured my insomnia", "it finally ended", "it made every other film look good",
                "it taught me to read the reviews first", "now I know what to avoid",
                "the end credits were short")
BEST_PART = ("that it finally ended", "the end credits", "the exit sign", "the moment it was over",
             "the popcorn")
WASTE_PRAISE = ("brilliant", "fantastic", "great", "lovely", "wonderful")
WASTED = ("a perfectly good evening", "my money", "two hours")
PAINS = ("being bored to tears", "staring at a blank wall", "wasting your money", "watching paint dry")
GENRES = ("comedy", "drama", "movie", "romance", "thriller")
MOCK_PRAISE = ("Brilliant", "Fantastic", "Great", "Just wonderful", "Terrific")
BACKHANDED = ("Be warned: after {f}, every other film feels dull.",
              "I'm mad at {f} for one reason: it ended far too soon.",
              "My only complaint about {f} is that it had to end.",
              "The only problem with {f} is that I can't stop thinking about it.",
              "The worst thing about {f} is that it had to end.",
              "The worst thing about {f} is that it was over too soon.",
              "I hate {f} for keeping me awake all night thinking about it.",
              "I was angry when {f} ended: I wanted it to go on for hours.",
              "The saddest part of {f} was the end credits, because I wanted more.",
              "Thanks a lot: after {f}, every other movie looks bland.",
              "{F} has ruined other films for me, because nothing else comes close.",
              "{F} made me late for dinner: I could not stop watching.")

MOOD_POSITIVE = ("charming", "enjoyable", "entertaining", "good", "impressive")
MOOD_NEGATIVE = ("boring", "disappointing", "dull", "tedious", "weak")
INTENSIFIERS = ("extremely", "incredibly", "really", "remarkably", "truly", "very")
HEDGES = ("fairly", "mostly", "pretty", "quite", "rather")  # with praise or blame alike
NEGATIVE_ONLY_HEDGES = ("a bit", "a little", "slightly", "somewhat")  # with blame only, see above
MOOD_TEMPLATES = ("{S} was {m} {a}.", "I found {s} {m} {a}.", "Honestly, {s} is {m} {a}.")

# Invented names and neutral invented titles: real ones carry the reviews written about them.
NAMES = ("Anna Kowalski", "David Okafor", "Emily Clarke", "Hiroshi Tanaka", "John Miller", "Maria Garcia",
         "Priya Sharma", "Wei Chen")
TITLES = ("Blue Harbor", "Northern Road", "Red Canyon", "Silver Creek", "The Glass Tower", "The Quiet Station")
PERFORMANCE = ("awful", "brilliant", "charming", "convincing", "dreadful", "unconvincing", "wonderful", "wooden")
INVARIANT_TEMPLATES = ("{name} is {adj} in {title}.",
                       "I watched {title} last night, and {name} was {adj}.",
                       "As the detective in {title}, {name} is {adj}.",
                       "{title} stars {name}, who is {adj} in the lead role.")
PUNCTUATION = {"full stop to exclamation mark": lambda t: t[:-1] + "!",
               "no final full stop": lambda t: t[:-1],
               "no commas": lambda t: t.replace(",", "")}

# Originals for the added sentences: neutral ones, and mildly polar ones on either side (an added
# sentence of the same polarity may only saturate, one of the other polarity must pull).
MILD = ("I enjoyed {title} more than I expected.", "I was disappointed by {title}.",
        "{title} is a charming little film.", "{title} is a rather dull film.")
NEUTRAL = ("I saw {title} at a festival last year.",
           "I watched {title} last weekend with my family.",
           "{title} has a long first act and a busy final hour.",
           "{title} is a drama about two brothers in a small town.",
           "{title} is a thriller set in a mountain village.",
           "{title} runs about two hours and was shot in Canada.")
ADDED_NEGATIVE = ("Avoid it at all costs.", "I hated every minute of it.", "It is one of the worst films I "
                  "have seen.", "It was a complete waste of time.", "The acting was terrible.")
ADDED_POSITIVE = ("I highly recommend it.", "I loved every minute of it.", "It is a wonderful film.",
                  "It is one of the best films I have seen.", "The acting was superb.")


def _cap(text: str) -> str:
    return text[0].upper() + text[1:]


# ---- generators: every case of a capability, in a fixed order, grouped for balanced sampling --

def _negated_positive() -> dict[str, list[Case]]:
    templates = ("{S} was not {a}.", "{S} was not {a} at all.", "{S} is not {a}.", "{S} isn't {a} in any way.",
                 "I did not find {s} {a}.", "I don't think {s} is {a}.")
    cases = [Case("negated_positive", "MFT", t.format(S=_cap(s), s=s, a=a), "negative", template=t)
             for t, s, a in itertools.product(templates, SUBJECTS, NEGATABLE_POSITIVE)]
    verbs = ("I did not enjoy {s}.", "I didn't like {s} at all.", "I would not recommend {s} to anyone.")
    cases += [Case("negated_positive", "MFT", t.format(s=s), "negative", template=t)
              for t, s in itertools.product(verbs, SUBJECTS)]
    return {"negative": cases}


def _negated_negative() -> dict[str, list[Case]]:
    def case(template, **slots):
        return Case("negated_negative", "MFT", template.format(**slots), "positive", template=template)

    cases = [case("{S} was not {a} at all.", S=_cap(s), a=a) for s, a in itertools.product(SUBJECTS, NEGATABLE_NEGATIVE)]
    cases += [case("{S} is never {a}.", S=_cap(s), a=a) for s, a in itertools.product(SUBJECTS, NEVER_NEGATIVE)]
    cases += [case("{S} never gets {a}.", S=_cap(s), a=a) for s, a in itertools.product(SUBJECTS, NEVER_NEGATIVE)]
    cases += [case("Nothing about {s} was {a}.", s=s, a=a) for s, a in itertools.product(SUBJECTS, NEVER_NEGATIVE)]
    cases += [case("There is not a single {a} moment in {f}.", a=a, f=f) for a, f in itertools.product(DULL_MOMENT, FILMS)]
    cases += [case("I was never {a} while watching {f}.", a=a, f=f)
              for a, f in itertools.product(("bored", "disappointed"), FILMS)]
    cases += [case("I don't regret a single minute of {f}.", f=f) for f in FILMS]
    cases += [case("I could not find anything {a} with {s}.", a=a, s=s)
              for a, s in itertools.product(("bad", "wrong"), SUBJECTS)]
    return {"positive": cases}


def _contrast_but() -> dict[str, list[Case]]:
    groups = {}
    for label, adjectives, verdicts, film_verdicts in (
            ("positive", ASPECT_NEGATIVE, VERDICT_POSITIVE, FILM_VERDICT_POSITIVE),
            ("negative", ASPECT_POSITIVE, VERDICT_NEGATIVE, FILM_VERDICT_NEGATIVE)):
        groups[f"one part, {label}"] = [
            Case("contrast_but", "MFT", t.format(X=_cap(x), x=x, be=be, a=a, y=y), label, template=t)
            for t, (x, be), a, y in itertools.product(CONTRASTS, ASPECTS, adjectives, verdicts)]
        # each aspect with the next one, each adjective with the next one: varied, not exhaustive
        groups[f"two parts, {label}"] = [
            Case("contrast_but", "MFT", t.format(X=_cap(x), x=x, be=be, a=a, x2=x2, be2=be2, a2=a2, v=v), label,
                 template=t)
            for t, (i, (x, be)), (j, a), v in itertools.product(
                TWO_PART_CONTRASTS, enumerate(ASPECTS), enumerate(adjectives), film_verdicts)
            for (x2, be2), a2 in [(ASPECTS[(i + 1) % len(ASPECTS)], adjectives[(j + 1) % len(adjectives)])]]
    return groups


def _irony() -> dict[str, list[Case]]:
    def case(label, template, **slots):
        return Case("irony", "MFT", template.format(**slots), label, template=template)

    negative = [case("negative", "I'm glad I {v} {f} for one reason: {r}.", v=v, f=f, r=r)
                for v, f, r in itertools.product(GLAD_VERBS, FILMS, GLAD_REASONS)]
    negative += [case("negative", "The best thing about {f} was {b}.", f=f, b=b)
                 for f, b in itertools.product(FILMS, BEST_PART)]
    negative += [case("negative", "What a {p} way to waste {w}.", p=p, w=w)
                 for p, w in itertools.product(WASTE_PRAISE, WASTED)]
    negative += [case("negative", "If you enjoy {p}, you will love {f}.", p=p, f=f)
                 for p, f in itertools.product(PAINS, FILMS)]
    negative += [case("negative", "Oh great, another {g} where nothing happens for two hours.", g=g) for g in GENRES]
    negative += [case("negative", "{m}. Two hours of my life I will never get back.", m=m) for m in MOCK_PRAISE]
    positive = [case("positive", t, f=f, F=_cap(f)) for t, f in itertools.product(BACKHANDED, FILMS)]
    return {"negative": negative, "positive": positive}


def _intensifiers_hedges() -> dict[str, list[Case]]:
    def cases(group, label, modifiers, adjectives):
        # every template x subject x modifier x adjective, expected to read as ``label``
        return [Case("intensifiers_hedges", "MFT", t.format(S=_cap(s), s=s, m=m, a=a), label, template=group)
                for t, s, m, a in itertools.product(MOOD_TEMPLATES, SUBJECTS, modifiers, adjectives)]

    return {"intensified praise": cases("intensified praise", "positive", INTENSIFIERS, MOOD_POSITIVE),
            "intensified blame": cases("intensified blame", "negative", INTENSIFIERS, MOOD_NEGATIVE),
            "hedged praise": cases("hedged praise", "positive", HEDGES, MOOD_POSITIVE),
            "hedged blame": cases("hedged blame", "negative", HEDGES + NEGATIVE_ONLY_HEDGES, MOOD_NEGATIVE)}


def _invariance() -> dict[str, list[Case]]:
    groups = {"name": [], "title": [], "punctuation": []}
    for template, (i, name), (j, title), adj in itertools.product(
            INVARIANT_TEMPLATES, enumerate(NAMES), enumerate(TITLES), PERFORMANCE):
        original = _cap(template.format(name=name, title=title, adj=adj))
        other_name, other_title = NAMES[(i + 1) % len(NAMES)], TITLES[(j + 1) % len(TITLES)]
        groups["name"].append(Case("invariance", "INV", original.replace(name, other_name), None, original,
                                   f"name: {name} -> {other_name}"))
        groups["title"].append(Case("invariance", "INV", original.replace(title, other_title), None, original,
                                    f"title: {title} -> {other_title}"))
        for change, edit in PUNCTUATION.items():
            if edit(original) != original:
                groups["punctuation"].append(Case("invariance", "INV", edit(original), None, original,
                                                  f"punctuation: {change}"))
    return groups


def _added_sentence() -> dict[str, list[Case]]:
    groups = {}
    for direction, sentences in (("down", ADDED_NEGATIVE), ("up", ADDED_POSITIVE)):
        groups[direction] = [
            Case("added_sentence", "DIR", f"{t.format(title=title)} {s}", direction, t.format(title=title),
                 f"added: {s}")
            for t, title, s in itertools.product(NEUTRAL + MILD, TITLES, sentences)]
    return groups


GENERATORS = {"negated_positive": _negated_positive, "negated_negative": _negated_negative,
              "contrast_but": _contrast_but, "irony": _irony, "intensifiers_hedges": _intensifiers_hedges,
              "invariance": _invariance, "added_sentence": _added_sentence}


def _balanced_sample(groups: dict[str, list[Case]], n: int, rng: random.Random) -> list[Case]:
    """``n`` cases spread evenly over the groups; a small group gives all it has, the rest share its slack.

    The sample keeps the generation order, so the case list reads template by template.
    """
    chosen, left = [], n
    by_size = sorted(groups, key=lambda g: (len(groups[g]), g))
    for k, name in enumerate(by_size):
        pool = groups[name]
        quota = min(len(pool), left // (len(by_size) - k))
        picked = sorted(rng.sample(range(len(pool)), quota))
        chosen += [pool[i] for i in picked]
        left -= quota
    return chosen


def generate_cases(seed: int = SEED, per_capability: int = CASES_PER_CAPABILITY) -> list[Case]:
    """All capabilities' cases, ``per_capability`` each (fewer only if the templates run out)."""
    cases = []
    for name, generator in GENERATORS.items():
        rng = random.Random(f"{seed}:{name}")  # one stream per capability: adding one leaves the others alone
        cases += _balanced_sample(generator(), per_capability, rng)
    return cases


def texts_to_score(cases: list[Case]) -> list[str]:
    """Every text the cases need a prediction for (cases and their originals), once each, sorted."""
    return sorted({c.text for c in cases} | {c.original for c in cases if c.original is not None})


def score_cases(cases: list[Case], p_positive: Mapping[str, float], tolerance: float = DIR_TOLERANCE) -> pd.DataFrame:
    """One row per case with the model's P(positive) (and its original's) and whether it failed.

    ``p_positive`` maps each text of ``texts_to_score(cases)`` to P(positive).
    """
    rows = []
    for case in cases:
        p = float(p_positive[case.text])
        p_original = float(p_positive[case.original]) if case.original is not None else None
        if case.test_type == "MFT":
            failed = predicted_label(p) != case.expected
        elif case.test_type == "INV":
            failed = predicted_class(p) != predicted_class(p_original)
        elif case.test_type == "DIR":
            change = p - p_original
            failed = change < -tolerance if case.expected == "up" else change > tolerance
        else:
            raise ValueError(f"unknown test type {case.test_type!r}")
        rows.append({**asdict(case), "p_positive": p, "p_original": p_original, "failed": bool(failed)})
    return pd.DataFrame(rows)


def capability_summary(outcomes: pd.DataFrame) -> pd.DataFrame:
    """Per capability (in ``CAPABILITIES`` order): test type, cases, failures, failure rate."""
    rows = []
    for name, (test_type, description) in CAPABILITIES.items():
        mine = outcomes[outcomes["capability"] == name]
        if mine.empty:
            continue
        failures = int(mine["failed"].sum())
        rows.append({"capability": name, "test_type": test_type, "description": description,
                     "n": len(mine), "failures": failures, "failure_rate": failures / len(mine)})
    return pd.DataFrame(rows).set_index("capability")
