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
    with pytest.raises(ArgumentError, match="^--eval-device cuda: no CUDA GPU"):  # the flag it came from
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


@pytest.mark.parametrize("training_precision", ["fp32", "bf16"])
def test_the_report_evaluates_the_saved_model_in_the_precision_it_names(tiny_model_dir, parts, tmp_path,
                                                                        training_precision):
    """Mixed-precision training wraps the model's forward in autocast (accelerate); evaluating that model
    "in fp32" ran bf16 and saved probabilities ~6e-5 off the saved model's. The saved predictions must be
    what the saved checkpoint, loaded afresh, says in fp32, to float precision (CSV keeps 6 decimals)."""
    from sentiment.predictor import Predictor

    train, validation, test = parts
    config = TrainConfig(**{**config_dict(_config(tiny_model_dir)), "precision": training_precision})
    out = tmp_path / "run"
    report = run_training(train, validation, test, config, RunOptions(eval_precision="fp32"), out, protocol="x")
    assert report["mixed_precision"] == {"training": training_precision, "evaluation": "fp32"}
    saved = pd.read_csv(out / "predictions.csv.gz")["p_positive"].tolist()
    again = Predictor.from_pretrained(out, device="cpu", precision="fp32").p_positive(test["review"].tolist())
    assert saved == pytest.approx(list(again), abs=1e-6)


def test_fine_tune_hands_back_the_plain_model_not_the_autocast_wrapped_one(tiny_model_dir, parts, tmp_path):
    from sentiment.train import fine_tune

    train, validation, _ = parts
    config = TrainConfig(**{**config_dict(_config(tiny_model_dir)), "precision": "bf16"})
    model = fine_tune(train, validation, config, tmp_path / "work").model.eval()
    ids = torch.tensor([[101, 2204, 2143, 102]])
    with torch.no_grad():
        logits = model(input_ids=ids).logits
    assert logits.dtype == torch.float32
    plain = type(model).forward(model, input_ids=ids).logits  # the class's forward: no autocast around it
    torch.testing.assert_close(logits, plain.detach(), rtol=0, atol=0)


# ---- --resume picks up at the first stage not finished ------------------------------------------

class Stopped(Exception):
    """A kill, simulated at a chosen point of a run."""


def _stop(*args, **kwargs):
    raise Stopped


def _stopped_run(tiny_model_dir, parts, out, monkeypatch, where: str, **options):
    """A run stopped when it reaches ``where`` (a name in sentiment.training_run), as a kill would stop it."""
    from sentiment import training_run

    train, validation, test = parts
    with monkeypatch.context() as patch, pytest.raises(Stopped):
        patch.setattr(training_run, where, _stop)
        run_training(train, validation, test, _config(tiny_model_dir), RunOptions(eval_precision="fp32", **options),
                     out, protocol="hand-made parts")


def _resume(tiny_model_dir, parts, out, config=None, **options):
    train, validation, test = parts
    return run_training(train, validation, test, config or _config(tiny_model_dir),
                        RunOptions(eval_precision="fp32", resume=True, **options), out, protocol="hand-made parts")


def test_a_run_stopped_during_the_evaluation_resumes_there_and_reports_as_a_straight_run(
        tiny_model_dir, parts, tmp_path, monkeypatch, capsys):
    from sentiment import training_run

    train, validation, test = parts
    straight = run_training(train, validation, test, _config(tiny_model_dir), RunOptions(eval_precision="fp32"),
                            tmp_path / "straight", protocol="hand-made parts")
    out = tmp_path / "run"
    _stopped_run(tiny_model_dir, parts, out, monkeypatch, "evaluate")
    saved = json.loads((out / "training.json").read_text())
    assert (out / "trainer").is_dir() and not (out / "report.json").exists()  # kept until the report
    capsys.readouterr()

    monkeypatch.setattr(training_run, "fine_tune", _stop)  # training again would fail the test
    report = _resume(tiny_model_dir, parts, out)
    assert capsys.readouterr().err.splitlines()[0] == (
        f"--resume: the training of {out} finished and its checkpoint is saved; resuming at the evaluation")
    # what the report takes from the training is the record's, and the same as a straight run's
    assert (report["log_history"], report["timings"]["training_s"]) == (saved["log_history"],
                                                                        saved["timings"]["training_s"])
    assert [e["step"] for e in report["validation"]] == [2, 4]
    for key in ("train_size", "validation_size", "test_size", "config", "metrics", "parameters", "device",
                "mixed_precision", "world_size", "saved_dtype"):
        assert report[key] == straight[key], key
    assert pd.read_csv(out / "predictions.csv.gz").equals(pd.read_csv(tmp_path / "straight" / "predictions.csv.gz"))
    assert json.loads((out / "report.json").read_text()) == report and (out / "README.md").is_file()
    assert not (out / "trainer").exists() and not (out / "training.json").exists()  # tidied once reported


