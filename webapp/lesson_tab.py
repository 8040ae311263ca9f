"""The Lesson tab: the ways a fine-tuned BERT misreads reviews, one step each, in a teaching order.

Each step says what to notice, shows one real test review the large checkpoint misreads
(``study/examples.json``) with the parts of the review marked, a minimal pair side by side, and the
measured pattern of its phenomenon: the per-part push and failure rate from the checkpoint's saved
robustness report (``python -m sentiment robustness --save`` then ``python -m explain.push --save``).
The texts of the notes and pairs are teaching material; every figure is read from a report or
computed by the model when the step is shown.
"""
from __future__ import annotations

from dataclasses import dataclass
from html import escape

from explain.patterns import parts_html
from explain.render import page_html
from sentiment.errors import DataError
from sentiment.labels import predicted_label
from sentiment.mistakes import TAG_LABELS
from sentiment.robustness.report import PUSH_PARTS, push_section

from .checkpoints import explainer, locate, predictor
from .downloads import Download, download, saved
from .errors import checked_number
from .examples import misreadings, report_reviews
from .explanations import contrast
from .pages import heading_text, markdown_html, pair_html
from .shared_cache import computed_once


@dataclass(frozen=True)
class Step:
    """One step: ``capability`` names the robustness report's figures it shows (a behavioural capability,
    or ``taxonomy``); ``example``: the id of a study example (``study/examples.json``) or None;
    ``pair``: an original and its minimal edit."""

    title: str
    notice: str
    capability: str
    example: str | None
    pair: tuple[str, str]


STEPS = (
    Step("Literal opinion words",
         "The model has learned which words mark praise and blame, and it counts them wherever they stand. "
         "Watch a word like *great* push toward positive even when it praises the soundtrack of a film the "
         "reviewer disliked, or when it is said in jest.",
         "literal", "test/neg/11728_2",
         ("The soundtrack is great, but the film is dull.", "The soundtrack is dull, but the film is great.")),
    Step("Negation",
         "A negation flips what follows it, but the model reads *not* and *never* as negative words in "
         "their own right. Negated praise comes out negative (right), negated blame comes out negative too "
         "(wrong): look at the push of the cue and of the negated word.",
         "negated_negative", "test/pos/8565_9",
         ("The script was tedious.", "Nothing about the script was tedious.")),
    Step('"X, but Y"',
         "After *but*, *yet* or *however* comes the verdict, and when the model is right the turn pushes "
         "harder than the concession. When it is wrong, the concession outweighs the turn: the turn is "
         "read, just not weighed enough. Swap the clauses and watch the verdict follow the last one.",
         "contrast_but", "test/neg/2593_1",
         ("A technical marvel, but it cannot be taken seriously.",
          "It cannot be taken seriously, but it is a technical marvel.")),
    Step("Irony",
         "Irony says the opposite of its words. The model has no other signal than the words, so the "
         "literal praise wins: the misread cases are those where the opinion words push against the "
         "intended verdict.",
         "irony", "test/neg/7097_1",
         ("What a great way to spend two hours.", "What a great way to waste two hours.")),
    Step("Borderline ratings and long reviews",
         "Reviews rated 4 or 7 stars mix praise and blame, and the model errs on them far more often; so it "
         "does on reviews that are mostly plot summary, and on reviews too long to read whole. These come "
         "from the test reviews themselves (the error taxonomy), not from generated cases.",
         "taxonomy", "test/pos/5744_10",
         ("A decent film with a few dull stretches.", "A dull film with a few decent stretches.")),
)
INTRO = """A short lesson on how a fine-tuned BERT misreads movie reviews, one phenomenon per step. Each
step says what to notice, shows a real test review the model gets wrong with the parts of the review
marked (green words pushed toward positive, red toward negative; underlines mark the concession (amber)
and the turn (blue) of a contrast, dotted ones negation, bold the literal opinion words), a minimal pair
side by side, and the pattern measured over many cases. Use *Next* and *Previous*, or the slider."""
# The last step: the lab report's four reviews, which its BERT-base misread.
REPORT_STEP = "The lab report's four reviews"


