"""The robustness report: contrast-pair metrics, behavioural cases, taxonomy taggers and lift, the command."""
import gzip
import hashlib
import json
import math
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sentiment.cli import main
from sentiment.data import DataError
from sentiment.robustness import behaviour as B
from sentiment.robustness import contrast_pairs as C
from sentiment.robustness import taxonomy as T
from sentiment.robustness.lexicon import polarity
from sentiment.robustness.report import markdown_tables

REPO = Path(__file__).resolve().parent.parent


# ---- contrast pairs ---------------------------------------------------------------------------

def write_pairs(path, rows):
    pd.DataFrame(rows, columns=["pair_id", "kind", "sentiment", "review", "imdb_id"]).to_csv(path, index=False)
    return path


@pytest.fixture
def three_pairs(tmp_path):
    # Stored out of order (edit before original, pair 10 before pair 2): load_pairs sorts them.
    return C.load_pairs(write_pairs(tmp_path / "pairs.csv", [
        ("10", "edited", "negative", "C edited", ""), ("10", "original", "positive", "C original", "train/pos/3_8"),
        ("1", "original", "positive", "A original", "train/pos/1_9"), ("1", "edited", "negative", "A edited", ""),
        ("2", "original", "negative", "B original", "train/neg/2_1"), ("2", "edited", "positive", "B edited", ""),
    ]))


def test_pair_metrics_on_hand_computed_pairs(three_pairs):
    assert three_pairs["review"].tolist() == ["A original", "A edited", "B original", "B edited",
                                              "C original", "C edited"]
    # A: both right. B: original right, edit wrong. C: both wrong.
    table = C.pair_table(three_pairs, np.array([0.9, 0.2, 0.1, 0.3, 0.4, 0.6]))
    metrics = C.pair_metrics(table)
    assert metrics["n_pairs"] == 3
    assert metrics["accuracy_original"] == pytest.approx(2 / 3)
    assert metrics["accuracy_edited"] == pytest.approx(1 / 3)
    assert metrics["consistency"] == pytest.approx(1 / 3)
    assert metrics["both_wrong"] == pytest.approx(1 / 3)
    assert metrics["flips_with_edit"] == pytest.approx(2 / 3)  # A and C change label, B does not
    assert metrics["failing_pairs"] == {"original_wrong": ["10"], "edited_wrong": ["2", "10"]}
    # surest failure first: B's edit (0.3 for a positive, 0.2 from the boundary) before C (0.1 either side)
    assert C.failing_examples(table)["pair_id"].tolist() == ["2", "10"]


def test_exactly_half_is_positive(three_pairs):
    table = C.pair_table(three_pairs, np.full(6, 0.5))
    assert table["right_original"].tolist() == [True, False, True]  # p = 0.5 reads as positive


@pytest.mark.parametrize("rows, message", [
    ([("1", "original", "positive", "a", ""), ("1", "original", "negative", "b", "")], "pair 1 is not one original"),
    ([("1", "original", "positive", "a", ""), ("1", "edited", "positive", "b", "")], "pair 1 is not one original"),
    ([("1", "original", "great", "a", ""), ("1", "edited", "negative", "b", "")], "sentiment positive/negative"),
])
def test_malformed_pairs_are_a_clear_error(tmp_path, rows, message):
    with pytest.raises(DataError, match=message):
        C.load_pairs(write_pairs(tmp_path / "bad.csv", rows))


def test_missing_pair_file_names_the_way_out(tmp_path, monkeypatch):
    monkeypatch.setenv("CAD_DATA_DIR", str(tmp_path))
    assert C.default_cad_path() == tmp_path / "dev_paired.csv.gz"
    with pytest.raises(DataError, match="set CAD_DATA_DIR"):
        C.load_pairs()


