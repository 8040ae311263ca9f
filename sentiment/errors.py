"""The mistakes a person can fix, as named errors, and the one way a command line reports them.

Each carries a message written for the person who made the mistake; the
command lines print it and exit with status 2 (:func:`run_command`), the app
shows it in the page (``webapp.errors``). Anything else is a bug and keeps its
traceback.
"""
from __future__ import annotations

import sys
from collections.abc import Callable


class UserError(Exception):
    """Something the user can fix: the message says what and how."""


class DataError(UserError, ValueError):
    """Input data that cannot be used: a file, a CSV's shape, a review's text."""


class DataMissingError(DataError):
    """The IMDB dataset is not installed; the message names the command that gets it."""


class ArgumentError(UserError, ValueError):
    """A flag or parameter value that cannot be used (a bad combination, an unknown name)."""


class CheckpointError(UserError):
    """No checkpoint where one was named: not a folder written by training, not a model on the Hub."""


def run_command(command: Callable[[], object]) -> int:
    """Run ``command``; a :class:`UserError` becomes ``error: MESSAGE`` on stderr and exit status 2."""
    try:
        command()
    except UserError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    return 0
