"""Explanation latency and completeness: ``explain.Explainer`` against two references.

On the same model, reviews and threads, in one run:
- ours: ``Explainer.explain`` (integrated gradients of the logit margin from
  the neutral baseline, Gauss-Legendre steps on path segments, refined where
  the completeness check fails, bf16 where the CPU has it), timed end to end,
  prediction and baseline calibration included; ``--baselines neutral pad``
  adds a row per other baseline (``explain.baseline``);
- plain Captum: ``LayerIntegratedGradients`` on the word embeddings, logits of
  the predicted class, [PAD] baseline, ``n_steps=50`` and other defaults, with
  its convergence delta;
- transformers-interpret's ``SequenceClassificationExplainer`` (defaults:
  50 steps, softmax probability), when it is installed
  (``pip install --no-deps -r benchmarks/requirements.txt``).

Review sets, each N test reviews drawn with a seed: ``current``, about median
IMDB length (200-260 tokens); ``long``, 400-512 tokens (what a 512-token
checkpoint reads whole at its longest); ``misread``, reviews the checkpoint
gets wrong, and ``boundary``, reviews it reads with 0.3 < P(positive) < 0.7
(both from its ``predictions.csv.gz``, any length): the reviews people open to
see why. Completeness error = |convergence delta| / max(sum |attribution|,
|f(input) - f(baseline)|) (``explain.attribution.completeness_error``), the same
figure for every contender; "within 2%" counts the reviews at or under 2%. Not
a test: it prints figures, one table for all sets.

    python benchmarks/explain_speed.py [--checkpoint DIR --n 20 --threads 2 --sets current misread boundary]

``--agreement 64`` then explains every review again with 64 plain Gauss-Legendre steps (untimed) and
prints how closely ours reads: the Spearman correlation of the word scores and on how many reviews
the five strongest words are the same: what chose the adaptive rule's first nodes
(``explain.attribution.FIRST_PASS_TOKENS``).
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
import warnings
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import torch  # noqa: E402
from captum.attr import LayerIntegratedGradients  # noqa: E402

from explain import Explainer  # noqa: E402
from explain.attribution import completeness_error  # noqa: E402
from explain.baseline import BASELINES, pad_baseline  # noqa: E402
from explain.occlusion import rank_agreement  # noqa: E402
from sentiment.data import load_reviews  # noqa: E402
from sentiment.paths import DEFAULT_CHECKPOINT  # noqa: E402
from sentiment.model import load_checkpoint  # noqa: E402
from sentiment.tokenization import content_tokens, encode  # noqa: E402


def median_length_reviews(tokenizer, n: int, seed: int, low: int, high: int) -> list[str]:
    reviews = load_reviews("test").sample(frac=1.0, random_state=seed)["review"].tolist()
    chosen = []
    for start in range(0, len(reviews), 200):
        batch = reviews[start:start + 200]
        lengths = [len(ids) + 2 for ids in content_tokens(tokenizer, batch)["input_ids"]]
        chosen += [text for text, length in zip(batch, lengths) if low <= length <= high]
        if len(chosen) >= n:
            return chosen[:n]
    return chosen


LENGTH_SETS = {"current": (200, 260), "long": (400, 512)}
# Reviews picked by what the checkpoint said about them: (description, rows of predictions.csv.gz to keep).
PREDICTION_SETS = {
    "misread": ("test reviews the checkpoint gets wrong", lambda p: p["sentiment"] != p["predicted"]),
    "boundary": ("test reviews read with 0.3 < P(positive) < 0.7", lambda p: p["p_positive"].between(0.3, 0.7,
                                                                                                       "neither")),
}
SETS = [*LENGTH_SETS, *PREDICTION_SETS]
WITHIN = 0.02  # completeness error counted as good


def predicted_reviews(checkpoint: str, keep, n: int, seed: int) -> list[str]:
    """``n`` test reviews (drawn with ``seed``) whose rows of the checkpoint's predictions ``keep`` selects."""
    predictions = pd.read_csv(Path(checkpoint) / "predictions.csv.gz", dtype={"id": str})
    chosen = predictions[keep(predictions)][["id"]].merge(load_reviews("test")[["id", "review"]], on="id")
    return chosen.sample(n=min(n, len(chosen)), random_state=seed)["review"].tolist()


def review_set(name: str, checkpoint: str, tokenizer, n: int, seed: int) -> tuple[str, list[str]]:
    """(what the set is, its texts)."""
    if name in LENGTH_SETS:
        low, high = LENGTH_SETS[name]
        return f"test reviews of {low}-{high} tokens", median_length_reviews(tokenizer, n, seed, low, high)
    description, keep = PREDICTION_SETS[name]
    return description, predicted_reviews(checkpoint, keep, n, seed)


