"""The shipped checkpoints: they load offline and the large one earns its place."""
import json
from pathlib import Path

import pandas as pd
import pytest
import torch
from conftest import shared_reviews
from transformers import AutoModelForSequenceClassification, AutoTokenizer

from sentiment.data import sample
from sentiment.evaluate import classification_metrics
from sentiment.predictor import Predictor

CHECKPOINTS = Path(__file__).resolve().parent.parent / "checkpoints"
LARGE, SMALL = CHECKPOINTS / "minilm-imdb-25k", CHECKPOINTS / "minilm-imdb-8k"
CAD = CHECKPOINTS / "minilm-imdb-cad"

pytestmark = pytest.mark.skipif(not (LARGE / "config.json").exists() or not (SMALL / "config.json").exists(),
                                reason="the trained checkpoints are not in this tree")


@pytest.fixture(scope="module")
def fixed_sample():
    return sample(shared_reviews("test"), 500, seed=0)


@pytest.fixture(scope="module")
def accuracies(fixed_sample):
    torch.set_num_threads(2)
    result = {}
    for checkpoint in (LARGE, SMALL):
        predictor = Predictor.from_pretrained(checkpoint)
        predicted = (predictor.p_positive(fixed_sample["review"].tolist(), batch_size=64) >= 0.5).astype(int)
        result[checkpoint.name] = classification_metrics(fixed_sample["label"], predicted)["accuracy"]
    torch.set_num_threads(1)
    return result


def test_large_checkpoint_beats_090_and_the_small_one(accuracies):
    assert accuracies[LARGE.name] > 0.90
    assert accuracies[LARGE.name] > accuracies[SMALL.name]


@pytest.mark.parametrize("checkpoint", [LARGE, SMALL, CAD], ids=lambda p: p.name)
def test_checkpoint_loads_with_plain_transformers_and_ships_its_study_files(checkpoint):
    model = AutoModelForSequenceClassification.from_pretrained(checkpoint, dtype=torch.float32)
    tokenizer = AutoTokenizer.from_pretrained(checkpoint)
    assert model.config.id2label == {0: "negative", 1: "positive"}
    with torch.no_grad():
        logits = model(**tokenizer(["An utterly wonderful, moving film."], return_tensors="pt")).logits
    assert model.config.id2label[int(logits.argmax())] == "positive"
    predictions = pd.read_csv(checkpoint / "predictions.csv.gz")
    assert list(predictions.columns) == ["id", "sentiment", "predicted", "p_positive"]
    assert len(predictions) == 25_000
    assert (checkpoint / "README.md").read_text().startswith("---\n")
    assert not list(checkpoint.glob("*.bin")) and not list(checkpoint.glob("*.pt"))  # safetensors only


@pytest.mark.parametrize("checkpoint", [LARGE, SMALL], ids=lambda p: p.name)
def test_card_snippet_runs_in_fp32_on_a_2000_word_review_and_card_has_eval_results(checkpoint):
    import re

    from huggingface_hub import ModelCard

    card = (checkpoint / "README.md").read_text()
    assert ModelCard.load(checkpoint / "README.md").data.eval_results
    snippet = re.search(r"```python\n(.*?)```", card, re.S).group(1)
    assert "truncation=True" in snippet and f'model="checkpoints/{checkpoint.name}"' in snippet
    namespace = {}
    exec(snippet.replace('"checkpoints/', f'"{CHECKPOINTS}/'), namespace)  # the card's own code, as written
    classify = namespace["classify"]
    assert classify.model.dtype == torch.float32  # config.json says float32 although weights are stored fp16
    long_review = " ".join(["A moving, wonderful film with a superb cast."] * 250)  # 2,000 words
    (result,) = classify(long_review, truncation=True)
    assert result["label"] == "positive"


def test_baseline_card_has_eval_results():
    from huggingface_hub import ModelCard

    data = ModelCard.load(CHECKPOINTS / "tfidf-baseline" / "README.md").data
    accuracy = next(r for r in data.eval_results if r.metric_type == "accuracy")
    assert accuracy.metric_value == round(json.loads((CHECKPOINTS / "tfidf-baseline" / "report.json")
                                                      .read_text())["metrics"]["accuracy"], 4)


def test_the_contrast_trained_checkpoint_meets_its_bars_and_its_card_says_the_trade_off():
    """Issue 25's bars, read from the shipped files the repository's commands wrote: CAD dev consistency at
    least 4 points above the large checkpoint's, IMDB test accuracy on all 25,000 at least 0.913."""
    report = json.loads((CAD / "report.json").read_text())
    cad, large = (json.loads((c / "robustness.json").read_text())["contrast_pairs"] for c in (CAD, LARGE))
    assert report["metrics"]["n"] == 25_000 and report["metrics"]["accuracy"] >= 0.913
    assert cad["consistency"] >= large["consistency"] + 0.04
    card = (CAD / "README.md").read_text()
    assert "## The trade-off" in card and f"| {large['consistency']:.1%} | {cad['consistency']:.1%} |" in card
    assert "Kaushik, Hovy & Lipton" in card and "Apache-2.0" in card
