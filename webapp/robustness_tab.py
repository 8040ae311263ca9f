"""The Robustness tab: where each checkpoint fails, as rates, and the failing cases side by side.

It reads the reports ``python -m sentiment robustness --checkpoint DIR --save``
wrote next to each checkpoint (``robustness.json``), so it needs neither the
dataset nor a model to draw the charts; a failing case is then explained with
the Contrast tab's machinery (its original and its variant, both attributed).
Contrast-pair texts come whole from the shipped CAD dev file (the reports keep
only excerpts).
"""
from __future__ import annotations

import json
from pathlib import Path

import gradio as gr
import pandas as pd

from explain.render import page_html
from sentiment.errors import DataError
from sentiment.cad import load_pairs
from sentiment.robustness.report import CAD_ATTRIBUTION, PUSH_PARTS, REPORT_FILE, push_section
from sentiment.text import LINE_BREAK

from .downloads import save
from .figures import Chart, checkpoint_colours, shared_chart_png
from .pages import markdown_html, pair_html
from .shared_cache import computed_once

INTRO = f"""How often each checkpoint fails, by kind of text. **Contrast pairs**: IMDB reviews and a
minimal edit that flips their label (CAD dev); a model that read the verdict gets both right.
**Behavioural tests**: short reviews generated from templates (negation, "X, but Y", irony,
hedges; changes that must not flip the verdict; sentences that must move it). **Error taxonomy**:
how much more often the test-set mistakes carry a trait than the reviews without it (lift).
Select a failing case (every one is listed: contrast pairs, negated negatives, irony, "X, but Y"...)
to see it explained with its parts marked, beside its original where it has one.

<small>{CAD_ATTRIBUTION}.</small>"""


def load_reports(checkpoints: dict[str, str]) -> dict[str, dict]:
    """``{name: report}`` for the checkpoints (``{name: folder}``) that have a saved robustness report."""
    reports = {}
    for name, location in checkpoints.items():
        path = Path(location) / REPORT_FILE
        if path.is_file():
            reports[name] = json.loads(path.read_text())
    return reports


def capability_rates(reports: dict[str, dict]) -> pd.DataFrame:
    """Long format for a bar chart: one row per (capability, checkpoint) with its failure rate in %."""
    rows = [{"capability": name, "checkpoint": checkpoint, "failure rate (%)": round(100 * cap["failure_rate"], 1),
             "bar": f"{name} · {checkpoint}"}
            for checkpoint, report in reports.items()
            for name, cap in report["behaviour"]["capabilities"].items()]
    return pd.DataFrame(rows, columns=["capability", "checkpoint", "failure rate (%)", "bar"])


def tag_lifts(reports: dict[str, dict]) -> pd.DataFrame:
    """Long format for a bar chart: one row per (tag, checkpoint): the lift within the true classes (what the
    chart shows), the crude lift, each class's, both error rates in %."""
    rows = []
    for checkpoint, report in reports.items():
        for tag, t in report.get("taxonomy", {}).get("tags", {}).items():
            within = t.get("lift_within_class")
            if t["lift"] is None and within is None:
                continue
            by_class = t.get("lift_by_class", {})
            rows.append({"tag": tag, "checkpoint": checkpoint, "lift within class": _rounded(within),
                         "lift (crude)": _rounded(t["lift"]),
                         "lift on negatives": _rounded(by_class.get("negative")),
                         "lift on positives": _rounded(by_class.get("positive")),
                         "error rate with (%)": round(100 * t["error_rate_with"], 1),
                         "error rate without (%)": round(100 * t["error_rate_without"], 1),
                         "reviews with it": t["n_with"], "bar": f"{tag} · {checkpoint}"})
    return pd.DataFrame(rows, columns=TAG_COLUMNS)


TAG_COLUMNS = ["tag", "checkpoint", "lift within class", "lift (crude)", "lift on negatives", "lift on positives",
               "error rate with (%)", "error rate without (%)", "reviews with it", "bar"]
