"""Where the push sits: word attributions summed over the parts of a review, per case and per phenomenon.

A word's score (``Explanation.words``, integrated gradients from the neutral baseline) is its push on
the logit margin; summed over a part of the review (the turn of "X, but Y", a negation cue, the literal
opinion words, the words an edit changed) it says which part carried the verdict. Over many cases of one
phenomenon, split by the cases the model reads right and wrong, the means say *how* it fails.

The parts come from ``sentiment.robustness.parts`` (text analysis, no model); this module adds the
model's word scores; ``python -m explain.push`` runs it over the behavioural cases and the CAD pairs and
saves the figures into a checkpoint's ``robustness.json``, which ``python -m sentiment robustness-table``
prints.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable

from sentiment.robustness.behaviour import Case
from sentiment.robustness.parts import Span, contrast_split, edited_words, negation_cues, opinion_words
from sentiment.robustness.stats import mean_interval

from .explainer import Explanation, Explainer

# Pairs whose margins barely differ leave no change to share out: a share of a change under this
# (in logits) would be a ratio of noise.
MIN_MARGIN_CHANGE = 0.5


def part_push(explanation: Explanation, spans: Iterable[Span], toward: str) -> float:
    """The summed score, as a push toward ``toward`` ("positive" or "negative"), of the words whose first
    character lies in one of ``spans`` (character offsets into ``explanation.text``)."""
    spans = list(spans)
    scores = explanation.scores_toward(toward)
    return float(sum(s for w, s in zip(explanation.words, scores) if any(a <= w.start < b for a, b in spans)))


def total_push(explanation: Explanation, toward: str) -> float:
    """The sum of all word scores of ``explanation`` as pushes toward the label ``toward``."""
    return float(sum(explanation.scores_toward(toward)))


def contrast_parts(explanation: Explanation, toward: str) -> dict[str, float] | None:
    """"X, but Y": the push toward ``toward`` of the turn and of the concession, and the turn's share of
    their absolute pushes (1: the turn carries everything); None without a contrast connective."""
    split = contrast_split(explanation.text)
    if split is None:
        return None
    concession, turn, _ = split
    pushes = {"turn": part_push(explanation, [turn], toward),
              "concession": part_push(explanation, [concession], toward)}
    size = abs(pushes["turn"]) + abs(pushes["concession"])
    return {**pushes, "turn_share": abs(pushes["turn"]) / size if size else None}


def negation_parts(explanation: Explanation, toward: str) -> dict[str, float] | None:
    """A negated opinion word ("not ... dull"): the push toward ``toward`` of the negation cues and of the
    literal opinion words they negate; None without a cue. ``negated_word`` is None where the negated
    phrase holds no lexicon word ("I don't regret a single minute")."""
    cues = negation_cues(explanation.text)
    if not cues:
        return None
    opinions = [span for span, _ in opinion_words(explanation.text)]
    return {"cue": part_push(explanation, cues, toward),
            "negated_word": part_push(explanation, opinions, toward) if opinions else None}


def literal_parts(explanation: Explanation, toward: str) -> dict[str, float]:
    """Irony: the push toward ``toward`` of the literal opinion words (read at face value, "great" in
    "what a great way to waste two hours") and of every other word."""
    literal = part_push(explanation, [span for span, _ in opinion_words(explanation.text)], toward)
    return {"literal_words": literal, "rest": total_push(explanation, toward) - literal}


def edit_share(original: Explanation, edited: Explanation) -> float | None:
    """The share of the change in summed push toward positive, from ``original`` to ``edited``, that the
    edited words carry (their push in the edit minus the replaced words' push in the original).

    1: the edited words account for the whole change; 0: the unchanged words moved as much; it can be
    below 0 or above 1 where the rest pulls the other way. None when the change is under
    ``MIN_MARGIN_CHANGE`` (nothing to share out). Both explanations must be for the "positive" margin.
    """
    if original.target != "positive" or edited.target != "positive":
        raise ValueError("edit_share compares explanations of the positive margin")
    change = total_push(edited, "positive") - total_push(original, "positive")
    if abs(change) < MIN_MARGIN_CHANGE:
        return None
    removed, inserted = edited_words(original.text, edited.text)
    carried = part_push(edited, inserted, "positive") - part_push(original, removed, "positive")
    return carried / change


# Each phenomenon: which capability's cases, and what is summed per case.
CAPABILITY_PARTS: dict[str, Callable[[Explanation, str], dict | None]] = {
    "contrast_but": contrast_parts,
    "negated_negative": negation_parts,
    "irony": literal_parts,
}


def summarise(values: list[dict | None], right: list[bool]) -> dict:
    """Per outcome ("right", "wrong"): how many cases, and per part the mean with its 95% interval.

    ``values``: one dict of part -> value per case (None where the case has no such part, or the whole
    entry None); ``right``: whether the model read each case right.
    """
    out = {}
    for outcome, keep in (("right", True), ("wrong", False)):
        mine = [v for v, r in zip(values, right) if r == keep]
        parts = sorted({k for v in mine if v for k in v})
        out[outcome] = {"n": len(mine), "parts": {
            part: mean_interval([v[part] for v in mine if v and v.get(part) is not None]) for part in parts}}
    return out


def _rounded(values: list[dict | None]) -> list[dict | None]:
    return [None if v is None else {k: None if x is None else round(x, 4) for k, x in v.items()} for v in values]


def capability_push(explainer: Explainer, cases: list[Case], parts: Callable[[Explanation, str], dict | None],
                    progress: Callable[[Iterable], Iterable] = iter) -> dict:
    """One capability's cases explained toward their expected label and summed per part.

    Returns ``right`` and ``wrong`` (``summarise``) and ``cases``: per case, in order, its parts' values
    and whether it was read right (what a comparison of two checkpoints pairs up).
    """
    values, right = [], []
    for case in progress(cases):
        explanation = explainer.explain(case.text, target=case.expected)
        values.append(parts(explanation, case.expected))
        right.append(explanation.label == case.expected)
    return {**summarise(values, right), "cases": {"right": right, "values": _rounded(values)}}


def pair_push(explainer: Explainer, pairs, progress: Callable[[Iterable], Iterable] = iter) -> dict:
    """CAD pairs (``sentiment.cad.load_pairs``): the share of the change between
    original and edit carried by the edited words, for pairs read right on both sides and the rest."""
    values, right = [], []
    for _, pair in progress(list(pairs.groupby("pair_id", sort=False))):
        texts = pair.set_index("kind")
        original = explainer.explain(texts.loc["original", "review"], target="positive")
        edited = explainer.explain(texts.loc["edited", "review"], target="positive")
        share = edit_share(original, edited)
        values.append(None if share is None else {"edited_share": share})
        right.append(original.label == texts.loc["original", "sentiment"]
                     and edited.label == texts.loc["edited", "sentiment"])
    return {**summarise(values, right), "cases": {"right": right, "values": _rounded(values)}}


# ---- the robustness report's attribution pass ----------------------------------------------------

def push_sections(explainer: Explainer, limit: int | None = None, progress: bool = False) -> dict:
    """The ``attribution`` object of each capability in ``CAPABILITY_PARTS`` and the ``edit_attribution``
    of the CAD pairs, for ``explainer``'s model.

    ``limit``: only the first ``limit`` cases of each capability and pairs (a quick look; a saved report
    should cover all); ``progress``: progress bars on stderr.
    """
    from tqdm.auto import tqdm

    from sentiment.cad import load_pairs
    from sentiment.robustness import behaviour

    def bar(label):
        return lambda items: tqdm(items, desc=label, disable=not progress, leave=False)

    cases = behaviour.generate_cases()
    sections = {}
    for capability, parts in CAPABILITY_PARTS.items():
        mine = [c for c in cases if c.capability == capability][:limit]
        sections[capability] = capability_push(explainer, mine, parts, bar(capability))
    pairs = load_pairs()  # the CAD dev pairs, where sentiment.paths finds them
    if limit is not None:
        pairs = pairs[pairs["pair_id"].isin(pairs["pair_id"].drop_duplicates()[:limit])]
    sections["contrast_pairs"] = pair_push(explainer, pairs, bar("CAD pairs"))
    return sections


def add_to_report(report: dict, sections: dict, run: dict) -> dict:
    """``report`` (a saved ``robustness.json``) with ``sections`` in place: each capability's
    ``attribution``, the pairs' ``edit_attribution``, and ``attribution_run`` (how they were computed).

    The behavioural case set must be the one the report scored (its version and seed), or the pushes
    would describe other cases than the failure rates beside them.
    """
    from sentiment.errors import DataError
    from sentiment.robustness import behaviour

    versions = report.get("versions", {})
    if (versions.get("behaviour_cases"), versions.get("behaviour_seed")) != (behaviour.VERSION, behaviour.SEED):
        raise DataError(f"the saved report scored behavioural cases version {versions.get('behaviour_cases')}, "
                        f"seed {versions.get('behaviour_seed')}; this code generates version {behaviour.VERSION}, "
                        f"seed {behaviour.SEED}: rerun `python -m sentiment robustness --save` first")
    capabilities = report["behaviour"]["capabilities"]
    for name, section in sections.items():
        if name == "contrast_pairs":
            report["contrast_pairs"]["edit_attribution"] = section
        elif name in capabilities:
            capabilities[name]["attribution"] = section
    report["attribution_run"] = run
    return report


def main(argv: list[str] | None = None) -> int:
    """``python -m explain.push --checkpoint DIR [--save] [--limit N] [--json]``."""
    import argparse
    import json
    import sys
    import time
    from pathlib import Path

    from sentiment.arguments import DefaultsHelpFormatter, positive_int
    from sentiment.devices import PRECISIONS
    from sentiment.errors import ArgumentError, DataError, run_command
    from sentiment.paths import DEFAULT_CHECKPOINT
    from sentiment.robustness.report import REPORT_FILE, push_table, save

    parser = argparse.ArgumentParser(
        prog="python -m explain.push", formatter_class=DefaultsHelpFormatter,
        description="Where the push sits: word attributions summed per part of the review (the turn of "
                    "'X, but Y', negation cues, literal opinion words, the words a CAD edit changed), per "
                    "phenomenon, for the cases the model reads right and wrong.")
    parser.add_argument("--checkpoint", default=str(DEFAULT_CHECKPOINT), help="checkpoint folder")
    parser.add_argument("--precision", choices=PRECISIONS, default="auto",
                        help="auto: bf16 where the CPU has it, else fp32")
    parser.add_argument("--limit", type=positive_int, help="only the first N cases of each phenomenon (a quick look)")
    parser.add_argument("--save", action="store_true",
                        help=f"add the figures to CHECKPOINT/{REPORT_FILE} (made by `python -m sentiment robustness "
                             f"--save`), where `robustness-table` and the app read them")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args(argv)

    def command():
        if args.save and args.limit:
            raise ArgumentError("--save keeps figures on every case; leave --limit out to save")
        path = Path(args.checkpoint) / REPORT_FILE
        if args.save and not path.is_file():
            raise DataError(f"{path}: no saved robustness report to add to; run `python -m sentiment robustness "
                            f"--checkpoint {args.checkpoint} --save` first")
        started = time.perf_counter()
        explainer = Explainer.from_pretrained(args.checkpoint, precision=args.precision)
        sections = push_sections(explainer, args.limit, progress=not args.json)
        run = {"method": "integrated gradients from the neutral baseline (explain.Explainer)",
               "precision": explainer.precision, "seconds": round(time.perf_counter() - started, 1),
               "reproduce": f"python -m explain.push --checkpoint {args.checkpoint} --save"}
        if args.save:
            report = add_to_report(json.loads(path.read_text()), sections, run)
            print(f"saved {save(report, args.checkpoint)}", file=sys.stderr)
        if args.json:
            print(json.dumps({**sections, "attribution_run": run}))
        else:
            print(push_table({Path(args.checkpoint).name: _as_report(sections)}))
            print(f"\n{run['seconds']:.0f} s, {explainer.precision}")

    return run_command(command)


def _as_report(sections: dict) -> dict:
    """The sections shaped as a saved report, for ``push_table``."""
    return {"behaviour": {"capabilities": {k: {"attribution": v} for k, v in sections.items()
                                           if k != "contrast_pairs"}},
            "contrast_pairs": {"edit_attribution": sections["contrast_pairs"]}}


if __name__ == "__main__":
    raise SystemExit(main())
