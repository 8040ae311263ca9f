"""Fine-tuning with the Hugging Face ``Trainer``.

Linear warm-up and decay, gradient clipping, batches grouped by length and
padded per batch, evaluation on a held-out part, the best checkpoint kept, and
``resume`` from the last saved step. Under ``torchrun`` / ``accelerate launch``
the same code trains data-parallel: the ``Trainer`` reads the launcher's
environment.
"""
import json
import shutil
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from transformers import DataCollatorWithPadding, Trainer, TrainingArguments, set_seed
from transformers.trainer import TRAINER_STATE_NAME
from transformers.trainer_utils import PREFIX_CHECKPOINT_DIR

from .arguments import check_values, length_in_tokens, number_in, positive_float, positive_int, probability
from .labels import predicted_class
from .devices import DEFAULT_PRECISION, Device, Precision, resolve_device, resolve_precision
from .model import DEFAULT_BASE, load_classifier, load_tokenizer
from .tokenization import DEFAULT_MAX_LENGTH, LONGEST_LENGTH, encode


@dataclass
class TrainConfig:
    """How to fine-tune: the ``training`` flags of ``python -m sentiment train`` are generated from these
    fields (``HfArgumentParser``), their help from ``help``; values are checked when the config is made."""

    _argument_group_name = "training"  # not a field: HfArgumentParser's group title

    model: str = field(default=DEFAULT_BASE, metadata={
        "help": "base checkpoint: path or Hub id (minilm: the embedded all-MiniLM-L6-v2)"})
    max_length: int = field(default=DEFAULT_MAX_LENGTH, metadata={
        "help": f"tokens read per review, head + tail ([CLS] and [SEP] included; BERT reads at most {LONGEST_LENGTH})"})
    epochs: float = field(default=1.0, metadata={"help": "passes over the training data"})
    learning_rate: float = field(default=5e-5, metadata={"help": "peak learning rate (AdamW)", "aliases": ["--lr"]})
    batch_size: int = field(default=16, metadata={"help": "reviews per optimizer step"})
    warmup: float = field(default=0.06, metadata={"help": "share of all steps spent warming the learning rate up"})
    weight_decay: float = field(default=0.01, metadata={"help": "AdamW weight decay"})
    # PyTorch's fused CPU attention kernel has no dropout: any attention dropout sends
    # training down the unfused path at about half the speed (benchmarks/pipeline_speed.py).
    # Hidden-layer dropout (0.1) stays and regularises as before.
    attention_dropout: float = field(default=0.0, metadata={
        "help": "dropout on attention weights (0 keeps the fast fused attention kernel)"})
    max_grad_norm: float = field(default=1.0, metadata={"help": "gradient clipping norm"})
    device: Device = field(default="auto", metadata={"help": "training device (auto: CUDA, then MPS, then CPU)"})
    precision: Precision = field(default=DEFAULT_PRECISION, metadata={
        "help": "training precision (auto: bf16 where the hardware has it, fp16 on older GPUs and MPS, else fp32)"})
    seed: int = field(default=42, metadata={
        "help": "data split, shuffling and the new head's weights: same seed, same run"})
    eval_every: int = field(default=400, metadata={
        "help": "optimizer steps between validations (and saved steps for --resume)"})
    progress: bool = field(default=True, metadata={"help": "progress bars (--no-progress for logs)"})

    def __post_init__(self):
        check_values(self, {
            "max_length": length_in_tokens, "epochs": positive_float, "learning_rate": positive_float,
            "batch_size": positive_int, "warmup": probability, "weight_decay": number_in(float, 0.0),
            "attention_dropout": probability, "max_grad_norm": positive_float, "eval_every": positive_int,
        })


@dataclass
class TrainResult:
    """What ``fine_tune`` hands back: the best validated model (plain, no autocast wrapper), its tokenizer, the
    resolved device and precision, timings, the ``Trainer``'s log, and the data-parallel world."""

    model: object
    tokenizer: object
    device: str
    precision: str
    timings: dict
    log_history: list
    world_size: int
    is_main_process: bool


def _examples(tokenizer, reviews: pd.DataFrame, max_length: int) -> list[dict]:
    encoded = encode(tokenizer, reviews["review"].tolist(), max_length)
    return [{"input_ids": e["input_ids"], "labels": int(label)}
            for e, label in zip(encoded, reviews["label"])]


def p_positive_of_logits(logits) -> np.ndarray:
    """P(positive) per row of two-class ``logits`` (rows of [negative, positive]), as the predictor computes it."""
    logits = np.asarray(logits, dtype=np.float64)
    return 1.0 / (1.0 + np.exp(logits[:, 0] - logits[:, 1]))


def _accuracy(prediction) -> dict:
    """Validation accuracy by the project's one label rule (``sentiment.labels``: P = 0.5 reads positive;
    an argmax would read a tie as negative)."""
    said = predicted_class(p_positive_of_logits(prediction.predictions))
    return {"accuracy": float((said == np.asarray(prediction.label_ids)).mean())}


