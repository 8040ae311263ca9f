"""The Space's README: a short page for visitors, not the developer README.

Its front matter (the Space's configuration: SDK, Python, hardware, models, datasets, tags) is copied
from the repository's README.md, the one place it is kept, so the two cannot disagree. Every figure
on the page is read from a shipped checkpoint's ``report.json``; the rest is prose.
``python -m webapp.publish`` writes it into the staged Space (``webapp.publish.stage``).
"""
from __future__ import annotations

from pathlib import Path

from sentiment.errors import DataError
from sentiment.model_card import BASE_MODEL_IDS
from sentiment.paths import CHECKPOINTS_DIR
from sentiment.run_report import REPORT_FILE, read_report

# The public address of the source repository, once it has one: set it here and the page links to it.
# None while there is none; the page then names "the source repository" without a link, and points to
# the Space's own Files tab, which holds the app's code.
SOURCE_REPOSITORY_URL: str | None = None

BASE_MODEL_URL = "https://huggingface.co/sentence-transformers/all-MiniLM-L6-v2"
CAD_URL = "https://github.com/acmi-lab/counterfactually-augmented-data"
IMDB_URL = "https://ai.stanford.edu/~amaas/data/sentiment/"

FRONT_MATTER_FENCE = "---\n"

ABOUT = """\
# Why does BERT get this review wrong?

A lesson on how a fine-tuned BERT misreads movie reviews. The models here are small BERT-family
classifiers fine-tuned on IMDB reviews; they read most reviews right, and go wrong in ways worth
seeing: **irony** ("I'm glad I rented this movie for one reason: its shortcomings"), **"X, but Y"**
contrasts whose verdict comes after long praise, and **negation** ("while it isn't anywhere near his
best work ... recommended"). Each explanation colours the words that pushed the verdict (integrated
gradients): green toward positive, red toward negative.
"""

# The app's tabs, in the order app.py builds them (a test holds the two together).
TABS = (
    ("Lesson", "start here: the ways the model misreads reviews, one step at a time (literal opinion "
               "words, negation, \"X, but Y\", irony, borderline and long reviews), then the lab report's "
               "four reviews. Each step shows a real test review the model gets wrong, with its parts "
               "marked, and a minimal pair side by side. Use *Next* and *Previous*."),
    ("Classify", "paste a review, or upload a CSV with a `review` column, and get the verdict."),
    ("Explain", "which words pushed the verdict, the strongest ones, and how far to trust the explanation."),
    ("Mistakes", "the test reviews the models get wrong, filtered by trait (a contrast, dense negation, "
                 "an irony cue, a borderline rating...) with how often each trait is misread, the lab "
                 "report's reviews pinned, and what training on contrast pairs fixed and broke."),
    ("Robustness", "failure rates per phenomenon (negation, irony, \"X, but Y\", contrast pairs), and every "
                   "failing case, explained."),
    ("Patterns", "upload your own reviews with a category column: accuracy, misread rows and where the "
                 "push sits, per category, with a page to download for slides."),
    ("Contrast", "a review and an edited copy side by side, under two checkpoints; *Suggest edits* "
                 "proposes the edits a teacher would try (the verdict negated, the clauses around *but* "
                 "swapped, the last sentence dropped...), each with its verdict."),
    ("Model", "each checkpoint's metrics, confusion matrix and training curve, beside a TF-IDF baseline."),
)

CREDITS = f"""\
## Credits

- Reviews: the IMDB Large Movie Review Dataset, Maas et al. (2011), "Learning Word Vectors for
  Sentiment Analysis", ACL 2011 ([its page]({IMDB_URL}) sets its terms). The Space ships only the
  test reviews the app shows, not the dataset.
- Contrast pairs: the counterfactually augmented data of Kaushik, Hovy & Lipton (2020), "Learning the
  Difference that Makes a Difference with Counterfactually-Augmented Data", ICLR 2020
  ([acmi-lab/counterfactually-augmented-data]({CAD_URL}), Apache-2.0).
- Base model: [sentence-transformers/all-MiniLM-L6-v2]({BASE_MODEL_URL}) (Apache-2.0), a small BERT.
- The original lab report, which fine-tuned `bert-base-uncased` on IMDB and found the three kinds of
  review it misread; its experiments and its four misread reviews are where this app starts.
"""


def continued_checkpoint(report: dict) -> str | None:
    """The name of the shipped checkpoint this one continued training (``--model checkpoints/NAME``), or None."""
    model = Path(str(report.get("model", "")))
    return model.name if model.parent.name == CHECKPOINTS_DIR.name else None


