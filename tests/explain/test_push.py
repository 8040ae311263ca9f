"""explain/push.py: word scores summed per part, per case and per phenomenon, on models whose answers are
known (the linear toy model from the [PAD] baseline: a word's push toward positive is its weight)."""
import pytest

from explain import Explainer
from explain.push import (add_to_report, capability_push, contrast_parts, edit_share, literal_parts,
                          negation_parts, part_push, summarise)
from explain.words import Word
from sentiment.errors import DataError
from sentiment.robustness import behaviour
from sentiment.robustness.behaviour import Case
from sentiment.robustness.stats import mean_interval
from toy_models import BagOfWords, hand_made_explanation

WEIGHTS = {"superb": 2.0, "dull": -3.0, "not": 0.5, "boring": -1.0, "great": 1.5, "waste": -2.0, "film": 0.25}


@pytest.fixture(scope="module")
def toy(tokenizer):
    ids = {tokenizer.convert_tokens_to_ids(token): w for token, w in WEIGHTS.items()}
    return Explainer(BagOfWords(ids), tokenizer, max_length=64, precision="fp32", baseline="pad")


def test_part_push_sums_the_words_that_start_in_the_spans(toy):
    text = "A superb film, dull plot."
    e = toy.explain(text, target="positive")
    assert part_push(e, [(0, 13)], "positive") == pytest.approx(2.25)   # superb + film
    assert part_push(e, [(0, 13)], "negative") == pytest.approx(-2.25)  # the same push, seen from the other side
    assert part_push(e, [(15, 19), (2, 8)], "positive") == pytest.approx(-1.0)  # dull + superb
    assert part_push(e, [], "positive") == 0.0


def test_the_turn_and_the_concession_of_a_contrast(toy):
    # toward negative, the expected label: the turn ("the film is dull") pushes 3 - 0.25, the concession -2
    e = toy.explain("The acting was superb, but the film is dull.", target="negative")
    parts = contrast_parts(e, "negative")
    assert parts == pytest.approx({"turn": 2.75, "concession": -2.0, "turn_share": 2.75 / 4.75})
    assert contrast_parts(toy.explain("A superb film.", target="positive"), "positive") is None


def test_the_cue_and_the_negated_word(toy):
    e = toy.explain("The film was not boring at all.", target="positive")
    assert negation_parts(e, "positive") == pytest.approx({"cue": 0.5, "negated_word": -1.0})
    # a cue without a lexicon word after it: the negated word has no figure
    assert negation_parts(toy.explain("I don't regret a minute.", target="positive"), "positive") == \
        {"cue": 0.0, "negated_word": None}
    assert negation_parts(toy.explain("A superb film.", target="positive"), "positive") is None


def test_literal_words_against_the_rest(toy):
    e = toy.explain("What a great way to waste a film.", target="negative")
    # toward negative: great -1.5, waste +2.0; the rest is "film" (-0.25)
    assert literal_parts(e, "negative") == pytest.approx({"literal_words": 0.5, "rest": -0.25})


def _explanation(text, scored):
    words, start = [], 0
    for word, score in scored:
        start = text.index(word, start)
        words.append(Word(word, start, start + len(word), score))
        start += len(word)
    return hand_made_explanation(text, words, 0.5, "positive")


def test_edit_share_is_the_edited_words_part_of_the_change():
    original = _explanation("a superb film", [("a", 0.0), ("superb", 2.0), ("film", 0.5)])
    edited = _explanation("a dull film", [("a", 0.0), ("dull", -3.0), ("film", -0.5)])
    # change -5.5 - ... : totals 2.5 -> -3.5 = -6; carried by the edit: -3 - 2 = -5; the rest moved -1
    assert edit_share(original, edited) == pytest.approx(5 / 6)
    assert edit_share(edited, original) == pytest.approx(5 / 6)  # the same pair read backwards
    # no change worth sharing out
    same = _explanation("a superb film", [("a", 0.0), ("superb", 2.2), ("film", 0.5)])
    assert edit_share(original, same) is None
    with pytest.raises(ValueError, match="positive margin"):
        edit_share(original, hand_made_explanation("a dull film", edited.words, 0.2, "negative"))


