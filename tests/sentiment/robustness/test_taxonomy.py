"""sentiment.robustness.taxonomy: the taggers on hand-written reviews, and each tag's error lift."""
import math

import pandas as pd
import pytest

from sentiment.robustness import taxonomy as T


@pytest.mark.parametrize("text, expected", [
    ("The acting was great, but the plot was awful.", True),
    ("A stunning technical marvel. However, the narration is weak and the script is stupid.", True),
    ("It is boring and predictable, yet I loved it.", True),
    ("Although it has a great cast, the film is a dull mess.", False),  # known miss: nothing before the turn
    ("Not only was the acting great, but the plot was wonderful too.", False),
    ("The acting was great, but also the plot was wonderful.", False),
    ("The acting was great, but the plot was wonderful.", False),  # no reversal
    ("The film was great fun, and the plot was awful.", False),  # no connective
    ("A great cast, and nothing but boring scenes.", False),  # "nothing but" is no contrast
    ("The cast is superb and the music is great. Not only is the plot dull, but the end is awful too.", False),
    ("The acting was great, but the plot was awful. Fun to watch, though.", True),  # the final "though" is no turn
    ("Yet another great film, awful as the title is.", False),
    ("It isn't bad, but it is boring.", True),  # negation flips "bad"
])
def test_contrast_reversal(text, expected):
    assert T.contrast_reversal(text) is expected


@pytest.mark.parametrize("text, turns", [
    ("It was long, but fun. However, the end drags; yet I smiled, even though it is sad.",
     ["but", "However", "yet", "though"]),
    ("Not only was the acting great, but the plot was wonderful too. It was great, but also sad.", []),
    ("Nothing but noise, all but over, and I cannot help but smile. Last but not least, the music.", []),
    ("Yet another sequel, not yet out on DVD. It acts as though nothing happened. Fun, though.", []),
    ("Good. Not only good. But it is long.", ["But"]),  # "not only" counts within its own sentence only
])
def test_contrast_turns_leave_out_what_is_no_contrast(text, turns):
    assert [m.group(1) for m in T.contrast_turns(text)] == turns


@pytest.mark.parametrize("text, expected", [
    ("I did not like it, it was not funny, and there is nothing new here; it isn't worth a rental.", True),
    ("A lovely and warm film about a family, with a fine cast and a score I will remember for years.", False),
    ("Not good.", False),  # under NEGATION_MIN_WORDS
])
def test_negation_dense(text, expected):
    assert T.negation_dense(text) is expected


def test_negation_density_is_negators_per_hundred_words():
    # 20 words, one of them "not" ("isn't" -> "is not"): 5 per 100
    text = "It isn't a film I would see again but the cast and the music are fine and so on"
    assert len(T.words(text)) == 20
    assert T.negation_density(text) == 5.0
    assert T.negation_density("") == 0.0
    # 40 words, one negator: 2.5 per 100, exactly the threshold
    assert T.negation_dense(("no " + "word " * 39).strip())
    assert not T.negation_dense(("no " + "word " * 40).strip())  # 1 in 41


@pytest.mark.parametrize("review_id, borderline, extreme", [
    ("test/neg/8977_4", True, False), ("test/pos/1235_7", True, False), ("test/neg/1_3", False, False),
    ("test/pos/5_8", False, False), ("test/neg/0_2", False, True), ("test/pos/9_10", False, True),
    ("test/neg/12_1", False, True), ("test/pos/3_9", False, True), ("my.csv:3", False, False),
])
def test_rating_tags(review_id, borderline, extreme):
    assert T.borderline_rating(review_id) is borderline and T.extreme_rating(review_id) is extreme


def test_beyond_max_length_counts_the_special_tokens():
    assert not T.beyond_max_length(254, 256) and T.beyond_max_length(255, 256)


@pytest.mark.parametrize("text, expected", [
    ("I'm glad I rented this movie for one reason: its shortcomings sent me to the book.", True),
    ("The best thing about this film was the end credits.", True),
    ("What a great way to waste two hours.", True),
    ("Oh great, another sequel.", True),
    ("If you enjoy watching paint dry, you will love it.", True),
    ("It is so bad it's good.", True),
    ('The "acting" is a joke.', True),
    ("I'm glad I saw it. It is the best film of the year for one reason: the cast.", False),  # across sentences
    ("The best thing about this film is the score.", False),
    ("What a great way to spend an evening.", False),
    ('The film "Casablanca" is a classic.', False),
])
def test_irony_cue(text, expected):
    assert T.irony_cue(text) is expected


def test_irony_cues_are_named():
    assert T.irony_cues("Oh great. The best part was the end credits, so bad it's funny.") == [
        "the best part was the end", "oh great / yeah right", "so bad it's good"]


