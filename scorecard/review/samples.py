"""Who and what a review's comparisons stand on: the peers whose data cover the quarter (comparable
periods), and the sample sizes behind CSAT, FCR and the QA score with their intervals (Wilson for the
rates, mean ± z·s/√n for the score), so a thin sample is visible."""

from __future__ import annotations

import math
from dataclasses import dataclass
from statistics import NormalDist

import duckdb
import polars as pl

from scorecard.metrics import catalogue
from scorecard.metrics.kpis import coverage_days, daily_components, workspace_vendors
from scorecard.periods import Period
from scorecard.scoring.comparable import assess
from scorecard.scoring.confidence import wilson_interval


@dataclass(frozen=True)
class Peers:
    """The peers a review compares its vendor with, and how many it leaves out."""

    kept: tuple[str, ...]
    left_out: int


def comparable_peers(con: duckdb.DuckDBPyConnection, vendor_id: str, quarter: Period) -> Peers:
    """The other vendors whose data cover at least 80% of the quarter's days (as `scorecard rank`
    ranks them); the others would compare the vendor's quarter with a few days of theirs."""
    others = [v for v in workspace_vendors(con) if v != vendor_id]
    if not others:
        return Peers((), 0)
    days = coverage_days(con, others, quarter.start, quarter.end)
    ranked = assess(quarter, days, others).ranked
    with_data = [v for v in others if v in set(days["vendor_id"].to_list())]
    return Peers(tuple(ranked), len([v for v in with_data if v not in ranked]))


def sample_confidence(
    con: duckdb.DuckDBPyConnection, vendor_id: str, quarter: Period, settings: dict, level: float
) -> pl.DataFrame:
    """Sample sizes and intervals: Wilson for CSAT and FCR, mean ± z·s/√n for the QA score."""
    comps = daily_components(con, vendors=[vendor_id], start=quarter.start, end=quarter.end)
    rows = []
    for kpi_id in ("csat_rate", "fcr_rate"):
        k = catalogue.kpi(kpi_id, settings["sl_variant"], settings["fcr_method"])
        (num,), (den,) = k.numerator, k.denominator
        ok = comps.height > 0 and comps[num].null_count() == 0 and comps[den].null_count() == 0
        hits, n = (float(comps[num].sum()), float(comps[den].sum())) if ok else (None, None)
        low, high = (float(x) for x in wilson_interval(hits, n, level)) if n else (None, None)
        method = "Wilson"
        rows.append((kpi_id, k.label, None if not n else hits / n, hits, n, low, high, k.min_events, method))
    qa = catalogue.kpi("qa_score")
    n, mean, sd = con.execute(
        "select n, mean_score, sd_score from review_qa_sample(?, ?, ?)",
        [vendor_id, quarter.start, quarter.end],
    ).fetchall()[0]
    half = NormalDist().inv_cdf(0.5 + level / 2) * sd / math.sqrt(n) if n > 1 and sd is not None else None
    low, high = (mean - half, mean + half) if half is not None else (None, None)
    rows.append(("qa_score", qa.label, mean, None, float(n), low, high, qa.min_events, "mean ± z·s/√n"))
    cols = ["kpi", "label", "value", "successes", "n", "low", "high", "min_events", "method"]
    frame = pl.DataFrame(rows, schema=cols, orient="row", infer_schema_length=None)
    return frame.with_columns(
        pl.col("value", "successes", "n", "low", "high", "min_events").cast(pl.Float64),
        (pl.col("n") < pl.col("min_events")).alias("few_events"),
        pl.lit(level).alias("level"),
    )
