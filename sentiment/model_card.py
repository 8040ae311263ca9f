"""A Hugging Face model card (``README.md``) for a run folder, written from its ``report.json``."""
from __future__ import annotations

from pathlib import Path

from .run_report import duration, read_report
from .tokenization import HEAD_FRACTION

BASE_MODEL_IDS = {"minilm": "sentence-transformers/all-MiniLM-L6-v2"}

LIMITS = """\
- English movie reviews only, and only clearly polar ones: IMDB's labelled set has
  no 5-6 star reviews, so there is no neutral class and mixed reviews are forced
  to one side.
- Reviews longer than {max_length} tokens are cut: the first quarter and the
  last three quarters of the budget are kept (head + tail), the middle is never read.
- Known failure modes, shared with the lab report's BERT-base: irony ("I'm glad
  I rented this movie for one reason: its shortcomings"), contrasts whose
  conclusion is negative after long praise ("a technical marvel, but ... cannot
  be taken seriously"), praise phrased through negations ("isn't anywhere near
  his best work ... recommended"), and negative words aimed at the characters
  or the world of the film rather than the film itself.
- Trained on one corpus from one site; expect lower accuracy on other domains
  (product reviews, tweets) and on reviews written unlike IMDB's.
"""


CAD_NOTE = """- Contrast pairs: the CAD training pairs of Kaushik, Hovy & Lipton (ICLR 2020), "Learning the
  Difference that Makes a Difference with Counterfactually-Augmented Data"
  (github.com/acmi-lab/counterfactually-augmented-data, Apache-2.0): IMDB reviews and
  minimal edits that flip their label.
"""
TAGS = ["sentiment-analysis", "text-classification", "imdb", "movie-reviews"]


def hub_base_model(model: str) -> tuple[str, str | None]:
    """``(Hub id of the base model, local checkpoint it continued or None)``.

    A run that continued one of this repository's checkpoints (``--model
    checkpoints/NAME``) names that checkpoint; the Hub id is then its own base's.
    """
    path = Path(model)
    if (path / "report.json").is_file():
        return hub_base_model(read_report(path)["model"])[0], path.name
    return BASE_MODEL_IDS.get(model, model), None


def card_metadata(report: dict, name: str, **fields) -> str:
    """The card's YAML front matter, with a ``model-index`` of the test metrics (Hub evaluation results).

    Args:
        report: the run's ``report.json``.
        name: the model's name in the ``model-index``.
        fields: further ``ModelCardData`` fields (``library_name``, ``base_model``, ...).
    """
    from huggingface_hub import EvalResult, ModelCardData

    m = report["metrics"]
    results = [EvalResult(task_type="text-classification", task_name="Sentiment analysis",
                          dataset_type="stanfordnlp/imdb", dataset_name="IMDB (Maas et al., 2011)",
                          dataset_split="test", metric_type=key, metric_name=label, metric_value=round(m[key], 4))
               for key, label in (("accuracy", "Accuracy"), ("precision", "Precision (weighted)"),
                                  ("recall", "Recall (weighted)"), ("f1", "F1 (weighted)"))]
    data = ModelCardData(language="en", license="apache-2.0", datasets=["stanfordnlp/imdb"],
                         metrics=["accuracy", "f1"], tags=TAGS, model_name=name, eval_results=results, **fields)
    return f"---\n{data.to_yaml()}\n---\n"


def _results(report: dict) -> str:
    m = report["metrics"]
    rows = "\n".join(f"| {label} | {v['precision']:.4f} | {v['recall']:.4f} | {v['f1']:.4f} | {v['support']:,} |"
                     for label, v in m.get("per_class", {}).items())
    (tn, fp), (fn, tp) = m["confusion_matrix"]
    return f"""| metric | value |
| --- | --- |
| accuracy | {m['accuracy']:.4f} |
| precision (weighted) | {m['precision']:.4f} |
| recall (weighted) | {m['recall']:.4f} |
| F1 (weighted) | {m['f1']:.4f} |

| class | precision | recall | F1 | support |
| --- | --- | --- | --- | --- |
{rows}

Confusion matrix (rows: true, columns: predicted): negative {tn:,} / {fp:,}; positive {fn:,} / {tp:,}."""


