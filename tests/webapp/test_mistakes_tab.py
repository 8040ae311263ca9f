"""The Mistakes tab (webapp/mistakes_tab.py): the table a person reads, its note, the pinned reviews and one
review shown with both checkpoints' explanations. Hand-made tables; no model is loaded."""
from types import SimpleNamespace

import pandas as pd
import pytest

from sentiment.data import DataError
from sentiment.mistakes import REPORT_NOTES, compare, with_cad
from sentiment.paths import CAD_CHECKPOINT, LARGE_CHECKPOINT, SMALL_CHECKPOINT, shipped_checkpoint
from sentiment.run_report import PREDICTIONS_FILE
from sentiment.robustness.report import REPORT_FILE
from sentiment.robustness.taxonomy import TAG_RULES, TAGS
from webapp import mistakes_tab as tab


def _rows(**extra):
    """Rows as ``sentiment.mistakes.compare`` (and ``with_cad``) leave them."""
    rows = pd.DataFrame({"id": ["test/neg/1_2", "test/pos/3_9"], "sentiment": ["negative", "positive"],
                         "small_predicted": ["positive", "negative"], "small_p_positive": [0.876, 0.123],
                         "large_predicted": ["negative", "negative"], "large_p_positive": [0.3, 0.449],
                         "comparison": ["fixed by more data", "both wrong"]})
    return rows.assign(**extra)


def test_display_shows_each_checkpoints_label_with_its_probability_of_positive():
    shown = tab._display(_rows())
    assert list(shown.columns) == ["id", "true", "small says", "large says", "comparison"]
    assert shown.values.tolist() == [
        ["test/neg/1_2", "negative", "positive (0.88)", "negative (0.30)", "fixed by more data"],
        ["test/pos/3_9", "positive", "negative (0.12)", "negative (0.45)", "both wrong"]]


def test_display_puts_the_cad_checkpoint_after_the_large_one():
    shown = tab._display(_rows(cad_predicted=["negative", "positive"], cad_p_positive=[0.2, 0.5]))
    assert list(shown.columns) == ["id", "true", "small says", "large says", "CAD-trained says", "comparison"]
    assert shown["CAD-trained says"].tolist() == ["negative (0.20)", "positive (0.50)"]


def test_display_shortens_reviews_to_160_characters_and_marks_missing_texts():
    at_limit, over_limit = "a" * 160, "b" * 161
    shown = tab._display(_rows(review=[at_limit, over_limit]))
    assert list(shown.columns) == ["id", "true", "small says", "large says", "comparison", "review"]
    assert shown["review"].tolist() == [at_limit, "b" * 160 + "..."]
    shown = tab._display(_rows(review=["A fine\n\n  film. ", float("nan")]))  # NaN: a review not shipped
    assert shown["review"].tolist() == ["A fine film.", "(text not available)"]


def test_display_marks_only_a_review_it_shortened():
    fits = "a  " + "b" * 158  # 161 characters, 160 once the double space is one
    assert tab._display(_rows(review=[fits, "c"]))["review"].tolist() == ["a " + "b" * 158, "c"]


def test_display_of_the_compared_table_with_cad():
    truth = pd.DataFrame({"id": list("bc"), "label": [1, 0], "review": ["good", "bad"]})
    small = pd.DataFrame({"id": list("bc"), "predicted": ["negative", "negative"], "p_positive": [0.4, 0.3]})
    large = pd.DataFrame({"id": list("bc"), "predicted": ["positive", "positive"], "p_positive": [0.7, 0.65]})
    cad = pd.DataFrame({"id": list("bc"), "predicted": ["negative", "negative"], "p_positive": [0.45, 0.2]})
    shown = tab._display(with_cad(compare(small, large, truth), cad))
    assert shown.values.tolist() == [
        ["b", "positive", "negative (0.40)", "positive (0.70)", "negative (0.45)", "fixed by more data", "good"],
        ["c", "negative", "negative (0.30)", "positive (0.65)", "negative (0.20)", "broken by more data", "bad"]]


