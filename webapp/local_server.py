"""Start ``python app.py`` in a subprocess and wait until it answers: for the tests and the load benchmark."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path


class AppDidNotStart(RuntimeError):
    """The app exited or did not answer in time; the message ends with its log."""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_app(folder: str | os.PathLike, env: dict[str, str], log_path: str | os.PathLike,
              timeout_s: float = 180) -> tuple[subprocess.Popen, str]:
    """``(process, url)`` of ``python app.py`` run in ``folder`` on a free port.

    Args:
        env: the whole environment of the app (``GRADIO_SERVER_PORT`` is set here).
        log_path: where its stdout and stderr go.
    """
    port = free_port()
    log = Path(log_path).open("w")
    process = subprocess.Popen([sys.executable, "app.py"], cwd=folder, env={**env, "GRADIO_SERVER_PORT": str(port)},
                               stdout=log, stderr=subprocess.STDOUT)
    log.close()  # the child keeps its own handle
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            urllib.request.urlopen(url, timeout=2)
            return process, url
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                raise AppDidNotStart(f"the app did not start:\n{Path(log_path).read_text()[-3000:]}") from None
            time.sleep(1)


def stop_app(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
