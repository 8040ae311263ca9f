"""sentiment.training_run: one run end to end (fine-tune, save, evaluate, report), and RunOptions."""
import json
import os
import subprocess
import sys

import pandas as pd
import pytest
import torch
from safetensors import safe_open

from sentiment.errors import ArgumentError
from sentiment.paths import REPO_ROOT
from sentiment.study import load_study_reviews
from sentiment.train import TrainConfig, config_dict
from sentiment.training_run import RunOptions, run_training


@pytest.fixture(scope="module")
def parts():
    """Train, validation and test parts from the study file that ships with the repository."""
    reviews = load_study_reviews().groupby("label").head(17).sample(frac=1.0, random_state=0).reset_index(drop=True)
    return reviews.iloc[:16], reviews.iloc[16:24].reset_index(drop=True), reviews.iloc[24:34].reset_index(drop=True)


def _config(tiny_model_dir):
    return TrainConfig(model=str(tiny_model_dir), max_length=32, epochs=1, learning_rate=1e-3, batch_size=4,
                       device="cpu", precision="fp32", eval_every=2, progress=False)


def test_a_run_saves_the_checkpoint_report_card_and_predictions(tiny_model_dir, parts, tmp_path, capsys):
    train, validation, test = parts
    config, options = _config(tiny_model_dir), RunOptions(eval_precision="fp32")
    out = tmp_path / "run"
    report = run_training(train, validation, test, config, options, out, protocol="hand-made parts")

    assert not (out / "trainer").exists()  # resume checkpoints are cleared once the run is saved
    assert {"config.json", "model.safetensors", "report.json", "README.md", "predictions.csv.gz",
            "tokenizer.json"} <= {p.name for p in out.iterdir()}
    assert json.loads((out / "report.json").read_text()) == report
    fixed = {k: report[k] for k in ("model", "protocol", "train_size", "validation_size", "test_size", "max_length",
                                    "truncation", "device", "mixed_precision", "world_size", "saved_dtype",
                                    "config", "parameters")}
    assert fixed == {"model": str(tiny_model_dir), "protocol": "hand-made parts", "train_size": 16,
                     "validation_size": 8, "test_size": 10, "max_length": 32, "truncation": "head+tail",
                     "device": {"training": "cpu", "evaluation": "cpu"},
                     "mixed_precision": {"training": "fp32", "evaluation": "fp32"}, "world_size": 1,
                     "saved_dtype": "fp32", "config": config_dict(config),
                     # embeddings 30522x32 + 512x32 + 2x32 + 64, two layers of 8,544, pooler 1,056; head 32x2 + 2
                     "parameters": {"total": 1_011_426, "head": 66}}
    # 16 reviews, 4 a step: validated at steps 2 and 4
    assert [e["step"] for e in report["validation"]] == [2, 4]
    assert json.loads((out / "config.json").read_text())["review_max_length"] == 32

    predictions = pd.read_csv(out / "predictions.csv.gz")
    assert list(predictions.columns) == ["id", "review", "sentiment", "predicted", "p_positive"]
    assert predictions["id"].tolist() == test["id"].tolist()
    assert predictions["sentiment"].tolist() == test["label"].map({0: "negative", 1: "positive"}).tolist()
    assert (predictions["predicted"] == predictions["p_positive"].ge(0.5).map({False: "negative",
                                                                               True: "positive"})).all()
    # the report's metrics are the predictions table's, counted by hand
    truth, said = predictions["sentiment"], predictions["predicted"]
    counts = [[int(((truth == t) & (said == p)).sum()) for p in ("negative", "positive")]
              for t in ("negative", "positive")]
    assert report["metrics"]["confusion_matrix"] == counts
    assert report["metrics"]["accuracy"] == pytest.approx((truth == said).mean())
    assert f"| accuracy | {report['metrics']['accuracy']:.4f} |" in capsys.readouterr().out


def test_slim_fp16_run_leaves_out_the_text_and_halves_the_weights(tiny_model_dir, parts, tmp_path):
    train, validation, test = parts
    options = RunOptions(eval_precision="fp32", save_dtype="fp16", slim_predictions=True)
    report = run_training(train, validation, test, _config(tiny_model_dir), options, tmp_path / "run",
                          protocol="slim")
    assert report["saved_dtype"] == "fp16"
    assert list(pd.read_csv(tmp_path / "run" / "predictions.csv.gz").columns) == \
        ["id", "sentiment", "predicted", "p_positive"]
    with safe_open(str(tmp_path / "run" / "model.safetensors"), "pt") as weights:
        assert weights.get_tensor("classifier.weight").dtype == torch.float16


def test_a_bad_evaluation_device_fails_before_training(tiny_model_dir, parts, tmp_path, monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    train, validation, test = parts
    with pytest.raises(ArgumentError, match="--device cuda: no CUDA GPU"):
        run_training(train, validation, test, _config(tiny_model_dir), RunOptions(eval_device="cuda"),
                     tmp_path / "run", protocol="x")
    assert not (tmp_path / "run").exists()  # nothing trained, nothing written


@pytest.mark.parametrize("val_size, expected", [(500, 500), (500.0, 500), (0.1, 0.1), (1.0, 1)])
def test_validation_size_is_a_count_or_a_fraction(val_size, expected):
    size = RunOptions(val_size=val_size).validation_size
    assert size == expected and type(size) is type(expected)


@pytest.mark.parametrize("settings, message", [
    ({"val_size": 0.0}, "--val-size: 0 must be above 0"),
    ({"val_size": -5.0}, "--val-size: -5 must be above 0"),
    ({"test_limit": 0}, "--test-limit: 0 must be at least 1"),
])
def test_bad_run_options_are_refused_naming_the_flag(settings, message):
    with pytest.raises(ArgumentError, match=f"^{message}$"):
        RunOptions(**settings)


def test_run_option_defaults():
    assert RunOptions() == RunOptions(output=None, val_size=500, test_limit=None, eval_device="cpu",
                                      eval_precision="auto", save_dtype="fp32", slim_predictions=False, resume=False)


def test_two_process_data_parallel_run_on_cpu(tiny_model_dir, tmp_path):
    """The same command under torchrun trains data-parallel; the report records the two processes."""
    reviews = load_study_reviews().groupby("label").head(40).sample(frac=1.0, random_state=0)
    reviews.assign(sentiment=reviews["label"].map({0: "negative", 1: "positive"})).iloc[:60].to_csv(
        tmp_path / "train.csv", index=False)
    reviews.assign(sentiment=reviews["label"].map({0: "negative", 1: "positive"})).iloc[60:].to_csv(
        tmp_path / "test.csv", index=False)
    run = tmp_path / "ddp"
    command = [sys.executable, "-m", "torch.distributed.run", "--nproc_per_node", "2", "--master_port", "29533",
               "-m", "sentiment", "train", "--model", str(tiny_model_dir), "--data", str(tmp_path / "train.csv"),
               "--test", str(tmp_path / "test.csv"), "--output", str(run), "--max-length", "64", "--val-size", "10",
               "--eval-every", "5", "--device", "cpu", "--no-progress"]
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    done = subprocess.run(command, cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads((run / "report.json").read_text())
    assert report["world_size"] == 2
    assert (report["train_size"], report["validation_size"], report["metrics"]["n"]) == (50, 10, 20)
    assert len(pd.read_csv(run / "predictions.csv.gz")) == 20  # written once, by the main process