def _study(n_both_wrong=2):
    """A compared table: ``n_both_wrong`` reviews both get wrong, then b (fixed), c and c2 (broken), e (right)."""
    ids = [f"w{i}" for i in range(n_both_wrong)] + ["b", "c", "c2", "e"]
    truth = pd.DataFrame({"id": ids, "label": [1] * n_both_wrong + [1, 0, 0, 1], "review": ["text"] * len(ids)})
    small = pd.DataFrame({"id": ids, "predicted": ["negative"] * n_both_wrong + ["negative"] * 3 + ["positive"],
                          "p_positive": [0.1] * n_both_wrong + [0.4, 0.3, 0.45, 0.8]})
    large = pd.DataFrame({"id": ids, "predicted": ["negative"] * n_both_wrong + ["positive"] * 4,
                          "p_positive": [0.2] * n_both_wrong + [0.7, 0.65, 0.55, 0.9]})
    return compare(small, large, truth)


@pytest.fixture
def study(monkeypatch):
    def use(table):
        monkeypatch.setattr(tab, "study_table", lambda: table)
        return table
    monkeypatch.setattr(tab, "reviews_source", lambda: "the test's reviews")
    return use


def test_filter_mistakes_note_counts_every_category(study):
    study(_study())
    shown, note = tab.filter_mistakes("all", 0.5)
    assert shown["id"].tolist() == ["w0", "w1", "c", "b", "c2"]
    assert note == ("**5** reviews shown. Over all 6 test reviews: both wrong **2**, fixed by more data **1**, "
                    "broken by more data **2**. Review texts from the test's reviews.")
    shown, note = tab.filter_mistakes("broken by more data", "0.6")  # the slider may send a string
    assert shown["id"].tolist() == ["c"] and note.startswith("**1** reviews shown.")


@pytest.mark.parametrize("value, shown", [
    ("abc", "'abc'"), (None, "None"), (float("nan"), "nan"), ("nan", "'nan'"), (0.49, "0.49"), (1.01, "1.01"),
    (True, "True"), ([0.6], "[0.6]")])
def test_filter_mistakes_names_a_minimum_confidence_it_cannot_use(study, value, shown):
    # NaN above all: no review is >= NaN, so it used to show 0 rows without a word
    study(_study())
    with pytest.raises(DataError) as error:
        tab.filter_mistakes("all", value)
    assert str(error.value) == f"The minimum confidence must be a number from 0.5 to 1; got {shown}."


@pytest.mark.parametrize("comparison, shown", [("everything", "'everything'"), (None, "None"), (["all"], "['all']")])
def test_filter_mistakes_names_an_unknown_comparison(study, comparison, shown):
    study(_study())
    with pytest.raises(DataError) as error:
        tab.filter_mistakes(comparison, 0.5)
    assert str(error.value) == (f"Which mistakes: {shown} is not one of all, both wrong, fixed by more data, "
                                "broken by more data.")


def test_filter_mistakes_takes_the_slider_s_ends(study):
    study(_study())
    assert tab.filter_mistakes("all", 1.0)[0].empty and len(tab.filter_mistakes("all", 0.5)[0]) == 5


def test_filter_mistakes_note_says_what_the_cad_checkpoint_fixes_and_breaks(study):
    cad = pd.DataFrame({"id": ["w0", "w1", "b", "c", "c2", "e"],
                        "predicted": ["positive", "negative", "negative", "negative", "positive", "positive"],
                        "p_positive": [0.6, 0.4, 0.45, 0.2, 0.6, 0.9]})
    study(with_cad(_study(), cad))  # fixes w0 and c, breaks b
    shown, note = tab.filter_mistakes("all", 0.5)
    assert "CAD-trained says" in shown.columns
    assert note == ("**5** reviews shown. Over all 6 test reviews: both wrong **2**, fixed by more data **1**, "
                    f"broken by more data **2**. `{CAD_CHECKPOINT}` (the large checkpoint trained further on "
                    "contrast pairs) gets **2** of the large checkpoint's mistakes right and **1** of its right "
                    "answers wrong. Review texts from the test's reviews.")


def test_filter_mistakes_lists_the_500_surest(study):
    study(_study(n_both_wrong=600))
    shown, note = tab.filter_mistakes("both wrong", 0.5)
    assert len(shown) == 500
    assert note.startswith("**600** reviews shown. Over all 604 test reviews: both wrong **600**")
    assert note.endswith("Review texts from the test's reviews. The table lists the 500 surest.")
    _, note = tab.filter_mistakes("fixed by more data", 0.5)
    assert not note.endswith("500 surest.")


