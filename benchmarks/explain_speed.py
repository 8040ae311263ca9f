"""Explanation latency and completeness: ``explain.Explainer`` against two references.

On the same model, reviews and threads, in one run:
- ours: ``Explainer.explain`` (integrated gradients of the logit margin,
  Gauss-Legendre steps on path segments, refined where the completeness check
  fails, bf16 where the CPU has it), timed end to end, prediction included;
- plain Captum: ``LayerIntegratedGradients`` on the word embeddings, logits of
  the predicted class, [PAD] baseline, ``n_steps=50`` and other defaults, with
  its convergence delta;
- transformers-interpret's ``SequenceClassificationExplainer`` (defaults:
  50 steps, softmax probability), when it is installed
  (``pip install --no-deps -r benchmarks/requirements.txt``).

Reviews: N test reviews of about median IMDB length (200-260 tokens), drawn
with a seed. Relative delta = |convergence delta| / |f(input) - f(baseline)|.
Not a test: it prints figures.

    python benchmarks/explain_speed.py [--checkpoint DIR --n 20 --threads 2]
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
import warnings

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import numpy as np  # noqa: E402
import torch  # noqa: E402
from captum.attr import LayerIntegratedGradients  # noqa: E402

from explain import Explainer  # noqa: E402
from explain.attribution import pad_baseline  # noqa: E402
from sentiment.data import load_reviews  # noqa: E402
from sentiment.predictor import load_checkpoint  # noqa: E402
from sentiment.tokenization import encode  # noqa: E402


def median_length_reviews(tokenizer, n: int, seed: int, low: int, high: int) -> list[str]:
    reviews = load_reviews("test").sample(frac=1.0, random_state=seed)["review"].tolist()
    chosen = []
    for start in range(0, len(reviews), 200):
        batch = reviews[start:start + 200]
        lengths = [len(ids) + 2 for ids in tokenizer(batch, add_special_tokens=False)["input_ids"]]
        chosen += [text for text, length in zip(batch, lengths) if low <= length <= high]
        if len(chosen) >= n:
            return chosen[:n]
    return chosen


def run_ours(explainer: Explainer, text: str) -> tuple[float, float, int]:
    start = time.perf_counter()
    e = explainer.explain(text)
    return time.perf_counter() - start, e.relative_delta, e.n_steps


def run_plain_captum(model, tokenizer, max_length: int, text: str) -> tuple[float, float, int]:
    start = time.perf_counter()
    ids = torch.tensor([encode(tokenizer, [text], max_length)[0]["input_ids"]])
    baseline = pad_baseline(ids, tokenizer)
    with torch.no_grad():
        logits = model(input_ids=torch.cat([ids, baseline])).logits
    target = int(logits[0].argmax())
    lig = LayerIntegratedGradients(lambda input_ids: model(input_ids=input_ids).logits,
                                   model.get_input_embeddings())
    _, delta = lig.attribute(ids, baselines=baseline, target=target, n_steps=50, return_convergence_delta=True)
    seconds = time.perf_counter() - start
    difference = float(logits[0, target] - logits[1, target])
    return seconds, abs(float(delta)) / abs(difference), 50


def run_transformers_interpret(ti_explainer, text: str) -> tuple[float, float, int]:
    start = time.perf_counter()
    ti_explainer(text)
    seconds = time.perf_counter() - start
    attributions = ti_explainer.attributions
    delta = float(attributions.delta)
    difference = float(attributions._attributions.sum()) - delta  # completeness: sum = diff + delta
    return seconds, abs(delta) / abs(difference), ti_explainer.n_steps


def summarize(name: str, runs: list[tuple[float, float, int]]) -> dict:
    seconds = np.array([r[0] for r in runs])
    return {"name": name, "p50": float(np.percentile(seconds, 50)), "p95": float(np.percentile(seconds, 95)),
            "mean": float(seconds.mean()), "median_relative_delta": statistics.median(r[1] for r in runs),
            "max_relative_delta": max(r[1] for r in runs),
            "steps": f"{min(r[2] for r in runs)}-{max(r[2] for r in runs)}"}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--checkpoint", default="checkpoints/minilm-imdb-25k")
    parser.add_argument("--n", type=int, default=20, help="reviews")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--min-tokens", type=int, default=200)
    parser.add_argument("--max-tokens", type=int, default=260)
    parser.add_argument("--threads", type=int, default=torch.get_num_threads())
    parser.add_argument("--skip", nargs="*", default=[], choices=["plain", "ti"], help="references to leave out")
    args = parser.parse_args(argv)
    torch.set_num_threads(args.threads)
    warnings.filterwarnings("ignore")

    explainer = Explainer.from_pretrained(args.checkpoint)
    # The references get their own copy, as loaded: the explainer switches its
    # model to eager attention, which would change their speed too.
    model, tokenizer = load_checkpoint(args.checkpoint)
    texts = median_length_reviews(tokenizer, args.n, args.seed, args.min_tokens, args.max_tokens)
    print(f"{len(texts)} test reviews of {args.min_tokens}-{args.max_tokens} tokens, {args.checkpoint}, "
          f"{args.threads} threads, {os.cpu_count()} CPUs", flush=True)

    contenders = {"ours (explain.Explainer)": lambda t: run_ours(explainer, t)}
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

    for run in contenders.values():  # warm-up: first calls pay for allocations
        run(texts[0])
    # Interleaved, so a load change on the machine hits every contender alike.
    runs = {name: [] for name in contenders}
    for i, text in enumerate(texts):
        for name, run in contenders.items():
            runs[name].append(run(text))
        print(f"  review {i + 1}/{len(texts)}: " + ", ".join(f"{r[-1][0]:.2f} s" for r in runs.values()),
              flush=True)

    rows = [summarize(name, r) for name, r in runs.items()]
    print(f"\n{'':34} {'p50 s':>7} {'p95 s':>7} {'mean s':>7} {'median rel. delta':>18} {'max':>8}  steps")
    for row in rows:
        print(f"{row['name']:34} {row['p50']:7.2f} {row['p95']:7.2f} {row['mean']:7.2f} "
              f"{row['median_relative_delta']:18.2%} {row['max_relative_delta']:8.2%}  {row['steps']}")
    ours = rows[0]
    for row in rows[1:]:
        print(f"speed-up over {row['name']}: {row['p50'] / ours['p50']:.1f}x at p50, "
              f"{row['mean'] / ours['mean']:.1f}x in mean")
    return 0


if __name__ == "__main__":
    sys.exit(main())
