"""The app under load: errors, latency and the server's memory, with many clients at once.

Starts ``python app.py`` from the repository (no dataset needed), then
``--clients`` threads, each with its own ``gradio_client.Client``, send
``--requests`` requests each, mixed ``--explain-share`` explanations
(``/explain``, integrated gradients, automatic steps) and the rest
classifications (``/classify``), on real reviews from the shipped study file,
drawn with a seed. The server's resident memory (RSS, its process and
children) is sampled every 0.1 s: idle after start-up and one warm-up request
of each kind, peak during the burst, and again after ``--rest`` seconds of
quiet. Two bursts, so "returns near its idle size between bursts" is seen.
Not a test: it prints figures.

    python -m benchmarks.app_load [--clients 20 --requests 10 --explain-share 0.3 --bursts 2]

``--scenario lesson`` is a class: ``--students`` clients (50) connect, then all at once step through the
lesson (``/lesson``, steps 1 to 6 in order, on the default checkpoint), as students following a lecturer;
it prints each step's latency (p50, p95, max), the errors and the peak RSS. The app computes the lesson
before it accepts visitors (``webapp/warm_up.py``), so this measures serving, not computing.

    python -m benchmarks.app_load --scenario lesson [--students 50 --bursts 1]

``--scenario csv`` sends instead, all at once, ``--csv-jobs`` CSV uploads of
``--csv-rows`` long reviews each (study reviews over 1,500 characters, all cut
in the middle at 256 tokens) and ``--long-explains`` explanations of a
``--long-chars``-character review: the burst that bounds the CSV jobs that run
at once (``app.CSV_CONCURRENCY``).

    python -m benchmarks.app_load --scenario csv [--csv-jobs 4 --csv-rows 500 --long-explains 2]
"""
from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import threading
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
REPO = Path(__file__).resolve().parent.parent

import psutil  # noqa: E402
from gradio_client import Client  # noqa: E402

from sentiment.arguments import DefaultsHelpFormatter, number_in, positive_int  # noqa: E402
from sentiment.paths import LARGE_CHECKPOINT  # noqa: E402
from sentiment.study import load_study_reviews  # noqa: E402
from webapp.lesson_tab import n_steps  # noqa: E402
from webapp.local_server import start_app, stop_app  # noqa: E402

CHECKPOINT = LARGE_CHECKPOINT


class MemorySampler:
    """Peak RSS of a process and its children, sampled in a thread."""

    def __init__(self, pid: int, every_s: float = 0.1):
        self.process, self.every_s = psutil.Process(pid), every_s
        self.peak, self._stop = 0, threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def rss(self) -> int:
        total = 0
        for p in [self.process, *self.process.children(recursive=True)]:
            try:
                total += p.memory_info().rss
            except psutil.NoSuchProcess:
                pass
        return total

    def _run(self):
        while not self._stop.is_set():
            self.peak = max(self.peak, self.rss())
            time.sleep(self.every_s)

    def __enter__(self):
        self.peak = self.rss()
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()


def one_client(url: str, jobs: list[tuple[str, str]]) -> list[tuple[str, float, str | None]]:
    """``(kind, seconds, error or None)`` per job, sent one after another by one client."""
    client, results = Client(url, verbose=False), []
    for kind, text in jobs:
        started = time.perf_counter()
        try:
            if kind == "explain":
                client.predict(CHECKPOINT, text, "ig", 0, False, api_name="/explain")
            else:
                client.predict(CHECKPOINT, text, api_name="/classify")
            error = None
        except Exception as e:  # noqa: BLE001 (a benchmark counts every failure, whatever it is)
            error = f"{type(e).__name__}: {str(e)[:200]}"
        results.append((kind, time.perf_counter() - started, error))
    client.close()
    return results


def burst(url: str, texts: list[str], clients: int, requests: int, explain_share: float,
          rng: random.Random) -> list[tuple[str, float, str | None]]:
    n_explain = round(requests * explain_share)
    plans = []
    for _ in range(clients):
        kinds = ["explain"] * n_explain + ["classify"] * (requests - n_explain)
        rng.shuffle(kinds)
        plans.append([(kind, rng.choice(texts)) for kind in kinds])
    with ThreadPoolExecutor(clients) as pool:
        return [r for results in pool.map(lambda plan: one_client(url, plan), plans) for r in results]


