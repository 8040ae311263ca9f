"""The Space's README (webapp/space_readme.py): README.md's front matter, then a short page whose every
figure is a shipped checkpoint's report.json value."""
import json
import re
from pathlib import Path

import pytest
from huggingface_hub import ModelCard, SpaceCard

from sentiment.errors import DataError
from sentiment.model_card import BASE_MODEL_IDS
from webapp import publish, space_readme as S

REPO = Path(__file__).resolve().parents[2]
CHECKPOINTS = REPO / "checkpoints"
SHIPPED_REPORTS = sorted(CHECKPOINTS.glob("*/report.json"))
# What the Space's page may weigh: a visitor's page, not the developer README.
SIZE_LIMIT = 10_000
FRONT = "---\ntitle: T\nsdk: gradio\napp_file: app.py\n---\n"

needs_checkpoints = pytest.mark.skipif(not SHIPPED_REPORTS, reason="the shipped checkpoints are missing")


def _report(model="minilm", train_size=1234, accuracy=0.91234, f1=0.90011, **more):
    return {"model": model, "train_size": train_size, "metrics": {"accuracy": accuracy, "f1": f1},
            "max_length": 256, **more}


def _table_rows(page: str) -> dict[str, list[str]]:
    """``{checkpoint: its cells}`` from the page's models table."""
    rows = re.findall(r"^\| `([\w.-]+)` \| (.+) \|$", page, flags=re.MULTILINE)
    return {name: [cell.strip() for cell in cells.split(" | ")] for name, cells in rows}


@pytest.fixture(scope="module")
def page():
    return publish.staged_readme()


def test_front_matter_is_the_block_between_the_first_two_fences():
    assert S.front_matter(FRONT + "# Dev README\n---\nmore\n") == FRONT
    assert S.front_matter("---\n---\nbody\n") == "---\n---\n"
    with pytest.raises(DataError, match="does not start with a front matter"):
        S.front_matter("# no front matter\n---\n")
    with pytest.raises(DataError, match="no closing '---' line"):
        S.front_matter("---\ntitle: T\n")


def test_the_models_table_reads_each_figure_from_its_report():
    table = S.models_table({
        "small": _report(read_length=512),
        "further": _report(model="checkpoints/small", train_size=99),
        "baseline": _report(model="TF-IDF + logistic regression", train_size=20_000, max_length="all")})
    assert table.splitlines() == [
        "| checkpoint | model | training reviews | test accuracy | F1 (weighted) | reading length (tokens) |",
        "| --- | --- | ---: | ---: | ---: | ---: |",
        "| `small` | all-MiniLM-L6-v2 | 1,234 | 0.9123 | 0.9001 | 512 |",
        "| `further` | `small`, trained further | 99 | 0.9123 | 0.9001 | 256 |",  # no read_length: its training length
        "| `baseline` | TF-IDF + logistic regression | 20,000 | 0.9123 | 0.9001 | all |"]


def test_the_page_is_front_matter_then_sections_and_names_the_source():
    page = S.space_readme(FRONT + "# Dev README\n## Set-up\n", {"small": _report()})
    assert page.startswith(FRONT + "\n# Why does BERT get this review wrong?\n")
    assert "Dev README" not in page and "## Set-up" not in page
    headings = re.findall(r"^## (.+)$", page, flags=re.MULTILINE)
    assert headings == ["How to use it", "The models", "Credits", "Source"]
    assert "trained further" not in page  # the note on continued checkpoints only where there is one
    assert "in the source repository (the app's own code is in this Space's *Files* tab)" in page
    linked = S.space_readme(FRONT, {}, source_url="https://example.org/repo")
    assert "[the source repository](https://example.org/repo)" in linked
    assert "## The models" not in linked  # no checkpoint with a report: no table


def test_the_tabs_are_the_apps_tabs_in_the_order_it_builds_them():
    built = re.findall(r'gr\.Tab\("([^"]+)"\)', (REPO / "app.py").read_text(encoding="utf-8"))
    assert [name for name, _ in S.TABS] == built
    listed = re.findall(r"^\d+\. \*\*(\w+)\*\*: ", S.how_to_use(), flags=re.MULTILINE)
    assert listed == built


def test_the_credits_name_the_dataset_the_contrast_pairs_the_base_model_and_the_report():
    for credit in ("Maas et al. (2011)", "Kaushik, Hovy & Lipton (2020)", "Apache-2.0",
                   "sentence-transformers/all-MiniLM-L6-v2", "The original lab report"):
        assert credit in S.CREDITS


@needs_checkpoints
def test_the_staged_page_starts_with_readme_mds_front_matter_and_stays_small(page):
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert page.splitlines()[0] == "---"
    assert page.startswith(S.front_matter(readme))  # the one front matter: the Space builds as it did
    assert len(page.encode("utf-8")) < SIZE_LIMIT
    assert "## Set-up" not in page  # not the developer README


@needs_checkpoints
def test_every_figure_on_the_staged_page_is_its_report_json_value(page):
    rows = _table_rows(page)
    assert sorted(rows) == [path.parent.name for path in SHIPPED_REPORTS]
    for path in SHIPPED_REPORTS:
        report = json.loads(path.read_text(encoding="utf-8"))
        _, training, accuracy, f1, reading = rows[path.parent.name]
        assert int(training.replace(",", "")) == report["train_size"], path
        assert float(accuracy) == round(report["metrics"]["accuracy"], 4), path
        assert float(f1) == round(report["metrics"]["f1"], 4), path
        assert reading == str(report.get("read_length", report["max_length"])), path
    # and no other figure: outside the table, the page's only numbers are the citations' years (and the
    # licence's name and the tabs' list numbers)
    body = page.split("\n---\n", 1)[1].replace("Apache-2.0", "Apache")
    prose = "\n".join(line for line in body.splitlines() if not line.startswith("| "))
    list_numbers = {str(n) for n in range(1, len(S.TABS) + 1)}  # the tabs' numbered list
    assert set(re.findall(r"\b\d[\d,.]*\b", prose)) <= {"2011", "2020"} | list_numbers


@needs_checkpoints
def test_the_front_matter_configures_the_space_and_links_the_base_model_and_the_dataset(page):
    data = SpaceCard(page).data
    assert (data.sdk, data.app_file, data.python_version) == ("gradio", "app.py", "3.11")
    cards = [ModelCard.load(path.parent / "README.md").data for path in SHIPPED_REPORTS]
    # the same Hub ids the shipped model cards use, so the Space, the models and the dataset link up
    assert set(data.models) == set(BASE_MODEL_IDS.values()) == {c.base_model for c in cards if c.base_model}
    assert set(data.datasets) == {d for c in cards for d in c.datasets}
    assert {"text-classification", "sentiment-analysis", "explainability", "integrated-gradients",
            "bert"} <= set(data.tags)
