"""Patterns in a set of reviews a teacher brings: per category, how often the model is right, which rows
it misreads, where the push sits (per part of a review) and which words push hardest.

    python -m explain.patterns --checkpoint CKPT --csv FILE [--category COLUMN] [--json] [--html OUT]

Each row is explained toward *positive* (integrated gradients, ``explain.Explainer``); its word scores are
summed over the parts of the review (``sentiment.robustness.parts.review_parts``: the concession and the
turn of a contrast, the set-up and the last sentence, negation cues and what they negate, the literal
opinion words). Per category the mean signed push of each part, with its 95% interval, says which part
carried the verdict. The verdicts and the accuracy come from ``sentiment.predictor.Predictor``, the
code ``python -m sentiment predict`` runs, so the two agree row for row.
"""
from __future__ import annotations

import csv
import io
import math
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from sentiment.data import TEXT_COLUMNS, check_not_utf16, column_names
from sentiment.errors import DataError
from sentiment.labels import LABEL_IDS, predicted_label
from sentiment.robustness.parts import review_parts
from sentiment.robustness.stats import mean_interval
from sentiment.text import strip_line_breaks

from .explainer import Explanation
from .push import part_push

MAX_ROWS = 500  # about 10 min of explanations on a 2-core CPU
ALL = "all"  # the category that holds every row
TOP_WORDS = 10
# The order parts are listed in: a contrast, then sentences, then negation, then the literal words.
PART_ORDER = ("concession", "turn", "set_up", "last_sentence", "negation_cue", "negated", "literal_opinion")


# ---- the rows: a teacher's CSV, checked -----------------------------------------------------------------

@dataclass(frozen=True)
class Row:
    """One review of the set: ``number`` counts data rows from 1 (the header not counted); ``sentiment`` is
    the gold label or None; ``category`` the category column's value, None where empty or not asked."""

    number: int
    text: str
    sentiment: str | None = None
    category: str | None = None


def read_rows(path: str | Path, category: str | None = None, max_rows: int = MAX_ROWS) -> list[Row]:
    """The rows of the CSV at ``path``: a ``review`` or ``text`` column (the first found), an optional
    ``sentiment`` column (every value positive or negative, or all empty), and the ``category`` column
    where one is named. Column names are matched without regard to case or surrounding spaces.

    Raises a DataError, one line naming the file and the row, for: no such file, an empty, UTF-16 or
    non-UTF-8 file, no header, no text column, a missing category column, a column it reads named twice
    (``sentiment.data.column_names``), rows with more or fewer fields than the header, an empty review, a
    sentiment other than positive/negative, more than ``max_rows`` rows.
    """
    path = Path(path)
    if path.is_dir():
        raise DataError(f"{path}: a folder, not a CSV file")
    if not path.is_file():
        raise DataError(f"{path}: no such file")
    raw = path.read_bytes()
    if not raw.strip():
        raise DataError(f"{path}: the file is empty; expected a CSV with a header row and a 'review' column")
    check_not_utf16(raw[:2], str(path))
    if b"\x00" in raw:
        raise DataError(f"{path}: binary data (NUL bytes); expected a CSV text file")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise DataError(f"{path}: not UTF-8 text (byte {error.start + 1:,}); save the CSV as UTF-8") from None
    try:
        records = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as error:
        raise DataError(f"{path}: not a readable CSV ({error})") from None
    records = [r for r in records if any(cell.strip() for cell in r)]  # blank lines are no rows
    wanted = category.strip().lower() if category else None
    header = column_names(records[0], str(path), (wanted,) if wanted else ())
    found = ", ".join(repr(c) for c in header[:10])
    text_column = next((c for c in TEXT_COLUMNS if c in header), None)
    if text_column is None:
        raise DataError(f"{path}: no 'review' or 'text' column (found: {found})")
    if wanted is not None and wanted not in header:
        raise DataError(f"{path}: no column {category!r} to group the rows by (found: {found})")
    body = records[1:]
    if not body:
        raise DataError(f"{path}: the file has a header but no reviews")
    if len(body) > max_rows:
        raise DataError(f"{path}: {len(body):,} rows; at most {max_rows:,} are explained at once (about a "
                        f"second each): split the file")
    rows = []
    for number, record in enumerate(body, start=1):
        if len(record) != len(header):
            raise DataError(f"{path}, row {number}: {len(record)} fields where the header has {len(header)}; "
                            f"a review that contains commas must be in double quotes")
        cells = dict(zip(header, record))
        review = strip_line_breaks(cells[text_column])
        if not review.strip():
            raise DataError(f"{path}, row {number}: empty review")
        rows.append(Row(number, review, _label(cells.get("sentiment"), path, number),
                        (cells[wanted].strip() or None) if wanted else None))
    labelled = [r.sentiment is not None for r in rows]
    if any(labelled) and not all(labelled):
        row = labelled.index(False) + 1
        raise DataError(f"{path}, row {row}: no sentiment where other rows have one; label every row "
                        f"(positive or negative) or none")
    return rows