PLOT = ("John is a farmer in Kansas. His wife leaves him in the spring. He sells the farm. "
        "He moves to the city with his son. There he meets an old friend. The friend offers him a job.")


def test_mostly_plot_summary():
    assert T.mostly_plot_summary(PLOT)
    assert not T.mostly_plot_summary(PLOT + " I loved it. The acting is superb. You must see it.")
    assert not T.mostly_plot_summary("John is a farmer. His wife leaves. He sells the farm.")  # too short


def test_narrative_share_counts_sentences_without_opinion_or_person():
    assert T.narrative_share(PLOT) == 1.0
    # 6 narrating of 8: "I loved it." (person, opinion) and "The acting is superb." (opinion) do not narrate
    assert T.narrative_share(PLOT + " I loved it. The acting is superb.") == 0.75
    assert T.mostly_plot_summary(PLOT + " I loved it. The acting is superb.")  # exactly PLOT_SHARE
    assert T.narrative_share("") == 0.0


def test_tag_reviews_columns_and_length(tokenizer):
    frame = pd.DataFrame({"id": ["test/neg/1_4", "test/pos/2_10"],
                          "review": ["The cast is great, but the film is awful.", "word " * 100]})
    tags = T.tag_reviews(frame, max_length=64, tokenizer=tokenizer)
    assert list(tags.columns) == list(T.TAGS) == ["contrast_reversal", "negation_dense", "irony_cue",
                                                  "mostly_plot_summary", "borderline_rating", "extreme_rating",
                                                  "beyond_max_length"]
    assert tags.index.tolist() == frame["id"].tolist()
    assert tags.loc["test/neg/1_4"].to_dict() == {**{t: False for t in T.TAGS}, "contrast_reversal": True,
                                                 "borderline_rating": True}
    assert tags.loc["test/pos/2_10"].to_dict() == {**{t: False for t in T.TAGS}, "extreme_rating": True,
                                                  "beyond_max_length": True}  # 100 tokens > 62


def test_every_tag_documents_its_rule_with_its_thresholds():
    assert set(T.TAG_RULES) == set(T.TAGS) and all(T.TAG_RULES.values())
    assert not any("``" in rule for rule in T.TAG_RULES.values())  # plain text, as the app and the JSON show it
    assert T.TAG_RULES["extreme_rating"] == "Rated 1-2 or 9-10 stars: the comparison group for borderline_rating."
    assert T.TAG_RULES["negation_dense"] == "At least 2.5 negators per 100 words (and at least 10 words)."
    assert T.TAG_RULES["borderline_rating"] == "Rated 4 or 7 stars: the reviewer's own verdict was lukewarm."
    assert T.TAG_RULES["mostly_plot_summary"].startswith("At least 5 sentences, and at least 0.75 of them narrate")
    for name in ("NEGATION_DENSITY", "NEGATION_MIN_WORDS", "PLOT_MIN_SENTENCES", "PLOT_SHARE"):
        assert name not in "".join(T.TAG_RULES.values())  # every threshold written out


def test_token_counts_in_batches(tokenizer):
    assert T.token_counts(tokenizer, ["a b c", "a", "good film"], batch_size=2).tolist() == [3, 1, 2]


def test_tag_lift_on_a_hand_made_table():
    ids = [f"r{i}" for i in range(10)]
    tags = pd.DataFrame({"a": [True] * 4 + [False] * 6, "never": [False] * 10, "always": [True] * 10},
                        index=ids)
    wrong = pd.Series([True, False, True, False, True, False, False, False, False, False], index=ids)
    confidence = pd.Series([0.1, 0, 0.4, 0, 0.3, 0, 0, 0, 0, 0], index=ids)
    lift = T.tag_lift(tags, wrong, confidence, examples=5)
    assert list(lift.columns) == ["n_with", "n_without", "errors_with", "errors_without", "error_rate_with",
                                  "error_rate_without", "lift", "examples"]
    a = lift.loc["a"]
    assert (a["n_with"], a["n_without"], a["errors_with"], a["errors_without"]) == (4, 6, 2, 1)
    assert a["error_rate_with"] == pytest.approx(0.5) and a["error_rate_without"] == pytest.approx(1 / 6)
    assert a["lift"] == pytest.approx(3.0)  # (2/4) / (1/6)
    assert a["examples"] == ["r2", "r0"]  # the tag's mistakes, surest first
    assert lift.loc["always", "examples"] == ["r2", "r4", "r0"]
    assert lift.loc["never", "n_with"] == 0 and math.isnan(lift.loc["never", "lift"])
    assert math.isnan(lift.loc["never", "error_rate_with"])
    assert math.isnan(lift.loc["always", "lift"])  # nothing without the tag to compare with
    # without confidence: in the table's order, and at most `examples` of them
    assert T.tag_lift(tags, wrong, examples=2).loc["always", "examples"] == ["r0", "r2"]