def test_shipped_copy_is_cad_dev_with_its_attribution():
    pairs = C.load_pairs(C.SHIPPED_CAD)
    assert len(pairs) == 490 and pairs["pair_id"].nunique() == 245
    assert (pairs["kind"].iloc[::2] == "original").all() and (pairs["kind"].iloc[1::2] == "edited").all()
    readme = (REPO / "study" / "CAD-README.md").read_text()
    for needed in ("Kaushik", "ICLR 2020", "acmi-lab/counterfactually-augmented-data", "Apache-2.0"):
        assert needed in readme
    shared = REPO.parent / "shared/data/cad/dev_paired.csv.gz"
    if shared.is_file():  # the shipped copy is the shared file, byte for byte
        assert hashlib.sha256(shared.read_bytes()).digest() == hashlib.sha256(C.SHIPPED_CAD.read_bytes()).digest()


# ---- behavioural cases ------------------------------------------------------------------------

@pytest.fixture(scope="module")
def cases():
    return B.generate_cases()


def by_capability(cases, name):
    return [c for c in cases if c.capability == name]


def test_at_least_six_capabilities_of_at_least_100_cases(cases):
    counts = pd.Series([c.capability for c in cases]).value_counts()
    assert set(counts.index) == set(B.CAPABILITIES) and len(counts) >= 6
    assert counts.min() >= 100, counts
    assert all(c.test_type == B.CAPABILITIES[c.capability][0] for c in cases)
    assert len({(c.capability, c.text) for c in cases}) == len(cases)  # no case twice


def test_generation_is_deterministic(cases):
    assert B.generate_cases() == cases
    assert B.generate_cases(seed=1) != cases  # the seed does choose the sample


def test_negations_are_labelled_by_what_they_negate(cases):
    negated_positive = by_capability(cases, "negated_positive")
    assert {c.expected for c in negated_positive} == {"negative"}
    for case in negated_positive:
        words = case.text.lower().replace("n't", " not").rstrip(".").split()
        assert {"not", "never"} & set(words), case.text
        assert set(B.NEGATABLE_POSITIVE) & set(words) or {"enjoy", "like", "recommend"} & set(words), case.text
    negated_negative = by_capability(cases, "negated_negative")
    assert {c.expected for c in negated_negative} == {"positive"}
    # no bare "not bad": "bad" is negated only as "not bad at all" or "anything bad"
    assert all("not bad." not in c.text for c in negated_negative)


def test_contrast_cases_take_the_label_of_the_clause_after_the_turn(cases):
    contrast = by_capability(cases, "contrast_but")
    assert sorted(pd.Series([c.expected for c in contrast]).value_counts().tolist()) == [75, 75]
    assert any(" and " in c.text for c in contrast) and any(" and " not in c.text for c in contrast)
    verdicts = {label: long + tuple(f"the film {v}" for v in short) for label, long, short in (
        ("positive", B.VERDICT_POSITIVE, B.FILM_VERDICT_POSITIVE),
        ("negative", B.VERDICT_NEGATIVE, B.FILM_VERDICT_NEGATIVE))}
    for case in contrast:
        positive = case.expected == "positive"
        opposite = B.ASPECT_NEGATIVE if positive else B.ASPECT_POSITIVE
        verdict = next(v for v in verdicts["positive"] + verdicts["negative"] if case.text.endswith(f"{v}."))
        assert verdict in verdicts[case.expected], case.text
        before = case.text[:-len(verdict) - 1]
        assert any(f" {a}" in before for a in opposite), case.text
        assert not any(f" {a}" in before for a in B.ASPECT_NEGATIVE + B.ASPECT_POSITIVE if a not in opposite)


def test_irony_and_intensity_labels(cases):
    irony = by_capability(cases, "irony")
    backhanded = {t.format(f=f, F=f[0].upper() + f[1:]) for t in B.BACKHANDED for f in B.FILMS}
    assert all((c.text in backhanded) == (c.expected == "positive") for c in irony)
    assert any("for one reason" in c.text and c.expected == "negative" for c in irony)
    for case in by_capability(cases, "intensifiers_hedges"):
        adjective = case.text.rstrip(".").split()[-1]
        assert case.expected == ("positive" if adjective in B.MOOD_POSITIVE else "negative"), case.text
        # faint-praise hedges ("slightly enjoyable") are never generated
        if case.expected == "positive":
            assert not any(f" {h} " in case.text for h in B.NEGATIVE_ONLY_HEDGES), case.text


