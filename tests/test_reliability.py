"""Hostile and careless input, replayed: the app through gradio_client, the command lines as subprocesses.

Every case must end in a specific message (or the right result): never a bare
"Error", a traceback, a silently wrong answer or work lost after it was done.
The app is the staged Space of ``conftest.app_url`` (shared with test_app.py).
"""
import json
import os
import re
import subprocess
import sys
import urllib.request
from pathlib import Path

import pandas as pd
import pytest

gradio_client = pytest.importorskip("gradio_client")

REPO = Path(__file__).resolve().parent.parent
LARGE_NAME = "minilm-imdb-25k"
needs_checkpoints = pytest.mark.skipif(not (REPO / "checkpoints" / LARGE_NAME / "config.json").exists(),
                                       reason="the shipped checkpoints are missing")


def app_error(client, *args, api_name: str) -> str:
    """The message a visitor sees for this request (it must fail)."""
    with pytest.raises(Exception) as error:
        client.predict(*args, api_name=api_name)
    message = str(error.value)
    assert "has not enabled verbose error reporting" not in message, f"a bare 'Error' for {api_name}"
    return message


# ---- the app ------------------------------------------------------------------------------

def raw_call(app_url: str, api_name: str, data: list) -> tuple[str, str]:
    """``(event, data)`` of an API call sent as plain JSON, as any HTTP client may send it:
    ``json.dumps`` writes a lone surrogate as the escape ``\\ud800``, which gradio_client refuses to send."""
    body = json.dumps({"data": data}).encode()
    request = urllib.request.Request(f"{app_url}gradio_api/call/{api_name}", data=body,
                                     headers={"Content-Type": "application/json"})
    event_id = json.loads(urllib.request.urlopen(request, timeout=60).read())["event_id"]
    stream = urllib.request.urlopen(f"{app_url}gradio_api/call/{api_name}/{event_id}", timeout=120).read().decode()
    events = re.findall(r"^event: (\w+)\ndata: (.*)$", stream, re.M)
    return events[-1]


@needs_checkpoints
@pytest.mark.parametrize("api_name, data", [
    ("classify", [LARGE_NAME, "good movie \ud800 bad"]),
    ("explain", [LARGE_NAME, "good movie \ud800 bad", "ig", 0, False]),
    ("contrast", [LARGE_NAME, "good movie \ud800 bad", "a fine film"]),
])
def test_a_lone_surrogate_is_named_in_every_tab(app_url, api_name, data):
    event, message = raw_call(app_url, api_name, data)
    assert event == "error" and "character 12 is a broken character" in message, (event, message)


@needs_checkpoints
def test_checkpoint_missing_or_of_the_wrong_type_is_named(client, tmp_path):
    path = tmp_path / "reviews.csv"
    path.write_text("review\ngood\n")
    upload = gradio_client.handle_file(str(path))
    assert "Choose a checkpoint" in app_error(client, None, upload, api_name="/classify_csv")
    assert "Choose a checkpoint" in app_error(client, [LARGE_NAME], "good", api_name="/classify")


@needs_checkpoints
def test_csv_with_extra_fields_is_refused_not_misread(client, tmp_path):
    path = tmp_path / "shifted.csv"
    path.write_text("review,sentiment\ngood,positive,extra,more\nbad\n")
    message = app_error(client, LARGE_NAME, gradio_client.handle_file(str(path)), api_name="/classify_csv")
    assert message.startswith("shifted.csv: some rows have more fields than the header (review, sentiment)")
    assert "/" not in message  # no folder of the server's upload path


@needs_checkpoints
def test_csv_download_escapes_formula_cells(client, tmp_path):
    path = tmp_path / "formulas.csv"
    pd.DataFrame({"review": ["=cmd|' /C calc'!A0", "@SUM(A1) a dreadful film", "A fine film."]}).to_csv(
        path, index=False)
    out, _ = client.predict(LARGE_NAME, gradio_client.handle_file(str(path)), api_name="/classify_csv")
    reviews = pd.read_csv(out)["review"].tolist()
    assert reviews == ["'=cmd|' /C calc'!A0", "'@SUM(A1) a dreadful film", "A fine film."]


@needs_checkpoints
def test_unknown_text_gets_a_warning_and_format_characters_are_text(client):
    _, note = client.predict(LARGE_NAME, "😀 " * 100, api_name="/classify")
    assert note.startswith("Warning: the model knows almost none of this text (100% of its word pieces")
    label, note = client.predict(LARGE_NAME, "A wonderful\u200b film, \u200eI loved it.", api_name="/classify")
    assert label["label"] == "positive" and "Warning" not in note


