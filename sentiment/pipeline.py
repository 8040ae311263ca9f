"""One run, end to end: fine-tune, save the checkpoint, evaluate, write the report."""
from __future__ import annotations

import time
from pathlib import Path

import pandas as pd

from .devices import resolve_device, resolve_precision
from .evaluate import evaluate
from .model import count_parameters, save_checkpoint
from .model_card import write_model_card
from .report import PREDICTIONS_FILE, environment, markdown_table, write_report
from .train import TrainConfig, config_dict, discard_work_dir, fine_tune


def run(train: pd.DataFrame, validation: pd.DataFrame, test: pd.DataFrame, config: TrainConfig,
        output_dir: str | Path, *, protocol: str, eval_device: str = "cpu", eval_precision: str = "auto",
        save_dtype: str = "fp32", review_text_in_predictions: bool = True, resume: bool = False) -> dict | None:
    """Returns the report (``None`` on the non-main processes of a data-parallel run)."""
    output_dir = Path(output_dir)
    work_dir = output_dir / "trainer"
    # Resolve the evaluation device before training, so a bad flag fails in seconds, not in an hour.
    eval_device = resolve_device(eval_device)
    eval_precision = resolve_precision(eval_device, eval_precision)

    result = fine_tune(train, validation, config, work_dir, resume=resume)
    if not result.is_main_process:
        return None
    save_checkpoint(result.model, result.tokenizer, output_dir, config.max_length, save_dtype)
    discard_work_dir(work_dir)

    metrics, predictions, eval_timings = evaluate(
        result.model.float(), result.tokenizer, test, config.max_length,
        eval_device, eval_precision, batch_size=2 * config.batch_size, progress=config.progress)
    if not review_text_in_predictions:
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
        "saved_dtype": save_dtype,
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
