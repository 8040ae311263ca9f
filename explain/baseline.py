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

(large: minilm-imdb-25k, small: minilm-imdb-8k, both reading 256 tokens). A
blend of two tokens can only be neutral where one of them reads negative,
which none of these does on the small checkpoint at 64-256 tokens.

The rule ("neutral"): ``v = E[PAD] - t * d``, where ``d`` is the unit gradient
of the margin with respect to ``v`` at ``E[PAD]`` (computed once per model, at
its longest input): the direction in which the model's reading of an empty
review changes fastest, so the smallest move from [PAD] that the model reads
as neutral. ``t`` is solved for each sequence length by secant steps until
|margin| <= ``TOLERANCE`` (P(positive) within 0.5 +- 0.0125). Measured on both
checkpoints at 16-256 tokens: the margin falls steadily along ``-d``, the root
lies at |t| = 0.5-2% of |E[PAD]| (the baseline is still [PAD] to within 2%).
|t| is capped at the mean length of a word embedding. Per length, because
position embeddings are read too: a ``v`` neutral at 200 tokens reads -0.70 at
180 and +0.51 at 252 (large checkpoint).

State: :class:`BaselineVectors` keeps ``{length: v}`` for one model, filled on
first use: once, one forward and backward pass and 2-4 forward passes at the
longest length (0.4 s at 256 tokens on 2 cores); then, per new length, the
search starts from the roots of calibrated lengths within ``NEIGHBOUR_GAP``
tokens (interpolated), where one forward pass of one sequence usually confirms
it (0.04-0.05 s at 200-260 tokens); with no such neighbour, from [PAD] and the
root at the longest length, one pass of two sequences and 0-2 of one
(0.1-0.2 s). Guarded by a lock. It
is a property of the model, the same for every explanation, not a result of
any one of them. The fixed references (``"pad"``, ``"mask"``, ``"unk"``,
``"zero"``) stay available for comparison.
"""
from __future__ import annotations

import math
import threading

import torch

from sentiment.errors import ArgumentError
from sentiment.tokenization import LONGEST_LENGTH

from .margin import margin_forward

BASELINES = ("neutral", "pad", "mask", "unk", "zero")
# |logit[positive] - logit[negative]| the neutral baseline is solved to: P(positive) in 0.5 +- 0.0125.
TOLERANCE = 0.05
MAX_SECANT_STEPS = 8
# A length calibrated within this many tokens starts the search (see BaselineVectors._neighbours_root).
NEIGHBOUR_GAP = 16


def content_positions(input_ids: torch.Tensor, tokenizer) -> torch.Tensor:
    """True where ``input_ids`` holds a word piece, False at [CLS] and [SEP] (which the baseline keeps)."""
    special = torch.tensor([tokenizer.cls_token_id, tokenizer.sep_token_id], device=input_ids.device)
    return ~torch.isin(input_ids, special)


def pad_baseline(input_ids: torch.Tensor, tokenizer) -> torch.Tensor:
    """The fixed [PAD] reference as token ids: ``input_ids`` with every word piece replaced by [PAD], [CLS] and
    [SEP] kept (for Captum's ``LayerIntegratedGradients`` on token ids, as benchmarks/explain_speed.py runs it)."""
    pad = torch.full_like(input_ids, tokenizer.pad_token_id)
    return torch.where(content_positions(input_ids, tokenizer), pad, input_ids)


def fixed_vector(model, tokenizer, kind: str) -> torch.Tensor:
    """The word vector of a fixed reference, on the CPU in fp32: ``"zero"``, or ``model``'s embedding of
    ``"pad"``, ``"mask"`` or ``"unk"`` (its id from ``tokenizer``)."""
    weight = model.get_input_embeddings().weight
    if kind == "zero":
        return torch.zeros(weight.shape[1])
    token_id = getattr(tokenizer, f"{kind}_token_id")
    return weight[token_id].detach().float().cpu()


def baseline_embeddings(model, tokenizer, input_ids: torch.Tensor, vector: torch.Tensor) -> torch.Tensor:
    """Word embeddings of ``input_ids`` (1, seq_len) with every word piece replaced by ``vector`` (hidden,);
    ``model``'s embedding layer gives [CLS] and [SEP] their own vectors, ``tokenizer`` says which ids they are."""
    with torch.no_grad():
        embedded = model.get_input_embeddings()(input_ids).float()
    keep = ~content_positions(input_ids, tokenizer)
    return torch.where(keep[..., None], embedded, vector.to(embedded))


class BaselineVectors:
    """The baseline's word vector for each sequence length, for one model (see the module docstring).

    ``kind``: ``"neutral"`` (calibrated per length) or a fixed reference:
    ``"pad"``, ``"mask"``, ``"unk"`` (that token's embedding) or ``"zero"``.
    The choice enters here and is checked here only: any other is an ``ArgumentError``.
    ``precision``: the one the explanations' forward passes run in, so the
    margin solved for is the margin they see. ``max_length``: the longest
    sequence the model will be asked to explain, where ``d`` is computed;
    ``tolerance``: the |margin| the neutral vector is solved to.
    """

    def __init__(self, model, tokenizer, kind: str, precision: str, max_length: int = LONGEST_LENGTH,
                 tolerance: float = TOLERANCE):
        if kind not in BASELINES:
            raise ArgumentError(f"baseline {kind!r} is not one of {', '.join(BASELINES)}")
        self.model, self.tokenizer, self.kind = model, tokenizer, kind
        self.precision, self.max_length, self.tolerance = precision, max_length, tolerance
        self._vectors: dict[int, torch.Tensor] = {}
        self._roots: dict[int, float] = {}  # t per calibrated length
        self._root_margins: dict[int, float] = {}  # the margin measured at that t: f(baseline) at that length
        self._reference: tuple[torch.Tensor, float] | None = None  # d, and the root t at the longest length
        self._slope = 0.0  # how fast the margin falls along -d at [PAD], per unit of t
        self._lock = threading.Lock()

    def _token_vector(self, token: str) -> torch.Tensor:
        return fixed_vector(self.model, self.tokenizer, token)

    def embeddings(self, input_ids: torch.Tensor) -> torch.Tensor:
        """The baseline for ``input_ids`` (1, seq_len): its word embeddings, [CLS] and [SEP] kept."""
        return self.embeddings_and_margin(input_ids)[0]

    def embeddings_and_margin(self, input_ids: torch.Tensor) -> tuple[torch.Tensor, float | None]:
        """The baseline for ``input_ids`` (1, seq_len), and its logit[positive] - logit[negative] as the
        calibration measured it, so that an explanation need not run it again.

        The margin is None where no pass measured it (the fixed references) or where ``input_ids`` hold a
        [CLS] or [SEP] among the words (ids built by hand: ``sentiment.tokenization`` reads a pasted "[SEP]"
        as text), which the baseline keeps, so it is not the empty review of its length.
        """
        length = input_ids.shape[-1]
        if self.kind != "neutral":
            vector, measured = self._token_vector(self.kind), None
        else:
            with self._lock:  # the vector and the margin of one calibration, whatever clear() does meanwhile
                vector, measured = self._calibrated(length), self._root_margins.get(length)
            if int(content_positions(input_ids, self.tokenizer).sum()) != length - 2:
                measured = None
        return baseline_embeddings(self.model, self.tokenizer, input_ids, vector), measured

    def vector(self, length: int) -> torch.Tensor:
        """The word vector at the content positions of a ``length``-token sequence ([CLS] and [SEP] included)."""
        if self.kind != "neutral":
            return self._token_vector(self.kind)
        with self._lock:
            return self._calibrated(length)

    def _calibrated(self, length: int) -> torch.Tensor:
        """The neutral vector at ``length``, calibrated on first use; the caller holds the lock."""
        if length not in self._vectors:
            self._vectors[length] = self._calibrate(length)
        return self._vectors[length]

    def clear(self) -> None:
        """Drop the calibrations, so the next explanation of each length pays for its own (benchmarks time that)."""
        with self._lock:
            self._vectors.clear()
            self._roots.clear()
            self._root_margins.clear()

    def _sequence(self, length: int) -> torch.Tensor:
        ids = [self.tokenizer.cls_token_id, *[self.tokenizer.pad_token_id] * (length - 2), self.tokenizer.sep_token_id]
        return torch.tensor([ids], device=self.model.device)

    def _margins(self, length: int, vectors: list[torch.Tensor]) -> list[float]:
        """logit[positive] - logit[negative] of the empty ``length``-token review with each word vector, batched."""
        forward = margin_forward(self.model, 1, self.precision, embeddings=True)
        ids = self._sequence(length)
        with torch.no_grad():
            return forward(torch.cat([baseline_embeddings(self.model, self.tokenizer, ids, v) for v in vectors])
                           ).cpu().tolist()

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
        """``E[PAD] - t * d`` with the margin at ``length`` tokens solved to ~0 by secant steps on ``t``.

        The first use finds ``d`` and the root ``t_ref`` at the longest length
        (from [PAD] and Newton's step along ``d``). Every other length starts
        from the roots of calibrated lengths within ``NEIGHBOUR_GAP`` tokens
        (``_neighbours_root``, interpolated between one below and one above):
        one pass usually confirms it; where it misses the tolerance, a Newton
        step with the slope at [PAD] gives the secant its second point. With no
        such neighbour, it starts from [PAD] and ``t_ref``, both in one batch,
        and usually needs one more pass to check the secant's root.
        """
        pad = self._token_vector("pad")
        if self._reference is None:
            direction, self._slope = self._steepest_direction()
            if self._slope == 0.0:
                self._reference = (direction, 0.0)
                return pad
            (m0,) = self._margins(self.max_length, [pad])
            t1 = self._clamp(m0 / self._slope)  # Newton's step
            (m1,) = self._margins(self.max_length, [pad - t1 * direction])
            t_ref, m_ref = self._secant(self.max_length, direction, [(0.0, m0), (t1, m1)])
            self._reference = (direction, t_ref)
            self._roots[self.max_length], self._root_margins[self.max_length] = t_ref, m_ref
        direction, t_ref = self._reference
        if t_ref == 0.0:  # no direction to move in, or [PAD] already neutral at the longest length
            return pad
        guess = self._neighbours_root(length)
        if guess is None:
            m0, m1 = self._margins(length, [pad, pad - t_ref * direction])
            points = [(0.0, m0), (t_ref, m1)]
        else:
            # The root moves little between nearby lengths: one pass usually confirms it; otherwise a
            # Newton step with the slope at [PAD] gives the secant its second point.
            (m,) = self._margins(length, [pad - guess * direction])
            points = [(guess, m)]
            if abs(m) > self.tolerance:
                t = self._clamp(guess + m / self._slope)
                points.append((t, *self._margins(length, [pad - t * direction])))
        self._roots[length], self._root_margins[length] = self._secant(length, direction, points)
        return pad - self._roots[length] * direction

    def _neighbours_root(self, length: int) -> float | None:
        """The root interpolated from calibrated lengths within ``NEIGHBOUR_GAP`` tokens, or None."""
        below = [n for n in self._roots if length - NEIGHBOUR_GAP <= n < length]
        above = [n for n in self._roots if length < n <= length + NEIGHBOUR_GAP]
        if below and above:
            low, high = max(below), min(above)
            return self._roots[low] + (self._roots[high] - self._roots[low]) * (length - low) / (high - low)
        if below or above:
            return self._roots[max(below) if below else min(above)]
        return None

    def _clamp(self, t: float) -> float:
        # Never further from [PAD] than a typical word embedding is long: beyond that it is no longer
        # an empty review. (Not |E[PAD]|: models initialised by transformers start with E[PAD] = 0.)
        limit = float(self.model.get_input_embeddings().weight.detach().float().norm(dim=1).mean())
        return max(-limit, min(limit, t))

    def _secant(self, length: int, direction: torch.Tensor, points: list[tuple[float, float]]) -> tuple[float, float]:
        """(t, its margin): the ``t`` whose margin at ``length`` tokens is within the tolerance, by secant
        steps from ``points`` [(t, margin)]; the best one found if none gets there in ``MAX_SECANT_STEPS``."""
        pad = self._token_vector("pad")
        for _ in range(MAX_SECANT_STEPS):
            if min(abs(m) for _, m in points) <= self.tolerance or len(points) < 2:
                break
            (t0, m0), (t1, m1) = points[-2:]
            if m1 == m0 or not math.isfinite(m1):
                break
            t = self._clamp(t1 - m1 * (t1 - t0) / (m1 - m0))
            (m,) = self._margins(length, [pad - t * direction])
            points.append((t, m))
        return min(points, key=lambda p: abs(p[1]))
