"""sentiment.devices: "auto" is resolved once, where a command starts; only resolved names travel further in."""
import contextlib

import pytest
import torch

from sentiment import devices
from sentiment.devices import (DeviceError, RESOLVED_PRECISIONS, autocast, require_resolved, resolve_device,
                               resolve_precision)


@pytest.fixture
def no_accelerator(monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    monkeypatch.setattr(devices, "mps_available", lambda: False)


@pytest.mark.parametrize("precision", ["bf16", "fp16", "fp32"])
def test_a_resolved_precision_passes_unchanged(precision):
    assert require_resolved(precision) == precision


@pytest.mark.parametrize("precision", ["auto", "float32", ""])
def test_an_unresolved_precision_is_a_bug_in_the_caller(precision):
    with pytest.raises(TypeError, match=f"precision {precision!r} is not resolved"):
        require_resolved(precision)


@pytest.mark.parametrize("device, name, expected", [
    ("cpu", "fp32", "fp32"), ("cpu", "bf16", "bf16"),
    ("cuda", "fp16", "fp16"), ("cuda", "bf16", "bf16"), ("cuda", "fp32", "fp32"),
    ("mps", "fp16", "fp16"), ("mps", "auto", "fp16"),
])
def test_resolve_precision_returns_a_resolved_name(device, name, expected):
    assert resolve_precision(device, name) == expected
    assert expected in RESOLVED_PRECISIONS


@pytest.mark.parametrize("has_bf16, expected", [(True, "bf16"), (False, "fp32")])
def test_auto_on_the_cpu_is_bf16_only_where_the_cpu_computes_it(monkeypatch, has_bf16, expected):
    monkeypatch.setattr(devices, "cpu_has_bf16", lambda: has_bf16)
    assert resolve_precision("cpu", "auto") == expected
    assert resolve_precision("cpu") == expected  # "auto" is the default


@pytest.mark.parametrize("has_bf16, expected", [(True, "bf16"), (False, "fp16")])
def test_auto_on_cuda_is_bf16_where_the_gpu_has_it_else_fp16(monkeypatch, has_bf16, expected):
    monkeypatch.setattr(torch.cuda, "is_bf16_supported", lambda *a, **k: has_bf16)
    assert resolve_precision("cuda", "auto") == expected


def test_fp16_on_the_cpu_and_unknown_names_are_refused():
    with pytest.raises(DeviceError, match="--precision fp16 is not supported on the CPU; use bf16 or fp32"):
        resolve_precision("cpu", "fp16")
    with pytest.raises(DeviceError, match="unknown precision 'fp8'; choose one of auto, bf16, fp16, fp32"):
        resolve_precision("cpu", "fp8")


def test_auto_device_falls_back_to_the_cpu(no_accelerator):
    assert resolve_device("auto") == "cpu"
    assert resolve_device() == "cpu"


def test_auto_device_prefers_cuda_then_mps(monkeypatch):
    monkeypatch.setattr(devices, "mps_available", lambda: True)
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    assert resolve_device("auto") == "cuda"
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    assert resolve_device("auto") == "mps"


def test_named_devices_must_be_there(no_accelerator):
    assert resolve_device("cpu") == "cpu"
    with pytest.raises(DeviceError, match="--device cuda: no CUDA GPU is visible to PyTorch"):
        resolve_device("cuda")
    with pytest.raises(DeviceError, match="--device mps: Apple's Metal backend is not available"):
        resolve_device("mps")
    with pytest.raises(DeviceError, match="unknown device 'tpu'; choose one of auto, cpu, cuda, mps"):
        resolve_device("tpu")


def test_accelerator_or_cpu_warns_when_it_falls_back(no_accelerator):
    with pytest.warns(UserWarning, match="no CUDA or MPS device found"):
        assert devices.accelerator_or_cpu() == "cpu"


def test_autocast_is_a_no_op_in_fp32_and_casts_otherwise():
    assert isinstance(autocast("cpu", "fp32"), contextlib.nullcontext)
    with autocast("cpu", "bf16"):
        product = torch.ones(2, 2) @ torch.ones(2, 2)
    assert product.dtype == torch.bfloat16
    with autocast("cpu", "fp32"):
        assert (torch.ones(2, 2) @ torch.ones(2, 2)).dtype == torch.float32
    with pytest.raises(TypeError, match="not resolved"):
        autocast("cpu", "auto")


@pytest.mark.parametrize("precision", ["bf16", "fp32"])
def test_linear_weights_stored_as_autocast_computes_give_the_same_logits_bit_for_bit(precision):
    from transformers import BertForSequenceClassification

    from conftest import tiny_config
    from sentiment.devices import store_linear_weights_as_autocast_computes

    torch.manual_seed(0)
    model = BertForSequenceClassification(tiny_config(initializer_range=0.2)).eval()
    stored = BertForSequenceClassification(tiny_config(initializer_range=0.2)).eval()
    stored.load_state_dict(model.state_dict())
    assert store_linear_weights_as_autocast_computes(stored, precision) is stored
    expected = torch.bfloat16 if precision == "bf16" else torch.float32
    assert stored.bert.encoder.layer[0].attention.self.query.weight.dtype == expected
    assert stored.classifier.bias.dtype == expected
    # what autocast reads in fp32 stays fp32
    assert stored.bert.embeddings.word_embeddings.weight.dtype == torch.float32
    assert stored.bert.encoder.layer[0].output.LayerNorm.weight.dtype == torch.float32
    ids = torch.tensor([[101, 2204, 2143, 1010, 2025, 2919, 102]])
    with torch.no_grad(), autocast("cpu", precision):
        assert torch.equal(stored(input_ids=ids).logits, model(input_ids=ids).logits)
