"""The Classify tab: one pasted review, or a CSV of them."""
from __future__ import annotations

import tempfile
from pathlib import Path

from sentiment.data import DataError, load_reviews, strip_line_breaks
from sentiment.tokenization import encode

MAX_REVIEW_CHARS = 100_000  # ~15 times the longest IMDB review; a 1 MB paste is refused, not tokenised
MAX_CSV_ROWS = 2_000        # ~1 minute of CPU on a free Space


def check_review(text: str | None) -> str:
    """The pasted text, or a DataError with a message for the person who pasted it."""
    if text is None or not text.strip():
        raise DataError("Paste a review first: the text box is empty.")
    if len(text) > MAX_REVIEW_CHARS:
        raise DataError(f"That text is {len(text):,} characters long; reviews up to "
                        f"{MAX_REVIEW_CHARS:,} characters are accepted.")
    if "\x00" in text or sum(not (c.isprintable() or c.isspace()) for c in text) > 0.1 * len(text):
        raise DataError("That does not look like text (it contains binary or control characters).")
    return text


def review_length(tokenizer, text: str, max_length: int) -> dict:
    """Words, tokens, and how many tokens the classifier skips (head + tail truncation)."""
    (item,) = encode(tokenizer, [strip_line_breaks(text)], max_length)
    return {"words": len(text.split()), "tokens": item["cut"].n, "tokens_read": len(item["input_ids"]) - 2,
            "tokens_skipped": item["cut"].dropped}


def length_note(length: dict) -> str:
    note = f"{length['words']:,} words, {length['tokens']:,} word-piece tokens."
    if length["tokens_skipped"]:
        note += (f" Too long to read whole: the model read the first and last {length['tokens_read']} tokens"
                 f" and skipped {length['tokens_skipped']:,} in the middle.")
    else:
        note += " The model read all of it."
    return note


def classify(predictor, text: str) -> tuple[dict[str, float], dict]:
    """``({"negative": p, "positive": p}, length)`` for one review."""
    text = check_review(text)
    p = float(predictor.p_positive([text])[0])
    return {"negative": 1 - p, "positive": p}, review_length(predictor.tokenizer, text, predictor.max_length)


def classify_csv(predictor, path: str | Path) -> tuple[Path, int]:
    """Predictions for an uploaded CSV with a ``review`` column, written to a new CSV file."""
    reviews = load_reviews(path, require_labels=False)
    if len(reviews) > MAX_CSV_ROWS:
        raise DataError(f"{Path(path).name}: {len(reviews):,} rows; up to {MAX_CSV_ROWS:,} rows "
                        f"are classified here (use `python -m sentiment predict --csv` for more).")
    p = predictor.p_positive(reviews["review"].tolist())
    out = reviews.assign(predicted=["positive" if x >= 0.5 else "negative" for x in p], p_positive=p.round(6))
    if "label" in out:
        out = out.drop(columns="label")
    path_out = Path(tempfile.mkdtemp(prefix="predictions-")) / f"{Path(path).stem}-predictions.csv"
    out.to_csv(path_out, index=False)
    return path_out, len(out)


# ---- Gradio handlers -----------------------------------------------------------------------

def classify_for_app(checkpoint: str, text: str) -> tuple[dict[str, float], str]:
    from .models import predictor

    probabilities, length = classify(predictor(checkpoint), text)
    return probabilities, length_note(length)


def classify_csv_for_app(checkpoint: str, upload) -> tuple[str, str]:
    from .models import predictor

    if upload is None:
        raise DataError("Upload a CSV file with a 'review' column first.")
    path, rows = classify_csv(predictor(checkpoint), getattr(upload, "name", upload))
    return str(path), f"{rows:,} reviews classified."
