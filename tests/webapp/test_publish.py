"""Staging the Space (webapp/publish.py) from a hand-made repository: exactly the files the app needs."""
import json

import pytest

from webapp import publish, space_readme

# The hand-made repository's README.md: the Space's front matter, then the developer README.
DEV_README = "---\nsdk: gradio\napp_file: app.py\n---\n# the project\n## Set-up\n"


def _repo(root):
    files = ["app.py", "README.md", "requirements-space.txt", "requirements.txt", "sentiment/a.py",
             "sentiment/__pycache__/a.py", "explain/b.py", "webapp/c.py", "webapp/notes.txt", "tests/test_x.py",
             "checkpoints/m/config.json", "checkpoints/m/trainer/state.json", "study/reviews.csv.gz",
             "shared/imdb/train.csv.gz", "benchmarks/run.py"]
    for name in files:
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(name)
    (root / "README.md").write_text(DEV_README)
    return root


def test_space_files_are_the_app_its_packages_checkpoints_and_study(tmp_path):
    repo = _repo(tmp_path / "repo")
    files = publish.space_files(repo)
    assert list(files) == ["README.md", "app.py", "checkpoints/m/config.json", "explain/b.py", "requirements.txt",
                           "sentiment/a.py", "study/reviews.csv.gz", "webapp/c.py"]
    assert files["requirements.txt"] == repo / "requirements-space.txt"  # the CPU-only requirements
    assert files["app.py"] == repo / "app.py"


def test_space_files_do_not_depend_on_where_the_repository_lives(tmp_path):
    # a checkout inside a folder called like a skipped one ("trainer", "__pycache__") stages the same files
    plain = list(publish.space_files(_repo(tmp_path / "repo")))
    assert list(publish.space_files(_repo(tmp_path / "trainer" / "repo"))) == plain
    assert list(publish.space_files(_repo(tmp_path / "__pycache__" / "repo"))) == plain


def test_space_files_name_what_is_missing(tmp_path):
    repo = _repo(tmp_path / "repo")
    (repo / "README.md").unlink()
    (repo / "requirements-space.txt").unlink()
    with pytest.raises(publish.PublishError) as error:
        publish.space_files(repo)
    assert str(error.value) == "missing from the repository: README.md, requirements.txt"


def test_stage_copies_the_files_into_an_empty_folder(tmp_path):
    repo = _repo(tmp_path / "repo")
    listing = publish.stage(tmp_path / "space", repo)
    # each hand-made file holds its own path, so its size is that path's length; README.md is written
    assert listing == [("README.md", len(space_readme.space_readme(DEV_README, {}).encode()))] + [
        (name, len(name)) for name in ("app.py", "checkpoints/m/config.json", "explain/b.py")] + [
        ("requirements.txt", len("requirements-space.txt"))] + [(name, len(name)) for name in (
            "sentiment/a.py", "study/reviews.csv.gz", "webapp/c.py")]
    assert (tmp_path / "space" / "requirements.txt").read_text() == "requirements-space.txt"
    assert (tmp_path / "space" / "webapp" / "c.py").read_text() == "webapp/c.py"
    assert sorted(str(p.relative_to(tmp_path / "space")) for p in (tmp_path / "space").rglob("*")
                  if p.is_file()) == [name for name, _ in listing]


def test_stage_refuses_a_folder_that_is_not_empty(tmp_path):
    repo = _repo(tmp_path / "repo")
    (tmp_path / "space").mkdir()
    (tmp_path / "space" / "old.txt").write_text("x")
    with pytest.raises(publish.PublishError, match="exists and is not an empty folder"):
        publish.stage(tmp_path / "space", repo)


def test_file_list_marks_files_for_large_file_storage():
    big = 11 * 1024 * 1024  # over the Hub's 10 MB limit for plain files
    assert publish.file_list([("app.py", 1_000_000), ("model.safetensors", big),
                              ("at-limit", publish.HUB_PLAIN_FILE_LIMIT)]) == (
        "     1.00 MB  app.py\n"
        "    11.53 MB  model.safetensors  (large-file storage)\n"
        "    10.49 MB  at-limit\n"
        "    23.02 MB  in 3 files")


