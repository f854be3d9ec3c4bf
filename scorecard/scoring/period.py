"""A ranking read from a database: the workspace's scoring settings, a period's KPIs and coverage days
ranked under a preset (`rank_period`), and the daily components the bootstrap resamples."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import duckdb
import polars as pl

from scorecard.errors import ScorecardError
from scorecard.scoring.comparable import assess
from scorecard.scoring.points import Ranking, ranking
from scorecard.scoring.presets import Preset


def scoring_settings(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """The workspace's `sl_variant`, `fcr_method` and default `preset` from the `settings` table."""
    row = con.execute("select sl_variant, fcr_method, preset from settings limit 1").fetchone()
    if row is None:
        return {"sl_variant": "negative", "fcr_method": "survey", "preset": "quarterly_review"}
    return dict(zip(("sl_variant", "fcr_method", "preset"), row, strict=True))


def rank_period(
    con: duckdb.DuckDBPyConnection,
    period: str,
    preset: Preset,
    *,
    method: str | None = None,
    vendors: Sequence[str] | None = None,
    include_partial: bool = False,
    adjust: Callable[[pl.DataFrame], pl.DataFrame] | None = None,
) -> Ranking:
    """Rank the vendors of a database for a period label (`2026-Q2`, `2026-04`, `all`, ...).

    Every vendor asked (default: all) is listed; those without data in the period, or with too little of
    it (unless `include_partial`), are not ranked (`Ranking.comparability` says which and why). `adjust`
    may replace KPI values before scoring (bids priced on a scenario, scorecard.scoring.bids).
    """
    from scorecard.metrics import kpis as kpi_views

    p = kpi_views.parse_period(period)
    settings = scoring_settings(con)
    known = kpi_views.workspace_vendors(con)
    unknown = sorted(set(vendors or []) - set(known))
    if unknown:
        raise ScorecardError(
            f"Unknown vendor(s) {', '.join(unknown)}; vendors in the database: {', '.join(known) or '(none)'}"
        )
    wanted = list(dict.fromkeys(vendors)) if vendors else known
    days = kpi_views.coverage_days(con, wanted, p.start, p.end)
    comparable = assess(p, days, wanted, include_partial=include_partial)
    costs = comparable.kpi_days(p)  # cost over the compared days only, not days no call data reach
    frame = kpi_views.kpis(con, grain=p.grain, vendors=wanted, start=p.start, end=p.end, costs_within=costs)
    if frame["period"].n_unique() > 1:
        frame = frame.filter(pl.col("period").cast(pl.String) == p.label)
    frame = adjust(frame) if adjust is not None else frame
    return ranking(
        frame,
        preset,
        method=method,
        sl_variant=settings["sl_variant"],
        fcr_method=settings["fcr_method"],
        comparability=comparable,
    )


def period_components(con: duckdb.DuckDBPyConnection, result: Ranking) -> pl.DataFrame:
    """The daily components of a ranking's vendors over its period, cost over its compared days (input
    to the bootstrap)."""
    from scorecard.metrics import kpis as kpi_views

    p = kpi_views.parse_period(result.period or "all")
    costs = result.comparability.kpi_days(p) if result.comparability is not None else None
    return kpi_views.daily_components(con, list(result.vendors), p.start, p.end, costs_within=costs)
