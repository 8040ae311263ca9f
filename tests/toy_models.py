"""A model small enough to compute by hand, for tests that pin exact values (``from toy_models import ...``)."""
from types import SimpleNamespace

import torch

CLS, SEP, PAD = 101, 102, 0  # bert-base-uncased's ids


class BagOfWords(torch.nn.Module):
    """A linear two-class model: logit[negative] = 0, logit[positive] = the sum of the weights of the tokens
    it attends to (``weights``: token id -> weight, 0 for the rest).

    A token's 2-d embedding is (weight / 2 + 0.5, weight / 2 - 0.5): the two components add up to its
    weight, so the margin is the sum of all embedding components. Hence integrated gradients are exact (a
    position's attribution is its token's weight minus the baseline's there), deleting a word lowers the
    margin by exactly its weight, and padding given a large weight counts only if the attention mask is
    ignored.
    """

    device = torch.device("cpu")

    def __init__(self, weights: dict[int, float], vocab_size: int = 30522, num_labels: int = 2):
        super().__init__()
        self.config = SimpleNamespace(num_labels=num_labels)
        w = torch.zeros(vocab_size)
        for token_id, weight in weights.items():
            w[token_id] = weight
        self.embeddings = torch.nn.Embedding.from_pretrained(torch.stack([w / 2 + 0.5, w / 2 - 0.5], 1))

    def get_input_embeddings(self):
        return self.embeddings

    def forward(self, input_ids=None, attention_mask=None, inputs_embeds=None):
        x = self.embeddings(input_ids) if inputs_embeds is None else inputs_embeds
        if attention_mask is not None:
            x = x * attention_mask[..., None]
        positive = x.sum((1, 2))
        return SimpleNamespace(logits=torch.stack([torch.zeros_like(positive), positive], -1))


class CountingModel(torch.nn.Module):
    """P(positive) = sigmoid(#"good" - #"bad") over the tokens it reads (``tokenizer``'s ids): known by hand."""

    def __init__(self, tokenizer):
        super().__init__()
        self.good, self.bad = tokenizer.convert_tokens_to_ids(["good", "bad"])
        self.config = SimpleNamespace(num_labels=2)
        self.offset = torch.nn.Parameter(torch.zeros(()))

    def forward(self, input_ids, attention_mask, **_):
        ids = input_ids * attention_mask
        margin = ((ids == self.good).sum(-1) - (ids == self.bad).sum(-1)).float() + self.offset
        return SimpleNamespace(logits=torch.stack([torch.zeros_like(margin), margin], dim=-1))


def hand_made_explanation(text, words, p_positive, target):
    """An ``explain.Explanation`` of ``words`` (``explain.Word``) with round trust figures, for tests of
    what is shown from one."""
    from explain import Explanation

    return Explanation(text=text, label="positive" if p_positive >= 0.5 else "negative", p_positive=p_positive,
                       target=target, method="ig", words=words, margin_input=1.0, margin_baseline=0.0,
                       baseline="neutral", baseline_p_positive=0.5, attribution_sum=1.0, convergence_delta=0.0,
                       completeness_error=0.0, relative_delta=0.0, n_steps=8, steps_note=None, dropped=None,
                       seconds=0.1, precision="fp32")
