"""The funnel plot of one rate KPI (Altair): vendors' rates against their volume inside the control limits."""

from __future__ import annotations

import altair as alt
import numpy as np
import polars as pl

from scorecard.scoring.funnel import Z95, Z998, Funnel


def funnel_chart(rows: pl.DataFrame, names: dict[str, str] | None = None) -> alt.LayerChart:
    """`rows`: one KPI's rows of `funnel.noise_table` (vendor_id, rate, events, pooled, tau2, ...)."""
    names = names or {}
    pooled, tau2 = float(rows["pooled"][0]), float(rows["tau2"][0])
    limits = Funnel(pooled, 0.0, tau2, rows)
    top = float(rows["events"].max()) * 1.1
    n = np.linspace(max(1.0, float(rows["events"].min()) * 0.5), top, 120)
    curves = []
    for label, z in (("95 %", Z95), ("99.8 %", Z998)):
        low, high = limits.limits(n, z)
        curves += [{"events": e, "rate": r, "limit": f"{label} {side}"} for side, values in
                   (("low", low), ("high", high)) for e, r in zip(n, values, strict=True)]  # fmt: skip
    lines = (
        alt.Chart(alt.Data(values=curves))
        .mark_line(strokeDash=[4, 3], color="#777777")
        .encode(x="events:Q", y="rate:Q", detail="limit:N")
    )
    centre = alt.Chart(alt.Data(values=[{"rate": pooled}])).mark_rule(color="#444444").encode(y="rate:Q")
    points = (
        alt.Chart(
            rows.select(
                pl.col("vendor_id").replace_strict(names, default=pl.col("vendor_id")).alias("vendor"),
                "events",
                "rate",
                pl.when("within_noise")
                .then(pl.lit("within the noise"))
                .otherwise(pl.lit("differs"))
                .alias("noise"),
            ).to_pandas()
        )
        .mark_point(filled=True, size=90)
        .encode(
            x=alt.X("events:Q", title="Volume (events in the denominator)"),
            y=alt.Y("rate:Q", title="Rate", axis=alt.Axis(format="%")),
            color=alt.Color("noise:N", scale=alt.Scale(range=["#d55e00", "#0072b2"]), title=None),
            shape="noise:N",
            tooltip=["vendor:N", alt.Tooltip("rate:Q", format=".1%"), "events:Q", "noise:N"],
        )
    )
    return alt.layer(lines, centre, points)
