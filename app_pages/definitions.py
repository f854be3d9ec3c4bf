"""Definitions: every KPI's formula and the workspace settings in force."""

from __future__ import annotations

import polars as pl
import streamlit as st

from app_pages import _common as c
from scorecard.present import format as fmt
from scorecard.present.reference import reference_rows
from scorecard.present.text import plain
from scorecard.scoring import comparable, verdict

ctx = c.ctx()
c.header(
    ctx, "Definitions", "What every number on these pages means, so a shared screenshot is never ambiguous."
)
s, view = ctx.settings, ctx.view
internal = ctx.scope.role in ("admin", "analyst")  # where the files live is not for vendors or links

st.subheader("Settings in force")
st.dataframe(
    pl.DataFrame(
        {
            "Setting": [
                "Base currency",
                "Service-level threshold T",
                "Short-abandon threshold",
                "Service-level variant (workspace)",
                "Service-level variant (this view)",
                "FCR method",
                "Repeat-contact window",
                "Default preset",
                *(["Workspace", "Database"] if internal else []),
            ],
            "Value": [
                s["base_currency"],
                f"{s['sl_threshold_s']:g} s",
                f"{s['short_abandon_s']:g} s",
                s["sl_variant"],
                view.sl,
                s["fcr_method"],
                f"{s['fcr_repeat_days']} days",
                s.get("preset", ctx.options.default_preset),
                *([str(ctx.paths.workspace), str(ctx.paths.db)] if internal else []),
            ],
        }
    ),
    hide_index=True,
    width="stretch",
)


st.subheader("KPIs")
st.caption(
    "Every KPI is Σ numerator / Σ denominator over the period's days (never an average of daily ratios). "
    "Service level and FCR follow the variant and method above; their alternatives are listed too."
)
rows = reference_rows(view.sl, s["fcr_method"], ctx.currency)
st.dataframe(
    pl.DataFrame(rows),
    hide_index=True,
    width="stretch",
    height=36 * (len(rows) + 1) + 2,
    column_config={"KPI": st.column_config.TextColumn(pinned=True)},  # stays in view while scrolling
)

chosen = c.preset(ctx.paths.workspace, view.preset)
st.subheader(f"Preset in use: {plain(chosen.name)}")
st.caption(
    f"{plain(chosen.description)} Method {view.method}; missing KPIs score "
    f"{'0 points' if chosen.missing == 'zero' else 'nothing (weights re-spread)'}. "
    "Points: 100 at or better than the target, 0 at or worse than the floor, linear between."
)
weights = dict(view.weights)
st.dataframe(
    pl.DataFrame(
        {
            "KPI": [ctx.kpi(r.kpi).label for r in chosen.rules],
            "Weight (this view)": [weights[r.kpi] for r in chosen.rules],
            "Preset weight": [r.weight for r in chosen.rules],
            "Target": [
                "lowest bid" if r.method else fmt.target(r.kpi, r.target, r.direction, ctx.currency)
                for r in chosen.rules
            ],
            "Floor": ["—" if r.method else fmt.bound(r.kpi, r.floor, ctx.currency) for r in chosen.rules],
        }
    ),
    hide_index=True,
    width="stretch",
    column_config={
        "Weight (this view)": st.column_config.NumberColumn(format="%g"),
        "Preset weight": st.column_config.NumberColumn(format="%g"),
    },
)
if internal:
    st.caption(f"Preset file: {plain(chosen.source)}")

st.subheader("How the Ranking headline is decided")
st.markdown(
    f"{verdict.RULE} Vendors with the same score share a rank. "
    "The order is also checked by leaving each vendor out in turn (leave-one-out): a vendor whose removal "
    "changes the order of the others is named under the headline (possible with relative points or "
    "price scored against the lowest bid). A period the data does not cover from its first to its last "
    "day is marked partial, with the days it covers."
)
st.markdown(
    "**Comparable periods.** Vendors are compared over the days of the period their data reach. A day "
    "counts as covered when the vendor has calls (or interval rows) on it, or when it lies in a run of at "
    f"most {comparable.MAX_CLOSED_DAYS} days without them (a weekend, a holiday); invoices do not count. A "
    f"vendor covering less than {comparable.MIN_COVERAGE:.0%} of the days is not ranked unless "
    "“Rank partial vendors too” is on (then it is flagged ⚠); a vendor without data is listed as no data. "
    "A source coarser than a day (monthly rows) gets no score interval: it cannot be resampled by day."
)
