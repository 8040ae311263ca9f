"""sentiment/model_card.py: the trade-off section of a checkpoint that continued another."""
from sentiment.model_card import trade_off


def _robustness(consistency, edited, original):
    return {"contrast_pairs": {"consistency": consistency, "accuracy_edited": edited, "accuracy_original": original}}


def test_the_trade_off_in_numbers():
    report = {"metrics": {"accuracy": 0.9151}, "test_size": 25000}
    section = trade_off(report, _robustness(0.869, 0.91, 0.959), {"metrics": {"accuracy": 0.9209}},
                        _robustness(0.812, 0.849, 0.963), "minilm-imdb-25k")
    rows = [line for line in section.splitlines() if line.startswith("| ")]
    assert rows[0] == "| | `minilm-imdb-25k` | this checkpoint | change |"
    assert rows[2:] == [
        "| CAD dev pairs: both texts right (consistency) | 81.2% | 86.9% | +5.7 points |",
        "| CAD dev: accuracy on the edits | 84.9% | 91.0% | +6.1 points |",
        "| CAD dev: accuracy on the originals | 96.3% | 95.9% | -0.4 points |",
        "| IMDB test accuracy (25,000 reviews) | 0.9209 | 0.9151 | -0.58 points |"]


def test_no_trade_off_without_both_checkpoints_figures():
    report = {"metrics": {"accuracy": 0.9}, "test_size": 10}
    assert trade_off(report, None, {"metrics": {"accuracy": 0.9}}, _robustness(1, 1, 1), "x") == ""
    assert trade_off(report, _robustness(1, 1, 1), None, _robustness(1, 1, 1), "x") == ""
    assert trade_off(report, _robustness(1, 1, 1), {"metrics": {"accuracy": 0.9}}, None, "x") == ""


def test_every_shipped_run_gets_its_card(tmp_path):
    """The cards `python -m sentiment card` writes for the shipped folders: the baseline's (no model, no
    reading length) and the fine-tuned ones'."""
    import shutil

    from sentiment.model_card import write_model_card
    from sentiment.paths import CHECKPOINTS_DIR

    for name in ("tfidf-baseline", "minilm-imdb-25k"):
        folder = tmp_path / name
        folder.mkdir()
        shutil.copy(CHECKPOINTS_DIR / name / "report.json", folder / "report.json")
        card = write_model_card(folder).read_text()
        assert card.startswith("---\n") and f"# {name}" in card and "| accuracy |" in card
    assert "Reading" not in (tmp_path / "tfidf-baseline" / "README.md").read_text()
