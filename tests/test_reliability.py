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


# ---- the app, round 23's probe: crafted API calls answered in one line that names the value -----------

STEPS_RANGE = "Integration steps (0 = automatic) must be a whole number from 0 to 64; got"
CONFIDENCE_RANGE = "The minimum confidence must be a number from 0.5 to 1; got"


@needs_checkpoints
@pytest.mark.parametrize("api_name, data, message", [
    ("explain", [LARGE_NAME, "A fine film.", "ig", "abc", False], f"{STEPS_RANGE} 'abc'."),
    ("explain", [LARGE_NAME, "A fine film.", "ig", None, False], f"{STEPS_RANGE} None."),
    ("explain", [LARGE_NAME, "A fine film.", "ig", float("nan"), False], f"{STEPS_RANGE} nan."),  # JSON's NaN
    ("mistakes", ["all", "abc", "any tag"], f"{CONFIDENCE_RANGE} 'abc'."),
    ("mistakes", ["all", None, "any tag"], f"{CONFIDENCE_RANGE} None."),
    ("mistakes", ["all", float("nan"), "any tag"], f"{CONFIDENCE_RANGE} nan."),  # was 0 rows, without a word
    ("mistakes", ["all", 0.5, "sarcasm"], "Which tag: 'sarcasm' is not one of any tag, contrast_reversal, "
                                          "negation_dense, irony_cue, mostly_plot_summary, borderline_rating, "
                                          "extreme_rating, beyond_max_length."),
    ("classify", [LARGE_NAME], "/classify takes 2 values, in this order: checkpoint, text; it was sent 1."),
    # the hostile probe of the edits: a number was scored as the text "12345", an unknown checkpoint logged a trace
    ("edits", [LARGE_NAME, 12345], "The review box must be text, not int."),
    ("edits", ["nope", "A fine film."], "No checkpoint called 'nope'; choose one of minilm-imdb-25k, minilm-imdb-8k, "
                                        "minilm-imdb-cad."),
])
def test_a_crafted_value_is_named_in_one_line(app_url, api_name, data, message):
    event, said = raw_call(app_url, api_name, data)
    assert (event, json.loads(said)["error"]) == ("error", message)


@needs_checkpoints
def test_occlusion_agreement_of_one_word_says_it_cannot_be_computed(client):
    _, _, _, trust, _ = client.predict(LARGE_NAME, "Great", "ig", 0, True, api_name="/explain")
    assert ("- Agreement with word occlusion: cannot be computed for fewer than 2 words (the model read 1); a "
            "rank correlation needs words to rank.") in trust.split("\n")
    assert "nan" not in trust


@needs_checkpoints
def test_an_empty_csv_asks_only_for_the_review_column(client, tmp_path):
    path = tmp_path / "empty.csv"
    path.write_text("\n\n")
    message = app_error(client, LARGE_NAME, gradio_client.handle_file(str(path)), api_name="/classify_csv")
    assert message == ("empty.csv: the file is empty; expected a CSV with a header row and a 'review' column (one "
                       "review per row)")


@needs_checkpoints
def test_an_unread_middle_of_punctuation_is_counted_in_tokens(client):
    # "good", 600 "!" and "bad": 602 tokens, of which the checkpoint reads 510 (512 less [CLS] and [SEP])
    _, _, _, trust, _ = client.predict(LARGE_NAME, "good " + "!" * 600 + " bad", "ig", 8, False,
                                       api_name="/explain")
    assert trust.split("\n")[-1] == ("- The middle of this review: 92 tokens of punctuation or symbols not read by "
                                     "the model. The classifier keeps the head and tail of long reviews; the "
                                     "marker in the text shows where the gap is.")


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


# ---- the command lines, round 23's probe: refused in one line before the work, or said --------------

def labelled_csv(folder: Path, n: int = 20) -> Path:
    """``n`` labelled one-line reviews, half positive."""
    path = folder / "reviews.csv"
    path.write_text("review,sentiment\n" + "".join(f"a {['dull', 'fine'][i % 2]} film number {i},"
                                                   f"{['negative', 'positive'][i % 2]}\n" for i in range(n)))
    return path


