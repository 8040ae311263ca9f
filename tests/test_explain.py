"""explain/: integrated gradients, word merge, rendering, occlusion, faithfulness, command line.

A tiny random-weight BERT (conftest) for everything but the last test, which
needs the shipped checkpoint and is skipped without it.
"""
import html
import json
import re
from pathlib import Path

import pytest
import torch
from captum.attr import LayerIntegratedGradients

from explain import Explainer
from explain.__main__ import main as explain_main
from explain import attribution
from explain.attribution import (DEFAULT_STEPS, IGResult, allocate_steps, completeness_error, integrated_gradients,
                                 margin_forward, pad_baseline)
from explain.baseline import TOLERANCE, BaselineVectors
from explain.batching import batched_logits, margin, without_positions
from explain.faithfulness import evaluate_set, faithfulness, misclassified_texts, summarize
from explain.occlusion import rank_agreement
from explain.render import colour, highlighted_html, highlighted_segments, to_html, top_words_table
from explain.words import merge_word_pieces
from sentiment.data import DataError

SHIPPED = Path(__file__).resolve().parent.parent / "checkpoints" / "minilm-imdb-25k"
REVIEW = "A wonderful, moving film. The acting isn't great, but I can't stop thinking about it!"


@pytest.fixture(scope="module")
def explainer(tokenizer, tmp_path_factory):
    """A tiny BERT with weights large enough that its margins differ from review to baseline
    (with the default 0.02 init they are ~1e-5 and completeness would be checked on noise)."""
    from conftest import tiny_config
    from transformers import BertForSequenceClassification

    from sentiment.model import save_checkpoint

    torch.manual_seed(0)
    directory = tmp_path_factory.mktemp("tiny-explain")
    model = BertForSequenceClassification(tiny_config(initializer_range=0.2))
    save_checkpoint(model, tokenizer, directory, max_length=64)
    return Explainer.from_pretrained(directory)


def words_of(explainer, text, **kwargs):
    return [w.word for w in explainer.explain(text, n_steps=4, **kwargs).words]


# --- integrated gradients -------------------------------------------------------------------

def test_completeness_holds_on_a_tiny_model(explainer):
    e = explainer.explain(REVIEW, n_steps=32)
    difference = e.margin_input - e.margin_baseline
    assert abs(difference) > 1e-4  # otherwise the check below says nothing
    word_sum = sum(w.score for w in e.words)
    # [CLS]/[SEP] are identical in input and baseline, so words carry everything.
    assert word_sum == pytest.approx(e.attribution_sum, rel=1e-5, abs=1e-6)
    assert abs(word_sum - difference) <= 0.02 * abs(difference)
    assert e.relative_delta == pytest.approx(abs(word_sum - difference) / abs(difference), rel=1e-3, abs=1e-6)
    mass = sum(abs(w.score) for w in e.words)  # one piece per word in REVIEW, so token and word mass agree
    assert e.completeness_error == pytest.approx(abs(word_sum - difference) / max(mass, abs(difference)),
                                                 rel=1e-3, abs=1e-6)


def test_completeness_error_stays_small_when_input_and_baseline_margins_are_equal():
    # f(input) = f(baseline) exactly, scores that cancel and a small integration error:
    # the relative delta divides by zero, the completeness error does not.
    result = IGResult(torch.tensor([0.0, 1.25, -1.249, 0.0]), margin_input=0.3, margin_baseline=0.3, n_steps=8)
    assert result.convergence_delta == pytest.approx(0.001, abs=1e-6)
    assert result.relative_delta > 1e6
    assert result.completeness_error == pytest.approx(0.001 / 2.499, rel=1e-3)
    assert completeness_error(0.0, 0.0, 0.0) == 0.0  # nothing at all to explain: no error
    # and bounded: nothing attributed to a change of 1 is an error of 100%, not more
    assert completeness_error(-1.0, 0.0, 1.0) == pytest.approx(1.0)


