"""sentiment.model: saving and loading checkpoints (fp32 or fp16 on disk, fp32 in memory), parameter counts."""
import copy
import json

import numpy as np
import pytest
import torch
from conftest import tiny_config
from safetensors import safe_open
from transformers import AutoModelForSequenceClassification, AutoTokenizer, BertConfig, BertForSequenceClassification

from sentiment.errors import CheckpointError
from sentiment.evaluate import predict_proba
from sentiment.model import (MAX_LENGTH_KEY, check_model_source, checkpoint_max_length, count_parameters,
                             load_checkpoint, save_checkpoint)
from sentiment.predictor import Predictor
from sentiment.study import load_study_reviews


@pytest.fixture(scope="module")
def opinionated_model():
    """A random tiny BERT with wide initial weights: its P(positive) spreads over (0, 1) instead of
    sitting at 0.5, so that a reload that changed the weights would show."""
    torch.manual_seed(0)
    return BertForSequenceClassification(tiny_config(initializer_range=0.5)).eval()


@pytest.fixture(scope="module")
def texts():
    return load_study_reviews()["review"].tolist()[:40]  # shipped with the repository


def test_bert_base_parameter_counts_match_the_report():
    counts = count_parameters(BertForSequenceClassification(BertConfig(num_labels=2)))
    assert counts == {"total": 109_483_778, "head": 1_538}  # head: 768 x 2 weights + 2 biases


def test_tiny_model_head_is_what_is_outside_the_encoder():
    assert count_parameters(BertForSequenceClassification(tiny_config()))["head"] == 32 * 2 + 2


def test_saved_checkpoint_reloads_with_the_same_predictions(opinionated_model, tokenizer, texts, tmp_path):
    expected = predict_proba(opinionated_model, tokenizer, texts, 64, "cpu", "fp32")
    assert expected.std() > 0.2  # the check below means something only if the predictions differ
    save_checkpoint(opinionated_model, tokenizer, tmp_path / "fp32", max_length=64)
    save_checkpoint(opinionated_model, tokenizer, tmp_path / "fp16", max_length=64, dtype="fp16")
    reloaded = Predictor.from_pretrained(tmp_path / "fp32", precision="fp32")
    assert reloaded.max_length == 64
    np.testing.assert_allclose(reloaded.p_positive(texts), expected, atol=1e-6)
    half = Predictor.from_pretrained(tmp_path / "fp16", precision="fp32")
    assert next(half.model.parameters()).dtype == torch.float32  # stored fp16, loaded fp32
    # exactly the model with its weights rounded to fp16, computed in fp32
    rounded = copy.deepcopy(opinionated_model).half().float()
    np.testing.assert_allclose(half.p_positive(texts), predict_proba(rounded, tokenizer, texts, 64, "cpu", "fp32"),
                               atol=1e-6)
    assert (tmp_path / "fp16" / "model.safetensors").stat().st_size < \
        0.6 * (tmp_path / "fp32" / "model.safetensors").stat().st_size
    assert next(opinionated_model.parameters()).dtype == torch.float32  # saving fp16 left the model alone


def test_fp16_checkpoint_loads_and_computes_in_fp32(tmp_path, tokenizer):
    save_checkpoint(BertForSequenceClassification(tiny_config()), tokenizer, tmp_path, max_length=64, dtype="fp16")
    with safe_open(str(tmp_path / "model.safetensors"), "pt") as weights:
        assert weights.get_tensor("classifier.weight").dtype == torch.float16  # small files
    assert AutoModelForSequenceClassification.from_pretrained(tmp_path).dtype == torch.float32  # dtype="auto"


def test_checkpoint_records_its_max_length_and_label_names(tmp_path, tokenizer):
    save_checkpoint(BertForSequenceClassification(tiny_config()), tokenizer, tmp_path, max_length=128)
    config = json.loads((tmp_path / "config.json").read_text())
    assert config[MAX_LENGTH_KEY] == 128
    assert config["id2label"] == {"0": "negative", "1": "positive"}
    model, _ = load_checkpoint(tmp_path)
    assert checkpoint_max_length(model, 256) == 128
    assert model.config.id2label == {0: "negative", 1: "positive"}


def test_a_model_without_a_recorded_max_length_gets_the_default():
    assert checkpoint_max_length(BertForSequenceClassification(tiny_config()), 256) == 256


def test_a_folder_that_is_not_a_checkpoint_is_a_clear_error(tmp_path):
    with pytest.raises(CheckpointError, match="not a checkpoint \\(no config.json\\)"):
        load_checkpoint(tmp_path)
    with pytest.raises(CheckpointError, match="no/such/dir: no such checkpoint folder"):
        load_checkpoint("no/such/dir")
    with pytest.raises(CheckpointError, match="--model no/such/base: no model folder there"):
        check_model_source("no/such/base")


def test_a_saved_checkpoint_keeps_no_machine_local_tokenizer_settings(tmp_path, tokenizer):
    from sentiment.model import TOKENIZER_LEFTOVERS, drop_tokenizer_leftovers

    # a tokenizer loaded the way the shipped checkpoints' were: offline, with a truncation length
    from sentiment.model import resolve_model_path

    loaded = AutoTokenizer.from_pretrained(resolve_model_path("minilm"), local_files_only=True, max_length=128)
    save_checkpoint(BertForSequenceClassification(tiny_config()), loaded, tmp_path, max_length=64)
    config = json.loads((tmp_path / "tokenizer_config.json").read_text())
    assert not set(TOKENIZER_LEFTOVERS) & set(config)
    assert AutoTokenizer.from_pretrained(tmp_path)("A fine film.")["input_ids"] == tokenizer("A fine film.")["input_ids"]
    # and an old folder is cleaned in place, saying what went
    (tmp_path / "tokenizer_config.json").write_text(json.dumps({**config, "is_local": True, "max_length": 128}))
    assert drop_tokenizer_leftovers(tmp_path) == ["is_local", "max_length"]
    assert json.loads((tmp_path / "tokenizer_config.json").read_text()) == config
    assert drop_tokenizer_leftovers(tmp_path / "nowhere") == []


@pytest.mark.parametrize("name", ["minilm-imdb-25k", "minilm-imdb-8k", "minilm-imdb-cad"])
def test_the_shipped_tokenizer_configs_carry_no_leftovers(name):
    from sentiment.model import TOKENIZER_LEFTOVERS
    from sentiment.paths import shipped_checkpoint

    config = json.loads((shipped_checkpoint(name) / "tokenizer_config.json").read_text())
    assert not set(TOKENIZER_LEFTOVERS) & set(config)
