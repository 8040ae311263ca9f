"""The robustness report: one JSON-serialisable dict, and its plain-text rendering.

The dict is what ``--json`` prints, what ``--save`` writes to
``<checkpoint>/robustness.json`` and what the app reads on a clone without the
dataset, so it stays small: a few examples per list, texts cut to
``EXAMPLE_CHARS`` characters; the ids of all failing contrast pairs are kept.
"""
from __future__ import annotations

import json
import math
from pathlib import Path

import pandas as pd

from ..labels import label_name
from ..text import strip_line_breaks
from .behaviour import CAPABILITIES

EXAMPLES = 5
EXAMPLE_CHARS = 300
REPORT_FILE = "robustness.json"
CAD_ATTRIBUTION = ("CAD dev pairs: Kaushik, Hovy & Lipton (ICLR 2020), \"Learning the Difference that Makes a "
                   "Difference with Counterfactually-Augmented Data\", "
                   "github.com/acmi-lab/counterfactually-augmented-data, Apache-2.0")


def short(text: str | None, limit: int = EXAMPLE_CHARS) -> str | None:
    """Whitespace collapsed, cut to ``limit`` characters with an ellipsis; None stays None."""
    if _missing(text):
        return None
    text = " ".join(strip_line_breaks(str(text)).split())
    return text if len(text) <= limit else text[:limit - 3].rstrip() + "..."


def _missing(value) -> bool:
    """None or NaN: pandas stores a missing string or number as NaN."""
    return value is None or (isinstance(value, float) and math.isnan(value))


def _number(value):
    """JSON has no NaN: missing ratios become null; floats keep 4 decimals."""
    if _missing(value):
        return None
    return round(float(value), 4) if isinstance(value, float) else value


# ---- sections ---------------------------------------------------------------------------------

def contrast_section(metrics: dict, examples: pd.DataFrame, source: str) -> dict:
    """``pair_metrics`` plus up to ``EXAMPLES`` failing pairs (``failing_examples``'s rows)."""
    rows = []
    for row in examples.itertuples():
        wrong = [side for side, right in (("original", row.right_original), ("edited", row.right_edited))
                 if not right]
        rows.append({"pair_id": row.pair_id, "imdb_id": row.imdb_id or None, "wrong": " and ".join(wrong),
                     "label_original": label_name(row.label_original),
                     "p_original": _number(row.p_original), "p_edited": _number(row.p_edited),
                     "original": short(row.original), "edited": short(row.edited)})
    return {"source": source, "attribution": CAD_ATTRIBUTION,
            **{k: _number(v) for k, v in metrics.items() if k != "failing_pairs"},
            "failing_pairs": metrics["failing_pairs"], "examples": rows}


def _severity(rows: pd.DataFrame) -> pd.Series:
    """How badly each failed case failed: confidence in the wrong label, or the size of the move."""
    moved = (rows["p_positive"] - rows["p_original"].astype(float)).abs()
    return moved.where(rows["test_type"] != "MFT", (rows["p_positive"] - 0.5).abs())