def _predictions(ids, sentiment, predicted, p):
    return pd.DataFrame({"id": ids, "sentiment": sentiment, "predicted": predicted, "p_positive": p})


@pytest.fixture
def shipped(tmp_path, monkeypatch):
    """Checkpoint folders under tmp_path, and the reviews the tab reads texts from."""
    monkeypatch.setattr(tab, "shipped_checkpoint", lambda name: tmp_path / name)
    monkeypatch.setattr(tab, "dataset_reviews", lambda: pd.DataFrame(
        {"review": ["good film", "bad film"], "label": [1, 0]}, index=["x", "y"]))
    tab.study_table.cache_clear()
    tab.pinned_table.cache_clear()
    yield tmp_path
    tab.study_table.cache_clear()
    tab.pinned_table.cache_clear()


def _ship(folder, name, predictions):
    (folder / name).mkdir(exist_ok=True)
    predictions.to_csv(folder / name / PREDICTIONS_FILE, index=False)


def test_study_table_compares_the_shipped_predictions_with_texts(shipped):
    _ship(shipped, SMALL_CHECKPOINT, _predictions(["x", "y"], ["positive", "negative"], ["negative", "negative"],
                                                  [0.2, 0.1]))
    _ship(shipped, LARGE_CHECKPOINT, _predictions(["x", "y"], ["positive", "negative"], ["positive", "positive"],
                                                  [0.9, 0.8]))
    table = tab.study_table()
    assert table["comparison"].tolist() == ["fixed by more data", "broken by more data"]
    assert table["review"].tolist() == ["good film", "bad film"] and "cad_predicted" not in table


def test_study_table_adds_the_cad_checkpoint_when_shipped(shipped):
    for name in (SMALL_CHECKPOINT, LARGE_CHECKPOINT, CAD_CHECKPOINT):
        _ship(shipped, name, _predictions(["x"], ["positive"], ["negative"], [0.2]))
    assert tab.study_table()["cad_predicted"].tolist() == ["negative"]


def test_study_table_needs_both_shipped_checkpoints(shipped):
    _ship(shipped, SMALL_CHECKPOINT, _predictions(["x"], ["positive"], ["negative"], [0.2]))
    with pytest.raises(DataError, match=f"checkpoints/{LARGE_CHECKPOINT}/{PREDICTIONS_FILE} is missing"):
        tab.study_table()


class _Predictor:
    """P(positive) by review text, as a checkpoint would say it."""

    def __init__(self, by_text):
        self.by_text = by_text

    def p_positive(self, texts):
        return [self.by_text[t] for t in texts]


def _report_reviews():
    ids = list(REPORT_NOTES)
    return pd.DataFrame({"review": [f"text of {i}" for i in ids], "label": [i.split("/")[1] == "pos" for i in ids]},
                        index=ids)


def test_pinned_table_shows_each_checkpoints_verdict_and_why_the_review_is_hard(shipped, monkeypatch):
    ids = list(REPORT_NOTES)
    monkeypatch.setattr(tab, "dataset_reviews", _report_reviews)
    small = _Predictor({f"text of {i}": p for i, p in zip(ids, [0.3, 0.873, 0.5, 0.01])})
    large = _Predictor({f"text of {i}": p for i, p in zip(ids, [0.7, 0.2, 0.499, 0.99])})
    monkeypatch.setattr(tab, "predictor", {SMALL_CHECKPOINT: small, LARGE_CHECKPOINT: large}.get)
    for name in (SMALL_CHECKPOINT, LARGE_CHECKPOINT):
        (shipped / name).mkdir()
        (shipped / name / "config.json").write_text("{}")
    table = tab.pinned_table()
    assert list(table.columns) == ["id", "true", "small says", "large says", "why it is hard"]
    assert table.values.tolist() == [
        [ids[0], "positive", "negative (0.30)", "positive (0.70)", REPORT_NOTES[ids[0]]],
        [ids[1], "negative", "positive (0.87)", "negative (0.20)", REPORT_NOTES[ids[1]]],
        [ids[2], "negative", "positive (0.50)", "negative (0.50)", REPORT_NOTES[ids[2]]],  # 0.5 reads positive
        [ids[3], "positive", "negative (0.01)", "positive (0.99)", REPORT_NOTES[ids[3]]]]


