"""Getting the IMDB data: ``python -m sentiment data download``.

Where the data lives (``default_data_dir``), and how it gets there: the official
Large Movie Review Dataset archive (Maas et al., 2011) is downloaded to a
``.part`` file (resumed with an HTTP Range request after an interruption,
restarted where the server cannot resume), its SHA-256 checked, and its
labelled reviews converted to the project's two files, ``train.csv.gz`` and
``test.csv.gz`` (columns ``review``, ``sentiment``, ``rating``, ``id``), each
written to a temporary file and renamed, so an interruption never leaves a
half-written dataset. The unlabelled reviews (``aclImdb/train/unsup``) are not
kept. Only the standard library and tqdm: this module answers at once, without
loading pandas or torch.
"""
from __future__ import annotations

import argparse
import csv
import gzip
import hashlib
import http.client
import io
import os
import re
import sys
import tarfile
import urllib.error
import urllib.parse
import urllib.request
import zlib
from pathlib import Path

from .arguments import DefaultsHelpFormatter
from .errors import UserError, run_command
from .paths import REPO_ROOT as REPO

ARCHIVE_URL = "https://ai.stanford.edu/~amaas/data/sentiment/aclImdb_v1.tar.gz"
HOME_PAGE = "https://ai.stanford.edu/~amaas/data/sentiment/"
ARCHIVE_NAME = "aclImdb_v1.tar.gz"
ARCHIVE_SIZE = 84_125_825
# As published with the dataset's download recipes, e.g. tensorflow/datasets'
# url_checksums/imdb_reviews.txt (84,125,825 bytes).
ARCHIVE_SHA256 = "c40f74a18d3b61f90feba1e17730e0d38e8b97c05fde7008942e91923d1658fe"

DOWNLOAD_COMMAND = "python -m sentiment data download"
SPLITS = ("train", "test")
DATA_FILES = tuple(f"{split}.csv.gz" for split in SPLITS)
COLUMNS = ("review", "sentiment", "rating", "id")
LABEL_FOLDERS = {"neg": "negative", "pos": "positive"}  # in the order rows are written
MAX_REVIEW_BYTES = 1 << 20  # the longest IMDB review is ~14 KB; anything far larger is not a review

_MEMBER = re.compile(r"(?:\./)?(?:aclImdb/)?(train|test)/(pos|neg)/(\d+)_(\d+)\.txt")
_FILE = re.compile(r"(\d+)_(\d+)\.txt")
_CHUNK = 1 << 20
# What urllib can fetch: a web mirror, or a copy on a mounted share given as file://.
URL_SCHEMES = ("http", "https", "ftp", "file")


class DownloadError(UserError):
    """Getting or converting the dataset failed; the message (one line) says what to do."""


# --- where the data lives ------------------------------------------------------------------

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


def searched_dirs() -> list[Path]:
    """Where the data is looked for, in order: ``$IMDB_DATA_DIR`` alone if set, else the
    per-user cache, then ``shared/data/imdb`` inside or next to the repository."""
    if os.environ.get("IMDB_DATA_DIR"):
        return [Path(os.environ["IMDB_DATA_DIR"]).expanduser()]
    return [user_cache_dir(), REPO / "shared/data/imdb", REPO.parent / "shared/data/imdb"]


def has_data(folder: Path) -> bool:
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


def missing_data_message(file_name: str) -> str:
    where = ", ".join(str(d) for d in searched_dirs())
    if os.environ.get("IMDB_DATA_DIR"):
        where += " (IMDB_DATA_DIR)"
    return (f"{file_name}: no such file; the IMDB data was looked for in {where}. "
            f"Get it with `{DOWNLOAD_COMMAND}` (a {_size(ARCHIVE_SIZE)} download, once; "
            f"it goes to {download_dir()}), or set IMDB_DATA_DIR to a folder that holds "
            f"{' and '.join(DATA_FILES)}")


# --- downloading -------------------------------------------------------------------------

def _by_hand(target: Path, lead: str = "Get") -> str:
    """What to do instead of the download (one sentence; the message stays on one line)."""
    return (f"{lead} {ARCHIVE_NAME} ({_size(ARCHIVE_SIZE)}) by hand from {HOME_PAGE} and put it at "
            f"{target / ARCHIVE_NAME}, then run `{DOWNLOAD_COMMAND}` again; or convert a copy you have "
            f"with `{DOWNLOAD_COMMAND} --from FILE`")


def _size(n: int) -> str:
    return f"{n / 1e6:.1f} MB" if n >= 100_000 else f"{n:,} bytes"


