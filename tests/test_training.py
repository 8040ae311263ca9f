import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch

from sentiment.cli import main
from sentiment.evaluate import predict_proba
from sentiment.model import load_classifier, save_checkpoint
from sentiment.predictor import Predictor
from sentiment.tokenization import encode, pad_batch
from sentiment.train import TrainConfig, fine_tune

REPO = Path(__file__).resolve().parent.parent


def mean_loss(model, tokenizer, reviews, max_length=64):
    encoded = encode(tokenizer, reviews["review"].tolist(), max_length)
    batch = pad_batch(tokenizer, [e["input_ids"] for e in encoded])
    with torch.no_grad():
        logits = model.eval()(**batch).logits
    return torch.nn.functional.cross_entropy(logits, torch.tensor(reviews["label"].to_numpy())).item()


@pytest.fixture(scope="module")
def trained(tiny_model_dir, tokenizer, train_reviews, tmp_path_factory):
    """Ten epochs over 64 real reviews: enough for the tiny model to fit them."""
    reviews = train_reviews.groupby("label").head(32).reset_index(drop=True)
    config = TrainConfig(model=str(tiny_model_dir), max_length=32, epochs=10, learning_rate=3e-3,
                         batch_size=8, device="cpu", precision="fp32", eval_every=40, progress=False)
    before = mean_loss(load_classifier(str(tiny_model_dir)), tokenizer, reviews, 32)
    validation = train_reviews.tail(40).reset_index(drop=True)
    result = fine_tune(reviews, validation, config, tmp_path_factory.mktemp("work"))
    return result, before, reviews


def test_training_lowers_the_loss(trained, tokenizer):
    result, before, reviews = trained
    after = mean_loss(result.model, tokenizer, reviews, 32)
    assert before > 0.65  # a random head: close to ln 2
    assert after < 0.5 * before
    assert result.timings["training_samples_per_s"] > 0
    assert any("eval_accuracy" in entry for entry in result.log_history)
    # attention dropout off by default (fast fused attention), hidden dropout kept
    assert result.model.config.attention_probs_dropout_prob == 0.0
    assert result.model.config.hidden_dropout_prob == 0.1


def test_saved_checkpoint_reloads_with_the_same_predictions(trained, tokenizer, test_reviews, tmp_path):
    result, _, _ = trained
    texts = test_reviews["review"].tolist()[:40]
    expected = predict_proba(result.model, tokenizer, texts, 64)
    save_checkpoint(result.model, tokenizer, tmp_path / "fp32", max_length=64)
    save_checkpoint(result.model, tokenizer, tmp_path / "fp16", max_length=64, dtype="fp16")
    reloaded = Predictor.from_pretrained(tmp_path / "fp32", precision="fp32")
    assert reloaded.max_length == 64
    np.testing.assert_allclose(reloaded.p_positive(texts), expected, atol=1e-6)
    half = Predictor.from_pretrained(tmp_path / "fp16", precision="fp32")
    assert next(half.model.parameters()).dtype == torch.float32  # stored fp16, loaded fp32
    np.testing.assert_allclose(half.p_positive(texts), expected, atol=5e-3)
    assert (tmp_path / "fp16" / "model.safetensors").stat().st_size < \
        0.6 * (tmp_path / "fp32" / "model.safetensors").stat().st_size


@pytest.fixture(scope="module")
def csv_files(train_reviews, test_reviews, tmp_path_factory):
    folder = tmp_path_factory.mktemp("csv")
    for name, frame in (("train.csv", train_reviews), ("test.csv", test_reviews)):
        frame.assign(sentiment=frame["label"].map({0: "negative", 1: "positive"})).to_csv(folder / name, index=False)
    return folder / "train.csv", folder / "test.csv"


