"""Compare: vendors x KPIs against targets, the four service-level variants, reported against recomputed."""

from __future__ import annotations

import polars as pl
import streamlit as st

from app_pages import _common as c
from scorecard.metrics import catalogue
from scorecard.present import format as fmt
from scorecard.present.funnel_chart import funnel_chart
from scorecard.present.text import plain
from scorecard.scoring import comparable, funnel

TINTS = {"met": "#cfe3f1", "near": "#fbe6bf", "missed": "#f5d2c2"}  # light Okabe–Ito blue, orange, vermillion

ctx = c.ctx()
c.header(ctx, "Compare", "Every KPI of every vendor, recomputed from raw exports under one definition.")
view = ctx.view
if not view.vendors:
    st.info("Select at least one vendor in the sidebar.")
    st.stop()

per = ctx.period()
cover = c.comparability(ctx)
costs = cover.kpi_days(per)  # cost over the compared days only, as the Ranking page and `scorecard rank`
frame = ctx.data("kpis", per.grain, list(view.vendors), False, per.start, per.end, costs)
frame = frame.filter(pl.col("period") == per.label).with_columns(
    pl.col(f"service_level_{view.sl}").alias("service_level")
)
notes = ctx.data("kpi_notes", per.grain, list(view.vendors), False, per.start, per.end)
said = cover.summary(ctx.names, option=None)
if cover.same_days:
    st.caption(plain(said[0]))
else:
    st.warning(plain("\n".join(said), lines=True), icon=":material/date_range:")
rules = {r.kpi: r for r in c.preset(ctx.paths.workspace, view.preset).rules}
vendors = frame["vendor_id"].to_list()
values = {r["vendor_id"]: r for r in frame.iter_rows(named=True)}
medians: dict[str, float | None] = {}
if ctx.scope.anonymised:  # a vendor's view: peers only as a median of at least two, never their money
    peer = ctx.data("peer_medians", per.grain, per.start, per.end, view.sl).filter(
        pl.col("period") == per.label
    )
    medians = dict(zip(peer["kpi"], peer["peer_median"], strict=True))
MONEY = {k for k in catalogue.KPI_COLUMNS if catalogue.kpi(k).unit == "currency"}


def _bounds(kpi_id: str):
    rule = rules.get(kpi_id)
    if rule is not None and rule.has_bounds:
        return rule.target, rule.floor, "preset"
    k = ctx.kpi(kpi_id)
    return k.target, k.floor, "catalogue"


HEADLINE = list(catalogue.HEADLINE_COLUMNS)
components = ctx.data("daily_components", list(view.vendors), per.start, per.end, False, costs)
noise = funnel.noise_table(components, HEADLINE, view.sl, ctx.settings["fcr_method"])
NOISE_MARK = " °"
within = {(r["kpi"], r["vendor_id"]) for r in noise.filter("within_noise").iter_rows(named=True)}
rows, states = [], []
days_row: dict[str, str] = {"KPI": "Days covered", "Unit": "days", "Target": fmt.MISSING}
for v in vendors:
    mine = cover.of(v)
    low = mine is not None and mine.status in (comparable.EXCLUDED, comparable.FLAGGED)
    shown = "no data" if mine is None or mine.first is None else f"{mine.covered_days}/{mine.window_days}"
    days_row[ctx.names.get(v, v)] = ("⚠ " if low else "") + shown
if ctx.scope.anonymised:
    days_row["Peer median"] = fmt.MISSING
days_row["Definition"] = (
    "days of the period the vendor's data cover / days compared; under "
    f"{comparable.MIN_COVERAGE:.0%} (⚠) its KPIs describe other days than its peers'"
)
rows.append(days_row)
states.append({ctx.names.get(v, v): "" for v in vendors})
for kpi_id in HEADLINE:
    k = ctx.kpi(kpi_id)
    tgt, floor, _ = _bounds(kpi_id)
    row = {
        "KPI": k.label,
        "Unit": fmt.unit_label(kpi_id, ctx.currency),
        "Target": fmt.target(kpi_id, tgt, k.direction, ctx.currency),
    }
    state_row = {}
    for v in vendors:
        x = values[v][kpi_id]
        state = fmt.status(x, tgt, floor)
        mark = NOISE_MARK if (kpi_id, v) in within else ""
        row[ctx.names.get(v, v)] = fmt.with_status(fmt.value(kpi_id, x, ctx.currency), state) + mark
        state_row[ctx.names.get(v, v)] = state
    if ctx.scope.anonymised:
        row["Peer median"] = (
            "not shared" if kpi_id in MONEY else fmt.value(kpi_id, medians.get(kpi_id), ctx.currency)
        )
    row["Definition"] = k.definition
    rows.append(row)
    states.append(state_row)

table = pl.DataFrame(rows).to_pandas()
status_frame = pl.DataFrame(states).to_pandas() if vendors else None


def _tint(col):
    if status_frame is None or col.name not in status_frame.columns:
        return [""] * len(col)
    return [f"background-color: {TINTS[s]}" if s in TINTS else "" for s in status_frame[col.name]]


