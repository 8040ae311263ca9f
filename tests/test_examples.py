"""The app's teaching examples are real misreadings: each is still misread by the checkpoint it names."""
import json

import pytest

from sentiment.predictor import Predictor
from sentiment.paths import CHECKPOINTS_DIR
from sentiment.study import EXAMPLES_FILE, load_study_reviews

EXAMPLES = json.loads(EXAMPLES_FILE.read_text())


def test_examples_name_a_shipped_checkpoint_a_study_review_and_a_note():
    study = set(load_study_reviews()["id"])
    assert len(EXAMPLES) >= 5
    for example in EXAMPLES:
        assert (CHECKPOINTS_DIR / example["checkpoint"] / "config.json").is_file(), example["checkpoint"]
        assert example["id"] in study and example["note"].strip() and example["name"].strip()


@pytest.mark.parametrize("checkpoint", sorted({e["checkpoint"] for e in EXAMPLES}))
def test_each_example_is_misread_by_the_checkpoint_it_names(checkpoint):
    reviews = load_study_reviews().set_index("id")
    mine = [e for e in EXAMPLES if e["checkpoint"] == checkpoint]
    p_positive = Predictor.from_pretrained(CHECKPOINTS_DIR / checkpoint).p_positive(
        [reviews.at[e["id"], "review"] for e in mine])
    for example, p in zip(mine, p_positive):
        truth = int(reviews.at[example["id"], "label"])
        assert int(p >= 0.5) != truth, f"{example['id']} is no longer misread by {checkpoint} (p={p:.2f})"