def run_ours(explainer: Explainer, text: str) -> tuple[float, float, int, float, int]:
    start = time.perf_counter()
    e = explainer.explain(text)
    return time.perf_counter() - start, e.completeness_error, e.n_steps, e.baseline_p_positive, e.steps_computed


def run_plain_captum(model, tokenizer, max_length: int, text: str) -> tuple[float, float, int]:
    start = time.perf_counter()
    ids = torch.tensor([encode(tokenizer, [text], max_length)[0]["input_ids"]])
    baseline = pad_baseline(ids, tokenizer)
    with torch.no_grad():
        logits = model(input_ids=torch.cat([ids, baseline])).logits
    target = int(logits[0].argmax())
    lig = LayerIntegratedGradients(lambda input_ids: model(input_ids=input_ids).logits,
                                   model.get_input_embeddings())
    attributions, delta = lig.attribute(ids, baselines=baseline, target=target, n_steps=50,
                                        return_convergence_delta=True)
    seconds = time.perf_counter() - start
    difference = float(logits[0, target] - logits[1, target])
    return seconds, completeness_error(float(delta), float(attributions.sum(-1).abs().sum()), difference), 50


def run_transformers_interpret(ti_explainer, text: str) -> tuple[float, float, int]:
    start = time.perf_counter()
    ti_explainer(text)
    seconds = time.perf_counter() - start
    attributions = ti_explainer.attributions
    delta = float(attributions.delta)
    difference = float(attributions._attributions.sum()) - delta  # completeness: sum = diff + delta
    mass = float(attributions._attributions.sum(-1).abs().sum())  # per token, as for the others
    return seconds, completeness_error(delta, mass, difference), ti_explainer.n_steps


def strongest(words, k: int = 5) -> set[tuple[int, int]]:
    """The ``k`` words with the largest |score|, by their place in the text."""
    return {(w.start, w.end) for w in sorted(words, key=lambda w: -abs(w.score))[:k]}


def agreement(explainer: Explainer, texts: list[str], steps: int) -> tuple[list[float], int]:
    """Ours against ``steps`` plain Gauss-Legendre steps on each text: the rank correlations of the word
    scores, and on how many texts the five strongest words are the same."""
    correlations, same_top = [], 0
    for text in texts:
        ours, fine = explainer.explain(text), explainer.explain(text, n_steps=steps)
        correlations.append(rank_agreement(ours.words, fine.words))
        same_top += strongest(ours.words) == strongest(fine.words)
    return correlations, same_top