def _label(value: str | None, path: Path, number: int) -> str | None:
    if value is None or not value.strip():
        return None
    label = value.strip().lower()
    if label not in LABEL_IDS:
        raise DataError(f"{path}, row {number}: sentiment {value!r} is not 'positive' or 'negative'")
    return label


# ---- one row: its parts' pushes ---------------------------------------------------------------------------

def row_parts(explanation: Explanation) -> dict[str, dict[str, float]]:
    """Per part of the review (``review_parts``): ``push``, its words' summed push toward positive, and
    ``share``, the part's |push| over the summed |push| of every word (0 where no word pushed)."""
    scores = explanation.scores_toward("positive")
    size = sum(abs(s) for s in scores)
    out = {}
    for kind, spans in review_parts(explanation.text).items():
        push = part_push(explanation, spans, "positive")
        out[kind] = {"push": push, "share": abs(push) / size if size else 0.0}
    return out


def row_words(explanation: Explanation) -> list[tuple[str, float]]:
    """Each word, lower-cased, with its push toward positive."""
    return [(w.word.lower(), s) for w, s in zip(explanation.words, explanation.scores_toward("positive"))]


# ---- one row, shown: the coloured words with the parts marked --------------------------------------------

# How each part is marked on top of the attribution colours: a clause or sentence by the colour of a line
# under it, negation by a dotted underline, literal opinion words in bold.
CLAUSE_LINES = {"concession": "#d97706", "set_up": "#d97706", "turn": "#2563eb", "last_sentence": "#2563eb"}
PART_NAMES = {"concession": "concession (before the connective)", "turn": "turn (after the connective)",
              "set_up": "set-up (every sentence but the last)", "last_sentence": "last sentence",
              "negation_cue": "negation cue", "negated": "what the negation covers",
              "literal_opinion": "literal opinion word"}


def _inside(position: int, spans) -> bool:
    return any(a <= position < b for a, b in spans)


def parts_html(explanation: Explanation) -> str:
    """The review's words coloured by their push toward positive (``explain.render``'s colours), each part
    of ``review_parts`` marked (``CLAUSE_LINES``, dotted for negation, bold for literal opinion words), and
    a legend giving each part's push toward positive and share of the |push|. All text escaped."""
    import html

    from sentiment.text import LINE_BREAK

    from .render import LEGEND, colour, scale

    text, parts = explanation.text, review_parts(explanation.text)
    top = scale(explanation)
    pushes = explanation.scores_toward("positive")
    dropped = explanation.dropped
    body, cursor = [], 0

    def gap(start: int, end: int) -> str:
        if dropped is not None and start <= dropped.start and dropped.end <= end:
            return (html.escape(LINE_BREAK.sub("\n", text[start:dropped.start])) +
                    html.escape(f" [{dropped.message}] ") + html.escape(LINE_BREAK.sub("\n", text[dropped.end:end])))
        return html.escape(LINE_BREAK.sub("\n", text[start:end]))

    for word, push in zip(explanation.words, pushes):
        body.append(gap(cursor, word.start))
        style = [f"background:{colour(push / top)}"]
        kinds = [k for k, spans in parts.items() if _inside(word.start, spans)]
        line = next((CLAUSE_LINES[k] for k in kinds if k in CLAUSE_LINES), None)
        if line:
            style.append(f"border-bottom:3px solid {line}")
        if "negation_cue" in kinds or "negated" in kinds:
            style.append("text-decoration:underline dotted #7c3aed")
        if "literal_opinion" in kinds:
            style.append("font-weight:bold")
        title = f"{push:+.3f} toward positive" + (f"; {', '.join(kinds)}" if kinds else "")
        body.append(f'<span class="word" style="{";".join(style)}" title="{html.escape(title)}">'
                    f"{html.escape(word.word)}</span>")
        cursor = word.end
    body.append(gap(cursor, len(text)))
    figures = row_parts(explanation)
    legend = "".join(
        f"<li>{_marker(kind)} {html.escape(PART_NAMES[kind])}: push {figures[kind]['push']:+.2f} toward positive, "
        f"{figures[kind]['share']:.0%} of the |push|</li>" for kind in PART_ORDER if kind in figures)
    return (f'<div class="attributions" style="white-space: pre-wrap; line-height: 1.9">{"".join(body)}</div>'
            f"{LEGEND}<ul class=\"parts\">{legend or '<li>no part found (one sentence, no connective, no negation, no opinion word)</li>'}</ul>")