@needs_checkpoints
def test_too_many_integration_steps_are_refused(client):
    message = app_error(client, LARGE_NAME, "A fine film.", "ig", 100_000, False, api_name="/explain")
    assert "100000" in message or "100,000" in message


@needs_checkpoints
def test_a_review_id_with_html_is_shown_as_text(client):
    message = app_error(client, '<img src=x onerror=alert(1)>', api_name="/show_mistake")  # short: echoed
    assert "<img" not in message and "No review with id &lt;img src=x onerror=alert(1)&gt;" in message


# ---- the command lines ----------------------------------------------------------------------

def run(module: str, *args: str | bytes, stdin: bytes = b"") -> subprocess.CompletedProcess:
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "PYTHONPATH": str(REPO)}
    return subprocess.run([sys.executable, "-m", module, *args], input=stdin, capture_output=True,
                          cwd=REPO, env=env, timeout=300)


def assert_refused(result: subprocess.CompletedProcess, message: str) -> None:
    stderr = result.stderr.decode(errors="replace")
    assert result.returncode == 2, stderr[-2000:]
    assert "Traceback" not in stderr, stderr[-2000:]
    assert message in stderr, stderr[-2000:]


@pytest.mark.parametrize("args, message", [
    (["predict", "--batch-size", "-1", "--json", "good"], "argument --batch-size: -1 must be at least 1"),
    (["predict", "--batch-size", "0", "good"], "argument --batch-size: 0 must be at least 1"),
    (["train", "--epochs", "0"], "error: --epochs: 0 must be above 0"),
    (["train", "--epochs", "-1"], "error: --epochs: -1 must be above 0"),
    (["train", "--size", "0"], "argument --size: 0 must be at least 1"),
    (["train", "--size", "-5"], "argument --size: -5 must be at least 1"),
    (["train", "--batch-size", "0"], "error: --batch-size: 0 must be at least 1"),
    (["train", "--max-length", "1"], "error: --max-length: 1 is outside [4, 512]"),
    (["train", "--model", "/nonexistent", "--size", "100"], "--model /nonexistent: no model folder there"),
])
def test_sentiment_flags_out_of_range_are_refused_before_any_work(args, message, tmp_path):
    if "train" in args:
        args = [*args, "--output", str(tmp_path / "run")]
    assert_refused(run("sentiment", *args, *(["--checkpoint", "x"] if args[0] == "predict" else [])), message)
    assert not (tmp_path / "run").exists()  # nothing left behind


def test_predict_reads_bytes_that_are_not_utf8_as_a_message(tiny_model_dir):
    assert_refused(run("sentiment", "predict", "--checkpoint", str(tiny_model_dir), b"good \xff\xfe movie"),
                   "review 1 is not valid text: character 6 is a broken character")


def test_predict_refuses_a_csv_with_extra_fields(tiny_model_dir, tmp_path):
    path = tmp_path / "shifted.csv"
    path.write_text("review,sentiment\ngood,positive,extra,more\nbad\n")
    assert_refused(run("sentiment", "predict", "--checkpoint", str(tiny_model_dir), "--csv", str(path)),
                   "some rows have more fields than the header")


@pytest.mark.parametrize("where, message", [("missing/out.csv", "does not exist"), (".", "is a folder")])
def test_evaluate_checks_where_it_writes_before_evaluating(tiny_model_dir, tmp_path, where, message):
    reviews = tmp_path / "reviews.csv"
    reviews.write_text("review,sentiment\nA fine film.,positive\nA dull film.,negative\n")
    result = run("sentiment", "evaluate", "--checkpoint", str(tiny_model_dir), "--data", str(reviews),
                 "--predictions", str(tmp_path / where))
    assert_refused(result, message)
    assert b"evaluating" not in result.stderr  # refused before the evaluation, not after it


@pytest.mark.parametrize("args, stdin, message", [
    (["good movie", "--top", "-1"], b"", "argument --top: -1 must be at least 1"),
    (["good movie", "--steps", "100000"], b"", "argument --steps: 100000 is outside [1, 128]"),
    (["good movie", "--html", "/nonexistent/folder/page.html"], b"", "does not exist"),
    (["-"], b"good \xff movie", "the text on standard input is not UTF-8 (byte 6)"),
    ([b"good \xff movie"], b"", "character 6 is a broken character"),
])
def test_explain_flags_and_text_are_checked_before_explaining(tiny_model_dir, args, stdin, message):
    assert_refused(run("explain", *args, "--checkpoint", str(tiny_model_dir), stdin=stdin), message)