def test_margins_and_delta_agree_with_a_plain_captum_call(explainer):
    model, tokenizer = explainer.model, explainer.tokenizer
    ids = torch.tensor([tokenizer(REVIEW)["input_ids"]])
    ours = integrated_gradients(model, tokenizer, ids, target=1, n_steps=16)
    lig = LayerIntegratedGradients(margin_forward(model, 1), model.get_input_embeddings())
    attributions, delta = lig.attribute(ids, baselines=pad_baseline(ids, tokenizer), n_steps=16,
                                        return_convergence_delta=True)
    torch.testing.assert_close(ours.token_attributions, attributions.sum(-1)[0], rtol=1e-4, atol=1e-6)
    assert ours.convergence_delta == pytest.approx(float(delta), rel=1e-3, abs=1e-6)


def test_neutral_baseline_reads_as_neutral_on_a_tiny_model(explainer):
    model, tokenizer = explainer.model, explainer.tokenizer
    pad_only = BaselineVectors(model, tokenizer, "pad")
    neutral = BaselineVectors(model, tokenizer, "neutral", max_length=explainer.max_length)
    # 24 and 40 start from calibrated neighbours (24 from 23, 40 from 24: within NEIGHBOUR_GAP), the others from [PAD]
    for length in (6, 23, 24, 40, 64):
        if length in (24, 40):
            assert neutral._neighbours_root(length) is not None
        ids = torch.tensor([[tokenizer.cls_token_id, *[tokenizer.pad_token_id] * (length - 2), tokenizer.sep_token_id]])
        m_pad, m_neutral = margin_forward(model, 1, embeddings=True)(
            torch.cat([pad_only.embeddings(ids), neutral.embeddings(ids)])).tolist()
        assert abs(m_pad) > 4 * TOLERANCE  # [PAD] leans: otherwise there is nothing to calibrate
        assert abs(m_neutral) <= TOLERANCE, (length, m_pad, m_neutral)
        # still the review with its words taken out: [PAD] (zero in a fresh model), moved by less than a word
        shift = neutral.vector(length) - pad_only.vector(length)
        assert 0 < float(shift.norm()) < float(model.get_input_embeddings().weight.detach().norm(dim=1).mean())
    e = explainer.explain(REVIEW, n_steps=4)
    assert e.baseline == "neutral" and e.baseline_p_positive == pytest.approx(0.5, abs=0.02)
    assert Explainer(model, tokenizer, 64, baseline="pad").explain(REVIEW, n_steps=4).baseline_p_positive != \
        pytest.approx(0.5, abs=0.02)
    with pytest.raises(DataError, match="not one of"):
        Explainer(model, tokenizer, baseline="blank")


def test_baseline_keeps_cls_and_sep_and_pads_the_rest(tokenizer):
    ids = torch.tensor([tokenizer("good film")["input_ids"]])
    baseline = pad_baseline(ids, tokenizer)[0].tolist()
    assert baseline == [tokenizer.cls_token_id, tokenizer.pad_token_id, tokenizer.pad_token_id,
                        tokenizer.sep_token_id]


def test_steps_are_raised_when_completeness_fails_and_the_result_says_so(explainer):
    ids = torch.tensor([explainer.tokenizer(REVIEW)["input_ids"]])
    result = integrated_gradients(explainer.model, explainer.tokenizer, ids, target=0,
                                  max_steps=3 * DEFAULT_STEPS, max_error=0.0)
    assert result.n_steps == 3 * DEFAULT_STEPS
    assert f"to {3 * DEFAULT_STEPS}: completeness error was" in result.steps_note
    assert "still above the target" in result.steps_note
    assert integrated_gradients(explainer.model, explainer.tokenizer, ids, target=0,
                                max_error=1.0).steps_note is None


