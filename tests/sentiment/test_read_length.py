"""sentiment.read_length: the reading length chosen on validation, and where the choice is recorded."""
import json

import numpy as np
import pandas as pd
import pytest

from sentiment import cli
from sentiment.model import READ_LENGTH_KEY, checkpoint_read_length, load_checkpoint, record_read_length
from sentiment.predictor import Predictor
from sentiment.read_length import choose_read_length, correct_at_lengths, record_reading
from toy_models import CountingModel


def test_the_longest_length_wins_when_it_is_the_most_accurate():
    choice = choose_read_length({256: [1, 0, 0, 1], 512: [1, 1, 0, 1]})
    assert choice.chosen == 512
    assert choice.lengths[256]["accuracy"]["mean"] == 0.5 and choice.lengths[512]["accuracy"]["mean"] == 0.75
    # paired: 256 minus 512 is (0, -1, 0, 0): mean -0.25
    assert choice.lengths[256]["minus_longest"]["mean"] == -0.25 and choice.lengths[256]["minus_longest"]["n"] == 4
    assert "minus_longest" not in choice.lengths[512]


def test_a_tie_goes_to_the_longer_length():
    choice = choose_read_length({256: [1, 0], 384: [0, 1], 512: [1, 1], 128: [1, 1]})
    assert choice.chosen == 512
    assert choice.reason.startswith("512 tokens are at least as accurate on validation as any shorter length and "
                                    "read the most; validation cannot tell them apart from 128: +0.0000")


def test_the_reason_says_which_shorter_lengths_are_worse_beyond_chance():
    longest = np.ones(100)
    shorter = np.ones(100)
    shorter[:30] = 0
    choice = choose_read_length({256: shorter, 384: longest, 512: longest})
    assert choice.chosen == 512
    assert choice.reason == ("512 tokens are at least as accurate on validation as any shorter length and read the "
                             "most; validation cannot tell it apart from 384: +0.0000 [+0.0000, +0.0000] (paired "
                             "difference, 95% interval); shorter readings are worse beyond chance: 256: -0.3000 "
                             f"[{choice.lengths[256]['minus_longest']['low']:+.4f}, "
                             f"{choice.lengths[256]['minus_longest']['high']:+.4f}]")


def test_a_shorter_length_better_by_chance_does_not_win():
    # 256 right on 2 more of 100 reviews: the paired interval includes zero
    longest = np.ones(100)
    longest[:2] = 0
    choice = choose_read_length({256: np.ones(100), 512: longest})
    assert choice.chosen == 512
    # by hand: differences two 1s and 98 0s, sd 0.14071, t(0.975, 99) 1.9842: half-width 0.0279
    assert choice.reason == ("validation cannot tell 256 from 512 tokens apart (difference +0.0200, 95% interval "
                             "-0.0079 to +0.0479, which includes zero), so the model reads the most: 512")
    # accuracy 98 of 100: Wilson's interval stays below 1, where a t interval would reach 1.0079
    assert choice.lengths[512]["accuracy"] == {"n": 100, "mean": 0.98, "low": 0.9300, "high": 0.9945}


def test_a_shorter_length_better_beyond_chance_wins():
    longest = np.ones(100)
    longest[:30] = 0
    choice = choose_read_length({256: np.ones(100), 512: longest})
    assert choice.chosen == 256
    assert choice.reason.startswith("256 tokens are more accurate on validation than 512 by +0.3000")


def test_lengths_must_be_judged_on_the_same_reviews():
    with pytest.raises(ValueError, match="same non-empty set"):
        choose_read_length({256: [1, 0], 512: [1]})
    with pytest.raises(ValueError, match="no reading lengths"):
        choose_read_length({})


def test_correct_at_lengths_reads_each_length(tokenizer):
    # 13 content tokens: "bad bad", ten "x", "good". At 8 tokens (6 content: head 1, tail 5) the model reads
    # "bad ... good": margin 0, which reads positive; at 16 it reads everything: margin -1, negative.
    review = "bad bad " + "x " * 10 + "good"
    predictor = Predictor(CountingModel(tokenizer), tokenizer, 16, "cpu", "fp32")
    reviews = pd.DataFrame({"review": [review, review], "label": [1, 0]})
    correct, speed = correct_at_lengths(predictor, reviews, (8, 16), batch_size=2)
    assert correct[8].tolist() == [True, False] and correct[16].tolist() == [False, True]
    assert set(speed) == {8, 16} and predictor.max_length == 16


# ---- where the choice lives: the checkpoint's config and report ----------------------------------------

def test_a_recorded_read_length_is_what_the_checkpoint_reads(tiny_model_dir, tmp_path):
    import shutil

    folder = tmp_path / "ck"
    shutil.copytree(tiny_model_dir, folder)
    model, _ = load_checkpoint(folder)
    assert checkpoint_read_length(model, 256) == 64  # none recorded: the training length
    record_read_length(folder, 128)
    config = json.loads((folder / "config.json").read_text())
    assert (config[READ_LENGTH_KEY], config["review_max_length"], config["dtype"]) == (128, 64, "float32")
    assert Predictor.from_pretrained(folder, precision="fp32").max_length == 128
    assert Predictor.from_pretrained(folder, precision="fp32", read_length=32).max_length == 32


