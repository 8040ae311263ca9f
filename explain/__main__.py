"""``python -m explain "review text" --checkpoint DIR [--json]``."""
from __future__ import annotations

import argparse
import json
import os
import sys

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from sentiment.arguments import DefaultsHelpFormatter, length_in_tokens, number_in, positive_int  # noqa: E402
from sentiment.errors import ArgumentError, DataError, run_command  # noqa: E402
from sentiment.labels import LABELS  # noqa: E402
from sentiment.output_files import check_output_path  # noqa: E402
from sentiment.paths import DEFAULT_CHECKPOINT  # noqa: E402
from sentiment.text import check_text  # noqa: E402

from .baseline import BASELINES  # noqa: E402
from .explainer import MAX_STEPS, METHODS  # noqa: E402
from .render import top_words_table  # noqa: E402


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m explain",
                                     description="Which words pushed the prediction, how much, how far to trust it.",
                                     formatter_class=DefaultsHelpFormatter)
    parser.add_argument("text", help='review text ("-" reads it from stdin)')
    parser.add_argument("--checkpoint", default=str(DEFAULT_CHECKPOINT), help="checkpoint folder or Hub id")
    parser.add_argument("--method", choices=METHODS, default=METHODS[0],
                        help="ig: integrated gradients (with a completeness check); occlusion: drop one word at a time")
    parser.add_argument("--target", choices=LABELS,
                        help="class to explain (default: the predicted one)")
    parser.add_argument("--steps", type=number_in(int, 1, MAX_STEPS),
                        help="integration steps, --method ig only (default: adaptive)")
    parser.add_argument("--baseline", choices=BASELINES, default="neutral",
                        help="the review with its words taken out: neutral (calibrated to P(positive) ~0.5, "
                             "the default) or a fixed token")
    parser.add_argument("--read-length", type=length_in_tokens,
                        help="tokens read, head + tail of a longer review (default: the checkpoint's own)")
    parser.add_argument("--top", type=positive_int, default=10, help="words listed in the text output")
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
    lines.append("top words (push toward positive; > 0 pushed toward positive, < 0 toward negative):")
    lines += [f"  {r['push toward positive']:+8.4f}  {r['word']}" for r in top_words_table(e, top)]
    lines.append("words (push toward positive):")
    lines.append(" ".join(f"{w.word}[{push:+.3f}]" for w, push in zip(e.words, e.scores_toward("positive"))))
    return "\n".join(lines)


def _read_stdin() -> str:
    try:
        return sys.stdin.buffer.read().decode("utf-8")
    except UnicodeDecodeError as error:
        raise DataError(f"the text on standard input is not UTF-8 (byte {error.start + 1:,})") from None


def _check_flags(args) -> None:
    """Refuse a flag that the chosen method would ignore: a silent no-op reads as if it had been applied."""
    if args.steps is not None and args.method != "ig":
        raise ArgumentError(f"--steps sets the integration steps of --method ig; --method {args.method} has "
                            f"none (leave --steps out)")


def _write_html(e, path: str) -> None:
    """The explanation as a self-contained page at ``path``; a write that fails is a DataError."""
    from .render import to_html

    try:
        with open(path, "w", encoding="utf-8") as f:
            f.write(to_html(e))
    except OSError as error:
        raise DataError(f"{path}: the HTML page could not be written ({error.strerror}); "
                        f"the explanation is printed above") from None


def _explain(args) -> None:
    _check_flags(args)
    text = _read_stdin() if args.text == "-" else args.text
    check_text(text)
    if args.html:
        check_output_path(args.html)  # before the explanation, not after it
    from .explainer import Explainer

    e = Explainer.from_pretrained(args.checkpoint, baseline=args.baseline, read_length=args.read_length).explain(
        text, args.target, args.method, args.steps)
    # printed first: should the page fail after all (a full disk), the explanation is not lost
    print(json.dumps(e.to_dict(), ensure_ascii=False) if args.json else _report(e, args.top), flush=True)
    if args.html:
        _write_html(e, args.html)


def main(argv: list[str] | None = None) -> int:
    """``python -m explain``: explain one review (``argv``, default the command line's); the exit status."""
    args = _parser().parse_args(argv)
    return run_command(lambda: _explain(args))


if __name__ == "__main__":
    sys.exit(main())
