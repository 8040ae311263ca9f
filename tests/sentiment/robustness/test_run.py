"""sentiment.robustness.run: the robustness report of a checkpoint, through ``python -m sentiment robustness``."""
import gzip
import json
import shutil

import numpy as np
import pandas as pd
import pytest

from sentiment.cli import main
from sentiment.data import DataError
from sentiment.paths import default_cad_path
from sentiment.predictor import Predictor
from sentiment.robustness import behaviour as B
from sentiment.robustness.run import taxonomy_reviews


@pytest.fixture
def checkpoint_with_predictions(tiny_model_dir, tmp_path, monkeypatch):
    """A copy of the tiny checkpoint with test predictions for a six-review stand-in test split."""
    checkpoint = tmp_path / "tiny"
    shutil.copytree(tiny_model_dir, checkpoint)
    reviews = pd.DataFrame({
        "id": ["test/neg/1_4", "test/neg/2_1", "test/neg/3_2", "test/pos/4_7", "test/pos/5_10", "test/pos/6_9"],
        "review": ["Great cast, but the film is awful.", "Awful.", "Boring and dull.",
                   "Weak start, but I loved it.", "A masterpiece.", "Wonderful!"],
        "sentiment": ["negative"] * 3 + ["positive"] * 3,
    })
    data = tmp_path / "imdb"
    data.mkdir()
    reviews.to_csv(data / "test.csv.gz", index=False)
    reviews.to_csv(data / "train.csv.gz", index=False)
    # wrong on the two contrastive reviews and on one other
    predictions = reviews[["id", "sentiment"]].assign(p_positive=[0.9, 0.1, 0.2, 0.3, 0.4, 0.8])
    predictions["predicted"] = np.where(predictions["p_positive"] >= 0.5, "positive", "negative")
    predictions.to_csv(checkpoint / "predictions.csv.gz", index=False)
    monkeypatch.setenv("IMDB_DATA_DIR", str(data))
    return checkpoint


def parity(text: str) -> float:
    """A stand-in model that is easy to follow by hand: P(positive) 0.75 for a text of even length, else 0.25."""
    return 0.75 if len(text) % 2 == 0 else 0.25


@pytest.fixture
def parity_model(monkeypatch):
    monkeypatch.setattr(Predictor, "p_positive",
                        lambda self, texts, batch_size=32, progress=False: np.array([parity(t) for t in texts]))


def _expected_pairs() -> dict:
    """Accuracy on originals and edits, consistency and flips of the parity model, counted pair by pair."""
    pairs = pd.read_csv(default_cad_path(), dtype=str, keep_default_na=False)
    right, said = {}, {}
    for row in pairs.itertuples():
        said[row.pair_id, row.kind] = parity(row.review) >= 0.5
        right[row.pair_id, row.kind] = said[row.pair_id, row.kind] == (row.sentiment == "positive")
    ids = sorted(set(pairs["pair_id"]))
    share = lambda test: sum(test(i) for i in ids) / len(ids)  # noqa: E731
    return {"n_pairs": len(ids),
            "accuracy_original": round(share(lambda i: right[i, "original"]), 4),
            "accuracy_edited": round(share(lambda i: right[i, "edited"]), 4),
            "consistency": round(share(lambda i: right[i, "original"] and right[i, "edited"]), 4),
            "both_wrong": round(share(lambda i: not right[i, "original"] and not right[i, "edited"]), 4),
            "flips_with_edit": round(share(lambda i: said[i, "original"] != said[i, "edited"]), 4),
            "edited_wrong": sorted((i for i in ids if not right[i, "edited"]), key=int)}


def _expected_failures() -> dict:
    """Failures of the parity model per capability, by the rule of each kind of test."""
    failures = dict.fromkeys(B.CAPABILITIES, 0)
    for case in B.generate_cases():
        p = parity(case.text)
        if case.test_type == "MFT":
            failed = (p >= 0.5) != (case.expected == "positive")
        elif case.test_type == "INV":
            failed = p != parity(case.original)
        else:  # DIR: the parity model moves by 0.5 or not at all
            failed = p - parity(case.original) == (-0.5 if case.expected == "up" else 0.5)
        failures[case.capability] += failed
    return failures


def test_command_reports_all_three_sections_and_saves(checkpoint_with_predictions, parity_model, capsys, precision):
    """On both precision paths: the parity model's answers are whole-number counts, exact in bf16 too."""
    checkpoint = checkpoint_with_predictions
    assert main(["robustness", "--checkpoint", str(checkpoint), "--json", "--save", "--precision", precision]) == 0
    captured = capsys.readouterr()
    report = json.loads(captured.out)
    assert captured.err.endswith(f"\nsaved {checkpoint / 'robustness.json'}\n")
    assert json.loads((checkpoint / "robustness.json").read_text()) == report
    assert set(report) == {"checkpoint", "max_length", "device", "precision", "created", "reproduce", "versions",
                           "contrast_pairs", "behaviour", "taxonomy", "seconds"}
    assert (report["checkpoint"], report["max_length"], report["device"], report["precision"]) == \
        ("tiny", 64, "cpu", precision)
    assert report["reproduce"] == f"python -m sentiment robustness --checkpoint {checkpoint}"
    assert {"behaviour_cases", "behaviour_seed", "taxonomy_seed", "cad_sha256", "torch"} <= set(report["versions"])

    pairs, expected = report["contrast_pairs"], _expected_pairs()
    assert pairs["n_pairs"] == expected["n_pairs"] == 245 and "Kaushik" in pairs["attribution"]
    for key in ("accuracy_original", "accuracy_edited", "consistency", "both_wrong", "flips_with_edit"):
        assert pairs[key] == expected[key], key
    assert pairs["failing_pairs"]["edited_wrong"] == expected["edited_wrong"]
    assert len(pairs["examples"]) == 5

    capabilities = report["behaviour"]["capabilities"]
    assert list(capabilities) == list(B.CAPABILITIES)
    assert {name: cap["failures"] for name, cap in capabilities.items()} == _expected_failures()
    for cap in capabilities.values():
        assert cap["failure_rate"] == round(cap["failures"] / cap["n"], 4)
        assert len(cap["examples"]) == min(5, cap["failures"])

    taxonomy = report["taxonomy"]
    assert (taxonomy["n_reviews"], taxonomy["errors"], taxonomy["limit"]) == (6, 3, None)
    contrast = taxonomy["tags"]["contrast_reversal"]
    assert (contrast["n_with"], contrast["errors_with"], contrast["error_rate_without"]) == (2, 2, 0.25)
    assert contrast["lift"] == 4.0 and [e["id"] for e in contrast["examples"]] == ["test/neg/1_4", "test/pos/4_7"]
    assert taxonomy["tags"]["borderline_rating"]["n_with"] == 2
    assert (checkpoint / "robustness.json").stat().st_size < 300_000


