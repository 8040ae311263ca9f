"""How faithful an explanation is: ERASER comprehensiveness and sufficiency (DeYoung et al., 2020).

For the top k% of words by score toward the explained class, with p the
probability of that class:
- comprehensiveness = p(review) - p(review without those words): high when the
  words the explanation points at really carried the prediction;
- sufficiency = p(review) - p(those words alone): low (near 0, or negative)
  when they are enough on their own.
Both are averaged over k in {1, 5, 10, 20, 50}% (the paper's AOPC bins). The
same figures for a random ranking of the words give a reference point.

    python -m explain.faithfulness --checkpoint DIR --predictions predictions.csv.gz [--limit 50 --baseline pad]

The summary also counts the reviews on which the explanation's ranking beats
the random one (``comprehensiveness_above_random``, ``sufficiency_below_random``).
"""
from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
from dataclasses import dataclass

from sentiment.errors import DataError, run_command
from sentiment.labels import LABELS
from sentiment.paths import DEFAULT_CHECKPOINT
from sentiment.run_report import PREDICTIONS_FILE

from .baseline import BASELINES
from .variants import batched_logits, only_positions, without_positions

FRACTIONS = (0.01, 0.05, 0.10, 0.20, 0.50)


@dataclass(frozen=True)
class Faithfulness:
    comprehensiveness: dict[float, float]  # fraction of words -> value
    sufficiency: dict[float, float]

    @property
    def aopc_comprehensiveness(self) -> float:
        """The mean comprehensiveness over the shares of words removed (the area over the perturbation curve)."""
        return statistics.fmean(self.comprehensiveness.values())

    @property
    def aopc_sufficiency(self) -> float:
        """The mean sufficiency over the shares of words kept (the area over the perturbation curve)."""
        return statistics.fmean(self.sufficiency.values())


def _top_positions(ranked_groups: list[list[int]], fraction: float) -> list[int]:
    k = max(1, round(fraction * len(ranked_groups)))
    return [i for group in ranked_groups[:k] for i in group]


def faithfulness(explainer, explanation, fractions=FRACTIONS, ranking: list[int] | None = None) -> Faithfulness:
    """ERASER figures for one explanation (``explainer``'s, whose model and precision are reused).

    ``fractions``: the shares of words removed or kept (AOPC bins); ``ranking``
    (word indices, most important first) replaces the explanation's own ranking,
    e.g. with a random one.
    """
    if ranking is None:
        ranking = sorted(range(len(explanation.words)), key=lambda i: -explanation.words[i].score)
    ranked = [explanation.token_groups[i] for i in ranking]
    ids = explanation.input_ids
    variants = [ids]
    for fraction in fractions:
        top = _top_positions(ranked, fraction)
        variants += [without_positions(ids, top), only_positions(ids, top)]
    target = LABELS.index(explanation.target)
    p = batched_logits(explainer.model, explainer.tokenizer, variants, explainer.precision).softmax(-1)[:, target].tolist()
    return Faithfulness({f: p[0] - p[1 + 2 * i] for i, f in enumerate(fractions)},
                        {f: p[0] - p[2 + 2 * i] for i, f in enumerate(fractions)})


def random_ranking(n_words: int, seed: int) -> list[int]:
    """The word indices 0 .. ``n_words`` - 1 in an order drawn with ``seed``: the control ranking."""
    order = list(range(n_words))
    random.Random(seed).shuffle(order)
    return order


def evaluate_set(explainer, texts: list[str], method: str = "ig", seed: int = 0, progress=None) -> list[dict]:
    """One row per review: its explanation's and a random ranking's AOPC figures.

    ``explainer``: an ``Explainer``; ``texts``: the reviews; ``method``: the
    explanation to score (``METHODS``); ``seed``: review i's random ranking uses
    ``seed + i``; ``progress``: called as ``progress(i, n, row)`` after each review.
    """
    rows = []
    for i, text in enumerate(texts):
        e = explainer.explain(text, method=method)
        own = faithfulness(explainer, e)
        rand = faithfulness(explainer, e, ranking=random_ranking(len(e.words), seed + i))
        rows.append({"label": e.label, "p_positive": e.p_positive, "n_words": len(e.words),
                     "baseline_p_positive": e.baseline_p_positive, "completeness_error": e.completeness_error,
                     "relative_delta": e.relative_delta, "seconds": e.seconds,
                     "comprehensiveness": own.aopc_comprehensiveness, "sufficiency": own.aopc_sufficiency,
                     "random_comprehensiveness": rand.aopc_comprehensiveness,
                     "random_sufficiency": rand.aopc_sufficiency})
        if progress:
            progress(i + 1, len(texts), rows[-1])
    return rows


