"""The report of a training run (``train``, ``experiment``, ``baseline``): its ``report.json``, the file of its
test predictions, and the Markdown table of runs in the lab report's shape (``python -m sentiment table``)."""
from __future__ import annotations

import json
import platform
from pathlib import Path

import torch
import transformers

from .errors import DataError

REPORT_FILE = "report.json"
# Every test prediction of a run: id, sentiment, predicted, p_positive (and review unless slim).
PREDICTIONS_FILE = "predictions.csv.gz"


def environment() -> dict:
    """The software and machine a run ran on, as its report records them."""
    return {"python": platform.python_version(), "torch": torch.__version__,
            "transformers": transformers.__version__, "machine": platform.machine(),
            "cpu_threads": torch.get_num_threads()}


def write_report(report: dict, directory: str | Path) -> Path:
    """Write ``report`` to ``directory/report.json`` (the folder made where missing); its path."""
    path = Path(directory) / REPORT_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(report, indent=2) + "\n")
    return path


def read_report(directory: str | Path) -> dict:
    """The ``report.json`` of a run folder; a DataError naming the file when there is none, or it is not a
    report (not JSON, not an object)."""
    path = Path(directory) / REPORT_FILE
    if not path.is_file():
        what = "no such folder" if not Path(directory).exists() else "no report.json there"
        raise DataError(f"{directory}: {what}; expected a run folder written by `python -m sentiment train` "
                        f"or `baseline`")
    try:
        report = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as error:
        raise DataError(f"{path}: not a readable report ({error})") from None
    if not isinstance(report, dict):
        raise DataError(f"{path}: not a report (expected a JSON object)")
    return report


def duration(seconds: float | None) -> str:
    """``25 min 59 s`` style, as the report writes times."""
    if seconds is None:
        return "n/a"
    if seconds < 60:
        return f"{seconds:.1f} s"
    minutes, secs = divmod(round(seconds), 60)
    if minutes < 60:
        return f"{minutes} min {secs} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes} min {secs} s"


def _rate(value: float | None, unit: str) -> str:
    return "n/a" if value is None else f"{value:,.1f} {unit}"


def _rows(report: dict) -> dict[str, str]:
    timings, metrics, params = report["timings"], report["metrics"], report["parameters"]
    device, precision = dict(report["device"]), dict(report["mixed_precision"])
    # A reading length chosen after training (sentiment.read_length) brought its own test evaluation: the
    # figures, their timing, device and precision are all that evaluation's.
    evaluation = report.get("reading", {}).get("test_evaluation")
    if evaluation:
        timings = {**timings, **{k: evaluation[k] for k in ("evaluation_s", "evaluation_reviews_per_s")
                                 if k in evaluation}}
        device["evaluation"], precision["evaluation"] = evaluation["device"], evaluation["precision"]
    read = report.get("read_length", report.get("max_length", "n/a"))
    return {
        "model": report.get("model", "n/a"),
        "training device / precision": f"{device['training']} / {precision['training']}",
        "evaluation device / precision": f"{device['evaluation']} / {precision['evaluation']}",
        "training set": f"{report['train_size']:,}",
        "test set": f"{report['test_size']:,}",
        "max length (truncation)": f"{report.get('max_length', 'n/a')} ({report.get('truncation', 'n/a')})",
        "reading length": f"{read}" + (" (chosen on validation)" if "reading" in report else ""),
        "tokenising the training set": duration(timings.get("tokenisation_s")),
        "fine-tuning": duration(timings.get("training_s")),
        "training samples/s": _rate(timings.get("training_samples_per_s"), "/s"),
        "best validation accuracy": _best_validation(report),
        "evaluation": duration(timings.get("evaluation_s")),
        "evaluation reviews/s": _rate(timings.get("evaluation_reviews_per_s"), "/s"),
        "accuracy": f"{metrics['accuracy']:.4f}",
        "precision": f"{metrics['precision']:.4f}",
        "recall": f"{metrics['recall']:.4f}",
        "F1": f"{metrics['f1']:.4f}",
        "parameters (model)": f"{params['total']:,}",
        "parameters (classifier head)": f"{params['head']:,}",
    }


def _best_validation(report: dict) -> str:
    """The best step's accuracy on the held-out validation part (what the recipe is chosen on)."""
    scores = [e["eval_accuracy"] for e in report.get("validation", []) if "eval_accuracy" in e]
    if not scores:
        return "n/a"
    return f"{max(scores):.4f} (of {report.get('validation_size', 0):,})"


def markdown_table(reports: dict[str, dict]) -> str:
    """One column per run, one row per figure, like the report's table of flows."""
    names = list(reports)
    rows = {}
    for name, report in reports.items():
        try:
            rows[name] = _rows(report)
        except (KeyError, TypeError) as error:
            raise DataError(f"{name}: its report.json lacks {error} (or holds it in another shape); expected a "
                            f"report written by `python -m sentiment train` or `baseline`") from None
    lines = ["| | " + " | ".join(names) + " |", "| --- |" + " --- |" * len(names)]
    for key in rows[names[0]]:
        lines.append(f"| {key} | " + " | ".join(rows[n][key] for n in names) + " |")
    return "\n".join(lines)