def _marker(kind: str) -> str:
    if kind in CLAUSE_LINES:
        return f'<span style="border-bottom:3px solid {CLAUSE_LINES[kind]}">&nbsp;&nbsp;&nbsp;</span>'
    if kind in ("negation_cue", "negated"):
        return '<span style="text-decoration:underline dotted #7c3aed">abc</span>'
    return "<b>abc</b>"


# ---- many rows: the patterns per category -------------------------------------------------------------------

@dataclass
class ReadRow:
    """A row as the model read it: its verdict, P(positive) and, once explained, its parts and words."""

    row: Row
    predicted: str
    p_positive: float
    parts: dict[str, dict[str, float]] = field(default_factory=dict)
    words: list[tuple[str, float]] = field(default_factory=list)
    explanation: Explanation | None = None

    @property
    def misread(self) -> bool:
        """Whether the row is labelled and the model read it the other way."""
        return self.row.sentiment is not None and self.predicted != self.row.sentiment


def category_pattern(rows: list[ReadRow]) -> dict:
    """``n``, ``accuracy`` (None unless labelled), ``misread`` (row numbers), ``parts`` and
    ``strongest_words``.

    ``parts``: part kind -> the mean signed push toward positive with its 95% interval and ``n`` (the
    rows that have the part), ``share`` (the mean share of the row's |push| the part carries) and, where
    rows are labelled, ``toward_label`` (the mean push toward each row's own gold label, with its
    interval: above 0 the part argued for the right verdict). ``strongest_words``: ``toward_positive``
    and ``toward_negative``, the ``TOP_WORDS`` words (punctuation left out) with the largest summed
    push, each as ``[word, summed push, rows it is in]``.
    """
    labelled = [r for r in rows if r.row.sentiment is not None]
    parts = {}
    for kind in PART_ORDER:
        mine = [r for r in rows if kind in r.parts]
        if not mine:
            continue
        parts[kind] = {**mean_interval([r.parts[kind]["push"] for r in mine]),
                       "share": round(sum(r.parts[kind]["share"] for r in mine) / len(mine), 4)}
        gold = [r.parts[kind]["push"] * (1 if r.row.sentiment == "positive" else -1)
                for r in mine if r.row.sentiment is not None]
        if gold:
            parts[kind]["toward_label"] = mean_interval(gold)
    totals, seen = defaultdict(float), defaultdict(set)
    for r in rows:
        for word, push in r.words:
            if any(ch.isalnum() for ch in word):
                totals[word] += push
                seen[word].add(r.row.number)
    ranked = sorted(totals.items(), key=lambda item: (-item[1], item[0]))
    entry = lambda word, push: [word, round(push, 4), len(seen[word])]  # noqa: E731
    return {
        "n": len(rows),
        "accuracy": round(sum(not r.misread for r in labelled) / len(labelled), 4) if labelled else None,
        "misread": [r.row.number for r in rows if r.misread],
        "parts": parts,
        "strongest_words": {
            "toward_positive": [entry(w, p) for w, p in ranked[:TOP_WORDS] if p > 0],
            "toward_negative": [entry(w, p) for w, p in reversed(ranked[-TOP_WORDS:]) if p < 0],
        },
    }


def patterns_by_category(rows: list[ReadRow]) -> dict[str, dict]:
    """``category_pattern`` of every category (in the order first met) and of ``all`` rows, listed first."""
    groups: dict[str, list[ReadRow]] = {}
    for r in rows:
        if r.row.category is not None:
            groups.setdefault(r.row.category, []).append(r)
    return {ALL: category_pattern(rows), **{name: category_pattern(g) for name, g in groups.items()
                                             if name != ALL}}