def n_steps() -> int:
    """How many steps the lesson has: the ``STEPS``, then the lab report's four reviews (``REPORT_STEP``)."""
    return len(STEPS) + 1


def step_number(value) -> int:
    """The step asked for (1 to ``n_steps()``), as a slider or an API call may send it."""
    return int(checked_number(value, 1, n_steps(), "The lesson step", whole=True))


def pattern(report: dict | None, step: Step, checkpoint: str) -> str:
    """Markdown: the step's measured pattern from ``checkpoint``'s robustness report (``report``)."""
    if report is None:
        return (f"*No robustness report for `{checkpoint}`: run `python -m sentiment robustness --checkpoint "
                f"checkpoints/{checkpoint} --save`, then `python -m explain.push --checkpoint ... --save`.*")
    if step.capability == "literal":
        tags = report.get("taxonomy", {}).get("tags", {})
        lines = [f"- **{TAG_LABELS[name]}**: a positive review with it is misread {by['positive']:.1f} times as "
                 f"often as one without; a negative review {by['negative']:.1f} times"
                 for name, t in tags.items() if name in ("contrast_reversal", "negation_dense", "irony_cue")
                 for by in [t.get("lift_by_class") or {}] if by.get("positive") and by.get("negative")]
        return (f"Measured on the 25,000 test reviews (`{checkpoint}`): traits that bring negative words pull "
                f"every verdict toward negative, right or wrong:\n" + "\n".join(lines))
    if step.capability == "taxonomy":
        tags = report.get("taxonomy", {}).get("tags", {})
        lines = [f"- **{TAG_LABELS[name]}**: misread {_pct(t['error_rate_with'])} of the time against "
                 f"{_pct(t['error_rate_without'])} without it ({t['lift']:.2f} times as often; "
                 f"{t['n_with']:,} test reviews)" for name, t in tags.items()
                 if name in ("borderline_rating", "mostly_plot_summary", "beyond_max_length")
                 and t.get("lift") is not None]
        return f"Measured on the 25,000 test reviews (`{checkpoint}`):\n" + "\n".join(lines)
    capability = report.get("behaviour", {}).get("capabilities", {}).get(step.capability)
    if capability is None:
        return (f"*`{checkpoint}`'s robustness report has no behavioural tests of this phenomenon: run "
                f"`python -m sentiment robustness --checkpoint checkpoints/{checkpoint} --save` again.*")
    lines = [f"`{checkpoint}` fails **{_pct(capability['failure_rate'])}** of the {capability['n']} generated "
             f"cases ({capability['description']})."]
    section = push_section(report, step.capability)
    if section:
        lines.append("Mean push toward the expected label (word scores summed per part):")
        for part, label in PUSH_PARTS[step.capability]:
            cells = []
            for outcome in ("right", "wrong"):
                figure = section.get(outcome, {}).get("parts", {}).get(part)
                if figure and figure.get("mean") is not None:
                    cells.append(f"read {outcome}: {figure['mean']:+.2f} ({figure['n']} cases)")
            if cells:
                lines.append(f"- {label}: " + "; ".join(cells))
    return "\n".join(lines)


def _pct(value: float) -> str:
    return f"{100 * value:.1f}%"


def lesson_step(checkpoint: str, number) -> tuple:
    """Step ``number`` (1 to ``n_steps()``) as shown by the checkpoint called ``checkpoint``: heading, note
    with the measured pattern, the example review with its parts marked, the minimal pair's two texts and
    their comparison (``explanations.contrast``'s five outputs), then the path of the step as an HTML page
    (``step_page``) to download."""
    n = step_number(number)
    locate(checkpoint)
    outputs, page = _lesson_step(checkpoint, n)
    # the page is computed once with the step; its file is written again if it was cleaned up meanwhile
    return (*outputs, saved(page))


