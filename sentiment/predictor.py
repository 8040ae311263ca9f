"""A loaded checkpoint that classifies text: what ``predict``, ``evaluate`` and the app use."""
from __future__ import annotations

from pathlib import Path

import numpy as np

from .errors import DataError
from .text import strip_line_breaks
from .devices import DEFAULT_PRECISION, resolve_device, resolve_precision
from .evaluate import predict_proba
from .labels import predicted_label
from .model import checkpoint_read_length, load_checkpoint
from .tokenization import DEFAULT_MAX_LENGTH


class Predictor:
    """A classifier ready to run: ``device`` and ``precision`` are requested once ("auto" allowed) and
    kept resolved in ``self.device`` and ``self.precision``."""

    def __init__(self, model, tokenizer, max_length: int, device: str = "cpu", precision: str = DEFAULT_PRECISION):
        """``max_length``: the tokens read per review (head + tail of a longer one)."""
        self.model, self.tokenizer, self.max_length = model, tokenizer, max_length
        self.device = resolve_device(device)
        self.precision = resolve_precision(self.device, precision)
        self.model.eval().to(self.device)

    @classmethod
    def from_pretrained(cls, checkpoint: str | Path, device: str = "cpu", precision: str = DEFAULT_PRECISION,
                        read_length: int | None = None):
        """``checkpoint``: a folder written by training or a Hub id; ``device`` and ``precision`` as requested
        ("auto" allowed), resolved here once; ``read_length``: tokens read per review, by default the
        checkpoint's own (``checkpoint_read_length``)."""
        model, tokenizer = load_checkpoint(checkpoint)
        return cls(model, tokenizer, read_length or checkpoint_read_length(model, DEFAULT_MAX_LENGTH), device,
                   precision)

    def p_positive(self, texts: list[str], batch_size: int = 32, progress: bool = False) -> np.ndarray:
        """P(positive) per text, in input order; ``batch_size`` reviews per forward pass, ``progress`` a bar
        on stderr. An empty text is a DataError naming its position."""
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
        return [{"label": predicted_label(p), "p_positive": float(p)}
                for p in self.p_positive(texts, batch_size, progress)]