def behaviour_section(outcomes: pd.DataFrame, summary: pd.DataFrame, seed: int, version: int,
                      tolerance: float) -> dict:
    """Per capability: counts, failure rate, failure rate by expected outcome, the worst failures
    (``examples``, shortened) and every failure (``failing``, worst first).

    ``outcomes``: one row per scored case (``behaviour.score_cases``); ``summary``:
    one row per capability (``behaviour.capability_summary``); ``seed``, ``version`` and
    ``tolerance`` (the DIR threshold) are recorded so the cases can be regenerated.
    """
    capabilities = {}
    for name, row in summary.iterrows():
        mine = outcomes[outcomes["capability"] == name]
        failed = mine[mine["failed"]]
        worst = failed.assign(_s=_severity(failed)).sort_values(["_s", "text"], ascending=[False, True]).head(EXAMPLES)
        by_expected = {str(k): {"n": len(g), "failures": int(g["failed"].sum())}
                       for k, g in mine.groupby(mine["expected"].fillna("any"), sort=True)}
        by_template = {str(k): {"n": len(g), "failures": int(g["failed"].sum())}
                       for k, g in mine.groupby(mine["template"].str.replace(r"^(name|title): .*", r"\1",
                                                                             regex=True), sort=True)}
        capabilities[name] = {
            "test_type": row["test_type"], "description": row["description"], "n": int(row["n"]),
            "failures": int(row["failures"]), "failure_rate": _number(row["failure_rate"]),
            "by_expected": by_expected, "by_template": by_template,
            "examples": [{"text": short(r.text), "original": short(r.original), "expected": None if _missing(r.expected) else r.expected,
                          "p_positive": _number(r.p_positive), "p_original": _number(r.p_original)}
                         for r in worst.itertuples()],
            # every failure, worst first, whole: what the app lists and explains case by case
            "failing": [{"text": r.text, "original": None if _missing(r.original) else r.original,
                         "expected": None if _missing(r.expected) else r.expected, "template": r.template,
                         "p_positive": _number(r.p_positive), "p_original": _number(r.p_original)}
                        for r in failed.assign(_s=_severity(failed)).sort_values(
                            ["_s", "text"], ascending=[False, True]).itertuples()],
        }
    return {"n_cases": len(outcomes), "seed": seed, "version": version, "dir_tolerance": tolerance,
            "capabilities": capabilities}


def taxonomy_section(lift: pd.DataFrame, rules: dict[str, str], reviews: pd.DataFrame, wrong: pd.Series,
                     max_length: int) -> dict:
    """Per tag: its rule, counts, error rates with and without, lift, example mistakes.

    ``reviews`` is indexed by id with ``review``, ``sentiment``, ``p_positive``;
    ``wrong`` (same index) marks the mistakes; ``lift``: ``taxonomy.tag_lift``'s
    rows; ``rules``: each tag's documented rule; ``max_length``: the tokens the model
    reads, recorded for the "beyond max length" tag.
    """
    tags = {}
    for name, row in lift.iterrows():
        tags[name] = {
            "rule": rules.get(name, ""),
            **{k: _number(row[k]) for k in ("n_with", "n_without", "errors_with", "errors_without",
                                            "error_rate_with", "error_rate_without", "lift")},
            **({"lift_by_class": {c: _number(v) for c, v in row["lift_by_class"].items()},
                "lift_within_class": _number(row["lift_within_class"])} if "lift_within_class" in row else {}),
            "examples": [{"id": i, "sentiment": reviews.at[i, "sentiment"],
                          "p_positive": _number(reviews.at[i, "p_positive"]),
                          "review": short(reviews.at[i, "review"])} for i in row["examples"]],
        }
    return {"n_reviews": len(wrong), "errors": int(wrong.sum()), "error_rate": _number(float(wrong.mean())),
            "max_length": max_length, "tags": tags}


def save(report: dict, directory: str | Path) -> Path:
    """Write ``report`` to ``directory/robustness.json`` (what the app shows without the dataset); its path."""
    path = Path(directory) / REPORT_FILE
    path.write_text(json.dumps(report, indent=1, ensure_ascii=False) + "\n")
    return path


# ---- text ---------------------------------------------------------------------------------------

def _pct(value) -> str:
    return "n/a" if value is None else f"{100 * value:.1f}%"


def _ratio(value) -> str:
    return "n/a" if value is None else f"{value:.2f}"


