"""Reading labelled reviews and splitting them the two ways the project uses.

Every reader returns a DataFrame with columns ``id``, ``review`` (HTML line
breaks removed) and ``label`` (1 = positive, 0 = negative; absent when labels
were not asked for). Anything malformed raises ``DataError`` naming the file,
the row and what was expected.
"""
from __future__ import annotations

import codecs
import os
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from sklearn.model_selection import train_test_split

from .cad import cad_training_mix
from .download import missing_data_message  # how to get the shared split when it is missing
# DataError is re-exported: every reader raises it, and callers catch it from here.
from .errors import ArgumentError, DataError, DataMissingError  # noqa: F401
from .labels import LABEL_IDS
from .negation_data import negation_training_mix
# Where the shared split lives: ``$IMDB_DATA_DIR``, the per-user cache, ``shared/`` (``sentiment.paths``).
from .paths import SPLITS as SHARED_SPLITS
from .paths import default_data_dir
# Re-exported: callers of the readers ask this module which reviews no training part may hold.
from .report_reviews import REPORT_REVIEW_IDS
from .text import strip_line_breaks


def load_reviews(source: str | os.PathLike, require_labels: bool = True, keep_columns: bool = False) -> pd.DataFrame:
    """Load reviews from ``train``/``test`` (the shared IMDB split), ``all``
    (both), a CSV file (``.csv`` or ``.csv.gz``) or an ``aclImdb`` folder.

    Returns ``id``, ``review`` (from a CSV's ``review`` column, or its ``text`` column where it has no
    ``review``) and, where every row has a sentiment, ``label`` (0 negative, 1 positive).
    ``require_labels``: refuse a CSV without a valid sentiment on every row. ``keep_columns``: a CSV's
    other columns come along after those, as the file has them (a sentiment column included), so that
    what is written back about each review keeps what the file said of it.
    """
    name = str(source)
    if name in SHARED_SPLITS:
        path = default_data_dir() / f"{name}.csv.gz"
        if not path.is_file():
            raise DataMissingError(missing_data_message(path.name))
        return _read_csv(path, require_labels, keep_columns)
    if name == "all":
        return pd.concat([load_reviews(s, require_labels) for s in SHARED_SPLITS], ignore_index=True)
    path = Path(source)
    if not path.exists():
        raise DataError(f"{path}: no such file or folder (expected a CSV with columns "
                        f"'review' and 'sentiment', an aclImdb folder, or one of: train, test, all)")
    if path.is_dir():
        return _read_acl_folder(path, require_labels)
    return _read_csv(path, require_labels, keep_columns)


# The column a CSV's reviews are read from: the first of these its header has (names matched as
# ``column_names`` writes them).
TEXT_COLUMNS = ("review", "text")


def column_names(header: list, where: str, read: tuple[str, ...] = ()) -> list[str]:
    """A CSV header's names as every reader matches them (surrounding spaces dropped, lower case), or a
    DataError naming a column it reads that appears twice: which of the two to read would be a guess,
    and two readers could guess differently. Read: the text columns, ``sentiment``, ``id`` and the names
    in ``read`` (a column to group by); another name may repeat. ``where``: the file, for the message."""
    names = [str(c).strip().lower() for c in header]
    wanted = {*TEXT_COLUMNS, "sentiment", "id", *read}
    twice = next((n for i, n in enumerate(names) if n in wanted and n in names[:i]), None)
    if twice is not None:
        raise DataError(f"{where}: the column {twice!r} appears twice in the header (names are matched "
                        f"without regard to case or spaces); keep one")
    return names


def check_not_utf16(head: bytes, where: str) -> None:
    """A DataError for a file whose first bytes ``head`` are a UTF-16 byte-order mark (what some spreadsheets
    save as "Unicode text"): saying so tells the person what to change, "not UTF-8" or "NUL bytes" does not."""
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise DataError(f"{where}: UTF-16 text, as some spreadsheets save it; save the CSV as UTF-8")


def _read_csv(path: Path, require_labels: bool, keep_columns: bool = False) -> pd.DataFrame:
    if not path.is_file():
        raise DataError(f"{path}: no such file")
    if path.stat().st_size == 0:
        raise DataError(f"{path}: the file is empty; expected a CSV with a header row "
                        f"and columns 'review' and 'sentiment'")
    with open(path, "rb") as file:
        check_not_utf16(file.read(2), str(path))
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    except UnicodeDecodeError:
        raise DataError(f"{path}: not UTF-8 text; expected a CSV file") from None
    except pd.errors.EmptyDataError:
        raise DataError(f"{path}: no data; expected a CSV with a header row "
                        f"and columns 'review' and 'sentiment'") from None
    except (pd.errors.ParserError, OSError, EOFError, ValueError) as error:
        raise DataError(f"{path}: not a readable CSV ({str(error).strip()})") from None
    # pandas renames a repeated name ("review", "review.1"): the header as written says which repeat
    column_names(pd.read_csv(path, header=None, nrows=1, dtype=str, keep_default_na=False).iloc[0].tolist(),
                 str(path))
    if not isinstance(frame.index, pd.RangeIndex):
        # pandas reads a first row with more fields than the header as index + columns, so the
        # review column would hold the wrong field: refuse instead.
        raise DataError(f"{path}: some rows have more fields than the header ({', '.join(map(str, frame.columns))}); "
                        f"a review that contains commas must be in double quotes")
    return _validate(frame, str(path), require_labels, keep_columns)


