"""The Explain tab: an explanation from ``explain/``, in words a reader can act on."""
from __future__ import annotations

import math
import time

import gradio as gr
import pandas as pd

from explain.attribution import MAX_COMPLETENESS_ERROR, TARGET_COMPLETENESS_ERROR
from explain.render import highlighted_html, to_html, top_words_table
from sentiment.labels import predicted_label

from .checkpoints import explainer
from .downloads import save
from .errors import checked_flag
from .explanations import AUTO_STEPS, MAX_STEPS, explain_text  # noqa: F401 (the slider's value and top)


def baseline_in_words(p_positive: float) -> str:
    """What the model says about the review with its words taken out, the point the scores are measured from."""
    shown = round(p_positive, 2)  # judged on the figure the reader sees: 0.4499 reads 0.45, no opinion
    neutral = 0.45 <= shown <= 0.55
    lean = "no opinion either way" if neutral else f"it leans {predicted_label(p_positive)}"
    return (f"with its words taken out, the model reads the review as P(positive) = {p_positive:.2f}: {lean}. "
            + ("The scores say how the words moved it from there to its verdict." if neutral else
               "The scores are pushes relative to that lean, not to a neutral reading."))


def trust_note(explanation, agreement: float | None = None, seconds: float | None = None) -> str:
    """The completeness check and the occlusion agreement, said plainly.

    ``agreement``: rank correlation with word occlusion, when that check was asked for (NaN where it has no
    value: fewer than 2 words, or one method's scores all equal); ``seconds``: the whole request's time,
    occlusion check included (default: the explanation's own).
    """
    lines = ["**Trust**"]
    if explanation.method == "ig":
        lines.append(f"- Baseline: {baseline_in_words(explanation.baseline_p_positive)}")
        error = explanation.completeness_error
        verdict = ("the scores account for the prediction almost exactly" if error <= TARGET_COMPLETENESS_ERROR else
                   "the scores account for the prediction closely" if error <= MAX_COMPLETENESS_ERROR else
                   "the scores do not add up to the prediction: read them with care")
        lines.append(f"- Completeness: the word scores add up to {explanation.attribution_sum:+.2f}; the model's "
                     f"margin moved {explanation.margin_input - explanation.margin_baseline:+.2f} from the review "
                     f"with its words taken out. The gap ({explanation.convergence_delta:+.3f}) is {error:.1%} of "
                     f"the scores' total size, with {explanation.n_steps} steps: {verdict}.")
        if explanation.steps_note:
            lines.append(f"- {explanation.steps_note}.")
    else:
        lines.append("- Occlusion: each score is how much the margin drops when that one word is removed. "
                     "It has no completeness check; compare it with integrated gradients.")
    if agreement is not None:
        lines.append(f"- {agreement_in_words(agreement, len(explanation.words))}")
    took = explanation.seconds if seconds is None else seconds
    lines.append(f"- Computed in {took:.1f} s, in {explanation.precision} arithmetic"
                 + (", the occlusion check included." if occlusion_ran(agreement, len(explanation.words)) else "."))
    if explanation.dropped is not None:
        lines.append(f"- The middle of this review: {explanation.dropped.message.strip('. ')}. The classifier "
                     f"keeps the head and tail of long reviews; the marker in the text shows where the gap is.")
    return "\n".join(lines)


def agreement_in_words(agreement: float, n_words: int) -> str:
    """The rank agreement with word occlusion and its strength; where it is NaN, why it has no value."""
    if math.isnan(agreement) and n_words < 2:
        return (f"Agreement with word occlusion: cannot be computed for fewer than 2 words (the model read "
                f"{n_words}); a rank correlation needs words to rank.")
    if math.isnan(agreement):  # one method gave every word the same score: nothing to rank
        return "Agreement with word occlusion: cannot be computed, as one method scored every word the same."
    strength = "strong" if agreement >= 0.6 else "moderate" if agreement >= 0.3 else "weak"
    return f"Agreement with word occlusion (Spearman rank correlation): {agreement:.2f}, {strength}."


def occlusion_ran(agreement: float | None, n_words: int) -> bool:
    """Whether the occlusion check ran: asked for (an ``agreement``), and with at least 2 words to rank."""
    return agreement is not None and not (math.isnan(agreement) and n_words < 2)


STRONGEST_COLUMNS = ["word", "toward", "push toward positive"]


def strongest_words(explanation, k: int = 10) -> pd.DataFrame:
    """The ``k`` words with the largest push, signed toward positive like the colours."""
    # three places, as the coloured view's hover shows them
    return pd.DataFrame(top_words_table(explanation, k, digits=3), columns=STRONGEST_COLUMNS)


# ---- Gradio handler --------------------------------------------------------------------------

def explain_for_app(checkpoint: str, text: str, method: str, n_steps: int, check_occlusion: bool = False,
                    progress=gr.Progress()):
    """The Explain tab's five outputs: verdict, coloured text, strongest words, trust note, and the path of
    the explanation as an HTML page to download (``explain.render.to_html``, the same colours).

    ``checkpoint``: a name from the picker; ``method``: one of ``explain.METHODS``;
    ``n_steps``: integration steps, ``AUTO_STEPS`` (0) for adaptive; ``check_occlusion``:
    also explain by word occlusion and report the rank agreement; ``progress``: Gradio's tracker.
    """
    started = time.perf_counter()
    check_occlusion = checked_flag(check_occlusion, "The occlusion check")
    progress(0.0, desc="Explaining" + (" (1 of 2)" if check_occlusion and method == "ig" else ""))
    explanation = explain_text(checkpoint, text, method, n_steps)
    agreement = None
    if check_occlusion and method == "ig" and len(explanation.words) < 2:
        agreement = math.nan  # nothing to rank: the note says so, and no occlusion is run
    elif check_occlusion and method == "ig":
        from explain.occlusion import rank_agreement

        # occlusion takes a forward pass per word read: several times the explanation's own time
        progress(0.3, desc="Checking against word occlusion (2 of 2)")
        occlusion = explainer(checkpoint).explain(text, target=explanation.target, method="occlusion")
        agreement = rank_agreement(explanation.words, occlusion.words)
    verdict = (f"Prediction: **{explanation.label}** (P positive {explanation.p_positive:.2f}). Explained: "
               f"the margin of *{explanation.target}* by {'integrated gradients' if method == 'ig' else 'occlusion'}.")
    table = strongest_words(explanation)
    page = to_html(explanation, title=f"Why {checkpoint} reads the review as {explanation.label}")
    return (verdict, highlighted_html(explanation), table,
            trust_note(explanation, agreement, time.perf_counter() - started),
            save(f"explanation-{checkpoint}", page, "html"))
