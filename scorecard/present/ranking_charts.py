"""Altair charts of a ranking: contributions, rank probabilities, winner-stable weight ranges, score
intervals.

Each builder takes plain polars frames (the scoring's own outputs) and returns an Altair chart; `charts.py`
re-exports them beside the time-series charts.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import altair as alt
import polars as pl

from scorecard.present import format as fmt
from scorecard.present.chart_style import PALETTE
from scorecard.present.chart_style import definition as _definition
from scorecard.present.chart_style import label as _label


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
                legend=alt.Legend(orient="bottom", columns=2, labelLimit=260),
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
