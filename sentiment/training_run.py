"""One training run, end to end: fine-tune, save the checkpoint, evaluate, write the report.

A run passes three stages, and each leaves its mark in the run folder, so that ``--resume`` picks up at
the first one not finished (:func:`resume_stage`) instead of training again:

1. training: the Trainer's saved steps go to ``trainer/``; then the best step is saved as the run's
   checkpoint, and ``training.json`` beside it records what the report needs from the training (sizes,
   settings, devices, timings, the training curve). Written last, that file marks the training done.
2. evaluation: the saved checkpoint, loaded back (the model the report names), on the test reviews;
   writes ``predictions.csv.gz``.
3. report: ``report.json`` (the mark of a finished run) and the model card. Only then are ``trainer/``
   and ``training.json`` removed: the report holds everything the record held. The report follows the
   evaluation within a second, so a run stopped between them resumes at the evaluation.
"""
import json
import os
import re
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import pandas as pd

from .arguments import check_values, positive_float, positive_int
from .devices import DEFAULT_PRECISION, Device, DeviceError, Precision, resolve_device, resolve_precision
from .errors import ArgumentError
from .evaluate import evaluate
from .model import count_parameters, load_checkpoint, save_checkpoint
from .model_card import write_model_card
from .output_files import check_output_folder
from .run_report import PREDICTIONS_FILE, REPORT_FILE, environment, markdown_table, read_report, write_report
from .train import TrainConfig, config_dict, discard_work_dir, fine_tune, last_complete_checkpoint

WORK_DIR = "trainer"  # the Trainer's saved steps, inside the run folder
TRAINING_FILE = "training.json"  # what the report needs from a finished training
# Settings that change how a run is shown, not what it learns: a resumed run may change them.
NOT_RECIPE = ("progress",)


@dataclass
class RunOptions:
    """Where a run writes and how it is evaluated and saved: the ``run`` flags of ``python -m sentiment
    train`` and ``experiment``, generated from these fields like ``TrainConfig``'s."""

    _argument_group_name = "run"  # not a field: HfArgumentParser's group title

    output: str | None = field(default=None, metadata={"help": "run folder (default: runs/NAME)"})
    val_size: float = field(default=500, metadata={
        "help": "held-out part of the training data for choosing the best step: a count (>= 1) or a fraction"})
    test_limit: int | None = field(default=None, metadata={
        "help": "evaluate on a random sample of this many test reviews (default: all)"})
    eval_device: Device = field(default="cpu", metadata={"help": "evaluation device (the report's: CPU)"})
    eval_precision: Precision = field(default=DEFAULT_PRECISION, metadata={"help": "evaluation precision"})
    save_dtype: Literal["fp32", "fp16"] = field(default="fp32", metadata={
        "help": "precision of the saved weights (fp16 halves the file; loading computes in fp32)"})
    slim_predictions: bool = field(default=False, metadata={
        "help": "leave the review text out of predictions.csv.gz"})
    resume: bool = field(default=False, metadata={"help": "continue from the run folder's last saved step"})

    def __post_init__(self):
        check_values(self, {"val_size": positive_float,
                            **({"test_limit": positive_int} if self.test_limit is not None else {})})

    @property
    def validation_size(self) -> int | float:
        """``val_size`` as ``hold_out`` takes it: a count, or a fraction below 1."""
        return int(self.val_size) if self.val_size >= 1 else self.val_size


def run_training(train: pd.DataFrame, validation: pd.DataFrame, test: pd.DataFrame, config: TrainConfig,
                 options: RunOptions, output_dir: str | Path, *, protocol: str) -> dict | None:
    """Fine-tune on ``train`` (best step by ``validation``), save to ``output_dir``, evaluate on ``test``,
    write ``report.json``, the model card and the predictions there.

    With ``options.resume`` it starts at the first stage not finished (module docstring) and says which on
    stderr. Returns the report (``None`` on the non-main processes of a data-parallel run).
    ``protocol``: one line saying where the data came from, for the report.
    """
    output_dir = Path(output_dir)
    # The flags that can fail are checked before training, so a mistake costs seconds, not an hour.
    check_output_folder(output_dir)
    eval_device, eval_precision = evaluation_setting(options)
    stage = resume_stage(output_dir) if options.resume else "training"
    if options.resume and is_main_process():
        print(resume_message(output_dir, stage), file=sys.stderr)

    if stage == "training":
        training = _train_and_save(train, validation, config, options, output_dir)
    elif not is_main_process():
        training = None
    elif stage == "evaluation":
        training = saved_training(output_dir, config, train, validation)
    else:
        return _finished(output_dir)
    if training is None:
        return None  # another process of a data-parallel run: the main one evaluates and writes

    report = _evaluate_and_report(training, test, config, options, output_dir, (eval_device, eval_precision),
                                  protocol)
    _discard_resume_files(output_dir)
    print(markdown_table({output_dir.name: report}))
    return report


