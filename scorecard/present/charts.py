"""Altair chart builders for the app and reports: colour-blind-safe, tooltips carry the KPI definitions.

Each builder takes plain polars frames (the library's own outputs) and returns an Altair chart; nothing
here imports streamlit. The ranking's charts are in `ranking_charts.py` (re-exported here), the shared
colours and labels in `chart_style.py`. Categorical colours are Tableau's colour-blind 10; heat maps use
single-hue or viridis scales, which stay readable for every common colour-vision deficiency and in grey
scale.
"""

from __future__ import annotations

from collections.abc import Mapping

import altair as alt
import polars as pl

from scorecard.present import format as fmt
from scorecard.present.chart_style import PALETTE, STATUS_COLOURS, WEEKDAYS
from scorecard.present.chart_style import definition as _definition
from scorecard.present.chart_style import label as _label
from scorecard.present.ranking_charts import contributions, rank_probabilities, score_intervals, weight_ranges

__all__ = [
    "PALETTE",
    "STATUS_COLOURS",
    "WEEKDAYS",
    "attainment_grid",
    "attainment_heatmap",
    "contributions",
    "coverage",
    "rank_probabilities",
    "score_intervals",
    "trend",
    "weight_ranges",
]


def _axis(kpi_id: str, currency: str) -> alt.Axis:
    unit = fmt.unit_of(kpi_id)
    fmts = {"rate": ".0%", "seconds": ",.0f", "points": ".0f"}
    return alt.Axis(
        format=fmts.get(unit, ",.2f"), title=f"{_label(kpi_id)} ({fmt.unit_label(kpi_id, currency)})"
    )


def trend(
    frame: pl.DataFrame,
    kpi_id: str,
    names: Mapping[str, str],
    sl_variant: str = "negative",
    fcr_method: str = "survey",
    currency: str = "EUR",
) -> alt.Chart:
    """One KPI per period (x) and vendor (colour); `frame` is `kpis(...)` at a day/week/month grain."""
    data = (
        frame.select("vendor_id", "period", kpi_id)
        .filter(pl.col(kpi_id).is_not_null())
        .with_columns(
            pl.col("vendor_id").replace_strict(names, default=pl.col("vendor_id")).alias("vendor"),
            fmt.expr(kpi_id, kpi_id, currency).alias("value_text"),
            pl.lit(_definition(kpi_id, sl_variant, fcr_method)).alias("definition"),
        )
    )
    vendors = list(dict.fromkeys(data["vendor"].to_list()))
    return (
        alt.Chart(data)
        .mark_line(point=True)
        .encode(
            x=alt.X("period:O", title="Period"),
            y=alt.Y(f"{kpi_id}:Q", axis=_axis(kpi_id, currency)),
            color=alt.Color("vendor:N", title="Vendor", scale=alt.Scale(domain=vendors, range=list(PALETTE))),
            tooltip=[
                alt.Tooltip("vendor:N", title="Vendor"),
                alt.Tooltip("period:O", title="Period"),
                alt.Tooltip("value_text:N", title=_label(kpi_id, sl_variant, fcr_method)),
                alt.Tooltip("definition:N", title="Definition"),
            ],
        )
        .properties(height=320)
    )


def attainment_grid(intervals: pl.DataFrame, target: float) -> pl.DataFrame:
    """Share of intervals meeting the service-level target per vendor x weekday x hour of the local day.

    `intervals`: `vendor_id, interval_start` (vendor-local), `numerator, denominator` of the service level
    of each interval; intervals with a zero or unknown denominator have no service level and are left out.
    """
    known = intervals.filter(pl.col("denominator") > 0, pl.col("numerator").is_not_null())
    return (
        known.with_columns(
            (pl.col("numerator") / pl.col("denominator") >= target - 1e-12).alias("met"),
            pl.col("interval_start").dt.weekday().alias("weekday_no"),
            pl.col("interval_start").dt.hour().alias("hour"),
        )
        .group_by("vendor_id", "weekday_no", "hour")
        .agg(pl.len().alias("intervals"), pl.col("met").sum().alias("met"))
        .with_columns(
            (pl.col("met") / pl.col("intervals")).alias("share"),
            pl.col("weekday_no").map_elements(lambda d: WEEKDAYS[d - 1], pl.String).alias("weekday"),
        )
        .sort("vendor_id", "weekday_no", "hour")
        .select("vendor_id", "weekday", "weekday_no", "hour", "intervals", "met", "share")
    )


def attainment_heatmap(grid: pl.DataFrame, names: Mapping[str, str], target: float) -> alt.FacetChart:
    """Weekday x hour heat map per vendor of the share of intervals meeting the service-level target."""
    data = grid.with_columns(
        pl.col("vendor_id").replace_strict(names, default=pl.col("vendor_id")).alias("vendor"),
        fmt.using("share", lambda p: fmt.percent(p, 0)).alias("share_text"),
    )
    return (
        alt.Chart(data)
        .mark_rect()
        .encode(
            x=alt.X("hour:O", title="Hour of the vendor's local day"),
            y=alt.Y("weekday:N", sort=list(WEEKDAYS), title=None),
            color=alt.Color(
                "share:Q",
                title=f"Intervals ≥ {fmt.percent(target, 0)}",
                scale=alt.Scale(scheme="viridis", domain=[0, 1]),
                legend=alt.Legend(format=".0%"),
            ),
            tooltip=[
                alt.Tooltip("vendor:N", title="Vendor"),
                alt.Tooltip("weekday:N", title="Weekday"),
                alt.Tooltip("hour:O", title="Hour"),
                alt.Tooltip("share_text:N", title="Intervals meeting target"),
                alt.Tooltip("intervals:Q", title="Intervals with calls"),
            ],
        )
        .properties(height=alt.Step(24), width=alt.Step(30))
        .facet(row=alt.Row("vendor:N", title=None))
    )


def coverage(days: pl.DataFrame) -> alt.Chart:
    """Which sources have rows on which local dates (`days`: source, local_date, rows)."""
    return (
        alt.Chart(days)
        .mark_rect()
        .encode(
            x=alt.X("local_date:T", title="Local date", timeUnit="yearmonthdate"),
            y=alt.Y("source:N", title=None),
            color=alt.Color("rows:Q", title="Rows", scale=alt.Scale(scheme="blues")),
            tooltip=[
                alt.Tooltip("source:N", title="Source"),
                alt.Tooltip("local_date:T", title="Date"),
                alt.Tooltip("rows:Q", title="Rows", format=","),
            ],
        )
        .properties(height=alt.Step(24))
    )
