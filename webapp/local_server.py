"""Start ``python app.py`` in a subprocess and wait until it answers: for the tests and the load benchmark.

The app runs from its folder alone, as on a Space: the checkout it was staged
from cannot be imported. ``requirements-dev.txt`` installs the checkout
editable (``-e .``), which puts setuptools' finder on ``sys.meta_path`` in
every interpreter of the virtual environment; that finder would find any
package left out of a staged folder in the checkout, so a Space missing a
file would still start here. :data:`LAUNCHER` takes the finder out first.
"""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path


# The checkout this module belongs to: a folder the app must not import from when it runs elsewhere.
CHECKOUT = Path(__file__).resolve().parent.parent

# ``python app.py`` in the current folder, minus every way into the folders given as arguments: setuptools'
# editable finder (a meta path finder, a path hook and its placeholder entry, all from a module named
# ``__editable__...``) and sys.path entries (PYTHONPATH, a .pth) that are those folders.
LAUNCHER = """
import runpy, sys
from pathlib import Path
hidden = {Path(p).resolve() for p in sys.argv[1:]}
editable = lambda o: getattr(o, "__module__", None) and o.__module__.startswith("__editable__")
sys.meta_path[:] = [f for f in sys.meta_path if not editable(f)]
sys.path_hooks[:] = [h for h in sys.path_hooks if not editable(h)]
sys.path[:] = [p for p in sys.path if "__editable__" not in p and (not p or Path(p).resolve() not in hidden)]
sys.path_importer_cache.clear()
sys.argv = ["app.py"]
runpy.run_path("app.py", run_name="__main__")
"""


class AppDidNotStart(RuntimeError):
    """The app exited or did not answer in time; the message ends with its log."""


def free_port() -> int:
    """A TCP port on 127.0.0.1 that no process listens on now (the system picks it)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def space_environment(home: str | os.PathLike) -> dict[str, str]:
    """This process's environment as a Space would give it to the app: ``home`` (an empty folder) as its home
    and cache, no IMDB data there, no Hub, no PYTHONPATH, no ``SENTIMENT_MODEL``."""
    home = Path(home)
    env = {**os.environ, "IMDB_DATA_DIR": str(home / "imdb"), "XDG_CACHE_HOME": str(home / "cache"),
           "HOME": str(home), "HF_HUB_OFFLINE": "1", "GRADIO_ANALYTICS_ENABLED": "False", "OMP_NUM_THREADS": "2"}
    for name in ("SENTIMENT_MODEL", "PYTHONPATH"):
        env.pop(name, None)
    return env


def start_app(folder: str | os.PathLike, env: dict[str, str], log_path: str | os.PathLike,
              timeout_s: float = 180) -> tuple[subprocess.Popen, str]:
    """``(process, url)`` of ``python app.py`` run in ``folder`` on a free port, importing only from
    ``folder`` and the installed packages (:data:`LAUNCHER`): never from this checkout unless ``folder`` is it.

    Args:
        env: the whole environment of the app (``GRADIO_SERVER_PORT`` is set here).
        log_path: where its stdout and stderr go.
    """
    port = free_port()
    hidden = [] if Path(folder).resolve() == CHECKOUT else [str(CHECKOUT)]
    log = Path(log_path).open("w")
    process = subprocess.Popen([sys.executable, "-c", LAUNCHER, *hidden], cwd=folder,
                               env={**env, "GRADIO_SERVER_PORT": str(port)}, stdout=log, stderr=subprocess.STDOUT)
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
    """Stop the app started by ``start_app``: asked to end, then killed after 30 s if it has not."""
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