def markdown_tables(reports: dict[str, dict]) -> str:
    """The README's tables, one column per checkpoint: contrast pairs, capabilities, tags."""
    names = list(reports)
    header = "| | " + " | ".join(names) + " |\n| --- |" + " --- |" * len(names)
    lines = ["Contrast pairs (CAD dev):", "", header]
    for key, label in (("accuracy_original", "accuracy on originals"), ("accuracy_edited", "accuracy on edits"),
                       ("consistency", "both right (consistency)"), ("n_pairs", "pairs")):
        cells = [reports[n]["contrast_pairs"].get(key) for n in names]
        lines.append(f"| {label} | " + " | ".join(f"{c:,}" if key == "n_pairs" else _pct(c) for c in cells) + " |")

    lines += ["", "Behavioural tests, failure rate (failures / cases):", "",
              "| capability | test | " + " | ".join(names) + " |", "| --- | --- |" + " --- |" * len(names)]
    for name, (test_type, _) in CAPABILITIES.items():
        cells = []
        for n in names:
            cap = reports[n]["behaviour"]["capabilities"].get(name)
            cells.append(f"{_pct(cap['failure_rate'])} ({cap['failures']}/{cap['n']})" if cap else "n/a")
        lines.append(f"| {name} | {test_type} | " + " | ".join(cells) + " |")

    with_taxonomy = [n for n in names if "tags" in reports[n].get("taxonomy", {})]
    if with_taxonomy:
        first = reports[with_taxonomy[0]]["taxonomy"]
        lines += ["", "Error taxonomy of the test-set mistakes (error rate with the tag / without it = lift; in "
                      "brackets the lift within each true class, pooled by Mantel-Haenszel: a tag found mostly on "
                      "the harder class gets a crude lift it does not earn):", "",
                  "| tag | reviews with it | " + " | ".join(with_taxonomy) + " |",
                  "| --- | --- |" + " --- |" * len(with_taxonomy)]
        for tag, row in first["tags"].items():
            cells = []
            for n in with_taxonomy:
                t = reports[n]["taxonomy"]["tags"][tag]
                within = f" ({_ratio(t['lift_within_class'])})" if "lift_within_class" in t else ""
                cells.append(f"{_pct(t['error_rate_with'])} / {_pct(t['error_rate_without'])} = "
                             f"{_ratio(t['lift'])}{within}")
            lines.append(f"| {tag} | {row['n_with']:,} of {first['n_reviews']:,} | " + " | ".join(cells) + " |")
        lines.append("| all test reviews (error rate) | | " + " | ".join(
            _pct(reports[n]["taxonomy"]["error_rate"]) for n in with_taxonomy) + " |")
    pushes = push_table(reports)
    if pushes:
        lines += ["", pushes]
    return "\n".join(lines)


# What each part's figure means, for the table's readers.
PUSH_PARTS = {
    "contrast_but": (("turn", "push of the turn (after but/yet/however)"),
                     ("concession", "push of the concession"),
                     ("turn_share", "turn's share of the two")),
    "negated_negative": (("cue", "push of the negation cue"), ("negated_word", "push of the negated word")),
    "irony": (("literal_words", "push of the literal opinion words"), ("rest", "push of every other word")),
    "contrast_pairs": (("edited_share", "share of the change carried by the edited words"),),
}


def _interval(figure: dict | None) -> str:
    if not figure or figure.get("mean") is None:
        return "n/a"
    if figure.get("low") is None:
        return f"{figure['mean']:+.2f} (n={figure['n']})"
    return f"{figure['mean']:+.2f} [{figure['low']:+.2f}, {figure['high']:+.2f}] (n={figure['n']})"


def push_section(report: dict, phenomenon: str) -> dict | None:
    """The saved attribution figures of one phenomenon of ``PUSH_PARTS`` (``explain.push``), or None."""
    if phenomenon == "contrast_pairs":
        return report.get("contrast_pairs", {}).get("edit_attribution")
    return report.get("behaviour", {}).get("capabilities", {}).get(phenomenon, {}).get("attribution")


