"""The review's charts (Altair), shown live in the app and as static SVG in the HTML report.

`svg(chart)` renders a chart with `vl-convert` (no browser, no network), so the HTML report shows every
chart offline, in print and in any mail client that shows HTML; the numbers are in the tables as well.
"""

from __future__ import annotations

import altair as alt
import polars as pl

from scorecard.metrics import catalogue
from scorecard.present import format as fmt
from scorecard.present.charts import PALETTE, STATUS_COLOURS
from scorecard.review.front import FrontPage
from scorecard.review.quarter import Review

WIDTH = 620
#: An axis label on two lines (its first two words, then the rest): the four steps fit a half-width column.
TWO_LINES = "[join(slice(split(datum.label, ' '), 0, 2), ' '), join(slice(split(datum.label, ' '), 2), ' ')]"


def waterfall(front: FrontPage) -> alt.LayerChart | None:
    """Invoiced → − SLA credits owed → + earned back → net cost, in the vendor currency."""
    rows, running = [], 0.0
    for i, step in enumerate(front.steps):
        if step.amount is None:
            return None
        start, end = (0.0, step.amount) if step.total else (running, running + step.amount)
        running = end
        kind = "total" if step.total else ("down" if step.amount < 0 else "up")
        rows.append(
            {"order": i, "step": step.label, "start": start, "end": end, "top": max(start, end), "kind": kind,
             "text": fmt.money(step.amount, front.currency)}
        )  # fmt: skip
    data = pl.DataFrame(rows)
    order = data["step"].to_list()
    base = alt.Chart(data).encode(
        x=alt.X("step:N", sort=order, title=None, axis=alt.Axis(labelAngle=0, labelExpr=TWO_LINES)),
        tooltip=[alt.Tooltip("step:N", title="Step"), alt.Tooltip("text:N", title="Amount")],
    )
    bars = base.mark_bar(size=70).encode(
        y=alt.Y("start:Q", title=f"{front.currency}", axis=alt.Axis(format=",.0f")),
        y2="end:Q",
        color=alt.Color(
            "kind:N",
            legend=None,
            scale=alt.Scale(
                domain=["total", "down", "up"],
                range=[PALETTE[0], STATUS_COLOURS["missed"], STATUS_COLOURS["met"]],
            ),
        ),
    )
    labels = base.mark_text(dy=-8, fontSize=12).encode(y=alt.Y("top:Q"), text="text:N")  # above the bar
    return (bars + labels).properties(width=WIDTH, height=220, title="Credits: invoiced to net cost")


def trend(review: Review, kpi_ids: list[str]) -> alt.FacetChart | None:
    """Each KPI by month over the previous quarter and this one, with its target as a dashed line."""
    s = review.settings
    months = review.months
    rows = []
    for kpi_id in kpi_ids:
        k = catalogue.kpi(kpi_id, s["sl_variant"], s["fcr_method"])
        low, high = _band(review, kpi_id)
        unit = fmt.kpi_unit(kpi_id, review.base_currency)
        for r in months.iter_rows(named=True):
            value = r[kpi_id]
            if value is None:
                continue
            shown = value * 100 if k.unit == "rate" else value
            rows.append(
                {"kpi": k.label, "month": r["period"], "value": shown,
                 "target": None if low is None and high is None else (
                     (low if low is not None else high) * (100 if k.unit == "rate" else 1)),
                 "text": fmt.by_unit(value, unit)}
            )  # fmt: skip
    if not rows:
        return None
    data = pl.DataFrame(rows, infer_schema_length=None)
    base = alt.Chart().encode(x=alt.X("month:O", title=None))
    line = base.mark_line(point=True, color=PALETTE[0]).encode(
        y=alt.Y("value:Q", title=None, scale=alt.Scale(zero=False)),
        tooltip=[alt.Tooltip("month:O"), alt.Tooltip("text:N", title="Value")],
    )
    rule = base.mark_rule(strokeDash=[4, 4], color=STATUS_COLOURS["missed"]).encode(y="target:Q")
    return (
        alt.layer(line, rule, data=data)
        .properties(width=135, height=90)
        .facet(facet=alt.Facet("kpi:N", title=None, sort=None), columns=4)
        .resolve_scale(y="independent")
        .properties(title="By month (rates in %, durations in seconds); dashed: target")
    )


def _band(review: Review, kpi_id: str) -> tuple[float | None, float | None]:
    row = review.kpis.filter(pl.col("kpi") == kpi_id)
    if not row.height:
        return None, None
    return row["target_low"][0], row["target_high"][0]


def profile(review: Review) -> alt.Chart | None:
    """Share of 30-minute intervals meeting the service-level target, by time of day."""
    if not review.profile.height:
        return None
    return (
        alt.Chart(review.profile)
        .mark_bar(color=PALETTE[0])
        .encode(
            x=alt.X("time:O", title="Interval start (vendor-local)"),
            y=alt.Y("attainment_rate:Q", title="Intervals meeting target", axis=alt.Axis(format="%")),
            tooltip=["time", "intervals", "meeting"],
        )
        .properties(width=WIDTH, height=160)
    )


def ranking(review: Review) -> alt.Chart | None:
    """Every ranked vendor's score, the reviewed vendor highlighted (peers by name or anonymised)."""
    if not review.ranking.height:
        return None
    data = review.ranking.filter(pl.col("score").is_not_null()).with_columns(
        pl.col("vendor_id").replace_strict(review.names, default=pl.col("vendor_id")).alias("vendor"),
        (pl.col("vendor_id") == review.vendor_id).alias("reviewed"),
    )
    return (
        alt.Chart(data)
        .mark_bar()
        .encode(
            x=alt.X("score:Q", scale=alt.Scale(domain=[0, 100]), title="Score (0–100)"),
            y=alt.Y("vendor:N", sort="-x", title=None),
            color=alt.Color("reviewed:N", legend=None, scale=alt.Scale(domain=[False, True],
                                                                       range=["#9aa5b1", PALETTE[1]])),
            tooltip=[alt.Tooltip("vendor:N"), alt.Tooltip("score:Q", format=".1f")],
        )
        .properties(width=WIDTH, height=alt.Step(22))
    )  # fmt: skip


def svg(chart: alt.TopLevelMixin) -> str:
    """The chart as a static SVG document (rendered by vl-convert, offline)."""
    import vl_convert

    return vl_convert.vegalite_to_svg(chart.to_dict(), vl_version=_vl_version())


def _vl_version() -> str:
    from altair.utils._importers import vl_version_for_vl_convert

    return vl_version_for_vl_convert()
