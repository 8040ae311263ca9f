"""``Explainer``: a checkpoint that explains reviews, and the ``Explanation`` it returns."""
from __future__ import annotations

import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import torch

from sentiment.errors import ArgumentError, DataError
from sentiment.labels import LABELS, predicted_class
from sentiment.text import strip_line_breaks
from sentiment.devices import (DEFAULT_PRECISION, autocast, resolve_precision,
                               store_linear_weights_as_autocast_computes)
from sentiment.model import checkpoint_read_length, load_checkpoint
from sentiment.text import check_text
from sentiment.tokenization import DEFAULT_MAX_LENGTH, encode

from .attribution import MAX_COMPLETENESS_ERROR, integrated_gradients
from .baseline import BaselineVectors
from .margin import margin
from .occlusion import occlusion_scores
from .words import DroppedSpan, Word, dropped_span, merge_word_pieces, word_groups

METHODS = ("ig", "occlusion")
# A fixed step count's cost grows with it (a forward and backward pass over the review per step:
# 64 steps take about 5 s at 256 tokens on 2 cores); the adaptive default uses at most 96.
MAX_STEPS = 128


@dataclass
class Explanation:
    """Which words pushed the prediction toward ``target``, and how far to trust that.

    ``words[i].score`` > 0 pushed toward ``target``, relative to the baseline:
    the review with its words taken out (``explain.baseline``), which the model
    reads with ``baseline_p_positive`` (about 0.5 for the default, neutral one).
    For integrated gradients the scores add up to ``margin_input -
    margin_baseline`` up to ``convergence_delta`` (the completeness check);
    ``completeness_error`` is |delta| as a share of the scores' total size (see
    ``explain.attribution.completeness_error``), what ``trustworthy`` reads;
    ``relative_delta`` is |delta| / |margin_input - margin_baseline|, the
    customary figure, which explodes when the two margins are close. Occlusion
    has no such check (all three are None).
    """

    text: str
    label: str                 # predicted class
    p_positive: float
    target: str                # class whose logit margin is explained
    method: str
    words: list[Word]
    margin_input: float        # logit[target] - logit[other] on the review
    margin_baseline: float     # the same on the baseline (the review with its words taken out)
    baseline: str              # which baseline: "neutral" (calibrated) or a fixed token, explain.baseline
    baseline_p_positive: float  # what the model says about the review with its words taken out
    attribution_sum: float
    convergence_delta: float | None
    completeness_error: float | None
    relative_delta: float | None
    n_steps: int | None
    steps_note: str | None
    dropped: DroppedSpan | None
    seconds: float
    precision: str             # what every margin and score was computed in: "bf16" or "fp32"
    # sum of |score| over the word pieces (integrated gradients; None for occlusion): what
    # ``completeness_error`` divides by. The words' own |score| can sum to less, where the pieces
    # of one word ("isn", "'", "t") pull opposite ways.
    attribution_mass: float | None = None
    # gradient steps computed in all (integrated gradients): more than ``n_steps`` where the refinement
    # computed a part of the path again with more steps; what the explanation's time grows with.
    steps_computed: int | None = None
    # What the model read and which of its positions make up each word: for
    # occlusion and faithfulness, which perturb the same input.
    input_ids: list[int] = field(repr=False, default_factory=list)
    token_groups: list[list[int]] = field(repr=False, default_factory=list)

    @property
    def trustworthy(self) -> bool:
        """Whether the completeness error is at most ``MAX_COMPLETENESS_ERROR`` (never, for occlusion)."""
        return self.completeness_error is not None and self.completeness_error <= MAX_COMPLETENESS_ERROR

    def top_words(self, k: int = 10, toward: str = "both") -> list[Word]:
        """The ``k`` words with the largest |score|, or the largest toward ``"target"`` / ``"other"``."""
        keys = {"both": lambda w: -abs(w.score), "target": lambda w: -w.score, "other": lambda w: w.score}
        if toward not in keys:
            raise ArgumentError(f"toward {toward!r} is not one of {', '.join(keys)}")
        key = keys[toward]
        return sorted(self.words, key=key)[:k]

    def scores_toward(self, label: str) -> list[float]:
        """Word scores as pushes toward ``label``: the margin of one class is minus the other's."""
        sign = 1.0 if label == self.target else -1.0
        return [sign * w.score for w in self.words]

    def to_dict(self) -> dict:
        """The explanation as JSON holds it: the model's input ids and word groups left out, the dropped span
        with its message."""
        out = asdict(self)
        del out["input_ids"], out["token_groups"]
        out["dropped"] = None if self.dropped is None else {**asdict(self.dropped), "message": self.dropped.message}
        return out