def push_table(reports: dict[str, dict]) -> str:
    """Where the push sits, one pair of columns (read right / read wrong) per checkpoint, and with two
    checkpoints the paired change from the first to the second over every case. Empty when no report
    has the figures (``python -m explain.push --save`` adds them)."""
    names = [n for n in reports if any(push_section(reports[n], p) for p in PUSH_PARTS)]
    if not names:
        return ""
    from .stats import paired_difference

    compare = len(names) == 2 and all(push_section(reports[n], p) and "cases" in push_section(reports[n], p)
                                      for n in names for p in PUSH_PARTS)
    header = "| phenomenon | part | " + " | ".join(f"{n}: read right | {n}: read wrong" for n in names)
    header += f" | {names[1]} minus {names[0]} (same cases) |" if compare else " |"
    lines = ["Where the push sits: word scores summed per part, toward the expected label (CAD pairs: share "
             "of the change in push toward positive); mean [95% interval] (cases):", "", header,
             "| --- | --- |" + " --- | --- |" * len(names) + (" --- |" if compare else "")]
    for phenomenon, parts in PUSH_PARTS.items():
        for part, label in parts:
            cells = []
            for n in names:
                section = push_section(reports[n], phenomenon) or {}
                cells += [_interval(section.get(o, {}).get("parts", {}).get(part)) for o in ("right", "wrong")]
            if compare:
                before, after = (push_section(reports[n], phenomenon)["cases"] for n in names)
                cells.append(_interval(paired_difference(before, after, part)))
            lines.append(f"| {phenomenon} | {label} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def render_text(report: dict) -> str:
    """The three sections for the terminal, with the failing examples, then the README tables."""
    out = [f"Robustness of {report['checkpoint']} (reads {report['max_length']} tokens; "
           f"{report['device']}/{report['precision']})", ""]

    c = report["contrast_pairs"]
    out += [f"1. Contrast pairs ({c['n_pairs']} CAD dev pairs: an IMDB review and a minimal edit that flips its label)",
            f"   accuracy on originals {_pct(c['accuracy_original'])}, on edits {_pct(c['accuracy_edited'])}, "
            f"both right {_pct(c['consistency'])}, both wrong {_pct(c['both_wrong'])}; "
            f"the predicted label flips with the edit in {_pct(c['flips_with_edit'])}",
            f"   original wrong ({len(c['failing_pairs']['original_wrong'])}): "
            f"{', '.join(c['failing_pairs']['original_wrong']) or 'none'}",
            f"   edit wrong ({len(c['failing_pairs']['edited_wrong'])}): "
            f"{', '.join(c['failing_pairs']['edited_wrong']) or 'none'}"]
    for e in c["examples"]:
        out += [f"   - pair {e['pair_id']}, {e['wrong']} wrong (original is {e['label_original']}; "
                f"P(positive) original {e['p_original']:.2f}, edit {e['p_edited']:.2f})",
                f"     original: {short(e['original'], 160)}", f"     edit:     {short(e['edited'], 160)}"]
    out.append(f"   ({c['attribution']})")

    b = report["behaviour"]
    out += ["", f"2. Behavioural tests ({b['n_cases']:,} generated cases, version {b['version']}, seed {b['seed']})"]
    for name, cap in b["capabilities"].items():
        out.append(f"   {name} [{cap['test_type']}]: {_pct(cap['failure_rate'])} fail "
                   f"({cap['failures']}/{cap['n']}) - {cap['description']}")
        for e in cap["examples"][:3]:
            if e["original"] is None:
                out.append(f"     - expected {e['expected']}, P(positive) {e['p_positive']:.2f}: {short(e['text'], 120)}")
            else:
                move = f" ({e['expected']})" if e["expected"] else ""
                out.append(f"     - P(positive) {e['p_original']:.2f} -> {e['p_positive']:.2f}{move}: "
                           f"{short(e['text'], 120)}")

    t = report["taxonomy"]
    out += ["", "3. Error taxonomy of the test-set mistakes"]
    if "skipped" in t:
        out.append(f"   skipped: {t['skipped']}")
    else:
        out.append(f"   {t['errors']:,} mistakes in {t['n_reviews']:,} test reviews ({_pct(t['error_rate'])})")
        for name, tag in t["tags"].items():
            out.append(f"   {name}: {tag['n_with']:,} reviews, error rate {_pct(tag['error_rate_with'])} with, "
                       f"{_pct(tag['error_rate_without'])} without, lift {_ratio(tag['lift'])}"
                       + (f", within class {_ratio(tag['lift_within_class'])}" if "lift_within_class" in tag else ""))
            for e in tag["examples"][:2]:
                out.append(f"     - {e['id']} ({e['sentiment']}, P(positive) {e['p_positive']:.2f}): "
                           f"{short(e['review'], 120)}")

    out += ["", "Tables (Markdown):", "", markdown_tables({report["checkpoint"]: report})]
    return "\n".join(out)
