"""Altair chart builders for the app and reports: colour-blind-safe, tooltips carry the KPI definitions.

Each builder takes plain polars frames (the library's own outputs) and returns an Altair chart; nothing
here imports streamlit. Categorical colours are Tableau's colour-blind 10; heat maps use single-hue or
viridis scales, which stay readable for every common colour-vision deficiency and in grey scale.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import altair as alt
import polars as pl

from scorecard.metrics import catalogue
from scorecard.present import format as fmt

#: Tableau colour-blind 10 (categorical).
PALETTE: tuple[str, ...] = (
    "#006BA4", "#FF800E", "#ABABAB", "#595959", "#5F9ED1",
    "#C85200", "#898989", "#A2C8EC", "#FFBC79", "#CFCFCF",
)  # fmt: skip
#: Met / near / missed (Okabe–Ito blue, orange, vermillion): never red against green.
STATUS_COLOURS: dict[str, str] = {"met": "#0072B2", "near": "#E69F00", "missed": "#D55E00"}
WEEKDAYS: tuple[str, ...] = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def _label(kpi_id: str, sl_variant: str = "negative", fcr_method: str = "survey") -> str:
    return catalogue.kpi(kpi_id, sl_variant, fcr_method).label


def _definition(kpi_id: str, sl_variant: str = "negative", fcr_method: str = "survey") -> str:
    return catalogue.kpi(kpi_id, sl_variant, fcr_method).definition


def contributions(
    frame: pl.DataFrame,
    order: Sequence[str],
    names: Mapping[str, str],
    sl_variant: str = "negative",
    fcr_method: str = "survey",
    currency: str = "EUR",
) -> alt.Chart:
    """Stacked horizontal bars: each KPI's contribution (weight × points / Σ weight) to each score."""
    kpi_ids = list(dict.fromkeys(frame["kpi"].to_list()))
    data = frame.with_columns(
        pl.col("vendor_id").replace_strict(names, default=pl.col("vendor_id")).alias("vendor"),
        pl.col("kpi").map_elements(lambda k: _label(k, sl_variant, fcr_method), pl.String).alias("label"),
        pl.col("kpi")
        .map_elements(lambda k: _definition(k, sl_variant, fcr_method), pl.String)
        .alias("definition"),
        pl.struct("kpi", "value")
        .map_elements(lambda r: fmt.value(r["kpi"], r["value"], currency), pl.String)
        .alias("value_text"),
        pl.col("kpi")
        .replace_strict({k: i for i, k in enumerate(kpi_ids)}, return_dtype=pl.Int64)
        .alias("kpi_order"),
        pl.col("contribution").fill_null(0.0),
    )
    labels = [_label(k, sl_variant, fcr_method) for k in kpi_ids]
    return (
        alt.Chart(data)
        .mark_bar()
        .encode(
            x=alt.X("sum(contribution):Q", title="Score (points)", scale=alt.Scale(domain=[0, 100])),
            y=alt.Y("vendor:N", sort=[names.get(v, v) for v in order], title=None),
            color=alt.Color(
                "label:N",
                title="KPI",
                sort=labels,
                scale=alt.Scale(domain=labels, range=list(PALETTE[: len(labels)] or PALETTE)),
                legend=alt.Legend(orient="bottom", columns=3, labelLimit=260),
            ),
            order=alt.Order("kpi_order:Q"),
            tooltip=[
                alt.Tooltip("vendor:N", title="Vendor"),
                alt.Tooltip("label:N", title="KPI"),
                alt.Tooltip("value_text:N", title="Value"),
                alt.Tooltip("points:Q", title="Points", format=".1f"),
                alt.Tooltip("weight:Q", title="Weight", format="g"),
                alt.Tooltip("contribution:Q", title="Contribution", format=".1f"),
                alt.Tooltip("definition:N", title="Definition"),
            ],
        )
        .properties(height=alt.Step(32))
    )


