"""The review section "Staffing against the forecast": per month and for the quarter, the service level
attained against what the vendor's staffing allowed (Erlang A), whose the missed intervals were, the
staff the forecast needed against the staff the vendor had, and the volume against the forecast and the
contract's band (docs/staffing.md)."""

from __future__ import annotations

import polars as pl

from scorecard.review.quarter import Review
from scorecard.review.report import HEADERS
from scorecard.staffing.adjusted import CAUSES, _rollup, volume_months

#: Units of the section's columns (`present.format.by_unit`).
UNITS: dict[str, str] = {
    "queued_calls": "count",
    "attained_sl": "rate",
    "expected_sl": "rate",
    "attained_minus_expected": "+rate",
    "missed_intervals": "count",
    **{f"missed_calls_{c}": "rate" for c in CAUSES},
    "agents_staffed": "count",
    "agents_needed_erlang_c": "count",
    "agents_needed_erlang_a": "count",
    "intervals_understaffed": "count",
    "volume_vs_forecast": "rate",
    "within_volume_band": "bool",
}

#: The section's column headers (added to the report's `HEADERS`).
HEADERS.update({
    "queued_calls": "Queued calls",
    "attained_sl": "Service level attained",
    "expected_sl": "Expected (Erlang A)",
    "attained_minus_expected": "Attained − expected",
    "missed_intervals": "Intervals below target",
    "missed_calls_forecast": "Missed calls: forecast",
    "missed_calls_execution": "Missed calls: execution",
    "missed_calls_staffing": "Missed calls: staffing",
    "agents_staffed": "Agents staffed",
    "agents_needed_erlang_c": "Agents needed (Erlang C)",
    "agents_needed_erlang_a": "Agents needed (Erlang A)",
    "intervals_understaffed": "Intervals below need",
    "volume_vs_forecast": "Offered / forecast calls",
    "within_volume_band": "Within contract band",
})  # fmt: skip


def staffing_frame(review: Review) -> pl.DataFrame | None:
    """One row per month of the quarter and one for the quarter; None without a forecast."""
    s = review.staffing
    if s is None or s.intervals.is_empty():
        return None
    intervals = s.intervals.with_columns(period=pl.col("local_date").dt.strftime("%Y-%m"))
    rows = pl.concat(
        [
            _rollup(intervals, ["period"]),
            _rollup(intervals.with_columns(period=pl.lit(review.quarter.label)), ["period"]),
        ]
    )
    months = volume_months(s.intervals, review.contract.volume_band_pct).drop("vendor_id")
    total = months.select(
        pl.lit(review.quarter.label).alias("month"), pl.col("offered").sum(), pl.col("forecast_offered").sum()
    ).with_columns(ratio=pl.col("offered") / pl.col("forecast_offered"))
    band = review.contract.volume_band_pct
    total = total.with_columns(
        within_band=pl.lit(None, pl.Boolean) if band is None else (pl.col("ratio") - 1).abs() <= band / 100
    )
    volume = pl.concat([months, total], how="vertical_relaxed").rename({"month": "period"})
    share = {
        c: pl.when(pl.col("missed_calls") > 0).then(pl.col(f"missed_calls_{c}") / pl.col("missed_calls"))
        for c in CAUSES
    }
    return rows.join(volume, on="period", how="left").select(
        "period",
        pl.col("queued").alias("queued_calls"),
        "attained_sl",
        "expected_sl",
        pl.col("gap").alias("attained_minus_expected"),
        "missed_intervals",
        *(share[c].alias(f"missed_calls_{c}") for c in CAUSES),
        pl.col("mean_staffed_agents").alias("agents_staffed"),
        pl.col("mean_needed_erlang_c").alias("agents_needed_erlang_c"),
        pl.col("mean_needed_erlang_a").alias("agents_needed_erlang_a"),
        pl.col("understaffed_intervals").alias("intervals_understaffed"),
        pl.col("ratio").alias("volume_vs_forecast"),
        pl.col("within_band").alias("within_volume_band"),
    )


def staffing_verdict(review: Review) -> str | None:
    """Whose the quarter's missed intervals were, in one sentence; None without a forecast."""
    s = review.staffing
    if s is None or s.summary.is_empty():
        return None
    return str(s.summary.row(0, named=True)["verdict"])


def staffing_note(review: Review) -> str:
    """The verdict and how to read the table."""
    s, verdict = review.staffing, staffing_verdict(review)
    if s is None or verdict is None:
        return ""
    patience = s.summary.row(0, named=True)["patience_s"]
    caller = "unknown (no abandons)" if patience is None else f"{patience:.0f} s"
    return (
        f"{review.vendor_name}, {review.quarter.label}: {verdict}. Per interval of the client's "
        f"forecast, expected = the Erlang-A service level (answered within {s.threshold_s:g} s / "
        f"queued calls) with the interval's calls, handle time and staffed agents, and callers' mean "
        f"patience {caller} (Σ wait / abandons); an interval misses below {s.target_sl:.0%}. Missed "
        "calls by cause: forecast = volume above the forecast beyond chance; execution = attained "
        "below expected by more than 5 pp and more than chance; staffing = the result the staffing "
        "gave. Agents are means per interval; needed = for the forecast volume at the target. See "
        "docs/staffing.md."
    )
