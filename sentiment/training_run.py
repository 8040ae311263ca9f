"""One training run, end to end: fine-tune, save the checkpoint, evaluate, write the report."""
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import pandas as pd

from .arguments import check_values, positive_float, positive_int
from .devices import DEFAULT_PRECISION, Device, Precision, resolve_device, resolve_precision
from .evaluate import evaluate
from .model import count_parameters, save_checkpoint
from .model_card import write_model_card
from .report import PREDICTIONS_FILE, environment, markdown_table, write_report
from .train import TrainConfig, config_dict, discard_work_dir, fine_tune


@dataclass
class RunOptions:
    """Where a run writes and how it is evaluated and saved: the ``run`` flags of ``python -m sentiment
    train`` and ``experiment``, generated from these fields like ``TrainConfig``'s."""

    _argument_group_name = "run"  # not a field: HfArgumentParser's group title

    output: str | None = field(default=None, metadata={"help": "run folder (default: runs/NAME)"})
    val_size: float = field(default=500, metadata={
        "help": "held-out part of the training data for choosing the best step: a count (>= 1) or a fraction"})
    test_limit: int | None = field(default=None, metadata={
        "help": "evaluate on a random sample of this many test reviews"})
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

    Returns the report (``None`` on the non-main processes of a data-parallel run).
    ``protocol``: one line saying where the data came from, for the report.
    """
    output_dir = Path(output_dir)
    work_dir = output_dir / "trainer"
    # Resolve the evaluation device before training, so a bad flag fails in seconds, not in an hour.
    eval_device = resolve_device(options.eval_device)
    eval_precision = resolve_precision(eval_device, options.eval_precision)

    result = fine_tune(train, validation, config, work_dir, resume=options.resume)
    if not result.is_main_process:
        return None
    save_checkpoint(result.model, result.tokenizer, output_dir, config.max_length, options.save_dtype)
    discard_work_dir(work_dir)

    metrics, predictions, eval_timings = evaluate(
        result.model.float(), result.tokenizer, test, config.max_length,
        eval_device, eval_precision, batch_size=2 * config.batch_size, progress=config.progress)
    if options.slim_predictions:
        predictions = predictions.drop(columns="review")
    predictions.to_csv(output_dir / PREDICTIONS_FILE, index=False)

    report = {
        "model": config.model,
        "protocol": protocol,
        "train_size": len(train),
        "validation_size": len(validation),
        "test_size": len(test),
        "max_length": config.max_length,
        "truncation": "head+tail",
        "device": {"training": result.device, "evaluation": eval_device},
        "mixed_precision": {"training": result.precision, "evaluation": eval_precision},
        "world_size": result.world_size,
        "saved_dtype": options.save_dtype,
        "config": config_dict(config),
        "timings": {**result.timings, **eval_timings},
        "metrics": metrics,
        "validation": [e for e in result.log_history if "eval_accuracy" in e],
        "log_history": result.log_history,
        "parameters": count_parameters(result.model),
        "environment": environment(),
        "finished": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }
    write_report(report, output_dir)
    write_model_card(output_dir)
    print(markdown_table({output_dir.name: report}))
    return report
