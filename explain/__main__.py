"""``python -m explain "review text" --checkpoint DIR [--json]``."""
from __future__ import annotations

import argparse
import json
import os
import sys

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from sentiment.data import DataError  # noqa: E402

from .baseline import BASELINES  # noqa: E402


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m explain",
                                     description="Which words pushed the prediction, how much, how far to trust it.")
    parser.add_argument("text", help='review text ("-" reads it from stdin)')
    parser.add_argument("--checkpoint", default="checkpoints/minilm-imdb-25k")
    parser.add_argument("--method", choices=["ig", "occlusion"], default="ig")
    parser.add_argument("--target", choices=["positive", "negative"],
                        help="class to explain (default: the predicted one)")
    parser.add_argument("--steps", type=int, help="integration steps (default: adaptive)")
    parser.add_argument("--baseline", choices=BASELINES, default="neutral",
                        help="the review with its words taken out: neutral (calibrated to P(positive) ~0.5, "
                             "the default) or a fixed token")
    parser.add_argument("--top", type=int, default=10, help="words listed in the text output")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--html", help="also write a self-contained HTML page here")
    return parser


def _report(e, top: int) -> str:
    lines = [f"prediction: {e.label} (P(positive) = {e.p_positive:.3f})",
             f"explained: margin logit[{e.target}] - logit[other] = {e.margin_input:+.3f} "
             f"(baseline {e.margin_baseline:+.3f}), method {e.method}",
             f"baseline ({e.baseline}, the review with its words taken out): "
             f"P(positive) = {e.baseline_p_positive:.3f}"]
    if e.completeness_error is not None:
        lines.append(f"completeness: attributions sum to {e.attribution_sum:+.3f}, delta {e.convergence_delta:+.4f}, "
                     f"error {e.completeness_error:.2%} of the scores' size "
                     f"(relative delta {e.relative_delta:.2%}), {e.n_steps} steps")
    if e.steps_note:
        lines.append(f"note: {e.steps_note}")
    if e.dropped:
        lines.append(f"note: {e.dropped.message} (characters {e.dropped.start}-{e.dropped.end})")
    lines.append(f"time: {e.seconds:.2f} s")
    lines.append(f"top words (score > 0 pushed toward {e.target}):")
    lines += [f"  {w.score:+8.4f}  {w.word}" for w in e.top_words(top)]
    lines.append("words:")
    lines.append(" ".join(f"{w.word}[{w.score:+.3f}]" for w in e.words))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    text = sys.stdin.read() if args.text == "-" else args.text
    try:
        if not text.strip():
            raise DataError("the review is empty: give some text to explain")
        if args.steps is not None and args.steps < 1:
            raise DataError(f"--steps must be positive, got {args.steps}")
        from .explainer import Explainer

        e = Explainer.from_pretrained(args.checkpoint, baseline=args.baseline).explain(
            text, args.target, args.method, args.steps)
    except DataError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    if args.html:
        from .render import to_html

        with open(args.html, "w", encoding="utf-8") as f:
            f.write(to_html(e))
    print(json.dumps(e.to_dict(), ensure_ascii=False) if args.json else _report(e, args.top))
    return 0


if __name__ == "__main__":
    sys.exit(main())
