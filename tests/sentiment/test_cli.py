"""``python -m sentiment``: the commands end to end, what they print, their flags, and their errors.

(That every flag's --help shows its default is checked in test_arguments.py, with the other command lines.)
"""
import dataclasses
import json
import math
from pathlib import Path

import pandas as pd
import pytest
import torch

from sentiment import cli
from sentiment.arguments import dataclass_from
from sentiment.cli import build_parser, main
from sentiment.data import load_reviews
from sentiment.errors import ArgumentError
from sentiment.predictor import Predictor
from sentiment.train import TrainConfig
from sentiment.training_run import RunOptions
from toy_models import CountingModel


# ---- train, evaluate, predict end to end ------------------------------------------------------

@pytest.fixture(scope="module")
def csv_files(train_reviews, test_reviews, tmp_path_factory):
    folder = tmp_path_factory.mktemp("csv")
    for name, frame in (("train.csv", train_reviews), ("test.csv", test_reviews)):
        frame.assign(sentiment=frame["label"].map({0: "negative", 1: "positive"})).to_csv(folder / name, index=False)
    return folder / "train.csv", folder / "test.csv"


def _hand_counted(frame: pd.DataFrame) -> tuple[list[list[int]], float]:
    """(confusion matrix, accuracy) of a predictions table, counted row by row."""
    matrix = [[0, 0], [0, 0]]
    for truth, said in zip(frame["sentiment"], frame["predicted"]):
        matrix[truth == "positive"][said == "positive"] += 1
    return matrix, (matrix[0][0] + matrix[1][1]) / len(frame)


# How far `predict` may stray from the probabilities the run saved, per evaluation precision. fp32: the
# same computation, so only the CSV's 6 decimals. bf16 keeps 8 significant bits, and `predict` may batch
# the reviews differently from the run's evaluation (other padding, other matrix shapes), which can round
# differently: measured 4e-7 on a CPU with native bf16 (2026-12), allowed 1e-3.
PREDICT_AGREEMENT = {"fp32": 1e-6, "bf16": 1e-3}


