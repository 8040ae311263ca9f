"""Which device runs a stage, and in which precision."""
from __future__ import annotations

import contextlib
import platform
import warnings
from pathlib import Path
from typing import Literal, get_args

import torch

from .errors import ArgumentError

# What a person may ask for; "auto" is resolved once, where a command or the app starts
# (resolve_device, resolve_precision), and only resolved values travel further in.
Device = Literal["auto", "cpu", "cuda", "mps"]
Precision = Literal["auto", "bf16", "fp16", "fp32"]
DEVICES = get_args(Device)
PRECISIONS = get_args(Precision)
RESOLVED_PRECISIONS = ("bf16", "fp16", "fp32")
# What every entry point asks for unless told otherwise: bf16 where the hardware computes it natively.
DEFAULT_PRECISION: Precision = "auto"
DTYPES = {"bf16": torch.bfloat16, "fp16": torch.float16}


class DeviceError(ArgumentError):
    """A requested device or precision that this machine cannot provide."""


def mps_available() -> bool:
    """Whether this torch has Apple's Metal (MPS) backend and the machine can use it."""
    return hasattr(torch.backends, "mps") and torch.backends.mps.is_available()


def resolve_device(name: str = "auto") -> str:
    """``auto`` means CUDA, then MPS, then CPU; naming an absent device is an error."""
    if name not in DEVICES:
        raise DeviceError(f"unknown device {name!r}; choose one of {', '.join(DEVICES)}")
    if name == "auto":
        return "cuda" if torch.cuda.is_available() else "mps" if mps_available() else "cpu"
    if name == "cuda" and not torch.cuda.is_available():
        raise DeviceError("--device cuda: no CUDA GPU is visible to PyTorch "
                          f"(torch {torch.__version__}, built for CUDA {torch.version.cuda})")
    if name == "mps" and not mps_available():
        raise DeviceError("--device mps: Apple's Metal backend is not available on this machine")
    return name


def accelerator_or_cpu() -> str:
    """The best accelerator, or the CPU with a warning (the report's accelerator flows)."""
    device = resolve_device("auto")
    if device == "cpu":
        warnings.warn("no CUDA or MPS device found: running the accelerator stage on the CPU", stacklevel=2)
    return device


def cpu_has_bf16() -> bool:
    """Native bf16 arithmetic (AVX-512 BF16 or AMX); without it bf16 is emulated and slow."""
    cpuinfo = Path("/proc/cpuinfo")
    if platform.system() == "Linux" and cpuinfo.exists():
        flags = cpuinfo.read_text(errors="ignore")
        return "avx512_bf16" in flags or "amx_bf16" in flags
    return False


def resolve_precision(device: str, name: str = DEFAULT_PRECISION) -> str:
    """The precision a stage runs in on ``device`` (a resolved device), for the requested ``name``.

    ``auto``: bf16 on CUDA GPUs and CPUs that support it, fp16 on MPS and older
    GPUs, else fp32. A resolved name comes back unchanged (if the device has it).
    """
    if name not in PRECISIONS:
        raise DeviceError(f"unknown precision {name!r}; choose one of {', '.join(PRECISIONS)}")
    if name != "auto":
        if name == "fp16" and device == "cpu":
            raise DeviceError("--precision fp16 is not supported on the CPU; use bf16 or fp32")
        return name
    if device == "cuda":
        return "bf16" if torch.cuda.is_bf16_supported() else "fp16"
    if device == "mps":
        return "fp16"
    return "bf16" if cpu_has_bf16() else "fp32"


def require_resolved(precision: str) -> str:
    """``precision`` if it is a resolved one (bf16, fp16, fp32); "auto" here is a bug in the caller."""
    if precision not in RESOLVED_PRECISIONS:
        raise TypeError(f"precision {precision!r} is not resolved: pass it through resolve_precision first")
    return precision


def autocast(device: str, precision: str):
    """The autocast context for a stage in a resolved ``precision``, or a no-op for fp32."""
    if require_resolved(precision) == "fp32":
        return contextlib.nullcontext()
    return torch.autocast(device_type=device, dtype=DTYPES[precision])


def store_linear_weights_as_autocast_computes(model: torch.nn.Module, precision: str) -> torch.nn.Module:
    """Store ``model``'s linear layers in the dtype ``autocast(device, precision)`` computes them in; fp32
    leaves it as it is. For a model that only ever runs under that autocast (an explainer's own copy):
    autocast casts an fp32 weight anew in every autocast region, a few ms per pass of MiniLM on a
    2-core CPU; a weight stored in bf16 is used as it is, for the same numbers bit for bit. Layer norms
    and embeddings stay in fp32, as autocast reads them. Returns ``model``.
    """
    if require_resolved(precision) == "fp32":
        return model
    for module in model.modules():
        if isinstance(module, torch.nn.Linear):
            module.to(DTYPES[precision])
    return model
