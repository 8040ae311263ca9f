"""The Model tab (webapp/model_tab.py): every table and the details, from hand-made reports."""
import json

import pytest

from webapp import checkpoints, model_tab
from webapp.figures import chart_png, figure_png


def _report(**overrides):
    report = {"model": "minilm", "protocol": "official split", "train_size": 24_998, "validation_size": 2_000,
              "test_size": 25_000, "max_length": 256, "truncation": "head+tail",
              "metrics": {"accuracy": 0.91234, "precision": 0.88771, "recall": 0.94561, "f1": 0.91571,
                          "confusion_matrix": [[40, 10], [5, 45]]},
              "timings": {"training_s": 100, "evaluation_s": 10, "tokenisation_s": 9.04,
                          "training_samples_per_s": 7.669, "evaluation_reviews_per_s": 52.49},
              "device": {"training": "cuda", "evaluation": "cpu"},
              "mixed_precision": {"training": "bf16", "evaluation": "fp32"},
              "parameters": {"total": 22_713_216, "head": 1_538},
              "validation": [{"eval_accuracy": 0.866}, {"eval_accuracy": 0.8884}, {"eval_accuracy": 0.87}],
              "log_history": [{"loss": 0.7, "step": 10}, {"eval_loss": 0.5, "eval_accuracy": 0.8, "step": 20},
                              {"train_runtime": 3194.4, "step": 20}, {"loss": 0.4}]}
    report.update(overrides)
    return report


SUMMARY_COLUMNS = ["model", "accuracy", "precision", "recall", "F1", "trained on", "tested on", "training",
                   "evaluation", "parameters"]


def test_summary_table_row_per_model_with_every_column():
    table = model_tab.summary_table({"m": _report()})
    assert list(table.columns) == SUMMARY_COLUMNS
    assert table.values.tolist() == [["m", 0.9123, 0.8877, 0.9456, 0.9157, "24,998", "25,000",
                                      "1 min 40 s, cuda bf16", "10.0 s, cpu", "22.7 M, head 1,538"]]


def test_summary_table_says_n_a_for_a_time_not_measured():
    table = model_tab.summary_table({"b": _report(timings={})})
    assert table[["training", "evaluation"]].values.tolist() == [["n/a, cuda bf16", "n/a, cpu"]]


def test_confusion_table_counts_and_shares_of_each_true_label():
    table = model_tab.confusion_table(_report())
    assert list(table.columns) == ["true label", "predicted negative", "predicted positive",
                                   "rate predicted negative", "rate predicted positive"]
    assert table.values.tolist() == [["negative", 40, 10, 0.8, 0.2], ["positive", 5, 45, 0.1, 0.9]]


def test_confusion_table_of_a_test_set_without_negatives():
    metrics = {**_report()["metrics"], "confusion_matrix": [[0, 0], [5, 45]]}
    table = model_tab.confusion_table(_report(metrics=metrics))
    assert table[["rate predicted negative", "rate predicted positive"]].values.tolist() == [[0.0, 0.0], [0.1, 0.9]]


def test_confusion_figure_labels_each_cell_with_count_and_share():
    figure = model_tab.confusion_figure(_report())
    (axes, _colorbar) = figure.axes
    assert [t.get_text() for t in axes.texts] == ["40\n80.0%", "10\n20.0%", "5\n10.0%", "45\n90.0%"]
    assert [t.get_color() for t in axes.texts] == ["white", "black", "black", "white"]  # legible on dark cells
    assert [t.get_text() for t in axes.get_yticklabels()] == ["negative", "positive"]
    assert [t.get_text() for t in axes.get_xticklabels()] == ["negative", "positive"]
    assert axes.get_ylabel() == "true label" and axes.get_xlabel() == "predicted"
    assert axes.images[0].get_array().tolist() == [[0.8, 0.2], [0.1, 0.9]]  # colour: the share


def test_training_curve_has_one_row_per_logged_value():
    curve = model_tab.training_curve(_report())
    assert list(curve.columns) == ["step", "value", "series"]
    assert curve.values.tolist() == [[10, 0.7, "training loss"], [20, 0.5, "validation loss"],
                                     [20, 0.8, "validation accuracy"]]  # an entry without a step is left out
    assert model_tab.training_curve({}).empty and list(model_tab.training_curve({}).columns) == list(curve.columns)