def call_endpoint(url: str, api_name: str, data: list, session_hash: str, timeout_s: float = 120) -> list:
    """One request through Gradio's plain HTTP API (``POST /gradio_api/call/NAME``, then its result as
    server-sent events), in ``session_hash``'s session: what a browser tab costs the server, without
    ``gradio_client``'s own work (about 0.08 s of CPU a request here, which on the same two cores would
    be timed as the server's)."""
    body = json.dumps({"data": data, "session_hash": session_hash}).encode()
    post = urllib.request.Request(f"{url}gradio_api/call/{api_name}", body, {"Content-Type": "application/json"})
    with urllib.request.urlopen(post, timeout=timeout_s) as response:
        event_id = json.load(response)["event_id"]
    with urllib.request.urlopen(f"{url}gradio_api/call/{api_name}/{event_id}", timeout=timeout_s) as stream:
        event = None
        for line in stream:
            line = line.decode().rstrip("\n")
            if line.startswith("event: "):
                event = line[len("event: "):]
            elif line.startswith("data: ") and event in ("complete", "error"):
                if event == "error":
                    raise RuntimeError(f"/{api_name} answered an error: {line[len('data: '):][:200]}")
                return json.loads(line[len("data: "):])
    raise RuntimeError(f"/{api_name} ended without a result")


def lesson_class(url: str, students: int, steps: int, reading_s: float) -> list[tuple[str, float, str | None]]:
    """A class following a lecturer: ``students`` open the lesson at once (step 1, each in a session of
    its own, which the server sets up on its first request), then, ``reading_s`` seconds after everyone
    has a step, all ask for the next one at once, up to step ``steps``. ``("lesson open" or "lesson step",
    seconds, error or None)`` per request."""
    together = threading.Barrier(students)

    def student(number: int) -> list[tuple[str, float, str | None]]:
        session, results = f"student-{number}-{random.getrandbits(32):08x}", []
        for step in range(1, steps + 1):
            together.wait()  # the lecturer says "next": everyone clicks at once
            started = time.perf_counter()
            try:
                outputs = call_endpoint(url, "lesson", [CHECKPOINT, step], session)
                error = None if str(outputs[0]).startswith(f"### Step {step} of") else f"wrong step: {outputs[0]!r}"
            except Exception as e:  # noqa: BLE001 (a benchmark counts every failure, whatever it is)
                error = f"{type(e).__name__}: {str(e)[:200]}"
            results.append(("lesson open" if step == 1 else "lesson step", time.perf_counter() - started, error))
            together.wait()  # the slowest student has it too: the class reads
            time.sleep(reading_s)
        return results

    with ThreadPoolExecutor(students) as pool:
        return [r for results in pool.map(student, range(students)) for r in results]


LONG_REVIEW_CHARS = 1_500  # about 350 word pieces: past the 256 tokens the checkpoints read


def csv_burst(url: str, texts: list[str], folder: Path, csv_jobs: int, rows: int, long_explains: int,
              long_chars: int, rng: random.Random) -> list[tuple[str, float, str | None]]:
    """``csv_jobs`` CSV uploads and ``long_explains`` explanations of a ``long_chars``-character review, all sent
    at once, each by its own client; ``(kind, seconds, error or None)`` per request."""
    import pandas as pd
    from gradio_client import handle_file

    long_texts = [t for t in texts if len(t) > LONG_REVIEW_CHARS]
    jobs = []
    for i in range(csv_jobs):
        path = folder / f"long-{i}.csv"
        pd.DataFrame({"review": rng.choices(long_texts, k=rows)}).to_csv(path, index=False)
        jobs.append(("classify_csv", str(path)))
    for _ in range(long_explains):
        jobs.append(("explain", " ".join(rng.sample(texts, 200))[:long_chars]))

    def send(job):
        kind, payload = job
        client, started = Client(url, verbose=False), time.perf_counter()
        try:
            if kind == "explain":
                client.predict(CHECKPOINT, payload, "ig", 0, False, api_name="/explain")
            else:
                client.predict(CHECKPOINT, handle_file(payload), api_name="/classify_csv")
            error = None
        except Exception as e:  # noqa: BLE001 (a benchmark counts every failure, whatever it is)
            error = f"{type(e).__name__}: {str(e)[:200]}"
        client.close()
        return kind, time.perf_counter() - started, error

    with ThreadPoolExecutor(len(jobs)) as pool:
        return list(pool.map(send, jobs))


