"""The quantity every explanation explains: the logit margin ``logit[target] - logit[other]`` of a
two-class classifier.

Unlike a softmax probability it does not saturate on confident reviews, so integrated gradients stay
informative all along the path, and the margin of one class is minus the other's.
"""
from __future__ import annotations

import torch

from sentiment.devices import autocast


def margin(logits: torch.Tensor, target: int) -> torch.Tensor:
    """``logit[target] - logit[other]`` of two-class logits, per row: the quantity every explanation explains."""
    return logits[..., target] - logits[..., 1 - target]


def margin_forward(model, target: int, precision: str, embeddings: bool = False):
    """``input_ids`` (or word embeddings) ``-> logit[target] - logit[other]`` per row: what Captum differentiates.

    ``target``: the class id whose margin is returned; ``precision``: the resolved
    precision the passes run in ("bf16" under autocast, "fp32" plainly);
    ``embeddings``: the returned function takes word embeddings (batch, seq_len,
    hidden) instead of token ids.
    """
    if model.config.num_labels != 2:
        raise ValueError(f"expected a two-class classifier, got {model.config.num_labels} labels")
    device = model.device.type

    def forward(inputs: torch.Tensor) -> torch.Tensor:
        with autocast(device, precision):
            logits = model(**{"inputs_embeds" if embeddings else "input_ids": inputs}).logits.float()
        return margin(logits, target)

    return forward
