"""TF-IDF + logistic regression: the bar a fine-tuned model has to clear."""
from __future__ import annotations

import time
from pathlib import Path

import pandas as pd
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from .evaluate import classification_metrics, predictions_frame
from .labels import predicted_class
from .model_card import write_model_card
from .run_report import PREDICTIONS_FILE, environment, markdown_table, write_report


def run_baseline(train: pd.DataFrame, test: pd.DataFrame, output_dir: str | Path) -> dict:
    """Fit TF-IDF + logistic regression on ``train`` (``review``, ``label``), evaluate on ``test``, and write
    the report, predictions and model card to ``output_dir``, like a training run; returns the report."""
    output_dir = Path(output_dir)
    start = time.perf_counter()
    vectorizer = TfidfVectorizer(ngram_range=(1, 2), min_df=2, max_df=0.9, sublinear_tf=True)
    train_x = vectorizer.fit_transform(train["review"])
    tokenise_s = time.perf_counter() - start

    start = time.perf_counter()
    classifier = LogisticRegression(C=10.0, max_iter=2000).fit(train_x, train["label"])
    training_s = time.perf_counter() - start

    start = time.perf_counter()
    p_positive = classifier.predict_proba(vectorizer.transform(test["review"]))[:, 1]
    evaluation_s = time.perf_counter() - start

    metrics = classification_metrics(test["label"].to_numpy(), predicted_class(p_positive))
    output_dir.mkdir(parents=True, exist_ok=True)
    predictions_frame(test, p_positive).drop(columns="review").to_csv(output_dir / PREDICTIONS_FILE, index=False)
    report = {
        "model": "TF-IDF (1-2 grams) + logistic regression",
        "protocol": "same split as the fine-tuned models",
        "train_size": len(train),
        "validation_size": 0,
        "test_size": len(test),
        "max_length": "all",
        "truncation": "none",
        "device": {"training": "cpu", "evaluation": "cpu"},
        "mixed_precision": {"training": "fp64", "evaluation": "fp64"},
        "timings": {"tokenisation_s": tokenise_s, "training_s": training_s,
                    "training_samples_per_s": len(train) / training_s,
                    "evaluation_s": evaluation_s, "evaluation_reviews_per_s": len(test) / evaluation_s},
        "metrics": metrics,
        "parameters": {"total": int(classifier.coef_.size + classifier.intercept_.size),
                       "head": int(classifier.coef_.size + classifier.intercept_.size)},
        "environment": environment(),
    }
    write_report(report, output_dir)
    write_model_card(output_dir)
    print(markdown_table({output_dir.name: report}))
    return report