def test_pinned_table_without_checkpoints_or_texts_keeps_the_notes(shipped, monkeypatch):
    monkeypatch.setattr(tab, "dataset_reviews", _report_reviews)
    table = tab.pinned_table()  # no config.json in either folder: no verdicts
    assert list(table.columns) == ["id", "true", "why it is hard"]
    assert table["why it is hard"].tolist() == list(REPORT_NOTES.values())
    tab.pinned_table.cache_clear()
    monkeypatch.setattr(tab, "dataset_reviews", lambda: None)
    assert list(tab.pinned_table().columns) == ["id", "true", "why it is hard"]


@pytest.fixture
def highlighted(monkeypatch):
    """Each checkpoint's verdict on the two reviews, and the text as its "coloured view"."""
    verdicts = {SMALL_CHECKPOINT: ("positive", 0.8123), LARGE_CHECKPOINT: ("negative", 0.2)}
    monkeypatch.setattr(tab, "highlight", lambda name, text: {
        "label": verdicts[name][0], "p_positive": verdicts[name][1], "html": f"<{name}>{text}"})
    monkeypatch.setattr(tab, "dataset_reviews", lambda: pd.DataFrame(
        {"review": ["A marvel, but silly.", "Fine."], "label": [0, 1]}, index=["test/neg/8977_4", "test/pos/1_10"]))


def test_show_review_heads_both_views_with_the_true_label_and_each_verdict(highlighted):
    header, small, large, _ = tab.show_review("  test/neg/8977_4 ")
    assert header == (f"**test/neg/8977_4**, true label **negative**. {SMALL_CHECKPOINT}: **positive** "
                      f"(p positive 0.81); {LARGE_CHECKPOINT}: **negative** (p positive 0.20)\n\n"
                      f"*Why it is hard:* {REPORT_NOTES['test/neg/8977_4']}")
    assert (small, large) == (f"<{SMALL_CHECKPOINT}>A marvel, but silly.", f"<{LARGE_CHECKPOINT}>A marvel, but silly.")
    header, _, _, _ = tab.show_review("test/pos/1_10")
    assert header.startswith("**test/pos/1_10**, true label **positive**. ") and "Why it is hard" not in header


def test_show_review_downloads_both_views_side_by_side(highlighted):
    *_, small, large, page = tab.show_review("test/neg/8977_4")
    text = open(page, encoding="utf-8").read()
    assert "mistake-test-neg-8977_4-" in page and text.startswith("<!DOCTYPE html>")
    assert "<h1>Review test/neg/8977_4, read by two checkpoints</h1>" in text
    assert "<li>true label: negative</li>" in text
    assert (f'<div class="columns"><div><h3>Small checkpoint ({SMALL_CHECKPOINT})</h3><p class="verdict">positive, '
            f'P(positive) 0.81</p>{small}</div><div><h3>Large checkpoint ({LARGE_CHECKPOINT})</h3><p '
            f'class="verdict">negative, P(positive) 0.20</p>{large}</div></div>') in text


@pytest.mark.parametrize("empty", ["", "   ", None, ["test/neg/8977_4"]])
def test_show_review_asks_for_an_id(highlighted, empty):
    with pytest.raises(DataError, match="^Type a review id, or select a row of the table"):
        tab.show_review(empty)


@pytest.mark.parametrize("review_id, shown", [
    ("test/neg/0_0", "test/neg/0_0"), ("x" * 41, "that id"), ("test/neg/\x1b0", "that id")])
def test_show_review_names_an_unknown_id_only_if_it_is_short_and_printable(highlighted, review_id, shown):
    with pytest.raises(DataError) as error:
        tab.show_review(review_id)
    assert str(error.value).startswith(f"No review with id {shown} among the reviews shipped with the app")
    assert str(error.value).endswith("Ids look like test/neg/8977_4.")


def test_show_review_of_an_id_missing_from_the_whole_dataset(monkeypatch):
    full = pd.DataFrame({"review": ["r"] * 50_000, "label": [0] * 50_000}, index=[f"i{n}" for n in range(50_000)])
    monkeypatch.setattr(tab, "dataset_reviews", lambda: full)
    with pytest.raises(DataError) as error:
        tab.show_review("test/neg/0_0")
    assert str(error.value) == "No review with id test/neg/0_0 in the IMDB dataset. Ids look like test/neg/8977_4."


