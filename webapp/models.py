"""Which checkpoints the app offers, loaded once per process and shared by every session."""
from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

from sentiment.predictor import Predictor

CHECKPOINTS_DIR = Path(__file__).resolve().parent.parent / "checkpoints"
# The default is the checkpoint trained on the most reviews.
PREFERRED = ("minilm-imdb-25k", "minilm-imdb-8k")


def available_checkpoints(directory: Path = CHECKPOINTS_DIR) -> list[str]:
    """``SENTIMENT_MODEL`` (a path or Hub id) first when set, then the folders of ``checkpoints/``."""
    rank = {name: i for i, name in enumerate(PREFERRED)}
    found = sorted((p for p in directory.glob("*") if (p / "config.json").is_file()),
                   key=lambda p: (rank.get(p.name, len(rank)), p.name))
    found = [str(p) for p in found]
    override = os.environ.get("SENTIMENT_MODEL")
    if not override:
        return found
    same = Path(override).resolve() if Path(override).exists() else None
    return [override] + [p for p in found if Path(p) != same]


def display_name(checkpoint: str) -> str:
    return Path(checkpoint).name if Path(checkpoint).exists() else checkpoint


@lru_cache(maxsize=4)
def predictor(checkpoint: str) -> Predictor:
    return Predictor.from_pretrained(checkpoint, device="cpu")
