"""Integrated gradients on the word embeddings, with Captum, explaining a logit margin.

The quantity explained is ``logit[target] - logit[other]`` (``explain.margin``):
unlike a softmax probability it does not saturate on confident reviews, and
integrated gradients stay informative all along the path.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

import torch
from captum.attr import IntegratedGradients

from .baseline import baseline_embeddings, fixed_vector
from .margin import margin_forward

# Fixed steps (``n_steps`` given): Gauss-Legendre on the whole path, Captum's default.
# Adaptive steps (the default): the margin along the path from the baseline is flat, then flips
# sharply somewhere in alpha = 0.3-0.7, which one Gauss-Legendre rule resolves only with ~24
# nodes. So the path is cut into SEGMENTS equal parts; one cheap forward pass gives the margin at
# their ends, the first pass's gradient nodes go to the parts where the margin changes, and since
# each part's own completeness error is then known exactly, only the worst part is refined (to
# ``refined_steps`` nodes) until the completeness error is under TARGET_COMPLETENESS_ERROR or the
# step budget is spent. Parts given the same number of nodes share one batched Captum call. How
# these numbers were chosen (nodes against agreement with 64 plain steps, and time) is in the
# README's "Explanations".
SEGMENTS = 4
# Nodes of the first pass: DEFAULT_STEPS up to FIRST_PASS_TOKENS // DEFAULT_STEPS tokens (256),
# fewer on longer reviews, down to MIN_FIRST_STEPS at 410 tokens and more. A node costs about
# its sequence length, and on 400-512-token reviews 4 first nodes read as close to 64 plain steps
# as 8 did (benchmarks/explain_speed.py --sets long --agreement 64), the refinement making up
# the difference where the completeness check asks for it.
DEFAULT_STEPS = 8
MIN_FIRST_STEPS = 4
FIRST_PASS_TOKENS = DEFAULT_STEPS * 256
MIN_SEGMENT_STEPS = 1
MAX_STEPS = 96
# A gradient node costs about its sequence length, more on long ones (attention): on
# a 2-core CPU 0.075 s at 230 tokens and 0.20 s at 512 in fp32 (SDPA attention),
# about 0.12 s at 470 in bf16. The refinement stops when it has computed
# STEP_TOKEN_BUDGET // length nodes in all, a refined part's nodes counted again
# (24 at 512 tokens, 48 at 256), so an explanation of a review under 512 tokens
# stays under about 3.5 s in bf16 and 5.5 s in fp32 there, calibration and
# forward passes included, whatever its path. A budget of 16 at 512 tokens left
# one of 40 test reviews of 400-512 tokens at a completeness error of 10%, which
# 18 steps bring to 3.3% (benchmarks/explain_speed.py --sets long --n 40).
STEP_TOKEN_BUDGET = 24 * 512
TARGET_COMPLETENESS_ERROR = 0.02
# Nodes held in memory at once (activations for the backward pass): 16 nodes of 512
# tokens keep the peak within a few hundred MB; more nodes run in more passes.
MAX_NODES_PER_PASS = 16
# Completeness error above which an explanation is flagged as not to be trusted.
MAX_COMPLETENESS_ERROR = 0.05


def completeness_error(delta: float, attribution_mass: float, difference: float) -> float:
    """|delta| as a share of the scores' size: ``|delta| / max(sum |a_i|, |f(input) - f(baseline)|)``.

    ``delta``: sum of attributions minus ``difference`` = f(input) - f(baseline);
    ``attribution_mass``: sum of |attribution| over the tokens. Unlike the
    relative delta (``|delta| / |difference|``) it does not explode when
    f(input) is close to f(baseline) (a review near the decision boundary,
    explained from a neutral baseline): it asks how much of what the scores
    show is integration error. It lies in [0, 2], since
    ``|delta| <= sum |a_i| + |difference|``; 0 when everything is 0.
    """
    scale = max(attribution_mass, abs(difference))
    return abs(delta) / scale if scale > 0 else 0.0


@dataclass(frozen=True)
class IGResult:
    """Attributions of one sequence, and the completeness check that says how far to trust them."""

    token_attributions: torch.Tensor  # (seq_len,), special tokens included (always 0)
    margin_input: float                 # f(input)
    margin_baseline: float              # f(baseline)
    n_steps: int
    steps_note: str | None = None       # set when the steps were raised, or when that did not help
    steps_computed: int | None = None   # gradient steps run in all, a refined part's counted again; None: n_steps

    @property
    def attribution_sum(self) -> float:
        """The sum of the token attributions: what integrated gradients say f(input) - f(baseline) is."""
        return float(self.token_attributions.sum())

    @property
    def convergence_delta(self) -> float:
        """Sum of attributions minus f(input) - f(baseline) (Captum's sign convention)."""
        return self.attribution_sum - (self.margin_input - self.margin_baseline)

    @property
    def attribution_mass(self) -> float:
        """The sum of |attribution| over the tokens: the scores' total size."""
        return float(self.token_attributions.abs().sum())

    @property
    def completeness_error(self) -> float:
        """What the refinement stops on and the trust flag reads: see :func:`completeness_error`."""
        return completeness_error(self.convergence_delta, self.attribution_mass,
                                  self.margin_input - self.margin_baseline)

    @property
    def relative_delta(self) -> float:
        """|delta| / |f(input) - f(baseline)|, the customary figure: it explodes when the two are close."""
        return relative_delta(self.convergence_delta, self.margin_input - self.margin_baseline)


def relative_delta(delta: float, difference: float) -> float:
    """|``delta``| / |``difference``| (f(input) - f(baseline)), its divisor kept above 1e-12."""
    return abs(delta) / max(abs(difference), 1e-12)


def first_pass_steps(seq_len: int) -> int:
    """Gradient nodes the adaptive rule shares out first on a ``seq_len``-token sequence (see FIRST_PASS_TOKENS)."""
    return max(MIN_FIRST_STEPS, min(DEFAULT_STEPS, FIRST_PASS_TOKENS // max(seq_len, 1)))


def refined_steps(steps: int) -> int:
    """The nodes a part of ``steps`` nodes gets when the completeness check refines it.

    Gauss-Legendre rules of different sizes share no nodes, so a refined part computes all its nodes
    again: the smallest raise that helps costs least. One more up to 3 nodes, then half as many
    again, so that a part refined over and over still reaches the step budget in a few passes.
    Doubling, the usual rule, computes the most steps again where one more node would have done;
    benchmarks/explain_speed.py prints the steps computed beside the steps kept.
    """
    return steps + max(1, steps // 2)


def allocate_steps(margin_changes: list[float], total: int = DEFAULT_STEPS,
                   minimum: int = MIN_SEGMENT_STEPS) -> list[int]:
    """Gradient nodes per path segment, in proportion to how much the margin changes on it.

    ``margin_changes``: the margin's change across each segment (sign ignored);
    ``total``: nodes to share out; ``minimum``: nodes every segment gets, however flat.
    """
    changes = [abs(c) for c in margin_changes]
    whole = sum(changes) or 1.0
    return [max(minimum, round(total * c / whole)) for c in changes]


def integrated_gradients(model, tokenizer, input_ids: list[int] | torch.Tensor, target: int,
                         n_steps: int | None = None, margins: tuple[float, float] | None = None,
                         max_steps: int | None = None,
                         max_error: float = TARGET_COMPLETENESS_ERROR, *,
                         precision: str, baseline: torch.Tensor | None = None) -> IGResult:
    """Integrated gradients of the ``target`` margin on the word embeddings of one tokenised sequence.

    Args:
        model: a two-class sequence classifier (``from_pretrained``), in eval mode.
        tokenizer: its tokenizer (for the [PAD] baseline when ``baseline`` is None).
        input_ids: one tokenised sequence, [CLS] and [SEP] included: a list or a
            (seq_len,) / (1, seq_len) tensor.
        target: the class id (0 negative, 1 positive) whose margin
            ``logit[target] - logit[other]`` is explained.
        n_steps: given, exactly that many Gauss-Legendre steps with Captum's
            ``IntegratedGradients`` on the word embeddings (what
            ``LayerIntegratedGradients`` does on that layer, with a baseline that
            need not be a token). None: the adaptive segmented rule above, which
            refines until the completeness error is under ``max_error`` or
            ``max_steps`` gradient steps are computed.
        margins: (f(input), f(baseline)) when the caller already has them, in
            ``precision``; None computes them.
        max_steps: the adaptive rule's budget of gradient steps, each part refined
            counting all its nodes again; None: ``STEP_TOKEN_BUDGET // seq_len``, at
            most ``MAX_STEPS``.
        max_error: the completeness error (``completeness_error``) the adaptive
            rule refines down to.
        precision: a resolved precision (``sentiment.devices``): "bf16" runs the
            passes under autocast (about 2x faster on CPUs with bf16), "fp32" plainly.
        baseline: the word embeddings (1, seq_len, hidden) the path starts from
            (``explain.baseline``); None: the sequence with every word piece
            replaced by [PAD].

    Returns:
        ``IGResult``: per-token attributions (seq_len,), the two margins, the
        steps used and the completeness figures.
    """
    ids = torch.as_tensor(input_ids, dtype=torch.long).reshape(1, -1).to(model.device)
    model.eval()
    with torch.no_grad():
        x = model.get_input_embeddings()(ids).float()
    if baseline is None:
        baseline = baseline_embeddings(model, tokenizer, ids, fixed_vector(model, tokenizer, "pad"))
    x0 = baseline.to(x)
    if n_steps is None:
        if max_steps is None:
            max_steps = min(MAX_STEPS, STEP_TOKEN_BUDGET // ids.shape[1])
        return segmented_integrated_gradients(model, x, x0, target, precision, max_steps, max_error, margins)
    forward = margin_forward(model, target, precision, embeddings=True)
    if margins is None:
        with torch.no_grad():
            m = forward(torch.cat([x, x0]))
        margins = (float(m[0]), float(m[1]))
    # Captum fails under torch.inference_mode; it enables gradients itself, and
    # autograd computes only the gradients asked for, not the weights'.
    attributions = IntegratedGradients(forward).attribute(x, baselines=x0, n_steps=n_steps, method="gausslegendre",
                                                          internal_batch_size=min(n_steps, MAX_NODES_PER_PASS))
    return IGResult(attributions.sum(-1)[0].detach().float().cpu(), margins[0], margins[1], n_steps)


def segmented_integrated_gradients(model, x: torch.Tensor, x0: torch.Tensor, target: int, precision: str,
                                   max_steps: int = MAX_STEPS,
                                   max_error: float = TARGET_COMPLETENESS_ERROR,
                                   margins: tuple[float, float] | None = None) -> IGResult:
    """Composite Gauss-Legendre over ``SEGMENTS`` parts of the path from ``x0`` to ``x``, refined where
    completeness fails.

    ``x``, ``x0``: word embeddings (1, seq_len, hidden) of the input and the
    baseline. Integrated gradients on them with Captum's ``IntegratedGradients``;
    each part [a, b] of the path is one Captum call from x(a) to x(b), and the
    attributions of the parts add up to those of the whole path. ``margins`` =
    (f(input), f(baseline)) when the caller has them, computed in ``precision``.
    ``target``, ``precision``, ``max_error`` as for :func:`integrated_gradients`.
    ``max_steps``: the gradient steps it may compute in all, the parts computed again by refinement
    counted each time; the first allocation of nodes runs whatever it says, only refinement stops at it.
    """
    forward = margin_forward(model, target, precision, embeddings=True)
    along = _margins_along_the_path(forward, x, x0, margins)
    changes = [b - a for a, b in zip(along, along[1:])]
    difference = along[-1] - along[0]
    ig = IntegratedGradients(forward)
    steps = allocate_steps(changes, first_pass_steps(x.shape[1]))
    parts = _first_pass(ig, x, x0, steps)
    first_steps = sum(steps)
    errors = [float(p.sum()) - c for p, c in zip(parts, changes)]  # each part's completeness error
    first = _path_error(parts, errors, difference)
    computed = first_steps  # gradient steps run so far: a refined part runs all its nodes again
    while _path_error(parts, errors, difference) > max_error:
        worst = max(range(SEGMENTS), key=lambda i: abs(errors[i]))
        raised = min(refined_steps(steps[worst]), max_steps - computed)
        if raised <= steps[worst]:
            break  # what is left of the budget cannot raise the worst part
        steps[worst], computed = raised, computed + raised
        (parts[worst],) = _segment_attributions(ig, x, x0, [worst], steps[worst])
        errors[worst] = float(parts[worst].sum()) - changes[worst]
    result = IGResult(torch.stack(parts).sum(0), along[-1], along[0], sum(steps), steps_computed=computed)
    if sum(steps) == first_steps:
        return result
    return replace(result, steps_note=_steps_note(first_steps, result, first, max_error))


def _on_path(x: torch.Tensor, x0: torch.Tensor, alpha: float) -> torch.Tensor:
    """The point ``alpha`` of the way along the straight path from ``x0`` to ``x``."""
    return x0 + alpha * (x - x0)


def _margins_along_the_path(forward, x: torch.Tensor, x0: torch.Tensor,
                            margins: tuple[float, float] | None) -> list[float]:
    """``forward`` (a margin, :func:`margin_forward`) at the ends of the path's ``SEGMENTS`` parts, from ``x0``
    to ``x``, in one batch; where ``margins`` = (f(input), f(baseline)) are given, only the inner ends are
    computed."""
    bounds = [i / SEGMENTS for i in range(SEGMENTS + 1)]
    ends = bounds if margins is None else bounds[1:-1]
    with torch.no_grad():
        along = forward(torch.cat([_on_path(x, x0, a) for a in ends])).cpu().tolist()
    return along if margins is None else [margins[1], *along, margins[0]]


def _segment_attributions(ig: IntegratedGradients, x: torch.Tensor, x0: torch.Tensor, indices: list[int],
                          steps: int) -> list[torch.Tensor]:
    """The per-token attributions of the path's parts ``indices``, ``steps`` Gauss-Legendre nodes each, in one
    batched Captum call (``ig``): each part is one row, from x(a) to x(b)."""
    ends = torch.cat([_on_path(x, x0, (i + 1) / SEGMENTS) for i in indices])
    starts = torch.cat([_on_path(x, x0, i / SEGMENTS) for i in indices])
    attributions = ig.attribute(ends, baselines=starts, n_steps=steps, method="gausslegendre",
                                internal_batch_size=min(steps * len(indices), MAX_NODES_PER_PASS))
    return list(attributions.sum(-1).detach().float().cpu())


def _first_pass(ig: IntegratedGradients, x: torch.Tensor, x0: torch.Tensor, steps: list[int]) -> list[torch.Tensor]:
    """Every part's attributions with ``steps[i]`` nodes on part i; parts with the same number of nodes share
    one pass."""
    parts: list[torch.Tensor] = [torch.empty(0)] * SEGMENTS
    for n in set(steps):
        indices = [i for i in range(SEGMENTS) if steps[i] == n]
        for i, attribution in zip(indices, _segment_attributions(ig, x, x0, indices, n)):
            parts[i] = attribution
    return parts


def _path_error(parts: list[torch.Tensor], errors: list[float], difference: float) -> float:
    """The completeness error of the whole path from its ``parts``' attributions and their own completeness
    ``errors`` (which add up to its delta); ``difference``: f(input) - f(baseline)."""
    return completeness_error(sum(errors), float(torch.stack(parts).sum(0).abs().sum()), difference)


def _steps_note(first_steps: int, result: IGResult, first_error: float, max_error: float) -> str:
    """What the refinement did: from ``first_steps`` nodes and ``first_error`` to ``result``'s, against the
    target ``max_error`` (and ``MAX_COMPLETENESS_ERROR``, above which the scores are not to be trusted)."""
    now = result.completeness_error
    note = (f"steps raised from {first_steps} to {result.n_steps} ({result.steps_computed} computed): completeness "
            f"error was {first_error:.1%} (> {max_error:.0%}), now {now:.1%}")
    if now > max_error:
        note += "; still above the target" + (", read these scores with care"
                                               if now > MAX_COMPLETENESS_ERROR else "")
    return note
