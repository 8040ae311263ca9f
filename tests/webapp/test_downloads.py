"""webapp/downloads.py: a download is named by what it is and its content, written once, kept while asked
for, removed an hour after it was last asked for."""
import os
import time
from pathlib import Path

import pytest

from webapp import downloads


def test_the_same_content_is_one_file_and_other_content_another(tmp_path):
    first = downloads.save("lesson-step-3", "<p>a</p>", "html", tmp_path)
    assert downloads.save("lesson-step-3", "<p>a</p>", "html", tmp_path) == first
    other = downloads.save("lesson-step-3", "<p>b</p>", "html", tmp_path)
    assert other != first
    assert Path(first).read_text(encoding="utf-8") == "<p>a</p>" and Path(other).read_text() == "<p>b</p>"
    assert Path(first).parent == tmp_path and Path(first).name.startswith("lesson-step-3-")
    assert Path(first).suffix == ".html" and sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [Path(first).name, Path(other).name])  # no partial file left behind


def test_bytes_are_saved_as_they_are(tmp_path):
    png = b"\x89PNG\r\n\x1a\n\x00\xff"
    path = downloads.save("chart", png, "png", tmp_path)
    assert Path(path).read_bytes() == png and path.endswith(".png")


@pytest.mark.parametrize("text, stem", [
    ("mistake-test/neg/8977_4", "mistake-test-neg-8977_4"),
    ("../../etc/passwd", "etc-passwd"),
    ("patterns-ck-my file (1)", "patterns-ck-my-file-1"),
    ('<script>"x"</script>', "script-x-script"),
    ("", "download"), ("///", "download"), ("é…", "download"),
    ("x" * 100, "x" * downloads.MAX_STEM),
])
def test_a_name_made_from_a_visitors_text_is_a_safe_file_name(text, stem):
    assert downloads.safe_stem(text) == stem


def test_a_visitors_name_cannot_leave_the_folder(tmp_path):
    path = Path(downloads.save("../../x/../evil", "text", "../html", tmp_path))
    assert path.parent == tmp_path and path.name.startswith("x-evil-") and path.suffix == ".html"


def _age(path, seconds):
    then = time.time() - seconds
    os.utime(path, (then, then))


def test_writing_removes_the_files_no_one_asked_for_in_an_hour(tmp_path):
    old = Path(downloads.save("old", "old", "html", tmp_path))
    recent = Path(downloads.save("recent", "recent", "html", tmp_path))
    _age(old, downloads.MAX_AGE_S + 60)
    _age(recent, downloads.MAX_AGE_S - 60)
    downloads.save("new", "new", "html", tmp_path)
    assert not old.exists() and recent.exists()


def test_a_file_asked_for_again_is_kept_and_one_removed_is_written_again(tmp_path):
    kept = Path(downloads.save("step", "kept", "html", tmp_path))
    _age(kept, downloads.MAX_AGE_S + 60)
    assert downloads.save("step", "kept", "html", tmp_path) == str(kept)  # asked for again: refreshed
    downloads.save("other", "other", "html", tmp_path)
    assert kept.exists()
    kept.unlink()  # as the hourly clean-up would
    item = downloads.download("step", "kept", "html")
    assert downloads.saved(item, tmp_path) == str(kept) and kept.read_text() == "kept"


def test_a_download_is_named_without_writing_anything(tmp_path, monkeypatch):
    monkeypatch.setattr(downloads, "_FOLDER", type("Folder", (), {"name": str(tmp_path / "none")}))
    item = downloads.download("a/b", "content", "html")
    assert item.content == b"content" and item.name.startswith("a-b-") and item.name.endswith(".html")
    assert item == downloads.download("a/b", b"content", "html")
    assert not (tmp_path / "none").exists()
    assert downloads.saved(item) == str(tmp_path / "none" / item.name)  # the process's folder by default