def _checkpoint_with_report(tiny_model_dir, tmp_path):
    import shutil

    folder = tmp_path / "ck"
    shutil.copytree(tiny_model_dir, folder)
    report = {"max_length": 64, "metrics": {"accuracy": 0.5}, "validation_size": 2, "train_size": 10}
    (folder / "report.json").write_text(json.dumps(report))
    pd.DataFrame({"id": ["a"], "sentiment": ["positive"], "predicted": ["positive"], "p_positive": [0.9]}).to_csv(
        folder / "predictions.csv.gz", index=False)
    return folder


def test_recording_a_reading_replaces_the_test_figures_and_keeps_the_training_lengths(tiny_model_dir, tmp_path):
    folder = _checkpoint_with_report(tiny_model_dir, tmp_path)
    choice = choose_read_length({64: [1, 0], 128: [1, 1]})
    predictions = pd.DataFrame({"id": ["a"], "review": ["text"], "sentiment": ["positive"], "predicted": ["negative"],
                                "p_positive": [0.1]})
    record_reading(folder, choice, {"accuracy": 0.75}, predictions, {"evaluation_s": 1.0}, "cpu", "fp32")
    report = json.loads((folder / "report.json").read_text())
    assert report["metrics"] == {"accuracy": 0.75} and report["metrics_at_training_length"] == {"accuracy": 0.5}
    assert report["read_length"] == 128 and report["reading"]["chosen"] == 128
    assert report["reading"]["test_evaluation"] == {"device": "cpu", "precision": "fp32", "evaluation_s": 1.0}
    assert json.loads((folder / "config.json").read_text())[READ_LENGTH_KEY] == 128
    saved = pd.read_csv(folder / "predictions.csv.gz")
    assert list(saved.columns) == ["id", "sentiment", "predicted", "p_positive"]  # as slim as before
    assert saved["predicted"].tolist() == ["negative"]
    # a second choice keeps the figures at the training length, not those of the first choice
    record_reading(folder, choose_read_length({64: [1, 1], 128: [0, 0]}), {"accuracy": 0.8}, predictions,
                   {}, "cpu", "fp32")
    report = json.loads((folder / "report.json").read_text())
    assert report["metrics_at_training_length"] == {"accuracy": 0.5} and report["read_length"] == 64


def test_the_card_says_what_the_model_reads_and_how_that_was_chosen():
    from sentiment.model_card import reading_section

    report = {"max_length": 256, "read_length": 512, "metrics": {"accuracy": 0.9258},
              "metrics_at_training_length": {"accuracy": 0.9209},
              "reading": choose_read_length({256: [1, 0, 1, 1], 512: [1, 1, 1, 1]}).to_dict() | {
                  "validation_size": 4}}
    section = reading_section(report)
    assert "reads **512 tokens** per review" in section and "the\n4 validation reviews" in section
    assert "| 256 | 0.7500 (" in section and "| 512 | 1.0000 (" in section
    assert "accuracy 0.9258 reading 512 tokens, against 0.9209 reading the training length (256)" in section
    assert reading_section({"max_length": 256, "metrics": {}}) == ""


# ---- the command -----------------------------------------------------------------------------------------

def test_read_length_refuses_a_single_read_length(capsys):
    assert cli.main(["read-length", "--checkpoint", "x", "--read-length", "256"]) == 2
    assert capsys.readouterr().err.strip().endswith("--read-length sets one length; read-length compares those "
                                                    "of --lengths")


def test_read_length_refuses_a_split_the_checkpoint_was_not_trained_on(tiny_model_dir, tmp_path, capsys,
                                                                       monkeypatch):
    from sentiment.data import TrainingData

    folder = _checkpoint_with_report(tiny_model_dir, tmp_path)
    frame = lambda n: pd.DataFrame({"id": [str(i) for i in range(n)]})  # noqa: E731
    monkeypatch.setattr(cli, "training_data", lambda *a: TrainingData(frame(9), frame(2), frame(3), "p"))
    assert cli.main(["read-length", "--checkpoint", str(folder), "--size", "11"]) == 2
    assert capsys.readouterr().err.strip().endswith(
        f"--data official --size 11 rebuilds a split of 9 training and 2 validation reviews, and {folder} was "
        f"trained on 10 and 2: give the --data, --size, --replay-ratio and --seed it was trained with")


def test_read_length_save_needs_a_run_folder(tmp_path, capsys):
    assert cli.main(["read-length", "--checkpoint", str(tmp_path), "--save"]) == 2
    assert "has none" in capsys.readouterr().err


@pytest.mark.parametrize("value", ["3", "513", "x"])
def test_a_reading_length_outside_what_bert_reads_is_refused(value, capsys):
    with pytest.raises(SystemExit):
        cli.build_parser().parse_args(["evaluate", "--checkpoint", "x", "--read-length", value])
    assert "--read-length" in capsys.readouterr().err