def percentile(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1] if len(values) > 1 else values[0]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0],
                                     formatter_class=DefaultsHelpFormatter)
    parser.add_argument("--clients", type=positive_int, default=20, help="concurrent clients")
    parser.add_argument("--requests", type=positive_int, default=10, help="requests per client per burst")
    parser.add_argument("--explain-share", type=number_in(float, 0.0, 1.0), default=0.3,
                        help="share of the requests that are explanations (the rest classify)")
    parser.add_argument("--bursts", type=positive_int, default=2)
    parser.add_argument("--rest", type=number_in(float, 0.0), default=15.0, help="seconds of quiet after a burst")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--scenario", choices=("mixed", "lesson", "csv"), default="mixed",
                        help="mixed: classifications and explanations by --clients; lesson: --students stepping "
                             "through the lesson at once; csv: the CSV burst below")
    parser.add_argument("--students", type=positive_int, default=50, help="lesson: clients stepping at once")
    parser.add_argument("--reading", type=number_in(float, 0.0), default=2.0,
                        help="lesson: seconds between one step answered to all and the next asked for")
    parser.add_argument("--csv-jobs", type=positive_int, default=4, help="csv: CSV uploads sent at once")
    parser.add_argument("--csv-rows", type=positive_int, default=500, help="csv: long reviews per CSV")
    parser.add_argument("--long-explains", type=number_in(int, 0), default=2,
                        help="csv: explanations of a long review sent with them")
    parser.add_argument("--long-chars", type=positive_int, default=99_000, help="csv: that review's length")
    args = parser.parse_args(argv)

    rng = random.Random(args.seed)
    texts = load_study_reviews()["review"].tolist()
    env = {**os.environ, "GRADIO_ANALYTICS_ENABLED": "False", "OMP_NUM_THREADS": str(os.cpu_count() or 2)}
    log = Path(tempfile.mkdtemp(prefix="app-load-")) / "app.log"
    starting = time.perf_counter()
    process, url = start_app(REPO, env, log)
    print(f"the app answered {time.perf_counter() - starting:.0f} s after it was started (it prepares before it "
          f"listens: webapp/warm_up.py)", flush=True)
    try:
        sampler = MemorySampler(process.pid)
        # warm up: every model the requests use is loaded before "idle" is read
        one_client(url, [("classify", texts[0]), ("explain", texts[1])])
        idle = sampler.rss()
        shape = {"csv": f"{args.csv_jobs} CSVs of {args.csv_rows} long reviews + {args.long_explains} explanations "
                        f"of {args.long_chars:,} characters at once",
                 "lesson": f"{args.students} students stepping through the lesson's {n_steps()} steps at once",
                 "mixed": f"{args.clients} clients x {args.requests} requests ({args.explain_share:.0%} "
                          f"explanations)"}[args.scenario]
        print(f"{url}: {shape} a burst, {args.bursts} bursts; {os.cpu_count()} CPUs; "
              f"idle RSS {idle / 2**30:.2f} GiB", flush=True)
        results = []
        for b in range(1, args.bursts + 1):
            with MemorySampler(process.pid) as during:
                started = time.perf_counter()
                if args.scenario == "csv":
                    done = csv_burst(url, texts, log.parent, args.csv_jobs, args.csv_rows, args.long_explains,
                                     args.long_chars, rng)
                elif args.scenario == "lesson":
                    done = lesson_class(url, args.students, n_steps(), args.reading)
                else:
                    done = burst(url, texts, args.clients, args.requests, args.explain_share, rng)
                took = time.perf_counter() - started
            time.sleep(args.rest)
            after = sampler.rss()
            errors = [r for r in done if r[2]]
            print(f"burst {b}: {len(done)} requests in {took:.0f} s, {len(errors)} errors; "
                  f"peak RSS {during.peak / 2**30:.2f} GiB, {after / 2**30:.2f} GiB after {args.rest:g} s of quiet",
                  flush=True)
            for kind, _, error in errors[:5]:
                print(f"  {kind}: {error}")
            results += done
        print(f"\n{'request':<12} {'n':>5} {'errors':>7} {'p50 s':>7} {'p95 s':>7} {'max s':>7}")
        for kind in ("classify", "classify_csv", "explain", "lesson open", "lesson step"):
            times = [t for k, t, e in results if k == kind and not e]
            n_errors = sum(1 for k, _, e in results if k == kind and e)
            if times:
                print(f"{kind:<12} {len(times) + n_errors:>5} {n_errors:>7} {percentile(times, 50):>7.2f} "
                      f"{percentile(times, 95):>7.2f} {max(times):>7.2f}")
    finally:
        stop_app(process)
    return 0


if __name__ == "__main__":
    sys.exit(main())
