"""Staffing-adjusted service level: what a vendor attained against what its staffing allowed.

Per interval of the client's forecast (`kpi_staffing_intervals`): the service level an Erlang-A queue
(M/M/n+M, `scorecard.staffing.erlang`) gives with the interval's actual queued calls and AHT, the agents
the vendor had and the callers' patience estimated from the vendor's own abandons, against the service
level attained. Negative means the vendor did worse than its staffing allowed (execution); near zero, the
result is what the staffing gave (a staffing decision); a miss on an interval whose volume was above the
forecast is the client's forecast. Also the agents the forecast volume needed at the target (Erlang C
and A) against the agents the vendor had. Definitions: docs/staffing.md.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import duckdb
import polars as pl

from scorecard.metrics.provenance import scope_params
from scorecard.sql.views import ensure_views
from scorecard.staffing.erlang import agents_for, expected_sl

#: Attained − expected below this (5 percentage points) on a missed interval is the vendor's execution.
EXECUTION_GAP = 0.05
#: Volume above the forecast by more than this share makes a miss the forecast's, unless the contract
#: states its own band (`volume_band_pct`).
DEFAULT_BAND = 0.10
CAUSES = ("forecast", "execution", "staffing")


def patience_s(queue_wait_s: float | None, abandoned: float | None) -> float | None:
    """Mean patience of callers (s): Σ wait of every queued call / abandons.

    The maximum-likelihood estimate for exponential patience: an abandon is an observed patience, an
    answered call's wait a patience known to be longer (censored); None without abandons or waits.
    """
    if not queue_wait_s or not abandoned or queue_wait_s <= 0 or abandoned <= 0:
        return None
    return float(queue_wait_s) / float(abandoned)


def above_forecast(actual: float, forecast: float, band: float) -> bool:
    """More calls than forecast by more than the band and by more than chance: beyond `forecast × (1 +
    band)` and beyond two Poisson standard deviations (`forecast + 2√forecast`), the randomness an
    Erlang staffing plan already absorbs."""
    return actual > max(forecast * (1 + band), forecast + 2 * math.sqrt(max(forecast, 0.0)))


def execution_gap(expected: float, calls: int) -> float:
    """How far below expected a miss must fall to be the vendor's execution: 5 percentage points, or two
    binomial standard errors of the interval's service level when its calls are few."""
    return max(EXECUTION_GAP, 2 * math.sqrt(expected * (1 - expected) / calls))


@dataclass(frozen=True)
class StaffingReview:
    """Per interval, per day and per vendor: attained against expected, causes of misses, staff needed."""

    intervals: pl.DataFrame
    days: pl.DataFrame
    summary: pl.DataFrame
    target_sl: float
    threshold_s: float


def _inputs(con: duckdb.DuckDBPyConnection, vendors, start, end) -> pl.DataFrame:
    ensure_views(con)
    return con.sql(
        "select * from kpi_staffing_intervals(vendor_ids := $vendors, start_date := $start, "
        "end_date := $end) order by vendor_id, interval_start",
        params=scope_params(vendors, start, end),
    ).pl()


def _vendor_constants(frame: pl.DataFrame) -> dict[str, dict[str, float | None]]:
    """Per vendor over the scope: patience, AHT and the share of offered calls that queue."""
    sums = frame.group_by("vendor_id").agg(
        pl.col("queue_wait_s", "abandoned", "handle_s", "answered", "queued", "offered").sum()
    )
    out = {}
    for r in sums.iter_rows(named=True):
        out[r["vendor_id"]] = {
            "patience_s": patience_s(r["queue_wait_s"], r["abandoned"]),
            "aht_s": r["handle_s"] / r["answered"] if r["answered"] else None,
            "queued_share": r["queued"] / r["offered"] if r["offered"] else None,
        }
    return out


