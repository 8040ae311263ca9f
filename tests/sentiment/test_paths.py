"""sentiment/paths.py: where the data is looked for (the IMDB split, the CAD pairs), and where it goes."""
import pytest

from sentiment import paths


def test_data_folder_order_env_then_cache_then_shared(tmp_path, monkeypatch):
    monkeypatch.delenv("IMDB_DATA_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    cache = tmp_path / "xdg" / "imdb-sentiment" / "imdb"
    assert paths.user_cache_dir() == cache
    assert paths.download_dir() == cache
    shared = tmp_path / "repo-parent" / "shared" / "data" / "imdb"
    monkeypatch.setattr(paths, "REPO_ROOT", tmp_path / "repo-parent" / "repo")
    assert paths.default_data_dir() == cache  # nothing anywhere: where the download goes
    shared.mkdir(parents=True)
    for name in paths.DATA_FILES:
        (shared / name).write_bytes(b"x")
    assert paths.default_data_dir() == shared
    cache.mkdir(parents=True)
    (cache / "aclImdb_v1.tar.gz.part").write_bytes(b"x")  # a download under way does not hide shared/
    assert paths.default_data_dir() == shared
    for name in paths.DATA_FILES:
        (cache / name).write_bytes(b"x")
    assert paths.default_data_dir() == cache
    monkeypatch.setenv("IMDB_DATA_DIR", str(tmp_path / "mine"))
    assert paths.default_data_dir() == paths.download_dir() == tmp_path / "mine"


@pytest.mark.parametrize("platform, variable, expected", [
    ("darwin", None, "home/Library/Caches"),
    ("win32", "LOCALAPPDATA", "appdata"),
    ("linux", None, "home/.cache"),
])
def test_per_user_cache_follows_the_platform(tmp_path, monkeypatch, platform, variable, expected):
    monkeypatch.setattr(paths.sys, "platform", platform)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("USERPROFILE", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/ignored")
    if variable:
        monkeypatch.setenv(variable, str(tmp_path / "appdata"))
    assert paths.user_cache_dir() == tmp_path / expected / "imdb-sentiment" / "imdb"