def summarize(rows: list[dict]) -> dict:
    """Mean and median of each figure over the set."""
    keys = ["comprehensiveness", "sufficiency", "random_comprehensiveness", "random_sufficiency",
            "baseline_p_positive", "completeness_error", "relative_delta", "seconds"]
    summary = {"n": len(rows)}
    for key in keys:
        values = [r[key] for r in rows if r[key] is not None]
        if values:
            summary[key] = {"mean": statistics.fmean(values), "median": statistics.median(values),
                            "max": max(values)}
    # The claim to check: the explanation's top words matter more than random ones, review by review.
    summary["comprehensiveness_above_random"] = sum(r["comprehensiveness"] > r["random_comprehensiveness"]
                                                    for r in rows)
    summary["sufficiency_below_random"] = sum(r["sufficiency"] < r["random_sufficiency"] for r in rows)
    return summary


def misclassified_texts(predictions_csv: str, reviews) -> tuple[list[str], list[str]]:
    """(ids, texts) of the reviews a predictions table (id, sentiment, predicted, ...) got wrong."""
    import pandas as pd

    try:
        predictions = pd.read_csv(predictions_csv, dtype={"id": str})
    except (OSError, ValueError) as error:
        raise DataError(f"{predictions_csv}: not a readable predictions CSV ({error})") from None
    missing = {"id", "sentiment", "predicted"} - set(predictions.columns)
    if missing:
        raise DataError(f"{predictions_csv}: missing column(s) {', '.join(sorted(missing))}")
    wrong = predictions[predictions["sentiment"] != predictions["predicted"]]
    joined = wrong[["id"]].merge(reviews[["id", "review"]], on="id", how="inner")
    if joined.empty:
        raise DataError(f"{predictions_csv}: no misclassified review matches the review ids")
    return joined["id"].tolist(), joined["review"].tolist()


def main(argv: list[str] | None = None) -> int:
    """``python -m explain.faithfulness`` (``argv``, default the command line's); the exit status."""
    from sentiment.arguments import DefaultsHelpFormatter, positive_int

    from .explainer import METHODS

    parser = argparse.ArgumentParser(prog="python -m explain.faithfulness", description=__doc__.split("\n")[0],
                                     formatter_class=DefaultsHelpFormatter)
    parser.add_argument("--checkpoint", default=str(DEFAULT_CHECKPOINT), help="checkpoint folder or Hub id")
    parser.add_argument("--predictions", help="predictions CSV (id, sentiment, predicted, ...); "
                        f"default: the checkpoint's {PREDICTIONS_FILE}")
    parser.add_argument("--reviews", default="test", help="where the texts come from: test, train or a CSV")
    parser.add_argument("--limit", type=positive_int, help="only the first N misclassified reviews")
    parser.add_argument("--method", choices=METHODS, default=METHODS[0], help="the explanation to score")
    parser.add_argument("--baseline", choices=BASELINES, default="neutral", help="see explain.baseline")
    parser.add_argument("--output", help="write one row per review to this CSV")
    parser.add_argument("--seed", type=int, default=0, help="the random rankings' seed")
    args = parser.parse_args(argv)
    return run_command(lambda: _score(args))


def _score(args) -> None:
    from pathlib import Path

    import pandas as pd

    from sentiment.data import load_reviews

    from .explainer import Explainer

    predictions = args.predictions or str(Path(args.checkpoint) / PREDICTIONS_FILE)
    ids, texts = misclassified_texts(predictions, load_reviews(args.reviews))
    if args.limit:
        ids, texts = ids[:args.limit], texts[:args.limit]
    explainer = Explainer.from_pretrained(args.checkpoint, baseline=args.baseline)
    rows = evaluate_set(explainer, texts, args.method, args.seed,
                        progress=lambda i, n, r: print(f"{i}/{n} comprehensiveness {r['comprehensiveness']:+.3f} "
                                                      f"sufficiency {r['sufficiency']:+.3f}", file=sys.stderr))
    for review_id, row in zip(ids, rows):
        row["id"] = review_id
    if args.output:
        pd.DataFrame(rows).to_csv(args.output, index=False)
    print(json.dumps(summarize(rows), indent=2))


if __name__ == "__main__":
    sys.exit(main())
