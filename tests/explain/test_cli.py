"""explain/__main__.py: ``python -m explain "review text"``, its text and JSON output and its errors.

Most tests replace ``Explainer.from_pretrained`` by a stub that returns a hand-made explanation, so every
number printed can be written out; the last ones run the tiny checkpoint from conftest end to end.
"""
import io
import json
import re
import sys
from types import SimpleNamespace

import pytest

from explain import Explainer
from explain.__main__ import main as explain_main
from explain.explainer import Explanation
from explain.render import to_html
from explain.words import DroppedSpan, Word

REVIEW = "A wonderful, moving film. The acting isn't great, but I can't stop thinking about it!"


def explanation(**fields):
    """"good bad", predicted and explained negative: "good" pushed 0.5 toward positive, "bad" 1.25 toward
    negative (scores are toward the target, negative)."""
    values = dict(text="good bad", label="negative", p_positive=0.2, target="negative", method="ig",
                  words=[Word("good", 0, 4, -0.5), Word("bad", 5, 8, 1.25)], margin_input=1.386,
                  margin_baseline=0.02, baseline="neutral", baseline_p_positive=0.4951, attribution_sum=0.75,
                  convergence_delta=-0.616, completeness_error=0.0123, relative_delta=0.456, n_steps=9,
                  steps_note=None, dropped=None, seconds=1.234, precision="fp32")
    return Explanation(**{**values, **fields})


@pytest.fixture
def stub(monkeypatch):
    """``Explainer.from_pretrained`` returns a stub; ``stub.calls`` records how it was loaded and asked."""
    state = SimpleNamespace(calls=[], explanation=explanation())

    class Stub:
        def explain(self, text, target=None, method="ig", n_steps=None):
            state.calls.append(("explain", text, target, method, n_steps))
            return state.explanation

    def from_pretrained(checkpoint, precision="auto", baseline="neutral", read_length=None):
        state.calls.append(("load", checkpoint, baseline))
        return Stub()

    monkeypatch.setattr(Explainer, "from_pretrained", from_pretrained)
    return state


def test_text_output_prints_every_push_toward_positive(stub, capsys):
    assert explain_main(["good bad", "--checkpoint", "ckpt"]) == 0
    assert capsys.readouterr().out == (
        "prediction: negative (P(positive) = 0.200)\n"
        "explained: margin logit[negative] - logit[other] = +1.386 (baseline +0.020), method ig\n"
        "baseline (neutral, the review with its words taken out): P(positive) = 0.495\n"
        "completeness: attributions sum to +0.750, delta -0.6160, error 1.23% of the scores' size "
        "(relative delta 45.60%), 9 steps\n"
        "time: 1.23 s\n"
        "top words (push toward positive; > 0 pushed toward positive, < 0 toward negative):\n"
        "   -1.2500  bad\n"
        "   +0.5000  good\n"
        "words (push toward positive):\n"
        "good[+0.500] bad[-1.250]\n")
    assert stub.calls == [("load", "ckpt", "neutral"), ("explain", "good bad", None, "ig", None)]


def test_text_output_of_a_positive_target_keeps_the_signs_and_prints_the_notes(stub, capsys):
    stub.explanation = explanation(
        text="good bad", target="positive", method="occlusion",
        words=[Word("good", 0, 4, 0.5), Word("bad", 5, 8, -1.25)],
        completeness_error=None, convergence_delta=None, relative_delta=None, n_steps=None,
        steps_note="steps raised from 8 to 16", dropped=DroppedSpan(4, 5, 0, 2))
    assert explain_main(["good bad", "--checkpoint", "ckpt", "--target", "positive", "--method", "occlusion",
                         "--baseline", "pad", "--top", "1"]) == 0
    assert capsys.readouterr().out == (
        "prediction: negative (P(positive) = 0.200)\n"
        "explained: margin logit[positive] - logit[other] = +1.386 (baseline +0.020), method occlusion\n"
        "baseline (neutral, the review with its words taken out): P(positive) = 0.495\n"
        "note: steps raised from 8 to 16\n"
        "note: ... 2 tokens of punctuation or symbols not read by the model ... (characters 4-5)\n"
        "time: 1.23 s\n"
        "top words (push toward positive; > 0 pushed toward positive, < 0 toward negative):\n"
        "   -1.2500  bad\n"
        "words (push toward positive):\n"
        "good[+0.500] bad[-1.250]\n")
    assert stub.calls == [("load", "ckpt", "pad"), ("explain", "good bad", "positive", "occlusion", None)]