def trade_off(report: dict, robustness: dict | None, parent_report: dict | None, parent_robustness: dict | None,
              parent: str) -> str:
    """A checkpoint that continued ``parent``: what the further training bought on the contrast pairs and
    cost on the IMDB test set, in numbers (both checkpoints' ``report.json`` and ``robustness.json``);
    empty where a figure is missing."""
    if not (robustness and parent_report and parent_robustness):
        return ""
    now, before = robustness["contrast_pairs"], parent_robustness["contrast_pairs"]
    accuracy, parent_accuracy = report["metrics"]["accuracy"], parent_report["metrics"]["accuracy"]
    rows = [("CAD dev pairs: both texts right (consistency)", before["consistency"], now["consistency"]),
            ("CAD dev: accuracy on the edits", before["accuracy_edited"], now["accuracy_edited"]),
            ("CAD dev: accuracy on the originals", before["accuracy_original"], now["accuracy_original"])]
    lines = [f"| {label} | {b:.1%} | {a:.1%} | {100 * (a - b):+.1f} points |" for label, b, a in rows]
    lines.append(f"| IMDB test accuracy ({report['test_size']:,} reviews) | {parent_accuracy:.4f} | {accuracy:.4f} | "
                 f"{100 * (accuracy - parent_accuracy):+.2f} points |")
    return (f"""## The trade-off

What the further training on contrast pairs bought and what it cost, against `{parent}`
(CAD dev figures from `python -m sentiment robustness`, test accuracy from each `report.json`):

| | `{parent}` | this checkpoint | change |
| --- | --- | --- | --- |
""" + "\n".join(lines) + "\n\n")


def reading_section(report: dict) -> str:
    """How many tokens the model reads at inference and how that was chosen (``sentiment.read_length``);
    empty for a run whose reading length was never chosen (it reads its training length)."""
    reading = report.get("reading")
    if not reading:
        return ""
    rows = []
    for length, figures in reading["lengths"].items():
        a, d = figures["accuracy"], figures.get("minus_longest")
        difference = (f"{d['mean']:+.4f} ({d['low']:+.4f} to {d['high']:+.4f})" if d and d["low"] is not None
                      else "")
        rows.append(f"| {length} | {a['mean']:.4f} ({a['low']:.4f} to {a['high']:.4f}) | {difference} |")
    before = report.get("metrics_at_training_length")
    test = (f"On the test set, measured once after the choice: accuracy {report['metrics']['accuracy']:.4f} "
            f"reading {report['read_length']} tokens" +
            (f", against {before['accuracy']:.4f} reading the training length ({report['max_length']})."
             if before else "."))
    return (f"""## Reading length

Trained on {report['max_length']} tokens, the model reads **{report['read_length']} tokens** per review at
inference (head + tail of a longer one; `review_read_length` in `config.json`), chosen on the
{reading.get('validation_size') or 0:,} validation reviews, never the test set
(`python -m sentiment read-length --save`; 95% intervals):

| tokens read | validation accuracy | minus the longest (paired) |
| --- | --- | --- |
""" + "\n".join(rows) + f"""

Chosen: {reading['chosen']}, because {reading['reason']}. {test}

""")


def _json_or_none(path: Path) -> dict | None:
    import json

    return json.loads(path.read_text()) if path.is_file() else None


def model_card(report: dict, name: str, directory: Path | None = None) -> str:
    """The card of a fine-tuned run; ``directory``: its folder, where a trade-off against the checkpoint
    it continued is read (that checkpoint is looked for beside it)."""
    base, parent = hub_base_model(report["model"])
    trade = _trade_off_beside(report, parent, directory) if parent and directory is not None else ""
    read_length = report.get("read_length", report["max_length"])
    metadata = card_metadata(report, name, library_name="transformers", pipeline_tag="text-classification",
                             base_model=base)
    return (f"{metadata}\n# {name}\n\n" + _usage_section(report, name, base, parent) + _data_section(report)
            + _recipe_section(report) + _results_section(report) + reading_section(report) + trade
            + f"\n## Limits\n\n{LIMITS.format(max_length=read_length)}")


def _trade_off_beside(report: dict, parent: str, directory: Path) -> str:
    """:func:`trade_off` against ``parent``, the checkpoint looked for beside ``directory``."""
    sibling = directory.parent / parent
    return trade_off(report, _json_or_none(directory / "robustness.json"),
                     _json_or_none(sibling / "report.json"), _json_or_none(sibling / "robustness.json"), parent)