def rank_probabilities(frame: pl.DataFrame, names: Mapping[str, str]) -> alt.LayerChart:
    """Heat map of P(vendor takes rank r) under weight perturbation, with the percentage in each cell."""
    cols = [c for c in frame.columns if c.startswith("p_rank_")]
    order = [names.get(v, v) for v in frame["vendor_id"].to_list()]
    long = (
        frame.with_columns(
            pl.col("vendor_id").replace_strict(names, default=pl.col("vendor_id")).alias("vendor")
        )
        .drop("rank")
        .unpivot(index="vendor", on=cols, variable_name="rank", value_name="p")
        .with_columns(
            pl.col("rank").str.strip_prefix("p_rank_").cast(pl.Int64),
            fmt.using("p", lambda p: fmt.percent(p, 0)).alias("p_text"),
        )
    )
    base = alt.Chart(long).encode(
        x=alt.X("rank:O", title="Rank"),
        y=alt.Y("vendor:N", sort=order, title=None),
        tooltip=[
            alt.Tooltip("vendor:N", title="Vendor"),
            alt.Tooltip("rank:O", title="Rank"),
            alt.Tooltip("p_text:N", title="Probability"),
        ],
    )
    cells = base.mark_rect().encode(
        color=alt.Color("p:Q", title="Probability", scale=alt.Scale(scheme="blues", domain=[0, 1]))
    )
    text = base.mark_text(baseline="middle").encode(
        text="p_text:N",
        color=alt.condition("datum.p > 0.5", alt.value("white"), alt.value("black")),
    )
    return (cells + text).properties(height=alt.Step(32))


def weight_ranges(
    frame: pl.DataFrame, sl_variant: str = "negative", fcr_method: str = "survey"
) -> alt.LayerChart:
    """Per KPI: the share of the total weight over which the winner stays first, and the current share."""
    data = frame.with_columns(
        pl.col("kpi").map_elements(lambda k: _label(k, sl_variant, fcr_method), pl.String).alias("label"),
        pl.col("kpi")
        .map_elements(lambda k: _definition(k, sl_variant, fcr_method), pl.String)
        .alias("definition"),
        pl.struct("share_low", "share_high")
        .map_elements(lambda r: f"{fmt.percent(r['share_low'])}–{fmt.percent(r['share_high'])}", pl.String)
        .alias("range_text"),
        fmt.using("share", fmt.percent).alias("share_text"),
    )
    order = data["label"].to_list()
    base = alt.Chart(data).encode(
        y=alt.Y("label:N", sort=order, title=None),
        tooltip=[
            alt.Tooltip("label:N", title="KPI"),
            alt.Tooltip("share_text:N", title="Current share"),
            alt.Tooltip("range_text:N", title="Winner unchanged"),
            alt.Tooltip("definition:N", title="Definition"),
        ],
    )
    span = base.mark_bar(height=10, color=PALETTE[4]).encode(
        x=alt.X(
            "share_low:Q",
            title="Share of total weight",
            scale=alt.Scale(domain=[0, 1]),
            axis=alt.Axis(format=".0%"),
        ),
        x2="share_high:Q",
    )
    now = base.mark_tick(thickness=3, size=22, color=PALETTE[1]).encode(x="share:Q")
    return (span + now).properties(height=alt.Step(28))


def score_intervals(frame: pl.DataFrame, names: Mapping[str, str], level: float = 0.9) -> alt.LayerChart:
    """Each vendor's score with its bootstrap interval (resampled days)."""
    data = frame.with_columns(
        pl.col("vendor_id").replace_strict(names, default=pl.col("vendor_id")).alias("vendor"),
        pl.struct("score_low", "score_high")
        .map_elements(lambda r: fmt.interval(r["score_low"], r["score_high"]), pl.String)
        .alias("interval_text"),
    )
    order = data["vendor"].to_list()
    base = alt.Chart(data).encode(
        y=alt.Y("vendor:N", sort=order, title=None),
        tooltip=[
            alt.Tooltip("vendor:N", title="Vendor"),
            alt.Tooltip("score:Q", title="Score", format=".1f"),
            alt.Tooltip("interval_text:N", title=f"{level:.0%} interval"),
        ],
    )
    bars = base.mark_rule(strokeWidth=3, color=PALETTE[0]).encode(
        x=alt.X(
            "score_low:Q", title=f"Score with its {level:.0%} interval", scale=alt.Scale(domain=[0, 100])
        ),
        x2="score_high:Q",
    )
    dots = base.mark_point(filled=True, size=90, color=PALETTE[1]).encode(x="score:Q")
    return (bars + dots).properties(height=alt.Step(32))


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
