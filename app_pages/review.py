"""Quarterly review: one vendor's quarter against its contract, last quarter and peers, with exports."""

from __future__ import annotations

import polars as pl
import streamlit as st

from app_pages import _common as c
from app_pages import _session as session
from scorecard.errors import ScorecardError
from scorecard.present.text import plain
from scorecard.review import report

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
for table in report.review_tables(result):
    st.subheader(plain(table.title))
    if table.note:
        st.caption(plain(table.note))
    rows = [
        {table.header(col): report.fmt(row[col], table.unit(col, row)) for col in table.columns}
        for row in table.frame.iter_rows(named=True)
    ]
    if rows:
        st.dataframe(pl.DataFrame(rows), hide_index=True, width="stretch")
    else:
        st.caption("Nothing to show.")