def test_refinement_stops_on_the_completeness_error_not_the_relative_delta(explainer):
    ids = torch.tensor([explainer.tokenizer(REVIEW)["input_ids"]])
    first = integrated_gradients(explainer.model, explainer.tokenizer, ids, target=0, max_error=1.0)
    assert first.relative_delta > 1.2 * first.completeness_error > 0  # the scores cancel, so the figures differ
    between = (first.relative_delta * first.completeness_error) ** 0.5
    again = integrated_gradients(explainer.model, explainer.tokenizer, ids, target=0, max_error=between)
    assert again.steps_note is None and again.n_steps == first.n_steps


def test_refinement_stops_at_the_step_budget_of_the_sequence_length(explainer, monkeypatch):
    ids = torch.tensor([explainer.tokenizer(REVIEW)["input_ids"]])
    monkeypatch.setattr(attribution, "STEP_TOKEN_BUDGET", 2 * DEFAULT_STEPS * ids.shape[1])
    result = integrated_gradients(explainer.model, explainer.tokenizer, ids, target=0, max_error=0.0)
    assert result.n_steps == 2 * DEFAULT_STEPS


def test_adaptive_segments_agree_with_captum_on_the_whole_path(explainer):
    model, tokenizer = explainer.model, explainer.tokenizer
    ids = torch.tensor([tokenizer(REVIEW)["input_ids"]])
    adaptive = integrated_gradients(model, tokenizer, ids, target=1, max_error=1e-3)
    fine = integrated_gradients(model, tokenizer, ids, target=1, n_steps=64)
    assert adaptive.completeness_error <= 1e-3 or adaptive.steps_note
    assert adaptive.margin_input == pytest.approx(fine.margin_input, abs=1e-4)
    assert adaptive.margin_baseline == pytest.approx(fine.margin_baseline, abs=1e-4)
    scale = float(fine.token_attributions.abs().max())
    torch.testing.assert_close(adaptive.token_attributions, fine.token_attributions, rtol=0, atol=0.02 * scale)


def test_steps_go_where_the_margin_changes():
    assert allocate_steps([0.0, 0.1, 3.0, 1.0], total=10, minimum=2) == [2, 2, 7, 2]
    assert allocate_steps([0.0, 0.1, 3.0, 1.0], total=6, minimum=1) == [1, 1, 4, 1]
    assert sum(allocate_steps([0.0, 0.0, 0.0, 0.0], minimum=2)) == 4 * 2


def test_either_class_can_be_explained_and_they_mirror_each_other(explainer):
    neg = explainer.explain(REVIEW, target="negative", n_steps=8)
    pos = explainer.explain(REVIEW, target="positive", n_steps=8)
    assert (neg.target, pos.target) == ("negative", "positive")
    assert [w.score for w in neg.words] == pytest.approx([-w.score for w in pos.words], rel=1e-4, abs=1e-6)
    assert neg.scores_toward("positive") == pytest.approx([w.score for w in pos.words], rel=1e-4, abs=1e-6)
    with pytest.raises(DataError, match="not one of"):
        explainer.explain(REVIEW, target="neutral")


def test_default_target_is_the_prediction(explainer):
    e = explainer.explain(REVIEW, n_steps=4)
    assert e.target == e.label == ("positive" if e.p_positive >= 0.5 else "negative")
    assert e.margin_input >= 0


# --- words -----------------------------------------------------------------------------------

def assert_spans_match(e):
    for w in e.words:
        assert e.text[w.start:w.end] == w.word


def test_punctuation_is_split_off_words_but_runs_stay_together(explainer):
    assert words_of(explainer, 'Great movie!!! (really) "Fun", 10/10...') == [
        "Great", "movie", "!!!", "(", "really", ")", '"', "Fun", '",', "10/10", "..."]


def test_contractions_and_hyphens_are_one_word(explainer):
    assert words_of(explainer, "It isn't bad, I can't lie; a well-made film.") == [
        "It", "isn't", "bad", ",", "I", "can't", "lie", ";", "a", "well-made", "film", "."]


