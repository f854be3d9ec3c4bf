"""Trends: a KPI by day, week or month per vendor, and when in the week service level is missed."""

from __future__ import annotations

import polars as pl
import streamlit as st

from app_pages import _common as c
from scorecard.present import charts, share
from scorecard.present import format as fmt

ctx = c.ctx()
c.header(ctx, "Trends", "How each KPI moves over the period, and the hours that monthly averages hide.")
view = ctx.view
if not view.vendors:
    st.info("Select at least one vendor in the sidebar.")
    st.stop()

left, right = st.columns([2, 1])
left.selectbox(
    "KPI",
    ctx.options.kpis,
    index=c.at(ctx.options.kpis, view.kpi),
    key=c.bind("kpi", "_w_kpi_trends"),
    on_change=c.sync,
    args=("kpi", "_w_kpi_trends"),
    format_func=lambda k: ctx.kpi(k).label,
    disabled=ctx.scope.read_only,
)
right.radio(
    "By",
    share.TREND_GRAINS,
    index=c.at(share.TREND_GRAINS, view.grain),
    key=c.bind("grain"),
    on_change=c.sync,
    args=("grain",),
    horizontal=True,
    disabled=ctx.scope.read_only,
)

per = ctx.period()
frame = share.apply_variant(
    ctx.data("kpis", view.grain, list(view.vendors), False, per.start, per.end), view.sl
)
k = ctx.kpi(view.kpi)
st.subheader(f"{k.label} by {view.grain}")
st.caption(
    f"Definition: {k.definition}. "
    f"Each point pools the {view.grain}'s raw counts (never an average of ratios)."
)
st.altair_chart(
    charts.trend(frame, view.kpi, ctx.names, view.sl, ctx.settings["fcr_method"], ctx.currency),
    width="stretch",
)
with st.expander("Values"):
    wide = frame.select(
        "period",
        pl.col("vendor_id").replace_strict(ctx.names, default=pl.col("vendor_id")).alias("vendor"),
        fmt.expr(view.kpi, view.kpi, ctx.currency).alias("value"),
    ).pivot(on="vendor", index="period", values="value", maintain_order=True)
    st.dataframe(wide.rename({"period": "Period"}), hide_index=True, width="stretch")

rule = next((r for r in c.preset(ctx.paths.workspace, view.preset).rules if r.kpi == "service_level"), None)
target = (
    float(rule.target)
    if rule is not None and isinstance(rule.target, float)
    else float(ctx.kpi("service_level").target)
)
st.subheader("Service-level attainment by weekday and hour")
st.caption(
    f"Share of 30-minute intervals with calls whose service level ({view.sl.replace('_', ' ')}, T = "
    f"{ctx.settings['sl_threshold_s']:g} s) reaches the {fmt.percent(target, 0)} target, in each vendor's "
    "local time. Monthly averages hide bad hours; this does not."
)
intervals = ctx.data("interval_service", view.sl, list(view.vendors), per.start, per.end)
grid = charts.attainment_grid(intervals, target)
if grid.is_empty():
    st.info("No intervals with queued calls in this period.")
else:
    st.altair_chart(charts.attainment_heatmap(grid, ctx.names, target), width="content")
