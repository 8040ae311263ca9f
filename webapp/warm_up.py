"""What a class would otherwise wait for, done before the app accepts visitors.

Left to first use, the first request after start waited 5-22 s while models loaded, and fifty students
opening the lesson at the same minute would each have queued for its explanations. ``prepare`` loads
every checkpoint's classifier and explainer, computes every lesson step for the default checkpoint, and
fills the Mistakes tab's table (its tags come from the large checkpoint's tokenizer): all of it kept in
the shared caches (``webapp.shared_cache``) that every visitor then reads.
"""
from __future__ import annotations

import os
import time

from sentiment.errors import UserError

from . import lesson_tab, mistakes_tab
from .checkpoints import checkpoint_names, explainer, predictor

# Set to 0 to start at once and load on first use instead (development, tests of start-up itself).
ENVIRONMENT_SWITCH = "APP_WARM_UP"


def wanted() -> bool:
    """Whether the app prepares before it listens: yes unless ``APP_WARM_UP=0``."""
    return os.environ.get(ENVIRONMENT_SWITCH, "1").strip() != "0"


def prepare(log=print) -> None:
    """Load the models and compute the lesson and the mistakes table, saying how long each took.

    ``log``: takes one line of text per stage. A stage that cannot be prepared (a checkpoint without its
    robustness report, a bare clone without the study file) is left to first use, where its tab says
    what is missing; the app still starts.
    """
    names = checkpoint_names()
    stages = [*((f"models of {name}", lambda name=name: (predictor(name), explainer(name))) for name in names)]
    if names:
        stages.append((f"the lesson's {lesson_tab.n_steps()} steps on {names[0]}",
                       lambda: lesson_tab.prepare(names[0])))
    stages.append(("the mistakes table", mistakes_tab.study_table))
    for what, stage in stages:
        started = time.perf_counter()
        try:
            stage()
        except UserError as error:
            log(f"warm-up: {what} left to first use: {error}")
            continue
        log(f"warm-up: {what} ready in {time.perf_counter() - started:.1f} s")
