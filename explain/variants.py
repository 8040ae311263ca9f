"""Variants of one review (words dropped or kept) and the forward passes over them, padded per batch:
what occlusion and the faithfulness figures perturb."""
from __future__ import annotations

import torch

from sentiment.devices import autocast
from sentiment.tokenization import pad_batch


@torch.no_grad()
def batched_logits(model, tokenizer, sequences: list[list[int]], precision: str, batch_size: int = 32) -> torch.Tensor:
    """Logits (as fp32) for token id lists of any lengths, in input order.

    ``precision``: the resolved precision the passes run in (``sentiment.devices``): the
    explanation's own, so that margins compared with its other margins come from the same arithmetic.
    """
    model.eval()
    out = []
    for start in range(0, len(sequences), batch_size):
        batch = pad_batch(tokenizer, sequences[start:start + batch_size])
        with autocast(model.device.type, precision):
            logits = model(input_ids=batch["input_ids"].to(model.device),
                           attention_mask=batch["attention_mask"].to(model.device)).logits
        out.append(logits.float())
    return torch.cat(out) if out else torch.empty(0, model.config.num_labels)


def without_positions(input_ids: list[int], positions) -> list[int]:
    """``input_ids`` with the tokens at ``positions`` removed (occlusion: the review without those words)."""
    drop = set(positions)
    return [t for i, t in enumerate(input_ids) if i not in drop]


def only_positions(input_ids: list[int], positions) -> list[int]:
    """[CLS], the tokens at ``positions`` in their order, [SEP]."""
    keep = set(positions) | {0, len(input_ids) - 1}
    return [t for i, t in enumerate(input_ids) if i in keep]