# Said beside the chart: the crude lift is what the README called confounded.
LIFT_CAVEAT = ("Bars: the lift within each true class, pooled over the two (Mantel-Haenszel), i.e. reviews "
               "compared with reviews of the same class. A tag found mostly in one class's reviews takes on "
               "that class's error rate, so the crude lift (the table's second figure) mixes the tag's effect "
               "with the class's. Where the two classes go opposite ways the pooled figure averages them: read "
               "the table's lift on negatives and on positives (irony cues, dense negation and contrast "
               "reversals each raise the error rate on positive reviews and lower it on negative ones).")


def _rounded(value):
    return None if value is None else round(value, 2)


PUSH_COLUMNS = ["phenomenon", "part", "checkpoint", "cases read", "mean", "95% interval", "cases", "bar"]
PUSH_NOTE = """**Where the push sits**: each case explained (integrated gradients) toward its expected label, the
word scores summed per part of the text, averaged over the cases each checkpoint reads right and those it
reads wrong (`python -m explain.push`). Above 0 the part argued for the expected verdict. For the CAD pairs:
the share of the change in push between original and edit that the edited words carry (1: all of it)."""


def push_figures(reports: dict[str, dict]) -> pd.DataFrame:
    """Long format, one row per (phenomenon, part, checkpoint, read right or wrong): the mean with its 95%
    interval and the number of cases, from the reports' saved attribution figures (``PUSH_PARTS``)."""
    rows = []
    for phenomenon, parts in PUSH_PARTS.items():
        for part, _ in parts:
            for checkpoint, report in reports.items():
                section = push_section(report, phenomenon) or {}
                for outcome in ("right", "wrong"):
                    figure = section.get(outcome, {}).get("parts", {}).get(part)
                    if not figure or figure.get("mean") is None:
                        continue
                    low, high = figure.get("low"), figure.get("high")
                    rows.append({"phenomenon": phenomenon, "part": part, "checkpoint": checkpoint,
                                 "cases read": outcome, "mean": figure["mean"],
                                 "95% interval": f"{low:+.2f} to {high:+.2f}" if low is not None else "one case",
                                 "cases": figure["n"],
                                 # the checkpoint in the label: one bar per row, as in the other charts
                                 # (bars sharing a label would be stacked, their means summed)
                                 "bar": f"{phenomenon} · {part} · read {outcome} · {checkpoint}"})
    return pd.DataFrame(rows, columns=PUSH_COLUMNS)


def contrast_summary(reports: dict[str, dict]) -> pd.DataFrame:
    """One row per checkpoint: accuracy on originals, on edits, and consistency (both right), in %."""
    return pd.DataFrame([{"checkpoint": name,
                          "right on originals (%)": round(100 * r["contrast_pairs"]["accuracy_original"], 1),
                          "right on edits (%)": round(100 * r["contrast_pairs"]["accuracy_edited"], 1),
                          "right on both (%)": round(100 * r["contrast_pairs"]["consistency"], 1),
                          "pairs": r["contrast_pairs"]["n_pairs"]} for name, r in reports.items()])


CASE_COLUMNS = ["key", "checkpoint", "kind", "expected", "P(positive)", "template", "what failed"]


def _failures(capability: dict) -> list[dict]:
    """A capability's failing cases: all of them (``failing``, reports since the field exists), else the
    worst few (``examples``, older reports)."""
    return capability.get("failing", capability.get("examples", []))


