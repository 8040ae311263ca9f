"""How long the Mistakes tab takes to explain a review with both checkpoints.

``webapp.mistakes_tab.show_review`` explains the review once per shipped checkpoint
(small, then large). Timed here end to end, on misread test reviews of about
``--words`` words (250 by default, drawn with a seed), with the models already
loaded (the app loads them once per process; the first load is printed apart)
and each checkpoint's baseline calibration dropped before every call, so each
call pays it, as a review of a length not seen before does. Beside it, the same
two explanations run concurrently in two threads (each checkpoint has its own
explainer and lock), to see whether that would be faster on this machine. Not
a test: it prints figures.

    python benchmarks/mistakes_speed.py [--n 5 --words 250 --threads 2]
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
import warnings
from concurrent.futures import ThreadPoolExecutor

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

import torch  # noqa: E402

from sentiment.tokenization import encode  # noqa: E402
from webapp import mistakes_tab  # noqa: E402
from webapp.examples import dataset_reviews  # noqa: E402
from webapp.checkpoints import explainer  # noqa: E402
from webapp.explanations import highlight  # noqa: E402

TARGET_S = 3.0  # the tab should answer within this for a 250-word review


def misread_reviews(n: int, words: int, seed: int, slack: int = 10) -> list[str]:
    """Ids of ``n`` misread test reviews of ``words`` +- ``slack`` words, drawn with ``seed``."""
    table = mistakes_tab.mistakes(mistakes_tab.study_table())
    texts = dataset_reviews()["review"]
    table = table[table["id"].isin(texts.index)]
    counts = table["id"].map(lambda i: len(texts[i].split()))
    chosen = table[(counts - words).abs() <= slack]
    return chosen.sample(n=min(n, len(chosen)), random_state=seed)["id"].tolist()


def forget_calibration() -> None:
    for name in (mistakes_tab.SMALL, mistakes_tab.LARGE):
        explainer(name).baselines.clear()


def concurrently(text: str) -> None:
    with ThreadPoolExecutor(2) as pool:
        list(pool.map(lambda name: highlight(name, text), (mistakes_tab.SMALL, mistakes_tab.LARGE)))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=5, help="reviews")
    parser.add_argument("--words", type=int, default=250)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--threads", type=int, default=torch.get_num_threads())
    args = parser.parse_args(argv)
    torch.set_num_threads(args.threads)
    warnings.filterwarnings("ignore")

    ids = misread_reviews(args.n, args.words, args.seed)
    if not ids:
        print(f"no misread review of about {args.words} words in {len(dataset_reviews()):,} reviews", file=sys.stderr)
        return 2
    start = time.perf_counter()
    for name in (mistakes_tab.SMALL, mistakes_tab.LARGE):
        explainer(name)
    print(f"{len(ids)} misread reviews of {args.words} +- 10 words; {args.threads} threads, {os.cpu_count()} CPUs; "
          f"both explainers loaded in {time.perf_counter() - start:.1f} s", flush=True)
    mistakes_tab.show_review(ids[0])  # warm-up: first calls pay for allocations

    times = {"show_review (as the tab runs it)": [], "both in two threads": []}
    for review_id in ids:
        text = dataset_reviews().at[review_id, "review"]
        tokens = {name: len(encode(explainer(name).tokenizer, [text], explainer(name).max_length)[0]["input_ids"])
                  for name in (mistakes_tab.SMALL, mistakes_tab.LARGE)}
        for label, run in (("show_review (as the tab runs it)", lambda: mistakes_tab.show_review(review_id)),
                           ("both in two threads", lambda: concurrently(text))):
            forget_calibration()
            start = time.perf_counter()
            run()
            times[label].append(time.perf_counter() - start)
        print(f"  {review_id}: {len(text.split())} words, tokens " +
              ", ".join(f"{name} {t}" for name, t in tokens.items()) + "; " +
              ", ".join(f"{label.split(' (')[0]} {t[-1]:.2f} s" for label, t in times.items()), flush=True)

    print(f"\n{'':34} {'median s':>9} {'max s':>7}  within {TARGET_S:.0f} s")
    for label, seconds in times.items():
        print(f"{label:34} {statistics.median(seconds):9.2f} {max(seconds):7.2f}  "
              f"{sum(s <= TARGET_S for s in seconds)}/{len(seconds)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