def model_name(report: dict) -> str:
    """What a checkpoint is: its base model's Hub name, the checkpoint it continued, or the baseline's recipe."""
    model = str(report.get("model", "n/a"))
    parent = continued_checkpoint(report)
    if parent:
        return f"`{parent}`, trained further"
    return BASE_MODEL_IDS[model].split("/")[-1] if model in BASE_MODEL_IDS else model


# The models table: (column heading, Markdown alignment, the cell from a report.json). Figures are
# formatted the way the repository's own report tables print them (sentiment.run_report): thousands
# separators, 4 decimals.
COLUMNS = (
    ("model", "---", model_name),
    ("training reviews", "---:", lambda r: f"{r['train_size']:,}"),
    ("test accuracy", "---:", lambda r: f"{r['metrics']['accuracy']:.4f}"),
    ("F1 (weighted)", "---:", lambda r: f"{r['metrics']['f1']:.4f}"),
    # the tokens read per review at inference; "all" for the TF-IDF baseline, which reads every word
    ("reading length (tokens)", "---:", lambda r: f"{r.get('read_length', r.get('max_length', 'n/a'))}"),
)


def front_matter(readme: str) -> str:
    """The YAML front matter at the top of ``readme``, fences included; a DataError when it has none."""
    if not readme.startswith(FRONT_MATTER_FENCE):
        raise DataError("README.md does not start with a front matter ('---' on its first line)")
    end = readme.find("\n" + FRONT_MATTER_FENCE, len(FRONT_MATTER_FENCE) - 1)
    if end < 0:
        raise DataError("README.md's front matter has no closing '---' line")
    return readme[:end + 1 + len(FRONT_MATTER_FENCE)]


def read_checkpoint_reports(checkpoints_dir: str | Path) -> dict[str, dict]:
    """``{checkpoint name: its report.json}`` for every folder of ``checkpoints_dir`` that has one, by name."""
    folders = sorted(p.parent for p in Path(checkpoints_dir).glob(f"*/{REPORT_FILE}"))
    return {folder.name: read_report(folder) for folder in folders}


def models_table(reports: dict[str, dict]) -> str:
    """One row per checkpoint: its name and ``COLUMNS``' figures, as a Markdown table."""
    lines = ["| checkpoint | " + " | ".join(heading for heading, _, _ in COLUMNS) + " |",
             "| --- | " + " | ".join(align for _, align, _ in COLUMNS) + " |"]
    lines += [f"| `{name}` | " + " | ".join(cell(report) for _, _, cell in COLUMNS) + " |"
              for name, report in reports.items()]
    return "\n".join(lines)


def how_to_use() -> str:
    """The tabs, in order, each with what it is for."""
    tabs = "\n".join(f"{n}. **{name}**: {what}" for n, (name, what) in enumerate(TABS, 1))
    return (f"## How to use it\n\nPick a checkpoint at the top, then go through the tabs:\n\n{tabs}\n\n"
            "Every view has a download button: coloured texts as HTML pages, charts as PNG images, for "
            "slides. On the free CPU an explanation takes a few seconds.\n")


def models_section(reports: dict[str, dict]) -> str:
    """The shipped checkpoints' test figures, or nothing when no checkpoint has a report."""
    if not reports:
        return ""
    further = ("\nA checkpoint trained further counts only the reviews of its further training.\n"
               if any(continued_checkpoint(report) for report in reports.values()) else "")
    return (f"## The models\n\nMeasured on the IMDB test reviews; each row is read from the checkpoint's "
            f"`report.json`, and its model card (`checkpoints/NAME/README.md`) says how it was trained.\n\n"
            f"{models_table(reports)}\n{further}")


def source_line(url: str | None = SOURCE_REPOSITORY_URL) -> str:
    """Where the code lives: a link when the repository has a public address, else this Space's files."""
    where = (f"[the source repository]({url})" if url else
             "the source repository (the app's own code is in this Space's *Files* tab)")
    return f"## Source\n\nTraining, tests, benchmarks and the full write-up are in {where}.\n"


def space_readme(readme: str, reports: dict[str, dict], source_url: str | None = SOURCE_REPOSITORY_URL) -> str:
    """The Space's README: ``readme``'s front matter, then the page for visitors.

    Args:
        readme: the repository's README.md, whose front matter configures the Space.
        reports: ``{checkpoint name: report.json}`` of the shipped checkpoints (``read_checkpoint_reports``).
        source_url: the source repository's public address, or None while it has none.
    """
    sections = [ABOUT, how_to_use(), models_section(reports), CREDITS, source_line(source_url)]
    return front_matter(readme) + "\n" + "\n".join(section for section in sections if section)