def _interval(row: dict, k: dict, t_s: float, target: float, band: float) -> dict:
    """One interval's expected and attained service level, its cause if missed, the staff needed."""
    queued, agents = row["queued"], row["staffed_agents"]
    aht = row["handle_s"] / row["answered"] if row["answered"] else k["aht_s"]
    patience = k["patience_s"]
    attained = row["answered_in_sl"] / queued if queued and row["answered_in_sl"] is not None else None
    expected = None
    if queued and agents is not None and aht and patience:
        expected = expected_sl(int(queued), int(row["interval_s"]), aht, agents, t_s, patience)
    above = above_forecast(row["offered"], row["forecast_offered"], band) or above_forecast(
        row["day_offered"], row["day_forecast_offered"], band
    )
    missed = attained is not None and attained < target
    cause = None
    if missed:
        gap = None if expected is None else attained - expected
        cause = (
            "forecast"
            if above
            else (
                None if gap is None else "execution" if gap < -execution_gap(expected, queued) else "staffing"
            )
        )
    f_aht, share = row["forecast_workload_s"], k["queued_share"]
    f_calls = row["forecast_offered"] * share if share is not None else None
    f_aht = f_aht / row["forecast_offered"] if f_aht and row["forecast_offered"] else None
    need_c = need_a = None
    if f_calls is not None and f_aht:
        need_c = agents_for(round(f_calls, 3), int(row["interval_s"]), round(f_aht), t_s, target, None)
        if patience:
            need_a = agents_for(
                round(f_calls, 3), int(row["interval_s"]), round(f_aht), t_s, target, round(patience)
            )
    return {
        "aht_s": aht,
        "patience_s": patience,
        "attained_sl": attained,
        "expected_sl": expected,
        "gap": None if attained is None or expected is None else attained - expected,
        "expected_in_sl": None if expected is None else expected * queued,
        "above_forecast": above,
        "missed": missed,
        "cause": cause,
        "needed_erlang_c": need_c,
        "needed_erlang_a": need_a,
    }


def staffing_review(
    con: duckdb.DuckDBPyConnection,
    vendors: Sequence[str] | None = None,
    start: date | None = None,
    end: date | None = None,
    target_sl: float = 0.8,
    threshold_s: float | None = None,
    volume_band_pct: float | None = None,
) -> StaffingReview:
    """The staffing-adjusted service level of `vendors` over [start, end] (vendor-local dates).

    `target_sl` is the service level a miss is measured against (the contract's, or the catalogue's
    80 %); `threshold_s` T defaults to the workspace's; `volume_band_pct` (the contract's) sets how far
    above the forecast volume makes a miss the forecast's (default 10 %).
    """
    frame = _inputs(con, vendors, start, end).with_columns(
        day_offered=pl.col("offered").sum().over("vendor_id", "local_date"),
        day_forecast_offered=pl.col("forecast_offered").sum().over("vendor_id", "local_date"),
    )
    if threshold_s is None:
        threshold_s = float(con.sql("select sl_threshold_s from stg_settings").fetchall()[0][0])
    band = DEFAULT_BAND if volume_band_pct is None else volume_band_pct / 100
    constants = _vendor_constants(frame)
    rows = [
        r | _interval(r, constants[r["vendor_id"]], threshold_s, target_sl, band)
        for r in frame.iter_rows(named=True)
    ]
    intervals = (
        pl.DataFrame(rows, schema_overrides=_INTERVAL_TYPES, infer_schema_length=None)
        if rows
        else (frame.with_columns(**{c: pl.lit(None, t) for c, t in _INTERVAL_TYPES.items()}))
    )
    return StaffingReview(intervals, _days(intervals), _summary(intervals, target_sl), target_sl, threshold_s)


_INTERVAL_TYPES = {
    "aht_s": pl.Float64, "patience_s": pl.Float64, "attained_sl": pl.Float64, "expected_sl": pl.Float64,
    "gap": pl.Float64, "expected_in_sl": pl.Float64, "above_forecast": pl.Boolean, "missed": pl.Boolean,
    "cause": pl.String, "needed_erlang_c": pl.Int64, "needed_erlang_a": pl.Int64,
}  # fmt: skip