def _write(folder, report):
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "report.json").write_text(json.dumps(report))
    return folder


def test_load_report_of_a_folder_without_a_readable_report_is_none(tmp_path):
    assert model_tab.load_report(_write(tmp_path / "good", _report())) == _report()
    assert model_tab.load_report(tmp_path / "missing") is None
    (tmp_path / "bad").mkdir()
    (tmp_path / "bad" / "report.json").write_text("{not json")
    assert model_tab.load_report(tmp_path / "bad") is None


def test_summary_lists_checkpoints_with_a_report_then_the_baseline(tmp_path, monkeypatch):
    found = {"b-model": str(_write(tmp_path / "b", _report())), "no-report": str(tmp_path / "empty"),
             "a-model": str(_write(tmp_path / "a", _report()))}
    monkeypatch.setattr(checkpoints, "available_checkpoints", lambda: found)
    monkeypatch.setattr(model_tab, "BASELINE_DIR", _write(tmp_path / "baseline", _report()))
    assert model_tab.summary()["model"].tolist() == ["b-model", "a-model", "TF-IDF baseline"]


def test_details_of_a_checkpoint(tmp_path, monkeypatch):
    monkeypatch.setattr(checkpoints, "locate", {"m": _write(tmp_path / "m", _report())}.__getitem__)
    text, figure, curve, confusion_png, curve_png = model_tab.details("m")
    assert text == """**m**, fine-tuned from `sentence-transformers/all-MiniLM-L6-v2`.
- Data: official split; 24,998 training reviews, 2,000
  held out for validation, 25,000 test reviews.
- Trained on 256 tokens; reads 256 per review
  (head+tail truncation).
- Trained on cuda in bf16:
  1 min 40 s (7.7 samples/s); tokenising took
  9.0 s; evaluated on cpu in
  10.0 s (52.5 reviews/s).
- Parameters: 22,713,216 in all, 1,538 in the classifier head.

- Best validation accuracy: 0.888."""
    assert [t.get_text() for t in figure.axes[0].texts] == ["40\n80.0%", "10\n20.0%", "5\n10.0%", "45\n90.0%"]
    assert curve.values.tolist() == model_tab.training_curve(_report()).values.tolist()
    # the downloads: the confusion matrix and the curve the tab shows, as PNGs, the curve in the app's colours
    assert open(confusion_png, "rb").read() == figure_png(model_tab.confusion_figure(_report()))
    assert open(curve_png, "rb").read() == chart_png(curve, model_tab.CURVE_CHART, model_tab.CURVE_COLOURS)
    assert "confusion-matrix-m-" in confusion_png and "training-curve-m-" in curve_png


def test_the_curves_colours_are_the_apps():
    import gradio as gr

    plot = gr.LinePlot(**model_tab.CURVE_CHART.plot_args(model_tab.CURVE_COLOURS), render=False)
    assert plot.color_map == model_tab.CURVE_COLOURS and set(plot.color_map) == {
        name for _, name in model_tab.CURVE_SERIES}


def test_details_of_a_checkpoint_that_continued_another(tmp_path, monkeypatch):
    base = _write(tmp_path / "minilm-imdb-25k", _report())
    monkeypatch.setattr(checkpoints, "locate", {"cad": _write(tmp_path / "cad", _report(model=str(base)))}.__getitem__)
    text, *_ = model_tab.details("cad")
    assert text.split("\n")[0] == ("**cad**, fine-tuned from `sentence-transformers/all-MiniLM-L6-v2`, continuing "
                                   "the checkpoint `minilm-imdb-25k`.")


def test_details_without_a_report(tmp_path, monkeypatch):
    monkeypatch.setattr(checkpoints, "locate", lambda name: tmp_path)
    text, figure, curve, confusion_png, curve_png = model_tab.details("hub-model")
    assert text == ("No `report.json` for hub-model: figures are shown for checkpoints trained by "
                    "`python -m sentiment train`.")
    assert figure is None and curve.empty and confusion_png is None and curve_png is None


def test_details_of_an_unknown_checkpoint_is_refused(monkeypatch):
    from sentiment.errors import CheckpointError

    monkeypatch.setattr(checkpoints, "available_checkpoints", lambda: {"m": "/srv/m"})
    with pytest.raises(CheckpointError):
        model_tab.details("/srv/m")
