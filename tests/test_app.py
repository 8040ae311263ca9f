"""The app end to end: launched on 127.0.0.1, every endpoint called through gradio_client,
and a real headless Chromium clicking through it (screenshots in artifacts/screenshots/)."""
import shutil
from pathlib import Path

import pandas as pd
import pytest

gradio_client = pytest.importorskip("gradio_client")

REPO = Path(__file__).resolve().parent.parent
LARGE = REPO / "checkpoints" / "minilm-imdb-25k"
SCREENSHOTS = REPO / "artifacts" / "screenshots"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")

pytestmark = pytest.mark.skipif(not (LARGE / "config.json").exists(), reason="the shipped checkpoints are missing")


@pytest.fixture(scope="module")
def app_url():
    import app

    demo = app.build_demo()
    _, url, _ = demo.launch(server_name="127.0.0.1", prevent_thread_lock=True, quiet=True)
    yield url
    demo.close()


@pytest.fixture(scope="module")
def client(app_url):
    c = gradio_client.Client(app_url, verbose=False)
    yield c
    c.close()


def test_classify_endpoint(client):
    label, note = client.predict(str(LARGE), "This is the worst movie I have ever seen.", api_name="/classify")
    assert label["label"] == "negative"
    assert "words" in note


def test_bad_input_is_a_message_not_a_trace(client):
    with pytest.raises(Exception) as error:
        client.predict(str(LARGE), "   ", api_name="/classify")
    assert "empty" in str(error.value)
    assert "Traceback" not in str(error.value)


def test_classify_csv_endpoint(client, tmp_path):
    path = tmp_path / "reviews.csv"
    pd.DataFrame({"review": ["Wonderful, moving, funny.", "A tedious mess."]}).to_csv(path, index=False)
    out, note = client.predict(str(LARGE), gradio_client.handle_file(str(path)), api_name="/classify_csv")
    predictions = pd.read_csv(out)
    assert predictions["predicted"].tolist() == ["positive", "negative"]
    assert "2 reviews" in note


def test_explain_endpoint(client):
    verdict, highlighted, top_words, trust = client.predict(
        str(LARGE), "This is the worst movie I have ever seen.", "ig", 0, True, api_name="/explain")
    assert "negative" in verdict
    tokens = [(entry["token"], entry["class_or_confidence"]) for entry in highlighted]
    assert "".join(t for t, _ in tokens) == "This is the worst movie I have ever seen."
    scored = {t.strip(): s for t, s in tokens if s is not None}
    assert min(scored, key=scored.get) == "worst"
    assert "relative delta" in trust.lower() and "agreement with word occlusion" in trust.lower()


def test_mistakes_and_show_endpoints(client):
    table, counts = client.predict("both wrong", 0.9, api_name="/mistakes")
    assert "both wrong" in counts
    rows = table["data"]
    assert rows and all(row[4] == "both wrong" for row in rows)
    header, small, large = client.predict("test/neg/8977_4", api_name="/show_mistake")
    assert "true label **negative**" in header
    assert small and large


def test_contrast_and_model_endpoints(client):
    review = "A technical marvel, but the narration is silly and it cannot be taken seriously."
    edited = "A technical marvel, and the narration is fine."
    label_a, label_b, view_a, view_b, moved = client.predict(str(LARGE), review, edited, api_name="/contrast")
    assert {label_a["label"], label_b["label"]} <= {"positive", "negative"}
    assert moved["data"]
    details, confusion, curve = client.predict(str(LARGE), api_name="/model")
    assert "Parameters" in details
    assert len(confusion["data"]) == 2


@pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed (.ci/run installs it)")
def test_in_a_real_browser(app_url):
    from playwright.sync_api import sync_playwright

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-first-run"]
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=args)
        page = browser.new_page(viewport={"width": 1280, "height": 1000})
        page.goto(app_url)
        page.get_by_label("Review", exact=True).first.fill(
            "I'm glad I rented this movie for one reason: its shortcomings made me want to read the book.")
        page.get_by_role("button", name="Classify", exact=True).click()
        page.get_by_text("word-piece tokens").wait_for(timeout=30_000)
        assert page.locator(".output-class").first.inner_text().strip() in {"positive", "negative"}
        page.screenshot(path=SCREENSHOTS / "1-classify.png", full_page=True)

        page.get_by_role("tab", name="Explain").click()
        page.get_by_role("button", name="Explain", exact=True).click()
        page.get_by_text("Trust").first.wait_for(timeout=60_000)
        words = page.locator("#attributions .token.highlighted")
        assert words.count() > 10
        colours = [words.nth(i).get_attribute("style") or "" for i in range(words.count())]
        assert sum("background-color" in c and not c.endswith(", 0);") for c in colours) > 5
        page.screenshot(path=SCREENSHOTS / "2-explain.png", full_page=True)

        for number, tab in ((3, "Mistakes"), (4, "Contrast"), (5, "Model")):
            page.get_by_role("tab", name=tab).click()
            page.wait_for_timeout(1500)
            page.screenshot(path=SCREENSHOTS / f"{number}-{tab.lower()}.png", full_page=True)
        browser.close()
    assert len(list(SCREENSHOTS.glob("*.png"))) == 5
