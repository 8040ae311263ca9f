"""The shipped checkpoints: they load offline and the large one earns its place."""
from pathlib import Path

import pandas as pd
import pytest
import torch
from transformers import AutoModelForSequenceClassification, AutoTokenizer

from sentiment.data import load_reviews, sample
from sentiment.evaluate import classification_metrics
from sentiment.predictor import Predictor

CHECKPOINTS = Path(__file__).resolve().parent.parent / "checkpoints"
LARGE, SMALL = CHECKPOINTS / "minilm-imdb-25k", CHECKPOINTS / "minilm-imdb-8k"

pytestmark = pytest.mark.skipif(not (LARGE / "config.json").exists() or not (SMALL / "config.json").exists(),
                                reason="the trained checkpoints are not in this tree")


@pytest.fixture(scope="module")
def fixed_sample():
    return sample(load_reviews("test"), 500, seed=0)


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


@pytest.mark.parametrize("checkpoint", [LARGE, SMALL], ids=lambda p: p.name)
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
