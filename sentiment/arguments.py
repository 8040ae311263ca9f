"""Argument types for the command lines: a bad value is refused by argparse, before any work starts.

Each returns an ``argparse`` type: a function from the typed string to the
value, raising ``ArgumentTypeError`` with the rule it broke (argparse prints
it with the flag's name and exits 2).
"""
from __future__ import annotations

import argparse
import dataclasses

from .errors import ArgumentError
from .tokenization import LONGEST_LENGTH, SHORTEST_LENGTH


def number_in(kind: type, low: float, high: float | None = None, *,
              low_open: bool = False, high_open: bool = False):
    """A ``kind`` (int or float) within ``[low, high]``; ``low_open``/``high_open`` exclude the bound."""
    def parse(text: str):
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not {'an integer' if kind is int else 'a number'}") \
                from None
        if value != value or value in (float("inf"), float("-inf")):  # NaN or infinite
            raise argparse.ArgumentTypeError(f"{text!r} is not a finite number")
        too_low = value <= low if low_open else value < low
        too_high = high is not None and (value >= high if high_open else value > high)
        if too_low and high is None:
            raise argparse.ArgumentTypeError(f"{text} must be {'above' if low_open else 'at least'} {low:g}")
        if too_low or too_high:
            raise argparse.ArgumentTypeError(f"{text} is outside {'(' if low_open else '['}{low:g}, "
                                             f"{high:g}{')' if high_open else ']'}")
        return value
    return parse


positive_int = number_in(int, 1)
positive_float = number_in(float, 0.0, low_open=True)
probability = number_in(float, 0.0, 1.0, high_open=True)  # [0, 1): a dropout rate or a fraction
length_in_tokens = number_in(int, SHORTEST_LENGTH, LONGEST_LENGTH)  # a training or reading length


class DefaultsHelpFormatter(argparse.ArgumentDefaultsHelpFormatter):
    """``--help`` that shows each flag's default, except where there is none to show (None, a switch
    that is off) or where the help text already says it."""

    def _get_help_string(self, action):
        if action.default is None or action.default is False or "default" in (action.help or ""):
            return action.help
        return super()._get_help_string(action)


def check_values(config, rules: dict) -> None:
    """Check a config dataclass's fields with the same rules as the flags above: ``rules`` maps a field
    name to one of these types; a value it refuses is an ``ArgumentError`` naming the flag."""
    for name, rule in rules.items():
        value = getattr(config, name)
        # as a person would type it: 0 rather than 0.0, and every digit of 3e-05
        text = str(int(value)) if isinstance(value, float) and value.is_integer() else repr(value)
        try:
            rule(text)
        except argparse.ArgumentTypeError as error:
            raise ArgumentError(f"--{name.replace('_', '-')}: {error}") from None


def check_fields(config) -> None:
    """Check each field of a config dataclass whose metadata names a ``type`` (one of the rules above) by
    that rule: the rule argparse applies to the flag, applied to a config made in code too."""
    check_values(config, {f.name: f.metadata["type"] for f in dataclasses.fields(config)
                          if "type" in f.metadata and getattr(config, f.name) is not None})


def dataclass_from(cls, namespace: argparse.Namespace):
    """An instance of the dataclass ``cls`` from parsed arguments holding its fields (``HfArgumentParser``)."""
    return cls(**{f.name: getattr(namespace, f.name) for f in dataclasses.fields(cls) if f.init})