def test_a_selected_row_gives_its_id_from_the_row_itself():
    event = SimpleNamespace(index=[3, 0], row_value=["test/pos/3_9", "positive", "negative (0.12)"])
    assert tab.id_from_selection(event) == "test/pos/3_9"


def test_display_of_no_rows_keeps_the_columns():
    shown = tab._display(_rows().iloc[:0])
    assert list(shown.columns) == ["id", "true", "small says", "large says", "comparison"] and shown.empty


def test_before_and_after_contrast_training_are_offered_where_the_cad_predictions_are(study):
    # ids w0 w1 b c c2 e; large wrong on w0, w1, c, c2. CAD: right on w0 and c, wrong on w1, c2 and e.
    base = _study()
    cad = pd.DataFrame({"id": base["id"], "predicted": ["positive", "negative", "positive", "negative", "positive",
                                                        "negative"],
                        "p_positive": [0.6, 0.3, 0.8, 0.1, 0.7, 0.35]})
    study(with_cad(base, cad))
    assert tab.comparison_choices(tab.study_table())[4:] == ["large and CAD-trained both wrong",
                                                             "fixed by contrast training",
                                                             "broken by contrast training"]
    # sorted by the large checkpoint's confidence in its wrong label: w0 0.8, c 0.65
    assert tab.filter_mistakes("fixed by contrast training", 0.5)[0]["id"].tolist() == ["w0", "c"]
    assert tab.filter_mistakes("broken by contrast training", 0.5)[0]["id"].tolist() == ["e"]
    assert tab.filter_mistakes("broken by contrast training", 0.5)[0]["comparison"].tolist() == [
        "broken by contrast training"]  # the comparison the rows were chosen by, not small against large
    assert tab.filter_mistakes("large and CAD-trained both wrong", 0.5)[0]["id"].tolist() == ["w1", "c2"]
    study(base)
    with pytest.raises(DataError, match="not one of all, both wrong, fixed by more data, broken by more data"):
        tab.filter_mistakes("fixed by contrast training", 0.5)


# ---- the tag filter: the error taxonomy's tags, each with its error rate ----------------------------------

def test_display_lists_each_rows_tags_by_their_labels_before_the_review():
    shown = tab._display(_rows(tags=[("contrast_reversal", "borderline_rating"), ()], review=["a", "b"]))
    assert list(shown.columns) == ["id", "true", "small says", "large says", "comparison", "tags", "review"]
    assert shown["tags"].tolist() == ["contrast reversal, borderline rating (4 or 7 stars)", ""]


def _tagged_study():
    """``_study()`` tagged: w0 irony; b irony and extreme rating; c extreme rating; e (no mistake) irony."""
    return _study().assign(tags=[("irony_cue",), (), ("irony_cue", "extreme_rating"), ("extreme_rating",), (),
                                 ("irony_cue",)])


# Saved taxonomy sections of two checkpoints' robustness reports, hand-made.
SAVED = {
    SMALL_CHECKPOINT: {"n_reviews": 20, "errors": 3, "tags": {
        "irony_cue": {"n_with": 4, "n_without": 16, "errors_with": 2, "errors_without": 1},
        "extreme_rating": {"n_with": 0, "n_without": 20, "errors_with": 0, "errors_without": 3}}},
    LARGE_CHECKPOINT: {"n_reviews": 20, "errors": 2, "tags": {
        "irony_cue": {"n_with": 4, "n_without": 16, "errors_with": 1, "errors_without": 1},
        "extreme_rating": {"n_with": 0, "n_without": 20, "errors_with": 0, "errors_without": 2}}},
}


@pytest.fixture
def saved(monkeypatch):
    monkeypatch.setattr(tab, "saved_taxonomy", lambda name: SAVED.get(name, {}))


@pytest.mark.parametrize("tag, ids", [
    ("irony_cue", ["w0", "b"]),  # e carries it too, and no checkpoint misreads it
    ("extreme_rating", ["c", "b"]),  # c: the large checkpoint 0.65 sure; b: the small one 0.6
    ("negation_dense", []),
    (tab.ANY_TAG, ["w0", "w1", "c", "b", "c2"]),
])
def test_filter_mistakes_by_a_tag_lists_exactly_the_mistakes_carrying_it(study, saved, tag, ids):
    study(_tagged_study())
    shown, _ = tab.filter_mistakes("all", 0.5, tag)
    assert shown["id"].tolist() == ids