def fine_tune(train: pd.DataFrame, validation: pd.DataFrame, config: TrainConfig,
              work_dir: str | Path, resume: bool = False) -> TrainResult:
    """Fine-tune ``config.model`` on ``train``, keeping the step that scores best on ``validation``.

    Intermediate checkpoints go to ``work_dir`` (for ``resume``); the caller
    saves the returned model where it belongs.
    """
    device = resolve_device(config.device)
    precision = resolve_precision(device, config.precision)
    tokenizer = load_tokenizer(config.model)
    # Seed before the classification head is created: the Trainer seeds only later, so
    # without this the same --seed gave a different random head, and different results.
    set_seed(config.seed)
    model = load_classifier(config.model, attention_probs_dropout_prob=config.attention_dropout)

    start = time.perf_counter()
    train_set = _examples(tokenizer, train, config.max_length)
    validation_set = _examples(tokenizer, validation, config.max_length)
    tokenise_s = time.perf_counter() - start

    args = _training_arguments(config, work_dir, device, precision)
    trainer = Trainer(
        model=model,
        args=args,
        train_dataset=train_set,
        eval_dataset=validation_set,
        data_collator=DataCollatorWithPadding(tokenizer, pad_to_multiple_of=8),
        processing_class=tokenizer,
        compute_metrics=_accuracy,
    )
    checkpoint = last_complete_checkpoint(work_dir) if resume else None
    if resume and checkpoint is None:
        print(f"--resume: no checkpoint in {work_dir}, starting from the beginning")
    outcome = trainer.train(resume_from_checkpoint=checkpoint)
    timings = {
        "tokenisation_s": tokenise_s,
        "training_s": outcome.metrics["train_runtime"],
        "training_samples_per_s": outcome.metrics["train_samples_per_second"],
        "resumed_from": Path(checkpoint).name if checkpoint else None,
    }
    # Under bf16/fp16 the Trainer (through accelerate) wraps the model's ``forward`` in autocast; that
    # wrapper outlives training, so a caller evaluating "in fp32" would silently run mixed precision.
    # Hand back the plain model: what is evaluated is then what the report says it is.
    model = trainer.accelerator.unwrap_model(trainer.model, keep_fp32_wrapper=False)
    return TrainResult(model, tokenizer, device, precision, timings,
                       trainer.state.log_history, args.world_size, trainer.is_world_process_zero())


def _training_arguments(config: TrainConfig, work_dir: str | Path, device: str, precision: str) -> TrainingArguments:
    """The ``Trainer``'s settings for ``config`` on the resolved ``device`` and ``precision``: the recipe (warm-up
    and linear decay, clipping, batches grouped by length), a validation and a saved step every
    ``eval_every`` steps into ``work_dir`` (two kept), and the best validated step loaded at the end."""
    return TrainingArguments(
        output_dir=str(work_dir),
        per_device_train_batch_size=config.batch_size,
        per_device_eval_batch_size=2 * config.batch_size,
        learning_rate=config.learning_rate,
        num_train_epochs=config.epochs,
        warmup_steps=config.warmup,
        lr_scheduler_type="linear",
        weight_decay=config.weight_decay,
        max_grad_norm=config.max_grad_norm,
        train_sampling_strategy="group_by_length",
        eval_strategy="steps",
        eval_steps=config.eval_every,
        save_strategy="steps",
        save_steps=config.eval_every,
        save_total_limit=2,
        load_best_model_at_end=True,
        metric_for_best_model="accuracy",
        logging_steps=max(1, min(50, config.eval_every // 4)),
        bf16=precision == "bf16",
        fp16=precision == "fp16",
        use_cpu=device == "cpu",
        seed=config.seed,
        disable_tqdm=not config.progress,
        report_to="none",
    )


def last_complete_checkpoint(work_dir: str | Path) -> str | None:
    """The newest ``checkpoint-N`` folder in ``work_dir`` that the Trainer finished writing, or None.

    The Trainer writes ``trainer_state.json`` last; a run killed while saving leaves a
    newer folder without it (or with it cut short), and resuming from that one would
    crash, so it is skipped in favour of the one before.
    """
    folders = [p for p in Path(work_dir).glob(f"{PREFIX_CHECKPOINT_DIR}-*") if p.name.split("-")[-1].isdigit()]
    for folder in sorted(folders, key=lambda p: int(p.name.split("-")[-1]), reverse=True):
        try:
            json.loads((folder / TRAINER_STATE_NAME).read_text())
        except (OSError, ValueError):
            continue
        return str(folder)
    return None


def discard_work_dir(work_dir: str | Path) -> None:
    """Intermediate checkpoints are only for ``resume``; the final model is saved elsewhere."""
    shutil.rmtree(work_dir, ignore_errors=True)


def config_dict(config: TrainConfig) -> dict:
    """``config`` as the plain dict a run's ``report.json`` records."""
    return asdict(config)