def test_invariance_and_direction_cases_pair_with_their_originals(cases):
    for case in by_capability(cases, "invariance"):
        assert case.original and case.text != case.original and case.expected is None
    groups = {c.template.split(":")[0] for c in by_capability(cases, "invariance")}
    assert groups == {"name", "title", "punctuation"}
    for case in by_capability(cases, "added_sentence"):
        added = case.text[len(case.original) + 1:]
        assert case.text.startswith(case.original)
        assert case.expected == ("up" if added in B.ADDED_POSITIVE else "down"), case.text
        assert added in B.ADDED_POSITIVE + B.ADDED_NEGATIVE


def test_scoring_each_kind_of_test():
    cases = [B.Case("c", "MFT", "good one", "positive"), B.Case("c", "MFT", "bad one", "negative"),
             B.Case("i", "INV", "Ann was fine.", None, "Bob was fine."),
             B.Case("i", "INV", "Ann was fine!", None, "Bob was fine."),
             B.Case("d", "DIR", "x. Loved it.", "up", "x."), B.Case("d", "DIR", "y. Loved it.", "up", "y."),
             B.Case("d", "DIR", "x. Hated it.", "down", "x.")]
    p = {"good one": 0.2, "bad one": 0.1, "Bob was fine.": 0.7, "Ann was fine.": 0.6, "Ann was fine!": 0.4,
         "x.": 0.5, "x. Loved it.": 0.46, "y.": 0.5, "y. Loved it.": 0.44, "x. Hated it.": 0.56}
    assert set(B.texts_to_score(cases)) == set(p)
    outcomes = B.score_cases(cases, p, tolerance=0.05)
    # MFT: wrong label fails; INV: a flip fails; DIR: a wrong-way move beyond the tolerance fails
    assert outcomes["failed"].tolist() == [True, False, False, True, False, True, True]


# ---- lexicon and taggers ----------------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("a good film", 1), ("not good", -1), ("The plot isn't bad at all", 1), ("never boring", 1),
    ("great acting, awful script, terrible ending", -1), ("a film about a dog", 0),
])
def test_lexicon_polarity(text, expected):
    assert polarity(text) == expected


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


