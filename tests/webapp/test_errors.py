"""Messages for the page (webapp/errors.py): no server folders, HTML escaped, never a stack trace."""
import gradio as gr
import pytest

from sentiment.data import DataError
from sentiment.errors import CheckpointError
from webapp.errors import SpeakingBlocks, checked_number, for_the_page, user_errors


def test_error_messages_for_the_page_hide_server_folders_and_escape_html():
    assert for_the_page("/srv/app/study/cad_dev.csv.gz: no such file (set CAD_DATA_DIR)") == \
        "cad_dev.csv.gz: no such file (set CAD_DATA_DIR)"
    assert for_the_page("No review with id <b>x</b> & more") == "No review with id &lt;b&gt;x&lt;/b&gt; &amp; more"
    assert for_the_page("ids look like test/neg/8977_4; ratio 1/2") == "ids look like test/neg/8977_4; ratio 1/2"
    assert for_the_page("'/home/me/x.csv' and ~/y/z.csv") == "'x.csv' and ~/y/z.csv"


@pytest.mark.parametrize("error", [DataError("bad <i>row</i> in /srv/app/data/r.csv"),
                                   CheckpointError("bad <i>row</i> in /srv/app/data/r.csv")])
def test_errors_meant_for_people_reach_the_page_as_a_message(error):
    def handler():
        raise error

    with pytest.raises(gr.Error) as raised:
        user_errors(handler)()
    assert raised.value.message == "bad &lt;i&gt;row&lt;/i&gt; in r.csv"
    assert raised.value.__cause__ is None and raised.value.__suppress_context__  # no trace attached


@pytest.mark.parametrize("error", [KeyError("a bug"), ValueError("a bug in /srv/app/x.py")],
                         ids=lambda e: type(e).__name__)
def test_other_errors_are_not_turned_into_messages(error):
    # the command line's rule (tests/sentiment/test_errors.py): only a UserError speaks to the user; a bare
    # ValueError is a bug, whose traceback Gradio logs while the page shows a generic error
    def handler():
        raise error

    with pytest.raises(type(error)):
        user_errors(handler)()


def test_a_wrapped_handler_returns_what_it_returned_and_keeps_its_name():
    def classify(text, *, k=1):
        return text * k

    wrapped = user_errors(classify)
    assert wrapped("ab", k=2) == "abab" and wrapped.__name__ == "classify"


def _demo_with(handler):
    with SpeakingBlocks() as demo:
        checkpoint, text, out = gr.Textbox(), gr.Textbox(), gr.Textbox()
        gr.Button().click(user_errors(handler), [checkpoint, text], out, api_name="classify")
    return demo, next(fn for fn in demo.fns.values() if fn.api_name == "classify")


@pytest.mark.parametrize("sent, said", [([], "sent 0"), (["minilm"], "sent 1")])
def test_an_api_call_with_too_few_values_is_told_what_to_send(sent, said):
    # Gradio's own refusal is a ValueError whose text never reaches the caller (a null message)
    def classify(checkpoint, text, progress=None):
        return text

    demo, event = _demo_with(classify)
    with pytest.raises(gr.Error) as error:
        demo.validate_inputs(event, sent)
    assert error.value.message == f"/classify takes 2 values, in this order: checkpoint, text; it was {said}."


def test_an_api_call_with_enough_values_is_let_through():
    demo, event = _demo_with(lambda checkpoint, text: text)
    assert demo.validate_inputs(event, ["minilm", "a fine film"]) is None
    assert demo.validate_inputs(event, ["minilm", "a fine film", "extra"]) is None  # Gradio ignores extras


@pytest.mark.parametrize("value, low, high, whole, expected", [
    (0.5, 0.5, 1.0, False, 0.5), (1, 0.5, 1.0, False, 1.0), ("0.75", 0.5, 1.0, False, 0.75),
    (64, 0, 64, True, 64.0), (12.0, 0, 64, True, 12.0), (" 8 ", 0, 64, True, 8.0)])
def test_checked_number_takes_a_number_in_range(value, low, high, whole, expected):
    assert checked_number(value, low, high, "It", whole) == expected


@pytest.mark.parametrize("value, shown", [
    ("abc", "'abc'"), (None, "None"), (float("nan"), "nan"), (float("-inf"), "-inf"), (0.4999, "0.4999"),
    (False, "False"), ({"a": 1}, "{'a': 1}"), ("\x00" * 3, "'\\x00\\x00\\x00'"), ("9" * 60, "that value")])
def test_checked_number_names_what_it_refuses(value, shown):
    with pytest.raises(DataError) as error:
        checked_number(value, 0.5, 1.0, "The minimum confidence")
    assert str(error.value) == f"The minimum confidence must be a number from 0.5 to 1; got {shown}."
