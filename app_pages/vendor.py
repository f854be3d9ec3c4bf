"""Vendor: one vendor's programs, daily series, data coverage, and where each figure comes from."""

from __future__ import annotations

import polars as pl
import streamlit as st

from app_pages import _common as c
from scorecard.present import charts, share
from scorecard.present import format as fmt
from scorecard.present.text import plain
from scorecard.scoring import comparable

PROGRAM_KPIS = ("service_level", "abandon_rate", "asa_s", "aht_s", "transfer_rate", "fcr_rate", "csat_rate")

ctx = c.ctx()
c.header(ctx, "Vendor", "One vendor in detail: programs, daily series, data coverage and provenance.")
view = ctx.view
st.selectbox(
    "Vendor",
    ctx.options.vendors,
    index=c.at(ctx.options.vendors, view.vendor),
    key=c.bind("vendor"),
    on_change=c.sync,
    args=("vendor",),
    format_func=lambda v: ctx.names.get(v, v),
    disabled=ctx.scope.read_only,
)
v = view.vendor
info = ctx.vendors.filter(pl.col("vendor_id") == v).row(0, named=True)
st.caption(
    f"**{plain(info['name'])}** ({plain(v)}) · {plain(info['country'] or 'country not set')} · time zone "
    f"{plain(info['timezone'])} (days are its local days) · reports in {plain(info['currency'])}, shown in "
    f"{plain(ctx.currency)}"
)
per = ctx.period()
compared = sorted({*view.vendors, v})  # the days compared with the selected vendors, as on Compare
cover = comparable.assess(per, ctx.data("coverage_days", compared, per.start, per.end), compared)
costs = cover.kpi_days(per)

st.subheader(f"Programs — {per.label}")
programs = share.apply_variant(ctx.data("kpis", per.grain, [v], True, per.start, per.end, costs), view.sl)
programs = programs.filter(pl.col("period") == per.label)
if programs.is_empty():
    st.info("No calls for this vendor in this period.")
else:
    st.dataframe(
        programs.select(
            pl.col("program").alias("Program"),
            pl.col("answered").alias("Answered"),
            *[fmt.expr(k, k, ctx.currency).alias(ctx.kpi(k).label) for k in PROGRAM_KPIS],
        ),
        hide_index=True,
        width="stretch",
        column_config={
            ctx.kpi(k).label: st.column_config.TextColumn(help=ctx.kpi(k).definition) for k in PROGRAM_KPIS
        },
    )

k = ctx.kpi(view.kpi)
st.subheader(f"Daily {k.label.lower()}")
st.selectbox(
    "KPI",
    ctx.options.kpis,
    index=c.at(ctx.options.kpis, view.kpi),
    key=c.bind("kpi", "_w_kpi_vendor"),
    on_change=c.sync,
    args=("kpi", "_w_kpi_vendor"),
    format_func=lambda kid: ctx.kpi(kid).label,
    disabled=ctx.scope.read_only,
)
daily = share.apply_variant(ctx.data("kpis", "day", [v], False, per.start, per.end), view.sl)
st.altair_chart(
    charts.trend(daily, view.kpi, ctx.names, view.sl, ctx.settings["fcr_method"], ctx.currency),
    width="stretch",
)

st.subheader("Data coverage")
st.caption(
    "Rows per source and local day (costs: the days their billing periods cover). Gaps mean no export."
)
days = ctx.data("daily_rows", v)
if per.start is not None:
    days = days.filter(pl.col("local_date").is_between(per.start, per.end))
if days.is_empty():
    st.info("No rows for this vendor in this period.")
else:
    st.altair_chart(charts.coverage(days), width="stretch")

st.subheader(f"Provenance of {k.label.lower()}")
value = ctx.data("kpis", per.grain, [v], False, per.start, per.end, costs)
value = share.apply_variant(value.filter(pl.col("period") == per.label), view.sl)
shown = fmt.value(view.kpi, value[view.kpi][0] if value.height else None, ctx.currency)
files = ctx.data("provenance", view.kpi, [v], per.start, per.end, view.sl, ctx.settings["fcr_method"])
st.markdown(
    f"**{plain(shown)}** for {plain(info['name'])} in {per.label} is computed from "
    f"**{fmt.count(files['rows'].sum())} rows** "
    f"in **{files.height} file(s)**: {k.definition}."
)
st.dataframe(
    files.select(
        pl.col("source").alias("Table"),
        pl.col("source_file").alias("File"),
        pl.col("rows").alias("Rows"),
        pl.col("first_date").alias("First day"),
        pl.col("last_date").alias("Last day"),
    ),
    hide_index=True,
    width="stretch",
)
with st.expander("All files of this vendor in this period"):
    st.dataframe(ctx.data("source_files", [v], per.start, per.end), hide_index=True, width="stretch")