def failing_cases(reports: dict[str, dict]) -> pd.DataFrame:
    """Every failing case, one row each, with a key to show it by: the contrast pairs either text of which
    was misread, and every failing behavioural case (negated negatives, irony, "X, but Y", ...).

    Keys: ``CHECKPOINT|pair|PAIR_ID`` for a contrast pair, ``CHECKPOINT|case|CAPABILITY|N`` for the N-th
    failure of a behavioural capability (``_failures``).
    """
    rows = []
    for checkpoint, report in reports.items():
        pairs = report["contrast_pairs"]
        wrong = {p: [] for p in pairs["failing_pairs"]["original_wrong"] + pairs["failing_pairs"]["edited_wrong"]}
        for side in ("original_wrong", "edited_wrong"):
            for pair_id in pairs["failing_pairs"][side]:
                wrong[pair_id].append(side.split("_")[0])
        for pair_id, sides in wrong.items():
            rows.append({"key": f"{checkpoint}|pair|{pair_id}", "checkpoint": checkpoint, "kind": "contrast pair",
                         "expected": "", "P(positive)": None, "template": "CAD dev",
                         "what failed": f"pair {pair_id}: {' and '.join(sides)} misread"})
        for name, cap in report["behaviour"]["capabilities"].items():
            for i, case in enumerate(_failures(cap)):
                what = case["text"]
                if case.get("original"):
                    what = f"P(positive) {case['p_original']:.2f} -> {case['p_positive']:.2f}: {what}"
                rows.append({"key": f"{checkpoint}|case|{name}|{i}", "checkpoint": checkpoint, "kind": name,
                             "expected": case.get("expected") or "same verdict", "P(positive)": case["p_positive"],
                             "template": case.get("template", ""), "what failed": what})
    return pd.DataFrame(rows, columns=CASE_COLUMNS)


@computed_once
def _pairs() -> pd.DataFrame:
    return load_pairs()


def case_texts(reports: dict[str, dict], key: str) -> tuple[str, str | None, str, str]:
    """``(checkpoint, original, text, note)`` of the failing case ``key`` (see :func:`failing_cases`):
    ``original`` is None for a case that has none (a negated negative, an irony case); ``note`` says what
    was expected (a pair's two gold labels, a case's expected label or move)."""
    parts = str(key or "").split("|")
    if len(parts) < 3 or parts[0] not in reports:
        raise DataError("Select a failing case in the table first (or give its key, e.g. "
                        "minilm-imdb-25k|pair|122).")
    checkpoint, kind = parts[0], parts[1]
    if kind == "pair" and len(parts) == 3:
        pair = _pairs()[_pairs()["pair_id"] == parts[2]]
        if len(pair) == 2:
            texts, gold = dict(zip(pair["kind"], pair["review"])), dict(zip(pair["kind"], pair["sentiment"]))
            return (checkpoint, texts["original"], texts["edited"],
                    f"CAD pair {parts[2]}: the original is {gold['original']}, the edit {gold['edited']}.")
    if kind == "case" and len(parts) == 4 and parts[3].isdigit():
        failures = _failures(reports[checkpoint]["behaviour"]["capabilities"].get(parts[2], {}))
        index = int(parts[3])
        if index < len(failures):
            case = failures[index]
            expected = case.get("expected")
            note = (f"{parts[2]}, template {case.get('template') or 'n/a'}: expected "
                    + (f"{expected}" if expected in ("positive", "negative") else
                       f"P(positive) to go {expected}" if expected else "the same verdict as the original")
                    + f"; {checkpoint} read P(positive) {case['p_positive']:.2f}.")
            return checkpoint, case.get("original") or None, case["text"], note
    raise DataError("No failing case with that key; select one in the table.")


# ---- Gradio handlers -----------------------------------------------------------------------

def _reports() -> dict[str, dict]:
    from .checkpoints import available_checkpoints

    return load_reports(available_checkpoints())


# The tab's three charts, as the app draws them and as they are downloaded (webapp/figures.py).
CAPABILITY_CHART = Chart(x="bar", y="failure rate (%)", color="checkpoint", x_title="capability · checkpoint",
                         y_lim=(0, 100), title="Behavioural tests: share of generated cases failed")
TAG_CHART = Chart(x="bar", y="lift within class", color="checkpoint", x_title="tag · checkpoint",
                  title="Error taxonomy: error rate with the tag / without it, within the true class (1 = no "
                        "effect)")
