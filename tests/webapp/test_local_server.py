"""Starting ``python app.py`` and waiting for it (webapp/local_server.py), with stand-in apps."""
import os
import socket
import urllib.request

import pytest

from webapp.local_server import CHECKOUT, AppDidNotStart, free_port, start_app, stop_app

SERVING_APP = """import http.server, os
class Hello(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200); self.end_headers(); self.wfile.write(b"hello")
    def log_message(self, *args):
        pass
http.server.HTTPServer(("127.0.0.1", int(os.environ["GRADIO_SERVER_PORT"])), Hello).serve_forever()
"""


def test_free_port_can_be_bound():
    port = free_port()
    with socket.socket() as s:
        s.bind(("127.0.0.1", port))


def test_an_app_that_answers_is_started_and_stopped(tmp_path):
    (tmp_path / "app.py").write_text(SERVING_APP)
    process, url = start_app(tmp_path, dict(os.environ), tmp_path / "app.log", timeout_s=60)
    try:
        assert url.startswith("http://127.0.0.1:") and url.endswith("/")
        assert urllib.request.urlopen(url, timeout=5).read() == b"hello"
        assert process.poll() is None
    finally:
        stop_app(process)
    assert process.returncode is not None


def test_an_app_that_exits_is_reported_with_its_log(tmp_path):
    (tmp_path / "app.py").write_text("import sys\nprint('no checkpoint here')\nsys.exit(3)\n")
    with pytest.raises(AppDidNotStart) as error:
        start_app(tmp_path, dict(os.environ), tmp_path / "app.log", timeout_s=60)
    assert str(error.value) == "the app did not start:\nno checkpoint here\n"


# The editable install (-e .) would find each in the checkout: `sentiment` through its meta path finder,
# `webapp` (a namespace package) through its path hook; PYTHONPATH any of them.
@pytest.mark.parametrize("package, pythonpath", [("sentiment", False), ("webapp", False), ("sentiment", True)])
def test_an_app_elsewhere_cannot_import_from_the_checkout(tmp_path, package, pythonpath):
    (tmp_path / "app.py").write_text(f"import {package}\nprint('imported', {package}.__path__)\n")
    env = {**os.environ, **({"PYTHONPATH": str(CHECKOUT)} if pythonpath else {})}
    with pytest.raises(AppDidNotStart) as error:
        start_app(tmp_path, env, tmp_path / "app.log", timeout_s=60)
    assert str(error.value).endswith(f"ModuleNotFoundError: No module named '{package}'\n")


def test_an_app_imports_its_own_packages_and_the_installed_ones(tmp_path):
    (tmp_path / "webapp").mkdir()
    (tmp_path / "webapp" / "__init__.py").write_text("")
    (tmp_path / "app.py").write_text("import sys, pandas, webapp\nprint(webapp.__file__, sys.argv, __name__)\n"
                                     "sys.exit(3)\n")
    with pytest.raises(AppDidNotStart) as error:
        start_app(tmp_path, dict(os.environ), tmp_path / "app.log", timeout_s=60)
    assert str(error.value) == (f"the app did not start:\n{tmp_path / 'webapp' / '__init__.py'} ['app.py'] "
                                f"__main__\n")