def evaluation_setting(options: RunOptions) -> tuple[str, str]:
    """``(device, precision)`` of the evaluation, resolved; a DeviceError names the flags they came from
    (``--eval-device``, ``--eval-precision``), not the training's ``--device`` that the rule's message names."""
    try:
        device = resolve_device(options.eval_device)
        return device, resolve_precision(device, options.eval_precision)
    except DeviceError as error:
        raise DeviceError(re.sub(r"^--(device|precision) ", r"--eval-\1 ", str(error))) from None


def is_main_process() -> bool:
    """Whether this process writes the run: the only one, or rank 0 of a data-parallel run (``torchrun``
    and ``accelerate launch`` set ``RANK``)."""
    return int(os.environ.get("RANK", "0")) == 0


# ---- which stage a resumed run starts at --------------------------------------------------------

def has_checkpoint(output_dir: Path) -> bool:
    """Whether ``output_dir`` holds a saved model (its config and weights)."""
    return (output_dir / "config.json").is_file() and (output_dir / "model.safetensors").is_file()


def resume_stage(output_dir: str | Path) -> str:
    """The first stage of the run in ``output_dir`` not finished: "training", "evaluation" or "finished"."""
    output_dir = Path(output_dir)
    if not has_checkpoint(output_dir):
        return "training"
    reported = (output_dir / REPORT_FILE).is_file()
    if (output_dir / TRAINING_FILE).is_file():
        return "finished" if reported else "evaluation"
    # A report with no training record: a run finished and tidied up, or one from before training.json
    # existed; unless the Trainer holds saved steps, which then belong to a newer training, not finished.
    if reported and last_complete_checkpoint(output_dir / WORK_DIR) is None:
        return "finished"
    return "training"


def resume_message(output_dir: Path, stage: str) -> str:
    """One line saying where ``--resume`` picks the run up."""
    if stage == "finished":
        return f"--resume: the run in {output_dir} is finished ({REPORT_FILE} written); nothing left to do"
    if stage == "evaluation":
        return (f"--resume: the training of {output_dir} finished and its checkpoint is saved; "
                f"resuming at the evaluation")
    step = last_complete_checkpoint(output_dir / WORK_DIR)
    if step is None:
        return f"--resume: nothing of this run is saved in {output_dir} yet; training from the start"
    return f"--resume: continuing the training from its last saved step, {Path(step).relative_to(output_dir)}"


# ---- the stages ---------------------------------------------------------------------------------

def _train_and_save(train: pd.DataFrame, validation: pd.DataFrame, config: TrainConfig, options: RunOptions,
                    output_dir: Path) -> dict | None:
    """Stage 1: fine-tune, save the best step as the run's checkpoint, then the training record.
    Returns the record (None on the non-main processes of a data-parallel run)."""
    # A new training makes the folder's old report and record wrong: forget them before it starts, so a
    # run stopped later is never taken for the finished one.
    for name in (REPORT_FILE, TRAINING_FILE):
        (output_dir / name).unlink(missing_ok=True)
    work_dir = output_dir / WORK_DIR
    # resume=False where nothing is saved: resume_message already said that it trains from the start
    resume = options.resume and last_complete_checkpoint(work_dir) is not None
    result = fine_tune(train, validation, config, work_dir, resume=resume)
    if not result.is_main_process:
        return None
    save_checkpoint(result.model, result.tokenizer, output_dir, config.max_length, options.save_dtype)
    training = {"config": config_dict(config), "train_size": len(train), "validation_size": len(validation),
                "device": result.device, "precision": result.precision, "world_size": result.world_size,
                "saved_dtype": options.save_dtype, "timings": result.timings, "log_history": result.log_history}
    _write_json_whole(training, output_dir / TRAINING_FILE)
    return training