def test_a_tag_without_errors_elsewhere_has_no_lift():
    ids = ["a", "b", "c"]
    lift = T.tag_lift(pd.DataFrame({"t": [True, False, False]}, index=ids), pd.Series([True, False, False], index=ids))
    assert (lift.loc["t", "error_rate_with"], lift.loc["t", "error_rate_without"]) == (1.0, 0.0)
    assert math.isnan(lift.loc["t", "lift"])  # infinitely more often: no ratio to show


def test_examples_of_equal_confidence_keep_the_table_order():
    # 40 mistakes, a third of them surer than the rest: ties must not be shuffled (an unstable sort
    # reorders ties once a table has more than a handful of rows), nor sorted by id
    ids = [f"r{7 * i % 40:02d}" for i in range(40)]  # r00, r07, r14, ...: the table is not in id order
    confidence = pd.Series([0.4 if i % 3 == 0 else 0.1 for i in range(40)], index=ids)
    lift = T.tag_lift(pd.DataFrame({"t": [True] * 40}, index=ids), pd.Series(True, index=ids), confidence, examples=8)
    assert lift.loc["t", "examples"] == ["r00", "r21", "r02", "r23", "r04", "r25", "r06", "r27"]
    fewer_sure = T.tag_lift(pd.DataFrame({"t": [i % 3 != 0 for i in range(40)]}, index=ids),
                            pd.Series(True, index=ids), confidence, examples=5)
    assert fewer_sure.loc["t", "examples"] == ["r07", "r14", "r28", "r35", "r09"]


def test_examples_follow_the_confidence_of_each_id_not_the_position_of_its_row():
    ids = ["r0", "r1", "r2", "r3", "r4", "r5"]
    tags = pd.DataFrame({"t": [True] * 6, "odd": [False, True, False, True, False, True]}, index=ids)
    wrong = pd.Series({"r5": True, "r4": False, "r3": True, "r2": True, "r1": True, "r0": True, "elsewhere": True})
    # given in another order, one id the table lacks, two (r2, r4) it has no figure for
    confidence = pd.Series({"r5": 0.4, "r3": 0.1, "r0": 0.3, "r1": 0.45, "elsewhere": 0.49})
    lift = T.tag_lift(tags, wrong, confidence, examples=5)
    assert lift.loc["t", "examples"] == ["r1", "r5", "r0", "r3", "r2"]  # surest first; no figure, last
    assert lift.loc["odd", "examples"] == ["r1", "r5", "r3"]
    assert (lift.loc["t", "n_with"], lift.loc["t", "errors_with"]) == (6, 5)  # "elsewhere" is not counted
    assert T.tag_lift(tags, wrong, examples=5).loc["t", "examples"] == ["r0", "r1", "r2", "r3", "r5"]


def test_the_within_class_lift_undoes_a_tag_found_mostly_in_the_easier_class():
    # negatives are hard (50% misread without the tag), positives easy (10%); the tag raises the error rate
    # in both (60% and 20%) but sits mostly on positives, so the crude lift says it helps (0.52)
    rows = ([("negative", True, i < 6) for i in range(10)] + [("negative", False, i < 45) for i in range(90)]
            + [("positive", True, i < 18) for i in range(90)] + [("positive", False, i < 1) for i in range(10)])
    ids = [f"r{i}" for i in range(len(rows))]
    classes = pd.Series([r[0] for r in rows], index=ids)
    tags = pd.DataFrame({"t": [r[1] for r in rows]}, index=ids)
    wrong = pd.Series([r[2] for r in rows], index=ids)
    row = T.tag_lift(tags, wrong, classes=classes).loc["t"]
    assert row["lift"] == pytest.approx(0.24 / 0.46)
    assert row["lift_by_class"] == pytest.approx({"negative": 1.2, "positive": 2.0})
    # Mantel-Haenszel by hand: (6*90/100 + 18*10/100) / (45*10/100 + 1*90/100) = 7.2 / 5.4
    assert row["lift_within_class"] == pytest.approx(4 / 3)
    assert "lift_within_class" not in T.tag_lift(tags, wrong).columns


def test_mantel_haenszel_of_one_stratum_is_its_ratio_and_of_none_is_nan():
    assert T.mantel_haenszel_ratio([(2, 4, 1, 4)]) == pytest.approx(2.0)
    assert math.isnan(T.mantel_haenszel_ratio([(2, 4, 0, 4)]))
    assert math.isnan(T.mantel_haenszel_ratio([]))
