import os

# Before transformers is imported anywhere: never try the Hub, never phone home.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
# Tiny models run fastest on one thread, and extra threads fight over a 2-core machine.
os.environ.setdefault("OMP_NUM_THREADS", "1")

import pytest  # noqa: E402
import torch  # noqa: E402
from transformers import BertConfig, BertForSequenceClassification  # noqa: E402

from sentiment.data import load_reviews  # noqa: E402
from sentiment.imdb_archive import DOWNLOAD_COMMAND  # noqa: E402
from sentiment.labels import LABELS  # noqa: E402
from sentiment.paths import DATA_FILES, default_data_dir  # noqa: E402
from sentiment.model import load_tokenizer, save_checkpoint  # noqa: E402


torch.set_num_threads(1)


def tiny_config(**overrides) -> BertConfig:
    """A random-weight BERT small enough to train in seconds, with the real uncased vocabulary."""
    settings = dict(vocab_size=30522, hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
                    intermediate_size=64, max_position_embeddings=512, num_labels=2,
                    id2label=dict(enumerate(LABELS)), label2id={n: i for i, n in enumerate(LABELS)})
    settings.update(overrides)
    return BertConfig(**settings)


@pytest.fixture(scope="session")
def tokenizer():
    return load_tokenizer("minilm")


@pytest.fixture(scope="session")
def tiny_model_dir(tmp_path_factory, tokenizer):
    """A saved tiny checkpoint: a stand-in base model for training and loading tests."""
    torch.manual_seed(0)
    directory = tmp_path_factory.mktemp("tiny-bert")
    save_checkpoint(BertForSequenceClassification(tiny_config()), tokenizer, directory, max_length=64)
    return directory


# --- both precision paths, whatever the CPU --------------------------------------------------------
# "auto" resolves to bf16 on CPUs with AVX-512 BF16 and to fp32 elsewhere, so a test that relied on it
# would test one path or the other depending on where CI lands. Precision-dependent tests ask for this
# fixture instead and run under both: bf16 autocast runs on every x86 CPU (emulated, slower, where the
# CPU lacks it) and gives the same numbers either way.
PRECISIONS = ("fp32", "bf16")


@pytest.fixture(params=PRECISIONS, scope="session")
def precision(request) -> str:
    return request.param


def _precision_summary(terminalreporter):
    from sentiment.devices import cpu_has_bf16, resolve_precision

    terminalreporter.write_line(
        f"precision: this CPU's bf16 is {'native' if cpu_has_bf16() else 'emulated'}, so `auto` resolves to "
        f"{resolve_precision('cpu')} here; the precision-dependent tests ran under {' and '.join(PRECISIONS)}")


@pytest.fixture(scope="module")
def tiny_explain_dir(tokenizer, tmp_path_factory):
    """A tiny BERT whose weights (init 0.2, not 0.02) are large enough that margins differ from review to
    review and from a review to its baseline."""
    torch.manual_seed(0)
    directory = tmp_path_factory.mktemp("tiny-explain")
    save_checkpoint(BertForSequenceClassification(tiny_config(initializer_range=0.2)), tokenizer, directory,
                    max_length=64)
    return directory


@pytest.fixture(scope="module")
def explainer(tiny_explain_dir):
    """An fp32 ``Explainer`` on the tiny BERT, for tests whose exact figures are fp32's. One per test
    module: its per-length baseline calibration is then the same whatever runs first."""
    from explain import Explainer

    return Explainer.from_pretrained(tiny_explain_dir, precision="fp32")


@pytest.fixture(scope="module")
def explainer_in(tiny_explain_dir, precision):
    """The same tiny ``Explainer`` in each precision (``precision`` fixture): for the checks that must
    hold on both paths."""
    from explain import Explainer

    return Explainer.from_pretrained(tiny_explain_dir, precision=precision)


# --- the IMDB data: tests that need it skip on a fresh clone, and fail where its folder exists ---

MISSING_DATA = "needs the IMDB data"  # every skip for missing data starts with this
_data_skips: list[str] = []


def require_dataset():
    """Skip the calling test unless train.csv.gz and test.csv.gz are installed."""
    folder = default_data_dir()
    missing = [name for name in DATA_FILES if not (folder / name).is_file()]
    if missing:
        pytest.skip(f"{MISSING_DATA} ({', '.join(missing)} not in {folder}): get it with `{DOWNLOAD_COMMAND}`")


def shared_reviews(split: str):
    """``load_reviews(split)`` for the shared IMDB splits, skipping the test where they are missing."""
    require_dataset()
    return load_reviews(split)


def pytest_runtest_logreport(report):
    if report.skipped and MISSING_DATA in str(report.longrepr):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        _data_skips.append(f"{report.nodeid}: {reason.removeprefix('Skipped: ')}")


def data_skip_failure(skipped: list[str], folder) -> str | None:
    """Why the run must fail: tests skipped for missing data although the data folder exists
    (in CI the data is there, so such a skip hides a broken or half-installed dataset)."""
    if skipped and folder.is_dir():
        return (f"{len(skipped)} test(s) skipped for missing data, but the data folder {folder} exists: "
                f"complete it with `{DOWNLOAD_COMMAND}` (or point IMDB_DATA_DIR elsewhere)")
    return None


def pytest_sessionfinish(session, exitstatus):
    if data_skip_failure(_data_skips, default_data_dir()) and session.exitstatus == pytest.ExitCode.OK:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter):
    _precision_summary(terminalreporter)
    if not _data_skips:
        return
    failure = data_skip_failure(_data_skips, default_data_dir())
    terminalreporter.section("IMDB data", sep="-", red=bool(failure), yellow=not failure)
    for skip in _data_skips:
        terminalreporter.write_line(f"SKIPPED {skip}")
    terminalreporter.write_line(f"FAILED: {failure}" if failure else
                                f"{len(_data_skips)} test(s) skipped: the IMDB data is not installed; "
                                f"`{DOWNLOAD_COMMAND}` gets it (84 MB)")


@pytest.fixture(scope="session")
def train_reviews():
    """A few hundred real reviews, balanced, from the official train split."""
    reviews = shared_reviews("train")
    return reviews.groupby("label").sample(n=150, random_state=0).reset_index(drop=True)


@pytest.fixture(scope="session")
def test_reviews():
    reviews = shared_reviews("test")
    return reviews.groupby("label").sample(n=50, random_state=0).reset_index(drop=True)


# --- the app as a Space runs it: staged, started once, shared by test_app.py and test_reliability.py ---

@pytest.fixture(scope="session")
def space(tmp_path_factory):
    """The folder ``python -m webapp.publish`` would upload."""
    from webapp.publish import stage

    folder = tmp_path_factory.mktemp("space") / "space"
    stage(folder)
    return folder


@pytest.fixture(scope="session")
def app_url(space, tmp_path_factory):
    """``python app.py`` in the staged folder, with no IMDB data anywhere it could look and no way to import
    from the checkout (``webapp.local_server.start_app``)."""
    from webapp.local_server import AppDidNotStart, space_environment, start_app, stop_app

    empty = tmp_path_factory.mktemp("no-data")
    try:  # importing only from the staged folder: a file the staging left out fails here (test_app.py)
        process, url = start_app(space, space_environment(empty), empty / "app.log")
    except AppDidNotStart as error:
        pytest.fail(str(error))
    yield url
    stop_app(process)


@pytest.fixture(scope="session")
def client(app_url):
    gradio_client = pytest.importorskip("gradio_client")
    c = gradio_client.Client(app_url, verbose=False)
    yield c
    c.close()
