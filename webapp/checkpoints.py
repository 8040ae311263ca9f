"""Which checkpoints the app offers, by name, and the models loaded once per process (the app's caches).

Clients only ever see and send a checkpoint's *name* (``minilm-imdb-25k``, or
the Hub id given in ``SENTIMENT_MODEL``); where it lives on the server stays
here, so no path reaches the page, the API description or an error message.
"""
from __future__ import annotations

import os
from pathlib import Path

from explain import Explainer
from sentiment.errors import CheckpointError
from sentiment.paths import CAD_CHECKPOINT, CHECKPOINTS_DIR, LARGE_CHECKPOINT, SMALL_CHECKPOINT
from sentiment.predictor import Predictor

from .shared_cache import computed_once

# The default is the checkpoint trained on the most reviews.
PREFERRED = (LARGE_CHECKPOINT, SMALL_CHECKPOINT, CAD_CHECKPOINT)


def available_checkpoints(directory: Path = CHECKPOINTS_DIR) -> dict[str, str]:
    """``{name: location}``: ``SENTIMENT_MODEL`` (a path or Hub id) first when set, then ``checkpoints/``."""
    rank = {name: i for i, name in enumerate(PREFERRED)}
    found = sorted((p for p in directory.glob("*") if (p / "config.json").is_file()),
                   key=lambda p: (rank.get(p.name, len(rank)), p.name))
    checkpoints = {p.name: str(p) for p in found}
    override = os.environ.get("SENTIMENT_MODEL")
    if not override:
        return checkpoints
    name = Path(override).name if Path(override).exists() else override
    return {name: override, **{n: loc for n, loc in checkpoints.items() if n != name}}


def checkpoint_names() -> list[str]:
    """What the checkpoint picker offers: the names of ``available_checkpoints()``, the default first."""
    return list(available_checkpoints())


def locate(name) -> str:
    """The server-side location of the checkpoint called ``name``; a CheckpointError for anything else."""
    checkpoints = available_checkpoints()
    if not checkpoints:
        raise CheckpointError("No checkpoint is available: train one or set SENTIMENT_MODEL.")
    if not isinstance(name, str) or not name.strip():
        raise CheckpointError(f"Choose a checkpoint: one of {', '.join(checkpoints)}.")
    if name not in checkpoints:
        shown = name if len(name) <= 60 and name.isprintable() else "that name"
        raise CheckpointError(f"No checkpoint called {shown!r}; choose one of {', '.join(checkpoints)}.")
    return checkpoints[name]


def predictor(name: str) -> Predictor:
    """The classifier of the checkpoint called ``name``, loaded once and shared by every session."""
    locate(name)  # anything but a known name (a list, a path) is refused before it reaches the cache
    return _loaded_predictor(name)


@computed_once  # the names are checked against the list first, so the cache holds at most one per checkpoint
def _loaded_predictor(name: str) -> Predictor:
    return Predictor.from_pretrained(locate(name), device="cpu")


def explainer(name: str) -> Explainer:
    """The explainer of the checkpoint called ``name``: one copy per checkpoint, shared by every session.

    Not the classifier's copy: Captum hooks the embedding layer while it explains,
    which would corrupt predictions running at the same time on the same model.
    """
    locate(name)  # anything but a known name is refused before it reaches the cache
    return _loaded_explainer(name)


@computed_once
def _loaded_explainer(name: str) -> Explainer:
    return Explainer.from_pretrained(locate(name))
