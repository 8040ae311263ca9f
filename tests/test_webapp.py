"""The functions behind the app's tabs (explanations are covered by the explain tests and the end-to-end one)."""
import pandas as pd
import pytest

from sentiment.data import DataError
from sentiment.predictor import Predictor
from webapp import classify, mistakes, model_info


@pytest.fixture(scope="module")
def tiny_predictor(tiny_model_dir):
    return Predictor.from_pretrained(tiny_model_dir, precision="fp32")


@pytest.mark.parametrize("text, message", [
    ("", "empty"), ("   \n\t", "empty"), (None, "empty"),
    ("x" * 1_000_001, "characters long"),
    ("\x00\x01\x02binary\x03\x04" * 10, "does not look like text"),
])
def test_bad_pastes_get_a_message(text, message):
    with pytest.raises(DataError, match=message):
        classify.check_review(text)


def test_classify_reports_probabilities_and_length(tiny_predictor):
    probabilities, length = classify.classify(tiny_predictor, "<script>alert(1)</script> A fine <br /> film.")
    assert set(probabilities) == {"negative", "positive"}
    assert sum(probabilities.values()) == pytest.approx(1.0)
    assert length["tokens_skipped"] == 0 and length["words"] == 6
    long_text = "word " * 3000
    _, length = classify.classify(tiny_predictor, long_text)
    assert length["tokens"] == 3000 and length["tokens_read"] == 62 and length["tokens_skipped"] == 2938
    assert "skipped 2,938" in classify.length_note(length)


def test_csv_upload(tiny_predictor, tmp_path):
    good = tmp_path / "mine.csv"
    pd.DataFrame({"review": ["great fun", "dreadful"], "other": [1, 2]}).to_csv(good, index=False)
    path, rows = classify.classify_csv(tiny_predictor, good)
    out = pd.read_csv(path)
    assert rows == 2 and list(out.columns) == ["id", "review", "predicted", "p_positive"]
    wrong = tmp_path / "wrong.csv"
    wrong.write_text("text\nhello\n")
    with pytest.raises(DataError, match="missing column 'review'"):
        classify.classify_csv(tiny_predictor, wrong)
    too_many = tmp_path / "many.csv"
    pd.DataFrame({"review": ["ok"] * (classify.MAX_CSV_ROWS + 1)}).to_csv(too_many, index=False)
    with pytest.raises(DataError, match="rows"):
        classify.classify_csv(tiny_predictor, too_many)
    binary = tmp_path / "image.csv"
    binary.write_bytes(bytes(range(256)) * 10)
    with pytest.raises(DataError):
        classify.classify_csv(tiny_predictor, binary)


def test_error_study_comparisons_and_filters():
    truth = pd.DataFrame({"id": list("abcde"), "label": [1, 1, 0, 0, 1], "review": ["t"] * 5})
    small = pd.DataFrame({"id": list("abcde"), "predicted": ["negative", "negative", "negative", "positive", "positive"],
                          "p_positive": [0.1, 0.4, 0.3, 0.9, 0.8]})
    large = pd.DataFrame({"id": list("abcde"), "predicted": ["negative", "positive", "positive", "positive", "positive"],
                          "p_positive": [0.2, 0.7, 0.65, 0.95, 0.9]})
    table = mistakes.compare(small, large, truth)
    assert dict(zip(table["id"], table["comparison"])) == {
        "a": "both wrong", "b": "fixed by more data", "c": "broken by more data", "d": "both wrong", "e": "both right"}
    assert mistakes.counts(table) == {"both wrong": 2, "fixed by more data": 1, "broken by more data": 1,
                                      "both right": 1}
    assert list(mistakes.mistakes(table)["id"]) == ["d", "a", "c", "b"]  # surest mistakes first
    assert list(mistakes.mistakes(table, "both wrong", 0.92)["id"]) == ["d"]
    with pytest.raises(ValueError):
        mistakes.mistakes(table, "nonsense")

    # the CAD-trained checkpoint beside them: which of the large one's mistakes (c, d) it fixes, what it breaks
    cad = pd.DataFrame({"id": list("abcde"), "predicted": ["negative", "negative", "negative", "positive", "negative"],
                        "p_positive": [0.3, 0.45, 0.2, 0.6, 0.4]})
    table = mistakes.with_cad(table, cad)
    assert mistakes.cad_counts(table) == {"fixed": 1, "added": 2}  # fixes c; breaks b and e
    shown = mistakes._display(table.set_index("id").loc[["c", "b"]].reset_index())
    assert list(shown.columns) == ["id", "true", "small says", "large says", "CAD-trained says", "comparison", "review"]
    assert shown["CAD-trained says"].tolist() == ["negative (0.20)", "negative (0.45)"]
    assert shown["large says"].tolist() == ["positive (0.65)", "positive (0.70)"]


