"""The Large Movie Review Dataset (Maas et al., 2011) as published: its archive, how to check it, and its
labelled reviews converted to the project's two files.

The files are ``train.csv.gz`` and ``test.csv.gz`` (columns ``review``, ``sentiment``, ``rating``,
``id``), each written to a temporary file and renamed, so an interruption never leaves a half-written
dataset. The unlabelled reviews (``aclImdb/train/unsup``) are not kept. Only the standard library:
``python -m sentiment data download`` answers at once, without loading pandas or torch.
"""
from __future__ import annotations

import csv
import gzip
import hashlib
import io
import os
import re
import tarfile
import zlib
from pathlib import Path

from .errors import UserError
from .paths import SPLITS

ARCHIVE_URL = "https://ai.stanford.edu/~amaas/data/sentiment/aclImdb_v1.tar.gz"
HOME_PAGE = "https://ai.stanford.edu/~amaas/data/sentiment/"
ARCHIVE_NAME = "aclImdb_v1.tar.gz"
ARCHIVE_SIZE = 84_125_825
# As published with the dataset's download recipes, e.g. tensorflow/datasets'
# url_checksums/imdb_reviews.txt (84,125,825 bytes).
ARCHIVE_SHA256 = "c40f74a18d3b61f90feba1e17730e0d38e8b97c05fde7008942e91923d1658fe"

DOWNLOAD_COMMAND = "python -m sentiment data download"
COLUMNS = ("review", "sentiment", "rating", "id")
LABEL_FOLDERS = {"neg": "negative", "pos": "positive"}  # in the order rows are written
MAX_REVIEW_BYTES = 1 << 20  # the longest IMDB review is ~14 KB; anything far larger is not a review

_MEMBER = re.compile(r"(?:\./)?(?:aclImdb/)?(train|test)/(pos|neg)/(\d+)_(\d+)\.txt")
_FILE = re.compile(r"(\d+)_(\d+)\.txt")
CHUNK = 1 << 20  # bytes read at a time, from the network or a file


class DownloadError(UserError):
    """Getting or converting the dataset failed; the message (one line) says what to do."""


def human_size(n: int) -> str:
    """``84.1 MB`` from 100 kB up, ``12,345 bytes`` below."""
    return f"{n / 1e6:.1f} MB" if n >= 100_000 else f"{n:,} bytes"


def by_hand(target: Path, lead: str = "Get") -> str:
    """What to do instead of the download, the archive to be put in ``target``; ``lead``: the sentence's
    first word (one sentence: the message stays on one line)."""
    return (f"{lead} {ARCHIVE_NAME} ({human_size(ARCHIVE_SIZE)}) by hand from {HOME_PAGE} and put it at "
            f"{target / ARCHIVE_NAME}, then run `{DOWNLOAD_COMMAND}` again; or convert a copy you have "
            f"with `{DOWNLOAD_COMMAND} --from FILE`")


def sha256_of(path: Path) -> str:
    """The SHA-256 of the file at ``path``, in hex, read in chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


# --- reading the reviews -----------------------------------------------------------------------

Reviews = dict  # (split, label folder, number, rating) -> (review, sentiment, rating, id)


def _add(reviews: Reviews, split: str, label: str, number: str, rating: str, data: bytes, where: str):
    if not 1 <= int(rating) <= 10:
        raise DownloadError(f"{where}: rating {rating} is not 1-10; expected N_RATING.txt review files")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise DownloadError(f"{where}: not UTF-8 text ({error})") from None
    if not text.strip():
        raise DownloadError(f"{where}: empty review file")
    key = (split, label, int(number), int(rating))
    if key in reviews:
        raise DownloadError(f"{where}: the same review file appears twice")
    reviews[key] = (text, LABEL_FOLDERS[label], rating, f"{split}/{label}/{number}_{rating}")


def _too_large(size: int, where: str):
    if size > MAX_REVIEW_BYTES:
        raise DownloadError(f"{where}: {size:,} bytes is not a review (at most {MAX_REVIEW_BYTES:,})")


def read_archive(path: Path) -> dict[str, list[tuple[str, str, str, str]]]:
    """The labelled reviews of an aclImdb archive, per split, without extracting anything:
    only regular files named ``aclImdb/{train,test}/{pos,neg}/N_RATING.txt`` are read."""
    reviews: Reviews = {}
    try:
        with tarfile.open(path, "r:*") as tar:
            for member in tar:
                match = _MEMBER.fullmatch(member.name)
                if not match or not member.isfile():
                    continue
                where = f"{path}: {member.name}"
                _too_large(member.size, where)
                _add(reviews, *match.groups(), tar.extractfile(member).read(), where)
    except (tarfile.TarError, OSError, EOFError, zlib.error) as error:
        raise DownloadError(f"{path}: not a readable .tar.gz archive ({error})") from None
    return _splits(reviews, path)


def read_folder(path: Path) -> dict[str, list[tuple[str, str, str, str]]]:
    """The labelled reviews of an ``aclImdb`` folder (or of a folder that holds one)."""
    root = path / "aclImdb" if (path / "aclImdb").is_dir() else path
    reviews: Reviews = {}
    for split in SPLITS:
        for label in LABEL_FOLDERS:
            folder = root / split / label
            if not folder.is_dir():
                continue
            for file in folder.iterdir():
                match = _FILE.fullmatch(file.name)
                if not match or file.is_symlink() or not file.is_file():
                    continue
                _too_large(file.stat().st_size, str(file))
                _add(reviews, split, label, *match.groups(), file.read_bytes(), str(file))
    return _splits(reviews, path)


def _splits(reviews: Reviews, source: Path) -> dict[str, list[tuple[str, str, str, str]]]:
    """Rows per split in the dataset's own order: negative then positive, by file number."""
    order = {label: i for i, label in enumerate(LABEL_FOLDERS)}
    out = {}
    for split in SPLITS:
        keys = sorted((k for k in reviews if k[0] == split), key=lambda k: (order[k[1]], k[2], k[3]))
        if not keys:
            raise DownloadError(f"{source}: no {split} reviews found; expected the aclImdb layout, "
                                f"aclImdb/{split}/pos/N_RATING.txt and aclImdb/{split}/neg/N_RATING.txt")
        out[split] = [reviews[k] for k in keys]
    return out


# --- writing the project's files ---------------------------------------------------------------

def csv_bytes(rows) -> bytes:
    """The project's CSV: header ``review,sentiment,rating,id``, minimal quoting, CRLF, UTF-8."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def install(splits: dict[str, list], target: Path) -> dict[str, Path]:
    """Write ``train.csv.gz`` and ``test.csv.gz`` into ``target``: each to a temporary file
    first, renamed into place only once both are complete."""
    written, temporary = {}, []
    try:
        target.mkdir(parents=True, exist_ok=True)
        for split, rows in splits.items():
            path = target / f"{split}.csv.gz"
            tmp = target / f".{path.name}.{os.getpid()}.tmp"
            temporary.append(tmp)
            tmp.write_bytes(gzip.compress(csv_bytes(rows), compresslevel=9, mtime=0))
            written[split] = (tmp, path)
        for tmp, path in written.values():
            os.replace(tmp, path)
    except OSError as error:
        raise DownloadError(f"cannot write the data to {target} ({error}); choose another folder "
                            f"with --dir or IMDB_DATA_DIR") from None
    finally:
        for tmp in temporary:
            tmp.unlink(missing_ok=True)
    return {split: path for split, (_, path) in written.items()}