class _Api:
    def __init__(self):
        self.calls = []

    def create_repo(self, *args, **kwargs):
        self.calls.append(("create_repo", args, kwargs))

    def upload_folder(self, **kwargs):
        self.calls.append(("upload_folder", (), kwargs))


def test_upload_creates_the_space_and_uploads_the_folder_in_one_commit(tmp_path):
    api = _Api()
    assert publish.upload(tmp_path, "me/sentiment", private=True, api=api) == \
        "https://huggingface.co/spaces/me/sentiment"
    assert api.calls == [
        ("create_repo", ("me/sentiment",), {"repo_type": "space", "space_sdk": "gradio", "private": True,
                                            "exist_ok": True}),
        ("upload_folder", (), {"folder_path": str(tmp_path), "repo_id": "me/sentiment", "repo_type": "space",
                               "commit_message": "Publish the app from the repository"})]


@pytest.mark.parametrize("argv", [[], ["--repo-id", "no-slash"], ["--repo-id", "a/b/c"]])
def test_main_refuses_a_missing_or_malformed_repo_id(argv, capsys):
    with pytest.raises(SystemExit) as exit_:
        publish.main(argv)
    assert exit_.value.code == 2


def test_main_dry_run_stages_and_lists_without_uploading(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(publish, "stage", lambda folder: [("app.py", 2_000_000)])
    monkeypatch.setattr(publish, "upload", lambda *a, **k: pytest.fail("a dry run uploads nothing"))
    assert publish.main(["--dry-run", "--stage", str(tmp_path / "space")]) == 0
    assert capsys.readouterr().out == (f"     2.00 MB  app.py\n     2.00 MB  in 1 files\n"
                                       f"staged in {tmp_path / 'space'}\n")


def test_main_uploads_and_reports_a_staging_problem(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(publish, "stage", lambda folder: [("app.py", 10)])
    monkeypatch.setattr(publish, "upload", lambda folder, repo_id, private: f"https://hub/{repo_id}/{private}")
    assert publish.main(["--repo-id", "me/s", "--stage", str(tmp_path / "s"), "--private"]) == 0
    assert capsys.readouterr().out.endswith("uploaded: https://hub/me/s/True\n")

    def refuse(folder):
        raise publish.PublishError("missing from the repository: app.py")
    monkeypatch.setattr(publish, "stage", refuse)
    assert publish.main(["--repo-id", "me/s", "--stage", str(tmp_path / "t")]) == 2
    assert capsys.readouterr().err == "error: missing from the repository: app.py\n"


# What must stay out of a Space, beside each kind of file that goes in: the developer's tools and
# environment, training leftovers, notebooks' autosaves, the dataset, anything outside the five places.
DECOYS = [".venv/lib/python3.11/site-packages/gradio/app.py", ".venv/pyvenv.cfg", ".git/config",
          ".github/workflows/ci.yml", ".ci/run", "runs/m/model.safetensors", "runs/m/report.json", "logs/train.log",
          "artifacts/x.json", "tests/README.md", "tests/conftest.py", "benchmarks/README.md",
          "benchmarks/requirements.txt", "requirements-dev.txt", "pyproject.toml", "CONTRIBUTING.md", "notes.py",
          "bert_review_errors.egg-info/PKG-INFO", "shared/data/imdb/test.csv.gz",
          "checkpoints/m/trainer/checkpoint-200/model.safetensors", "checkpoints/m/trainer/runs/events.out",
          "checkpoints/m/.ipynb_checkpoints/config-checkpoint.json", "study/.ipynb_checkpoints/reviews.csv.gz",
          "sentiment/.ipynb_checkpoints/a-checkpoint.py", "explain/__pycache__/b.cpython-311.pyc",
          "webapp/__pycache__/c.cpython-311.py", "webapp/static/notes.md"]


def test_space_files_leave_out_everything_else(tmp_path):
    repo = _repo(tmp_path / "repo")
    expected = publish.space_files(repo)
    for name in DECOYS:
        (repo / name).parent.mkdir(parents=True, exist_ok=True)
        (repo / name).write_text(name)
    assert publish.space_files(repo) == expected
    assert set(expected) == {"README.md", "app.py", "checkpoints/m/config.json", "explain/b.py", "requirements.txt",
                             "sentiment/a.py", "study/reviews.csv.gz", "webapp/c.py"}


def test_every_file_of_a_checkpoint_and_of_the_study_goes_at_any_depth(tmp_path):
    repo = _repo(tmp_path / "repo")
    shipped = ["checkpoints/m/model.safetensors", "checkpoints/m/README.md", "checkpoints/tfidf/nested/vocab.json",
               "study/README.md", "study/examples.json", "sentiment/robustness/__init__.py",
               "sentiment/robustness/run.py"]
    for name in shipped:
        (repo / name).parent.mkdir(parents=True, exist_ok=True)
        (repo / name).write_text(name)
    files = publish.space_files(repo)
    assert set(shipped) <= set(files)
    assert all(files[name] == repo / name for name in shipped)
    assert list(files) == sorted(files)  # the listing reads in path order


def test_the_space_readme_is_the_visitors_page_under_the_repository_readmes_front_matter(tmp_path):
    repo = _repo(tmp_path / "repo")
    (repo / "study" / "README.md").write_text("# the study\n")
    (repo / "checkpoints" / "m" / "report.json").write_text(json.dumps(
        {"model": "minilm", "train_size": 4321, "max_length": 128, "metrics": {"accuracy": 0.875, "f1": 0.8749}}))
    publish.stage(tmp_path / "space", repo)
    staged = (tmp_path / "space" / "README.md").read_text()
    assert staged.startswith("---\nsdk: gradio\napp_file: app.py\n---\n\n# Why does BERT get this review wrong?")
    assert "# the project" not in staged and "## Set-up" not in staged  # not the developer README
    assert "| `m` | all-MiniLM-L6-v2 | 4,321 | 0.8750 | 0.8749 | 128 |" in staged  # the checkpoint's figures
    assert (repo / "README.md").read_text() == DEV_README  # the repository's own README is left alone
    assert (tmp_path / "space" / "study" / "README.md").read_text() == "# the study\n"  # its own place, not the top


@pytest.mark.parametrize("readme, problem", [("# no front matter\n", "README.md does not start with a front matter"),
                                             ("---\nsdk: gradio\n", "README.md's front matter has no closing")])
def test_a_readme_without_front_matter_stages_nothing(tmp_path, readme, problem):
    repo = _repo(tmp_path / "repo")
    (repo / "README.md").write_text(readme)
    with pytest.raises(publish.PublishError, match=f"^cannot write the Space's README.md: {problem}"):
        publish.stage(tmp_path / "space", repo)
    assert not (tmp_path / "space").exists()


def test_an_unreadable_report_stages_nothing(tmp_path):
    repo = _repo(tmp_path / "repo")
    (repo / "checkpoints" / "m" / "report.json").write_text("not json")
    with pytest.raises(publish.PublishError, match="cannot write the Space's README.md: .*report.json: not a "
                                                   "readable report"):
        publish.stage(tmp_path / "space", repo)
    assert not (tmp_path / "space").exists()


def test_stage_takes_an_empty_folder_and_refuses_a_file(tmp_path):
    repo = _repo(tmp_path / "repo")
    (tmp_path / "empty").mkdir()
    assert [name for name, _ in publish.stage(tmp_path / "empty", repo)] == list(publish.space_files(repo))
    (tmp_path / "a-file").write_text("x")
    with pytest.raises(publish.PublishError, match="a-file exists and is not an empty folder"):
        publish.stage(tmp_path / "a-file", repo)
    assert (tmp_path / "a-file").read_text() == "x"


def test_the_real_repository_stages_no_tests_tools_or_training_leftovers():
    files = publish.space_files()
    assert {"app.py", "README.md", "requirements.txt", "webapp/publish.py", "sentiment/study.py",
            "explain/attribution.py", "study/reviews.csv.gz"} <= set(files)
    assert files["requirements.txt"] == publish.SPACE_REQUIREMENTS
    assert files["README.md"].read_text().startswith("---\n")  # the front matter the Space reads
    tops = {name.split("/")[0] for name in files}
    assert tops <= {"app.py", "README.md", "requirements.txt", "sentiment", "explain", "webapp", "checkpoints", "study"}
    for name in files:
        parts = name.split("/")
        assert not {"trainer", "__pycache__", ".ipynb_checkpoints", "runs"} & set(parts), name
        if parts[0] in publish.PACKAGES:
            assert name.endswith(".py"), name