def test_model_tab_tables_from_a_report():
    report = {"metrics": {"accuracy": 0.9, "precision": 0.9, "recall": 0.9, "f1": 0.9,
                          "confusion_matrix": [[40, 10], [5, 45]]},
              "timings": {"training_s": 100, "evaluation_s": 10}, "train_size": 1000, "test_size": 100,
              "device": {"training": "cpu", "evaluation": "cpu"},
              "mixed_precision": {"training": "bf16", "evaluation": "bf16"},
              "parameters": {"total": 10, "head": 2},
              "log_history": [{"loss": 0.7, "step": 10}, {"eval_loss": 0.5, "eval_accuracy": 0.8, "step": 20}]}
    table = model_info.confusion_table(report)
    assert table["predicted positive"].tolist() == [10, 45]
    assert table["predicted negative"].tolist() == [40, 5]
    assert table["rate predicted negative"].tolist() == [0.8, 0.1]  # shares of each true label
    assert table["rate predicted positive"].tolist() == [0.2, 0.9]
    figure = model_info.confusion_figure(report)
    (axes, _colorbar) = figure.axes
    assert [t.get_text() for t in axes.texts] == ["40\n80.0%", "10\n20.0%", "5\n10.0%", "45\n90.0%"]
    assert [t.get_text() for t in axes.get_yticklabels()] == ["negative", "positive"]
    assert axes.get_ylabel() == "true label" and axes.get_xlabel() == "predicted"
    curve = model_info.training_curve(report)
    assert sorted(curve["series"]) == ["training loss", "validation accuracy", "validation loss"]
    assert model_info.summary_table({"m": report})["accuracy"].tolist() == [0.9]



def test_checkpoint_picker_by_name_puts_sentiment_model_first_once(tmp_path, monkeypatch):
    from webapp.models import available_checkpoints

    for name in ("zeta", "minilm-imdb-8k", "minilm-imdb-25k", "not-a-checkpoint"):
        (tmp_path / name).mkdir()
        if name != "not-a-checkpoint":
            (tmp_path / name / "config.json").write_text("{}")
    monkeypatch.delenv("SENTIMENT_MODEL", raising=False)
    assert available_checkpoints(tmp_path) == {n: str(tmp_path / n) for n in
                                               ("minilm-imdb-25k", "minilm-imdb-8k", "zeta")}
    assert list(available_checkpoints(tmp_path)) == ["minilm-imdb-25k", "minilm-imdb-8k", "zeta"]
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SENTIMENT_MODEL", "zeta")
    assert list(available_checkpoints(tmp_path)) == ["zeta", "minilm-imdb-25k", "minilm-imdb-8k"]
    assert available_checkpoints(tmp_path)["zeta"] == "zeta"
    monkeypatch.setenv("SENTIMENT_MODEL", "bert-base-uncased")
    assert list(available_checkpoints(tmp_path))[0] == "bert-base-uncased"


def test_checkpoints_are_located_by_name_only(monkeypatch):
    from webapp import models

    monkeypatch.delenv("SENTIMENT_MODEL", raising=False)
    monkeypatch.setattr(models, "available_checkpoints", lambda: {"small": "/srv/secret/small"})
    assert models.locate("small") == "/srv/secret/small"
    for bad in ("/srv/other/small", "../small", ["small"], None, "", "x" * 500):
        with pytest.raises(DataError) as error:
            models.locate(bad)
        assert "/srv/secret" not in str(error.value) and "small" in str(error.value)