def test_a_tag_combines_with_the_other_filters(study, saved):
    study(_tagged_study())
    assert tab.filter_mistakes("fixed by more data", 0.5, "extreme_rating")[0]["id"].tolist() == ["b"]
    assert tab.filter_mistakes("broken by more data", 0.5, "irony_cue")[0].empty
    assert tab.filter_mistakes("all", 0.62, "extreme_rating")[0]["id"].tolist() == ["c"]


def test_filter_mistakes_by_a_tag_says_its_rule_and_each_checkpoints_error_rates(study, saved):
    study(_tagged_study())
    shown, note = tab.filter_mistakes("all", 0.5, "irony_cue")
    assert shown["tags"].tolist() == ["irony cue", "irony cue, extreme rating (1-2 or 9-10 stars)"]
    assert note == ("**2** reviews shown. Over all 6 test reviews: both wrong **2**, fixed by more data **1**, "
                    f"broken by more data **2**. **irony cue**: {TAG_RULES['irony_cue']} Test reviews with it "
                    f"misread: `{SMALL_CHECKPOINT}` 50.0% (2 of 4; 6.2% of those without it), `{LARGE_CHECKPOINT}` "
                    "25.0% (1 of 4; 6.2% of those without it). Review texts from the test's reviews.")
    # no review carries the tag in either report: its rule alone
    _, note = tab.filter_mistakes("all", 0.5, "extreme_rating")
    assert note.endswith(f"**extreme rating (1-2 or 9-10 stars)**: {TAG_RULES['extreme_rating']} Review texts "
                         "from the test's reviews.")


@pytest.mark.parametrize("tag, shown", [
    ("sarcasm", "'sarcasm'"), ("irony cue", "'irony cue'"), (None, "None"), (["irony_cue"], "['irony_cue']"),
    ("", "''")])
def test_filter_mistakes_names_an_unknown_tag(study, saved, tag, shown):
    study(_tagged_study())
    with pytest.raises(DataError) as error:
        tab.filter_mistakes("all", 0.5, tag)
    assert str(error.value) == (f"Which tag: {shown} is not one of any tag, contrast_reversal, negation_dense, "
                                "irony_cue, mostly_plot_summary, borderline_rating, extreme_rating, "
                                "beyond_max_length.")


def test_a_tag_is_refused_where_the_mistakes_could_not_be_tagged(study, saved):
    study(_study())  # no tags: the large checkpoint's tokenizer is not shipped
    with pytest.raises(DataError) as error:
        tab.filter_mistakes("all", 0.5, "irony_cue")
    assert str(error.value) == (f"Which tag: the mistakes are tagged with the tokenizer of checkpoints/"
                                f"{LARGE_CHECKPOINT}, which is not here; choose any tag.")
    assert len(tab.filter_mistakes("all", 0.5, tab.ANY_TAG)[0]) == 5


def test_tag_labels_give_the_error_rate_with_the_count_and_the_rate_without():
    taxonomy = {"n_reviews": 25_000, "errors": 1_855, "tags": {
        "contrast_reversal": {"n_with": 2_351, "n_without": 22_649, "errors_with": 202, "errors_without": 1_653},
        "irony_cue": {"n_with": 0, "n_without": 25_000, "errors_with": 0, "errors_without": 1_855}}}
    assert tab.tag_label(tab.ANY_TAG, taxonomy) == "any tag — 7.4% misread (1,855 of 25,000)"
    assert tab.tag_label("contrast_reversal", taxonomy) == (
        "contrast reversal — 8.6% misread (202 of 2,351); 7.3% without it")
    assert tab.tag_label("irony_cue", taxonomy) == "irony cue — no test review carries it"
    assert tab.tag_label("beyond_max_length", taxonomy) == "beyond max length"  # not in the report
    assert tab.tag_label(tab.ANY_TAG, {}) == "any tag"


