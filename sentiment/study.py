"""The error study's review file: the texts the app needs where the dataset is not installed.

A hosted Space has no IMDB folder, and the dataset (two 13 MB files) does not
belong in the repository. What the error study shows is a small part of it:
the test reviews some shipped checkpoint gets wrong, the report's four
reviews, and the reviews the app's examples name. ``python -m sentiment study``
collects exactly those into ``study/reviews.csv.gz`` (id, sentiment, rating,
review), and the app reads the full dataset where it is installed and this
file otherwise. A test checks that the file covers every mistake in the
shipped predictions, so retraining without rebuilding it fails CI.
"""
from __future__ import annotations

import gzip
import io
import json
from collections.abc import Iterable, Mapping
from pathlib import Path

import pandas as pd

from .data import REPORT_REVIEW_IDS, load_reviews
from .errors import DataError
from .labels import label_name
from .paths import CHECKPOINTS_DIR, STUDY_DIR
from .run_report import PREDICTIONS_FILE

STUDY_REVIEWS = STUDY_DIR / "reviews.csv.gz"
# The app's example reviews (name, dataset id or text, the checkpoint that misreads it, a note).
EXAMPLES_FILE = STUDY_DIR / "examples.json"
COLUMNS = ["id", "sentiment", "rating", "review"]


def rating_from_id(review_id: str) -> int | None:
    """The star rating an IMDB id carries (``test/neg/8977_4`` -> 4); None for other ids."""
    stem = str(review_id).rsplit("/", 1)[-1]
    number = stem.rsplit("_", 1)[-1] if "_" in stem else ""
    return int(number) if number.isdigit() else None


def shipped_predictions(checkpoints_dir: Path = CHECKPOINTS_DIR) -> dict[str, pd.DataFrame]:
    """Every checkpoint folder's test predictions (``id``, ``sentiment``, ``predicted``, ...) by folder name."""
    return {p.parent.name: pd.read_csv(p) for p in sorted(checkpoints_dir.glob(f"*/{PREDICTIONS_FILE}"))}


def mistaken_ids(predictions: Mapping[str, pd.DataFrame]) -> set[str]:
    """Ids of the reviews that at least one of ``predictions`` (name -> table) gets wrong."""
    wrong = set()
    for table in predictions.values():
        wrong |= set(table.loc[table["predicted"] != table["sentiment"], "id"].astype(str))
    return wrong


def example_ids(examples_file: Path = EXAMPLES_FILE) -> list[str]:
    """Dataset ids named by the app's examples (examples given as text need nothing from the dataset)."""
    if not examples_file.is_file():
        return []
    return [e["id"] for e in json.loads(examples_file.read_text()) if e.get("id")]


def study_reviews(reviews: pd.DataFrame, ids: Iterable[str]) -> pd.DataFrame:
    """The rows of ``reviews`` (``id``, ``review``, ``label``) whose id is in ``ids``, in the file's columns.

    Every id must be in ``reviews``: a study file that silently lacks a review
    would show an id with no text.
    """
    wanted = sorted(set(ids))
    by_id = reviews.set_index("id")
    missing = [i for i in wanted if i not in by_id.index]
    if missing:
        raise DataError(f"{len(missing):,} review(s) named by the study are not in the dataset "
                        f"(first: {missing[0]}); is it the full IMDB dataset?")
    rows = by_id.loc[wanted]
    return pd.DataFrame({"id": wanted,
                         "sentiment": label_name(rows["label"]),
                         "rating": [rating_from_id(i) for i in wanted],
                         "review": rows["review"].tolist()})


def write_study_reviews(frame: pd.DataFrame, path: Path = STUDY_REVIEWS) -> Path:
    """Gzipped CSV with a fixed timestamp: the same reviews give the same bytes (no churn in git)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    text = frame[COLUMNS].to_csv(index=False)
    buffer = io.BytesIO()
    with gzip.GzipFile(fileobj=buffer, mode="wb", mtime=0, compresslevel=9) as out:
        out.write(text.encode("utf-8"))
    path.write_bytes(buffer.getvalue())
    return path


def build_study_file(checkpoints_dir: Path = CHECKPOINTS_DIR, output: Path = STUDY_REVIEWS,
                     examples_file: Path = EXAMPLES_FILE) -> tuple[Path, pd.DataFrame]:
    """Collect the study's reviews from the installed dataset into ``output``.

    Args:
        checkpoints_dir: folder whose ``*/predictions.csv.gz`` name the mistakes to cover.
        output: the file to write.
        examples_file: the app's examples; the dataset ids they name are included.
    """
    predictions = shipped_predictions(checkpoints_dir)
    if not predictions:
        raise DataError(f"no {PREDICTIONS_FILE} under {checkpoints_dir}: nothing to build the study from")
    ids = mistaken_ids(predictions) | set(REPORT_REVIEW_IDS) | set(example_ids(examples_file))
    frame = study_reviews(load_reviews("all"), ids)
    return write_study_reviews(frame, output), frame


def load_study_reviews(path: Path = STUDY_REVIEWS) -> pd.DataFrame:
    """The shipped study file as ``load_reviews`` returns a dataset: ``id``, ``review``, ``label``."""
    return load_reviews(path)
