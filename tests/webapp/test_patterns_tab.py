"""webapp/patterns_tab.py: the Patterns tab's tables, chart and handlers, on hand-made figures and the tiny
model."""
import pandas as pd
import pytest

from explain import Explainer
from sentiment.errors import DataError
from sentiment.predictor import Predictor
from webapp import patterns_tab as V
from webapp.figures import PALETTE
from webapp.pages import markdown_html

CATEGORIES = {
    "all": {"parts": {"turn": {"n": 3, "mean": -0.5, "share": 0.4,
                               "toward_label": {"n": 3, "mean": 2.0, "low": 1.0, "high": 3.0}},
                      "concession": {"n": 3, "mean": 1.0, "share": 0.25}}},
    "irony": {"parts": {"literal_opinion": {"n": 1, "mean": 0.75, "share": 0.5,
                                            "toward_label": {"n": 1, "mean": -0.75, "low": None, "high": None}}}},
}


def test_the_part_table_lists_parts_in_reading_order_with_both_signs():
    table = V.part_table(CATEGORIES)
    assert table["mean push toward the gold label"].isna().tolist() == [True, False, False]
    shown = table.drop(columns="bar").astype(object)
    assert shown.where(shown.notna(), "none").values.tolist() == [
        ["all", "concession", 3, "none", "", 1.0, "25%"],
        ["all", "turn", 3, 2.0, "+1.00 to +3.00", -0.5, "40%"],
        ["irony", "literal_opinion", 1, -0.75, "", 0.75, "50%"]]
    # the chart: toward the gold label where known, else toward positive
    assert V.chart_frame(table)["push"].tolist() == [1.0, 2.0, -0.75]


UNLABELLED = {"all": {"parts": {"turn": {"n": 2, "mean": -0.702, "share": 0.4},
                                 "concession": {"n": 2, "mean": 0.5, "share": 0.3}}}}


def test_an_unlabelled_set_charts_numbers_toward_positive_and_says_so():
    table = V.part_table(UNLABELLED)
    frame = V.chart_frame(table)
    # numbers, not names: a chart reads an object column as categories and draws -0.702 as a label
    assert str(frame["push"].dtype) == "float64" and frame["push"].tolist() == [0.5, -0.702]
    assert V.chart_for(table).title == V.UNLABELLED_TITLE
    assert V.chart_for(V.part_table(CATEGORIES)) is V.CHART
    assert V.chart_update(frame, V.chart_for(table))["label"] == V.UNLABELLED_TITLE


def test_the_summary_shows_the_files_names_and_words_as_written_never_as_markup():
    words = {"toward_positive": [("*", 1.0, 1), ("great", 0.5, 1)], "toward_negative": []}
    result = {"n_rows": 1, "checkpoint": "tiny", "read_length": 64, "categories": {
        name: {"n": 1, "accuracy": None, "misread": [], "strongest_words": words, "parts": {}}
        for name in ["<img src=x onerror=alert(1)>", "**md** [l](javascript:alert(2))"]}}
    html = markdown_html(V.summary(result))
    assert html.startswith("<p><strong>1 row</strong> read by <code>tiny</code>")
    assert "<img" not in html and "<a " not in html and "<em>" not in html
    assert "<strong>&lt;img src=x onerror=alert(1)&gt;</strong> (1 row)" in html
    assert "<strong>**md** [l](javascript:alert(2))</strong>" in html
    assert "toward positive: *, great; toward negative: -." in html


@pytest.fixture
def tiny_app(tiny_explain_dir, monkeypatch):
    model = Predictor.from_pretrained(tiny_explain_dir, precision="fp32")
    explainer = Explainer.from_pretrained(tiny_explain_dir, precision="fp32")
    monkeypatch.setattr(V, "locate", lambda name: str(tiny_explain_dir))
    monkeypatch.setattr(V, "predictor", lambda name: model)
    monkeypatch.setattr(V, "explainer", lambda name: explainer)
    return model


def test_the_tab_shows_what_the_command_computes(tiny_app, tmp_path):
    path = tmp_path / "set.csv"
    pd.DataFrame({"text": ["Great cast, but a dull film.", "Not bad at all. I smiled."],
                  "sentiment": ["negative", "positive"], "kind": ["contrast", "negation"]}).to_csv(path, index=False)
    summary, chart, table, rows, page, chart_png = V.patterns_for_app("tiny", str(path), " kind ")
    predicted = [p["label"] for p in tiny_app.predict(rows["review"].tolist())]
    assert rows["read as"].tolist() == predicted
    assert rows["misread"].tolist() == ["yes" if p != g else "" for p, g in zip(predicted, ["negative", "positive"])]
    frame = chart["value"]
    assert set(table["category"]) == {"all", "contrast", "negation"} and len(frame) == len(table)
    # the chart's colours, one per category, sent with it: the app and the downloaded image agree
    assert chart["color_map"] == {"all": PALETTE[0], "contrast": PALETTE[1], "negation": PALETTE[2]}
    assert open(chart_png, "rb").read() == V.chart_png(frame, V.CHART, chart["color_map"])
    assert "patterns-tiny-set-chart-" in chart_png
    assert summary.startswith("**2 rows** read by `tiny` (64 tokens per review).")
    assert "<h2>negation</h2>" in open(page, encoding="utf-8").read()
    heading, html = V.explain_row("tiny", rows.values.tolist()[1])
    assert heading.startswith("**Row 2**: read ") and 'class="word"' in html


@pytest.mark.parametrize("upload, category, message", [
    (None, "", "Upload a CSV file"),
    ("x.csv", ["a"], "must be a column name"),
])
def test_bad_requests_are_messages(tiny_app, upload, category, message):
    with pytest.raises(DataError, match=message):
        V.patterns_for_app("tiny", upload, category)


def test_the_app_refuses_more_rows_than_a_class_can_wait_for(tiny_app, tmp_path):
    path = tmp_path / "big.csv"
    pd.DataFrame({"review": ["fine"] * (V.APP_MAX_ROWS + 1)}).to_csv(path, index=False)
    with pytest.raises(DataError, match=f"{V.APP_MAX_ROWS + 1} rows; at most {V.APP_MAX_ROWS}"):
        V.patterns_for_app("tiny", str(path), "")
    with pytest.raises(DataError, match="Select a row"):
        V.explain_row("tiny", [])