def test_train_evaluate_predict_commands(tiny_model_dir, csv_files, tmp_path, capsys):
    train_csv, test_csv = csv_files
    run = tmp_path / "run"
    assert main(["train", "--model", str(tiny_model_dir), "--data", str(train_csv), "--test", str(test_csv),
                 "--output", str(run), "--max-length", "64", "--lr", "1e-3", "--val-size", "40",
                 "--eval-every", "5", "--attention-dropout", "0.1", "--device", "cpu", "--no-progress"]) == 0
    table = capsys.readouterr().out
    assert "| accuracy |" in table and "| parameters (classifier head) | 66 |" in table
    report = json.loads((run / "report.json").read_text())
    for key in ("train_size", "test_size", "device", "mixed_precision", "timings", "metrics"):
        assert key in report
    assert report["train_size"] == 260 and report["test_size"] == 100
    assert json.loads((run / "config.json").read_text())["attention_probs_dropout_prob"] == 0.1
    assert "attention dropout 0.1" in (run / "README.md").read_text()  # the model card's recipe
    assert not (run / "trainer").exists()  # resume checkpoints are cleared once the run is saved

    predictions = __import__("pandas").read_csv(run / "predictions.csv.gz")
    assert list(predictions.columns) == ["id", "review", "sentiment", "predicted", "p_positive"]
    assert len(predictions) == 100

    assert main(["evaluate", "--checkpoint", str(run), "--data", str(test_csv),
                 "--limit", "30", "--seed", "1", "--json"]) == 0
    metrics = json.loads(capsys.readouterr().out)
    assert metrics["n"] == 30
    assert {"accuracy", "precision", "recall", "f1"} <= set(metrics)

    assert main(["predict", "--checkpoint", str(run), "--csv", str(test_csv), "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert len(rows) == 100
    assert set(rows[0]) == {"label", "p_positive"}
    assert all((r["label"] == "positive") == (r["p_positive"] >= 0.5) for r in rows)


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
    (["train", "--data", "missing.csv", "--no-progress"], "missing.csv: no such file"),
    (["evaluate", "--checkpoint", "x", "--data", "missing.csv"], "missing.csv: no such file"),
])
def test_commands_report_bad_input_without_a_traceback(argv, message, capsys, tmp_path):
    assert main([str(tiny_csv(tmp_path)) if arg == "REVIEWS" else arg for arg in argv]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and message in err
    assert "Traceback" not in err


@pytest.mark.parametrize("value, message", [("1.5", "1.5 is outside [0, 1)"), ("-0.1", "-0.1 is outside [0, 1)"),
                                            ("abc", "'abc' is not a number")])
def test_out_of_range_dropout_is_a_clear_error(value, message, capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["train", "--data", "official", "--attention-dropout", value, "--no-progress"])
    assert exit_.value.code == 2
    assert f"argument --attention-dropout: {message}" in capsys.readouterr().err


def test_unavailable_device_is_a_clear_error(capsys, tmp_path):
    if torch.cuda.is_available():
        pytest.skip("this machine has CUDA")
    # any data will do: the device is checked before the model loads
    assert main(["train", "--data", str(tiny_csv(tmp_path)), "--val-size", "4", "--device", "cuda", "--no-progress",
                 "--output", str(tmp_path / "run")]) == 2
    assert "no CUDA GPU is visible" in capsys.readouterr().err


def test_two_process_data_parallel_run_on_cpu(tiny_model_dir, csv_files, tmp_path):
    train_csv, test_csv = csv_files
    run = tmp_path / "ddp"
    command = [sys.executable, "-m", "torch.distributed.run", "--nproc_per_node", "2", "--master_port", "29533",
               "-m", "sentiment", "train", "--model", str(tiny_model_dir), "--data", str(train_csv),
               "--test", str(test_csv), "--output", str(run), "--max-length", "64", "--val-size", "40",
               "--eval-every", "5", "--device", "cpu", "--no-progress"]
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    done = subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads((run / "report.json").read_text())
    assert report["world_size"] == 2
    assert report["metrics"]["n"] == 100


# --- reproducible and resumable runs ---

def _small_run(tiny_model_dir, reviews, work_dir, seed=0, resume=False, epochs=2):
    config = TrainConfig(model=str(tiny_model_dir), max_length=32, epochs=epochs, learning_rate=3e-3, batch_size=4,
                         device="cpu", precision="fp32", eval_every=2, seed=seed, progress=False)
    return fine_tune(reviews.head(16), reviews.tail(8), config, work_dir, resume=resume)


def _shipped_reviews():
    """24 labelled reviews from the study file that ships with the repository: these tests run on a bare clone."""
    from sentiment.study import load_study_reviews

    reviews = load_study_reviews().groupby("label").head(12)
    return reviews.sample(frac=1.0, random_state=0).reset_index(drop=True)


def _weights(model) -> dict:
    return {k: v.detach().clone() for k, v in model.state_dict().items()}


def test_same_seed_same_weights_other_seed_other_weights(tokenizer, tmp_path):
    from transformers import BertModel

    from conftest import tiny_config

    # a plain encoder, like the MiniLM base: every run creates its classification head afresh
    base = tmp_path / "encoder"
    torch.manual_seed(0)
    BertModel(tiny_config()).save_pretrained(base)
    tokenizer.save_pretrained(base)
    torch.manual_seed(12345)  # what came before must not matter: the run seeds itself
    reviews = _shipped_reviews()
    first = _weights(_small_run(base, reviews, tmp_path / "a").model)
    torch.manual_seed(54321)
    again = _weights(_small_run(base, reviews, tmp_path / "b").model)
    other = _weights(_small_run(base, reviews, tmp_path / "c", seed=1).model)
    assert all(torch.equal(first[k], again[k]) for k in first)
    assert not torch.equal(first["classifier.weight"], other["classifier.weight"])


def test_resume_skips_a_checkpoint_left_half_written_by_a_kill(tiny_model_dir, tmp_path, monkeypatch):
    from transformers import Trainer

    from sentiment.train import last_complete_checkpoint

    reviews = _shipped_reviews()
    work = tmp_path / "work"
    # Kill the run in the middle of its third save (step 6 of 8): after the weights and the optimizer
    # are written, before trainer_state.json, which the Trainer writes last.
    saves, save_rng_state = [], Trainer._save_rng_state

    def killed_on_third_save(self, output_dir):
        saves.append(output_dir)
        if len(saves) == 3:
            raise KeyboardInterrupt
        return save_rng_state(self, output_dir)

    monkeypatch.setattr(Trainer, "_save_rng_state", killed_on_third_save)
    with pytest.raises(KeyboardInterrupt):
        _small_run(tiny_model_dir, reviews, work)
    monkeypatch.setattr(Trainer, "_save_rng_state", save_rng_state)
    half = work / "checkpoint-6"
    assert (half / "model.safetensors").is_file() and not (half / "trainer_state.json").exists()
    assert last_complete_checkpoint(work) == str(work / "checkpoint-4")

    resumed = _small_run(tiny_model_dir, reviews, work, resume=True)  # continues from step 4 to 8
    assert resumed.timings["resumed_from"] == "checkpoint-4"
    assert resumed.log_history[-1]["step"] == 8



def test_a_trainer_state_cut_short_does_not_count_as_complete(tmp_path):
    from sentiment.train import last_complete_checkpoint

    for step, state in ((9, '{"global_step": 9}'), (10, '{"global_step": 10, "log_hist'), (11, None)):
        (tmp_path / f"checkpoint-{step}").mkdir()
        if state is not None:
            (tmp_path / f"checkpoint-{step}" / "trainer_state.json").write_text(state)
    assert last_complete_checkpoint(tmp_path) == str(tmp_path / "checkpoint-9")  # by step number, not by name
    assert last_complete_checkpoint(tmp_path / "nothing-here") is None
