"""Scoring speed: 20 vendors × 20 KPIs, 2,000 weight-perturbation draws, 500 bootstrap draws, 91 days.

Usage: `uv run python benchmarks/bench_scoring.py [--json OUT] [--repeat N]`. Synthetic daily components
(seeded), KPI frame from the catalogue formulas, then the ranking, weight ranges, rank probabilities,
leave-one-out, bootstrap and Wilson intervals, timed separately (best of N runs) and in total.
"""

from __future__ import annotations

import argparse
import json
import platform
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import polars as pl

from scorecard.metrics import catalogue
from scorecard.scoring import confidence, sensitivity
from scorecard.scoring.points import ranking
from scorecard.scoring.presets import parse_preset

VENDORS, DAYS = 20, 91
#: The first 19 headline KPIs of the catalogue (variants left out) plus one service-level variant: 20
#: KPIs, however many the catalogue grows to, so figures stay comparable over time.
KPI_IDS = (
    *catalogue.HEADLINE_COLUMNS[:19],
    "service_level_answered_only",
)


def synthetic_components(seed: int = 7) -> pl.DataFrame:
    """Daily components for VENDORS vendors over DAYS local dates (plausible contact-center volumes)."""
    rng = np.random.default_rng(seed)
    n = VENDORS * DAYS
    answered = rng.poisson(900, n).astype(float)
    abandoned = rng.poisson(60, n).astype(float)
    short = np.minimum(abandoned, rng.poisson(10, n))
    self_service = rng.poisson(100, n).astype(float)
    blocked = rng.poisson(15, n).astype(float)
    queued = answered + abandoned
    cols = {
        "vendor_id": np.repeat([f"v{i:02d}" for i in range(VENDORS)], DAYS),
        "local_date": [date(2026, 4, 1) + timedelta(days=d) for d in range(DAYS)] * VENDORS,
        "attempts": queued + self_service + blocked,
        "offered": queued + self_service,
        "queued": queued,
        "answered": answered,
        "abandoned": abandoned,
        "short_abandoned": short,
        "blocked": blocked,
        "self_service": self_service,
        "handled": answered + self_service,
        "answered_in_sl": np.floor(answered * rng.uniform(0.6, 0.95, n)),
        "abandoned_in_sl": np.floor(abandoned * 0.3),
        "answered_wait_s": answered * rng.uniform(10, 60, n),
        "long_abandon_wait_s": (abandoned - short) * rng.uniform(20, 90, n),
        "talk_s": answered * rng.uniform(250, 380, n),
        "hold_s": answered * rng.uniform(20, 80, n),
        "acw_s": answered * rng.uniform(25, 70, n),
        "transferred": np.floor(answered * rng.uniform(0.01, 0.06, n)),
        "sales": np.floor(answered * rng.uniform(0.02, 0.2, n)),
        "revenue_base": answered * rng.uniform(1, 12, n),
        "fcr_survey_n": rng.poisson(8, n).astype(float),
        "csat_n": rng.poisson(8, n).astype(float),
        "qa_n": rng.poisson(3, n).astype(float),
        "scheduled_s": rng.uniform(3e5, 4e5, n),
        "agent_days_scheduled": rng.poisson(40, n).astype(float),
        "cost_base": answered * rng.uniform(3, 6, n),
    }
    cols["fcr_survey_resolved"] = np.floor(cols["fcr_survey_n"] * rng.uniform(0.6, 0.95, n))
    cols["csat_satisfied"] = np.floor(cols["csat_n"] * rng.uniform(0.6, 0.95, n))
    cols["qa_score_sum"] = cols["qa_n"] * rng.uniform(70, 95, n)
    cols["agent_handle_s"] = cols["scheduled_s"] * rng.uniform(0.6, 0.9, n)
    cols["agent_available_s"] = cols["scheduled_s"] * rng.uniform(0.05, 0.2, n)
    cols["in_adherence_s"] = cols["scheduled_s"] * rng.uniform(0.8, 0.97, n)
    cols["agent_days_present"] = np.floor(cols["agent_days_scheduled"] * rng.uniform(0.85, 1.0, n))
    for c in catalogue.COMPONENT_COLUMNS:
        cols.setdefault(c, np.zeros(n))
    return pl.DataFrame(cols).select("vendor_id", "local_date", *catalogue.COMPONENT_COLUMNS)


def kpi_frame(components: pl.DataFrame, period: str = "2026-Q2") -> pl.DataFrame:
    """One row per vendor with each KPI = Σ numerator / Σ denominator (the catalogue formulas)."""
    sums = components.group_by("vendor_id").agg(pl.col(catalogue.COMPONENT_COLUMNS).sum())
    exprs = []
    for kpi_id in KPI_IDS:
        k = catalogue.kpi(kpi_id)
        num = pl.sum_horizontal(pl.col(c) * w for c, w in k.numerator.items())
        den = pl.sum_horizontal(pl.col(c) * w for c, w in k.denominator.items())
        exprs.append((num / den).alias(kpi_id))
    return sums.select("vendor_id", pl.lit(period).alias("period"), *exprs).sort("vendor_id")


def bench_preset() -> dict[str, object]:
    """A 20-KPI preset: catalogue bounds where they exist, explicit ones otherwise."""
    rng = np.random.default_rng(3)
    kpis: dict[str, dict[str, object]] = {k: {"weight": int(rng.integers(1, 10))} for k in KPI_IDS}
    kpis["cost_per_call"]["method"] = "lowest_bid"
    kpis["revenue_per_call"].update(target=10.0, floor=0.0)
    kpis["conversion_rate"].update(target=0.15, floor=0.02)
    return {"name": "bench", "method": "fixed", "missing": "reweight", "kpis": kpis}


def _best(func: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    """Run the benchmark, print the timings, optionally write them as JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", type=Path, help="write the timings to this JSON file")
    parser.add_argument("--repeat", type=int, default=5, help="runs per step; the best is kept")
    args = parser.parse_args()
    components = synthetic_components()
    frame = kpi_frame(components)
    results: dict[str, object] = {
        "vendors": VENDORS,
        "kpis": len(KPI_IDS),
        "days": DAYS,
        "perturbation_draws": sensitivity.DEFAULT_DRAWS,
        "bootstrap_draws": confidence.DEFAULT_DRAWS,
        "python": platform.python_version(),
        "numpy": np.__version__,
        "polars": pl.__version__,
        "machine": platform.machine(),
    }
    timings: dict[str, float] = {}
    for method in ("fixed", "relative"):
        preset = parse_preset({**bench_preset(), "method": method}, "bench.toml")
        result = ranking(frame, preset)
        steps: dict[str, Callable[[], object]] = {
            "rank": lambda p=preset: ranking(frame, p),
            "weight_ranges": lambda r=result: sensitivity.weight_ranges(r),
            "rank_probabilities": lambda r=result: sensitivity.rank_probabilities(r),
            "leave_one_out": lambda r=result: sensitivity.leave_one_out(r),
            "bootstrap": lambda r=result: confidence.bootstrap(r, components),
            "wilson": lambda r=result: confidence.wilson(r, components),
            "total": lambda p=preset: sensitivity.stability(ranking(frame, p), components),
        }
        for name, func in steps.items():
            timings[f"{method}.{name}"] = _best(func, args.repeat)
    results["seconds"] = timings
    width = max(map(len, timings))
    for name, seconds in timings.items():
        print(f"{name:<{width}}  {seconds * 1000:8.1f} ms")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
        print(f"wrote {args.json}")


if __name__ == "__main__":
    main()
