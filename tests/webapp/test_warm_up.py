"""webapp/warm_up.py: what is prepared before the app accepts visitors, and what is left to first use."""
import pytest

from sentiment.errors import DataError
from webapp import warm_up


@pytest.fixture
def recorded(monkeypatch):
    done = []
    monkeypatch.setattr(warm_up, "checkpoint_names", lambda: ["large", "small"])
    monkeypatch.setattr(warm_up, "predictor", lambda name: done.append(("predictor", name)))
    monkeypatch.setattr(warm_up, "explainer", lambda name: done.append(("explainer", name)))
    monkeypatch.setattr(warm_up.lesson_tab, "prepare", lambda name: done.append(("lesson", name)))
    monkeypatch.setattr(warm_up.mistakes_tab, "study_table", lambda: done.append(("mistakes", None)))
    return done


def test_every_model_then_the_default_checkpoints_lesson_then_the_mistakes(recorded):
    lines = []
    warm_up.prepare(lines.append)
    assert recorded == [("predictor", "large"), ("explainer", "large"), ("predictor", "small"),
                        ("explainer", "small"), ("lesson", "large"), ("mistakes", None)]
    assert [line.split(" ready in ")[0] for line in lines] == [
        "warm-up: models of large", "warm-up: models of small", "warm-up: the lesson's 6 steps on large",
        "warm-up: the mistakes table"]


def test_a_stage_that_cannot_be_prepared_is_left_to_first_use(recorded, monkeypatch):
    def missing():
        raise DataError("the study file is missing")

    monkeypatch.setattr(warm_up.mistakes_tab, "study_table", missing)
    lines = []
    warm_up.prepare(lines.append)
    assert lines[-1] == "warm-up: the mistakes table left to first use: the study file is missing"
    monkeypatch.setattr(warm_up.mistakes_tab, "study_table", lambda: 1 / 0)  # a bug is not hidden
    with pytest.raises(ZeroDivisionError):
        warm_up.prepare(lines.append)


@pytest.mark.parametrize("value, expected", [(None, True), ("1", True), ("0", False), (" 0 ", False)])
def test_the_switch(monkeypatch, value, expected):
    if value is None:
        monkeypatch.delenv(warm_up.ENVIRONMENT_SWITCH, raising=False)
    else:
        monkeypatch.setenv(warm_up.ENVIRONMENT_SWITCH, value)
    assert warm_up.wanted() is expected
