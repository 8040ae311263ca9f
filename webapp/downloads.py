"""The files the app offers to download (pages and charts for slides): the only module of the app that
writes files.

A download is named by what it is and a short hash of its content (``lesson-step-3-1a2b3c4d5e6f.html``),
so the same content is one file however many visitors ask for it, and a file is never rewritten under a
visitor who is being sent it. Files live in a folder of this process, removed when it exits; a file no one
has asked for in an hour is removed when the next one is written (Gradio keeps its own copy of what it
serves for as long: ``app.DELETE_CACHE``).
"""
from __future__ import annotations

import hashlib
import os
import re
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

# A file no visitor has asked for in this long is removed (app.py's DELETE_CACHE: an hour).
MAX_AGE_S = 3600
# Enough of the content's hash that two different contents never share a name in practice.
HASH_CHARS = 12
# Names are cut here: a name made from a pasted file name or review id stays readable in a download bar.
MAX_STEM = 60

# This process's folder, made on the first download (a process that offers none makes none) and removed
# when the process exits.
_FOLDER: tempfile.TemporaryDirectory | None = None
# One writer or sweeper at a time: a file asked for again is refreshed before any sweep can take it.
_LOCK = threading.Lock()


@dataclass(frozen=True)
class Download:
    """What a download button offers: ``name``, the file name (its stem, a hash of the content, its
    suffix), and ``content``. Pure data: computed once, it can be cached and written again."""

    name: str
    content: bytes


def safe_stem(text: str) -> str:
    """``text`` as a file name stem: letters, digits, ``.``, ``_`` and ``-`` kept, every run of anything else
    (``/``, spaces, ``..``) one ``-``, no ``.`` or ``-`` at either end, cut to ``MAX_STEM``; ``download`` if
    nothing is left."""
    stem = re.sub(r"(?:[^A-Za-z0-9._-]|\.{2,}|-)+", "-", str(text))
    return stem.strip(".-_")[:MAX_STEM].strip(".-_") or "download"


def download(what: str, content: str | bytes, suffix: str) -> Download:
    """The download of ``content`` (text is saved as UTF-8), named by ``what`` (sanitised: it may come from
    a visitor), the content's hash and ``suffix`` (``"html"``, ``"png"``)."""
    data = content.encode("utf-8") if isinstance(content, str) else bytes(content)
    digest = hashlib.sha256(data).hexdigest()[:HASH_CHARS]
    return Download(f"{safe_stem(what)}-{digest}.{safe_stem(suffix)}", data)


def folder() -> Path:
    """The folder this process's downloads are written to."""
    global _FOLDER
    with _LOCK:
        if _FOLDER is None:
            _FOLDER = tempfile.TemporaryDirectory(prefix="app-downloads-")
        return Path(_FOLDER.name)


def saved(item: Download, where: Path | None = None) -> str:
    """The path of ``item``'s file in ``where`` (default: :func:`folder`), for a ``gr.DownloadButton``.

    Written if missing (first asked for, or removed as old), else refreshed, so a file that visitors keep
    asking for is never an hour old; writing removes the files no one asked for in ``MAX_AGE_S``.
    """
    where = folder() if where is None else Path(where)
    path = where / item.name
    with _LOCK:
        try:
            os.utime(path)  # asked for again: not old
        except FileNotFoundError:
            _write(path, item.content)
            remove_old(where, keep=path)
    return str(path)


def save(what: str, content: str | bytes, suffix: str, where: Path | None = None) -> str:
    """``saved(download(what, content, suffix))``: the path of a download made now."""
    return saved(download(what, content, suffix), where)


def remove_old(where: Path, max_age_s: float = MAX_AGE_S, keep: Path | None = None) -> list[Path]:
    """Remove the files in ``where`` last written or asked for more than ``max_age_s`` ago (but ``keep``);
    return them."""
    cutoff = time.time() - max_age_s
    removed = []
    for path in where.iterdir():
        try:
            if path != keep and path.is_file() and path.stat().st_mtime < cutoff:
                path.unlink()
                removed.append(path)
        except FileNotFoundError:  # removed meanwhile (by hand, or a folder shared with another process)
            continue
    return removed


def _write(path: Path, content: bytes) -> None:
    """Write whole or not at all: a visitor is never sent half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.{threading.get_ident()}.part")
    partial.write_bytes(content)
    os.replace(partial, path)
