"""sentiment/negation_data.py: the negation recipe's sentences, held apart from the behavioural test's."""
import itertools
import re

import pandas as pd
import pytest

from sentiment import negation_data as N
from sentiment.robustness import behaviour as B


def _behaviour_vocabulary() -> set[str]:
    """Every word of every word list and template of the behavioural tests."""
    words = set()
    for name, value in vars(B).items():
        if name.isupper() and isinstance(value, tuple):
            for item in itertools.chain.from_iterable(v if isinstance(v, tuple) else (v,) for v in value):
                if isinstance(item, str):
                    words |= set(re.findall(r"[a-z']+", item.lower()))
    return words


def test_word_lists_share_no_opinion_word_or_topic_with_the_behavioural_test():
    behaviour_words = _behaviour_vocabulary()
    assert {"dull", "boring", "tedious", "acting", "script"} <= behaviour_words  # the check reads the lists
    for word in N.BLAME + N.PRAISE:
        assert word not in behaviour_words, word
    for topic in N.TOPICS:
        # "the" is shared by design; the noun that names the topic is not
        assert not set(topic.split()[1:]) & behaviour_words, topic


def test_no_template_of_the_behavioural_test_is_reused():
    def shape(template):  # the template's fixed words, slots left out
        return tuple(re.findall(r"[a-z']+", re.sub(r"\{\w+\}", " ", template.lower())))

    ours = {shape(t) for t in N.NEGATED + N.PLAIN}
    theirs = {shape(c.template) for c in B.generate_cases() if c.template}
    assert not ours & theirs


def test_sentences_are_labelled_by_construction():
    sentences = N.negation_sentences()
    assert len(sentences) == len(N.NEGATED + N.PLAIN) * len(N.TOPICS) * len(N.BLAME + N.PRAISE) == 1152
    by_text = dict(zip(sentences["review"], sentences["label"]))
    assert by_text["At no point did the pacing feel tiresome."] == 1    # negated blame: praise
    assert by_text["At no point did the pacing feel gripping."] == 0    # negated praise: blame
    assert by_text["The ending felt stale from start to finish."] == 0  # plain blame
    assert by_text["To me, the climax was moving."] == 1                 # plain praise
    assert sentences["label"].mean() == 0.5


def test_the_mix_replays_as_many_imdb_reviews_and_never_a_held_out_one():
    pool = pd.DataFrame({"id": [f"train/{i}" for i in range(3000)], "review": ["x"] * 3000,
                         "label": [i % 2 for i in range(3000)]})
    mix = N.negation_training_mix(pool, seed=1, held_out_ids={"train/0", "train/1"})
    assert len(mix) == 2 * 1152 and list(mix.columns) == ["id", "review", "label"]
    replayed = mix[mix["id"].str.startswith("train/")]
    assert len(replayed) == 1152 and replayed["label"].mean() == 0.5
    assert not {"train/0", "train/1"} & set(replayed["id"])
    assert mix["id"].is_unique
    pd.testing.assert_frame_equal(mix, N.negation_training_mix(pool, seed=1, held_out_ids={"train/0", "train/1"}))
    with pytest.raises(Exception, match="replay ratio of 3 asks for 1,728"):
        N.negation_training_mix(pool, seed=1, replay_ratio=3.0)