def _validate(frame: pd.DataFrame, where: str, require_labels: bool, keep_columns: bool = False) -> pd.DataFrame:
    frame.columns = column_names(list(frame.columns), where)
    text_column = next((c for c in TEXT_COLUMNS if c in frame.columns), "review")
    needed = [text_column, "sentiment"] if require_labels else [text_column]
    missing = [c for c in needed if c not in frame.columns]
    if missing:
        found = ", ".join(repr(c) for c in frame.columns[:10]) or "none"
        raise DataError(f"{where}: missing column {', '.join(repr(c) for c in missing)}; "
                        f"expected columns {', '.join(repr(c) for c in needed)} (found: {found})")
    if frame.empty:
        raise DataError(f"{where}: the file has a header but no reviews")
    reviews = frame[text_column].astype(str)
    if "\x00" in "".join(reviews.head(1000)):
        raise DataError(f"{where}: contains binary data (NUL bytes); expected text reviews")
    blank = reviews.str.strip() == ""
    if blank.any():
        row = int(blank.idxmax()) + 1
        raise DataError(f"{where}, row {row}: empty review; every row needs review text")
    out = pd.DataFrame({
        "id": frame["id"].astype(str) if "id" in frame.columns
        else [f"{Path(where).name}:{i + 1}" for i in range(len(frame))],
        "review": reviews.map(strip_line_breaks),
    })
    if "sentiment" in frame.columns:
        labels = frame["sentiment"].astype(str).str.strip().str.lower().map(LABEL_IDS)
        bad = labels.isna()
        if bad.any() and require_labels:
            row = int(bad.idxmax())
            raise DataError(f"{where}, row {row + 1}: sentiment {frame['sentiment'][row]!r} is not "
                            f"'positive' or 'negative'")
        if not bad.any():
            out["label"] = labels.astype(int)
    if keep_columns:  # each name once: frame[name] holds every column of a name that repeats ("Notes", "notes")
        others = list(dict.fromkeys(c for c in frame.columns if c not in ("id", text_column, *out.columns)))
        out = out.join(frame[others])
    return out


def _read_acl_folder(path: Path, require_labels: bool) -> pd.DataFrame:
    """The original layout: ``aclImdb/{train,test}/{pos,neg}/N_RATING.txt``, or one split folder."""
    if (path / "pos").is_dir() or (path / "neg").is_dir():
        split_dirs = [path]
    else:
        split_dirs = [path / s for s in SHARED_SPLITS if (path / s).is_dir()]
    rows = []
    for split_dir in split_dirs:
        for label_name, label in (("neg", 0), ("pos", 1)):
            for file in sorted((split_dir / label_name).glob("*.txt")):
                try:
                    text = file.read_text(encoding="utf-8")
                except (UnicodeDecodeError, OSError) as error:
                    raise DataError(f"{file}: unreadable review file ({error})") from None
                if not text.strip():
                    raise DataError(f"{file}: empty review file")
                rows.append((f"{split_dir.name}/{label_name}/{file.stem}", strip_line_breaks(text), label))
    if not rows:
        raise DataError(f"{path}: no reviews found; expected an aclImdb folder with "
                        f"train/pos/*.txt, train/neg/*.txt (or pos/ and neg/ directly)")
    frame = pd.DataFrame(rows, columns=["id", "review", "label"])
    return frame if require_labels else frame.drop(columns="label")


