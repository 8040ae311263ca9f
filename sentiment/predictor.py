"""A loaded checkpoint that classifies text: what ``predict``, ``evaluate`` and the app use."""
from __future__ import annotations

from pathlib import Path

import numpy as np

from .data import LABELS, DataError, strip_line_breaks
from .devices import resolve_device, resolve_precision
from .evaluate import predict_proba
from .model import checkpoint_max_length, load_classifier, load_tokenizer
from .tokenization import DEFAULT_MAX_LENGTH


def load_checkpoint(checkpoint: str | Path):
    """(model, tokenizer) from a local folder or a Hub id, with a clear error for neither."""
    path = Path(checkpoint)
    if path.exists() and not (path / "config.json").is_file():
        raise DataError(f"{path}: not a checkpoint (no config.json); expected a folder written by "
                        f"`python -m sentiment train` or `save_pretrained`")
    try:
        return load_classifier(str(checkpoint)), load_tokenizer(str(checkpoint))
    except OSError as error:
        reason = str(error).strip().splitlines()[0]
        raise DataError(f"{checkpoint}: no such checkpoint folder, and no model by that name could be "
                        f"loaded from the Hugging Face Hub ({reason})") from None


class Predictor:
    def __init__(self, model, tokenizer, max_length: int, device: str = "cpu", precision: str = "auto"):
        self.model, self.tokenizer, self.max_length = model, tokenizer, max_length
        self.device = resolve_device(device)
        self.precision = resolve_precision(self.device, precision)
        self.model.eval().to(self.device)

    @classmethod
    def from_pretrained(cls, checkpoint: str | Path, device: str = "cpu", precision: str = "auto"):
        model, tokenizer = load_checkpoint(checkpoint)
        return cls(model, tokenizer, checkpoint_max_length(model, DEFAULT_MAX_LENGTH), device, precision)

    def p_positive(self, texts: list[str], batch_size: int = 32, progress: bool = False) -> np.ndarray:
        texts = [strip_line_breaks(t) for t in texts]
        for i, text in enumerate(texts):
            if not text.strip():
                raise DataError(f"review {i + 1} is empty")
        return predict_proba(self.model, self.tokenizer, texts, self.max_length,
                             self.device, self.precision, batch_size, progress)

    def predict(self, texts: list[str], batch_size: int = 32, progress: bool = False) -> list[dict]:
        """``[{"label": "positive" | "negative", "p_positive": float}, ...]`` in input order.

        ``progress``: a progress bar on stderr (for CSVs of many reviews).
        """
        return [{"label": LABELS[int(p >= 0.5)], "p_positive": float(p)}
                for p in self.p_positive(texts, batch_size, progress)]