def test_trust_note_says_what_the_model_reads_without_the_words():
    from explain import Explanation
    from webapp.explain_view import trust_note

    def explanation(baseline_p, error):
        return Explanation(text="a film", label="positive", p_positive=0.9, target="positive", method="ig", words=[],
                           margin_input=2.2, margin_baseline=0.01, baseline="neutral",
                           baseline_p_positive=baseline_p, attribution_sum=2.19, convergence_delta=-0.002,
                           completeness_error=error, relative_delta=0.001, n_steps=12, steps_note=None,
                           dropped=None, seconds=0.8)

    note = trust_note(explanation(0.502, 0.004))
    assert "words taken out, the model reads the review as P(positive) = 0.50: no opinion either way" in note
    assert "0.4% of the scores' total size" in note and "almost exactly" in note
    leaning = trust_note(explanation(0.91, 0.08))
    assert "leans positive" in leaning and "read them with care" in leaning


def _robustness_report(rate_a, lift_b, failing_pair="122"):
    return {"contrast_pairs": {"accuracy_original": 0.96, "accuracy_edited": 0.85, "consistency": 0.812, "n_pairs": 245,
                               "failing_pairs": {"original_wrong": [failing_pair], "edited_wrong": [failing_pair, "7"]}},
            "behaviour": {"capabilities": {
                "a": {"failure_rate": rate_a, "examples": [{"text": "x, but bad", "original": None,
                                                            "p_positive": 0.9, "p_original": None}]},
                "b": {"failure_rate": 0.5, "examples": [{"text": "Bob was dull.", "original": "Ann was dull.",
                                                         "p_positive": 0.6, "p_original": 0.4}]}}},
            "taxonomy": {"tags": {"t": {"lift": lift_b, "error_rate_with": 0.2, "error_rate_without": 0.1,
                                        "n_with": 40},
                                  "empty": {"lift": None, "error_rate_with": None, "error_rate_without": 0.1,
                                            "n_with": 0}}}}


def test_robustness_view_tables_from_saved_reports():
    from webapp import robustness_view as view

    reports = {"big": _robustness_report(0.25, 2.0), "small": _robustness_report(0.75, 1.5)}
    rates = view.capability_rates(reports)
    assert rates[["capability", "checkpoint", "failure rate (%)"]].values.tolist() == [
        ["a", "big", 25.0], ["b", "big", 50.0], ["a", "small", 75.0], ["b", "small", 50.0]]
    lifts = view.tag_lifts(reports)
    assert lifts[["tag", "checkpoint", "lift", "error rate with (%)", "error rate without (%)"]].values.tolist() == [
        ["t", "big", 2.0, 20.0, 10.0], ["t", "small", 1.5, 20.0, 10.0]]  # a tag no review carries is left out
    assert view.contrast_summary(reports).iloc[0].tolist() == ["big", 96.0, 85.0, 81.2, 245]
    cases = view.failing_cases({"big": reports["big"]})
    assert cases["key"].tolist() == ["big|pair|122", "big|pair|7", "big|case|b|0"]  # MFT cases have no original
    assert cases["what failed"].tolist()[:2] == ["pair 122: original and edited misread", "pair 7: edited misread"]
    assert view.case_texts(reports, "big|case|b|0") == ("big", "Ann was dull.", "Bob was dull.")
    checkpoint, original, edited = view.case_texts(reports, "big|pair|122")
    assert checkpoint == "big" and "annoyed by how bad" in original and "annoyed by how good" in edited
    for bad in ("", "nobody|pair|122", "big|case|b|9", "big|pair|nonexistent", None):
        with pytest.raises(DataError):
            view.case_texts(reports, bad)


def test_error_messages_for_the_page_hide_server_folders_and_escape_html():
    from webapp.errors import for_the_page

    assert for_the_page("/srv/app/study/cad_dev.csv.gz: no such file (set CAD_DATA_DIR)") == \
        "cad_dev.csv.gz: no such file (set CAD_DATA_DIR)"
    assert for_the_page("No review with id <b>x</b> & more") == "No review with id &lt;b&gt;x&lt;/b&gt; & more".replace(
        "& more", "&amp; more")
    assert for_the_page("ids look like test/neg/8977_4; ratio 1/2") == "ids look like test/neg/8977_4; ratio 1/2"


def test_selecting_a_failing_case_reads_its_key_from_the_row():
    from types import SimpleNamespace

    from webapp.robustness_view import key_from_selection

    event = SimpleNamespace(index=[0, 0], row_value=["big", "contrast pair", "pair 7: edited misread", "big|pair|7"])
    assert key_from_selection(event) == "big|pair|7"