def read_rows_with(predictor, explainer, rows: list[Row], progress: Callable[[Iterable], Iterable] = iter,
                   batch_size: int = 32) -> list[ReadRow]:
    """Each row's verdict from ``predictor`` (a ``sentiment.predictor.Predictor``: what ``predict`` says)
    and its explanation toward positive from ``explainer`` (an ``explain.Explainer`` of the same model)."""
    p = predictor.p_positive([r.text for r in rows], batch_size)
    out = []
    for row, p_positive in zip(progress(rows), p):
        explanation = explainer.explain(row.text, target="positive")
        out.append(ReadRow(row, predicted_label(float(p_positive)), float(p_positive), row_parts(explanation),
                           row_words(explanation), explanation))
    return out


def to_json(rows: list[ReadRow], checkpoint: str, read_length: int) -> dict:
    """What ``--json`` prints: ``categories`` (``patterns_by_category``) and ``rows`` (each row's number,
    category, gold and predicted label, P(positive), parts)."""
    return {
        "checkpoint": checkpoint, "read_length": read_length, "n_rows": len(rows),
        "categories": patterns_by_category(rows),
        "rows": [{"row": r.row.number, "category": r.row.category, "sentiment": r.row.sentiment,
                  "predicted": r.predicted, "p_positive": round(r.p_positive, 6),
                  "parts": {k: {"push": round(v["push"], 4), "share": round(v["share"], 4)}
                            for k, v in r.parts.items()}} for r in rows],
    }


def _fmt(value: float | None, digits: str = "+.2f") -> str:
    return "n/a" if value is None or (isinstance(value, float) and math.isnan(value)) else format(value, digits)


def accuracy_and_misread(category: dict, digits: int = 1) -> tuple[str, str]:
    """A category's accuracy ("accuracy 80.0%", or "unlabelled") and its misread rows ("2, 5", or "none"),
    as the printed report and the app say them."""
    accuracy = "unlabelled" if category["accuracy"] is None else f"accuracy {category['accuracy']:.{digits}%}"
    return accuracy, ", ".join(map(str, category["misread"])) or "none"


def render_text(result: dict) -> str:
    """The printed report: per category accuracy, misread rows, the push per part, the strongest words."""
    lines = [f"{result['n_rows']} rows, {result['checkpoint']} (reading {result['read_length']} tokens); "
             f"push: summed word scores toward positive, mean over the rows that have the part [95% interval]"]
    for name, c in result["categories"].items():
        accuracy, misread = accuracy_and_misread(c)
        lines += ["", f"{name}: {c['n']} rows, {accuracy}; misread rows: {misread}"]
        for kind, part in c["parts"].items():
            interval = (f"[{_fmt(part['low'])}, {_fmt(part['high'])}]" if part["low"] is not None else "[one row]")
            label = part.get("toward_label")
            gold = f"  toward the gold label {_fmt(label['mean'])}" if label else ""
            lines.append(f"  {kind:<16} push {_fmt(part['mean']):>6} {interval:<17} share {part['share']:>4.0%}"
                         f"  (n={part['n']}){gold}")
        words = c["strongest_words"]
        lines.append("  toward positive: " + ", ".join(f"{w} {p:+.2f}" for w, p, _ in words["toward_positive"]))
        lines.append("  toward negative: " + ", ".join(f"{w} {p:+.2f}" for w, p, _ in words["toward_negative"]))
    return "\n".join(lines)


# ---- a page for slides ---------------------------------------------------------------------------------------

