"""sentiment/robustness/stats.py: means with Student's t intervals, and paired differences."""
import pytest

from sentiment.robustness.stats import mean_interval, paired_difference


def test_mean_interval_by_hand():
    # mean 2, sd 1, n 3: t(0.975, 2) = 4.302653 -> half-width 4.302653 / sqrt(3) = 2.484138
    assert mean_interval([1.0, 2.0, 3.0]) == {"n": 3, "mean": 2.0, "low": -0.4841, "high": 4.4841}
    # n 4, values 0 0 2 2: mean 1, sd 1.154701, t(0.975, 3) = 3.182446 -> half 1.837383
    assert mean_interval([0.0, 0.0, 2.0, 2.0]) == {"n": 4, "mean": 1.0, "low": -0.8374, "high": 2.8374}


def test_one_value_has_no_interval_and_none_has_no_mean():
    assert mean_interval([0.25]) == {"n": 1, "mean": 0.25, "low": None, "high": None}
    assert mean_interval([]) == {"n": 0, "mean": None, "low": None, "high": None}


def test_paired_difference_pairs_case_by_case_and_skips_missing_values():
    before = {"values": [{"turn": 1.0}, {"turn": 2.0}, None, {"turn": 5.0}, {"turn": None}]}
    after = {"values": [{"turn": 2.0}, {"turn": 4.0}, {"turn": 9.0}, {"turn": 8.0}, {"turn": 1.0}]}
    # differences 1, 2, 3 (cases 3 and 5 have no "before")
    assert paired_difference(before, after, "turn") == mean_interval([1.0, 2.0, 3.0])
    assert paired_difference(after, before, "turn")["mean"] == -2.0  # the order says which minus which


def test_paired_difference_refuses_two_case_sets():
    with pytest.raises(ValueError, match="different case sets"):
        paired_difference({"values": [None]}, {"values": [None, None]}, "turn")