def test_line_breaks_are_gaps_and_offsets_point_into_the_pasted_text(explainer):
    text = "Terrible plot.<br /><br />Great cast<BR>though."
    e = explainer.explain(text, n_steps=4)
    assert [w.word for w in e.words] == ["Terrible", "plot", ".", "Great", "cast", "though", "."]
    assert_spans_match(e)
    assert "".join(piece for piece, _ in highlighted_segments(e)) == text


def test_emoji_and_accents_keep_their_characters(explainer):
    text = "Loved it 😍😍 and Amélie's café scene, naïve but fun 👍!"
    e = explainer.explain(text, n_steps=4)
    words = [w.word for w in e.words]
    assert "😍😍" in words and "👍" in words
    assert "Amélie's" in words and "café" in words and "naïve" in words
    assert_spans_match(e)
    decomposed = "cafe\u0301 scene"  # e + combining acute: two code points, one letter
    assert words_of(explainer, decomposed) == ["cafe\u0301", "scene"]
    assert words_of(explainer, "I \u2764\ufe0f it") == ["I", "\u2764\ufe0f", "it"]


def test_word_scores_are_the_sum_of_their_pieces(tokenizer):
    text = "unbelievably good"
    offsets = tokenizer(text, add_special_tokens=False, return_offsets_mapping=True)["offset_mapping"]
    assert len(offsets) > 2  # "unbelievably" is several pieces
    words = merge_word_pieces(text, offsets, [1.0] * len(offsets))
    assert [(w.word, w.score) for w in words] == [("unbelievably", len(offsets) - 1.0), ("good", 1.0)]


def test_a_long_review_reports_the_part_the_model_did_not_read(explainer):
    text = " ".join(f"word{i % 50} is{'!' if i % 7 == 0 else ''}" for i in range(1000))  # 2,000 words
    e = explainer.explain(text, n_steps=4)
    d = e.dropped
    assert d is not None and d.n_tokens > 0
    total_words = len(text.split())
    assert 1900 < d.n_words < total_words
    assert re.fullmatch(rf"\.\.\. {d.n_words} words not read by the model \.\.\.", d.message)
    assert all(w.end <= d.start or w.start >= d.end for w in e.words)
    assert len(e.input_ids) <= explainer.max_length
    segments = highlighted_segments(e)
    joined = "".join(piece for piece, _ in segments)
    assert joined == text[:d.start] + f" [{d.message}] " + text[d.end:]
    assert json.loads(json.dumps(e.to_dict()))["dropped"]["n_words"] == d.n_words


def test_a_short_review_has_nothing_dropped(explainer):
    assert explainer.explain("Short and sweet.", n_steps=4).dropped is None


@pytest.mark.parametrize("text", ["", "   \n\t"])
def test_an_empty_review_is_a_clear_error(explainer, text):
    with pytest.raises(DataError, match="empty"):
        explainer.explain(text)


# --- rendering -------------------------------------------------------------------------------

def test_segments_cover_the_text_and_are_scaled_toward_positive(explainer):
    text = "  Fine acting,   dull  story.  "
    e = explainer.explain(text, target="negative", n_steps=8)
    segments = highlighted_segments(e)
    assert "".join(piece for piece, _ in segments) == text
    scores = [s for _, s in segments if s is not None]
    assert len(scores) == len(e.words)
    assert max(abs(s) for s in scores) == pytest.approx(1.0)
    # target was negative: segments show pushes toward positive, i.e. flipped signs
    assert [s > 0 for s in scores] == [w.score < 0 for w in e.words]


