"""Turning bad input into a message in the page, never a stack trace."""
from __future__ import annotations

import functools

import gradio as gr

from sentiment.data import DataError
from sentiment.devices import DeviceError


def user_errors(handler):
    """Wrap a Gradio handler so the errors meant for people reach them as ``gr.Error``."""
    @functools.wraps(handler)
    def wrapped(*args, **kwargs):
        try:
            return handler(*args, **kwargs)
        except (DataError, DeviceError, ValueError) as error:
            raise gr.Error(str(error)) from None
    return wrapped
