"""The app stage: the Ranking page's rerun after a weight change, driven by Streamlit's AppTest.

The app takes its paths from SCORECARD_WORKSPACE / SCORECARD_DB (see app.py). The first run (database
check, KPIs, ranking) is timed separately; then each timed rerun sets one weight on the Ranking page to
a value it has not had before, so that no rerun can be served from the app's caches.
"""

from __future__ import annotations

import os
import statistics
import time
from typing import Any

WEIGHT_PREFIX = "_w_w_"


def app_rerun(app_file: str, workspace: str, db: str, repeat: int = 5) -> dict[str, Any]:
    """Seconds of the first run and of each rerun after a weight change (best of `repeat`)."""
    from streamlit.testing.v1 import AppTest

    os.environ["SCORECARD_DB"] = db
    os.environ["SCORECARD_WORKSPACE"] = workspace
    at = AppTest.from_file(app_file, default_timeout=900)
    start = time.perf_counter()
    at.run()
    first = time.perf_counter() - start
    _raise_on_exception(at)
    weights = [w for w in at.number_input if str(w.key).startswith(WEIGHT_PREFIX)]
    if not weights:
        raise RuntimeError("no weight inputs (keys starting with '_w_w_') on the Ranking page")
    key, base = weights[0].key, float(weights[0].value)
    times = []
    for i in range(repeat):
        at.number_input(key=key).set_value(base + 1.0 + i)  # a new value each time: no cached result
        start = time.perf_counter()
        at.run()
        times.append(time.perf_counter() - start)
        _raise_on_exception(at)
    return {"available": True, "seconds": min(times), "median_seconds": statistics.median(times),
            "runs": times, "first_run_seconds": first,
            "weight": key.removeprefix(WEIGHT_PREFIX)}  # fmt: skip


def _raise_on_exception(at: Any) -> None:
    """Fail the stage when the app showed an exception or an error box."""
    if at.exception:
        raise RuntimeError(f"app raised: {at.exception[0].message}")
    if at.error:
        raise RuntimeError(f"app showed an error: {at.error[0].value}")
