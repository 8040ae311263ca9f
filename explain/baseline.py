"""The reference integrated gradients start from: the review with its words taken out.

Integrated gradients split ``f(review) - f(baseline)`` among the words, so the
scores say "pushed toward positive" *relative to the baseline*. The baseline
keeps [CLS], [SEP], positions and token types and puts one word vector at every
other position. Which vector matters: with [PAD] the large checkpoint already
reads the empty review as positive (P(positive) ~0.9 at 256 tokens), so a
review it reads positive at about that margin got large word scores that
cancel, and "toward positive" meant "toward more positive than an empty review".

No fixed token is neutral for every checkpoint and length. Margins
logit[positive] - logit[negative] of the empty review, measured::

    tokens                16      64     128     200     256
    large  [PAD]        +0.17   +0.95   +0.79   +1.62   +2.32
    large  [MASK]       +0.08   -0.13   -0.06   -0.39   -0.34
    large  [UNK]        -0.48   +0.55   +0.25   +0.39   +0.40
    large  zero vector  +0.85   +0.89   +0.77   +0.85   +1.06
    small  [PAD]        -0.04   +0.55   +0.02   +0.64   +1.13
    small  [MASK]       +1.23   +1.23   +0.71   +1.21   +1.27
    small  [UNK]        +0.36   +1.09   +1.48   +2.10   +2.45
    small  zero vector  +1.79   +1.87   +1.54   +2.66   +3.03

(large: minilm-imdb-25k, small: minilm-imdb-8k). A blend of two tokens can
only be neutral where one of them reads negative, which none of these does on
the small checkpoint at 64-256 tokens.

The rule ("neutral"): ``v = E[PAD] - t * d``, where ``d`` is the unit gradient
of the margin with respect to ``v`` at ``E[PAD]`` (computed once per model, at
its longest input): the direction in which the model's reading of an empty
review changes fastest, so the smallest move from [PAD] that the model reads
as neutral. ``t`` is solved for each sequence length by secant steps until
|margin| <= ``TOLERANCE`` (P(positive) within 0.5 +- 0.0125). Measured on both
checkpoints at 16-256 tokens: the margin falls steadily along ``-d``, the root
lies at |t| = 0.5-2% of |E[PAD]| (the baseline is still [PAD] to within 2%),
and 1-3 secant steps reach it. |t| is capped at the mean length of a word
embedding. Per length, because position embeddings are
read too: a ``v`` neutral at 200 tokens reads -0.70 at 180 and +0.51 at 252
(large checkpoint).

State: :class:`BaselineVectors` keeps ``{length: v}`` for one model, filled on
first use (one forward and backward pass at the longest length, once; then a
few forward passes of one sequence per new length) and guarded by a lock. It
is a property of the model, the same for every explanation, not a result of
any one of them. The fixed references (``"pad"``, ``"mask"``, ``"unk"``,
``"zero"``) stay available for comparison.
"""
from __future__ import annotations

import math
import threading

import torch

from .attribution import margin_forward

BASELINES = ("neutral", "pad", "mask", "unk", "zero")
# |logit[positive] - logit[negative]| the neutral baseline is solved to: P(positive) in 0.5 +- 0.0125.
TOLERANCE = 0.05
MAX_SECANT_STEPS = 8


def content_positions(input_ids: torch.Tensor, tokenizer) -> torch.Tensor:
    """True where ``input_ids`` holds a word piece, False at [CLS] and [SEP] (which the baseline keeps)."""
    special = torch.tensor([tokenizer.cls_token_id, tokenizer.sep_token_id], device=input_ids.device)
    return ~torch.isin(input_ids, special)


def baseline_embeddings(model, tokenizer, input_ids: torch.Tensor, vector: torch.Tensor) -> torch.Tensor:
    """Word embeddings of ``input_ids`` (1, seq_len) with every word piece replaced by ``vector``."""
    with torch.no_grad():
        embedded = model.get_input_embeddings()(input_ids).float()
    keep = ~content_positions(input_ids, tokenizer)
    return torch.where(keep[..., None], embedded, vector.to(embedded))


