"""sentiment.run_report: a training run's report.json and the Markdown table of runs, in the lab report's shape."""
import re

import pytest

from sentiment.run_report import duration, markdown_table, read_report, write_report

REPORT = {"device": {"training": "cuda", "evaluation": "cpu"},
          "mixed_precision": {"training": "bf16", "evaluation": "fp32"},
          "model": "minilm", "train_size": 8000, "test_size": 2000, "max_length": 256, "truncation": "head+tail",
          "timings": {"tokenisation_s": 10.25, "training_s": 1559, "training_samples_per_s": 5.14,
                      "evaluation_s": 59, "evaluation_reviews_per_s": 1033.94},
          "metrics": {"accuracy": 0.88312, "precision": 0.88456, "recall": 0.88312, "f1": 0.88298},
          "parameters": {"total": 109_483_778, "head": 1_538}}


def test_markdown_table_has_every_row_with_exact_values():
    assert markdown_table({"flow1": REPORT}).splitlines() == [
        "| | flow1 |",
        "| --- | --- |",
        "| model | minilm |",
        "| training device / precision | cuda / bf16 |",
        "| evaluation device / precision | cpu / fp32 |",
        "| training set | 8,000 |",
        "| test set | 2,000 |",
        "| max length (truncation) | 256 (head+tail) |",
        "| reading length | 256 |",
        "| tokenising the training set | 10.2 s |",
        "| fine-tuning | 25 min 59 s |",
        "| training samples/s | 5.1 /s |",
        "| best validation accuracy | n/a |",
        "| evaluation | 59.0 s |",
        "| evaluation reviews/s | 1,033.9 /s |",
        "| accuracy | 0.8831 |",
        "| precision | 0.8846 |",
        "| recall | 0.8831 |",
        "| F1 | 0.8830 |",
        "| parameters (model) | 109,483,778 |",
        "| parameters (classifier head) | 1,538 |",
    ]


def test_markdown_table_has_one_column_per_run():
    table = markdown_table({"flow1": REPORT, "flow2": REPORT})
    assert table.splitlines()[:2] == ["| | flow1 | flow2 |", "| --- | --- | --- |"]
    assert "| fine-tuning | 25 min 59 s | 25 min 59 s |" in table
    assert "| parameters (model) | 109,483,778 | 109,483,778 |" in table
    assert "| training set | 8,000 | 8,000 |" in table
    assert "| best validation accuracy | n/a | n/a |" in table
    validated = {**REPORT, "validation_size": 500,
                 "validation": [{"eval_accuracy": 0.91, "step": 300}, {"eval_accuracy": 0.93, "step": 600},
                                {"eval_accuracy": 0.92, "step": 900}]}
    # the best step's accuracy, not the last one's
    assert "| best validation accuracy | 0.9300 (of 500) | n/a |" in markdown_table({"a": validated, "b": REPORT})


def test_missing_timings_and_old_reports_read_as_n_a():
    old = {**REPORT, "timings": {}}
    del old["model"], old["max_length"], old["truncation"]
    table = markdown_table({"old": old})
    for row in ("| model | n/a |", "| max length (truncation) | n/a (n/a) |", "| fine-tuning | n/a |",
                "| training samples/s | n/a |"):
        assert row in table


def test_a_chosen_reading_length_brings_its_own_test_evaluation():
    read = {**REPORT, "read_length": 512, "metrics": {**REPORT["metrics"], "accuracy": 0.9258},
            "reading": {"test_evaluation": {"device": "cpu", "precision": "bf16", "evaluation_s": 791.0,
                                            "evaluation_reviews_per_s": 31.6}}}
    table = markdown_table({"read": read, "trained": REPORT})
    for row in ("| reading length | 512 (chosen on validation) | 256 |", "| accuracy | 0.9258 | 0.8831 |",
                "| evaluation | 13 min 11 s | 59.0 s |", "| evaluation reviews/s | 31.6 /s | 1,033.9 /s |",
                "| evaluation device / precision | cpu / bf16 | cpu / fp32 |",
                "| training device / precision | cuda / bf16 | cuda / bf16 |"):
        assert row in table


@pytest.mark.parametrize("seconds, text", [
    (None, "n/a"), (0, "0.0 s"), (59.94, "59.9 s"), (60, "1 min 0 s"), (1559, "25 min 59 s"),
    (3599.4, "59 min 59 s"), (3600, "1 h 0 min 0 s"), (7384, "2 h 3 min 4 s"),
])
def test_durations_as_the_report_writes_them(seconds, text):
    assert duration(seconds) == text


def test_report_json_round_trips(tmp_path):
    path = write_report(REPORT, tmp_path / "run")
    assert path == tmp_path / "run" / "report.json"
    assert read_report(tmp_path / "run") == REPORT


def test_a_folder_without_a_readable_report_is_a_data_error_naming_it(tmp_path):
    from sentiment.errors import DataError

    expected = "expected a run folder written by `python -m sentiment train` or `baseline`"
    with pytest.raises(DataError, match=f"^{tmp_path}/missing: no such folder; {re.escape(expected)}$"):
        read_report(tmp_path / "missing")
    with pytest.raises(DataError, match=f"^{tmp_path}: no report.json there; {re.escape(expected)}$"):
        read_report(tmp_path)
    (tmp_path / "report.json").write_text("{not json")
    with pytest.raises(DataError, match=f"^{tmp_path}/report.json: not a readable report \\(Expecting"):
        read_report(tmp_path)
    (tmp_path / "report.json").write_text("[1, 2]")
    with pytest.raises(DataError, match=r"report.json: not a report \(expected a JSON object\)$"):
        read_report(tmp_path)


def test_a_report_without_its_figures_is_named_not_a_traceback():
    from sentiment.errors import DataError

    with pytest.raises(DataError, match=r"^broken: its report.json lacks 'timings'"):
        markdown_table({"ok": REPORT, "broken": {"model": "x"}})