def test_summarise_splits_right_from_wrong_and_skips_missing_parts():
    values = [{"turn": 1.0, "concession": None}, {"turn": 3.0}, None, {"turn": -2.0, "concession": 4.0}]
    right = [True, True, False, False]
    assert summarise(values, right) == {
        "right": {"n": 2, "parts": {"concession": mean_interval([]), "turn": mean_interval([1.0, 3.0])}},
        "wrong": {"n": 2, "parts": {"concession": mean_interval([4.0]), "turn": mean_interval([-2.0])}}}


def test_capability_push_explains_toward_the_expected_label_and_keeps_each_case(toy):
    cases = [Case("contrast_but", "MFT", "The acting was superb, but the film is dull.", "negative"),
             Case("contrast_but", "MFT", "The film was dull, but superb.", "positive"),  # read negative: wrong
             Case("contrast_but", "MFT", "A superb film.", "positive")]                  # no contrast
    section = capability_push(toy, cases, contrast_parts)
    assert section["cases"]["right"] == [True, False, True]
    assert section["cases"]["values"][0] == {"turn": 2.75, "concession": -2.0, "turn_share": round(2.75 / 4.75, 4)}
    assert section["cases"]["values"][1] == {"turn": 2.0, "concession": -2.75, "turn_share": round(2 / 4.75, 4)}
    assert section["cases"]["values"][2] is None
    assert section["right"]["n"] == 2 and section["right"]["parts"]["turn"] == mean_interval([2.75])
    assert section["wrong"]["parts"]["concession"] == mean_interval([-2.75])


def test_the_sections_go_into_a_saved_report_of_the_same_case_set():
    report = {"versions": {"behaviour_cases": behaviour.VERSION, "behaviour_seed": behaviour.SEED},
              "behaviour": {"capabilities": {"contrast_but": {"n": 150}}}, "contrast_pairs": {"n_pairs": 245}}
    out = add_to_report(report, {"contrast_but": {"right": 1}, "contrast_pairs": {"right": 2}}, {"seconds": 1.0})
    assert out["behaviour"]["capabilities"]["contrast_but"] == {"n": 150, "attribution": {"right": 1}}
    assert out["contrast_pairs"] == {"n_pairs": 245, "edit_attribution": {"right": 2}}
    assert out["attribution_run"] == {"seconds": 1.0}
    report["versions"]["behaviour_cases"] = behaviour.VERSION + 1
    with pytest.raises(DataError, match="rerun `python -m sentiment robustness --save` first"):
        add_to_report(report, {}, {})


def test_the_command_adds_the_sections_to_the_saved_report(tmp_path, monkeypatch, capsys):
    import json
    from types import SimpleNamespace

    from explain import push

    report = {"versions": {"behaviour_cases": behaviour.VERSION, "behaviour_seed": behaviour.SEED},
              "behaviour": {"capabilities": {"irony": {"n": 142}}}, "contrast_pairs": {"n_pairs": 245}}
    (tmp_path / "robustness.json").write_text(json.dumps(report))
    sections = {"irony": {"right": {"n": 1, "parts": {}}, "wrong": {"n": 0, "parts": {}}},
                "contrast_pairs": {"right": {"n": 2, "parts": {}}, "wrong": {"n": 0, "parts": {}}}}
    monkeypatch.setattr(push.Explainer, "from_pretrained", lambda *a, **k: SimpleNamespace(precision="fp32"))
    monkeypatch.setattr(push, "push_sections", lambda *a, **k: sections)
    assert push.main(["--checkpoint", str(tmp_path), "--save", "--json"]) == 0
    saved = json.loads((tmp_path / "robustness.json").read_text())
    assert saved["behaviour"]["capabilities"]["irony"] == {"n": 142, "attribution": sections["irony"]}
    assert saved["contrast_pairs"]["edit_attribution"] == sections["contrast_pairs"]
    assert saved["attribution_run"]["precision"] == "fp32"
    assert capsys.readouterr().err == f"saved {tmp_path / 'robustness.json'}\n"
