"""sentiment.robustness.behaviour: generated CheckList-style cases, labelled by construction, and their scoring."""
import pandas as pd
import pytest

from sentiment.robustness import behaviour as B


@pytest.fixture(scope="module")
def cases():
    return B.generate_cases()


def by_capability(cases, name):
    return [c for c in cases if c.capability == name]


def test_each_capability_has_its_sample_of_cases(cases):
    # version 1 of the lists: 150 a capability, except irony, whose templates make only 142
    assert B.VERSION == 1
    counts = pd.Series([c.capability for c in cases]).value_counts().to_dict()
    assert counts == {**{name: 150 for name in B.CAPABILITIES}, "irony": 142}
    assert all(c.test_type == B.CAPABILITIES[c.capability][0] for c in cases)
    assert len({(c.capability, c.text) for c in cases}) == len(cases)  # no case twice
    expected = pd.Series([(c.capability, c.expected) for c in cases]).value_counts().to_dict()
    assert expected == {("negated_positive", "negative"): 150, ("negated_negative", "positive"): 150,
                        ("contrast_but", "negative"): 75, ("contrast_but", "positive"): 75,
                        ("irony", "negative"): 106, ("irony", "positive"): 36,
                        ("intensifiers_hedges", "negative"): 75, ("intensifiers_hedges", "positive"): 75,
                        ("invariance", None): 150, ("added_sentence", "down"): 75, ("added_sentence", "up"): 75}


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


def test_texts_to_score_are_every_text_and_original_once_sorted():
    cases = [B.Case("i", "INV", "b", None, "a"), B.Case("i", "INV", "c", None, "a"), B.Case("m", "MFT", "b", "positive")]
    assert B.texts_to_score(cases) == ["a", "b", "c"]


# ---- scoring ------------------------------------------------------------------------------------

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
    assert list(outcomes.columns) == ["capability", "test_type", "text", "expected", "original", "template",
                                      "p_positive", "p_original", "failed"]
    assert outcomes["p_positive"].tolist() == [0.2, 0.1, 0.6, 0.4, 0.46, 0.44, 0.56]
    assert outcomes["p_original"].tolist()[2:] == [0.7, 0.7, 0.5, 0.5, 0.5]
    assert outcomes["p_original"].iloc[:2].isna().all()  # an MFT case has no original


@pytest.mark.parametrize("test_type, expected, p, p_original, failed", [
    # MFT: exactly 0.5 reads as positive
    ("MFT", "positive", 0.5, None, False),
    ("MFT", "negative", 0.5, None, True),
    ("MFT", "positive", 0.4999, None, True),
    ("MFT", "negative", 0.4999, None, False),
    # INV: 0.5 and above are one label, below it the other
    ("INV", None, 0.5, 0.4999, True),
    ("INV", None, 0.5, 0.9, False),
    ("INV", None, 0.4999, 0.0, False),
    # DIR (tolerance 0.0625, a binary fraction, so the moves below are exact): a move of exactly the
    # tolerance the wrong way is allowed, a larger one fails; any move the right way passes
    ("DIR", "up", 0.4375, 0.5, False),
    ("DIR", "up", 0.375, 0.5, True),
    ("DIR", "up", 0.9, 0.5, False),
    ("DIR", "down", 0.5625, 0.5, False),
    ("DIR", "down", 0.625, 0.5, True),
    ("DIR", "down", 0.1, 0.5, False),
])
def test_scoring_at_the_boundaries(test_type, expected, p, p_original, failed):
    case = B.Case("c", test_type, "text", expected, None if p_original is None else "original")
    scores = {"text": p, "original": p_original}
    assert B.score_cases([case], scores, tolerance=0.0625)["failed"].tolist() == [failed]


def test_an_unknown_test_type_is_refused():
    with pytest.raises(ValueError, match="unknown test type 'XYZ'"):
        B.score_cases([B.Case("c", "XYZ", "t", None)], {"t": 0.5})


def test_capability_summary_counts_failures_in_capability_order():
    outcomes = pd.DataFrame({"capability": ["irony", "negated_positive", "irony", "irony", "negated_positive"],
                             "failed": [True, False, False, True, True]})
    summary = B.capability_summary(outcomes)
    assert summary.index.tolist() == ["negated_positive", "irony"]  # CAPABILITIES order; absent ones left out
    assert summary[["test_type", "n", "failures", "failure_rate"]].to_dict("index") == {
        "negated_positive": {"test_type": "MFT", "n": 2, "failures": 1, "failure_rate": 0.5},
        "irony": {"test_type": "MFT", "n": 3, "failures": 2, "failure_rate": pytest.approx(2 / 3)}}
    assert summary.at["irony", "description"] == B.CAPABILITIES["irony"][1]
