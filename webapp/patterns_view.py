"""The Patterns tab: a teacher's CSV of tricky reviews, grouped by a category column, read for patterns
(``explain.patterns``: accuracy, misread rows, the push per part of a review, the strongest words), with
each row one click from its coloured explanation and the whole as an HTML page for slides."""
from __future__ import annotations

import tempfile
from pathlib import Path

import pandas as pd

import gradio as gr

from explain.patterns import PART_ORDER, accuracy_and_misread, parts_html, read_rows, read_rows_with, to_json, to_page
from sentiment.errors import DataError

from .checkpoints import explainer, locate, predictor

# About a second of CPU per row: a class waits for at most a minute per file; the command line
# (python -m explain.patterns) takes up to explain.patterns.MAX_ROWS.
APP_MAX_ROWS = 60
# One folder for the pages of this process, removed when it exits (Gradio serves its own copy).
_PAGES = tempfile.TemporaryDirectory(prefix="patterns-")

INTRO = f"""Bring your own set: a CSV (UTF-8) with a **review** or **text** column, a **sentiment**
column (positive/negative) for accuracy, and a column that groups the rows (e.g. *irony*,
*contrast*, *negation*), up to {APP_MAX_ROWS} rows. Every row is explained; the words' pushes are
summed per part of the review: the **concession** and the **turn** of "X, but Y", the **set-up**
and the **last sentence** where there is no connective, **negation cues** and what they negate,
the **literal opinion words**. Bars: the mean push of each part toward the row's own gold label
(toward positive if unlabelled): above 0 the part argued for the right verdict. Select a row to
see its explanation. The same from the command line: `python -m explain.patterns --csv FILE
--category COLUMN`."""

PART_COLUMNS = ["category", "part", "rows", "mean push toward the gold label", "95% interval",
                "mean push toward positive", "share of |push|", "bar"]
ROW_COLUMNS = ["row", "category", "gold", "read as", "P(positive)", "misread", "review"]


def part_table(categories: dict[str, dict]) -> pd.DataFrame:
    """One row per (category, part): how many rows have it, its mean push toward the gold label (with its
    95% interval) and toward positive, its mean share of the row's |push|; ``bar`` labels the chart."""
    rows = []
    for name, c in categories.items():
        for kind in PART_ORDER:
            part = c["parts"].get(kind)
            if part is None:
                continue
            gold = part.get("toward_label") or {}
            low, high = gold.get("low"), gold.get("high")
            rows.append({"category": name, "part": kind, "rows": part["n"],
                         "mean push toward the gold label": gold.get("mean"),
                         "95% interval": f"{low:+.2f} to {high:+.2f}" if low is not None else "",
                         "mean push toward positive": part["mean"], "share of |push|": f"{part['share']:.0%}",
                         "bar": f"{kind} · {name}"})
    return pd.DataFrame(rows, columns=PART_COLUMNS)


def chart_frame(table: pd.DataFrame) -> pd.DataFrame:
    """What the bar chart plots: toward the gold label where the set is labelled, else toward positive."""
    frame = table.copy()
    frame["push"] = frame["mean push toward the gold label"].fillna(frame["mean push toward positive"])
    return frame[["bar", "category", "push"]]


def summary(result: dict) -> str:
    lines = [f"**{result['n_rows']} rows** read by `{result['checkpoint']}` ({result['read_length']} tokens per "
             f"review)."]
    for name, c in result["categories"].items():
        accuracy, misread = accuracy_and_misread(c, digits=0)
        words = c["strongest_words"]
        lines.append(f"- **{name}** ({c['n']} rows): {accuracy}; misread rows: {misread}. Strongest words "
                     f"toward positive: {', '.join(w for w, _, _ in words['toward_positive'][:5]) or '-'}; "
                     f"toward negative: {', '.join(w for w, _, _ in words['toward_negative'][:5]) or '-'}.")
    return "\n".join(lines)


def row_table(read) -> pd.DataFrame:
    return pd.DataFrame([{"row": r.row.number, "category": r.row.category or "", "gold": r.row.sentiment or "",
                          "read as": r.predicted, "P(positive)": round(r.p_positive, 3),
                          "misread": "yes" if r.misread else "", "review": r.row.text}
                         for r in read], columns=ROW_COLUMNS)


def patterns_for_app(checkpoint: str, upload, category):
    """``checkpoint``: a name from the picker; ``upload``: Gradio's file (or its path); ``category``: the
    column that groups the rows, or empty. Returns the summary, the chart's and the table's frames, the
    rows, and the HTML page to download."""
    locate(checkpoint)
    if upload is None:
        raise DataError("Upload a CSV file with a 'review' (or 'text') column first.")
    if category is not None and not isinstance(category, str):
        raise DataError("The category column must be a column name, or empty.")
    path = Path(getattr(upload, "name", upload))
    rows = read_rows(path, category.strip() if category and category.strip() else None, APP_MAX_ROWS)
    model = predictor(checkpoint)
    read = read_rows_with(model, explainer(checkpoint), rows)
    result = to_json(read, checkpoint, model.max_length)
    table = part_table(result["categories"])
    page = Path(_PAGES.name) / f"patterns-{checkpoint}-{path.stem[:40]}.html"
    page.write_text(to_page(result, read), encoding="utf-8")
    return summary(result), chart_frame(table), table.drop(columns="bar"), row_table(read), str(page)


def explain_selected(checkpoint: str, event: gr.SelectData) -> tuple[str, str]:
    """The row selected in the rows table, explained: one click from a misread row to its explanation."""
    return explain_row(checkpoint, event.row_value)


def explain_row(checkpoint: str, event_row) -> tuple[str, str]:
    """The heading and coloured explanation of a row of the rows table; ``event_row``: its values, whose
    first cell is the row number and last the review."""
    if not event_row:
        raise DataError("Select a row of the table first.")
    number, text = event_row[0], str(event_row[-1])
    if not text.strip():
        raise DataError("That row has no review text.")
    e = explainer(checkpoint).explain(text)
    return (f"**Row {number}**: read {e.label} (P(positive) {e.p_positive:.2f}), its parts marked.", parts_html(e))