class BaselineVectors:
    """The baseline's word vector for each sequence length, for one model (see the module docstring).

    ``kind``: ``"neutral"`` (calibrated per length) or a fixed reference:
    ``"pad"``, ``"mask"``, ``"unk"`` (that token's embedding) or ``"zero"``.
    ``precision``: the one the explanations' forward passes run in, so the
    margin solved for is the margin they see.
    """

    def __init__(self, model, tokenizer, kind: str = "neutral", precision: str = "fp32",
                 max_length: int = 512, tolerance: float = TOLERANCE):
        if kind not in BASELINES:
            raise ValueError(f"baseline {kind!r} is not one of {', '.join(BASELINES)}")
        self.model, self.tokenizer, self.kind = model, tokenizer, kind
        self.precision, self.max_length, self.tolerance = precision, max_length, tolerance
        self._vectors: dict[int, torch.Tensor] = {}
        self._direction: tuple[torch.Tensor, float] | None = None  # unit vector d, and the slope along it
        self._lock = threading.Lock()

    def _token_vector(self, token: str) -> torch.Tensor:
        weight = self.model.get_input_embeddings().weight
        if token == "zero":
            return torch.zeros(weight.shape[1])
        token_id = getattr(self.tokenizer, f"{token}_token_id")
        return weight[token_id].detach().float().cpu()

    def embeddings(self, input_ids: torch.Tensor) -> torch.Tensor:
        """The baseline for ``input_ids`` (1, seq_len): its word embeddings, [CLS] and [SEP] kept."""
        return baseline_embeddings(self.model, self.tokenizer, input_ids, self.vector(input_ids.shape[-1]))

    def vector(self, length: int) -> torch.Tensor:
        """The word vector at the content positions of a ``length``-token sequence ([CLS] and [SEP] included)."""
        if self.kind != "neutral":
            return self._token_vector(self.kind)
        with self._lock:
            if length not in self._vectors:
                self._vectors[length] = self._calibrate(length)
            return self._vectors[length]

    def clear(self) -> None:
        """Drop the calibrations, so the next explanation of each length pays for its own (benchmarks time that)."""
        with self._lock:
            self._vectors.clear()

    def _sequence(self, length: int) -> torch.Tensor:
        ids = [self.tokenizer.cls_token_id, *[self.tokenizer.pad_token_id] * (length - 2), self.tokenizer.sep_token_id]
        return torch.tensor([ids], device=self.model.device)

    def _margin(self, length: int, vector: torch.Tensor) -> float:
        """logit[positive] - logit[negative] of the empty ``length``-token review with ``vector`` at every word."""
        forward = margin_forward(self.model, 1, self.precision, embeddings=True)
        with torch.no_grad():
            return float(forward(baseline_embeddings(self.model, self.tokenizer, self._sequence(length), vector)))

    def _steepest_direction(self) -> tuple[torch.Tensor, float]:
        """Unit gradient of the margin with respect to the shared word vector at [PAD], and its size."""
        pad = self._token_vector("pad").clone().requires_grad_(True)
        ids = self._sequence(self.max_length)
        forward = margin_forward(self.model, 1, self.precision, embeddings=True)
        with torch.enable_grad():
            (gradient,) = torch.autograd.grad(forward(baseline_embeddings(self.model, self.tokenizer, ids, pad)), pad)
        gradient = gradient.float()
        return gradient / gradient.norm().clamp_min(1e-12), float(gradient.norm())

    def _calibrate(self, length: int) -> torch.Tensor:
        """``E[PAD] - t * d`` with the margin at ``length`` tokens solved to ~0 by secant steps on ``t``."""
        pad = self._token_vector("pad")
        if self._direction is None:
            self._direction = self._steepest_direction()
        direction, slope = self._direction
        at = lambda t: pad - t * direction  # noqa: E731
        m0 = self._margin(length, pad)
        if abs(m0) <= self.tolerance or slope == 0.0:
            return pad
        # Never further from [PAD] than a typical word embedding is long: beyond that it is no longer
        # an empty review. (Not |E[PAD]|: models initialised by transformers start with E[PAD] = 0.)
        limit = float(self.model.get_input_embeddings().weight.detach().float().norm(dim=1).mean())
        points = [(0.0, m0)]
        t = max(-limit, min(limit, m0 / slope))  # Newton's step with the slope at the longest length
        for _ in range(MAX_SECANT_STEPS):
            m = self._margin(length, at(t))
            points.append((t, m))
            if abs(m) <= self.tolerance:
                break
            (t0, m0), (t1, m1) = points[-2], points[-1]
            if m1 == m0 or not math.isfinite(m1):
                break
            t = max(-limit, min(limit, t1 - m1 * (t1 - t0) / (m1 - m0)))
        best_t, _ = min(points, key=lambda p: abs(p[1]))
        return at(best_t)
