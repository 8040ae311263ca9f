import numpy as np
import pytest
from transformers import BertConfig, BertForSequenceClassification

from sentiment.evaluate import classification_metrics
from sentiment.model import count_parameters
from sentiment.report import markdown_table


def test_bert_base_parameter_counts_match_the_report():
    counts = count_parameters(BertForSequenceClassification(BertConfig(num_labels=2)))
    assert counts == {"total": 109_483_778, "head": 1_538}


def test_metrics_agree_with_a_hand_computed_confusion_matrix():
    rng = np.random.default_rng(3)
    y_true = rng.integers(0, 2, 400)
    y_pred = np.where(rng.random(400) < 0.8, y_true, 1 - y_true)
    tp = int(((y_true == 1) & (y_pred == 1)).sum())
    tn = int(((y_true == 0) & (y_pred == 0)).sum())
    fp = int(((y_true == 0) & (y_pred == 1)).sum())
    fn = int(((y_true == 1) & (y_pred == 0)).sum())
    m = classification_metrics(y_true, y_pred)
    assert m["confusion_matrix"] == [[tn, fp], [fn, tp]]
    assert m["accuracy"] == pytest.approx((tp + tn) / 400)
    p_pos, r_pos = tp / (tp + fp), tp / (tp + fn)
    p_neg, r_neg = tn / (tn + fn), tn / (tn + fp)
    assert m["per_class"]["positive"]["precision"] == pytest.approx(p_pos)
    assert m["per_class"]["negative"]["recall"] == pytest.approx(r_neg)
    n_pos, n_neg = tp + fn, tn + fp
    assert m["precision"] == pytest.approx((p_pos * n_pos + p_neg * n_neg) / 400)
    assert m["recall"] == pytest.approx((r_pos * n_pos + r_neg * n_neg) / 400)
    f1 = lambda p, r: 2 * p * r / (p + r)  # noqa: E731
    assert m["f1"] == pytest.approx((f1(p_pos, r_pos) * n_pos + f1(p_neg, r_neg) * n_neg) / 400)


def test_markdown_table_has_one_column_per_run():
    report = {"device": {"training": "cpu", "evaluation": "cpu"},
              "mixed_precision": {"training": "bf16", "evaluation": "bf16"},
              "train_size": 8000, "test_size": 2000, "max_length": 256, "truncation": "head+tail",
              "timings": {"tokenisation_s": 10.2, "training_s": 1559, "training_samples_per_s": 5.1,
                          "evaluation_s": 59, "evaluation_reviews_per_s": 33.9},
              "metrics": {"accuracy": 0.883, "precision": 0.883, "recall": 0.883, "f1": 0.883},
              "parameters": {"total": 109_483_778, "head": 1_538}}
    table = markdown_table({"flow1": report, "flow2": report})
    assert table.splitlines()[0] == "| | flow1 | flow2 |"
    assert "| fine-tuning | 25 min 59 s | 25 min 59 s |" in table
    assert "| parameters (model) | 109,483,778 | 109,483,778 |" in table
    assert "| training set | 8,000 | 8,000 |" in table
    assert "| best validation accuracy | n/a | n/a |" in table
    validated = {**report, "validation_size": 500,
                 "validation": [{"eval_accuracy": 0.91, "step": 300}, {"eval_accuracy": 0.93, "step": 600},
                                {"eval_accuracy": 0.92, "step": 900}]}
    assert "| best validation accuracy | 0.9300 (of 500) | n/a |" in markdown_table({"a": validated, "b": report})


def test_fp16_checkpoint_loads_and_computes_in_fp32(tmp_path, tokenizer):
    import torch
    from safetensors import safe_open
    from transformers import AutoModelForSequenceClassification, BertForSequenceClassification
    from conftest import tiny_config

    from sentiment.model import save_checkpoint

    save_checkpoint(BertForSequenceClassification(tiny_config()), tokenizer, tmp_path, max_length=64, dtype="fp16")
    with safe_open(str(tmp_path / "model.safetensors"), "pt") as weights:
        assert weights.get_tensor("classifier.weight").dtype == torch.float16  # small files
    assert AutoModelForSequenceClassification.from_pretrained(tmp_path).dtype == torch.float32  # dtype="auto"
