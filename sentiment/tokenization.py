"""Turning review text into model inputs: head + tail truncation, no padding.

Padding happens per batch (``DataCollatorWithPadding`` or ``pad_batch``), so a
batch of short reviews costs what short reviews cost.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the annotations only: the command lines import this module's bounds without torch
    import torch

DEFAULT_MAX_LENGTH = 256
# The bounds of any length in tokens, training or reading: [CLS], [SEP] and at least one head and one tail
# token; BERT has 512 position embeddings.
SHORTEST_LENGTH, LONGEST_LENGTH = 4, 512
# Sun et al. (2019), "How to Fine-Tune BERT for Text Classification?": keeping
# the first 128 and last 382 of 510 tokens was best on IMDB, i.e. a quarter head.
HEAD_FRACTION = 0.25


@dataclass(frozen=True)
class Cut:
    """Which content tokens survive truncation: ``[0, head_end)`` and ``[tail_start, n)``."""

    n: int
    head_end: int
    tail_start: int

    @property
    def dropped(self) -> int:
        """How many content tokens the cut leaves unread, between head and tail."""
        return self.tail_start - self.head_end


def head_tail_cut(n_tokens: int, max_length: int) -> Cut:
    """Where to cut ``n_tokens`` content tokens to fit ``max_length`` with [CLS] and [SEP]."""
    budget = max_length - 2
    if max_length < SHORTEST_LENGTH:
        raise ValueError(f"max_length must be at least {SHORTEST_LENGTH}, got {max_length}")
    if n_tokens <= budget:
        return Cut(n_tokens, n_tokens, n_tokens)
    head = int(budget * HEAD_FRACTION)
    return Cut(n_tokens, head, n_tokens - (budget - head))


def content_tokens(tokenizer, texts: list[str], return_offsets: bool = False) -> dict:
    """``tokenizer``'s output for ``texts``, word pieces only: no [CLS]/[SEP] added, nothing truncated, and
    ``offset_mapping`` with ``return_offsets``.

    A review's text is text: one that says "[SEP]" or "[PAD]" means those characters, so they are split
    into word pieces like any others (``split_special_tokens``), never read as the model's own markers,
    which would change its verdict on a pasted "[PAD] [PAD]".
    """
    return tokenizer(list(texts), add_special_tokens=False, truncation=False, split_special_tokens=True,
                     return_offsets_mapping=return_offsets, verbose=False)


def encode(tokenizer, texts: list[str], max_length: int = DEFAULT_MAX_LENGTH,
           return_offsets: bool = False) -> list[dict]:
    """Tokenise ``texts`` with ``tokenizer`` and keep the head and tail of each, ``max_length`` tokens in
    all ([CLS] and [SEP] included).

    Returns one dict per text with ``input_ids`` (with [CLS]/[SEP]) and ``cut``;
    with ``return_offsets`` also ``offsets``: the character span of every kept
    content token (special tokens excluded).
    """
    content = content_tokens(tokenizer, texts, return_offsets)
    cls, sep = tokenizer.cls_token_id, tokenizer.sep_token_id
    encoded = []
    for i, ids in enumerate(content["input_ids"]):
        cut = head_tail_cut(len(ids), max_length)
        item = {"input_ids": [cls, *ids[:cut.head_end], *ids[cut.tail_start:], sep], "cut": cut}
        if return_offsets:
            spans = content["offset_mapping"][i]
            item["offsets"] = [*spans[:cut.head_end], *spans[cut.tail_start:]]
        encoded.append(item)
    return encoded


def pad_batch(tokenizer, input_ids: list[list[int]]) -> dict[str, torch.Tensor]:
    """Pad one batch to its longest member."""
    return tokenizer.pad({"input_ids": input_ids}, padding="longest", return_tensors="pt")