def test_command_without_the_dataset(tiny_model_dir, tmp_path, monkeypatch, capsys):
    """The real tiny model, on the pairs and the behavioural cases: the report a fresh clone can make."""
    checkpoint = tmp_path / "tiny"
    shutil.copytree(tiny_model_dir, checkpoint)
    (tmp_path / "empty").mkdir()
    monkeypatch.setenv("IMDB_DATA_DIR", str(tmp_path / "empty"))
    with gzip.open(checkpoint / "predictions.csv.gz", "wt") as f:
        f.write("id,sentiment,predicted,p_positive\ntest/neg/1_4,negative,negative,0.1\n")
    assert main(["robustness", "--checkpoint", str(checkpoint)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "IMDB test reviews" in err and "--skip-taxonomy" in err
    assert "test.csv.gz" in err and "Traceback" not in err

    assert main(["robustness", "--checkpoint", str(checkpoint), "--skip-taxonomy"]) == 0
    text = capsys.readouterr().out
    for heading in ("1. Contrast pairs (245 CAD dev pairs", "2. Behavioural tests (1,042 generated cases, version 1, "
                    "seed 0)", "3. Error taxonomy", "skipped: --skip-taxonomy", "| capability | test | tiny |",
                    "| accuracy on edits |"):
        assert heading in text


def test_missing_predictions_and_hub_save_are_clear_errors(tiny_model_dir, capsys):
    assert main(["robustness", "--checkpoint", str(tiny_model_dir)]) == 2
    assert "predictions.csv.gz: no such file" in capsys.readouterr().err
    assert main(["robustness", "--checkpoint", "no/such/model", "--save", "--skip-taxonomy"]) == 2
    assert "not a local folder" in capsys.readouterr().err


def test_robustness_table_reads_saved_reports(checkpoint_with_predictions, parity_model, capsys):
    assert main(["robustness", "--checkpoint", str(checkpoint_with_predictions), "--json", "--save"]) == 0
    saved = json.loads(capsys.readouterr().out)
    assert main(["robustness-table", str(checkpoint_with_predictions)]) == 0
    table = capsys.readouterr().out
    assert f"| accuracy on edits | {100 * saved['contrast_pairs']['accuracy_edited']:.1f}% |" in table
    # within class, by hand: negatives 1 of 1 with the tag wrong, 0 of 2 without; positives 1 of 1, 1 of 2:
    # Mantel-Haenszel (1*2/3 + 1*2/3) / (0*1/3 + 1*1/3) = 4
    assert "| contrast_reversal | 2 of 6 | 100.0% / 25.0% = 4.00 (4.00) |" in table


def test_taxonomy_reviews_join_predictions_to_texts(checkpoint_with_predictions):
    everything = taxonomy_reviews(checkpoint_with_predictions)
    assert list(everything.columns) == ["id", "review", "sentiment", "p_positive", "wrong"]
    assert everything["wrong"].tolist() == [True, False, False, True, True, False]
    assert everything["sentiment"].tolist() == ["negative"] * 3 + ["positive"] * 3


def test_taxonomy_sample_is_reproducible(checkpoint_with_predictions):
    sample = taxonomy_reviews(checkpoint_with_predictions, limit=4)
    assert len(sample) == 4 and sample["id"].tolist() == taxonomy_reviews(checkpoint_with_predictions, 4)["id"].tolist()
    assert len(taxonomy_reviews(checkpoint_with_predictions, limit=100)) == 6  # more than there is: all
    with pytest.raises(DataError, match="--limit-taxonomy must be positive"):
        taxonomy_reviews(checkpoint_with_predictions, limit=0)


def test_predictions_without_the_needed_columns_or_ids(checkpoint_with_predictions):
    path = checkpoint_with_predictions / "predictions.csv.gz"
    pd.DataFrame({"id": ["test/neg/1_4"], "predicted": ["negative"]}).to_csv(path, index=False)
    with pytest.raises(DataError, match="expected columns 'id' and 'p_positive'"):
        taxonomy_reviews(checkpoint_with_predictions)
    pd.DataFrame({"id": ["mine.csv:1"], "p_positive": [0.3]}).to_csv(path, index=False)
    with pytest.raises(DataError, match="no id matches an IMDB test review"):
        taxonomy_reviews(checkpoint_with_predictions)
