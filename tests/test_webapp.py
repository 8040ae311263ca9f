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


def test_model_tab_tables_from_a_report():
    report = {"metrics": {"accuracy": 0.9, "precision": 0.9, "recall": 0.9, "f1": 0.9,
                          "confusion_matrix": [[40, 10], [5, 45]]},
              "timings": {"training_s": 100, "evaluation_s": 10}, "train_size": 1000, "test_size": 100,
              "device": {"training": "cpu", "evaluation": "cpu"},
              "mixed_precision": {"training": "bf16", "evaluation": "bf16"},
              "parameters": {"total": 10, "head": 2},
              "log_history": [{"loss": 0.7, "step": 10}, {"eval_loss": 0.5, "eval_accuracy": 0.8, "step": 20}]}
    assert model_info.confusion_table(report)["predicted positive"].tolist() == [10, 45]
    curve = model_info.training_curve(report)
    assert sorted(curve["series"]) == ["training loss", "validation accuracy", "validation loss"]
    assert model_info.summary_table({"m": report})["accuracy"].tolist() == [0.9]



def test_checkpoint_picker_puts_sentiment_model_first_once(tmp_path, monkeypatch):
    from webapp.models import available_checkpoints

    for name in ("zeta", "minilm-imdb-8k", "minilm-imdb-25k", "not-a-checkpoint"):
        (tmp_path / name).mkdir()
        if name != "not-a-checkpoint":
            (tmp_path / name / "config.json").write_text("{}")
    monkeypatch.delenv("SENTIMENT_MODEL", raising=False)
    assert [p.split("/")[-1] for p in available_checkpoints(tmp_path)] == ["minilm-imdb-25k", "minilm-imdb-8k", "zeta"]
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SENTIMENT_MODEL", "zeta")
    assert [p.split("/")[-1] for p in available_checkpoints(tmp_path)] == ["zeta", "minilm-imdb-25k", "minilm-imdb-8k"]
    monkeypatch.setenv("SENTIMENT_MODEL", "bert-base-uncased")
    assert available_checkpoints(tmp_path)[0] == "bert-base-uncased"
