"""Day- and interval-level SLA terms measured (scorecard.workspace.granular_terms): each day or 30-minute
interval against the target, the monthly share meeting it that the credit engine reads, and the worst ones.

Days come from the daily KPIs (a day without a value, e.g. closed, is not counted); intervals from
`interval_service` (intervals with queued calls only, within the term's `hours`, vendor-local).
"""

from __future__ import annotations

import polars as pl

from scorecard.metrics.intervals import interval_service
from scorecard.metrics.kpis import kpis
from scorecard.workspace.contract import Contract, Term

DETAIL_SCHEMA = {
    "term": pl.Int64, "kpi": pl.String, "period": pl.String, "month": pl.String, "at": pl.String,
    "value": pl.Float64, "meets": pl.Boolean, "gap": pl.Float64,
}  # fmt: skip
#: At most this many days or intervals per term in the review's list of the worst.
WORST = 10


def _gap(term: Term, value: float) -> float:
    """How far a value is on the wrong side of the target (0 when it meets it)."""
    if isinstance(term.target, tuple):
        return max(term.target[0] - value, 0.0, value - term.target[1])
    return max(term.target - value, 0.0) if term.direction == "higher" else max(value - term.target, 0.0)


def _days(con, vendor_id: str, term: Term) -> list[tuple[str, str, float]]:
    frame = kpis(con, grain="day", vendors=[vendor_id]).filter(pl.col(term.kpi).is_not_null())
    return [(str(p)[:7], str(p), float(v)) for p, v in frame.select("period", term.kpi).iter_rows()]


def _intervals(con, vendor_id: str, term: Term) -> list[tuple[str, str, float]]:
    variant = term.kpi.removeprefix("service_level").removeprefix("_") or None
    frame = interval_service(con, variant, [vendor_id]).filter(
        pl.col("denominator") > 0, pl.col("service_level").is_not_null()
    )
    frame = frame.with_columns(pl.col("interval_start").dt.strftime("%H:%M").alias("time"))
    if term.hours:
        frame = frame.filter(pl.col("time") >= term.hours[0], pl.col("time") < term.hours[1])
    starts = frame["interval_start"].dt.strftime("%Y-%m-%d %H:%M").to_list()
    return [(s[:7], s, float(v)) for s, v in zip(starts, frame["service_level"], strict=True)]


def term_detail(con, vendor_id: str, contract: Contract) -> pl.DataFrame:
    """Every day or interval of each day/interval term: its value, whether it meets the target, the gap."""
    rows = []
    for i, term in enumerate(contract.terms, start=1):
        if term.min_share is None:
            continue
        found = _days(con, vendor_id, term) if term.period == "day" else _intervals(con, vendor_id, term)
        for month, at, value in found:
            rows.append(
                (i, term.kpi, term.period, month, at, value, bool(term.meets(value)), _gap(term, value))
            )
    return pl.DataFrame(rows, schema=DETAIL_SCHEMA, orient="row")


def monthly_shares(contract: Contract, detail: pl.DataFrame) -> pl.DataFrame:
    """`period` (month) and per day/interval term its `key` column: the share of days/intervals meeting it."""
    frame = pl.DataFrame(schema={"period": pl.String})
    for i, term in enumerate(contract.terms, start=1):
        if term.min_share is None:
            continue
        share = (
            detail.filter(pl.col("term") == i)
            .group_by("month")
            .agg((pl.col("meets").sum() / pl.len()).alias(term.key))
            .rename({"month": "period"})
        )
        frame = frame.join(share, on="period", how="full", coalesce=True)
    return frame.sort("period")


def worst(detail: pl.DataFrame, months: list[str], n: int = WORST) -> pl.DataFrame:
    """The `n` days or intervals furthest from target per term within `months`, worst first."""
    missed = detail.filter(pl.col("month").is_in(months), ~pl.col("meets"))
    ranked = missed.sort(["term", "gap", "at"], descending=[False, True, False])
    return ranked.group_by("term", maintain_order=True).head(n)
