"""What every tab that explains a review shares: the pasted text checked, an explanation by
checkpoint name, the coloured view, and a review set against its edited copy."""
from __future__ import annotations

from explain.compare import COLUMNS as MOVED_COLUMNS, moved_words  # noqa: F401 (the app's table headers)
from explain.render import highlighted_html
from sentiment.errors import DataError
from sentiment.text import check_text, strip_line_breaks

from .checkpoints import explainer
from .errors import checked_number

AUTO_STEPS = 0  # the slider's "automatic": adaptive path segments, refined until completeness holds
# The slider's top, which calls through the API keep to as well: each step is a forward and backward pass
# over the review (the command line allows up to explain.explainer.MAX_STEPS).
MAX_STEPS = 64


TEXT_BOX = "the text box"  # how a message names the box of a tab that has one
REVIEW_BOX, EDITED_BOX = "the review box", "the edited copy"  # ... and the Contrast tab's two


def check_review(text, box: str = TEXT_BOX) -> str:
    """The pasted text, or a DataError with a message for the person who pasted it; ``box``: the text box
    it came from, as the messages name it where a tab has two ("the edited copy")."""
    # one box: "The review is ..."; one of two: "The edited copy is ..."
    what = "The review" if box == TEXT_BOX else box[:1].upper() + box[1:]
    if text is not None and not isinstance(text, str):  # an API call sent a number, a list...
        raise DataError(f"{what} must be text, not {type(text).__name__}.")
    if text is None or not text.strip():
        raise DataError(f"Paste a review first: {box} is empty.")
    if not strip_line_breaks(text).strip():  # "<br /><br />": what IMDB writes for line breaks, nothing else
        raise DataError(f"Paste a review first: {box} holds line breaks (<br />) only.")
    return check_text(text, what)


def explain_text(checkpoint: str, text: str, method: str = "ig", n_steps: int = AUTO_STEPS, *,
                 box: str = TEXT_BOX):
    """An explanation of ``text`` by the checkpoint called ``checkpoint`` (a name from the picker); ``box``
    names its text box in a message (``check_review``).

    ``n_steps``: integration steps for ``method="ig"``, a whole number up to ``MAX_STEPS``; ``AUTO_STEPS`` (0)
    = adaptive. Checked whatever the method: it is what the slider sent.
    """
    steps = int(checked_number(n_steps, AUTO_STEPS, MAX_STEPS, "Integration steps (0 = automatic)", whole=True))
    return explainer(checkpoint).explain(check_review(text, box), method=method,
                                         n_steps=steps if method == "ig" and steps != AUTO_STEPS else None)


def highlight(checkpoint: str, text: str) -> dict:
    """Label, P(positive) and the coloured text (``explain.render.highlighted_html``) of one review."""
    e = explain_text(checkpoint, text)
    return {"label": e.label, "p_positive": e.p_positive, "html": highlighted_html(e)}


def contrast(checkpoint: str, review: str, edited: str):
    """A review and its edited copy, explained by one checkpoint: both class probabilities (for
    ``gr.Label``), both coloured texts, and the words whose push moved most (``moved_words``)."""
    boxes = {REVIEW_BOX: review, EDITED_BOX: edited}
    for box, text in boxes.items():  # both checked before either is explained
        check_review(text, box)
    return contrast_of(*(explain_text(checkpoint, text, box=box) for box, text in boxes.items()))


def contrast_of(before, after):
    """``contrast``'s five outputs from two explanations already made (``explain.Explanation``)."""
    labels = [{"negative": 1 - e.p_positive, "positive": e.p_positive} for e in (before, after)]
    return (labels[0], labels[1], highlighted_html(before), highlighted_html(after),
            moved_words(before, after))
