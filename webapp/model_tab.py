"""The Model tab: what each checkpoint is, how it was trained, how well it does."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from sentiment.labels import LABELS
from sentiment.model_card import hub_base_model
from sentiment.run_report import duration, read_report
from sentiment.paths import BASELINE_CHECKPOINT, shipped_checkpoint

from .downloads import save
from .figures import Chart, figure_png, series_colours, shared_chart_png
from .shared_cache import computed_once

BASELINE_DIR = shipped_checkpoint(BASELINE_CHECKPOINT)


def load_report(checkpoint: str | Path) -> dict | None:
    """The ``report.json`` of the checkpoint folder ``checkpoint``; None where it has none or it cannot be read
    (a checkpoint from the Hub, one not trained here)."""
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
            "training": f"{duration(t.get('training_s'))}, {r['device']['training']} "
                        f"{r['mixed_precision']['training']}",
            "evaluation": f"{duration(t.get('evaluation_s'))}, {r['device']['evaluation']}",
            # millions: the exact counts are in the details below the table
            "parameters": f"{r['parameters']['total'] / 1e6:.1f} M, head {r['parameters']['head']:,}",
        })
    return pd.DataFrame(rows)


def confusion_table(report: dict) -> pd.DataFrame:
    """Counts, and each as a share of its true class (the rates a heatmap's colours show)."""
    (tn, fp), (fn, tp) = report["metrics"]["confusion_matrix"]
    share = lambda count, total: count / total if total else 0.0  # noqa: E731 (a test set may lack a class)
    negatives, positives = tn + fp, fn + tp
    return pd.DataFrame({"true label": list(LABELS),
                         "predicted negative": [tn, fn], "predicted positive": [fp, tp],
                         "rate predicted negative": [share(tn, negatives), share(fn, positives)],
                         "rate predicted positive": [share(fp, negatives), share(tp, positives)]})


def confusion_figure(report: dict):
    """A 2x2 heatmap: colour = share of the true class, each cell labelled with its count and share."""
    from matplotlib.figure import Figure  # no pyplot: no global state shared between requests

    table = confusion_table(report)
    rates = table[["rate predicted negative", "rate predicted positive"]].to_numpy()
    counts = table[["predicted negative", "predicted positive"]].to_numpy()
    figure = Figure(figsize=(4.2, 3.4), layout="constrained")
    axes = figure.subplots()
    image = axes.imshow(rates, cmap="Blues", vmin=0.0, vmax=1.0)
    for (row, column), rate in np.ndenumerate(rates):
        axes.text(column, row, f"{counts[row, column]:,}\n{rate:.1%}", ha="center", va="center",
                  color="white" if rate > 0.5 else "black")
    axes.set_xticks([0, 1], labels=list(LABELS))
    axes.set_yticks([0, 1], labels=list(LABELS))
    axes.set_xlabel("predicted")
    axes.set_ylabel("true label")
    figure.colorbar(image, ax=axes, label="share of the true label")
    return figure


# The training curve's series: the key of the trainer's log, and the name the chart gives it.
CURVE_SERIES = (("loss", "training loss"), ("eval_loss", "validation loss"), ("eval_accuracy", "validation accuracy"))
# The curve as the app draws it and as it is downloaded (webapp/figures.py), each series in its colour.
CURVE_CHART = Chart(x="step", y="value", color="series", title="Training curve", kind="line")
CURVE_COLOURS = series_colours(name for _, name in CURVE_SERIES)


def training_curve(report: dict) -> pd.DataFrame:
    """Long format for ``gr.LinePlot``: step, value, series (training loss, validation loss/accuracy)."""
    rows = []
    for entry in report.get("log_history", []):
        for key, series in CURVE_SERIES:
            if key in entry and "step" in entry:
                rows.append({"step": entry["step"], "value": float(entry[key]), "series": series})
    return pd.DataFrame(rows, columns=["step", "value", "series"])


# ---- Gradio handlers -----------------------------------------------------------------------

def summary() -> pd.DataFrame:
    """The tab's table (``summary_table``): every available checkpoint with a report, then the TF-IDF
    baseline."""
    from .checkpoints import available_checkpoints

    reports = {name: load_report(location) for name, location in available_checkpoints().items()}
    reports["TF-IDF baseline"] = load_report(BASELINE_DIR)
    return summary_table({name: r for name, r in reports.items() if r is not None})


def _reading_note(report: dict) -> str:
    """How the reading length was chosen, where it was (``python -m sentiment read-length``)."""
    reading = report.get("reading")
    return f"; chosen on the validation reviews: {reading['reason']}" if reading else ""


def confusion_png(report: dict) -> bytes:
    """The confusion matrix (``confusion_figure``) as a PNG, drawn once per matrix and shared by every
    visitor (the tab draws it on every page load)."""
    return _confusion_png(tuple(map(tuple, report["metrics"]["confusion_matrix"])))


@computed_once
def _confusion_png(matrix: tuple) -> bytes:
    return figure_png(confusion_figure({"metrics": {"confusion_matrix": [list(row) for row in matrix]}}))


def details(checkpoint: str | None):
    """Markdown facts, confusion matrix and training curve of the checkpoint called ``checkpoint``; then
    the paths of the confusion matrix and of the training curve as PNGs to download (None for none)."""
    from .checkpoints import locate

    report = load_report(locate(checkpoint))
    if report is None:
        return (f"No `report.json` for {checkpoint}: figures are shown for checkpoints trained by "
                f"`python -m sentiment train`.", None, training_curve({}), None, None)
    t = report["timings"]
    validation = [e["eval_accuracy"] for e in report.get("validation", [])]
    base, continued = hub_base_model(report["model"])
    origin = f"`{base}`" + (f", continuing the checkpoint `{continued}`" if continued else "")
    text = f"""**{checkpoint}**, fine-tuned from {origin}.
- Data: {report['protocol']}; {report['train_size']:,} training reviews, {report.get('validation_size', 0):,}
  held out for validation, {report['test_size']:,} test reviews.
- Trained on {report['max_length']} tokens; reads {report.get('read_length', report['max_length'])} per review
  ({report['truncation']} truncation){_reading_note(report)}.
- Trained on {report['device']['training']} in {report['mixed_precision']['training']}:
  {duration(t.get('training_s'))} ({t.get('training_samples_per_s', 0):.1f} samples/s); tokenising took
  {duration(t.get('tokenisation_s'))}; evaluated on {report['device']['evaluation']} in
  {duration(t.get('evaluation_s'))} ({t.get('evaluation_reviews_per_s', 0):.1f} reviews/s).
- Parameters: {report['parameters']['total']:,} in all, {report['parameters']['head']:,} in the classifier head.
"""
    if validation:
        text += f"\n- Best validation accuracy: {max(validation):.3f}."
    curve = training_curve(report)
    curve_png = shared_chart_png(curve, CURVE_CHART, CURVE_COLOURS)
    return (text, confusion_figure(report), curve,
            save(f"confusion-matrix-{checkpoint}", confusion_png(report), "png"),
            None if curve_png is None else save(f"training-curve-{checkpoint}", curve_png, "png"))