class Explainer:
    """Word attributions for a two-class BERT-family classifier (MiniLM, bert-base, ...).

    ``baseline``: ``"neutral"`` (default: calibrated per sequence length so the
    model reads it as P(positive) ~0.5) or a fixed reference, ``"pad"``,
    ``"mask"``, ``"unk"``, ``"zero"`` (``explain.baseline``). Nothing carries
    over from one explanation to the next except that per-length calibration,
    which belongs to the model, not to any review.

    >>> explainer = Explainer.from_pretrained("checkpoints/minilm-imdb-25k")
    >>> explanation = explainer.explain("This is the worst movie I have ever seen")
    >>> min(explanation.words, key=lambda w: w.score).word
    'worst'
    """

    def __init__(self, model, tokenizer, max_length: int = DEFAULT_MAX_LENGTH, precision: str = DEFAULT_PRECISION,
                 baseline: str = "neutral"):
        self.model, self.tokenizer, self.max_length = model.eval(), tokenizer, max_length
        self.precision = resolve_precision(model.device.type, precision)
        self.baselines = BaselineVectors(model, tokenizer, baseline, self.precision, max_length)  # checks ``baseline``
        # Captum attributes through hooks on the model's embedding layer, so two
        # explanations running at once on one model corrupt each other.
        self._lock = threading.Lock()

    @classmethod
    def from_pretrained(cls, checkpoint: str | Path, precision: str = DEFAULT_PRECISION,
                        baseline: str = "neutral", read_length: int | None = None) -> "Explainer":
        """``precision``: "auto" (bf16 where the device computes it natively), "bf16" or "fp32";
        ``baseline``: as for ``Explainer``; ``read_length``: tokens read per review (head + tail), by
        default the checkpoint's own (``sentiment.model.checkpoint_read_length``)."""
        model, tokenizer = load_checkpoint(checkpoint)
        # This copy is the explainer's own, so it may store its linear layers as autocast computes
        # them (sentiment.devices) and switch attention: on CPU in bf16,
        # eager attention's backward is ~15% faster than SDPA's on one review and its
        # steps; in fp32 (CPUs without bf16) SDPA is faster: a gradient step took
        # 0.075 s against 0.09 s at 230 tokens, 0.20 s against 0.34 s at 512 (2 cores).
        # A model passed to ``Explainer(...)`` is left as the caller set it.
        resolved = resolve_precision(model.device.type, precision)
        model.set_attn_implementation("eager" if resolved == "bf16" else "sdpa")
        store_linear_weights_as_autocast_computes(model, resolved)
        return cls(model, tokenizer, read_length or checkpoint_read_length(model, DEFAULT_MAX_LENGTH), resolved,
                   baseline)

    def _target_id(self, target: int | str | None, predicted: int) -> int:
        if target is None:
            return predicted
        if isinstance(target, str):
            if target.lower() not in LABELS:
                raise ArgumentError(f"target {target!r} is not one of {', '.join(LABELS)}")
            return LABELS.index(target.lower())
        if target not in range(len(LABELS)):
            raise ArgumentError(f"target {target!r} is not a class id (0 or 1)")
        return int(target)

    def explain(self, text: str, target: int | str | None = None, method: str = "ig",
                n_steps: int | None = None) -> Explanation:
        """Explain ``text`` (as pasted, ``<br />`` and all) for ``target`` (default: the predicted class).

        ``method``: ``"ig"`` (integrated gradients; ``n_steps`` None = adaptive) or ``"occlusion"``.
        """
        with self._lock:
            return self._explain(text, target, method, n_steps)

    def _explain(self, text, target, method, n_steps) -> Explanation:
        started = time.perf_counter()
        _check_request(text, method, n_steps)
        # Same-length replacement: offsets found on it are offsets into ``text``.
        encoded = encode(self.tokenizer, [strip_line_breaks(text)], self.max_length, return_offsets=True)[0]
        input_ids, offsets = encoded["input_ids"], [tuple(o) for o in encoded["offsets"]]
        if not offsets:
            raise DataError("the review has no words the model can read")
        ids = torch.tensor([input_ids], device=self.model.device)
        baseline, logits = self._read_with_baseline(ids)
        p_positive = float(logits[0].softmax(-1)[1])
        predicted = predicted_class(p_positive)  # the project's rule: 0.5 reads positive
        target_id = self._target_id(target, predicted)
        margins = margin(logits, target_id)
        margin_input, margin_baseline = float(margins[0]), float(margins[1])
        # where the head ends, when the middle was cut: a cut inside "!!!!" or emoji has no letters to find it by
        head_end = encoded["cut"].head_end if encoded["cut"].dropped else None
        groups = [[i + 1 for i in g] for g in word_groups(text, offsets, head_end)]  # +1: past [CLS]

        if method == "ig":
            ig = integrated_gradients(self.model, self.tokenizer, ids, target_id, n_steps,
                                      margins=(margin_input, margin_baseline), precision=self.precision,
                                      baseline=baseline)
            scores = _ig_fields(ig, merge_word_pieces(text, offsets, ig.token_attributions[1:-1].tolist(), head_end))
        else:
            margin_input, occluded = occlusion_scores(self.model, self.tokenizer, input_ids, groups, target_id,
                                                      self.precision)
            scores = _occlusion_fields(merge_word_pieces(text, offsets, [0.0] * len(offsets), head_end), occluded)

        return Explanation(
            text=text, label=LABELS[predicted], p_positive=p_positive,
            target=LABELS[target_id], method=method, margin_input=margin_input, margin_baseline=margin_baseline,
            baseline=self.baselines.kind, baseline_p_positive=float(logits[1].softmax(-1)[1]),
            dropped=dropped_span(text, offsets, encoded["cut"]),
            seconds=time.perf_counter() - started, precision=self.precision,
            input_ids=input_ids, token_groups=groups, **scores)

    def _read_with_baseline(self, ids: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """The baseline's word embeddings for ``ids`` (1, seq_len), and the logits (2, 2) of the review (row 0)
        and of the baseline (row 1), the second up to a constant where the calibration measured its margin."""
        # f(baseline) as the neutral baseline's calibration measured it, where it did: a forward pass
        # over a 500-token review is about 5% of its explanation. Else the prediction, f(input) and
        # f(baseline) come from one batched forward.
        baseline, measured = self.baselines.embeddings_and_margin(ids)
        with torch.no_grad(), autocast(self.model.device.type, self.precision):
            embedded = self.model.get_input_embeddings()(ids).float()
            rows = embedded if measured is not None else torch.cat([embedded, baseline])
            logits = self.model(inputs_embeds=rows).logits.float()
        if measured is not None:  # two-class logits up to a constant: softmax and margin read their difference
            logits = torch.cat([logits, torch.tensor([[0.0, measured]], device=logits.device)])
        return baseline, logits

    def agreement(self, text: str, target: int | str | None = None) -> tuple[Explanation, Explanation, float]:
        """Integrated gradients, occlusion, and the Spearman rank agreement of their word scores."""
        from .occlusion import rank_agreement

        ig = self.explain(text, target, "ig")
        occ = self.explain(text, ig.target, "occlusion")
        return ig, occ, rank_agreement(ig.words, occ.words)


def _check_request(text, method: str, n_steps: int | None) -> None:
    """An ``ArgumentError`` or ``DataError`` that says what is wrong with an explanation request, if anything."""
    if method not in METHODS:
        raise ArgumentError(f"method {method!r} is not one of {', '.join(METHODS)}")
    if not isinstance(text, str):
        raise DataError("the review must be text")
    check_text(text)
    if n_steps is not None and not 1 <= n_steps <= MAX_STEPS:
        raise ArgumentError(f"integration steps must be between 1 and {MAX_STEPS}, got {n_steps} "
                            f"(each step is a forward and backward pass over the review)")


def _ig_fields(ig, words: list[Word]) -> dict:
    """The ``Explanation`` fields integrated gradients fill: ``words`` scored from ``ig`` (an ``IGResult``), and
    its completeness figures."""
    return dict(words=words, attribution_sum=ig.attribution_sum, convergence_delta=ig.convergence_delta,
                completeness_error=ig.completeness_error, relative_delta=ig.relative_delta, n_steps=ig.n_steps,
                steps_note=ig.steps_note, attribution_mass=ig.attribution_mass,
                steps_computed=ig.steps_computed or ig.n_steps)


def _occlusion_fields(words: list[Word], scores: list[float]) -> dict:
    """The ``Explanation`` fields occlusion fills: ``words`` (placed, unscored) with their ``scores``, and no
    completeness figures (occlusion has no such check)."""
    return dict(words=[Word(w.word, w.start, w.end, s) for w, s in zip(words, scores)],
                attribution_sum=float(sum(scores)), convergence_delta=None, completeness_error=None,
                relative_delta=None, n_steps=None, steps_note=None, attribution_mass=None, steps_computed=None)
