"""sentiment.train: fine-tuning with the Trainer, its settings (TrainConfig), seeds, and resuming after a kill."""
import dataclasses

import numpy as np

import pytest
import torch

from sentiment.errors import ArgumentError
from sentiment.evaluate import predict_proba
from sentiment.model import load_classifier
from sentiment.tokenization import encode, pad_batch
from sentiment.train import TrainConfig, config_dict, fine_tune, last_complete_checkpoint


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
    return result, before, reviews, validation


def test_training_lowers_the_loss(trained, tokenizer):
    result, before, reviews, _ = trained
    after = mean_loss(result.model, tokenizer, reviews, 32)
    assert before > 0.65  # a random head: close to ln 2
    assert after < 0.5 * before
    # attention dropout off by default (fast fused attention), hidden dropout kept
    assert result.model.config.attention_probs_dropout_prob == 0.0
    assert result.model.config.hidden_dropout_prob == 0.1


def test_training_reports_its_timings_and_validations(trained):
    result, _, _, _ = trained
    assert (result.device, result.precision, result.world_size, result.is_main_process) == ("cpu", "fp32", 1, True)
    assert set(result.timings) == {"tokenisation_s", "training_s", "training_samples_per_s", "resumed_from"}
    assert result.timings["resumed_from"] is None
    # 64 reviews x 10 epochs went through in training_s seconds (the Trainer rounds both figures)
    assert result.timings["training_samples_per_s"] == pytest.approx(640 / result.timings["training_s"], rel=0.01)
    # 8 steps an epoch, 80 in all, validated every 40; accuracies are counts out of the 40 validation reviews
    validations = [e for e in result.log_history if "eval_accuracy" in e]
    assert [e["step"] for e in validations] == [40, 80]
    assert all((40 * e["eval_accuracy"]).is_integer() for e in validations)


def test_the_best_validated_step_is_the_model_returned(trained, tokenizer):
    result, _, _, validation = trained
    best = max(e["eval_accuracy"] for e in result.log_history if "eval_accuracy" in e)
    p = predict_proba(result.model, tokenizer, validation["review"].tolist(), 32, "cpu", "fp32")
    assert ((p >= 0.5) == validation["label"].to_numpy()).mean() == pytest.approx(best)


# --- TrainConfig: checked when made, before any model or data is read ---

def test_defaults_are_the_documented_recipe():
    assert config_dict(TrainConfig()) == {
        "model": "minilm", "max_length": 256, "epochs": 1.0, "learning_rate": 5e-5, "batch_size": 16,
        "warmup": 0.06, "weight_decay": 0.01, "attention_dropout": 0.0, "max_grad_norm": 1.0, "device": "auto",
        "precision": "auto", "seed": 42, "eval_every": 400, "progress": True}


@pytest.mark.parametrize("field, value, message", [
    ("attention_dropout", 1.5, r"--attention-dropout: 1.5 is outside \[0, 1\)"),
    ("attention_dropout", -0.1, r"--attention-dropout: -0.1 is outside \[0, 1\)"),
    ("max_length", 3, r"--max-length: 3 is outside \[4, 512\]"),
    ("max_length", 513, r"--max-length: 513 is outside \[4, 512\]"),
    ("learning_rate", 0.0, "--learning-rate: 0 must be above 0"),  # written as a person would type it
    ("epochs", float("nan"), "--epochs: 'nan' is not a finite number"),
    ("batch_size", 0, "--batch-size: 0 must be at least 1"),
    ("warmup", 1.0, r"--warmup: 1 is outside \[0, 1\)"),
    ("weight_decay", -0.01, "--weight-decay: -0.01 must be at least 0"),
    ("max_grad_norm", -1.0, "--max-grad-norm: -1 must be above 0"),
    ("eval_every", 0, "--eval-every: 0 must be at least 1"),
])
def test_out_of_range_settings_are_refused_naming_the_flag(field, value, message):
    with pytest.raises(ArgumentError, match=f"^{message}$"):
        TrainConfig(**{field: value})


@pytest.mark.parametrize("field, value", [("max_length", 4), ("max_length", 512), ("warmup", 0.0),
                                          ("attention_dropout", 0.0), ("weight_decay", 0.0)])
def test_settings_on_the_boundary_are_accepted(field, value):
    assert getattr(TrainConfig(**{field: value}), field) == value


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


def test_resume_without_a_checkpoint_starts_from_the_beginning(tiny_model_dir, tmp_path, capsys):
    result = _small_run(tiny_model_dir, _shipped_reviews(), tmp_path / "empty", resume=True, epochs=1)
    assert result.timings["resumed_from"] is None
    assert f"--resume: no checkpoint in {tmp_path / 'empty'}, starting from the beginning" in capsys.readouterr().out
    assert [e["step"] for e in result.log_history if "eval_accuracy" in e] == [2, 4]


def test_a_trainer_state_cut_short_does_not_count_as_complete(tmp_path):
    for step, state in ((9, '{"global_step": 9}'), (10, '{"global_step": 10}'), (11, '{"global_step": 11, "log_hist'),
                        (12, None)):
        (tmp_path / f"checkpoint-{step}").mkdir()
        if state is not None:
            (tmp_path / f"checkpoint-{step}" / "trainer_state.json").write_text(state)
    (tmp_path / "checkpoint-final").mkdir()  # not a step: ignored
    # 10, by step number: by name, "checkpoint-9" would sort last
    assert last_complete_checkpoint(tmp_path) == str(tmp_path / "checkpoint-10")
    assert last_complete_checkpoint(tmp_path / "nothing-here") is None


def test_the_model_returned_is_the_best_validated_step_not_the_last(tiny_model_dir, tmp_path, monkeypatch):
    from safetensors.torch import load_file

    from sentiment import train

    scores = iter([0.9, 0.5, 0.6, 0.7])  # the validations at steps 2, 4, 6, 8: the first is the best
    monkeypatch.setattr(train, "_accuracy", lambda prediction: {"accuracy": next(scores)})
    result = _small_run(tiny_model_dir, _shipped_reviews(), tmp_path / "work")
    assert [e["eval_accuracy"] for e in result.log_history if "eval_accuracy" in e] == [0.9, 0.5, 0.6, 0.7]
    best = load_file(tmp_path / "work" / "checkpoint-2" / "model.safetensors")
    last = load_file(tmp_path / "work" / "checkpoint-8" / "model.safetensors")
    weights = result.model.state_dict()
    assert torch.equal(weights["classifier.weight"], best["classifier.weight"])
    assert not torch.equal(best["classifier.weight"], last["classifier.weight"])


def test_every_setting_is_a_dataclass_field_with_help():
    for f in dataclasses.fields(TrainConfig):
        assert f.metadata.get("help"), f.name


def test_validation_accuracy_reads_a_tie_as_positive_like_every_other_rule():
    from types import SimpleNamespace

    from sentiment.train import _accuracy, p_positive_of_logits

    # rows: a tie (P = 0.5), clearly negative, clearly positive; truth positive, negative, negative
    logits = np.array([[0.3, 0.3], [2.0, -1.0], [-1.0, 2.0]])
    assert p_positive_of_logits(logits).tolist() == pytest.approx([0.5, 1 / (1 + np.exp(3)), 1 / (1 + np.exp(-3))])
    assert _accuracy(SimpleNamespace(predictions=logits, label_ids=np.array([1, 0, 0]))) == {"accuracy": 2 / 3}