def check_url(url: str) -> str:
    """``url`` if urllib can fetch it; else a one-line ``DownloadError``, raised before any work
    (urllib's own complaint, "unknown url type", comes as a traceback from deep inside)."""
    try:
        parts = urllib.parse.urlsplit(url)
        parts.port  # a port that is not a number raises here, not in the middle of the download
    except ValueError as error:
        raise DownloadError(f"--url {url}: not a valid address ({error}); give the http:// or https:// "
                            f"address of a copy of {ARCHIVE_NAME}") from None
    if parts.scheme.lower() not in URL_SCHEMES or not (parts.netloc or parts.scheme.lower() == "file"):
        raise DownloadError(f"--url {url}: not an http:// or https:// address; give the address of a copy of "
                            f"{ARCHIVE_NAME} (default {ARCHIVE_URL}), or convert a file you have with "
                            f"`{DOWNLOAD_COMMAND} --from FILE`")
    return url


def _content_range(value: str | None) -> tuple[int | None, int | None]:
    """``bytes START-END/TOTAL`` or ``bytes */TOTAL`` -> (START, TOTAL); None where absent."""
    match = re.fullmatch(r"\s*bytes\s+(?:(\d+)-\d+|\*)/(\d+|\*)\s*", value or "")
    if not match:
        return None, None
    start, total = match.groups()
    return (int(start) if start else None), (int(total) if total != "*" else None)


def fetch(url: str, part: Path, target: Path, progress: bool = True, timeout: float = 30.0) -> None:
    """Download ``url`` into ``part``, continuing from what ``part`` already holds where the
    server answers a Range request, else starting over. An interrupted transfer keeps ``part``
    for the next try; any failure is a ``DownloadError``."""
    from tqdm import tqdm

    for _ in range(2):
        have = part.stat().st_size if part.is_file() else 0
        headers = {"User-Agent": "imdb-sentiment/1 (python urllib)"}
        if have:
            headers["Range"] = f"bytes={have}-"
        try:
            response = urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=timeout)
        except urllib.error.HTTPError as error:
            if error.code == 416 and have:  # nothing left to send: complete, or not this file at all
                _, total = _content_range(error.headers.get("Content-Range"))
                if total == have:
                    return
                part.unlink()
                continue
            raise DownloadError(f"cannot download {url} (HTTP {error.code} {error.reason}). "
                                f"{_by_hand(target)}") from None
        except (urllib.error.URLError, OSError, http.client.HTTPException, ValueError) as error:
            reason = getattr(error, "reason", None) or error
            raise DownloadError(f"cannot download {url} ({reason}). {_by_hand(target)}") from None

        with response:
            length = response.headers.get("Content-Length")
            length = int(length) if length and length.isdigit() else None
            if have and response.status == 206:
                start, total = _content_range(response.headers.get("Content-Range"))
                if start != have:  # a range we did not ask for: start over
                    part.unlink()
                    continue
                mode = "ab"
            else:  # the server sent the whole file
                have, mode, total = 0, "wb", length
            try:
                part.parent.mkdir(parents=True, exist_ok=True)
                out = open(part, mode)
            except OSError as error:
                raise DownloadError(f"cannot write {part} ({error}); choose another folder with --dir "
                                    f"or IMDB_DATA_DIR") from None
            received = 0
            with out, tqdm(total=total, initial=have, unit="B", unit_scale=True, unit_divisor=1024,
                           desc=ARCHIVE_NAME, disable=not progress, file=sys.stderr) as bar:
                try:
                    while chunk := response.read(_CHUNK):
                        out.write(chunk)
                        received += len(chunk)
                        bar.update(len(chunk))
                    problem = None if length is None or received >= length else "the connection closed early"
                except (OSError, http.client.HTTPException) as error:
                    problem = str(error) or type(error).__name__
            if problem:
                of = f" of {_size(total)}" if total else ""
                raise DownloadError(f"the download stopped after {_size(have + received)}{of} ({problem}); "
                                    f"run `{DOWNLOAD_COMMAND}` again to resume it. {_by_hand(target, 'Or get')}")
        return
    raise DownloadError(f"{url}: the server's answers to a resumed download do not fit together; "
                        f"delete {part} and run `{DOWNLOAD_COMMAND}` again")


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def get_archive(target: Path, url: str, sha256: str, progress: bool = True) -> Path:
    """The checked archive in ``target``: one already there, else downloaded (and resumed)."""
    archive = target / ARCHIVE_NAME
    if archive.is_file():
        digest = sha256_of(archive)
        if digest != sha256:
            raise DownloadError(f"{archive} is not the official {ARCHIVE_NAME} (SHA-256 {digest}, expected "
                                f"{sha256}): delete it and run `{DOWNLOAD_COMMAND}` again, or convert it "
                                f"anyway with `{DOWNLOAD_COMMAND} --from {archive}`")
        print(f"using {archive} (checksum OK)", file=sys.stderr)
        return archive
    part = target / f"{ARCHIVE_NAME}.part"
    print(f"downloading {url} to {part}", file=sys.stderr)
    fetch(url, part, target, progress)
    digest = sha256_of(part)
    if digest != sha256:
        part.unlink()
        raise DownloadError(f"the file downloaded from {url} is corrupt (SHA-256 {digest}, expected {sha256}) "
                            f"and was deleted; run `{DOWNLOAD_COMMAND}` again. {_by_hand(target, 'Or get')}")
    os.replace(part, archive)
    return archive


