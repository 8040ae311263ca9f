"""The Classify tab: one pasted review, or a CSV of them."""
from __future__ import annotations

import tempfile
import time
import uuid
from pathlib import Path

import gradio as gr

from sentiment.data import load_reviews
from sentiment.errors import DataError
from sentiment.labels import predicted_label
from sentiment.output_files import write_csv
from sentiment.text import check_column, plural, strip_line_breaks, unknown_share, unknown_warning
from sentiment.tokenization import encode

from .checkpoints import predictor as loaded_predictor
from .explanations import check_review

MAX_CSV_ROWS = 2_000        # ~1 minute of CPU on a free Space
MAX_UPLOAD_BYTES = 10_000_000  # 2,000 rows of IMDB-length reviews take ~3 MB; Gradio refuses larger uploads
EXPORT_MAX_AGE_S = 3_600    # a download link stays valid this long; older files are removed
# One folder for the process's downloads, removed when it exits (Gradio serves its own copy).
_EXPORTS = tempfile.TemporaryDirectory(prefix="predictions-")


def review_length(tokenizer, text: str, max_length: int) -> dict:
    """Words and word-piece tokens of ``text`` (read with ``tokenizer``), and what a classifier reading
    ``max_length`` tokens in all, [CLS] and [SEP] included, makes of them (``sentiment.tokenization``): a
    review of up to ``max_length - 2`` tokens is read whole; of a longer one, the first ``head`` tokens (a
    quarter of those ``max_length - 2``, rounded down) and the last ``tokens_read - head``, the middle
    (``tokens_skipped``) unread."""
    (item,) = encode(tokenizer, [strip_line_breaks(text)], max_length)
    cut = item["cut"]
    return {"words": len(strip_line_breaks(text).split()), "tokens": cut.n, "tokens_read": len(item["input_ids"]) - 2,
            "head": cut.head_end, "tokens_skipped": cut.dropped, "read_length": max_length,
            "unknown_share": unknown_share(tokenizer, item["input_ids"])}


def length_note(length: dict) -> str:
    """The Classify tab's line on a review's ``length`` (``review_length``): its words and tokens, and which
    parts the model read: all of it, or its first and last parts with the number skipped between them;
    ``read_length`` is the model's tokens in all, its [CLS] and [SEP] included. A warning comes first where
    most of the word pieces are unknown to the model."""
    note = f"{plural(length['words'], 'word')}, {plural(length['tokens'], 'word-piece token')}."
    in_all = f"{length['read_length']} tokens in all, [CLS] and [SEP] included"
    if length["tokens_skipped"]:
        tail = length["tokens_read"] - length["head"]
        note += (f" Longer than the model reads ({in_all}): it read the first {length['head']:,} and the last "
                 f"{tail:,} and skipped {length['tokens_skipped']:,} in the middle.")
    else:
        note += f" The model read all of it (it reads up to {in_all})."
    warning = unknown_warning(length["unknown_share"])
    return f"{warning}\n\n{note}" if warning else note


def classify(predictor, text: str) -> tuple[dict[str, float], dict]:
    """``({"negative": p, "positive": p}, length)`` for one review."""
    text = check_review(text)
    p = float(predictor.p_positive([text])[0])
    return {"negative": 1 - p, "positive": p}, review_length(predictor.tokenizer, text, predictor.max_length)


def classify_csv(predictor, path: str | Path, progress: bool = False) -> tuple[Path, int]:
    """Predictions by ``predictor`` (a ``sentiment.predictor.Predictor``) for the CSV at ``path`` (a
    ``review`` column), written to a new CSV file (formula cells escaped); returns (file, rows).
    ``progress``: a tqdm bar, which ``gr.Progress(track_tqdm=True)`` shows."""
    check_not_empty(path)
    reviews = load_reviews(path, require_labels=False, keep_columns=True)  # the file's own columns written back
    if len(reviews) > MAX_CSV_ROWS:
        raise DataError(f"{Path(path).name}: {len(reviews):,} rows; up to {MAX_CSV_ROWS:,} rows "
                        f"are classified here (use `python -m sentiment predict --csv` for more).")
    check_column(reviews["review"], Path(path).name)
    p = predictor.p_positive(reviews["review"].tolist(), progress=progress)
    out = reviews.assign(predicted=predicted_label(p), p_positive=p.round(6))  # the verdict last, beside the file's
    if "label" in out:
        out = out.drop(columns="label")
    return write_csv(out, _export_path(Path(path).stem)), len(out)


def check_not_empty(path: str | Path) -> None:
    """A DataError for a file with nothing but whitespace in it, in this tab's terms: the shared reader's
    message asks for the 'sentiment' column that training needs and classifying does not."""
    with open(path, "rb") as file:
        while chunk := file.read(1 << 16):
            if chunk.strip():
                return
    raise DataError(f"{Path(path).name}: the file is empty; expected a CSV with a header row and a 'review' "
                    f"column (one review per row)")


def _export_path(stem: str) -> Path:
    """A new file in the exports folder, after removing files older than ``EXPORT_MAX_AGE_S``."""
    folder = Path(_EXPORTS.name)
    for old in folder.glob("*.csv"):
        try:
            if time.time() - old.stat().st_mtime > EXPORT_MAX_AGE_S:
                old.unlink()
        except FileNotFoundError:  # another request removed it first
            continue
    return folder / f"{stem[:60]}-predictions-{uuid.uuid4().hex[:8]}.csv"


# ---- Gradio handlers -----------------------------------------------------------------------

def classify_for_app(checkpoint: str, text: str) -> tuple[dict[str, float], str]:
    """The Classify button: ``text``'s class probabilities under the checkpoint called ``checkpoint`` (for
    ``gr.Label``) and its length note (``length_note``)."""
    probabilities, length = classify(loaded_predictor(checkpoint), text)
    return probabilities, length_note(length)


def classify_csv_for_app(checkpoint: str, upload, progress=gr.Progress(track_tqdm=True)) -> tuple[str, str]:
    """``checkpoint``: a name from the picker; ``upload``: Gradio's file (or its path); ``progress``: Gradio's
    tracker, which shows the tqdm bar of :func:`classify_csv`."""
    if upload is None:
        raise DataError("Upload a CSV file with a 'review' (or 'text') column first.")
    path, rows = classify_csv(loaded_predictor(checkpoint), getattr(upload, "name", upload), progress=True)
    return str(path), f"{plural(rows, 'review')} classified."
