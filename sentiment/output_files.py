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
    """``path`` as a Path if a file can be written there, else a DataError: call it before the long work."""
    path = Path(path)
    if path.is_dir():
        raise DataError(f"{path}: is a folder; give a file name to write the table to")
    if not path.parent.is_dir():
        raise DataError(f"{path}: the folder {path.parent} does not exist")
    if not os.access(path.parent, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
        raise DataError(f"{path}: not writable")
    return path


def write_csv(frame: pd.DataFrame, path: str | os.PathLike) -> Path:
    """Write ``frame`` (no index) for a spreadsheet: formula cells escaped."""
    path = check_output_path(path)
    spreadsheet_safe(frame).to_csv(path, index=False)
    return path
