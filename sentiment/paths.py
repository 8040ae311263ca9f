"""Where everything lives: the checkpoints and the error study's files the repository ships, and the data
it reads (the IMDB split, the CAD contrast pairs), with the environment variables that move them.

Decided here alone; the readers and the download take their paths from this module. Only the standard
library: ``python -m sentiment data download`` answers at once, without loading pandas or torch.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
CHECKPOINTS_DIR = REPO_ROOT / "checkpoints"
STUDY_DIR = REPO_ROOT / "study"

# The shipped checkpoints by role: the error study compares SMALL with LARGE (they differ only in
# training data), CAD continues LARGE on contrast pairs (absent until one earns its place).
SMALL_CHECKPOINT = "minilm-imdb-8k"
LARGE_CHECKPOINT = "minilm-imdb-25k"
CAD_CHECKPOINT = "minilm-imdb-cad"
BASELINE_CHECKPOINT = "tfidf-baseline"
# What the command lines explain and the app offers first: the one trained on the most reviews.
DEFAULT_CHECKPOINT = CHECKPOINTS_DIR / LARGE_CHECKPOINT


def shipped_checkpoint(name: str) -> Path:
    """The folder of the shipped checkpoint called ``name`` (it may not exist)."""
    return CHECKPOINTS_DIR / name


def _shared(name: str) -> list[Path]:
    """``shared/data/NAME`` inside the repository, then next to it."""
    return [REPO_ROOT / "shared/data" / name, REPO_ROOT.parent / "shared/data" / name]


# ---- the IMDB split: train.csv.gz and test.csv.gz (``python -m sentiment data download``) ----------------

SPLITS = ("train", "test")
DATA_FILES = tuple(f"{split}.csv.gz" for split in SPLITS)


def user_cache_dir() -> Path:
    """The platform's per-user cache folder for the converted data."""
    home = Path.home()
    if sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA") or home / "AppData" / "Local"
    elif sys.platform == "darwin":
        base = home / "Library" / "Caches"
    else:
        xdg = os.environ.get("XDG_CACHE_HOME", "")
        base = xdg if os.path.isabs(xdg) else home / ".cache"  # the XDG spec ignores relative paths
    return Path(base) / "imdb-sentiment" / "imdb"


def data_dir_is_set() -> bool:
    """Whether ``$IMDB_DATA_DIR`` names the data folder: then the only one searched, and where downloads go."""
    return bool(os.environ.get("IMDB_DATA_DIR"))


def searched_dirs() -> list[Path]:
    """Where the data is looked for, in order: ``$IMDB_DATA_DIR`` alone if set, else the
    per-user cache, then ``shared/data/imdb`` inside or next to the repository."""
    if data_dir_is_set():
        return [Path(os.environ["IMDB_DATA_DIR"]).expanduser()]
    return [user_cache_dir(), *_shared("imdb")]


def has_data(folder: Path) -> bool:
    """Whether ``folder`` holds both files of the split (``DATA_FILES``)."""
    return all((folder / name).is_file() for name in DATA_FILES)


def default_data_dir() -> Path:
    """The first searched folder that holds both files, else the first that exists, else the cache."""
    candidates = searched_dirs()
    for folder in candidates:
        if has_data(folder):
            return folder
    for folder in candidates:
        if folder.is_dir():
            return folder
    return candidates[0]


def download_dir() -> Path:
    """Where ``data download`` writes: ``$IMDB_DATA_DIR`` if set, else the per-user cache."""
    return searched_dirs()[0]


# ---- the CAD contrast pairs (Kaushik et al., 2020): dev pairs shipped, train pairs not -----------------

CAD_DEV_FILE = "dev_paired.csv.gz"
CAD_TRAIN_FILE = "train_paired.csv.gz"
SHIPPED_CAD = STUDY_DIR / "cad_dev_paired.csv.gz"


def default_cad_path() -> Path:
    """``$CAD_DATA_DIR/dev_paired.csv.gz``; else ``shared/data/cad`` next to or above the repository;
    else the copy shipped in ``study/``, so a bare clone runs too."""
    if os.environ.get("CAD_DATA_DIR"):
        return Path(os.environ["CAD_DATA_DIR"]) / CAD_DEV_FILE
    for candidate in (folder / CAD_DEV_FILE for folder in _shared("cad")):
        if candidate.is_file():
            return candidate
    return SHIPPED_CAD


def cad_train_path() -> Path:
    """The CAD training pairs (``train --data cad``): beside the dev pairs, in the folder
    ``default_cad_path`` chose."""
    return default_cad_path().with_name(CAD_TRAIN_FILE)