def _usage_section(report: dict, name: str, base: str, parent: str | None) -> str:
    """What the model is, how to run it, and what it reads: the card's opening, under its title."""
    max_length = report["max_length"]
    read_length = report.get("read_length", max_length)
    head = int((read_length - 2) * HEAD_FRACTION)
    stored = "fp16" if report.get("saved_dtype") == "fp16" else "fp32"
    return f"""A binary sentiment classifier for English movie reviews (`negative` / `positive`),
fine-tuned from [{base}](https://huggingface.co/{base}){f" (continuing this repository's `{parent}` checkpoint)" if parent else ""} on IMDB reviews
(Maas et al., 2011) with this repository's `python -m sentiment train`.

```python
from transformers import pipeline
classify = pipeline("text-classification", model="checkpoints/{name}")  # or its Hub repo id
classify("A technical marvel, but the script cannot be taken seriously.", truncation=True)
```

`truncation=True` matters: without it the pipeline fails on reviews longer than
512 tokens (about one IMDB review in eight). The pipeline then keeps the *first*
512 tokens; this model was evaluated reading the first {head} and the
last {read_length - 2 - head} word pieces of a long review (head + tail, Sun et al., 2019),
which is what `sentiment.predictor.Predictor.from_pretrained("checkpoints/{name}")`
and `python -m sentiment predict` do. On long reviews the two can disagree.

Weights are stored as {stored} safetensors; `config.json` says `float32`, so
`from_pretrained` and the pipeline load and compute in fp32 on a CPU. It also
carries the label names, `review_max_length` ({max_length}), the truncation length used in training, and
`review_read_length` ({read_length}), the tokens it reads per review at inference.

"""


def _data_section(report: dict) -> str:
    """What the run trained and was tested on."""
    return f"""## Data

{CAD_NOTE if "CAD" in report['protocol'] else ""}- Training: {report['train_size']:,} reviews ({report['protocol']}), plus
  {report.get('validation_size', 0):,} held out from the training part to choose the best step.
- Test: {report['test_size']:,} reviews. The lab report's four misread reviews
  (`train/pos/12398_8`, `test/neg/8977_4`, `train/neg/3907_3`, `test/pos/1235_8`)
  are never trained on.

"""


def _recipe_section(report: dict) -> str:
    """How the run trained: its settings, device, precision and time."""
    t, c = report["timings"], report.get("config", {})
    attention_dropout = (f"attention dropout {c['attention_dropout']}" if "attention_dropout" in c
                         else "the base model's attention dropout")
    return f"""## Recipe

{c.get('epochs', 'n/a')} epoch(s), AdamW, learning rate {c.get('learning_rate', 'n/a')}, batch size
{c.get('batch_size', 'n/a')}, linear warm-up over {c.get('warmup', 0):.0%} of the steps and linear decay,
weight decay {c.get('weight_decay', 'n/a')}, gradient clipping at {c.get('max_grad_norm', 'n/a')},
{attention_dropout}, max length {report['max_length']} tokens with head + tail truncation, batches grouped by length;
trained on {report['device']['training']} in {report['mixed_precision']['training']}
({duration(t.get('training_s'))}, {t.get('training_samples_per_s', 0):.1f} samples/s),
evaluated on {report['device']['evaluation']} in {report['mixed_precision']['evaluation']}
({duration(t.get('evaluation_s'))}).

"""


def _results_section(report: dict) -> str:
    """The test figures, at the length the model reads."""
    return f"""## Results on the test set

Reading {report.get('read_length', report['max_length'])} tokens per review:

{_results(report)}

`predictions.csv.gz` holds every test prediction (`id`, `sentiment`, `predicted`,
`p_positive`); the review texts stay in the dataset.

"""


def baseline_card(report: dict, name: str) -> str:
    """The card of the TF-IDF baseline: what it is, how to rebuild it, and its test figures."""
    metadata = card_metadata(report, name, library_name="sklearn", pipeline_tag="text-classification")
    return f"""{metadata}
# {name}

The bar a fine-tuned model has to clear: {report['model']} on the same IMDB
split as the fine-tuned checkpoints ({report['train_size']:,} training reviews,
{report['test_size']:,} test reviews), reading every word of every review (no truncation).

Only its report and test predictions ship: the fitted vectoriser and classifier
would be a pickle, which this project does not distribute. Rebuild it in a few
seconds with `python -m sentiment baseline --output checkpoints/{name}`.

## Results on the test set

{_results(report)}

`predictions.csv.gz` holds every test prediction (`id`, `sentiment`, `predicted`, `p_positive`).
"""


def write_model_card(directory: str | Path) -> Path:
    """Write the model card ``README.md`` of the run folder ``directory`` from its ``report.json`` (the
    baseline's card where the report records no training config); returns its path."""
    directory = Path(directory)
    path = directory / "README.md"
    report = read_report(directory)
    if "config" in report:  # only fine-tuned runs record a config
        path.write_text(model_card(report, directory.name, directory))
    else:
        path.write_text(baseline_card(report, directory.name))
    return path