def test_top_words_table_is_ordered_by_size_and_signed_toward_positive(explainer):
    for target in ("positive", "negative"):
        e = explainer.explain(REVIEW, target=target, n_steps=8)
        rows = top_words_table(e, k=5)
        assert len(rows) == 5
        sizes = [abs(r["push toward positive"]) for r in rows]
        assert sizes == sorted(sizes, reverse=True)
        assert sizes[0] == pytest.approx(max(abs(w.score) for w in e.words), abs=1e-4)
        by_span = {(w.start, w.end): w.score for w in e.words}
        sign = 1 if target == "positive" else -1
        for r in rows:
            assert r["push toward positive"] == pytest.approx(sign * by_span[(r["start"], r["end"])], abs=1e-4)
            assert r["toward"] == ("positive" if r["push toward positive"] > 0 else "negative")


def test_colours_green_toward_positive_red_toward_negative():
    assert colour(1.0) == "rgba(22, 163, 74, 1.000)"
    assert colour(0.25) == "rgba(22, 163, 74, 0.250)"
    assert colour(-0.5) == "rgba(220, 38, 38, 0.500)"
    assert colour(-3.0) == "rgba(220, 38, 38, 1.000)"  # capped


def test_coloured_text_escapes_and_signs_toward_positive(explainer):
    text = 'Dull <b>plot</b> & "great" cast<br />really'
    e = explainer.explain(text, target="negative", n_steps=4)
    page = highlighted_html(e)
    assert "<b>" not in page and "</b>" not in page and "<br" not in page
    shown = re.search(r'<div class="attributions"[^>]*>(.*?)</div>', page, re.S).group(1)
    # with the word spans removed, the escaped text reads back as pasted, the <br /> as a line break
    assert html.unescape(re.sub(r"</?span[^>]*>", "", shown)) == text.replace("<br />", "\n")
    spans = re.findall(r'<span class="word" style="background:([^"]+)" title="([+-][0-9.]+) toward positive">'
                       r"(.*?)</span>", page)
    assert [html.unescape(word) for _, _, word in spans] == [w.word for w in e.words]
    top = max(abs(w.score) for w in e.words)
    for (background, shown, _), w in zip(spans, e.words):
        push = -w.score  # explained toward negative: shown toward positive, flipped
        assert float(shown) == pytest.approx(push, abs=0.0006)  # the number the top-words table shows
        assert background == colour(push / top)


def test_html_export_escapes_markup(explainer):
    text = 'Great <script>alert("pwned")</script> film & <b>bold</b> cast'
    page = to_html(explainer.explain(text, n_steps=4))
    assert "<script" not in page and "<b>" not in page and "</b>" not in page
    review = re.search(r'<div class="review">(.*?)</div>', page, re.S).group(1)
    # with our own <span> tags removed, the escaped review reads back as pasted
    assert html.unescape(re.sub(r"</?span[^>]*>", "", review)) == text
    assert page.startswith("<!DOCTYPE html>")


# --- occlusion and faithfulness --------------------------------------------------------------

def test_occlusion_scores_are_margin_drops_and_agreement_is_a_rank_correlation(explainer):
    ig, occ, rho = explainer.agreement(REVIEW)
    assert occ.method == "occlusion" and occ.relative_delta is None and occ.completeness_error is None
    assert [w.word for w in occ.words] == [w.word for w in ig.words]
    assert -1.0 <= rho <= 1.0
    # recompute one word's occlusion score by hand
    i = 3
    ids = without_positions(occ.input_ids, occ.token_groups[i])
    target = 0 if occ.target == "negative" else 1
    by_hand = occ.margin_input - float(margin(batched_logits(explainer.model, explainer.tokenizer, [ids]), target)[0])
    assert occ.words[i].score == pytest.approx(by_hand, rel=1e-4, abs=1e-5)
    assert rank_agreement(ig.words, ig.words) == pytest.approx(1.0)


def test_faithfulness_values_are_in_range_and_consistent(explainer):
    e = explainer.explain(REVIEW, n_steps=8)
    f = faithfulness(explainer, e, fractions=(0.1, 0.5, 1.0))
    for value in [*f.comprehensiveness.values(), *f.sufficiency.values()]:
        assert -1.0 <= value <= 1.0
    # keeping every word is the review itself
    assert f.sufficiency[1.0] == pytest.approx(0.0, abs=1e-5)
    assert f.aopc_comprehensiveness == pytest.approx(sum(f.comprehensiveness.values()) / 3)