def summarize(name: str, runs: list[tuple]) -> dict:
    seconds = np.array([r[0] for r in runs])
    row = {"name": name, "p50": float(np.percentile(seconds, 50)), "p95": float(np.percentile(seconds, 95)),
           "mean": float(seconds.mean()), "max_s": float(seconds.max()),
           "median_error": statistics.median(r[1] for r in runs), "max_error": max(r[1] for r in runs),
           "within": sum(r[1] <= WITHIN for r in runs), "n": len(runs),
           "steps": f"{min(r[2] for r in runs)}-{max(r[2] for r in runs)}"}
    if len(runs[0]) > 3:  # ours: what the model says about the review with its words taken out
        row["baseline_p"] = (min(r[3] for r in runs), max(r[3] for r in runs))
        # and the gradient steps computed, a part of the path refined counted again: what the time grows with
        row["steps"] += f" ({min(r[4] for r in runs)}-{max(r[4] for r in runs)} computed)"
    return row


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--checkpoint", default=str(DEFAULT_CHECKPOINT))
    parser.add_argument("--n", type=int, default=20, help="reviews")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--sets", nargs="+", default=SETS, choices=SETS,
                        help="review sets: " + ", ".join(f"{k} ({a}-{b} tokens)" for k, (a, b) in LENGTH_SETS.items())
                             + ", " + ", ".join(f"{k} ({d})" for k, (d, _) in PREDICTION_SETS.items()))
    parser.add_argument("--baselines", nargs="+", default=["neutral"], choices=BASELINES,
                        help="our explainer once per baseline (explain.baseline); the first is the one compared")
    parser.add_argument("--threads", type=int, default=torch.get_num_threads())
    parser.add_argument("--precision", choices=["auto", "bf16", "fp32"], default="auto",
                        help="our explainer's (auto: bf16 where the CPU has it, else fp32)")
    parser.add_argument("--skip", nargs="*", default=[], choices=["plain", "ti"], help="references to leave out")
    parser.add_argument("--agreement", type=int, metavar="STEPS",
                        help="also compare ours with this many plain Gauss-Legendre steps on every review")
    args = parser.parse_args(argv)
    torch.set_num_threads(args.threads)
    warnings.filterwarnings("ignore")

    explainers = {kind: Explainer.from_pretrained(args.checkpoint, baseline=kind, precision=args.precision)
                  for kind in args.baselines}
    explainer = explainers[args.baselines[0]]
    # The references get their own copy, as loaded: the explainer switches its
    # model to eager attention, which would change their speed too.
    model, tokenizer = load_checkpoint(args.checkpoint)
    print(f"{args.checkpoint}, reads {explainer.max_length} tokens, ours in {explainer.precision}; {args.threads} threads, "
          f"{os.cpu_count()} CPUs", flush=True)
    contenders = {f"ours, {kind} baseline": (lambda t, e=e: run_ours(e, t)) for kind, e in explainers.items()}
    if "plain" not in args.skip:
        contenders["plain Captum LIG, n_steps=50"] = lambda t: run_plain_captum(model, tokenizer,
                                                                               explainer.max_length, t)
    if "ti" not in args.skip:
        try:
            from transformers_interpret import SequenceClassificationExplainer

            ti = SequenceClassificationExplainer(model, tokenizer)
            contenders["transformers-interpret, defaults"] = lambda t: run_transformers_interpret(ti, t)
        except ImportError:
            print("transformers-interpret is not installed: skipped", flush=True)

    table, agreements = [], []
    for set_name in args.sets:
        description, texts = review_set(set_name, args.checkpoint, tokenizer, args.n, args.seed)
        lengths = [len(ids) for ids in content_tokens(tokenizer, texts)["input_ids"]]
        print(f"set {set_name}: {len(texts)} {description}, {min(lengths)}-{max(lengths)} tokens "
              f"(median {statistics.median(lengths):.0f}), {sum(n + 2 > explainer.max_length for n in lengths)} "
              f"cut to {explainer.max_length}", flush=True)
        # Warm-up: first calls pay for allocations. On a review of the set's own,
        # not timed: the baseline calibration of the timed reviews' lengths stays in their times.
        warm_up = "A warm-up review, not one of the set. " * 40
        for run in contenders.values():
            run(warm_up)
        # Interleaved, so a load change on the machine hits every contender alike.
        runs = {name: [] for name in contenders}
        for i, text in enumerate(texts):
            for name, run in contenders.items():
                runs[name].append(run(text))
            print(f"  review {i + 1}/{len(texts)}: " + ", ".join(f"{r[-1][0]:.2f} s" for r in runs.values()),
                  flush=True)
        table += [(set_name, summarize(name, r)) for name, r in runs.items()]
        if args.agreement:
            correlations, same_top = agreement(explainer, texts, args.agreement)
            agreements.append(f"{set_name}: ours against {args.agreement} plain steps: word scores rank-correlate "
                              f"at {min(correlations):.3f} at least, {statistics.median(correlations):.3f} at the "
                              f"median; the five strongest words are the same on {same_top} of {len(texts)}")

    print(f"\n{'set':8} {'':34} {'p50 s':>7} {'p95 s':>7} {'mean s':>7} {'max s':>7} "
          f"{'median compl. error':>20} {'max':>8} {'within 2%':>10}  steps")
    for set_name, row in table:
        print(f"{set_name:8} {row['name']:34} {row['p50']:7.2f} {row['p95']:7.2f} {row['mean']:7.2f} "
              f"{row['max_s']:7.2f} {row['median_error']:20.2%} {row['max_error']:8.2%} "
              f"{row['within']:>4}/{row['n']:<5}  {row['steps']}")
    for set_name, row in table:
        if "baseline_p" in row:
            low, high = row["baseline_p"]
            print(f"{set_name}: {row['name']}: the review with its words taken out reads P(positive) "
                  f"{low:.3f}-{high:.3f}")
    print(*agreements, sep="\n")
    for set_name in args.sets:
        rows = [row for name, row in table if name == set_name]
        for row in rows[1:]:
            print(f"{set_name}: speed-up over {row['name']}: {row['p50'] / rows[0]['p50']:.1f}x at p50, "
                  f"{row['mean'] / rows[0]['mean']:.1f}x in mean")
    return 0


if __name__ == "__main__":
    sys.exit(main())
