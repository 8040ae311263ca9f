"""Forward passes over many variants of one review (words dropped or kept), padded per batch."""
from __future__ import annotations

import torch

from sentiment.tokenization import pad_batch


@torch.no_grad()
def batched_logits(model, tokenizer, sequences: list[list[int]], batch_size: int = 32) -> torch.Tensor:
    """Logits (fp32) for token id lists of any lengths, in input order."""
    model.eval()
    out = []
    for start in range(0, len(sequences), batch_size):
        batch = pad_batch(tokenizer, sequences[start:start + batch_size])
        out.append(model(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"]).logits.float())
    return torch.cat(out) if out else torch.empty(0, model.config.num_labels)


def without_positions(input_ids: list[int], positions) -> list[int]:
    drop = set(positions)
    return [t for i, t in enumerate(input_ids) if i not in drop]


def only_positions(input_ids: list[int], positions) -> list[int]:
    """[CLS], the tokens at ``positions`` in their order, [SEP]."""
    keep = set(positions) | {0, len(input_ids) - 1}
    return [t for i, t in enumerate(input_ids) if i in keep]


def margin(logits: torch.Tensor, target: int) -> torch.Tensor:
    return logits[..., target] - logits[..., 1 - target]
