"""The panels under the Ranking page's table: contributions, rank probabilities, weight ranges, confidence.

Only the open panel is drawn (each chart costs ~50 ms to build and send).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import polars as pl
import streamlit as st

from app_pages import _common as c
from scorecard.present import charts
from scorecard.present import format as fmt
from scorecard.present.text import plain
from scorecard.scoring import comparable, funnel, missing
from scorecard.scoring.bids import BIDS_HEADLINE, bid_lines
from scorecard.scoring.points import Ranking
from scorecard.scoring.sensitivity import Stability

Names = dict[str, str]


def contributions(ctx: c.Context, stab: Stability, names: Names, order: list[str]) -> None:
    st.caption("Each KPI's share of the score: weight × points / Σ weight. Hover for values and definitions.")
    shown = [v for v in order if v in set(stab.contributions["vendor_id"])]
    st.altair_chart(
        charts.contributions(
            stab.contributions, shown, names, ctx.view.sl, ctx.settings["fcr_method"], ctx.currency
        ),
        width="stretch",
    )


def rank_probabilities(ctx: c.Context, stab: Stability, names: Names, order: list[str]) -> None:
    st.caption(
        "Probability of each rank when the weights are perturbed (Dirichlet draws around the weights)."
    )
    st.altair_chart(charts.rank_probabilities(stab.rank_probabilities, names), width="stretch")


def weight_ranges(ctx: c.Context, stab: Stability, names: Names, order: list[str]) -> None:
    if stab.weight_ranges.is_empty():
        st.caption("Not shown in a vendor's view: the thresholds would tell its peers' KPI points apart.")
        return
    st.caption("How far each weight can move (the others unchanged) before the winner changes; tick = now.")
    st.altair_chart(
        charts.weight_ranges(stab.weight_ranges, ctx.view.sl, ctx.settings["fcr_method"]), width="stretch"
    )
    ranges = stab.weight_ranges.select(
        pl.col("kpi").map_elements(lambda k: ctx.kpi(k).label, pl.String).alias("KPI"),
        pl.col("weight").alias("Weight"),
        pl.struct("weight_low", "weight_high")
        .map_elements(lambda r: fmt.weight_range(r["weight_low"], r["weight_high"]), pl.String)
        .alias("Winner unchanged for weights"),
        pl.col("below_low_winner")
        .replace_strict(names, default=pl.col("below_low_winner"))
        .alias("Winner below"),
        pl.col("above_high_winner")
        .replace_strict(names, default=pl.col("above_high_winner"))
        .alias("Winner above"),
    )
    st.dataframe(
        ranges,
        hide_index=True,
        width="stretch",
        column_config={"Weight": st.column_config.NumberColumn(format="%g")},
    )


def confidence(ctx: c.Context, stab: Stability, names: Names, order: list[str]) -> None:
    st.caption(
        "Score intervals from resampling days; Wilson intervals for rates with few events; against the "
        "pooled rate: ° within the noise when inside the 95 % funnel limits at the vendor's volume "
        "(Compare shows the funnel plots)."
    )
    if stab.bootstrap is not None:
        st.altair_chart(charts.score_intervals(stab.bootstrap, names), width="stretch")
    if stab.wilson is None or not stab.wilson.height:
        return
    per = ctx.period()
    days = ctx.data("daily_components", list(ctx.view.vendors), per.start, per.end)
    noise = funnel.noise_table(days, sorted(set(stab.wilson["kpi"])), ctx.view.sl, ctx.settings["fcr_method"])
    marks = noise.select(
        "vendor_id",
        "kpi",
        pl.when("within_noise")
        .then(pl.lit("° within the noise"))
        .otherwise(pl.lit("differs"))
        .alias("noise"),
    )
    wilson = stab.wilson.join(marks, on=["vendor_id", "kpi"], how="left")
    wil = wilson.select(
        pl.col("vendor_id").replace_strict(names, default=pl.col("vendor_id")).alias("Vendor"),
        pl.col("kpi").map_elements(lambda k: ctx.kpi(k).label, pl.String).alias("KPI"),
        pl.struct("kpi", "value")
        .map_elements(lambda r: fmt.value(r["kpi"], r["value"], ctx.currency), pl.String)
        .alias("Value"),
        pl.struct("low", "high")
        .map_elements(
            lambda r: (
                f"{fmt.percent(r['low'])}–{fmt.percent(r['high'])}"
                if r["low"] is not None and not math.isnan(r["low"])
                else fmt.MISSING
            ),
            pl.String,
        )
        .alias("90% Wilson"),
        pl.col("events").alias("Events"),
        pl.col("few_events").alias("Too few events"),
        pl.col("noise").fill_null(fmt.MISSING).alias("Against the pooled rate"),
    )
    st.dataframe(
        wil,
        hide_index=True,
        width="stretch",
        column_config={"Events": st.column_config.NumberColumn(format="%d")},
    )


def not_ranked(cover: comparable.Comparability | None, names: Names) -> None:
    """The vendors of the selection that are not ranked, and why: no data, or too few days."""
    if cover is None:
        return
    out = cover.frame(names).filter(pl.col("status").is_in([comparable.EXCLUDED, comparable.NO_DATA]))
    if out.is_empty():
        return
    st.markdown(f"**Not ranked ({out.height})**")
    st.dataframe(
        out.select(
            pl.col("vendor").alias("Vendor"),
            pl.col("status").alias("Why"),
            pl.format("{}/{} days", "covered_days", "window_days").alias("Days covered"),
            pl.col("first_date")
            .map_elements(fmt.date_text, pl.String)
            .fill_null(fmt.MISSING)
            .alias("First day"),
            pl.col("last_date")
            .map_elements(fmt.date_text, pl.String)
            .fill_null(fmt.MISSING)
            .alias("Last day"),
            pl.col("days_with_data").alias("Days with data"),
        ),
        hide_index=True,
        width="stretch",
    )


def missing_values(ctx: c.Context, result: Ranking, names: Names, own: set[str]) -> None:
    """Why each missing KPI value of the table is missing (the vendors this view shows by name)."""
    per = ctx.period()
    shown = [v for v in result.vendors if v in own]
    if not shown:
        return
    notes = ctx.data("kpi_notes", per.grain, shown, False, per.start, per.end)
    notes = notes.filter(pl.col("period") == per.label)
    rows = [i for i, v in enumerate(result.vendors) if v in own]
    why = missing.missing_reasons(
        [result.vendors[i] for i in rows],
        result.values[rows],
        list(result.preset.kpi_ids),
        notes,
        ctx.view.sl,
        ctx.settings["fcr_method"],
    )
    if why.is_empty():
        return
    with st.expander(f"Why {why.height} KPI value(s) are missing"):
        st.dataframe(
            why.select(
                pl.col("vendor_id").replace_strict(names, default=pl.col("vendor_id")).alias("Vendor"),
                pl.col("kpi").map_elements(lambda k: ctx.kpi(k).label, pl.String).alias("KPI"),
                pl.col("reason").alias("Reason"),
            ),
            hide_index=True,
            width="stretch",
        )


#: The panels below the table, in tab order.
PANELS = {
    "Contributions": contributions,
    "Rank probabilities": rank_probabilities,
    "Weight ranges": weight_ranges,
    "Confidence": confidence,
}


def kpi_label(ctx: c.Context, priced: pl.DataFrame | None) -> Callable[[str], str]:
    """A KPI's column label; with bids priced on the scenario, cost per call is the bid, and says so."""
    bid = "Bid per handled call (scenario)"
    return lambda k: bid if priced is not None and k == "cost_per_call" else ctx.kpi(k).label


def kpi_columns(ctx: c.Context, kpi_ids: Sequence[str], label: Callable[[str], str]) -> dict[str, Any]:
    """The KPI columns' help: the definition, then how the cell reads."""
    return {
        label(k): st.column_config.TextColumn(
            help=f"{ctx.kpi(k).definition}: the value, then its points (0–100) under this preset"
        )
        for k in kpi_ids
    }


def bid_notes(priced: pl.DataFrame | None, names: Names, currency: str) -> None:
    """Under the table of a procurement ranking: each bid on the scenario with its formula (as the CLI)."""
    if priced is None:
        return
    lines = bid_lines(priced, names, currency)
    st.caption(plain("\n".join([BIDS_HEADLINE, *lines]), lines=True))


def few_events(stab: Stability) -> pl.DataFrame:
    """The KPI values with too few events to separate vendors (Wilson); none without daily components
    (bids on a scenario are fixed numbers)."""
    if stab.wilson is None:
        return pl.DataFrame(schema={"vendor_id": pl.String, "kpi": pl.String})
    return stab.wilson.filter(pl.col("few_events"))
