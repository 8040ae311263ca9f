"""sentiment.arguments: bad flag values are refused by argparse, with the rule they broke."""
import argparse

import pytest

from sentiment.arguments import number_in, positive_float, positive_int, probability


@pytest.mark.parametrize("parse, text, message", [
    (positive_int, "0", "0 must be at least 1"),
    (positive_int, "-5", "-5 must be at least 1"),
    (positive_int, "2.5", "'2.5' is not an integer"),
    (positive_float, "0", "0 must be above 0"),
    (positive_float, "nan", "'nan' is not a finite number"),
    (positive_float, "inf", "'inf' is not a finite number"),
    (probability, "1", r"1 is outside \[0, 1\)"),
    (probability, "-0.1", r"-0.1 is outside \[0, 1\)"),
    (number_in(int, 4, 512), "1", r"1 is outside \[4, 512\]"),
    (number_in(int, 4, 512), "513", r"513 is outside \[4, 512\]"),
])
def test_out_of_range_values_are_refused(parse, text, message):
    with pytest.raises(argparse.ArgumentTypeError, match=message):
        parse(text)


def test_values_in_range_come_back_typed():
    assert positive_int("3") == 3 and isinstance(positive_int("3"), int)
    assert positive_float("0.5") == 0.5
    assert probability("0") == 0.0
    assert number_in(int, 4, 512)("512") == 512
    assert number_in(float, 0.0)("0") == 0.0
