"""Word attributions for the sentiment classifier: which words pushed a review
toward positive or negative, how much, and how far to trust that.

    from explain import Explainer
    explainer = Explainer.from_pretrained("checkpoints/minilm-imdb-25k")
    e = explainer.explain(text)            # method="ig" | "occlusion", target=None | "positive" | "negative"
    e.label, e.p_positive, e.target        # prediction and the class explained
    e.words                                # [Word(word, start, end, score)], spans of the text as pasted
    e.baseline_p_positive                  # what the model says with the words taken out (~0.5: neutral)
    e.completeness_error, e.convergence_delta, e.steps_note   # |delta| / the scores' size, delta itself
    e.dropped                              # DroppedSpan of a long review's unread middle, or None

- Integrated gradients (Captum, on the word embeddings) of the logit margin
  ``logit[target] - logit[other]`` (``explain.margin``), from a baseline that keeps [CLS], [SEP],
  positions and token types and puts, at every word, [PAD]'s embedding moved
  just far enough that the model reads it as neutral, calibrated per sequence
  length (``explain.baseline``); Gauss-Legendre steps on four parts of the
  path, placed where the margin changes and refined until the completeness
  error is under 2% (``explain.attribution``).
- ``explain.occlusion``: word deletion scores and their rank agreement with IG
  (``Explainer.agreement``).
- ``explain.faithfulness``: ERASER comprehensiveness and sufficiency, per review
  and, as a command, over the misclassified test reviews.
- ``explain.compare``: a review against its edited copy: which words' pushes moved.
- ``explain.render``: what a person reads: the coloured text (green toward positive, red toward
  negative), a top-words table and an HTML page, all signed toward positive and escaped.
- ``python -m explain "review text" --checkpoint DIR [--json]``.
"""
from .explainer import METHODS, Explainer, Explanation
from .words import DroppedSpan, Word

__all__ = ["METHODS", "DroppedSpan", "Explainer", "Explanation", "Word"]