def to_page(result: dict, rows: list[ReadRow]) -> str:
    """A self-contained HTML page: per category its figures and a bar per part (green toward positive,
    red toward negative, the app's colours), then every misread row coloured word by word. All text escaped."""
    import html

    from .render import LEGEND, PAGE_STYLE, colour, highlighted_html

    top = max([abs(p["mean"]) for c in result["categories"].values() for p in c["parts"].values()
               if p["mean"] is not None] + [1e-9])
    sections = []
    for name, c in result["categories"].items():
        accuracy, _ = accuracy_and_misread(c)
        bars = "".join(
            f'<tr><td>{html.escape(kind)}</td><td class="bar"><span style="width:{abs(p["mean"]) / top * 100:.1f}%;'
            f'background:{colour(1 if p["mean"] > 0 else -1)}"></span></td><td>{_fmt(p["mean"])}</td>'
            f'<td>{p["n"]}</td><td>{p["share"]:.0%}</td></tr>'
            for kind, p in c["parts"].items() if p["mean"] is not None)
        words = c["strongest_words"]
        sections.append(
            f"<h2>{html.escape(name)}</h2><p>{c['n']} rows, {accuracy}; misread rows: "
            f"{html.escape(', '.join(map(str, c['misread'])) or 'none')}</p>"
            f"<table><tr><th>part</th><th>mean push toward positive</th><th></th><th>rows</th><th>share of "
            f"|push|</th></tr>{bars}</table>"
            f"<p>toward positive: {html.escape(', '.join(w for w, _, _ in words['toward_positive']))}<br>"
            f"toward negative: {html.escape(', '.join(w for w, _, _ in words['toward_negative']))}</p>")
    misread = "".join(
        f"<h3>row {r.row.number}{f' ({html.escape(r.row.category)})' if r.row.category else ''}: "
        f"{r.row.sentiment}, read {r.predicted} (P(positive) {r.p_positive:.2f})</h3>{highlighted_html(r.explanation)}"
        for r in rows if r.misread and r.explanation is not None)
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Patterns: {html.escape(result['checkpoint'])}</title>
<style>
{PAGE_STYLE}td.bar {{ width: 20em; }} td.bar span {{ display: inline-block; height: 1em; }}
</style></head><body>
<h1>Where the push sits: {html.escape(result['checkpoint'])}</h1>
<p>{result['n_rows']} rows, reading {result['read_length']} tokens. A part's push is its words' summed
scores toward positive (integrated gradients), averaged over the rows that have the part.</p>
{"".join(sections)}
<h2>Misread rows</h2>{LEGEND}{misread or "<p>none</p>"}
</body></html>
"""


def main(argv: list[str] | None = None) -> int:
    """``python -m explain.patterns --checkpoint CKPT --csv FILE [--category COLUMN] [--json] [--html OUT]``."""
    import argparse
    import json

    from tqdm.auto import tqdm

    from sentiment.arguments import DefaultsHelpFormatter, length_in_tokens
    from sentiment.devices import DEFAULT_PRECISION, PRECISIONS
    from sentiment.errors import run_command
    from sentiment.output_files import check_output_path
    from sentiment.paths import DEFAULT_CHECKPOINT

    parser = argparse.ArgumentParser(
        prog="python -m explain.patterns", formatter_class=DefaultsHelpFormatter,
        description="Patterns in your own reviews: per category, accuracy, the misread rows, the push per part "
                    "of a review (contrast, sentences, negation, literal opinion words), the strongest words.")
    parser.add_argument("--checkpoint", default=str(DEFAULT_CHECKPOINT), help="checkpoint folder or Hub id")
    parser.add_argument("--csv", required=True,
                        help=f"a UTF-8 CSV with a 'review' or 'text' column, an optional 'sentiment' column "
                             f"(positive/negative: gives accuracy), at most {MAX_ROWS} rows")
    parser.add_argument("--category", help="a column that groups the rows (e.g. irony, contrast, negation)")
    parser.add_argument("--precision", choices=PRECISIONS, default=DEFAULT_PRECISION,
                        help="auto: bf16 where the CPU has it, else fp32 (as predict)")
    parser.add_argument("--read-length", type=length_in_tokens,
                        help="tokens read per review (default: the checkpoint's own)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--html", help="also write a self-contained HTML page here")
    args = parser.parse_args(argv)

    def command():
        rows = read_rows(args.csv, args.category)  # bad input fails before the model loads
        if args.html:
            check_output_path(args.html)
        from sentiment.predictor import Predictor

        from .explainer import Explainer

        predictor = Predictor.from_pretrained(args.checkpoint, precision=args.precision,
                                              read_length=args.read_length)
        explainer = Explainer.from_pretrained(args.checkpoint, precision=args.precision,
                                              read_length=predictor.max_length)
        bar = lambda items: tqdm(items, desc="explaining", disable=args.json)  # noqa: E731
        read = read_rows_with(predictor, explainer, rows, bar)
        result = to_json(read, Path(str(args.checkpoint)).name, predictor.max_length)
        print(json.dumps(result, ensure_ascii=False) if args.json else render_text(result), flush=True)
        if args.html:
            try:
                Path(args.html).write_text(to_page(result, read), encoding="utf-8")
            except OSError as error:
                raise DataError(f"{args.html}: the page could not be written ({error.strerror}); the patterns "
                                f"are printed above") from None

    return run_command(command)


if __name__ == "__main__":
    raise SystemExit(main())
