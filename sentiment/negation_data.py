"""Training sentences for negation: what ``train --data negation`` fine-tunes on, with a replay of IMDB.

The behavioural test finds every negated negative ("Nothing about the script was tedious") read as
negative. This recipe shows the model negations of both kinds, labelled by construction: a negated
negative is praise, a negated positive is blame, and the same words without the negation keep their
polarity, so that "not" alone never decides. Templates and word lists are disjoint from those of
``sentiment.robustness.behaviour`` (a test checks it), so the behavioural test's capability stays a
held-out measure: the model must generalise from these sentences, not recognise the test's.
"""
from __future__ import annotations

import itertools

import pandas as pd

from .replay import with_replay

# Disjoint from every word list of sentiment.robustness.behaviour (tests/sentiment/test_negation_data.py).
TOPICS = ("the climax", "the direction", "the editing", "the ending", "the finale", "the pacing",
          "the screenplay", "the storyline")
BLAME = ("stale", "clichéd", "forgettable", "lifeless", "pretentious", "sloppy", "tiresome", "uninspired")
PRAISE = ("captivating", "clever", "gripping", "moving", "original", "polished", "riveting", "touching")

# {t}: a topic, {w}: a word of the template's kind. Negated: the label is the word's opposite.
NEGATED = ("At no point did {t} feel {w}.", "{T} was anything but {w}.",
           "I wouldn't call {t} {w} in the slightest.", "Nobody could say {t} was {w}.",
           "{T} never once felt {w} to me.", "There was nothing {w} about {t}.")
PLAIN = ("{T} felt {w} from start to finish.", "I would call {t} {w}.", "To me, {t} was {w}.")


def _cap(text: str) -> str:
    return text[0].upper() + text[1:]


def negation_sentences() -> pd.DataFrame:
    """Every generated sentence once, with its label (0 negative, 1 positive), in a fixed order."""
    rows = []
    for template, topic, word in itertools.product(NEGATED + PLAIN, TOPICS, BLAME + PRAISE):
        negated = template in NEGATED
        positive = (word in PRAISE) != negated
        rows.append({"review": template.format(t=topic, T=_cap(topic), w=word), "label": int(positive)})
    return pd.DataFrame(rows)


def negation_training_mix(replay_pool: pd.DataFrame, seed: int = 42, replay_ratio: float = 1.0,
                          held_out_ids=()) -> pd.DataFrame:
    """The generated sentences plus a replay sample of ``replay_pool`` (stratified by label), shuffled;
    columns ``id``, ``review``, ``label``.

    Args:
        replay_pool: IMDB reviews to replay (columns ``id``, ``review``, ``label``): the training split
            less the validation part, so that validation stays unseen.
        seed: the replay sample and the shuffle.
        replay_ratio: replayed IMDB reviews per generated sentence (1.0: as many).
        held_out_ids: ids never to replay (the validation reviews).
    """
    sentences = negation_sentences()
    sentences.insert(0, "id", [f"negation/{i}" for i in range(len(sentences))])
    pool = replay_pool[~replay_pool["id"].isin(set(held_out_ids))]
    return with_replay(sentences, pool, replay_ratio, seed)