def prepare(checkpoint: str) -> None:
    """Compute every step for the checkpoint called ``checkpoint`` now, so that no visitor waits for one
    (the app calls it before it accepts visitors)."""
    for n in range(1, n_steps() + 1):
        lesson_step(checkpoint, n)


@computed_once
def _lesson_step(checkpoint: str, n: int) -> tuple[tuple, Download]:
    """The step's outputs and its page, computed once per checkpoint and step and shared: a class opening
    the same step at the same moment waits for one computation, not fifty."""
    outputs = _compute_step(checkpoint, n)
    return outputs, download(f"lesson-step-{n}-{checkpoint}", step_page(checkpoint, outputs), "html")


def step_page(checkpoint: str, outputs: tuple) -> str:
    """A step as one self-contained HTML page for slides, from its ``outputs`` as the tab shows them: the
    heading, the note, the example with its parts marked, the minimal pair side by side."""
    heading, note, shown, _, _, *pair = outputs
    return page_html(heading_text(heading), [
        ("", markdown_html(note)),
        ("", shown),
        ("A minimal pair: the same review with one change", pair_html(("Original", "Minimal edit"), pair)),
    ], facts=[f"Read by the checkpoint {checkpoint}."])


def _compute_step(checkpoint: str, n: int) -> tuple:
    """Step ``n``'s outputs, as ``lesson_step`` returns them."""
    from .robustness_tab import load_reports

    location = locate(checkpoint)
    heading = f"### Step {n} of {n_steps()}: "
    if n == n_steps():
        return _report_step(checkpoint, heading + REPORT_STEP)
    step = STEPS[n - 1]
    report = load_reports({checkpoint: location}).get(checkpoint)
    note = f"{step.notice}\n\n{pattern(report, step, checkpoint)}"
    example = next((e for e in misreadings() if e["id"] == step.example), None)
    if example is None:
        shown = "<p><i>The example review is not among the reviews shipped with the app.</i></p>"
    else:
        e = explainer(checkpoint).explain(example["text"])
        shown = (f"<p><b>A real test review</b> (<code>{escape(example['id'])}</code>, true label "
                 f"{example['label']}; <code>{escape(checkpoint)}</code> reads it {e.label}, P(positive) "
                 f"{e.p_positive:.2f}). {escape(example['note'])}</p>" + parts_html(e))
    return (heading + step.title, note, shown, *step.pair, *contrast(checkpoint, *step.pair))


def _report_step(checkpoint: str, heading: str) -> tuple:
    """The report's four reviews: misread by the report's BERT-base, and what this checkpoint says."""
    reviews = report_reviews()
    if not reviews:
        raise DataError("The report's four reviews are not among the reviews shipped with the app.")
    rows = []
    for (review_id, text), p in zip(reviews.items(), predictor(checkpoint).p_positive(list(reviews.values()))):
        truth, label = ("negative" if "/neg/" in review_id else "positive"), predicted_label(float(p))
        verdict = "right" if label == truth else "**wrong**"
        rows.append(f"| `{review_id}` | {truth} | {label} ({p:.2f}) | {verdict} |")
    note = ("The lab report's BERT-base misread these four. Read by this checkpoint:\n\n"
            "| review | true | read as (P positive) | |\n| --- | --- | --- | --- |\n" + "\n".join(rows) +
            "\n\nReading them right does not mean the phenomena are solved: the steps before measure each "
            "one on many cases, and the failure rates there are what a new review will meet.")
    first_id, first = next(iter(reviews.items()))
    e = explainer(checkpoint).explain(first)
    shown = f"<p><b><code>{escape(first_id)}</code></b>, with its parts marked:</p>" + parts_html(e)
    pair = STEPS[2].pair
    return (heading, note, shown, *pair, *contrast(checkpoint, *pair))
