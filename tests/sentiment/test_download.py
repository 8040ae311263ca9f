"""`python -m sentiment data download` end to end, without the internet: a tiny archive in the
aclImdb layout served from 127.0.0.1 (with Range support, and able to cut a transfer short). The command
(sentiment/download.py), its resumed HTTP transfer (sentiment/http_fetch.py) and the archive's conversion
(sentiment/imdb_archive.py) share that server, so their tests are here together."""
import csv
import email.message
import gzip
import hashlib
import http.server
import io
import os
import socket
import subprocess
import sys
import tarfile
import threading
import urllib.error
from pathlib import Path

import pytest

from sentiment import download, http_fetch, imdb_archive, paths
from sentiment.paths import REPO_ROOT
from sentiment.cli import main
from sentiment.data import DataError, DataMissingError, load_reviews

REPO = REPO_ROOT

# (member, text): labelled reviews in shuffled order, plus what the converter must ignore.
REVIEWS = [
    ("aclImdb/train/pos/1_7.txt", "Fine, if long.<br /><br />Worth it."),
    ("aclImdb/train/neg/10_1.txt", 'The "worst" film of 2009, truly.'),
    ("aclImdb/train/neg/2_4.txt", "Dull."),
    ("aclImdb/train/pos/0_9.txt", "Amélie-level charm ★"),
    ("aclImdb/test/neg/0_2.txt", "  Bad\tacting  "),
    ("aclImdb/test/pos/3_10.txt", "A masterpiece."),
]
IGNORED = [
    ("aclImdb/train/unsup/0_0.txt", "unlabelled"),
    ("aclImdb/train/urls_pos.txt", "http://www.imdb.com/title/tt0000001/usercomments"),
    ("aclImdb/train/labeledBow.feat", "9 0:9 1:1"),
    ("aclImdb/README", "Large Movie Review Dataset v1.0"),
    ("aclImdb/train/pos/../../../evil.txt", "path traversal"),
    ("/aclImdb/train/pos/7_8.txt", "absolute path"),
]
# Exactly what the converter must write (CSV module defaults: minimal quoting, CRLF).
EXPECTED = {
    "train": ('review,sentiment,rating,id\r\n'
              'Dull.,negative,4,train/neg/2_4\r\n'
              '"The ""worst"" film of 2009, truly.",negative,1,train/neg/10_1\r\n'
              'Amélie-level charm ★,positive,9,train/pos/0_9\r\n'
              '"Fine, if long.<br /><br />Worth it.",positive,7,train/pos/1_7\r\n'),
    "test": ('review,sentiment,rating,id\r\n'
             '  Bad\tacting  ,negative,2,test/neg/0_2\r\n'
             'A masterpiece.,positive,10,test/pos/3_10\r\n'),
}


def make_archive(path: Path, members=REVIEWS + IGNORED, symlink=True) -> bytes:
    with tarfile.open(path, "w:gz") as tar:
        for name, text in members:
            data = text.encode("utf-8")
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
        if symlink:  # a link named like a review must not be followed
            info = tarfile.TarInfo("aclImdb/test/pos/5_8.txt")
            info.type, info.linkname = tarfile.SYMTYPE, "/etc/passwd"
            tar.addfile(info)
    return path.read_bytes()


def read_csv_text(path: Path) -> str:
    return gzip.decompress(path.read_bytes()).decode("utf-8")