PUSH_CHART = Chart(x="bar", y="mean", color="checkpoint", x_title="phenomenon · part · cases read · checkpoint",
                   title="Where the push sits: mean push toward the expected label")


def chart_download(what: str, frame: pd.DataFrame, chart: Chart) -> str | None:
    """The path of ``chart`` of ``frame`` as a PNG to download, in the checkpoints' colours; None where
    the frame is empty."""
    png = shared_chart_png(frame, chart, checkpoint_colours(frame[chart.color]))
    return None if png is None else save(what, png, "png")


def overview():
    """The tab's note, capability chart, tag chart, tag table, contrast-pair table, failing cases, push chart
    and push table; then the paths of the three charts as PNGs to download."""
    reports = _reports()
    note = ("Reports of " + ", ".join(f"`{n}`" for n in reports) + "." if reports else
            "No robustness reports here yet: run `python -m sentiment robustness --checkpoint "
            "checkpoints/NAME --save` for each checkpoint.")
    tags = tag_lifts(reports)
    cases = failing_cases(reports)
    # The key goes last: the table shows it, and a selection reads it from the row's end.
    cases = cases[[c for c in cases.columns if c != "key"] + ["key"]]
    pushes = push_figures(reports)
    capabilities, charted = capability_rates(reports), pushes[pushes["part"].isin(CHARTED_PARTS)]
    return (note, capabilities, tags, tags.drop(columns="bar"), contrast_summary(reports), cases, charted,
            pushes.drop(columns="bar"),
            chart_download("capabilities-chart", capabilities, CAPABILITY_CHART),
            chart_download("tags-chart", tags, TAG_CHART), chart_download("push-chart", charted, PUSH_CHART))


# The chart's parts: the signed pushes a class compares (shares stay in the table).
CHARTED_PARTS = ("turn", "concession", "cue", "negated_word", "literal_words", "rest")


def key_from_selection(event: gr.SelectData) -> str:
    """The key of the selected row, read from the row itself (``event.index`` is wrong after sorting)."""
    return str(event.row_value[-1])


def compare_case(key: str):
    """The case explained by the checkpoint that failed it: its original and variant side by side where it
    has an original (a pair, an invariance case), the case with its parts marked either way; then the path
    of all of it as an HTML page to download (``case_page``)."""
    from explain.patterns import parts_html

    from .checkpoints import explainer
    from .explanations import contrast_of

    checkpoint, original, text, note = case_texts(_reports(), key)
    shown = explainer(checkpoint).explain(text)
    marked = (f"**{note}** Below: the {'variant' if original else 'case'} with its parts marked "
              f"({checkpoint}).")
    if original is None:
        label = {"negative": 1 - shown.p_positive, "positive": shown.p_positive}
        outputs = ("", readable(text), None, label, "", "", None, marked, parts_html(shown))
    else:  # the variant's explanation serves both the side-by-side view and the marked parts
        outputs = ((readable(original), readable(text))
                   + tuple(contrast_of(explainer(checkpoint).explain(original), shown)) + (marked, parts_html(shown)))
    return (*outputs, save(f"case-{key}", case_page(f"A failing case of {checkpoint}", outputs), "html"))


def case_page(title: str, outputs: tuple) -> str:
    """A failing case as one self-contained HTML page, from ``compare_case``'s outputs: the note, the
    original and the case side by side where it has an original, the case with its parts marked."""
    original, _, *pair, marked, parts = outputs
    sections = [("", markdown_html(marked))]
    if original:
        sections.append(("The original and the case", pair_html(("Original", "The case"), pair)))
    sections.append(("The case, its parts marked", parts))
    return page_html(title, sections)


def readable(text: str) -> str:
    """A text for a text box: HTML line breaks as line breaks, not as ``<br />``."""
    return LINE_BREAK.sub("\n", text)
