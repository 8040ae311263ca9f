"""How long ``python -m explain.patterns`` takes on a teacher-sized set: 30 reviews of about 150 words.

The set is drawn from the error study's reviews that ship with the app (``study/reviews.csv.gz``, so it
runs on a bare clone): ten each tagged ``contrast_reversal``, ``negation_dense`` and ``irony_cue`` by the
error taxonomy (``sentiment.robustness.taxonomy``), 120 to 180 words, drawn with a seed. The command runs
in this process, model loading included, and its wall-clock time is printed with the per-category
accuracy and the mean push of the turn of a contrast, for a look at what a class would see. Not a test.

    python benchmarks/patterns_speed.py [--checkpoint DIR --n 10 --seed 0]
"""
from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import tempfile
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

import pandas as pd  # noqa: E402

from explain.patterns import main as patterns_main  # noqa: E402
from sentiment.paths import DEFAULT_CHECKPOINT  # noqa: E402
from sentiment.robustness.taxonomy import TEXT_TAGGERS  # noqa: E402
from sentiment.study import STUDY_REVIEWS  # noqa: E402

CATEGORIES = ("contrast_reversal", "negation_dense", "irony_cue")


def teacher_set(n: int, seed: int) -> pd.DataFrame:
    """``n`` reviews per category of 120-180 words, each tagged with its category only."""
    reviews = pd.read_csv(STUDY_REVIEWS)
    words = reviews["review"].str.split().str.len()
    pool = reviews[(words >= 120) & (words <= 180)].copy()
    tags = {name: pool["review"].map(TEXT_TAGGERS[name]) for name in CATEGORIES}
    rows = []
    for name in CATEGORIES:
        only = tags[name] & ~pd.concat([tags[o] for o in CATEGORIES if o != name], axis=1).any(axis=1)
        chosen = pool[only].sample(n=n, random_state=seed)
        rows.append(chosen.assign(category=name)[["review", "sentiment", "category"]])
    return pd.concat(rows, ignore_index=True)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--checkpoint", default=str(DEFAULT_CHECKPOINT))
    parser.add_argument("--n", type=int, default=10, help="reviews per category")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    frame = teacher_set(args.n, args.seed)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "teacher.csv"
        frame.to_csv(path, index=False)
        out = io.StringIO()
        start = time.perf_counter()
        with contextlib.redirect_stdout(out):
            status = patterns_main(["--checkpoint", args.checkpoint, "--csv", str(path), "--category", "category",
                                    "--json"])
        seconds = time.perf_counter() - start
    if status:
        raise SystemExit(status)
    result = json.loads(out.getvalue())
    words = frame["review"].str.split().str.len()
    print(f"{len(frame)} reviews ({words.min()}-{words.max()} words, median {words.median():.0f}), "
          f"{args.checkpoint}: {seconds:.1f} s for the whole command, model loading included "
          f"({os.cpu_count()} CPUs)")
    for name, c in result["categories"].items():
        turn = c["parts"].get("turn", {}).get("toward_label", {})
        print(f"  {name:18} accuracy {c['accuracy']:.0%}, turn toward the gold label "
              f"{turn.get('mean', float('nan')):+.2f} (n={turn.get('n', 0)})")


if __name__ == "__main__":
    main()
