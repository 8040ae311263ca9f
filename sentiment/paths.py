"""Where the repository keeps what it ships: the checkpoints and the error study's files."""
from __future__ import annotations

from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
CHECKPOINTS_DIR = REPO_ROOT / "checkpoints"
STUDY_DIR = REPO_ROOT / "study"

# The shipped checkpoints by role: the error study compares SMALL with LARGE (they differ only in
# training data), CAD continues LARGE on contrast pairs (absent until one earns its place).
SMALL_CHECKPOINT = "minilm-imdb-8k"
LARGE_CHECKPOINT = "minilm-imdb-25k"
CAD_CHECKPOINT = "minilm-imdb-cad"
BASELINE_CHECKPOINT = "tfidf-baseline"
# What the command lines explain and the app offers first: the one trained on the most reviews.
DEFAULT_CHECKPOINT = CHECKPOINTS_DIR / LARGE_CHECKPOINT


def shipped_checkpoint(name: str) -> Path:
    """The folder of the shipped checkpoint called ``name`` (it may not exist)."""
    return CHECKPOINTS_DIR / name
