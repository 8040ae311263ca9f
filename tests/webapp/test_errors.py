"""Messages for the page (webapp/errors.py): no server folders, HTML escaped, never a stack trace."""
import gradio as gr
import pytest

from sentiment.data import DataError
from sentiment.errors import CheckpointError
from webapp.errors import for_the_page, user_errors


def test_error_messages_for_the_page_hide_server_folders_and_escape_html():
    assert for_the_page("/srv/app/study/cad_dev.csv.gz: no such file (set CAD_DATA_DIR)") == \
        "cad_dev.csv.gz: no such file (set CAD_DATA_DIR)"
    assert for_the_page("No review with id <b>x</b> & more") == "No review with id &lt;b&gt;x&lt;/b&gt; &amp; more"
    assert for_the_page("ids look like test/neg/8977_4; ratio 1/2") == "ids look like test/neg/8977_4; ratio 1/2"
    assert for_the_page("'/home/me/x.csv' and ~/y/z.csv") == "'x.csv' and ~/y/z.csv"


@pytest.mark.parametrize("error", [DataError("bad <i>row</i> in /srv/app/data/r.csv"),
                                   CheckpointError("bad <i>row</i> in /srv/app/data/r.csv"),
                                   ValueError("bad <i>row</i> in /srv/app/data/r.csv")])
def test_errors_meant_for_people_reach_the_page_as_a_message(error):
    def handler():
        raise error

    with pytest.raises(gr.Error) as raised:
        user_errors(handler)()
    assert raised.value.message == "bad &lt;i&gt;row&lt;/i&gt; in r.csv"
    assert raised.value.__cause__ is None and raised.value.__suppress_context__  # no trace attached


def test_other_errors_are_not_turned_into_messages():
    def handler():
        raise KeyError("a bug")

    with pytest.raises(KeyError):
        user_errors(handler)()


def test_a_wrapped_handler_returns_what_it_returned_and_keeps_its_name():
    def classify(text, *, k=1):
        return text * k

    wrapped = user_errors(classify)
    assert wrapped("ab", k=2) == "abab" and wrapped.__name__ == "classify"