class Server:
    """Serves one payload; honours ``Range: bytes=N-`` (unless ``ranges`` is off); can cut the
    next transfer after ``cut_after`` bytes. Misbehaving on purpose: ``answer_from`` answers the
    next Range request with a 206 from that offset instead of the one asked; ``range_416`` off
    sends a 416 without its ``Content-Range``."""

    def __init__(self, payload: bytes):
        self.payload, self.ranges, self.cut_after, self.requests = payload, True, None, []
        self.answer_from, self.range_416 = None, True
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                asked = self.headers.get("Range")
                server.requests.append(asked)
                body, start, total = server.payload, 0, len(server.payload)
                if asked and server.ranges:
                    start = int(asked.removeprefix("bytes=").rstrip("-"))
                    if server.answer_from is not None:
                        start, server.answer_from = server.answer_from, None
                    if start >= total:
                        self.send_response(416)
                        if server.range_416:
                            self.send_header("Content-Range", f"bytes */{total}")
                        self.send_header("Content-Length", "0")
                        self.end_headers()
                        return
                    self.send_response(206)
                    self.send_header("Content-Range", f"bytes {start}-{total - 1}/{total}")
                else:
                    self.send_response(200)
                self.send_header("Content-Length", str(total - start))
                self.end_headers()
                body = body[start:]
                if server.cut_after is not None:
                    body, server.cut_after = body[:server.cut_after], None
                    self.close_connection = True
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/{imdb_archive.ARCHIVE_NAME}"
        # a short poll: shutdown() waits for one, and every test here closes a server
        threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True).start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def archive(tmp_path, monkeypatch):
    payload = make_archive(tmp_path / "built.tar.gz")
    monkeypatch.setattr(download, "ARCHIVE_SHA256", hashlib.sha256(payload).hexdigest())
    return payload