def test_tag_choices_offer_any_tag_then_every_tag_rated_by_the_large_checkpoints_report(saved):
    choices = tab.tag_choices()
    assert [value for _, value in choices] == [tab.ANY_TAG, *TAGS]
    assert choices[:2] == [("any tag — 10.0% misread (2 of 20)", tab.ANY_TAG),
                           ("contrast reversal", "contrast_reversal")]  # hand-made report: no contrast tag
    assert dict((v, k) for k, v in choices)["irony_cue"] == "irony cue — 25.0% misread (1 of 4); 6.2% without it"


def test_saved_taxonomy_reads_the_checkpoints_robustness_report(tmp_path, monkeypatch):
    monkeypatch.setattr(tab, "shipped_checkpoint", lambda name: tmp_path / name)
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / REPORT_FILE).write_text('{"checkpoint": "a", "taxonomy": {"n_reviews": 3}}')
    assert tab.saved_taxonomy("a") == {"n_reviews": 3} and tab.saved_taxonomy("b") == {}


class _WordTokenizer:
    def __call__(self, texts, **options):
        return {"input_ids": [text.split() for text in texts]}


def test_study_table_tags_the_mistakes_with_the_large_checkpoints_tokenizer(shipped, monkeypatch):
    ids = ["test/pos/1_7", "test/neg/2_1"]
    monkeypatch.setattr(tab, "dataset_reviews", lambda: pd.DataFrame(
        {"review": ["The acting was great, but the plot was awful.", "Dull."], "label": [1, 0]}, index=ids))
    monkeypatch.setattr(tab, "predictor", {LARGE_CHECKPOINT: SimpleNamespace(tokenizer=_WordTokenizer(),
                                                                             max_length=8)}.get)
    _ship(shipped, SMALL_CHECKPOINT, _predictions(ids, ["positive", "negative"], ["negative", "negative"], [0.2, 0.1]))
    _ship(shipped, LARGE_CHECKPOINT, _predictions(ids, ["positive", "negative"], ["negative", "positive"], [0.3, 0.8]))
    (shipped / LARGE_CHECKPOINT / "config.json").write_text("{}")
    # 9 words, more than the 6 content tokens of max_length 8
    assert tab.study_table()["tags"].tolist() == [("contrast_reversal", "borderline_rating", "beyond_max_length"),
                                                  ("extreme_rating",)]


@pytest.mark.skipif(not all((shipped_checkpoint(n) / REPORT_FILE).is_file() and
                            (shipped_checkpoint(n) / "config.json").is_file()
                            for n in (SMALL_CHECKPOINT, LARGE_CHECKPOINT, CAD_CHECKPOINT)),
                    reason="the shipped checkpoints or their robustness reports are missing")
def test_the_tabs_tags_of_the_shipped_mistakes_agree_with_each_saved_report():
    # The tab tags only the mistakes, from the study file on a Space; each checkpoint's report tagged every test
    # review from the dataset. Of each checkpoint's mistakes, as many carry each tag in both.
    tab.study_table.cache_clear()
    try:
        table = tab.study_table()
    finally:
        tab.study_table.cache_clear()
    for name, prefix in ((SMALL_CHECKPOINT, "small"), (LARGE_CHECKPOINT, "large"), (CAD_CHECKPOINT, "cad")):
        wrong = table[table[f"{prefix}_predicted"] != table["sentiment"]]
        saved_counts = {tag: t["errors_with"] for tag, t in tab.saved_taxonomy(name)["tags"].items()}
        assert {tag: int(wrong["tags"].map(lambda tags: tag in tags).sum()) for tag in TAGS} == saved_counts, name


def test_the_pinned_note_counts_what_each_checkpoint_reads_right():
    import pandas as pd

    table = pd.DataFrame({"id": ["a", "b", "c"], "true": ["negative", "positive", "negative"],
                          "small says": ["positive (0.71)", "positive (0.93)", "positive (0.55)"],
                          "large says": ["negative (0.12)", "positive (0.88)", "negative (0.40)"]})
    assert tab.pinned_note(table) == (
        f"The lab report's BERT-base misread all 3 of these reviews. Here `{tab.SMALL}` reads 1 of 3 right; "
        f"`{tab.LARGE}` reads 3 of 3 right. Reading them right does not mean irony, contrast and negation are "
        "solved: the Robustness tab and the Lesson measure each on many cases.")
    assert "the checkpoints are not here to read them" in tab.pinned_note(table[["id", "true"]])
