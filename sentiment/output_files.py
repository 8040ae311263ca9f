"""Files written for people: output paths checked before the work, spreadsheets safe from formulas.

A review is text from anyone; a cell starting with ``=``, ``+``, ``-``, ``@``, a
tab or a carriage return is run as a formula by Excel, LibreOffice and Google
Sheets (CSV injection). OWASP's rule: prefix such cells with a single quote,
which spreadsheets show as text. Only files meant for people get this; the
checkpoints' ``predictions.csv.gz``, which the project reads back, keep the
text exactly.
"""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pandas as pd

from .errors import DataError

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` whose text cells cannot start a formula (numbers are left alone)."""
    safe = frame.copy()
    for column in safe.columns:
        if pd.api.types.is_object_dtype(safe[column]) or pd.api.types.is_string_dtype(safe[column]):
            safe[column] = safe[column].map(
                lambda v: "'" + v if isinstance(v, str) and v.startswith(FORMULA_START) else v)
    return safe


def check_output_path(path: str | os.PathLike) -> Path:
    """``path`` as a Path if a file can be written there, else a DataError: call it before the long work.

    Tried, not only asked: as root ``os.access`` says yes to ``/proc``, where nothing can be created. A file
    that was not there is created and removed again, so the check leaves nothing behind.
    """
    path = Path(path)
    if path.is_dir():
        raise DataError(f"{path}: is a folder; give a file name to write the table to")
    if not path.parent.is_dir():
        raise DataError(f"{path}: the folder {path.parent} does not exist")
    existed = path.exists()
    try:
        with open(path, "a"):  # appends nothing: an existing file is left as it is
            pass
    except OSError as error:
        raise DataError(f"{path}: not writable ({error.strerror})") from None
    if not existed:
        path.unlink()
    return path


def check_output_folder(path: str | os.PathLike) -> Path:
    """``path`` as a Path if a folder can be written there (it exists, or can be made), else a DataError:
    call it before the long work. Tried by creating a scratch folder in the nearest folder that exists,
    then removing it: nothing is left behind, not even ``path``."""
    path = Path(path)
    if path.exists() and not path.is_dir():
        raise DataError(f"{path}: is a file; give a folder to write the run to")
    existing = next(p for p in (path, *path.parents) if p.exists())
    if not existing.is_dir():
        raise DataError(f"{path}: {existing} is a file, not a folder")
    try:
        os.rmdir(tempfile.mkdtemp(dir=existing, prefix=".write-check-"))
    except OSError as error:
        raise DataError(f"{path}: cannot write in {existing} ({error.strerror})") from None
    return path


def write_csv(frame: pd.DataFrame, path: str | os.PathLike) -> Path:
    """Write ``frame`` (no index) for a spreadsheet: formula cells escaped. A write that fails (a full disk,
    a folder gone since the check) is a DataError naming the file."""
    path = check_output_path(path)
    try:
        spreadsheet_safe(frame).to_csv(path, index=False)
    except OSError as error:
        raise DataError(f"{path}: could not be written ({error.strerror})") from None
    return path
