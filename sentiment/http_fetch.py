"""Downloading the dataset's archive over HTTP into a ``.part`` file that survives an interruption.

A second run asks the server for the rest with an HTTP Range request and appends it; where the server
cannot resume (it sends the whole file, or a range that was not asked for), the file starts over. Every
failure is a one-line ``DownloadError`` saying what to do. Only the standard library and tqdm.
"""
from __future__ import annotations

import http.client
import re
import sys
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from .imdb_archive import ARCHIVE_NAME, ARCHIVE_URL, CHUNK, DOWNLOAD_COMMAND, DownloadError, by_hand, human_size

# What urllib can fetch: a web mirror, or a copy on a mounted share given as file://.
URL_SCHEMES = ("http", "https", "ftp", "file")


class _StartOver(Exception):
    """The server's answer does not continue the ``.part`` file: delete it and ask for the whole file."""


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
    for the next try; any failure is a ``DownloadError``.

    ``target``: the data folder, named in the advice to get the archive by hand; ``progress``: a
    progress bar on stderr; ``timeout``: seconds to wait for the server.
    """
    for _ in range(2):
        have = part.stat().st_size if part.is_file() else 0
        try:
            response = _request(url, have, target, timeout)
            if response is None:  # nothing left to send: ``part`` is the whole file
                return
            with response:
                _receive(response, part, have, target, progress)
            return
        except _StartOver:
            part.unlink()
    raise DownloadError(f"{url}: the server's answers to a resumed download do not fit together; "
                        f"delete {part} and run `{DOWNLOAD_COMMAND}` again")


def _request(url: str, have: int, target: Path, timeout: float):
    """The server's response to a request for ``url`` from byte ``have`` on (all of it when 0); None
    where it answers that nothing is left (HTTP 416) and ``have`` is the file's size. Raises
    ``_StartOver`` where ``have`` is not that size, ``DownloadError`` on any other failure."""
    headers = {"User-Agent": "imdb-sentiment/1 (python urllib)"}
    if have:
        headers["Range"] = f"bytes={have}-"
    try:
        return urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=timeout)
    except urllib.error.HTTPError as error:
        if error.code == 416 and have:  # nothing left to send: complete, or not this file at all
            _, total = _content_range(error.headers.get("Content-Range"))
            if total == have:
                return None
            raise _StartOver from None
        raise DownloadError(f"cannot download {url} (HTTP {error.code} {error.reason}). "
                            f"{by_hand(target)}") from None
    except (urllib.error.URLError, OSError, http.client.HTTPException, ValueError) as error:
        reason = getattr(error, "reason", None) or error
        raise DownloadError(f"cannot download {url} ({reason}). {by_hand(target)}") from None


def _receive(response, part: Path, have: int, target: Path, progress: bool) -> None:
    """Write ``response``'s body to ``part``: appended where it is the range from byte ``have`` that was
    asked for, over it where it is the whole file. Raises ``_StartOver`` for a range that was not
    asked for, ``DownloadError`` where the body stops short."""
    length = response.headers.get("Content-Length")
    length = int(length) if length and length.isdigit() else None
    if have and response.status == 206:
        start, total = _content_range(response.headers.get("Content-Range"))
        if start != have:  # a range we did not ask for: start over
            raise _StartOver
        mode = "ab"
    else:  # the server sent the whole file
        have, mode, total = 0, "wb", length
    try:
        part.parent.mkdir(parents=True, exist_ok=True)
        out = open(part, mode)
    except OSError as error:
        raise DownloadError(f"cannot write {part} ({error}); choose another folder with --dir "
                            f"or IMDB_DATA_DIR") from None
    with out:
        received, problem = _copy(response, out, have, total, length, progress)
    if problem:
        of = f" of {human_size(total)}" if total else ""
        raise DownloadError(f"the download stopped after {human_size(have + received)}{of} ({problem}); "
                            f"run `{DOWNLOAD_COMMAND}` again to resume it. {by_hand(target, 'Or get')}")


def _copy(response, out, have: int, total: int | None, length: int | None, progress: bool) -> tuple[int, str | None]:
    """Copy ``response``'s body to the file ``out`` under a progress bar that starts at ``have`` of
    ``total`` bytes: the bytes received, and what went wrong (None: all ``length`` bytes came, or the
    server did not say how many)."""
    from tqdm import tqdm

    received = 0
    with tqdm(total=total, initial=have, unit="B", unit_scale=True, unit_divisor=1024,
              desc=ARCHIVE_NAME, disable=not progress, file=sys.stderr) as bar:
        try:
            while chunk := response.read(CHUNK):
                out.write(chunk)
                received += len(chunk)
                bar.update(len(chunk))
        except (OSError, http.client.HTTPException) as error:
            return received, str(error) or type(error).__name__
    return received, None if length is None or received >= length else "the connection closed early"