@pytest.mark.parametrize("args, message", [
    (["table", "/etc"], "error: /etc: no report.json there; expected a run folder"),
    (["table", "/nonexistent"], "error: /nonexistent: no such folder; expected a run folder"),
    (["card", "/etc"], "error: /etc: no report.json there; expected a run folder"),
    (["robustness", "--checkpoint", "x", "--skip-taxonomy", "--limit-taxonomy", "10"],
     "error: --limit-taxonomy samples the error taxonomy, which --skip-taxonomy leaves out"),
    (["robustness", "--checkpoint", "nonexistent"], "error: nonexistent: no such checkpoint folder"),
    (["baseline", "--output", "FILE/x"], "FILE/x: FILE is a file, not a folder"),
    (["train", "--output", "FILE/run", "--data", "REVIEWS"], "FILE/run: FILE is a file, not a folder"),
    (["train", "--output", "/proc/run", "--data", "REVIEWS"], "/proc/run: cannot write in /proc"),
    (["evaluate", "--checkpoint", "TINY", "--data", "REVIEWS", "--predictions", "/proc/p.csv"],
     "/proc/p.csv: not writable"),
])
def test_sentiment_refuses_in_one_line_before_the_work(args, message, tiny_model_dir, tmp_path):
    a_file = tmp_path / "a-file"
    a_file.write_text("x")
    swap = {"FILE": str(a_file), "REVIEWS": str(labelled_csv(tmp_path)), "TINY": str(tiny_model_dir)}
    args = [arg.replace("FILE", swap["FILE"]) if arg.startswith("FILE") else swap.get(arg, arg) for arg in args]
    result = run("sentiment", *args)
    assert_refused(result, message.replace("FILE", str(a_file)))
    assert "predictions.csv.gz" not in result.stderr.decode()  # the checkpoint named, not a file inside it
    assert b"evaluating" not in result.stderr  # no work began


@pytest.mark.skipif(__import__("torch").cuda.is_available(), reason="this machine has the CUDA it asks for")
def test_an_absent_evaluation_device_is_named_by_its_own_flag(tiny_model_dir, tmp_path):
    result = run("sentiment", "train", "--model", str(tiny_model_dir), "--data", str(labelled_csv(tmp_path)),
                 "--val-size", "4", "--device", "cpu", "--eval-device", "cuda", "--output", str(tmp_path / "run"),
                 "--no-progress")
    assert_refused(result, "error: --eval-device cuda: no CUDA GPU is visible")
    assert not (tmp_path / "run").exists()


@pytest.mark.parametrize("args, message", [
    (["good movie", "--method", "occlusion", "--steps", "8"],
     "error: --steps sets the integration steps of --method ig; --method occlusion has none"),
    (["good movie", "--html", "/proc/x.html"], "error: /proc/x.html: not writable"),
])
def test_explain_refuses_a_flag_it_would_ignore_or_a_page_it_cannot_write(tiny_model_dir, args, message):
    assert_refused(run("explain", *args, "--checkpoint", str(tiny_model_dir)), message)


def test_evaluate_says_it_used_all_when_the_limit_is_beyond_the_data(tiny_model_dir, tmp_path):
    result = run("sentiment", "evaluate", "--checkpoint", str(tiny_model_dir), "--data",
                 str(labelled_csv(tmp_path, 4)), "--limit", str(10 ** 9), "--json", "--precision", "fp32")
    assert result.returncode == 0, result.stderr.decode()[-2000:]
    assert json.loads(result.stdout)["n"] == 4
    assert "--limit 1,000,000,000: the data holds only 4 reviews; using all of them" in result.stderr.decode()


def test_train_says_what_it_resumes_and_how_much_data_it_had(tiny_model_dir, tmp_path):
    """--resume on an empty folder says it trains from the start; a size beyond the data is said and the report
    records the real one; --resume on the finished run says so and trains nothing."""
    run_dir = tmp_path / "run"
    args = ["train", "--model", str(tiny_model_dir), "--data", str(labelled_csv(tmp_path)), "--size", str(10 ** 9),
            "--val-size", "4", "--max-length", "16", "--eval-every", "2", "--device", "cpu", "--precision", "fp32",
            "--eval-precision", "fp32", "--output", str(run_dir), "--resume", "--no-progress"]
    first = run("sentiment", *args)
    err = first.stderr.decode()
    assert first.returncode == 0, err[-2000:]
    assert f"--resume: nothing of this run is saved in {run_dir} yet; training from the start" in err
    # 20 reviews: 4 held out as test (20%), the other 16 drawn whole, 4 of them for validation
    assert "--size 1,000,000,000: --data " in err and " has only 16 reviews to draw; using all of them" in err
    report = json.loads((run_dir / "report.json").read_text())
    assert (report["train_size"], report["validation_size"], report["test_size"]) == (12, 4, 4)
    assert "1,000,000,000" not in json.dumps(report)

    again = run("sentiment", *args)
    assert again.returncode == 0, again.stderr.decode()[-2000:]
    assert f"--resume: the run in {run_dir} is finished (report.json written); nothing left to do" in \
        again.stderr.decode()
    assert json.loads((run_dir / "report.json").read_text()) == report  # not trained, not rewritten