@pytest.mark.parametrize("training, evaluation", [("fp32", "fp32"), ("bf16", "fp32"), ("bf16", "bf16")])
def test_train_evaluate_predict_commands(tiny_model_dir, csv_files, tmp_path, capsys, training, evaluation):
    train_csv, test_csv = csv_files
    run = tmp_path / "run"
    assert main(["train", "--model", str(tiny_model_dir), "--data", str(train_csv), "--test", str(test_csv),
                 "--output", str(run), "--max-length", "64", "--lr", "1e-3", "--val-size", "40",
                 "--eval-every", "5", "--attention-dropout", "0.1", "--device", "cpu", "--precision", training,
                 "--eval-precision", evaluation, "--no-progress"]) == 0
    table = capsys.readouterr().out
    report = json.loads((run / "report.json").read_text())
    assert f"| accuracy | {report['metrics']['accuracy']:.4f} |" in table
    assert "| parameters (classifier head) | 66 |" in table
    assert (report["train_size"], report["validation_size"], report["test_size"]) == (260, 40, 100)
    assert report["device"] == {"training": "cpu", "evaluation": "cpu"}
    assert report["mixed_precision"] == {"training": training, "evaluation": evaluation}
    assert report["config"]["learning_rate"] == 1e-3 and report["config"]["attention_dropout"] == 0.1
    assert report["protocol"] == f"{train_csv} ({test_csv})"
    assert json.loads((run / "config.json").read_text())["attention_probs_dropout_prob"] == 0.1
    assert "attention dropout 0.1" in (run / "README.md").read_text()  # the model card's recipe
    assert not (run / "trainer").exists()  # resume checkpoints are cleared once the run is saved

    predictions = pd.read_csv(run / "predictions.csv.gz")
    assert list(predictions.columns) == ["id", "review", "sentiment", "predicted", "p_positive"]
    assert predictions["id"].tolist() == load_reviews(test_csv)["id"].tolist()
    matrix, accuracy = _hand_counted(predictions)
    assert report["metrics"]["confusion_matrix"] == matrix
    assert report["metrics"]["accuracy"] == pytest.approx(accuracy) and report["metrics"]["n"] == 100

    # evaluate: a sample of 30, the same predictions as the run's for those reviews
    assert main(["evaluate", "--checkpoint", str(run), "--data", str(test_csv), "--precision", evaluation,
                 "--limit", "30", "--seed", "1", "--json"]) == 0
    metrics = json.loads(capsys.readouterr().out)
    drawn = load_reviews(test_csv).sample(n=30, random_state=1)["id"]
    matrix, accuracy = _hand_counted(predictions.set_index("id").loc[drawn])
    assert metrics["n"] == 30 and metrics["confusion_matrix"] == matrix
    assert metrics["accuracy"] == pytest.approx(accuracy)
    assert (metrics["device"], metrics["mixed_precision"]) == ("cpu", evaluation)

    # predict: one row per review, the run's label and probability
    assert main(["predict", "--checkpoint", str(run), "--precision", evaluation, "--csv", str(test_csv),
                 "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    tolerance = PREDICT_AGREEMENT[evaluation]
    assert [r["p_positive"] for r in rows] == pytest.approx(predictions["p_positive"].tolist(), abs=tolerance)
    # the same label, except where P sits within the tolerance of 0.5
    assert all(r["label"] == said for r, said, p in zip(rows, predictions["predicted"], predictions["p_positive"])
               if abs(p - 0.5) > tolerance)
    assert all(set(r) == {"label", "p_positive"} for r in rows)


# ---- what evaluate and predict print, with a model whose answers are known --------------------


@pytest.fixture
def counting_checkpoint(tokenizer, monkeypatch):
    """Any --checkpoint loads the counting model."""
    monkeypatch.setattr(cli, "_load_predictor", lambda args: Predictor(CountingModel(tokenizer), tokenizer, 16,
                                                                        args.device, "fp32"))


def test_evaluate_prints_the_confusion_matrix_rows_true_columns_predicted(counting_checkpoint, tmp_path, capsys):
    # truth: 3 negative, 2 positive. Predicted: bad -> negative, good -> positive, "good bad" (exactly 0.5)
    # -> positive | "bad bad" -> negative, "good good" -> positive: 1 TN, 2 FP, 1 FN, 1 TP.
    data = tmp_path / "reviews.csv"
    data.write_text("review,sentiment\nbad,negative\ngood,negative\ngood bad,negative\n"
                    "bad bad,positive\ngood good,positive\n")
    assert main(["evaluate", "--checkpoint", "x", "--data", str(data)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith(f"5 reviews from {data}, cpu/fp32, ")
    assert lines[1:] == ["  accuracy: 0.4000",
                         " precision: 0.4333",  # weighted: (3 * 1/2 + 2 * 1/3) / 5
                         "    recall: 0.4000",
                         "        f1: 0.4000",  # both classes' F1 is 0.4
                         "confusion matrix (rows true, columns predicted; negative, positive):",
                         "  [[     1      2]",
                         "   [     1      1]]"]


def test_evaluate_writes_the_predictions_table(counting_checkpoint, tmp_path):
    data = tmp_path / "reviews.csv"
    data.write_text("review,sentiment\n=bad,negative\ngood,positive\n")
    assert main(["evaluate", "--checkpoint", "x", "--data", str(data), "--json",
                 "--predictions", str(tmp_path / "out.csv")]) == 0
    written = (tmp_path / "out.csv").read_text().splitlines()
    assert written[0] == "id,review,sentiment,predicted,p_positive"
    # the formula-like review is escaped for spreadsheets
    assert written[1:] == [f"reviews.csv:1,'=bad,negative,negative,{round(1 / (1 + math.e), 6)}",
                           f"reviews.csv:2,good,positive,positive,{round(1 / (1 + math.exp(-1)), 6)}"]


def test_predict_prints_label_probability_and_the_start_of_the_review(counting_checkpoint, capsys):
    assert main(["predict", "--checkpoint", "x", "good", "bad   bad\nthing " + "x" * 80, "good bad"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "positive  p_positive=0.7311  good",
        "negative  p_positive=0.1192  bad bad thing " + "x" * 56,  # whitespace collapsed, cut to 70 characters
        "positive  p_positive=0.5000  good bad",  # exactly 0.5 is positive
    ]


def test_predict_warns_about_a_review_of_unknown_word_pieces(counting_checkpoint, capsys):
    assert main(["predict", "--checkpoint", "x", "good", "😀 😀 😀"]) == 0
    err = capsys.readouterr().err
    assert err.startswith("review 2: ") and "100% of its word pieces" in err and "review 1" not in err


# ---- errors ----------------------------------------------------------------------------------

def tiny_csv(folder: Path) -> Path:
    """Twenty labelled one-line reviews: data for commands that fail before they train or predict."""
    path = folder / "reviews.csv"
    path.write_text("review,sentiment\n" + "".join(f"review {i},{['negative', 'positive'][i % 2]}\n"
                                                   for i in range(20)))
    return path


@pytest.mark.parametrize("argv, message", [
    (["evaluate", "--checkpoint", "no/such/dir", "--limit", "5", "--data", "REVIEWS"], "no such checkpoint folder"),
    (["evaluate", "--checkpoint", "tests", "--limit", "5", "--data", "REVIEWS"], "not a checkpoint (no config.json)"),
    (["predict", "--checkpoint", "tests"], "give either review text or --csv FILE"),
    (["predict", "--checkpoint", "tests", "text", "--csv", "REVIEWS"], "give either review text or --csv FILE"),
    (["predict", "--checkpoint", "tests", "fine", ""], "review 2 is empty"),
    (["train", "--data", "missing.csv", "--no-progress"], "missing.csv: no such file"),
    (["evaluate", "--checkpoint", "x", "--data", "missing.csv"], "missing.csv: no such file"),
    (["train", "--data", "official", "--test", "REVIEWS", "--no-progress"],
     "--test goes with --data FILE; --data official brings its own test split"),
    (["robustness-table", "tests"], "tests/robustness.json: no saved robustness report"),
])
def test_commands_report_bad_input_without_a_traceback(argv, message, capsys, tmp_path):
    assert main([str(tiny_csv(tmp_path)) if arg == "REVIEWS" else arg for arg in argv]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and message in err
    assert "Traceback" not in err


@pytest.mark.parametrize("value, message", [("1.5", "1.5 is outside [0, 1)"), ("-0.1", "-0.1 is outside [0, 1)")])
def test_out_of_range_dropout_is_a_clear_error(value, message, capsys):
    # checked by TrainConfig itself, before the model or any data is read
    assert main(["train", "--data", "official", "--attention-dropout", value, "--no-progress"]) == 2
    assert capsys.readouterr().err == f"error: --attention-dropout: {message}\n"


def test_a_flag_that_is_not_a_number_is_refused_by_argparse(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["train", "--attention-dropout", "abc"])
    assert exit_.value.code == 2
    assert "--attention-dropout: invalid float value: 'abc'" in capsys.readouterr().err


def test_unavailable_device_is_a_clear_error(capsys, tmp_path, monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    # any data will do: the device is checked before the model loads
    assert main(["train", "--data", str(tiny_csv(tmp_path)), "--val-size", "4", "--device", "cuda", "--no-progress",
                 "--output", str(tmp_path / "run")]) == 2
    assert "no CUDA GPU is visible" in capsys.readouterr().err


def test_a_mistyped_base_model_fails_before_the_data_is_read(capsys):
    assert main(["train", "--model", "no/such/base", "--data", "missing.csv", "--no-progress"]) == 2
    err = capsys.readouterr().err
    assert "--model no/such/base: no model folder there" in err and "missing.csv" not in err


def test_interrupting_a_command_says_how_to_resume(monkeypatch, capsys):
    def interrupted(command):
        raise KeyboardInterrupt

    monkeypatch.setattr(cli, "run_command", interrupted)
    assert main(["table", "x"]) == 130
    assert capsys.readouterr().err == "interrupted; a training run continues from its last saved step with --resume\n"


# ---- the training flags come from TrainConfig and RunOptions ----------------------------------

def _subparser(name: str):
    (action,) = build_parser()._subparsers._group_actions
    return action.choices[name]


@pytest.mark.parametrize("command", ["train", "experiment"])
def test_every_dataclass_field_is_a_flag_with_its_help_and_default(command):
    actions = {option: a for a in _subparser(command)._actions for option in a.option_strings}
    for cls in (TrainConfig, RunOptions):
        for f in dataclasses.fields(cls):
            action = actions[f"--{f.name.replace('_', '-')}"]
            assert (action.dest, action.help, action.default) == (f.name, f.metadata["help"], f.default)
    assert actions["--lr"] is actions["--learning-rate"]
    assert (actions["--no-progress"].dest, actions["--no-progress"].const) == ("progress", False)


def test_parsed_flags_become_a_train_config_with_exactly_those_values():
    args = build_parser().parse_args(["train", "--lr", "3e-5", "--max-length", "128", "--no-progress"])
    assert dataclass_from(TrainConfig, args) == dataclasses.replace(
        TrainConfig(), learning_rate=3e-5, max_length=128, progress=False)
    assert dataclass_from(RunOptions, args) == RunOptions()


def test_run_flags_become_run_options():
    args = build_parser().parse_args(["experiment", "flow1", "--val-size", "0.1", "--test-limit", "50",
                                      "--save-dtype", "fp16", "--slim-predictions", "--resume", "--output", "o"])
    assert dataclass_from(RunOptions, args) == RunOptions(output="o", val_size=0.1, test_limit=50, save_dtype="fp16",
                                                          slim_predictions=True, resume=True)
    assert dataclass_from(TrainConfig, args) == TrainConfig()


def test_choices_are_checked_by_argparse(capsys):
    with pytest.raises(SystemExit):
        build_parser().parse_args(["train", "--precision", "fp8"])
    assert "--precision: invalid choice: 'fp8'" in capsys.readouterr().err


def test_checkpoint_commands_default_to_the_cpu_and_the_test_split():
    args = build_parser().parse_args(["evaluate", "--checkpoint", "x"])
    assert (args.device, args.precision, args.batch_size, args.json) == ("cpu", "auto", 32, False)
    assert (args.data, args.limit, args.seed, args.predictions) == ("test", None, 0, None)
    args = build_parser().parse_args(["train"])
    assert (args.data, args.size, args.test, args.name, args.replay_ratio) == ("official", None, None, None, None)


# ---- evaluate, predict and robustness flags come from dataclasses too ---------------------------

@pytest.mark.parametrize("command, classes", [
    ("evaluate", (cli.CheckpointOptions, cli.EvaluateOptions)),
    ("predict", (cli.CheckpointOptions, cli.PredictOptions)),
    ("robustness", (cli.CheckpointOptions, cli.RobustnessOptions)),
])
def test_checkpoint_command_flags_are_their_dataclass_fields(command, classes):
    actions = {option: a for a in _subparser(command)._actions for option in a.option_strings}
    fields = [f for cls in classes for f in dataclasses.fields(cls)]
    assert {a.dest for a in actions.values()} == {f.name for f in fields} | {"help"}
    for f in fields:
        action = actions[f"--{f.name.replace('_', '-')}"]
        default = None if f.default is dataclasses.MISSING else f.default
        assert (action.dest, action.help, action.default) == (f.name, f.metadata["help"], default)
        assert action.required == (f.default is dataclasses.MISSING)
        if "type" in f.metadata:  # the rule of sentiment.arguments, not the field's plain type
            assert action.type is f.metadata["type"]
        if f.default is False:  # a plain switch: it takes no value
            assert action.nargs == 0 and action.const is True


def test_the_flags_keep_their_names_defaults_and_rules():
    parse = build_parser().parse_args
    args = parse(["robustness", "--checkpoint", "c"])
    assert dataclass_from(cli.CheckpointOptions, args) == cli.CheckpointOptions(
        checkpoint="c", device="cpu", precision="auto", batch_size=32, read_length=None, json=False)
    assert dataclass_from(cli.RobustnessOptions, args) == cli.RobustnessOptions(False, False, None)
    args = parse(["robustness", "--checkpoint", "c", "--save", "--skip-taxonomy", "--batch-size", "8", "--json"])
    assert dataclass_from(cli.RobustnessOptions, args) == cli.RobustnessOptions(True, True, None)
    assert (args.batch_size, args.json) == (8, True)
    args = parse(["evaluate", "--checkpoint", "c", "--limit", "7", "--seed", "3", "--predictions", "p.csv"])
    assert dataclass_from(cli.EvaluateOptions, args) == cli.EvaluateOptions("test", 7, 3, "p.csv")
    # a switch never takes the next word for its value
    args = parse(["predict", "--checkpoint", "c", "--json", "a fine film"])
    assert (args.json, args.text) == (True, ["a fine film"])
    assert parse(["experiment", "--resume", "flow1"]).flow == "flow1"
    assert _subparser("robustness")._option_string_actions["--limit-taxonomy"].metavar == "N"
    # the names they always had, and no others (argparse names a refused flag by all its names)
    assert sorted(_subparser("robustness")._option_string_actions) == [
        "--batch-size", "--checkpoint", "--device", "--help", "--json", "--limit-taxonomy", "--precision",
        "--read-length", "--save", "--skip-taxonomy", "-h"]
    assert sorted(_subparser("evaluate")._option_string_actions) == [
        "--batch-size", "--checkpoint", "--data", "--device", "--help", "--json", "--limit", "--precision",
        "--predictions", "--read-length", "--seed", "-h"]


def test_a_refused_checkpoint_flag_is_named_as_it_was_typed(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["predict", "--checkpoint", "x", "--batch-size", "0", "good"])
    assert exit_.value.code == 2
    assert capsys.readouterr().err.splitlines()[-1] == \
        "python -m sentiment predict: error: argument --batch-size: 0 must be at least 1"


@pytest.mark.parametrize("options, message", [
    (lambda: cli.CheckpointOptions("c", batch_size=0), "--batch-size: 0 must be at least 1"),
    (lambda: cli.EvaluateOptions(limit=0), "--limit: 0 must be at least 1"),
    (lambda: cli.RobustnessOptions(limit_taxonomy=-1), "--limit-taxonomy: -1 must be at least 1"),
    (lambda: cli.RobustnessOptions(skip_taxonomy=True, limit_taxonomy=10),
     "--limit-taxonomy samples the error taxonomy, which --skip-taxonomy leaves out: give one of them"),
])
def test_options_made_in_code_are_checked_by_the_rules_of_their_flags(options, message):
    with pytest.raises(ArgumentError, match=f"^{message}$"):
        options()


def test_help_says_all_where_no_limit_means_all(monkeypatch):
    monkeypatch.setenv("COLUMNS", "1000")
    for command, flag in (("train", "--size"), ("train", "--test-limit"), ("experiment", "--test-limit"),
                          ("evaluate", "--limit"), ("baseline", "--size")):
        parser = _subparser(command)
        shown = " ".join(parser.format_help().split())
        help_text = parser._option_string_actions[flag].help
        assert help_text.endswith("(default: all)") and f"{help_text} " in shown, (command, flag)
        assert "(default: None)" not in shown


# ---- what the hostile probe found: each refused or said, in one line ----------------------------

def test_robustness_refuses_a_taxonomy_limit_with_the_taxonomy_skipped(capsys):
    assert main(["robustness", "--checkpoint", "x", "--skip-taxonomy", "--limit-taxonomy", "10"]) == 2
    assert capsys.readouterr().err == ("error: --limit-taxonomy samples the error taxonomy, which --skip-taxonomy "
                                       "leaves out: give one of them\n")


def test_robustness_names_a_missing_checkpoint_not_a_file_inside_it(capsys, tmp_path):
    missing = tmp_path / "nonexistent"
    assert main(["robustness", "--checkpoint", str(missing)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: {missing}: no such checkpoint folder") and err.count("\n") == 1
    assert "predictions.csv.gz" not in err


def test_evaluate_says_when_the_limit_is_more_than_the_data_holds(counting_checkpoint, tmp_path, capsys):
    data = tmp_path / "reviews.csv"
    data.write_text("review,sentiment\nbad,negative\ngood,positive\ngood bad,negative\nbad bad,positive\n")
    assert main(["evaluate", "--checkpoint", "x", "--data", str(data), "--limit", str(10 ** 9), "--json"]) == 0
    out, err = capsys.readouterr()
    assert json.loads(out)["n"] == 4
    assert err == "--limit 1,000,000,000: the data holds only 4 reviews; using all of them\n"
    assert main(["evaluate", "--checkpoint", "x", "--data", str(data), "--limit", "4", "--json"]) == 0
    assert capsys.readouterr().err == ""  # exactly what there is: nothing to say


def test_evaluate_refuses_an_unwritable_predictions_file_before_evaluating(counting_checkpoint, tmp_path, capsys,
                                                                           monkeypatch):
    monkeypatch.setattr(cli, "_load_predictor", _stop_command)
    # as root os.access says /proc is writable; the check must try
    assert main(["evaluate", "--checkpoint", "x", "--data", str(tiny_csv(tmp_path)),
                 "--predictions", "/proc/p.csv"]) == 2
    assert capsys.readouterr().err == "error: /proc/p.csv: not writable (No such file or directory)\n"


def _stop_command(*args, **kwargs):
    raise AssertionError("the command went on to its work")


def test_evaluate_prints_its_metrics_before_a_predictions_file_that_fails_after_all(counting_checkpoint, tmp_path,
                                                                                    capsys, monkeypatch):
    data = tmp_path / "reviews.csv"
    data.write_text("review,sentiment\nbad,negative\ngood,positive\n")

    def full_disk(self, *args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(pd.DataFrame, "to_csv", full_disk)
    out_csv = tmp_path / "out.csv"
    assert main(["evaluate", "--checkpoint", "x", "--data", str(data), "--predictions", str(out_csv)]) == 2
    out, err = capsys.readouterr()
    assert out.splitlines()[1] == "  accuracy: 1.0000"  # the evaluation, printed whole
    assert err.splitlines()[-1] == f"error: {out_csv}: could not be written (No space left on device)"


@pytest.mark.parametrize("argv, message", [
    (["table", "/etc"], "error: /etc: no report.json there; expected a run folder written by "
                        "`python -m sentiment train` or `baseline`"),
    (["table", "/nonexistent"], "error: /nonexistent: no such folder; expected a run folder written by "
                                "`python -m sentiment train` or `baseline`"),
    (["card", "/etc"], "error: /etc: no report.json there; expected a run folder written by "
                       "`python -m sentiment train` or `baseline`"),
])
def test_table_and_card_of_a_folder_that_is_no_run_is_one_line(argv, message, capsys):
    assert main(argv) == 2
    assert capsys.readouterr().err == message + "\n"


@pytest.mark.parametrize("command", [["train", "--data", "REVIEWS"], ["experiment", "flow1"],
                                     ["baseline", "--data", "official"]])
def test_a_run_folder_that_cannot_be_made_is_refused_before_the_data_is_read(command, tmp_path, capsys,
                                                                            monkeypatch):
    monkeypatch.setattr(cli, "training_data", _stop_command)
    monkeypatch.setattr(cli, "train_and_test", _stop_command)
    a_file = tmp_path / "a-file"
    a_file.write_text("x")
    argv = [str(tiny_csv(tmp_path)) if arg == "REVIEWS" else arg for arg in command]
    assert main([*argv, "--output", str(a_file / "run")]) == 2
    assert capsys.readouterr().err == f"error: {a_file / 'run'}: {a_file} is a file, not a folder\n"
    assert main([*argv, "--output", "/proc/run"]) == 2
    assert capsys.readouterr().err == "error: /proc/run: cannot write in /proc (No such file or directory)\n"


@pytest.mark.parametrize("data", ["cad", "negation"])
def test_train_refuses_a_size_that_cad_data_would_ignore(capsys, monkeypatch, data):
    monkeypatch.setattr(cli, "training_data", _stop_command)
    assert main(["train", "--data", data, "--size", "100", "--no-progress"]) == 2
    assert capsys.readouterr().err == (f"error: --size goes with --data official, report or FILE; --data {data} "
                                       f"trains on every {data} text, with --replay-ratio IMDB reviews per text\n")


def _split(train: int, validation: int, test_ids: list[str], protocol: str):
    from sentiment.data import TrainingData

    rows = lambda n, prefix: pd.DataFrame({"id": [f"{prefix}{i}" for i in range(n)]})  # noqa: E731
    return TrainingData(rows(train, "train/"), rows(validation, "val/"), pd.DataFrame({"id": test_ids}), protocol)


def test_a_size_beyond_the_data_is_said_and_the_protocol_names_what_was_drawn(capsys):
    # official: 6 reviews drawn for training (4 train + 2 validation), 1,000 asked
    data = cli._size_used(_split(4, 2, ["test/x"], "official IMDB train/test split, 1,000 training reviews drawn"),
                          "official", 1000)
    assert data.protocol == "official IMDB train/test split, 6 training reviews drawn"
    assert capsys.readouterr().err == "--size 1,000: --data official has only 6 reviews to draw; using all of them\n"
    # report: 4 + 2 + 3 test reviews, one of them a report review, so 3 more were drawn and kept out of training
    test_ids = ["test/neg/8977_4", "test/a", "test/b"]
    data = cli._size_used(_split(4, 2, test_ids, "report split: 1,000 of all 50k reviews"), "report", 1000)
    assert data.protocol == "report split: 12 of all 50k reviews"
    assert "--data report has only 12 reviews to draw" in capsys.readouterr().err
    # drawn as asked: nothing said, nothing changed (12 asked of the report draw above: the report's reviews
    # kept out of training do not make it look short)
    data = cli._size_used(_split(4, 2, test_ids, "report split: 12 of all 50k reviews"), "report", 12)
    assert data.protocol == "report split: 12 of all 50k reviews" and capsys.readouterr().err == ""
    data = cli._size_used(_split(4, 2, [], "official IMDB train/test split, 6 training reviews drawn"), "official", 6)
    assert capsys.readouterr().err == ""


def test_train_refuses_a_replay_ratio_that_its_data_would_ignore(capsys, monkeypatch):
    monkeypatch.setattr(cli, "check_model_source", lambda name: None)
    assert cli.main(["train", "--data", "official", "--replay-ratio", "2"]) == 2
    assert capsys.readouterr().err.strip().endswith(
        "--replay-ratio goes with --data cad or negation; --data official trains on its own reviews only")