def without_report_reviews(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` without the report's four reviews, which no training part may hold."""
    return frame[~frame["id"].isin(REPORT_REVIEW_IDS)].reset_index(drop=True)


def sample(frame: pd.DataFrame, n: int | None, seed: int) -> pd.DataFrame:
    """A reproducible random subset of ``n`` rows of ``frame`` (all rows when ``n`` is None), drawn with ``seed``."""
    if n is None or n >= len(frame):
        return frame.reset_index(drop=True)
    if n <= 0:
        raise DataError(f"--limit must be positive, got {n}")
    return frame.sample(n=n, random_state=seed).reset_index(drop=True)


def hold_out(frame: pd.DataFrame, size: float | int, seed: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``frame`` split into (rest, held-out part), stratified by label.

    ``size``: rows held out (>= 1) or a fraction of ``frame`` (< 1); ``seed``: the draw.
    """
    held_rows = size if size >= 1 else round(size * len(frame))
    if not 2 <= held_rows <= len(frame) - 2:
        raise DataError(f"cannot hold out {held_rows:,} of {len(frame):,} reviews: keep at least two on each "
                        f"side (for training runs, lower --val-size or raise --size)")
    rest, held = train_test_split(frame, test_size=size, random_state=seed, stratify=frame["label"])
    return rest.reset_index(drop=True), held.reset_index(drop=True)


def official_split(train_limit: int | None = None, seed: int = 42) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The dataset's own 25k/25k split; ``train_limit`` draws a stratified subset of the train part."""
    train = without_report_reviews(load_reviews("train"))
    if train_limit is not None and train_limit < len(train):
        train, _ = train_test_split(train, train_size=train_limit, random_state=seed, stratify=train["label"])
        train = train.reset_index(drop=True)
    return train, load_reviews("test")


def report_split(n: int, seed: int = 42, test_fraction: float = 0.2) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The report's protocol: ``n`` reviews drawn from all 50,000, split 80/20 stratified
    (``test_fraction`` of them to test), drawn with ``seed``.

    The report's four reviews may land in the test part but are dropped from the
    training part.
    """
    pool = sample(load_reviews("all"), n, seed)
    train, test = hold_out(pool, test_fraction, seed)
    return without_report_reviews(train), test


# The data sources a training command names instead of a file.
NAMED_DATA = ("official", "report", "cad", "negation")


@dataclass
class TrainingData:
    """The reviews a training run learns from, chooses its best step on, and is tested on."""

    train: pd.DataFrame
    validation: pd.DataFrame
    test: pd.DataFrame
    protocol: str  # one line for the report: where the three parts came from


def training_data(data: str, size: int | None, seed: int, validation_size: float | int,
                  test: str | None = None, replay_ratio: float = 1.0) -> TrainingData:
    """The split a training run uses, decided here for every command (``train``, ``experiment``).

    Args:
        data: ``official`` (the dataset's 25k/25k split), ``report`` (``size`` of
            all 50k, stratified 80/20, the report's protocol), ``cad`` (the CAD
            training pairs plus a replay sample of IMDB train, ``sentiment.cad``), ``negation``
            (generated negation sentences plus a replay sample, ``sentiment.negation_data``),
            or a CSV / aclImdb folder (20% held out as test unless ``test`` names a file).
        size: official / a file: training reviews drawn; report: reviews drawn in all.
        seed: every random draw (split, sample, validation part).
        validation_size: held out of the training part for choosing the best step:
            a count, or a fraction below 1.
        test: with a file as ``data``: the test file.
        replay_ratio: with ``cad`` or ``negation``: IMDB train reviews replayed per CAD or generated text.

    The report's four reviews never reach a training part.
    """
    if data in ("cad", "negation"):
        if test is not None:
            raise ArgumentError(f"--test goes with --data FILE; --data {data} brings its own test split")
        # The large recipe's own validation part (same split, same seed) stays out of the replay (and
        # out of the CAD pairs: some of its reviews are CAD originals), so validation accuracy
        # compares with the checkpoint being continued, on reviews neither run trained on.
        imdb_train, test_part = official_split(None, seed)
        pool, validation = hold_out(imdb_train, validation_size, seed)
        held_out = set(validation["id"]) | set(REPORT_REVIEW_IDS)
        if data == "cad":
            train = cad_training_mix(pool, seed, replay_ratio, held_out_ids=held_out)
            what, unit = "CAD training pairs (Kaushik et al., 2020)", "CAD text"
        else:
            train = negation_training_mix(pool, seed, replay_ratio, held_out_ids=held_out)
            what, unit = "generated negation sentences (sentiment.negation_data)", "generated sentence"
        protocol = (f"{what} + a replay sample of IMDB train ({replay_ratio:g} per {unit}; "
                    f"{len(train):,} reviews), official IMDB test split")
        return TrainingData(train, validation, test_part, protocol)
    train, test_part, protocol = train_and_test(data, size, seed, test)
    train, validation = hold_out(train, validation_size, seed)
    return TrainingData(train, validation, test_part, protocol)


def train_and_test(data: str, size: int | None, seed: int, test: str | None = None
                   ) -> tuple[pd.DataFrame, pd.DataFrame, str]:
    """(train, test, protocol) for ``official``, ``report`` or a file; ``size``, ``seed`` and ``test`` as
    for :func:`training_data`. The TF-IDF baseline trains on all of train (it has no steps to choose)."""
    if test is not None and data in NAMED_DATA:
        raise ArgumentError(f"--test goes with --data FILE; --data {data} brings its own test split")
    if data == "official":
        train, test_part = official_split(size, seed)
        return train, test_part, "official IMDB train/test split" + (f", {size:,} training reviews drawn" if size else "")
    if data == "report":
        train, test_part = report_split(size or 50_000, seed)
        return train, test_part, f"report split: {size or 50_000:,} of all 50k reviews, stratified 80/20, seed {seed}"
    reviews = load_reviews(data)
    if test:
        train, test_part = without_report_reviews(reviews), load_reviews(test)
    else:
        train, test_part = hold_out(reviews, 0.2, seed)
        train = without_report_reviews(train)
    return sample(train, size, seed), test_part, f"{data} ({test or 'stratified 80/20 split'})"
