"""The Robustness tab (webapp/robustness_tab.py): every table and rate, from hand-made reports."""
import copy
import json
from types import SimpleNamespace

import pytest

from sentiment.data import DataError
from sentiment.robustness.report import REPORT_FILE
from explain.patterns import parts_html
from webapp import checkpoints, explanations
from webapp import robustness_tab as view


def _robustness_report(rate_a, lift_b, failing_pair="122", pairs=(0.96, 0.85, 0.812, 245)):
    original, edited, consistency, n_pairs = pairs
    return {"contrast_pairs": {"accuracy_original": original, "accuracy_edited": edited, "consistency": consistency,
                               "n_pairs": n_pairs, "failing_pairs": {"original_wrong": [failing_pair],
                                                                 "edited_wrong": [failing_pair, "7"]}},
            "behaviour": {"capabilities": {
                "a": {"failure_rate": rate_a, "examples": [{"text": "x, but bad", "original": None,
                                                            "p_positive": 0.9, "p_original": None}]},
                "b": {"failure_rate": 0.5, "examples": [{"text": "Bob was dull.", "original": "Ann was dull.",
                                                         "p_positive": 0.6, "p_original": 0.4}]}}},
            "taxonomy": {"tags": {"t": {"lift": lift_b, "error_rate_with": 0.2, "error_rate_without": 0.1,
                                        "n_with": 40, "lift_within_class": 2 * lift_b,
                                        "lift_by_class": {"negative": 1.25, "positive": lift_b}},
                                  "empty": {"lift": None, "error_rate_with": None, "error_rate_without": 0.1,
                                            "n_with": 0}}}}


@pytest.fixture
def reports():
    return {"big": _robustness_report(0.25, 2.0),
            "small": _robustness_report(0.75, 1.456, pairs=(0.9, 0.7049, 0.6551, 244))}


def test_capability_rates_one_row_per_capability_and_checkpoint_in_percent(reports):
    rates = view.capability_rates(reports)
    assert list(rates.columns) == ["capability", "checkpoint", "failure rate (%)", "bar"]
    assert rates.values.tolist() == [["a", "big", 25.0, "a · big"], ["b", "big", 50.0, "b · big"],
                                     ["a", "small", 75.0, "a · small"], ["b", "small", 50.0, "b · small"]]


def test_tag_lifts_leave_out_a_tag_no_review_carries(reports):
    lifts = view.tag_lifts(reports)
    assert list(lifts.columns) == ["tag", "checkpoint", "lift within class", "lift (crude)", "lift on negatives",
                                   "lift on positives", "error rate with (%)", "error rate without (%)",
                                   "reviews with it", "bar"]
    # rounded to 2 places: 2 * 1.456 = 2.912 -> 2.91
    assert lifts.values.tolist() == [["t", "big", 4.0, 2.0, 1.25, 2.0, 20.0, 10.0, 40, "t · big"],
                                     ["t", "small", 2.91, 1.46, 1.25, 1.46, 20.0, 10.0, 40, "t · small"]]


def test_contrast_summary_in_percent(reports):
    summary = view.contrast_summary(reports)
    assert list(summary.columns) == ["checkpoint", "right on originals (%)", "right on edits (%)",
                                     "right on both (%)", "pairs"]
    # each checkpoint's own figures, in its row; rounded to one place (70.49 -> 70.5, 65.51 -> 65.5)
    assert summary.values.tolist() == [["big", 96.0, 85.0, 81.2, 245], ["small", 90.0, 70.5, 65.5, 244]]


def test_failing_cases_list_every_failing_pair_and_every_failing_case(reports):
    cases = view.failing_cases({"big": reports["big"]})
    assert list(cases.columns) == ["key", "checkpoint", "kind", "expected", "P(positive)", "template", "what failed"]
    assert cases.astype(object).where(cases.notna(), "-").values.tolist() == [
        ["big|pair|122", "big", "contrast pair", "", "-", "CAD dev", "pair 122: original and edited misread"],
        ["big|pair|7", "big", "contrast pair", "", "-", "CAD dev", "pair 7: edited misread"],
        ["big|case|a|0", "big", "a", "same verdict", 0.9, "", "x, but bad"],  # an older report: its examples
        ["big|case|b|0", "big", "b", "same verdict", 0.6, "", "P(positive) 0.40 -> 0.60: Bob was dull."]]
    # a report with every failure listed: all of them, not the examples
    report = copy.deepcopy(reports["big"])
    report["behaviour"]["capabilities"]["a"]["failing"] = [
        {"text": "not dull", "original": None, "expected": "positive", "template": "t3", "p_positive": 0.02},
        {"text": "not boring", "original": None, "expected": "positive", "template": "t3", "p_positive": 0.1}]
    rows = view.failing_cases({"big": report}).query("kind == 'a'")
    assert rows[["key", "expected", "P(positive)", "template", "what failed"]].values.tolist() == [
        ["big|case|a|0", "positive", 0.02, "t3", "not dull"], ["big|case|a|1", "positive", 0.1, "t3", "not boring"]]
    assert view.case_texts({"big": report}, "big|case|a|1") == (
        "big", None, "not boring", "a, template t3: expected positive; big read P(positive) 0.10.")


