"""Getting the IMDB data: ``python -m sentiment data download``.

The official Large Movie Review Dataset archive (Maas et al., 2011) is
downloaded to a ``.part`` file (``sentiment.http_fetch``: resumed after an
interruption), its SHA-256 checked, and its labelled reviews converted to the
project's two files (``sentiment.imdb_archive``), written to the folder
``sentiment.paths`` names. Only the standard library and tqdm: this command
answers at once, without loading pandas or torch.
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from .arguments import DefaultsHelpFormatter
from .errors import run_command
from .http_fetch import check_url, fetch
from .imdb_archive import (ARCHIVE_NAME, ARCHIVE_SHA256, ARCHIVE_SIZE, ARCHIVE_URL, DOWNLOAD_COMMAND,
                           DownloadError, by_hand, human_size, install, read_archive, read_folder, sha256_of)
from .paths import (DATA_FILES, SPLITS, data_dir_is_set, default_data_dir, download_dir, has_data, searched_dirs,
                    user_cache_dir)


def missing_data_message(file_name: str) -> str:
    """Why ``file_name`` of the IMDB split cannot be read: the folders searched for it, and how to get it."""
    where = ", ".join(str(d) for d in searched_dirs())
    if data_dir_is_set():
        where += " (IMDB_DATA_DIR)"
    return (f"{file_name}: no such file; the IMDB data was looked for in {where}. "
            f"Get it with `{DOWNLOAD_COMMAND}` (a {human_size(ARCHIVE_SIZE)} download, once; "
            f"it goes to {download_dir()}), or set IMDB_DATA_DIR to a folder that holds "
            f"{' and '.join(DATA_FILES)}")


def get_archive(target: Path, url: str, sha256: str, progress: bool = True) -> Path:
    """The checked archive in ``target``: one already there, else downloaded (and resumed) from ``url``;
    ``sha256``: the checksum it must have; ``progress``: a progress bar on stderr."""
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
                            f"and was deleted; run `{DOWNLOAD_COMMAND}` again. {by_hand(target, 'Or get')}")
    os.replace(part, archive)
    return archive


# --- the command ---------------------------------------------------------------------------

def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The flags of ``data download`` on ``parser``."""
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
    """``data download`` for ``python -m sentiment``, added to its ``subparsers``."""
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
    """``data download``: the data into ``--dir`` (default ``sentiment.paths.download_dir``), converted from
    ``--from`` or downloaded, unless it is there already."""
    target = Path(args.dir).expanduser() if args.dir else download_dir()
    if not args.source:  # a mistyped address is told before anything else happens
        check_url(args.url)
    if not args.force and _already_there(target, chosen=bool(args.dir) or data_dir_is_set()):
        return
    archive = None
    if args.source:
        splits = _read_source(Path(args.source).expanduser())
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


def _already_there(target: Path, chosen: bool) -> bool:
    """Whether the data is in ``target`` already (or, where no folder was ``chosen``, where the commands
    read it), saying so."""
    for folder in [target] if chosen else [target, default_data_dir()]:
        if has_data(folder):
            print(f"the IMDB data is already in {folder} ({', '.join(DATA_FILES)}); --force gets it again")
            return True
    return False


def _read_source(source: Path) -> dict[str, list]:
    """The labelled reviews of ``--from``: an aclImdb folder, or an archive (one not byte-identical to the
    official one is converted all the same, with a note)."""
    if source.is_dir():
        return read_folder(source)
    if source.is_file():
        digest = sha256_of(source)
        note = ("checksum OK" if digest == ARCHIVE_SHA256 else
                f"note: not byte-identical to the official {ARCHIVE_NAME} (SHA-256 {digest}); "
                f"converting the reviews it holds")
        print(f"{source}: {note}", file=sys.stderr)
        return read_archive(source)
    raise DownloadError(f"{source}: no such file or folder; expected {ARCHIVE_NAME} or an aclImdb/ folder")


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