def test_a_run_stopped_while_saving_resumes_the_training_from_its_last_saved_step(
        tiny_model_dir, parts, tmp_path, monkeypatch, capsys):
    out = tmp_path / "run"
    _stopped_run(tiny_model_dir, parts, out, monkeypatch, "save_checkpoint")
    assert not (out / "training.json").exists()
    capsys.readouterr()
    report = _resume(tiny_model_dir, parts, out)
    assert capsys.readouterr().err.splitlines()[0] == (
        "--resume: continuing the training from its last saved step, trainer/checkpoint-4")
    assert report["timings"]["resumed_from"] == "checkpoint-4"
    assert [e["step"] for e in report["validation"]] == [2, 4]


def test_resuming_a_finished_run_says_so_and_changes_nothing(tiny_model_dir, parts, tmp_path, monkeypatch, capsys):
    from sentiment import training_run

    train, validation, test = parts
    out = tmp_path / "run"
    first = run_training(train, validation, test, _config(tiny_model_dir), RunOptions(eval_precision="fp32"), out,
                         protocol="hand-made parts")
    files = {p.name: p.read_bytes() for p in out.iterdir()}
    capsys.readouterr()
    monkeypatch.setattr(training_run, "fine_tune", _stop)
    monkeypatch.setattr(training_run, "evaluate", _stop)
    assert _resume(tiny_model_dir, parts, out) == first
    captured = capsys.readouterr()
    assert captured.err == f"--resume: the run in {out} is finished (report.json written); nothing left to do\n"
    assert f"| accuracy | {first['metrics']['accuracy']:.4f} |" in captured.out
    assert {p.name: p.read_bytes() for p in out.iterdir()} == files


def test_resume_with_nothing_saved_says_it_trains_from_the_start(tiny_model_dir, parts, tmp_path, capsys):
    out = tmp_path / "empty"
    out.mkdir()
    report = _resume(tiny_model_dir, parts, out)
    assert capsys.readouterr().err.splitlines()[0] == (
        f"--resume: nothing of this run is saved in {out} yet; training from the start")
    assert report["timings"]["resumed_from"] is None and (out / "report.json").is_file()


def test_a_resumed_evaluation_refuses_a_recipe_other_than_the_one_trained(tiny_model_dir, parts, tmp_path,
                                                                        monkeypatch):
    out = tmp_path / "run"
    _stopped_run(tiny_model_dir, parts, out, monkeypatch, "evaluate")
    other = TrainConfig(**{**config_dict(_config(tiny_model_dir)), "learning_rate": 2e-3, "progress": True})
    with pytest.raises(ArgumentError, match=r"^--resume: .* was trained otherwise \(--learning-rate 0\.001 there, "
                                            r"0\.002 here\); resume with the command that started it"):
        _resume(tiny_model_dir, parts, out, config=other)
    train, validation, test = parts
    with pytest.raises(ArgumentError, match=r"\(training reviews 16 there, 15 here\)"):
        run_training(train.iloc[:15], validation, test, _config(tiny_model_dir), RunOptions(resume=True), out,
                     protocol="x")
    # --no-progress or not is no part of the recipe
    quiet = TrainConfig(**{**config_dict(_config(tiny_model_dir)), "progress": True})
    assert _resume(tiny_model_dir, parts, out, config=quiet)["config"]["progress"] is False


def test_a_new_run_forgets_the_old_report_so_a_stop_is_not_taken_for_the_end(tiny_model_dir, parts, tmp_path,
                                                                             monkeypatch):
    from sentiment.training_run import resume_stage

    train, validation, test = parts
    out = tmp_path / "run"
    run_training(train, validation, test, _config(tiny_model_dir), RunOptions(eval_precision="fp32"), out,
                 protocol="first")
    _stopped_run(tiny_model_dir, parts, out, monkeypatch, "evaluate")  # a second run over it, stopped
    assert not (out / "report.json").exists()
    assert resume_stage(out) == "evaluation"


def _folder(root, name: str, files: tuple[str, ...]):
    folder = root / name
    for file in files:
        (folder / file).parent.mkdir(parents=True, exist_ok=True)
        (folder / file).write_text("{}")
    folder.mkdir(exist_ok=True)
    return folder


@pytest.mark.parametrize("files, stage", [
    ((), "training"),
    (("trainer/checkpoint-4/trainer_state.json",), "training"),
    (("config.json", "model.safetensors"), "training"),  # saved, but no record: stopped while saving
    (("config.json", "model.safetensors", "training.json"), "evaluation"),
    (("config.json", "training.json"), "training"),  # weights missing
    (("config.json", "model.safetensors", "training.json", "report.json"), "finished"),  # stopped tidying up
    (("config.json", "model.safetensors", "report.json"), "finished"),  # tidied, or from before training.json
    (("config.json", "model.safetensors", "report.json", "trainer/checkpoint-4/trainer_state.json"), "training"),
    (("config.json", "model.safetensors", "report.json", "trainer/checkpoint-4/config.json"), "finished"),
    (("report.json",), "training"),  # a baseline's folder: no model
])
def test_the_stage_a_run_resumes_at_follows_the_files_each_stage_leaves(tmp_path, files, stage):
    from sentiment.training_run import resume_stage

    assert resume_stage(_folder(tmp_path, "run", files)) == stage