def _rollup(frame: pl.DataFrame, keys: list[str]) -> pl.DataFrame:
    """Attained over the intervals that have it; expected and attained − expected over the intervals
    that have both (`judged_calls`); sums, then one division, None without any. The missed intervals and
    their queued calls by cause."""
    known = pl.col("attained_sl").is_not_null()
    both = pl.col("expected_sl").is_not_null() & known
    judged = pl.col("queued").filter(both).sum()
    aggs = [
        pl.len().alias("intervals"),
        pl.col("queued").sum().alias("queued"),
        pl.col("queued").filter(known).sum().alias("attained_calls"),
        pl.col("answered_in_sl").filter(known).sum().alias("attained_in_sl"),
        judged.alias("judged_calls"),
        pl.col("answered_in_sl").filter(both).sum().alias("judged_in_sl"),
        pl.col("expected_in_sl").filter(both).sum().alias("expected_in_sl"),
        pl.col("missed").sum().alias("missed_intervals"),
        pl.col("queued").filter(pl.col("missed")).sum().alias("missed_calls"),
        pl.col("above_forecast").sum().alias("above_forecast_intervals"),
        *(pl.col("queued").filter(pl.col("cause") == c).sum().alias(f"missed_calls_{c}") for c in CAUSES),
        (pl.col("staffed_agents") < pl.col("needed_erlang_a")).sum().alias("understaffed_intervals"),
        pl.col("staffed_agents").mean().alias("mean_staffed_agents"),
        pl.col("needed_erlang_a").mean().alias("mean_needed_erlang_a"),
        pl.col("needed_erlang_c").mean().alias("mean_needed_erlang_c"),
    ]
    out = frame.group_by(keys).agg(aggs).sort(keys)
    judged_any = pl.col("judged_calls") > 0
    return out.with_columns(
        attained_sl=pl.when(pl.col("attained_calls") > 0).then(
            pl.col("attained_in_sl") / pl.col("attained_calls")
        ),
        expected_sl=pl.when(judged_any).then(pl.col("expected_in_sl") / pl.col("judged_calls")),
        gap=pl.when(judged_any).then(
            (pl.col("judged_in_sl") - pl.col("expected_in_sl")) / pl.col("judged_calls")
        ),
    )


def _days(intervals: pl.DataFrame) -> pl.DataFrame:
    return _rollup(intervals, ["vendor_id", "local_date"])


def verdict(row: dict, target_sl: float) -> str:
    """Whose the misses are, in one sentence, from a summary row: none when the period met the target;
    else the cause of at least half of the missed intervals' calls, by the forecast first."""
    missed = row["missed_calls"] or 0
    if row["attained_sl"] is not None and row["attained_sl"] >= target_sl:
        return "the period met the target"
    if not row["missed_intervals"]:
        return "no interval missed the target"
    shares = {c: (row[f"missed_calls_{c}"] or 0) / missed if missed else 0.0 for c in CAUSES}
    if shares["forecast"] >= 0.5:
        return "misses explained by volume above the client's forecast"
    if shares["execution"] + shares["staffing"] < 0.5:
        return "misses not explained by volume; without agent time the staffing cannot be judged"
    if shares["execution"] >= shares["staffing"]:
        return "misses not explained by volume: worse than the vendor's staffing allowed (execution)"
    return "misses not explained by volume: what the vendor's staffing gave (a staffing decision)"


def _summary(intervals: pl.DataFrame, target_sl: float) -> pl.DataFrame:
    out = _rollup(intervals, ["vendor_id"])
    patience = intervals.group_by("vendor_id").agg(pl.col("patience_s").first())
    out = out.join(patience, on="vendor_id", how="left")
    missed = pl.col("missed_calls")
    out = out.with_columns(
        pl.when(missed > 0).then(pl.col(f"missed_calls_{c}") / missed).alias(f"share_{c}") for c in CAUSES
    )
    verdicts = [verdict(r, target_sl) for r in out.iter_rows(named=True)]
    return out.with_columns(verdict=pl.Series(verdicts, dtype=pl.String))


def volume_months(intervals: pl.DataFrame, volume_band_pct: float | None) -> pl.DataFrame:
    """Per vendor and month: actual offered against forecast over the forecast's intervals, and whether
    it stayed within the contract's band (None without a band)."""
    out = (
        intervals.group_by("vendor_id", month=pl.col("local_date").dt.strftime("%Y-%m"))
        .agg(pl.col("offered").sum(), pl.col("forecast_offered").sum())
        .sort("vendor_id", "month")
        .with_columns(ratio=pl.col("offered") / pl.col("forecast_offered"))
    )
    if volume_band_pct is None:
        return out.with_columns(within_band=pl.lit(None, pl.Boolean))
    band = volume_band_pct / 100
    return out.with_columns(within_band=(pl.col("ratio") - 1).abs() <= band)
