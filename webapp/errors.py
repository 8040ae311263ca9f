"""Turning bad input into a message in the page, never a stack trace."""
from __future__ import annotations

import functools
import html
import re

import gradio as gr

from sentiment.errors import UserError


# The folders of an absolute path ("/srv/app/study/x.csv" -> "x.csv"): where files live on the
# server is not the visitor's business, and messages built for the command line name them.
_SERVER_FOLDERS = re.compile(r"(?<![\w.~])/(?:[^\s/:'\"]+/)+")


def for_the_page(message: str) -> str:
    """A message as a visitor may see it: no server folders, and HTML-escaped."""
    return html.escape(_SERVER_FOLDERS.sub("", message), quote=False)


def user_errors(handler):
    """Wrap a Gradio handler so the errors meant for people reach them as ``gr.Error``.

    Gradio renders an error's message as HTML, and messages may echo what the
    user typed: ``<``, ``>`` and ``&`` are escaped so that text stays text; the
    folders of server paths are dropped (:func:`for_the_page`).
    """
    @functools.wraps(handler)
    def wrapped(*args, **kwargs):
        try:
            return handler(*args, **kwargs)
        except (UserError, ValueError) as error:
            raise gr.Error(for_the_page(str(error)), print_exception=False) from None
    return wrapped