@pytest.mark.parametrize("review_id, borderline, extreme", [
    ("test/neg/8977_4", True, False), ("test/pos/1235_7", True, False), ("test/neg/1_3", False, False),
    ("test/pos/5_8", False, False), ("test/neg/0_2", False, True), ("test/pos/9_10", False, True),
    ("test/neg/12_1", False, True), ("my.csv:3", False, False),
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


def test_mostly_plot_summary():
    plot = ("John is a farmer in Kansas. His wife leaves him in the spring. He sells the farm. "
            "He moves to the city with his son. There he meets an old friend. The friend offers him a job.")
    assert T.mostly_plot_summary(plot)
    assert not T.mostly_plot_summary(plot + " I loved it. The acting is superb. You must see it.")
    assert not T.mostly_plot_summary("John is a farmer. His wife leaves. He sells the farm.")  # too short


def test_tag_reviews_columns_and_length(tokenizer):
    frame = pd.DataFrame({"id": ["test/neg/1_4", "test/pos/2_10"],
                          "review": ["The cast is great, but the film is awful.", "word " * 100]})
    tags = T.tag_reviews(frame, max_length=64, tokenizer=tokenizer)
    assert list(tags.columns) == list(T.TAGS) and tags.index.tolist() == frame["id"].tolist()
    assert tags.loc["test/neg/1_4"].to_dict() == {**{t: False for t in T.TAGS}, "contrast_reversal": True,
                                                 "borderline_rating": True}
    assert tags.at["test/pos/2_10", "beyond_max_length"] and tags.at["test/pos/2_10", "extreme_rating"]
    assert all(T.TAG_RULES[t] for t in T.TAGS)  # every tag documents its rule


def test_tag_lift_on_a_hand_made_table():
    ids = [f"r{i}" for i in range(10)]
    tags = pd.DataFrame({"a": [True] * 4 + [False] * 6, "never": [False] * 10, "always": [True] * 10},
                        index=ids)
    wrong = pd.Series([True, False, True, False, True, False, False, False, False, False], index=ids)
    confidence = pd.Series([0.1, 0, 0.4, 0, 0.3, 0, 0, 0, 0, 0], index=ids)
    lift = T.tag_lift(tags, wrong, confidence, examples=5)
    a = lift.loc["a"]
    assert (a["n_with"], a["n_without"], a["errors_with"], a["errors_without"]) == (4, 6, 2, 1)
    assert a["error_rate_with"] == pytest.approx(0.5) and a["error_rate_without"] == pytest.approx(1 / 6)
    assert a["lift"] == pytest.approx(3.0)  # (2/4) / (1/6)
    assert a["examples"] == ["r2", "r0"]  # the tag's mistakes, surest first
    assert lift.loc["always", "examples"] == ["r2", "r4", "r0"]
    assert lift.loc["never", "n_with"] == 0 and math.isnan(lift.loc["never", "lift"])
    assert math.isnan(lift.loc["always", "lift"])  # nothing without the tag to compare with


# ---- the command --------------------------------------------------------------------------------

@pytest.fixture
def checkpoint_with_predictions(tiny_model_dir, tmp_path, monkeypatch):
    """A copy of the tiny checkpoint with test predictions for a six-review stand-in test split."""
    checkpoint = tmp_path / "tiny"
    shutil.copytree(tiny_model_dir, checkpoint)
    reviews = pd.DataFrame({
        "id": ["test/neg/1_4", "test/neg/2_1", "test/neg/3_2", "test/pos/4_7", "test/pos/5_10", "test/pos/6_9"],
        "review": ["Great cast, but the film is awful.", "Awful.", "Boring and dull.",
                   "Weak start, but I loved it.", "A masterpiece.", "Wonderful!"],
        "sentiment": ["negative"] * 3 + ["positive"] * 3,
    })
    data = tmp_path / "imdb"
    data.mkdir()
    reviews.to_csv(data / "test.csv.gz", index=False)
    reviews.to_csv(data / "train.csv.gz", index=False)
    # wrong on the two contrastive reviews and on one other
    predictions = reviews[["id", "sentiment"]].assign(p_positive=[0.9, 0.1, 0.2, 0.3, 0.4, 0.8])
    predictions["predicted"] = np.where(predictions["p_positive"] >= 0.5, "positive", "negative")
    predictions.to_csv(checkpoint / "predictions.csv.gz", index=False)
    monkeypatch.setenv("IMDB_DATA_DIR", str(data))
    return checkpoint


def test_command_reports_all_three_sections_and_saves(checkpoint_with_predictions, capsys):
    checkpoint = checkpoint_with_predictions
    assert main(["robustness", "--checkpoint", str(checkpoint), "--json", "--save", "--batch-size", "64"]) == 0
    captured = capsys.readouterr()
    report = json.loads(captured.out)
    assert "robustness.json" in captured.err
    assert json.loads((checkpoint / "robustness.json").read_text()) == report
    assert {"checkpoint", "max_length", "versions", "contrast_pairs", "behaviour", "taxonomy"} <= set(report)
    assert report["checkpoint"] == "tiny" and report["max_length"] == 64
    assert {"behaviour_cases", "behaviour_seed", "cad_sha256", "torch"} <= set(report["versions"])

    pairs = report["contrast_pairs"]
    assert pairs["n_pairs"] == 245 and "Kaushik" in pairs["attribution"]
    for key in ("accuracy_original", "accuracy_edited", "consistency"):
        assert 0 <= pairs[key] <= 1
    assert len(pairs["failing_pairs"]["edited_wrong"]) == round(245 * (1 - pairs["accuracy_edited"]))

    capabilities = report["behaviour"]["capabilities"]
    assert list(capabilities) == list(B.CAPABILITIES)
    for cap in capabilities.values():
        assert cap["n"] >= 100 and cap["failures"] == round(cap["failure_rate"] * cap["n"])
        assert len(cap["examples"]) <= 5

    taxonomy = report["taxonomy"]
    assert (taxonomy["n_reviews"], taxonomy["errors"]) == (6, 3)
    contrast = taxonomy["tags"]["contrast_reversal"]
    assert (contrast["n_with"], contrast["errors_with"], contrast["error_rate_without"]) == (2, 2, 0.25)
    assert contrast["lift"] == 4.0 and contrast["examples"][0]["id"] == "test/neg/1_4"
    assert taxonomy["tags"]["borderline_rating"]["n_with"] == 2
    assert (checkpoint / "robustness.json").stat().st_size < 300_000


def test_command_without_the_dataset(tiny_model_dir, tmp_path, monkeypatch, capsys):
    checkpoint = tmp_path / "tiny"
    shutil.copytree(tiny_model_dir, checkpoint)
    (tmp_path / "empty").mkdir()
    monkeypatch.setenv("IMDB_DATA_DIR", str(tmp_path / "empty"))
    with gzip.open(checkpoint / "predictions.csv.gz", "wt") as f:
        f.write("id,sentiment,predicted,p_positive\ntest/neg/1_4,negative,negative,0.1\n")
    assert main(["robustness", "--checkpoint", str(checkpoint)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "IMDB test reviews" in err and "--skip-taxonomy" in err
    assert "test.csv.gz" in err and "Traceback" not in err

    assert main(["robustness", "--checkpoint", str(checkpoint), "--skip-taxonomy"]) == 0
    text = capsys.readouterr().out
    for heading in ("1. Contrast pairs", "2. Behavioural tests", "3. Error taxonomy", "skipped: --skip-taxonomy",
                    "| capability | test | tiny |", "| accuracy on edits |"):
        assert heading in text


def test_missing_predictions_and_hub_save_are_clear_errors(tiny_model_dir, capsys):
    assert main(["robustness", "--checkpoint", str(tiny_model_dir)]) == 2
    assert "predictions.csv.gz: no such file" in capsys.readouterr().err
    assert main(["robustness", "--checkpoint", "no/such/model", "--save", "--skip-taxonomy"]) == 2
    assert "not a local folder" in capsys.readouterr().err


def test_markdown_tables_side_by_side():
    def report(rate, lift):
        return {"contrast_pairs": {"accuracy_original": 0.9, "accuracy_edited": 0.8, "consistency": 0.75,
                                   "n_pairs": 245},
                "behaviour": {"capabilities": {"irony": {"failure_rate": rate, "failures": 3, "n": 100}}},
                "taxonomy": {"n_reviews": 100, "error_rate": 0.1, "tags": {
                    "irony_cue": {"n_with": 10, "error_rate_with": 0.3, "error_rate_without": 0.1, "lift": lift}}}}
    table = markdown_tables({"big": report(0.03, 3.0), "small": report(0.25, None)})
    assert "| both right (consistency) | 75.0% | 75.0% |" in table
    assert "| irony | MFT | 3.0% (3/100) | 25.0% (3/100) |" in table
    assert "| irony_cue | 10 of 100 | 30.0% / 10.0% = 3.00 | 30.0% / 10.0% = n/a |" in table


def test_taxonomy_sample_is_reproducible(checkpoint_with_predictions):
    from sentiment.robustness.run import taxonomy_reviews

    everything = taxonomy_reviews(checkpoint_with_predictions)
    assert len(everything) == 6 and everything["wrong"].sum() == 3
    sample = taxonomy_reviews(checkpoint_with_predictions, limit=4)
    assert len(sample) == 4 and sample["id"].tolist() == taxonomy_reviews(checkpoint_with_predictions, 4)["id"].tolist()
    with pytest.raises(DataError, match="--limit-taxonomy must be positive"):
        taxonomy_reviews(checkpoint_with_predictions, limit=0)