def test_empty_reports_give_empty_tables_with_their_columns():
    assert list(view.capability_rates({}).columns) == ["capability", "checkpoint", "failure rate (%)", "bar"]
    assert view.tag_lifts({}).empty and view.failing_cases({}).empty and view.capability_rates({}).empty


def test_case_texts_give_the_original_and_its_variant(reports):
    assert view.case_texts(reports, "big|case|b|0") == (
        "big", "Ann was dull.", "Bob was dull.", "b, template n/a: expected the same verdict as the original; big "
                                                 "read P(positive) 0.60.")
    checkpoint, original, edited, note = view.case_texts(reports, "big|pair|122")  # whole texts, CAD dev file
    assert checkpoint == "big" and "annoyed by how bad" in original and "annoyed by how good" in edited
    assert note == "CAD pair 122: the original is negative, the edit positive."


@pytest.mark.parametrize("bad", ["", "nobody|pair|122", "big|case|b|9", "big|case|a|1", "big|case|b|x",
                                 "big|pair|nonexistent", "big|pair", None])
def test_case_texts_of_a_bad_key_is_a_message(reports, bad):
    with pytest.raises(DataError):
        view.case_texts(reports, bad)


def test_load_reports_reads_only_checkpoints_with_a_saved_report(tmp_path):
    (tmp_path / "big").mkdir()
    (tmp_path / "big" / REPORT_FILE).write_text(json.dumps(_robustness_report(0.25, 2.0)))
    (tmp_path / "none").mkdir()
    loaded = view.load_reports({"big": str(tmp_path / "big"), "none": str(tmp_path / "none")})
    assert loaded == {"big": _robustness_report(0.25, 2.0)}


def test_overview_puts_the_key_last_and_names_the_reports(reports, monkeypatch):
    monkeypatch.setattr(view, "_reports", lambda: reports)
    note, rates, tags, tag_table, summary, cases, push_chart, push_table, *charts = view.overview()
    assert push_chart.empty and push_table.empty  # these reports have no attribution figures
    assert charts[2] is None  # nor a push chart to download
    assert note == "Reports of `big`, `small`."
    assert rates.equals(view.capability_rates(reports)) and tags.equals(view.tag_lifts(reports))
    assert list(tag_table.columns) == ["tag", "checkpoint", "lift within class", "lift (crude)", "lift on negatives",
                                       "lift on positives", "error rate with (%)", "error rate without (%)",
                                       "reviews with it"]
    assert summary.equals(view.contrast_summary(reports))
    assert list(cases.columns) == ["checkpoint", "kind", "expected", "P(positive)", "template", "what failed", "key"]
    assert cases["key"].tolist()[:4] == ["big|pair|122", "big|pair|7", "big|case|a|0", "big|case|b|0"]


def test_overview_downloads_each_chart_drawn_from_the_frame_it_shows(reports, monkeypatch):
    from webapp import figures

    monkeypatch.setattr(view, "_reports", lambda: reports)
    monkeypatch.setattr(checkpoints, "checkpoint_names", lambda: ["small", "big"])
    drawn = []
    monkeypatch.setattr(figures, "_shared_png", lambda chart, rows, colours: drawn.append((chart, rows, colours))
                        or (b"\x89PNG" + chart.title.encode() if rows else None))  # no rows: nothing drawn
    _, rates, tags, *_, capability_png, tag_png, push_png = view.overview()
    colours = (("small", figures.PALETTE[0]), ("big", figures.PALETTE[1]))  # the app's checkpoint colours
    assert drawn == [
        (view.CAPABILITY_CHART,
         tuple(rates[["bar", "failure rate (%)", "checkpoint"]].itertuples(index=False, name=None)), colours),
        (view.TAG_CHART, tuple(tags[["bar", "lift within class", "checkpoint"]].itertuples(index=False, name=None)),
         colours),
        (view.PUSH_CHART, (), colours)]
    assert open(capability_png, "rb").read() == b"\x89PNG" + view.CAPABILITY_CHART.title.encode()
    assert capability_png.endswith(".png") and "capabilities-chart-" in capability_png
    assert open(tag_png, "rb").read() == b"\x89PNG" + view.TAG_CHART.title.encode() and push_png is None


