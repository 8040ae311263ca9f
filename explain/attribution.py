"""Integrated gradients on the word embeddings, with Captum, explaining a logit margin.

The quantity explained is ``logit[target] - logit[other]``: unlike a softmax
probability it does not saturate on confident reviews, and integrated gradients
stay informative all along the path.
"""
from __future__ import annotations

from dataclasses import dataclass

import torch
from captum.attr import LayerIntegratedGradients

# Gauss-Legendre nodes (Captum's default). The margin along the path from the
# [PAD] baseline is flat, then flips sharply where the class changes (around
# alpha = 0.4-0.6 on the fine-tuned MiniLM); measured on 10 median-length test
# reviews, the relative completeness error was at most 26% with 12 nodes,
# 10% with 16 and 3.2% with 24 (median 0.55%).
DEFAULT_STEPS = 24
MAX_STEPS = 96
# Completeness error, relative to |f(input) - f(baseline)|, above which the
# number of steps is raised.
MAX_RELATIVE_DELTA = 0.05


@dataclass(frozen=True)
class IGResult:
    """Attributions of one sequence, and the completeness check that says how far to trust them."""

    token_attributions: torch.Tensor  # (seq_len,), special tokens included (always 0)
    margin_input: float                 # f(input)
    margin_baseline: float              # f(baseline)
    n_steps: int
    steps_note: str | None = None       # set when the steps were raised, or when that did not help

    @property
    def attribution_sum(self) -> float:
        return float(self.token_attributions.sum())

    @property
    def convergence_delta(self) -> float:
        """Sum of attributions minus f(input) - f(baseline) (Captum's sign convention)."""
        return self.attribution_sum - (self.margin_input - self.margin_baseline)

    @property
    def relative_delta(self) -> float:
        return relative_delta(self.convergence_delta, self.margin_input - self.margin_baseline)


def relative_delta(delta: float, difference: float) -> float:
    return abs(delta) / max(abs(difference), 1e-12)


def pad_baseline(input_ids: torch.Tensor, tokenizer) -> torch.Tensor:
    """The same sequence with every content token replaced by [PAD]; [CLS] and [SEP] stay."""
    special = torch.tensor([tokenizer.cls_token_id, tokenizer.sep_token_id])
    keep = torch.isin(input_ids, special)
    return torch.where(keep, input_ids, torch.full_like(input_ids, tokenizer.pad_token_id))


def margin_forward(model, target: int):
    """``input_ids -> logit[target] - logit[other]`` per row: the function Captum differentiates."""
    if model.config.num_labels != 2:
        raise ValueError(f"expected a two-class classifier, got {model.config.num_labels} labels")

    def forward(input_ids: torch.Tensor) -> torch.Tensor:
        logits = model(input_ids=input_ids).logits.float()
        return logits[:, target] - logits[:, 1 - target]

    return forward


def integrated_gradients(model, tokenizer, input_ids: list[int] | torch.Tensor, target: int,
                         n_steps: int | None = None, margins: tuple[float, float] | None = None,
                         max_steps: int = MAX_STEPS,
                         max_relative_delta: float = MAX_RELATIVE_DELTA) -> IGResult:
    """Layer integrated gradients of the ``target`` margin for one tokenised sequence.

    ``n_steps`` given: exactly that many steps. Otherwise start at
    ``DEFAULT_STEPS`` and double while the relative completeness error exceeds
    ``max_relative_delta``, up to ``max_steps``. ``margins`` = (f(input),
    f(baseline)) when the caller already has them from a batched forward.
    """
    ids = torch.as_tensor(input_ids, dtype=torch.long).reshape(1, -1)
    baseline = pad_baseline(ids, tokenizer)
    model.eval()
    forward = margin_forward(model, target)
    if margins is None:
        with torch.no_grad():
            m = forward(torch.cat([ids, baseline]))
        margins = (float(m[0]), float(m[1]))
    lig = LayerIntegratedGradients(forward, model.get_input_embeddings())

    def run(steps: int) -> IGResult:
        # Captum fails under torch.inference_mode; it enables gradients itself, and
        # autograd computes only the gradients asked for, not the weights'.
        attributions = lig.attribute(ids, baselines=baseline, n_steps=steps, method="gausslegendre",
                                     internal_batch_size=steps)
        return IGResult(attributions.sum(-1)[0].detach(), margins[0], margins[1], steps)

    if n_steps is not None:
        return run(n_steps)
    steps = DEFAULT_STEPS
    result = run(steps)
    first = result.relative_delta
    while result.relative_delta > max_relative_delta and steps < max_steps:
        steps = min(2 * steps, max_steps)
        result = run(steps)
    if steps != DEFAULT_STEPS:
        note = (f"steps raised from {DEFAULT_STEPS} to {steps}: relative delta was {first:.1%} "
                f"(> {max_relative_delta:.0%}), now {result.relative_delta:.1%}")
        if result.relative_delta > max_relative_delta:
            note += "; still above the limit, read these scores with care"
        result = IGResult(result.token_attributions, result.margin_input, result.margin_baseline,
                          steps, note)
    return result
