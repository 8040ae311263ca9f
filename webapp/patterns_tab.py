"""The Patterns tab: a teacher's CSV of tricky reviews, grouped by a category column, read for patterns
(``explain.patterns``: accuracy, misread rows, the push per part of a review, the strongest words), with
each row one click from its coloured explanation and the whole as an HTML page for slides."""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pandas as pd

import gradio as gr

from explain.patterns import PART_ORDER, accuracy_and_misread, parts_html, read_rows, read_rows_with, to_json, to_page
from sentiment.errors import DataError
from sentiment.text import plural

from .checkpoints import explainer, locate, predictor
from .downloads import save
from .figures import Chart, chart_png, series_colours
from .pages import markdown_literal

# About a second of CPU per row: a class waits for at most a minute per file; the command line
# (python -m explain.patterns) takes up to explain.patterns.MAX_ROWS.
APP_MAX_ROWS = 60
# The tab's chart, as the app draws it and as it is downloaded (webapp/figures.py); its colours, one per
# category of the teacher's file, are given with each file's chart (chart_update).
CHART = Chart(x="bar", y="push", color="category", x_title="part · category",
              title="Mean push of each part toward the gold label (> 0: for the right verdict)")
UNLABELLED_TITLE = "Mean push of each part toward positive (the file has no gold labels)"

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
TABLE_COLUMNS = PART_COLUMNS[:-1]  # as the tab shows the table: "bar" labels the chart only
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
    """What the bar chart plots: toward the gold label where the set is labelled, else toward positive;
    numbers always (a column of Nones filled with floats stays objects, which a chart reads as names)."""
    frame = table.copy()
    gold = pd.to_numeric(frame["mean push toward the gold label"], errors="coerce")
    frame["push"] = gold.fillna(pd.to_numeric(frame["mean push toward positive"])).astype(float)
    return frame[["bar", "category", "push"]]


def chart_for(table: pd.DataFrame) -> Chart:
    """``CHART``, titled for what the bars of ``table`` (``part_table``) show: toward the gold label, or
    toward positive where the file has no gold labels (``read_rows`` takes every row labelled or none)."""
    if table["mean push toward the gold label"].notna().any():
        return CHART
    return replace(CHART, title=UNLABELLED_TITLE)


def chart_update(frame: pd.DataFrame, chart: Chart = CHART) -> dict:
    """The chart's new data with its colours (``chart_colours``: the categories are the file's own) and
    ``chart``'s title as its label, where the app shows a chart's title (``Chart.plot_args``)."""
    return gr.update(value=frame, color_map=chart_colours(frame), label=chart.title)


def chart_colours(frame: pd.DataFrame) -> dict[str, str]:
    """A colour per category of the chart's ``frame``, in order ("all" first)."""
    return series_colours(frame[CHART.color])


def summary(result: dict) -> str:
    """Markdown: the rows read and, per category of ``result`` (``explain.patterns.to_json``), its accuracy,
    misread rows and strongest words each way."""
    lines = [f"**{plural(result['n_rows'], 'row')}** read by `{result['checkpoint']}` ({result['read_length']} "
             f"tokens per review)."]
    for name, c in result["categories"].items():
        accuracy, misread = accuracy_and_misread(c, digits=0)
        words = {side: ", ".join(markdown_literal(w) for w, _, _ in c["strongest_words"][side][:5]) or "-"
                 for side in ("toward_positive", "toward_negative")}
        # the category's name and the words are the teacher's file's: shown as written, never as markup
        lines.append(f"- **{markdown_literal(name)}** ({plural(c['n'], 'row')}): {accuracy}; misread rows: "
                     f"{misread}. Strongest words toward positive: {words['toward_positive']}; toward negative: "
                     f"{words['toward_negative']}.")
    return "\n".join(lines)


def row_table(read) -> pd.DataFrame:
    """One row per review read (``explain.patterns.read_rows_with``), as the rows table shows it
    (``ROW_COLUMNS``): its number, category, gold label, verdict, P(positive), whether misread, the text."""
    return pd.DataFrame([{"row": r.row.number, "category": r.row.category or "", "gold": r.row.sentiment or "",
                          "read as": r.predicted, "P(positive)": round(r.p_positive, 3),
                          "misread": "yes" if r.misread else "", "review": r.row.text}
                         for r in read], columns=ROW_COLUMNS)


def patterns_for_app(checkpoint: str, upload, category):
    """``checkpoint``: a name from the picker; ``upload``: Gradio's file (or its path); ``category``: the
    column that groups the rows, or empty. Returns the summary, the chart (its frame and colours:
    ``chart_update``), the table's frame, the rows, the HTML page to download, and the chart as a PNG to
    download (None without bars)."""
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
    name = f"patterns-{checkpoint}-{path.stem}"
    chart, spec = chart_frame(table), chart_for(table)
    png = chart_png(chart, spec, chart_colours(chart))
    return (summary(result), chart_update(chart, spec), table[TABLE_COLUMNS], row_table(read),
            save(name, to_page(result, read), "html"), None if png is None else save(f"{name}-chart", png, "png"))


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