def test_overview_without_reports_says_how_to_make_them(monkeypatch):
    monkeypatch.setattr(view, "_reports", lambda: {})
    assert view.overview()[0] == ("No robustness reports here yet: run `python -m sentiment robustness "
                                  "--checkpoint checkpoints/NAME --save` for each checkpoint.")


def test_selecting_a_failing_case_reads_its_key_from_the_row():
    event = SimpleNamespace(index=[0, 0], row_value=["big", "contrast pair", "pair 7: edited misread", "big|pair|7"])
    assert view.key_from_selection(event) == "big|pair|7"


def test_compare_case_explains_both_texts_with_the_checkpoint_that_failed(reports, monkeypatch, explainer):
    monkeypatch.setattr(view, "_reports", lambda: reports)
    # the five side-by-side outputs, made of the texts
    monkeypatch.setattr(explanations, "contrast_of", lambda before, after: (
        {"negative": 0.25, "positive": 0.75}, {"negative": 0.5, "positive": 0.5}, f"<p>{before.text}</p>",
        f"<p>{after.text}</p>", None))
    asked = []
    monkeypatch.setattr(checkpoints, "explainer", lambda name: asked.append(name) or explainer)
    shown = view.compare_case("small|case|b|0")
    # the stub's contrast stands for the five side-by-side outputs, of the checkpoint that failed the case
    assert shown[:2] == ("Ann was dull.", "Bob was dull.") and shown[4:7] == ("<p>Ann was dull.</p>",
                                                                          "<p>Bob was dull.</p>", None)
    assert set(asked) == {"small"}
    assert shown[7].startswith("**b, template n/a: expected the same verdict") and "parts marked (small)" in shown[7]
    assert shown[8] == parts_html(explainer.explain("Bob was dull."))
    # the download: the note, both texts side by side, the case with its parts marked
    page = open(shown[9], encoding="utf-8").read()
    assert "case-small-case-b-0-" in shown[9] and "<h1>A failing case of small</h1>" in page
    assert "<p><strong>b, template n/a: expected the same verdict" in page
    assert ('<div class="columns"><div><h3>Original</h3><p class="verdict">positive, P(positive) 0.75</p>'
            "<p>Ann was dull.</p></div><div><h3>The case</h3>") in page
    assert f"<h2>The case, its parts marked</h2>\n{shown[8]}" in page
    # a case without an original: the case alone, with its verdict
    monkeypatch.setattr(view, "case_texts", lambda reports, key: ("small", None, "Not dull.<br />Fun.", "note"))
    original, text, label_a, label_b, view_a, view_b, moved, note, marked, page = view.compare_case("any")
    e = explainer.explain("Not dull.<br />Fun.")
    assert (original, text, label_a, view_a, view_b, moved) == ("", "Not dull.\nFun.", None, "", "", None)
    assert label_b == {"negative": 1 - e.p_positive, "positive": e.p_positive} and marked == parts_html(e)
    text = open(page, encoding="utf-8").read()
    assert marked in text and 'class="columns"' not in text  # no original: nothing side by side




def test_push_figures_list_each_part_per_checkpoint_and_outcome(reports):
    report = copy.deepcopy(reports["big"])
    report["behaviour"]["capabilities"]["contrast_but"] = {"attribution": {
        "right": {"n": 3, "parts": {"turn": {"n": 3, "mean": 2.5, "low": 1.0, "high": 4.0},
                                    "turn_share": {"n": 3, "mean": 0.7, "low": 0.6, "high": 0.8}}},
        "wrong": {"n": 1, "parts": {"turn": {"n": 1, "mean": -1.0, "low": None, "high": None}}}}}
    report["contrast_pairs"]["edit_attribution"] = {"right": {"n": 2, "parts": {
        "edited_share": {"n": 2, "mean": 0.9, "low": 0.5, "high": 1.3}}}, "wrong": {"n": 0, "parts": {}}}
    figures = view.push_figures({"big": report, "small": reports["small"]})
    assert figures.drop(columns="bar").values.tolist() == [
        ["contrast_but", "turn", "big", "right", 2.5, "+1.00 to +4.00", 3],
        ["contrast_but", "turn", "big", "wrong", -1.0, "one case", 1],
        ["contrast_but", "turn_share", "big", "right", 0.7, "+0.60 to +0.80", 3],
        ["contrast_pairs", "edited_share", "big", "right", 0.9, "+0.50 to +1.30", 2]]
    # one bar per row: a label shared by two checkpoints would stack their means in the app's chart
    assert figures["bar"].tolist()[0] == "contrast_but · turn · read right · big"
    assert figures["bar"].is_unique