@pytest.fixture
def server(archive):
    s = Server(archive)
    yield s
    s.close()


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    """An empty data folder, and nothing else to find: no IMDB_DATA_DIR, an empty cache."""
    monkeypatch.delenv("IMDB_DATA_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    return tmp_path / "data"


def get(url, folder, *extra):
    return main(["data", "download", "--url", url, "--dir", str(folder), "--no-progress", *extra])


def assert_converted(folder: Path):
    for split, text in EXPECTED.items():
        assert read_csv_text(folder / f"{split}.csv.gz") == text
    assert sorted(p.name for p in folder.iterdir()) == ["test.csv.gz", "train.csv.gz"]  # no archive, no temp


def test_download_checks_and_converts_to_the_project_format(server, data_dir, monkeypatch, capsys):
    assert get(server.url, data_dir) == 0
    assert server.requests == [None]
    assert_converted(data_dir)
    assert "train.csv.gz (4 reviews), test.csv.gz (2 reviews)" in capsys.readouterr().out
    # the project reads it: ids, labels, ratings, no HTML breaks
    monkeypatch.setenv("IMDB_DATA_DIR", str(data_dir))
    train = load_reviews("train")
    assert list(train["id"]) == ["train/neg/2_4", "train/neg/10_1", "train/pos/0_9", "train/pos/1_7"]
    assert list(train["label"]) == [0, 0, 1, 1]
    assert train["review"][3].split() == ["Fine,", "if", "long.", "Worth", "it."]
    raw = list(csv.DictReader(io.StringIO(read_csv_text(data_dir / "test.csv.gz"))))
    assert [(r["id"], r["rating"], r["sentiment"]) for r in raw] == [
        ("test/neg/0_2", "2", "negative"), ("test/pos/3_10", "10", "positive")]


def test_checksum_mismatch_writes_nothing(server, data_dir, monkeypatch, capsys):
    monkeypatch.setattr(download, "ARCHIVE_SHA256", "0" * 64)
    assert get(server.url, data_dir) == 2
    err = capsys.readouterr().err
    assert "corrupt" in err and "0" * 64 in err and "--from" in err
    assert list(data_dir.iterdir()) == []  # the bad download is gone, no CSV written


def test_interrupted_transfer_resumes_with_a_range_request(server, archive, data_dir, capsys):
    half = len(archive) // 2
    server.cut_after = half
    assert get(server.url, data_dir) == 2
    errors = [line for line in capsys.readouterr().err.splitlines() if line.startswith("error:")]
    assert len(errors) == 1
    assert f"stopped after {half:,} bytes of {len(archive):,} bytes" in errors[0]
    assert "again to resume" in errors[0] and "--from" in errors[0]
    part = data_dir / f"{imdb_archive.ARCHIVE_NAME}.part"
    assert part.read_bytes() == archive[:half]
    assert not (data_dir / "train.csv.gz").exists()

    assert get(server.url, data_dir) == 0
    assert server.requests == [None, f"bytes={half}-"]
    assert_converted(data_dir)


def test_server_without_ranges_restarts_from_the_beginning(server, data_dir):
    data_dir.mkdir()
    (data_dir / f"{imdb_archive.ARCHIVE_NAME}.part").write_bytes(b"stale bytes of another file")
    server.ranges = False
    assert get(server.url, data_dir) == 0
    assert server.requests == ["bytes=27-"]
    assert_converted(data_dir)


def test_complete_part_file_is_not_downloaded_again(server, archive, data_dir):
    data_dir.mkdir()
    (data_dir / f"{imdb_archive.ARCHIVE_NAME}.part").write_bytes(archive)
    assert get(server.url, data_dir) == 0
    assert server.requests == [f"bytes={len(archive)}-"]  # answered 416: nothing left to send
    assert_converted(data_dir)


def test_archive_put_there_by_hand_is_used_and_can_be_kept(server, archive, data_dir):
    data_dir.mkdir()
    (data_dir / imdb_archive.ARCHIVE_NAME).write_bytes(archive)
    assert get(server.url, data_dir, "--keep-archive") == 0
    assert server.requests == []
    assert read_csv_text(data_dir / "train.csv.gz") == EXPECTED["train"]
    assert (data_dir / imdb_archive.ARCHIVE_NAME).read_bytes() == archive


def test_data_already_present_is_left_alone(server, data_dir, capsys):
    data_dir.mkdir()
    for name in ("train.csv.gz", "test.csv.gz"):
        (data_dir / name).write_bytes(b"mine")
    assert get(server.url, data_dir) == 0
    assert "already in" in capsys.readouterr().out
    assert server.requests == []
    assert (data_dir / "train.csv.gz").read_bytes() == b"mine"
    assert get(server.url, data_dir, "--force") == 0
    assert_converted(data_dir)


def test_an_interrupted_conversion_leaves_no_half_written_dataset(tmp_path, data_dir, monkeypatch):
    built = tmp_path / "mine.tar.gz"
    make_archive(built)
    real_compress, calls = imdb_archive.gzip.compress, []

    def compress_then_fail(data, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise KeyboardInterrupt  # Ctrl-C while the second file is being written
        return real_compress(data, **kwargs)

    monkeypatch.setattr(imdb_archive.gzip, "compress", compress_then_fail)
    with pytest.raises(KeyboardInterrupt):
        imdb_archive.install(imdb_archive.read_archive(built), data_dir)
    assert list(data_dir.iterdir()) == []  # neither file, no temporary left


def test_offline_fails_at_once_with_instructions_and_creates_nothing(data_dir, capsys):
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = f"http://127.0.0.1:{port}/{imdb_archive.ARCHIVE_NAME}"
    assert get(url, data_dir) == 2
    message = capsys.readouterr().err.strip().splitlines()[-1]
    assert message.startswith("error: cannot download")
    for needed in (imdb_archive.HOME_PAGE, str(data_dir / imdb_archive.ARCHIVE_NAME), "--from", "by hand"):
        assert needed in message
    assert not data_dir.exists()


def test_command_line_answers_without_loading_torch(data_dir, tmp_path):
    """`python -m sentiment data ...` is stdlib only: it fails in a blink where there is no network."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    code = ("import runpy, sys\n"
            f"sys.argv = ['sentiment', 'data', 'download', '--url', 'http://127.0.0.1:{port}/x', "
            f"'--dir', {str(data_dir)!r}]\n"
            "try:\n    runpy.run_module('sentiment', run_name='__main__')\n"
            "except SystemExit as e:\n    print('exit', e.code, 'torch' in sys.modules, 'pandas' in sys.modules)\n")
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=60,
                          env={**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")})
    assert done.stdout.strip() == "exit 2 False False", done.stderr
    assert "error: cannot download" in done.stderr


def test_from_an_archive_or_a_folder_you_already_have(tmp_path, data_dir):
    built = tmp_path / "mine.tar.gz"
    make_archive(built)
    assert main(["data", "download", "--from", str(built), "--dir", str(data_dir)]) == 0
    assert_converted(data_dir)
    folder = tmp_path / "unpacked"
    for name, text in REVIEWS + IGNORED[:4]:
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text, encoding="utf-8")
    os.symlink("/etc/passwd", folder / "aclImdb/test/pos/5_8.txt")
    other = tmp_path / "from-folder"
    assert main(["data", "download", "--from", str(folder), "--dir", str(other)]) == 0
    assert_converted(other)
    assert main(["data", "download", "--from", str(folder / "aclImdb"), "--dir", str(other), "--force"]) == 0
    assert_converted(other)


@pytest.mark.parametrize("members, expected", [
    ([("aclImdb/train/pos/0_9.txt", "only train")], "no test reviews found"),
    ([*REVIEWS, ("aclImdb/test/pos/4_11.txt", "eleven")], "rating 11 is not 1-10"),
    ([*REVIEWS, ("aclImdb/test/pos/4_8.txt", "  ")], "empty review file"),
])
def test_archive_that_is_not_the_dataset_gets_a_clear_error(tmp_path, data_dir, capsys, members, expected):
    built = tmp_path / "odd.tar.gz"
    make_archive(built, members, symlink=False)
    assert main(["data", "download", "--from", str(built), "--dir", str(data_dir)]) == 2
    assert expected in capsys.readouterr().err
    assert not (data_dir / "train.csv.gz").exists()


def test_not_an_archive(tmp_path, data_dir, capsys):
    junk = tmp_path / "aclImdb_v1.tar.gz"
    junk.write_bytes(b"<html>not found</html>")
    assert main(["data", "download", "--from", str(junk), "--dir", str(data_dir)]) == 2
    assert "not a readable .tar.gz archive" in capsys.readouterr().err


# --- where the data is looked for: tests/sentiment/test_paths.py; what a missing file says ----------

def test_missing_data_names_the_command_the_variable_and_the_folders(tmp_path, monkeypatch):
    monkeypatch.delenv("IMDB_DATA_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.setattr(paths, "REPO_ROOT", tmp_path / "parent" / "repo")
    with pytest.raises(DataMissingError) as error:
        load_reviews("test")
    message = str(error.value)
    assert isinstance(error.value, DataError)
    for needed in ("test.csv.gz", "python -m sentiment data download", "IMDB_DATA_DIR",
                   str(tmp_path / "xdg" / "imdb-sentiment" / "imdb"), str(tmp_path / "parent" / "shared/data/imdb")):
        assert needed in message
    monkeypatch.setenv("IMDB_DATA_DIR", str(tmp_path / "mine"))
    with pytest.raises(DataMissingError, match="train.csv.gz: no such file.*mine"):
        load_reviews("train")


def test_training_command_without_data_names_the_download(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("IMDB_DATA_DIR", str(tmp_path / "none"))
    assert main(["train", "--data", "official", "--no-progress"]) == 2
    assert "python -m sentiment data download" in capsys.readouterr().err


def test_skips_for_missing_data_fail_the_run_where_the_data_folder_exists(tmp_path):
    """The CI guard: with the data folder there, a test skipped for missing data fails the run."""
    from conftest import MISSING_DATA, data_skip_failure

    assert data_skip_failure([], tmp_path) is None
    assert data_skip_failure(["t"], tmp_path / "none") is None
    assert "exists" in data_skip_failure(["t"], tmp_path)

    (tmp_path / "conftest.py").write_text((REPO / "tests" / "conftest.py").read_text())
    (tmp_path / "test_probe.py").write_text("def test_probe(test_reviews):\n    pass\n")
    empty = tmp_path / "data"
    empty.mkdir()
    env = {**os.environ, "IMDB_DATA_DIR": str(empty), "PYTHONPATH": str(REPO)}
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_probe.py"],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 1, done.stdout[-2000:]
    assert "1 skipped" in done.stdout and f"the data folder {empty} exists" in done.stdout
    assert MISSING_DATA in done.stdout  # the skip's own reason, listed


def test_data_download_help_shows_the_url_default(monkeypatch, capsys):
    monkeypatch.setenv("COLUMNS", "1000")
    with pytest.raises(SystemExit) as exit_:
        download.main(["data", "download", "--help"])
    assert exit_.value.code == 0
    assert f"(default: {imdb_archive.ARCHIVE_URL})" in capsys.readouterr().out


# --- what a server's answer is taken to mean, and what is trusted without a checksum -------------

def fetch_into(server, data_dir, held: bytes | None = None) -> bytes:
    """``http_fetch.fetch`` into a ``.part`` that holds ``held`` first; the bytes it holds after."""
    data_dir.mkdir(exist_ok=True)
    part = data_dir / f"{imdb_archive.ARCHIVE_NAME}.part"
    if held is not None:
        part.write_bytes(held)
    http_fetch.fetch(server.url, part, data_dir, progress=False)
    return part.read_bytes()


@pytest.mark.parametrize("value, expected", [
    ("bytes 100-199/1000", (100, 1000)),
    ("bytes 0-999/1000", (0, 1000)),
    ("  bytes 5-9/*  ", (5, None)),  # the total unknown to the server
    ("bytes */1000", (None, 1000)),  # what a 416 carries
    ("bytes */*", (None, None)),
    ("items 0-9/10", (None, None)),
    ("bytes 5-/10", (None, None)),
    ("", (None, None)),
    (None, (None, None)),
])
def test_content_range_is_read_as_start_and_total(value, expected):
    assert http_fetch._content_range(value) == expected


def test_a_range_answer_is_appended_to_what_the_part_holds(server, archive, data_dir):
    third = len(archive) // 3
    assert fetch_into(server, data_dir, archive[:third]) == archive
    assert server.requests == [f"bytes={third}-"]


def test_a_resumed_transfer_cut_again_resumes_from_where_it_stopped(server, archive, data_dir):
    third = len(archive) // 3
    server.cut_after = third
    with pytest.raises(imdb_archive.DownloadError, match=f"stopped after {third:,} bytes of {len(archive):,} bytes"):
        fetch_into(server, data_dir)
    server.cut_after = third
    # the total of a resumed transfer is the Content-Range's, the bytes so far include the part's
    with pytest.raises(imdb_archive.DownloadError,
                       match=f"stopped after {2 * third:,} bytes of {len(archive):,} bytes"):
        fetch_into(server, data_dir)
    assert fetch_into(server, data_dir) == archive
    assert server.requests == [None, f"bytes={third}-", f"bytes={2 * third}-"]


def test_a_server_that_ignores_the_range_sends_the_whole_file_which_replaces_the_part(server, archive, data_dir):
    half = len(archive) // 2
    server.ranges = False  # 200 and the whole file, whatever the Range asked
    assert fetch_into(server, data_dir, archive[:half]) == archive  # not archive[:half] + archive
    assert server.requests == [f"bytes={half}-"]


@pytest.mark.parametrize("answer_from", [0, 10])
def test_a_range_that_does_not_start_where_we_asked_is_not_appended(server, archive, data_dir, answer_from):
    half = len(archive) // 2
    server.answer_from = answer_from  # a 206 with "bytes 0-..." (or 10-...) to "bytes=HALF-"
    assert fetch_into(server, data_dir, archive[:half]) == archive
    assert server.requests == [f"bytes={half}-", None]  # the part was dropped, the file fetched whole


def test_a_416_for_a_part_longer_than_the_file_starts_over(server, archive, data_dir):
    longer = archive + b"tail of something else"
    assert fetch_into(server, data_dir, longer) == archive
    assert server.requests == [f"bytes={len(longer)}-", None]


def test_a_416_without_the_file_size_starts_over(server, archive, data_dir):
    server.range_416 = False  # nothing says the part is the whole file: it is not trusted to be
    assert fetch_into(server, data_dir, archive) == archive
    assert server.requests == [f"bytes={len(archive)}-", None]


def test_a_416_to_a_request_without_a_range_is_an_error(data_dir, monkeypatch):
    """Nothing was held, so nothing can be complete: no retry, no file taken for the archive."""
    def urlopen(request, timeout):
        assert request.get_header("Range") is None
        raise urllib.error.HTTPError(request.full_url, 416, "Range Not Satisfiable",
                                     email.message.Message(), None)

    monkeypatch.setattr(http_fetch.urllib.request, "urlopen", urlopen)
    with pytest.raises(imdb_archive.DownloadError, match=r"^cannot download http://mirror/x \(HTTP 416 Range Not"):
        http_fetch.fetch("http://mirror/x", data_dir / "x.part", data_dir, progress=False)
    assert not data_dir.exists()


def test_a_part_of_the_right_size_but_other_bytes_fails_its_checksum_and_is_deleted(server, archive, data_dir,
                                                                                   capsys):
    data_dir.mkdir()
    part = data_dir / f"{imdb_archive.ARCHIVE_NAME}.part"
    part.write_bytes(bytes(len(archive)))  # the server's 416 says "complete": only the checksum can tell
    assert get(server.url, data_dir) == 2
    assert server.requests == [f"bytes={len(archive)}-"]
    assert "is corrupt" in capsys.readouterr().err
    assert list(data_dir.iterdir()) == []  # neither kept as the archive nor converted


def test_an_archive_put_there_by_hand_is_checked_before_it_is_used(server, archive, data_dir, capsys):
    data_dir.mkdir()
    wrong = make_archive(data_dir / imdb_archive.ARCHIVE_NAME, REVIEWS[:5] + [("aclImdb/test/pos/3_10.txt", "Meh.")])
    assert get(server.url, data_dir) == 2
    message = capsys.readouterr().err.strip()
    assert message.startswith(f"error: {data_dir / imdb_archive.ARCHIVE_NAME} is not the official "
                              f"{imdb_archive.ARCHIVE_NAME}")
    assert hashlib.sha256(wrong).hexdigest() in message and f"--from {data_dir / imdb_archive.ARCHIVE_NAME}" in message
    assert server.requests == []  # not replaced by a download either: the person decides
    # kept as it was, nothing converted
    assert sorted(p.name for p in data_dir.iterdir()) == [imdb_archive.ARCHIVE_NAME]


def test_converting_a_file_you_have_says_whether_it_is_the_official_archive(tmp_path, data_dir, monkeypatch, capsys):
    built = tmp_path / "mine.tar.gz"
    payload = make_archive(built)
    monkeypatch.setattr(download, "ARCHIVE_SHA256", hashlib.sha256(payload).hexdigest())
    assert main(["data", "download", "--from", str(built), "--dir", str(data_dir)]) == 0
    assert f"{built}: checksum OK" in capsys.readouterr().err
    monkeypatch.setattr(download, "ARCHIVE_SHA256", "0" * 64)
    assert main(["data", "download", "--from", str(built), "--dir", str(data_dir), "--force"]) == 0
    note = (f"{built}: note: not byte-identical to the official {imdb_archive.ARCHIVE_NAME} "
            f"(SHA-256 {hashlib.sha256(payload).hexdigest()}); converting the reviews it holds")
    assert note in capsys.readouterr().err
    assert_converted(data_dir)  # converted anyway: asked for by name, and its reviews are checked one by one


@pytest.mark.parametrize("url, says", [
    ("notaurl", "not an http:// or https:// address"),
    ("C:\\data\\aclImdb_v1.tar.gz", "not an http:// or https:// address"),
    ("http:///aclImdb_v1.tar.gz", "not an http:// or https:// address"),
    ("http://[::1/x", "not a valid address (Invalid IPv6 URL)"),
    ("http://mirror:port/x", "not a valid address (Port could not be cast to integer value as 'port')"),
])
def test_an_address_that_is_not_one_is_one_line_before_any_work(url, says, data_dir, capsys):
    assert get(url, data_dir) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err == f"error: --url {url}: {says}" + captured.err.split(says, 1)[1]
    assert len(captured.err.strip().splitlines()) == 1 and "Traceback" not in captured.err
    assert not data_dir.exists()  # nothing created, nothing asked


def test_an_address_that_is_not_one_from_the_command_line(data_dir, tmp_path):
    """The issue's probe, as typed: ``python -m sentiment data download --url notaurl``."""
    done = subprocess.run([sys.executable, "-m", "sentiment", "data", "download", "--url", "notaurl",
                           "--dir", str(data_dir)], cwd=REPO, capture_output=True, text=True, timeout=60,
                          env={**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")})
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.startswith("error: --url notaurl: not an http:// or https:// address; give the address of")
    assert done.stderr.count("\n") == 1


def test_check_url_takes_the_addresses_urllib_can_fetch():
    for url in (imdb_archive.ARCHIVE_URL, "http://127.0.0.1:8000/a.tar.gz", "HTTPS://Mirror/x", "ftp://m/x",
                "file:///srv/aclImdb_v1.tar.gz"):
        assert http_fetch.check_url(url) == url