def _write_json_whole(value: dict, path: Path) -> None:
    """Write ``path`` so that it exists only complete: a kill while writing leaves no half file that a
    resumed run would take for a finished training."""
    partial = path.with_name(path.name + ".partial")
    partial.write_text(json.dumps(value, indent=2) + "\n")
    os.replace(partial, path)


def saved_training(output_dir: Path, config: TrainConfig, train: pd.DataFrame, validation: pd.DataFrame) -> dict:
    """The training record of a run whose training finished, checked against this command's settings and
    data: a report must not name a recipe its model was not trained with."""
    training = json.loads((output_dir / TRAINING_FILE).read_text())
    asked = {**config_dict(config), "train_size": len(train), "validation_size": len(validation)}
    saved = {**training["config"], "train_size": training["train_size"],
             "validation_size": training["validation_size"]}
    differences = [f"{_flag(name)} {saved.get(name)!r} there, {value!r} here" for name, value in asked.items()
                   if name not in NOT_RECIPE and saved.get(name) != value]
    if differences:
        raise ArgumentError(f"--resume: {output_dir} was trained otherwise ({'; '.join(differences)}); resume "
                            f"with the command that started it, or train again without --resume")
    return training


def _flag(name: str) -> str:
    """How a person names a setting: its flag, or for the sizes of the data, in words."""
    return {"train_size": "training reviews", "validation_size": "validation reviews"}.get(
        name, f"--{name.replace('_', '-')}")


def _evaluate_and_report(training: dict, test: pd.DataFrame, config: TrainConfig, options: RunOptions,
                         output_dir: Path, evaluation: tuple[str, str], protocol: str) -> dict:
    """Stages 2 and 3: evaluate the saved checkpoint on ``test`` (``evaluation``: resolved device and
    precision), then write the predictions, ``report.json`` and the model card. Returns the report."""
    eval_device, eval_precision = evaluation
    # The checkpoint as saved, not the model in memory: the same model whether the run was resumed or not,
    # and the one the report and the card describe (fp16 weights included).
    model, tokenizer = load_checkpoint(output_dir)
    metrics, predictions, eval_timings = evaluate(
        model, tokenizer, test, config.max_length, eval_device, eval_precision,
        batch_size=2 * config.batch_size, progress=config.progress)
    if options.slim_predictions:
        predictions = predictions.drop(columns="review")
    predictions.to_csv(output_dir / PREDICTIONS_FILE, index=False)

    report = {
        "model": config.model,
        "protocol": protocol,
        "train_size": training["train_size"],
        "validation_size": training["validation_size"],
        "test_size": len(test),
        "max_length": config.max_length,
        "truncation": "head+tail",
        "device": {"training": training["device"], "evaluation": eval_device},
        "mixed_precision": {"training": training["precision"], "evaluation": eval_precision},
        "world_size": training["world_size"],
        "saved_dtype": training["saved_dtype"],
        "config": training["config"],
        "timings": {**training["timings"], **eval_timings},
        "metrics": metrics,
        "validation": [e for e in training["log_history"] if "eval_accuracy" in e],
        "log_history": training["log_history"],
        "parameters": count_parameters(model),
        "environment": environment(),
        "finished": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }
    write_report(report, output_dir)
    write_model_card(output_dir)
    return report


def _discard_resume_files(output_dir: Path) -> None:
    """Last, once the report is written: the Trainer's steps and the training record only serve --resume.
    The record goes after the steps, so that a run stopped in between still reads as finished."""
    discard_work_dir(output_dir / WORK_DIR)
    (output_dir / TRAINING_FILE).unlink(missing_ok=True)


def _finished(output_dir: Path) -> dict:
    """A finished run resumed: only what a stop in the last second could have left undone (the model card,
    the tidying up); returns its report."""
    report = read_report(output_dir)
    if not (output_dir / "README.md").is_file():
        write_model_card(output_dir)
    _discard_resume_files(output_dir)
    print(markdown_table({output_dir.name: report}))
    return report
