"""Turning bad input into a message in the page, never a stack trace."""
from __future__ import annotations

import functools
import html
import inspect
import re

import gradio as gr

from sentiment.errors import DataError, UserError


# The folders of an absolute path ("/srv/app/study/x.csv" -> "x.csv"): where files live on the
# server is not the visitor's business, and messages built for the command line name them.
_SERVER_FOLDERS = re.compile(r"(?<![\w.~])/(?:[^\s/:'\"]+/)+")


def for_the_page(message: str) -> str:
    """A message as a visitor may see it: no server folders, and HTML-escaped."""
    return html.escape(_SERVER_FOLDERS.sub("", message), quote=False)


def user_errors(handler):
    """Wrap a Gradio handler so the errors meant for people reach them as ``gr.Error``.

    The rule is the command line's (``sentiment.errors.run_command``): a :class:`UserError` (bad data, a bad
    value, no such checkpoint) speaks to the user; anything else, a bare ``ValueError`` from deeper code
    included, is a bug: it propagates, Gradio logs its traceback and the page shows a generic error.

    Gradio renders an error's message as HTML, and messages may echo what the
    user typed: ``<``, ``>`` and ``&`` are escaped so that text stays text; the
    folders of server paths are dropped (:func:`for_the_page`).
    """
    @functools.wraps(handler)
    def wrapped(*args, **kwargs):
        try:
            return handler(*args, **kwargs)
        except UserError as error:
            raise gr.Error(for_the_page(str(error)), print_exception=False) from None
    return wrapped


def echo(value, limit: int = 40) -> str:
    """``value`` as a message may quote it (``'abc'``, ``None``, ``nan``): short and printable, or "that value"."""
    shown = repr(value)
    return shown if len(shown) <= limit and shown.isprintable() else "that value"


def checked_number(value, low: float, high: float, what: str, whole: bool = False) -> float:
    """``value`` (a number, or a string that reads as one, as a slider may send) as a float, when it lies from
    ``low`` to ``high`` and, if ``whole``, is a whole number; else a DataError naming ``what`` and the range.
    API callers may send anything: text, null, a list, NaN (which no comparison admits)."""
    number = value
    if isinstance(value, str):
        try:
            number = float(value)
        except ValueError:
            pass
    if (isinstance(number, bool) or not isinstance(number, (int, float)) or not low <= number <= high
            or (whole and not float(number).is_integer())):
        kind = "a whole number" if whole else "a number"
        raise DataError(f"{what} must be {kind} from {low:g} to {high:g}; got {echo(value)}.")
    return float(number)


def checked_flag(value, what: str) -> bool:
    """``value`` (what a checkbox sends: True or False) as a bool, else a DataError naming ``what``. API
    callers may send "false", which Python reads as true: guessing would run what they turned off."""
    if not isinstance(value, bool):
        raise DataError(f"{what} must be true or false; got {echo(value)}.")
    return value


class SpeakingBlocks(gr.Blocks):
    """``gr.Blocks`` whose refusal of an API call sent too few values reaches the caller as a message.

    Gradio counts an event's values before any handler runs and refuses a short call with a ValueError,
    whose text it sends only with ``show_error`` (which would send every internal error too): the caller
    got an error whose message is null. This overrides that check, ``gr.Blocks.validate_inputs`` (not a
    documented hook: ``tests/test_reliability.py`` replays such a call against the running app).
    """

    def validate_inputs(self, block_fn, inputs):
        """Refuse a call sent fewer values than the event takes with a ``gr.Error`` naming them, in order."""
        expected = len(block_fn.inputs)
        if len(inputs) < expected:
            names = list(inspect.signature(block_fn.fn).parameters)[:expected] if block_fn.fn else []
            order = f", in this order: {', '.join(names)}" if len(names) == expected else ""
            raise gr.Error(f"/{block_fn.api_name} takes {expected} values{order}; it was sent {len(inputs)}.",
                           print_exception=False)
        super().validate_inputs(block_fn, inputs)
