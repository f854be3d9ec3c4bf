"""Quarterly review: one vendor's quarter against its contract, last quarter and peers, with exports."""

from __future__ import annotations

import polars as pl
import streamlit as st

from app_pages import _common as c
from app_pages import _session as session
from scorecard.errors import ScorecardError
from scorecard.present import format as fmt
from scorecard.present.text import plain
from scorecard.review import front, report
from scorecard.review.report import charts as review_charts

ctx = c.ctx()
c.header(
    ctx,
    "Quarterly review",
    "One vendor's quarter: contract targets, SLA credits, peers, and what to investigate.",
)
view = ctx.view
quarters = [p for p in ctx.options.periods if "-Q" in p]
if not quarters:
    st.info("No quarter with data yet.")
    st.stop()
quarter = view.period if view.period in quarters else quarters[0]
if quarter != view.period:
    st.caption(
        f"The period in the sidebar is not a quarter; showing {quarter} (choose a quarter to change it)."
    )
st.selectbox(
    "Vendor",
    ctx.options.vendors,
    index=c.at(ctx.options.vendors, view.vendor),
    key=c.bind("vendor", "_w_vendor_review"),
    on_change=c.sync,
    args=("vendor", "_w_vendor_review"),
    format_func=lambda v: ctx.names.get(v, v),
    disabled=ctx.scope.read_only,
)
try:
    result, html, xlsx = c.review_of(
        ctx.paths,
        c.stamp(ctx.paths.db),
        ctx.scope,
        view.vendor,
        quarter,
        view.preset,
        view.method,
        view.weights,
    )
except ScorecardError as exc:
    st.error(plain(str(exc), lines=True))
    st.stop()

name = f"review-{view.vendor}-{quarter}"


def _downloaded(kind: str) -> None:
    session.record(
        ctx.paths, ctx.scope, "download", page="review", vendors=(view.vendor,), detail=f"{name}.{kind}"
    )


left, right = st.columns(2)
left.download_button(
    "Download HTML report", html, f"{name}.html", "text/html", icon=":material/download:",
    on_click=_downloaded, args=("html",),
)  # fmt: skip
right.download_button(
    "Download XLSX workbook",
    xlsx,
    f"{name}.xlsx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    icon=":material/download:",
    on_click=_downloaded,
    args=("xlsx",),
)
page = front.front_page(result)
partial = result.coverage.describe()
st.subheader(f"{plain(result.vendor_name)}, {quarter}")
rank = (
    f"Rank **{page.rank}** of {page.ranked} under preset '{plain(result.preset.name)}', score "
    f"**{report.fmt(page.score, 'score')}**."
    if page.rank is not None
    else "Not ranked: no score for this quarter."
)
st.markdown(rank + (f" ⚠ {plain(partial)}" if partial else ""))
if page.invoice_alert:
    st.warning(plain(page.invoice_alert), icon=":material/receipt_long:")
for row_start in range(0, len(page.tiles), 4):
    for col, t in zip(st.columns(4), page.tiles[row_start : row_start + 4], strict=False):
        rising = t.trend != "" and t.value > t.previous  # type: ignore[operator]
        good = t.trend != "worse"
        col.metric(
            t.label,
            t.value_text,
            delta=f"{report.fmt(t.value - t.previous, '+' + t.unit)} vs {result.previous}"
            if t.trend
            else None,
            delta_color="off" if t.trend == "steady" else ("normal" if rising == good else "inverse"),
            help=f"Target {t.target_text} ({t.source}): {t.status}.",
            border=True,
        )
        col.caption(f"target {plain(t.target_text)} · {t.source} · **{t.status}**")
left, right = st.columns([1, 1])
chart = review_charts.waterfall(page)
if chart is not None:
    left.altair_chart(chart.properties(width="container"), width="stretch")
rec = page.reconciliation
money = [
    fmt.using("vendor_currency", lambda x: report.fmt(x, f"currency:{page.currency}")).alias(
        page.currency if page.base_currency == page.currency else f"{page.currency} (invoices)"
    )
]
if page.base_currency != page.currency:  # one column when the vendor bills in the base currency
    money.append(
        fmt.using("base_currency", lambda x: report.fmt(x, f"currency:{page.base_currency}")).alias(
            f"{page.base_currency} (base)"
        )
    )
LINE = "Cost of the quarter"
right.dataframe(
    rec.select(pl.col("line").alias(LINE), *money),
    hide_index=True,
    width="stretch",
    # the long line names would push the amounts out of a half-width column: they get what is left
    column_config={LINE: st.column_config.TextColumn(width=300)},
)
st.markdown("**Top findings**")
if not page.findings:
    st.caption("Every KPI with a target is within its band.")
for f in page.findings:
    unit = fmt.kpi_unit(f.kpi, result.base_currency)
    st.markdown(
        f"- **{plain(f.label)}** {plain(report.fmt(f.value, unit))} (target "
        f"{plain(report.target_text(f.target_low, f.target_high, unit))}, {f.source})"
        + (f": {plain(f.advice.summary)}" if f.advice else "")
    )

st.divider()
CHARTS = {
    "trend": lambda: review_charts.trend(result, [t.kpi for t in page.tiles]),
    "profile": lambda: review_charts.profile(result),
    "ranking": lambda: review_charts.ranking(result),
}
for table in report.review_tables(result):
    st.subheader(plain(table.title))
    if table.note:
        st.caption(plain(table.note))
    drawn = CHARTS.get(table.key, lambda: None)()
    if drawn is not None:
        st.altair_chart(drawn, width="content")
    rows = [
        {table.header(col): report.fmt(row[col], table.unit(col, row)) for col in table.columns}
        for row in table.frame.iter_rows(named=True)
    ]
    if rows:
        st.dataframe(pl.DataFrame(rows), hide_index=True, width="stretch")
    else:
        st.caption("Nothing to show.")
