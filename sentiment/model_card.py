"""A Hugging Face model card (``README.md``) for a run folder, written from its ``report.json``."""
from __future__ import annotations

from pathlib import Path

from .report import duration, read_report

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


def model_card(report: dict, name: str) -> str:
    base = BASE_MODEL_IDS.get(report["model"], report["model"])
    m, t, c = report["metrics"], report["timings"], report.get("config", {})
    per_class = m.get("per_class", {})
    attention_dropout = (f"attention dropout {c['attention_dropout']}" if "attention_dropout" in c
                         else "the base model's attention dropout")
    rows = "\n".join(f"| {label} | {v['precision']:.4f} | {v['recall']:.4f} | {v['f1']:.4f} | {v['support']:,} |"
                     for label, v in per_class.items())
    (tn, fp), (fn, tp) = m["confusion_matrix"]
    return f"""---
license: apache-2.0
language: en
library_name: transformers
pipeline_tag: text-classification
base_model: {base}
datasets:
- stanfordnlp/imdb
metrics:
- accuracy
- f1
---

# {name}

A binary sentiment classifier for English movie reviews (`negative` / `positive`),
fine-tuned from [{base}](https://huggingface.co/{base}) on IMDB reviews
(Maas et al., 2011) with this repository's `python -m sentiment train`.

```python
from transformers import pipeline
classify = pipeline("text-classification", model="checkpoints/{name}")  # or its Hub repo id
classify("A technical marvel, but the script cannot be taken seriously.")
```

Weights are stored as fp16 safetensors; `from_pretrained(..., dtype=torch.float32)`
loads them as fp32. `config.json` carries the label names and `review_max_length`,
the truncation length used in training.

## Data

- Training: {report['train_size']:,} reviews ({report['protocol']}), plus
  {report.get('validation_size', 0):,} held out from the training part to choose the best step.
- Test: {report['test_size']:,} reviews. The lab report's four misread reviews
  (`train/pos/12398_8`, `test/neg/8977_4`, `train/neg/3907_3`, `test/pos/1235_8`)
  are never trained on.

## Recipe

{c.get('epochs', 'n/a')} epoch(s), AdamW, learning rate {c.get('learning_rate', 'n/a')}, batch size
{c.get('batch_size', 'n/a')}, linear warm-up over {c.get('warmup', 0):.0%} of the steps and linear decay,
weight decay {c.get('weight_decay', 'n/a')}, gradient clipping at {c.get('max_grad_norm', 'n/a')},
{attention_dropout}, max length {report['max_length']} tokens with head + tail truncation, batches grouped by length;
trained on {report['device']['training']} in {report['mixed_precision']['training']}
({duration(t.get('training_s'))}, {t.get('training_samples_per_s', 0):.1f} samples/s),
evaluated on {report['device']['evaluation']} in {report['mixed_precision']['evaluation']}
({duration(t.get('evaluation_s'))}).

## Results on the test set

| metric | value |
| --- | --- |
| accuracy | {m['accuracy']:.4f} |
| precision (weighted) | {m['precision']:.4f} |
| recall (weighted) | {m['recall']:.4f} |
| F1 (weighted) | {m['f1']:.4f} |

| class | precision | recall | F1 | support |
| --- | --- | --- | --- | --- |
{rows}

Confusion matrix (rows: true, columns: predicted): negative {tn:,} / {fp:,}; positive {fn:,} / {tp:,}.

`predictions.csv.gz` holds every test prediction (`id`, `sentiment`, `predicted`,
`p_positive`); the review texts stay in the dataset.

## Limits

{LIMITS.format(max_length=report['max_length'])}"""


def write_model_card(directory: str | Path) -> Path:
    directory = Path(directory)
    path = directory / "README.md"
    path.write_text(model_card(read_report(directory), directory.name))
    return path
