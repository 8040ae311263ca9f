import os

# Before transformers is imported anywhere: never try the Hub, never phone home.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
# Tiny models run fastest on one thread, and extra threads fight over a 2-core machine.
os.environ.setdefault("OMP_NUM_THREADS", "1")

import pytest  # noqa: E402
import torch  # noqa: E402
from transformers import BertConfig, BertForSequenceClassification  # noqa: E402

from sentiment.data import LABELS, load_reviews  # noqa: E402
from sentiment.model import load_tokenizer, save_checkpoint  # noqa: E402


torch.set_num_threads(1)


def tiny_config(**overrides) -> BertConfig:
    """A random-weight BERT small enough to train in seconds, with the real uncased vocabulary."""
    settings = dict(vocab_size=30522, hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
                    intermediate_size=64, max_position_embeddings=512, num_labels=2,
                    id2label=dict(enumerate(LABELS)), label2id={n: i for i, n in enumerate(LABELS)})
    settings.update(overrides)
    return BertConfig(**settings)


@pytest.fixture(scope="session")
def tokenizer():
    return load_tokenizer("minilm")


@pytest.fixture(scope="session")
def tiny_model_dir(tmp_path_factory, tokenizer):
    """A saved tiny checkpoint: a stand-in base model for training and loading tests."""
    torch.manual_seed(0)
    directory = tmp_path_factory.mktemp("tiny-bert")
    save_checkpoint(BertForSequenceClassification(tiny_config()), tokenizer, directory, max_length=64)
    return directory


@pytest.fixture(scope="session")
def train_reviews():
    """A few hundred real reviews, balanced, from the official train split."""
    reviews = load_reviews("train")
    return reviews.groupby("label").sample(n=150, random_state=0).reset_index(drop=True)


@pytest.fixture(scope="session")
def test_reviews():
    reviews = load_reviews("test")
    return reviews.groupby("label").sample(n=50, random_state=0).reset_index(drop=True)