# --- converting --------------------------------------------------------------------------

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


# --- the command ---------------------------------------------------------------------------

def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--from", dest="source", metavar="FILE",
                        help=f"convert {ARCHIVE_NAME} or an aclImdb/ folder you already have (no download)")
    parser.add_argument("--dir", help="folder for train.csv.gz and test.csv.gz (default: $IMDB_DATA_DIR, "
                                      "else the per-user cache, here " + str(user_cache_dir()) + ")")
    parser.add_argument("--url", default=ARCHIVE_URL,
                        help="download from this address instead (a mirror; the checksum is still checked)")
    parser.add_argument("--force", action="store_true", help="download and convert even if the data is there")
    parser.add_argument("--keep-archive", action="store_true",
                        help=f"keep {ARCHIVE_NAME} in the data folder after converting it")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")


def add_commands(subparsers) -> argparse.ArgumentParser:
    """``data download`` for ``python -m sentiment``."""
    data = subparsers.add_parser("data", help=f"get the IMDB data (`{DOWNLOAD_COMMAND}`)",
                                 description="Get the IMDB data the other commands read.")
    sub = data.add_subparsers(dest="data_command", required=True)
    p = sub.add_parser(
        "download", formatter_class=DefaultsHelpFormatter, help=f"download the Large Movie Review Dataset ({ARCHIVE_SIZE / 1e6:.0f} MB) and convert it",
        description=f"Download {ARCHIVE_URL} (Maas et al., 2011; {ARCHIVE_SIZE / 1e6:.0f} MB), check its "
                    f"SHA-256 and write train.csv.gz and test.csv.gz (about 13 MB each) to the data folder. "
                    f"An interrupted download resumes when run again.")
    add_arguments(p)
    p.set_defaults(func=download_command)
    return data


def download_command(args: argparse.Namespace) -> None:
    target = Path(args.dir).expanduser() if args.dir else download_dir()
    if not args.source:  # a mistyped address is told before anything else happens
        check_url(args.url)
    if not args.force:
        chosen = args.dir or os.environ.get("IMDB_DATA_DIR")
        for folder in [target] if chosen else [target, default_data_dir()]:
            if has_data(folder):
                print(f"the IMDB data is already in {folder} ({', '.join(DATA_FILES)}); "
                      f"--force gets it again")
                return
    archive = None
    if args.source:
        source = Path(args.source).expanduser()
        if source.is_dir():
            splits = read_folder(source)
        elif source.is_file():
            digest = sha256_of(source)
            note = ("checksum OK" if digest == ARCHIVE_SHA256 else
                    f"note: not byte-identical to the official {ARCHIVE_NAME} (SHA-256 {digest}); "
                    f"converting the reviews it holds")
            print(f"{source}: {note}", file=sys.stderr)
            splits = read_archive(source)
        else:
            raise DownloadError(f"{source}: no such file or folder; expected {ARCHIVE_NAME} or an aclImdb/ folder")
    else:
        archive = get_archive(target, args.url, ARCHIVE_SHA256, progress=not args.no_progress)
        splits = read_archive(archive)
    paths = install(splits, target)
    if archive is not None and not args.keep_archive:
        archive.unlink()
    counts = ", ".join(f"{paths[s].name} ({len(splits[s]):,} reviews)" for s in SPLITS)
    print(f"wrote {counts} to {target}")
    if default_data_dir().resolve() != target.resolve():
        print(f"the commands read {default_data_dir()} first: set IMDB_DATA_DIR={target} to use this copy")


def main(argv: list[str] | None = None) -> int:
    """``python -m sentiment data ...`` without loading the training stack."""
    parser = argparse.ArgumentParser(prog="python -m sentiment")
    add_commands(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    try:
        return run_command(lambda: args.func(args))
    except KeyboardInterrupt:
        print(f"interrupted; run `{DOWNLOAD_COMMAND}` again to resume", file=sys.stderr)
        return 130
