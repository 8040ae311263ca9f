"""The robustness report of one checkpoint: loads the data, runs the model, assembles the sections."""
from __future__ import annotations

import hashlib
import time
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd

from ..cad import load_pairs
from ..data import load_reviews
from ..errors import DataError
from ..labels import label_name, predicted_class
from ..paths import default_cad_path
from ..run_report import PREDICTIONS_FILE, environment
from . import behaviour, contrast_pairs, report, taxonomy

TAXONOMY_SEED = 0  # which reviews --limit-taxonomy draws


def taxonomy_reviews(checkpoint: str | Path, limit: int | None = None) -> pd.DataFrame:
    """The checkpoint's shipped test-set predictions joined to the review texts and true labels.

    Columns ``id``, ``review``, ``sentiment``, ``p_positive``, ``wrong``; ``limit``
    draws that many reviews at random (seed ``TAXONOMY_SEED``). Raises
    ``DataError`` naming what is missing: the predictions file or the dataset.
    """
    skip = "; add --skip-taxonomy to run the other sections"
    path = Path(checkpoint) / PREDICTIONS_FILE
    if not path.is_file():
        raise DataError(f"{path}: no such file; the error taxonomy needs the checkpoint's test-set predictions "
                        f"(written by `python -m sentiment train`){skip}")
    predictions = pd.read_csv(path, usecols=lambda c: c in ("id", "p_positive"))
    if not {"id", "p_positive"} <= set(predictions.columns):
        raise DataError(f"{path}: expected columns 'id' and 'p_positive'{skip}")
    try:
        reviews = load_reviews("test")
    except DataError as error:
        raise DataError(f"the error taxonomy needs the IMDB test reviews' text, which is not here ({error})"
                        f"{skip}") from None
    table = reviews.merge(predictions, on="id", how="inner")
    if table.empty:
        raise DataError(f"{path}: no id matches an IMDB test review{skip}")
    if limit is not None:
        if limit <= 0:
            raise DataError(f"--limit-taxonomy must be positive, got {limit}")
        if limit < len(table):
            table = table.sample(n=limit, random_state=TAXONOMY_SEED)
    table["sentiment"] = label_name(table["label"])
    table["wrong"] = predicted_class(table["p_positive"]) != table["label"]
    return table[["id", "review", "sentiment", "p_positive", "wrong"]].reset_index(drop=True)


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def robustness_report(predictor, checkpoint: str | Path, reviews: pd.DataFrame | None,
                      batch_size: int = 32, limit_taxonomy: int | None = None, progress: bool = False) -> dict:
    """The whole report for ``predictor`` (a ``sentiment.predictor.Predictor``) loaded from ``checkpoint``.

    ``reviews`` is ``taxonomy_reviews(checkpoint, limit_taxonomy)``, or None to
    skip the taxonomy; the caller reads it before loading the model, so that
    missing data fails at once. ``limit_taxonomy`` is only recorded.
    ``batch_size``: reviews per forward pass; ``progress``: progress bars on stderr.
    """
    seconds = {}
    started = time.perf_counter()
    cad_path = default_cad_path()
    contrast, seconds["contrast_pairs"] = _contrast_pairs(predictor, cad_path, batch_size, progress)
    tests, seconds["behaviour"] = _behaviour(predictor, batch_size, progress)
    if reviews is None:
        errors = {"skipped": "--skip-taxonomy"}
    else:
        errors, seconds["taxonomy"] = _taxonomy(predictor, reviews, limit_taxonomy)
    seconds["total"] = time.perf_counter() - started

    return {
        "checkpoint": Path(str(checkpoint)).name,
        "max_length": predictor.max_length,
        "device": predictor.device,
        "precision": predictor.precision,
        "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "reproduce": f"python -m sentiment robustness --checkpoint {checkpoint}"
                     + (" --skip-taxonomy" if reviews is None else "")
                     + (f" --limit-taxonomy {limit_taxonomy}" if limit_taxonomy else ""),
        "versions": {"behaviour_cases": behaviour.VERSION, "behaviour_seed": behaviour.SEED,
                     "taxonomy_seed": TAXONOMY_SEED, "cad_sha256": _sha256(cad_path), **environment()},
        "contrast_pairs": contrast,
        "behaviour": tests,
        "taxonomy": errors,
        "seconds": {k: round(v, 1) for k, v in seconds.items()},
    }


def _contrast_pairs(predictor, cad_path: Path, batch_size: int, progress: bool) -> tuple[dict, float]:
    """1. The contrast pairs of ``cad_path`` read by ``predictor``: the report's section, and its seconds."""
    pairs = load_pairs(cad_path)
    start = time.perf_counter()
    table = contrast_pairs.pair_table(pairs, predictor.p_positive(pairs["review"].tolist(), batch_size, progress))
    section = report.contrast_section(contrast_pairs.pair_metrics(table),
                                      contrast_pairs.failing_examples(table, report.EXAMPLES), cad_path.name)
    return section, time.perf_counter() - start


def _behaviour(predictor, batch_size: int, progress: bool) -> tuple[dict, float]:
    """2. The behavioural tests read by ``predictor``: the report's section, and its seconds."""
    start = time.perf_counter()
    cases = behaviour.generate_cases()
    texts = behaviour.texts_to_score(cases)
    p = predictor.p_positive(texts, batch_size, progress)
    outcomes = behaviour.score_cases(cases, dict(zip(texts, p)))
    section = report.behaviour_section(outcomes, behaviour.capability_summary(outcomes), behaviour.SEED,
                                       behaviour.VERSION, behaviour.DIR_TOLERANCE)
    return section, time.perf_counter() - start


def _taxonomy(predictor, reviews: pd.DataFrame, limit_taxonomy: int | None) -> tuple[dict, float]:
    """3. The error taxonomy of ``reviews`` (the shipped predictions, so no inference here; ``predictor``
    gives the tokenizer and length that "beyond max length" reads): the report's section, and its seconds."""
    start = time.perf_counter()
    tags = taxonomy.tag_reviews(reviews, predictor.max_length, predictor.tokenizer)
    indexed = reviews.set_index("id")
    wrong = indexed["wrong"]
    confidence = (indexed["p_positive"] - 0.5).abs()
    lift = taxonomy.tag_lift(tags, wrong, confidence, report.EXAMPLES, classes=indexed["sentiment"])
    errors = report.taxonomy_section(lift, taxonomy.TAG_RULES, indexed, wrong, predictor.max_length)
    errors["limit"] = limit_taxonomy
    return errors, time.perf_counter() - start
