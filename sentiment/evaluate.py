"""Batched inference and the report's metrics (scikit-learn)."""
from __future__ import annotations

import time

import numpy as np
import pandas as pd
import torch
from sklearn.metrics import accuracy_score, confusion_matrix, precision_recall_fscore_support
from tqdm.auto import tqdm

from .labels import LABELS, label_name, predicted_class, predicted_label
from .devices import autocast, require_resolved
from .tokenization import encode, pad_batch


def predict_proba(model, tokenizer, texts: list[str], max_length: int, device: str, precision: str,
                  batch_size: int = 32, progress: bool = False) -> np.ndarray:
    """P(positive) for each text, in input order.

    ``max_length``: tokens read per text (head + tail, ``sentiment.tokenization``);
    ``device``, ``precision``: resolved ones (``sentiment.devices``), not "auto";
    ``progress``: a progress bar on stderr.

    Reviews are batched by length so that padding is minimal; the longest go
    first, so a batch that does not fit in memory fails at once, not at the end.
    """
    require_resolved(precision)
    encoded = encode(tokenizer, texts, max_length)
    order = np.argsort([-len(e["input_ids"]) for e in encoded], kind="stable")
    p_positive = np.empty(len(encoded), dtype=np.float64)
    model.eval().to(device)
    with torch.inference_mode():
        for start in tqdm(range(0, len(order), batch_size), desc="evaluating", disable=not progress):
            rows = order[start:start + batch_size]
            batch = pad_batch(tokenizer, [encoded[i]["input_ids"] for i in rows]).to(device)
            with autocast(device, precision):
                logits = model(**batch).logits
            p_positive[rows] = logits.float().softmax(-1)[:, 1].cpu().numpy()
    return p_positive


def classification_metrics(y_true, y_pred) -> dict:
    """Accuracy; precision, recall and F1 weighted (as in the report) and per class; confusion matrix."""
    labels = list(range(len(LABELS)))
    precision, recall, f1, _ = precision_recall_fscore_support(
        y_true, y_pred, labels=labels, average="weighted", zero_division=0)
    per_p, per_r, per_f, support = precision_recall_fscore_support(
        y_true, y_pred, labels=labels, zero_division=0)
    return {
        "accuracy": float(accuracy_score(y_true, y_pred)),
        "precision": float(precision),
        "recall": float(recall),
        "f1": float(f1),
        "n": int(len(y_true)),
        "per_class": {name: {"precision": float(per_p[i]), "recall": float(per_r[i]),
                             "f1": float(per_f[i]), "support": int(support[i])}
                      for i, name in enumerate(LABELS)},
        # rows: true label, columns: predicted label, in LABELS order
        "confusion_matrix": confusion_matrix(y_true, y_pred, labels=labels).tolist(),
    }


def predictions_frame(reviews: pd.DataFrame, p_positive: np.ndarray) -> pd.DataFrame:
    """The error study's table: ``id, review, sentiment, predicted, p_positive``."""
    frame = pd.DataFrame({"id": reviews["id"], "review": reviews["review"]})
    if "label" in reviews:
        frame["sentiment"] = label_name(reviews["label"])
    frame["predicted"] = predicted_label(p_positive)
    frame["p_positive"] = np.round(p_positive, 6)
    return frame


def evaluate(model, tokenizer, reviews: pd.DataFrame, max_length: int, device: str, precision: str,
             batch_size: int = 32, progress: bool = False):
    """Metrics, the predictions table and timings for labelled ``reviews`` (``id``, ``review``, ``label``);
    the other parameters as for :func:`predict_proba`."""
    start = time.perf_counter()
    p_positive = predict_proba(model, tokenizer, reviews["review"].tolist(), max_length,
                               device, precision, batch_size, progress)
    seconds = time.perf_counter() - start
    metrics = classification_metrics(reviews["label"].to_numpy(), predicted_class(p_positive))
    timings = {"evaluation_s": seconds, "evaluation_reviews_per_s": len(reviews) / seconds}
    return metrics, predictions_frame(reviews, p_positive), timings