def test_faithfulness_over_the_misclassified_reviews(explainer, test_reviews, tmp_path):
    predictions = test_reviews[["id"]].assign(
        sentiment=["positive" if y else "negative" for y in test_reviews["label"]],
        predicted=["negative" if y else "positive" for y in test_reviews["label"]])
    predictions.loc[2:, "predicted"] = predictions.loc[2:, "sentiment"]  # only the first two are wrong
    csv = tmp_path / "predictions.csv"
    predictions.to_csv(csv, index=False)
    ids, texts = misclassified_texts(str(csv), test_reviews)
    assert ids == test_reviews["id"][:2].tolist()
    rows = evaluate_set(explainer, texts)
    summary = summarize(rows)
    assert summary["n"] == 2
    for key in ("comprehensiveness", "sufficiency", "random_comprehensiveness"):
        assert -1.0 <= summary[key]["mean"] <= 1.0


# --- command line ----------------------------------------------------------------------------

def test_command_prints_json_with_the_required_keys(tiny_model_dir, capsys, tmp_path):
    page = tmp_path / "e.html"
    code = explain_main([REVIEW, "--checkpoint", str(tiny_model_dir), "--json", "--steps", "8",
                         "--html", str(page)])
    assert code == 0
    out = json.loads(capsys.readouterr().out)
    assert {"label", "p_positive", "words", "completeness_error", "convergence_delta", "baseline_p_positive",
            "relative_delta"} <= out.keys()
    assert out["label"] in ("positive", "negative") and 0.0 <= out["p_positive"] <= 1.0
    assert all(set(w) == {"word", "start", "end", "score"} for w in out["words"])
    assert all(REVIEW[w["start"]:w["end"]] == w["word"] for w in out["words"])
    assert "isn't" in [w["word"] for w in out["words"]]
    assert page.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_command_text_output(tiny_model_dir, capsys):
    assert explain_main([REVIEW, "--checkpoint", str(tiny_model_dir), "--steps", "4"]) == 0
    out = capsys.readouterr().out
    assert "prediction:" in out and "completeness:" in out and "can't" in out
    assert re.search(r"the review with its words taken out\): P\(positive\) = 0\.(49|50)\d", out)


@pytest.mark.parametrize("argv", [[""], ["   "], ["fine", "--checkpoint", "/no/such/checkpoint"]])
def test_command_errors_are_one_line_without_traceback(tiny_model_dir, capsys, argv):
    argv = argv if "--checkpoint" in argv else [*argv, "--checkpoint", str(tiny_model_dir)]
    assert explain_main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "Traceback" not in err


# --- the shipped checkpoint ------------------------------------------------------------------

@pytest.mark.skipif(not (SHIPPED / "config.json").is_file(), reason="needs checkpoints/minilm-imdb-25k")
def test_shipped_checkpoint_blames_worst():
    e = Explainer.from_pretrained(SHIPPED).explain("This is the worst movie I have ever seen", target="positive")
    assert e.label == "negative"
    assert min(e.words, key=lambda w: w.score).word == "worst"
    assert e.completeness_error < 0.05
    assert e.baseline_p_positive == pytest.approx(0.5, abs=0.02)


def test_simultaneous_explanations_on_one_model_match_sequential_ones(explainer):
    """The app serves several sessions from one cached explainer."""
    from concurrent.futures import ThreadPoolExecutor

    texts = ["This is the worst movie I have ever seen.", "A wonderful film with a superb cast."] * 3
    scores = lambda t: [round(w.score, 5) for w in explainer.explain(t, n_steps=16).words]  # noqa: E731
    sequential = [scores(t) for t in texts]
    with ThreadPoolExecutor(2) as pool:
        assert list(pool.map(scores, texts)) == sequential