st.subheader(f"KPIs against targets — {per.label}")
st.caption(
    "✓ met · ≈ near (missed by less than a quarter of the way from target to floor) · ✗ missed · — not "
    "computable (reasons below). Targets come from the preset where it scores the KPI, else the catalogue. "
    "° within the noise: this vendor's rate differs from the pooled rate of the vendors shown by no more "
    "than chance gives at its volume (95 % funnel limits; overdispersion-adjusted as Spiegelhalter 2005 "
    f"from {funnel.MIN_VENDORS} vendors on, binomial below)."
    + (
        " Peer median: the median of the other vendors' values (at least two of them), anonymised; their "
        "money is not shared."
        if ctx.scope.anonymised
        else ""
    )
)
st.dataframe(
    table.style.apply(_tint, axis=0),
    hide_index=True,
    width="stretch",
    height=36 * (len(rows) + 1) + 2,
    column_config={  # the KPI stays in view while the vendors scroll; the definition is a tooltip too
        "KPI": st.column_config.TextColumn(pinned=True, width="medium"),
        "Definition": st.column_config.TextColumn(width="large"),
        **{  # names readable up to five vendors; more stay narrow so they fit beside the pinned KPI
            ctx.names.get(v, v): st.column_config.TextColumn(width="medium" if len(vendors) <= 5 else "small")
            for v in vendors
        },
    },
)
if noise.height:
    with st.expander("Noise or difference: funnel plots of the rate KPIs"):
        shown = st.selectbox(
            "Rate KPI", sorted(set(noise["kpi"])), format_func=lambda k: ctx.kpi(k).label, key="_funnel_kpi"
        )
        st.altair_chart(funnel_chart(noise.filter(pl.col("kpi") == shown), ctx.names), width="stretch")
        st.caption(
            "Each vendor's rate against its volume (events in the denominator); the lines are the 95 % and "
            "99.8 % control limits around the pooled rate, widened by the between-vendor variance "
            "(Spiegelhalter 2005, additive random effects) when at least "
            f"{funnel.MIN_VENDORS} vendors let it be estimated, binomial otherwise. Inside the 95 % funnel "
            "= within the noise."
        )
if notes.height:
    with st.expander(f"Why {notes.height} value(s) are missing"):
        st.dataframe(
            notes.select(
                pl.col("vendor_id").replace_strict(ctx.names, default=pl.col("vendor_id")).alias("Vendor"),
                pl.col("kpi").map_elements(lambda k: ctx.kpi(k).label, return_dtype=pl.String).alias("KPI"),
                pl.col("reason").alias("Reason"),
            ),
            hide_index=True,
            width="stretch",
        )

st.subheader("Service level, all four variants")
st.caption(
    f"T = {ctx.settings['sl_threshold_s']:g} s. The workspace scores '{ctx.settings['sl_variant']}'; "
    "this view "
    f"shows '{view.sl}' as Service level. Same calls, four definitions — bids are only comparable under one."
)
variants = frame.select(
    pl.col("vendor_id").replace_strict(ctx.names, default=pl.col("vendor_id")).alias("Vendor"),
    *[
        fmt.using(f"service_level_{v}", fmt.percent).alias(
            v.replace("_", " ") + (" (workspace)" if v == ctx.settings["sl_variant"] else "")
        )
        for v in catalogue.SL_VARIANTS
    ],
    pl.col("queued").alias("Queued"),
    pl.col("short_abandoned").alias("Short abandons"),
)
st.dataframe(
    variants,
    hide_index=True,
    width="stretch",
    column_config={
        v.replace("_", " "): st.column_config.TextColumn(help=catalogue.KPIS[f"service_level_{v}"].definition)
        for v in catalogue.SL_VARIANTS
    },
)

st.subheader("Vendor-reported against recomputed")
reported = ctx.data("reported_vs_recomputed", list(view.vendors), per.start, per.end)
if reported.is_empty():
    st.info(
        "No vendor-reported KPIs overlap this period "
        "(only some export formats carry the vendor's own figures)."
    )
else:
    st.caption(
        "The vendor's own figure under its own definition, next to ours over the same days and program."
    )
    st.dataframe(
        reported.select(
            pl.col("vendor_id").replace_strict(ctx.names, default=pl.col("vendor_id")).alias("Vendor"),
            pl.col("program").fill_null("(all)").alias("Program"),
            pl.format("{} – {}", "period_start", "period_end").alias("Days"),
            pl.col("kpi").alias("KPI"),
            pl.struct("kpi", "reported")
            .map_elements(
                lambda r: (
                    fmt.value(r["kpi"], r["reported"], ctx.currency)
                    if r["kpi"] in catalogue.KPI_COLUMNS
                    else str(r["reported"])
                ),
                pl.String,
            )
            .alias("Reported"),
            pl.struct("kpi", "recomputed")
            .map_elements(
                lambda r: (
                    fmt.value(r["kpi"], r["recomputed"], ctx.currency)
                    if r["kpi"] in catalogue.KPI_COLUMNS
                    else fmt.MISSING
                ),
                pl.String,
            )
            .alias("Recomputed"),
            pl.col("definition").alias("Vendor's definition"),
            pl.format("{} row {}", "source_file", "source_row").alias("Source"),
        ),
        hide_index=True,
        width="stretch",
    )
