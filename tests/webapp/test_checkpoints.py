"""Which checkpoints the app offers (webapp/checkpoints.py): by name, in a fixed order, SENTIMENT_MODEL
first; located by name only; loaded once."""
import pytest

from sentiment.errors import CheckpointError
from webapp import checkpoints
from webapp.checkpoints import available_checkpoints


def _checkpoint_folders(root, names):
    for name in names:
        (root / name).mkdir()
        if name != "not-a-checkpoint":
            (root / name / "config.json").write_text("{}")


def test_shipped_checkpoints_come_first_largest_training_set_first_then_by_name(tmp_path, monkeypatch):
    monkeypatch.delenv("SENTIMENT_MODEL", raising=False)
    _checkpoint_folders(tmp_path, ["zeta", "minilm-imdb-cad", "alpha", "minilm-imdb-8k", "minilm-imdb-25k",
                                   "not-a-checkpoint"])
    assert available_checkpoints(tmp_path) == {n: str(tmp_path / n) for n in (
        "minilm-imdb-25k", "minilm-imdb-8k", "minilm-imdb-cad", "alpha", "zeta")}
    assert list(available_checkpoints(tmp_path)) == ["minilm-imdb-25k", "minilm-imdb-8k", "minilm-imdb-cad",
                                                     "alpha", "zeta"]


def test_checkpoint_picker_by_name_puts_sentiment_model_first_once(tmp_path, monkeypatch):
    _checkpoint_folders(tmp_path, ["zeta", "minilm-imdb-8k", "minilm-imdb-25k", "not-a-checkpoint"])
    monkeypatch.delenv("SENTIMENT_MODEL", raising=False)
    assert list(available_checkpoints(tmp_path)) == ["minilm-imdb-25k", "minilm-imdb-8k", "zeta"]
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SENTIMENT_MODEL", "zeta")  # a folder: offered by its name, where it was given
    assert available_checkpoints(tmp_path) == {"zeta": "zeta", "minilm-imdb-25k": str(tmp_path / "minilm-imdb-25k"),
                                               "minilm-imdb-8k": str(tmp_path / "minilm-imdb-8k")}
    assert list(available_checkpoints(tmp_path)) == ["zeta", "minilm-imdb-25k", "minilm-imdb-8k"]
    monkeypatch.setenv("SENTIMENT_MODEL", str(tmp_path / "minilm-imdb-8k"))
    assert list(available_checkpoints(tmp_path)) == ["minilm-imdb-8k", "minilm-imdb-25k", "zeta"]
    monkeypatch.setenv("SENTIMENT_MODEL", "bert-base-uncased")  # not a folder: a Hub id, as given
    assert list(available_checkpoints(tmp_path).items())[0] == ("bert-base-uncased", "bert-base-uncased")
    monkeypatch.setenv("SENTIMENT_MODEL", "")
    assert list(available_checkpoints(tmp_path)) == ["minilm-imdb-25k", "minilm-imdb-8k", "zeta"]


def test_checkpoint_names_are_the_pickers_choices(monkeypatch):
    monkeypatch.setattr(checkpoints, "available_checkpoints", lambda: {"b": "/x/b", "a": "/x/a"})
    assert checkpoints.checkpoint_names() == ["b", "a"]


def test_checkpoints_are_located_by_name_only(monkeypatch):
    monkeypatch.delenv("SENTIMENT_MODEL", raising=False)
    monkeypatch.setattr(checkpoints, "available_checkpoints", lambda: {"small": "/srv/secret/small"})
    assert checkpoints.locate("small") == "/srv/secret/small"
    for bad in ("/srv/other/small", "../small", ["small"], None, "", "x" * 500):
        with pytest.raises(CheckpointError) as error:
            checkpoints.locate(bad)
        assert "/srv/secret" not in str(error.value) and "small" in str(error.value)


@pytest.mark.parametrize("name, message", [
    ("big", "No checkpoint called 'big'; choose one of small, large."),
    ("x" * 61, "No checkpoint called 'that name'; choose one of small, large."),
    (" ", "Choose a checkpoint: one of small, large."),
    (None, "Choose a checkpoint: one of small, large."),
])
def test_an_unknown_checkpoint_is_named_with_the_choices(monkeypatch, name, message):
    monkeypatch.setattr(checkpoints, "available_checkpoints", lambda: {"small": "/s", "large": "/l"})
    with pytest.raises(CheckpointError) as error:
        checkpoints.locate(name)
    assert str(error.value) == message


def test_no_checkpoint_at_all_says_how_to_get_one(monkeypatch):
    monkeypatch.setattr(checkpoints, "available_checkpoints", lambda: {})
    with pytest.raises(CheckpointError) as error:
        checkpoints.locate("small")
    assert str(error.value) == "No checkpoint is available: train one or set SENTIMENT_MODEL."


@pytest.fixture
def tiny_only(monkeypatch, tiny_model_dir):
    monkeypatch.setattr(checkpoints, "available_checkpoints", lambda: {"tiny": str(tiny_model_dir)})
    checkpoints._loaded_predictor.cache_clear()
    checkpoints._loaded_explainer.cache_clear()
    yield
    checkpoints._loaded_predictor.cache_clear()
    checkpoints._loaded_explainer.cache_clear()


def test_each_checkpoint_is_loaded_once_and_the_explainer_has_its_own_copy(tiny_only, tiny_model_dir):
    predictor = checkpoints.predictor("tiny")
    assert checkpoints.predictor("tiny") is predictor and predictor.device == "cpu"
    explainer = checkpoints.explainer("tiny")
    assert checkpoints.explainer("tiny") is explainer
    assert explainer.model is not predictor.model  # Captum's hooks must not touch the classifier's copy
    for loaded in (checkpoints._loaded_predictor, checkpoints._loaded_explainer):
        assert loaded.cache_info().currsize == 1


@pytest.mark.parametrize("load", ["predictor", "explainer"])
@pytest.mark.parametrize("not_a_name", ["path", "list"])
def test_anything_but_a_name_is_refused_before_anything_is_loaded(tiny_only, tiny_model_dir, load, not_a_name):
    with pytest.raises(CheckpointError):  # a list would not even reach the cache: it cannot be a cache key
        getattr(checkpoints, load)({"path": str(tiny_model_dir), "list": ["tiny"]}[not_a_name])
    assert checkpoints._loaded_predictor.cache_info().currsize == 0
    assert checkpoints._loaded_explainer.cache_info().currsize == 0
