"""The Model tab: what each checkpoint is, how it was trained, how well it does."""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from sentiment.report import duration, read_report
from sentiment.study import CHECKPOINTS_DIR

BASELINE_DIR = CHECKPOINTS_DIR / "tfidf-baseline"


def load_report(checkpoint: str | Path) -> dict | None:
    try:
        return read_report(checkpoint)
    except (OSError, ValueError):
        return None


def summary_table(reports: dict[str, dict]) -> pd.DataFrame:
    """One row per model: metrics, data, devices, timings, size."""
    rows = []
    for name, r in reports.items():
        m, t = r["metrics"], r["timings"]
        rows.append({
            "model": name, "accuracy": round(m["accuracy"], 4), "precision": round(m["precision"], 4),
            "recall": round(m["recall"], 4), "F1": round(m["f1"], 4),
            "trained on": f"{r['train_size']:,}", "tested on": f"{r['test_size']:,}",
            "training": f"{duration(t.get('training_s'))} on {r['device']['training']} "
                        f"({r['mixed_precision']['training']})",
            "evaluation": f"{duration(t.get('evaluation_s'))} on {r['device']['evaluation']}",
            "parameters": f"{r['parameters']['total']:,} (head {r['parameters']['head']:,})",
        })
    return pd.DataFrame(rows)


def confusion_table(report: dict) -> pd.DataFrame:
    (tn, fp), (fn, tp) = report["metrics"]["confusion_matrix"]
    return pd.DataFrame({"true label": ["negative", "positive"],
                         "predicted negative": [tn, fn], "predicted positive": [fp, tp]})


def training_curve(report: dict) -> pd.DataFrame:
    """Long format for ``gr.LinePlot``: step, value, series (training loss, validation loss/accuracy)."""
    rows = []
    for entry in report.get("log_history", []):
        for key, series in (("loss", "training loss"), ("eval_loss", "validation loss"),
                            ("eval_accuracy", "validation accuracy")):
            if key in entry and "step" in entry:
                rows.append({"step": entry["step"], "value": float(entry[key]), "series": series})
    return pd.DataFrame(rows, columns=["step", "value", "series"])


# ---- Gradio handlers -----------------------------------------------------------------------

def summary() -> pd.DataFrame:
    from .models import available_checkpoints

    reports = {name: load_report(location) for name, location in available_checkpoints().items()}
    reports["TF-IDF baseline"] = load_report(BASELINE_DIR)
    return summary_table({name: r for name, r in reports.items() if r is not None})


def details(checkpoint: str | None):
    """Markdown facts, confusion matrix and training curve of the checkpoint called ``checkpoint``."""
    from .models import locate

    report = load_report(locate(checkpoint))
    if report is None:
        return (f"No `report.json` for {checkpoint}: figures are shown for checkpoints trained by "
                f"`python -m sentiment train`.", pd.DataFrame(), training_curve({}))
    t = report["timings"]
    validation = [e["eval_accuracy"] for e in report.get("validation", [])]
    text = f"""**{checkpoint}**, fine-tuned from `{report['model']}`.
- Data: {report['protocol']}; {report['train_size']:,} training reviews, {report.get('validation_size', 0):,}
  held out for validation, {report['test_size']:,} test reviews.
- Reads at most {report['max_length']} tokens ({report['truncation']} truncation).
- Trained on {report['device']['training']} in {report['mixed_precision']['training']}:
  {duration(t.get('training_s'))} ({t.get('training_samples_per_s', 0):.1f} samples/s); tokenising took
  {duration(t.get('tokenisation_s'))}; evaluated on {report['device']['evaluation']} in
  {duration(t.get('evaluation_s'))} ({t.get('evaluation_reviews_per_s', 0):.1f} reviews/s).
- Parameters: {report['parameters']['total']:,} in all, {report['parameters']['head']:,} in the classifier head.
"""
    if validation:
        text += f"\n- Best validation accuracy: {max(validation):.3f}."
    return text, confusion_table(report), training_curve(report)