def test_json_output_is_the_explanation_and_the_html_page_is_written(stub, capsys, tmp_path):
    page = tmp_path / "e.html"
    assert explain_main(["good bad", "--checkpoint", "ckpt", "--json", "--html", str(page)]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out == json.loads(json.dumps(stub.explanation.to_dict()))
    assert (out["label"], out["target"], out["p_positive"]) == ("negative", "negative", 0.2)
    # in JSON the scores stay toward the explained class, as Explanation.words holds them
    assert out["words"] == [{"word": "good", "start": 0, "end": 4, "score": -0.5},
                            {"word": "bad", "start": 5, "end": 8, "score": 1.25}]
    assert page.read_text(encoding="utf-8") == to_html(stub.explanation)


def test_a_dash_reads_the_review_from_standard_input(stub, capsys, monkeypatch):
    monkeypatch.setattr(sys, "stdin", SimpleNamespace(buffer=io.BytesIO("Amélie, good bad".encode())))
    assert explain_main(["-", "--checkpoint", "ckpt"]) == 0
    assert stub.calls[-1] == ("explain", "Amélie, good bad", None, "ig", None)


@pytest.mark.parametrize("argv, stdin, message", [
    ([""], None, "error: the review is empty: give some review text."),
    (["   \n"], None, "error: the review is empty: give some review text."),
    (["-"], b"good \xff bad", "error: the text on standard input is not UTF-8 (byte 6)"),
    (["good", "--html", "/no/such/folder/e.html"], None,
     "error: /no/such/folder/e.html: the folder /no/such/folder does not exist"),
    (["good", "--html", "/proc/e.html"], None,  # os.access says yes to /proc as root: the check must try
     "error: /proc/e.html: not writable (No such file or directory)"),
    (["good", "--method", "occlusion", "--steps", "8"], None,
     "error: --steps sets the integration steps of --method ig; --method occlusion has none (leave --steps out)"),
])
def test_bad_input_is_one_error_line_and_status_2_before_anything_is_explained(stub, capsys, monkeypatch, argv,
                                                                               stdin, message):
    if stdin is not None:
        monkeypatch.setattr(sys, "stdin", SimpleNamespace(buffer=io.BytesIO(stdin)))
    assert explain_main([*argv, "--checkpoint", "ckpt"]) == 2
    out, err = capsys.readouterr()
    assert (out, err) == ("", message + "\n")
    assert stub.calls == []


def test_a_bad_flag_value_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as exit_:
        explain_main(["good", "--steps", "0"])
    assert exit_.value.code == 2
    assert capsys.readouterr().err.splitlines()[-1].startswith("python -m explain: error: argument --steps: ")


# --- end to end, on the tiny checkpoint ----------------------------------------------------------

def test_command_prints_the_json_of_the_explainer(tiny_model_dir, capsys):
    assert explain_main([REVIEW, "--checkpoint", str(tiny_model_dir), "--json", "--steps", "8"]) == 0
    out = json.loads(capsys.readouterr().out)
    expected = Explainer.from_pretrained(tiny_model_dir).explain(REVIEW, n_steps=8).to_dict()
    assert out.keys() == expected.keys()
    assert (out["label"], out["target"], out["method"], out["n_steps"]) == (
        expected["label"], expected["target"], "ig", 8)
    assert out["p_positive"] == pytest.approx(expected["p_positive"], abs=1e-6)
    assert [(w["word"], w["start"], w["end"]) for w in out["words"]] == [
        (w["word"], w["start"], w["end"]) for w in expected["words"]]
    assert [w["score"] for w in out["words"]] == pytest.approx([w["score"] for w in expected["words"]], abs=1e-5)
    assert "isn't" in [w["word"] for w in out["words"]]


def test_command_text_output_names_the_neutral_baseline(tiny_model_dir, capsys):
    assert explain_main([REVIEW, "--checkpoint", str(tiny_model_dir), "--steps", "4"]) == 0
    out = capsys.readouterr().out
    assert re.search(r"^baseline \(neutral, the review with its words taken out\): P\(positive\) = 0\.(49|50)\d$",
                     out, re.M)
    assert re.search(r"^completeness: attributions sum to [+-]\d\.\d{3}, .*, 4 steps$", out, re.M)
    assert "can't[" in out


def test_a_missing_checkpoint_is_one_error_line(capsys):
    assert explain_main(["fine", "--checkpoint", "/no/such/checkpoint"]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith("error: /no/such/checkpoint: no such checkpoint folder") and err.count("\n") == 1


def test_a_page_that_fails_to_write_after_the_check_comes_after_the_printed_explanation(stub, capsys, monkeypatch,
                                                                                         tmp_path):
    import explain.render

    def full_disk(e):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(explain.render, "to_html", full_disk)
    page = tmp_path / "e.html"
    assert explain_main(["good bad", "--checkpoint", "ckpt", "--json", "--html", str(page)]) == 2
    out, err = capsys.readouterr()
    assert json.loads(out)["label"] == "negative"  # the explanation, whole
    assert err == (f"error: {page}: the HTML page could not be written (No space left on device); "
                   f"the explanation is printed above\n")
