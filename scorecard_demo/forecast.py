"""The client's forecast in the demo tender, and the volume the client did not forecast.

The client forecasts each bidder's calls per program and 30-minute interval from the expected demand of
the simulation (`arrivals.plan`): what the vendors were asked to staff for. A surge the client did not
forecast sends more calls than that to one bidder (`SURGES`: arrivals scaled, staffing left on the
forecast), so the quarterly review can tell a miss caused by the client's forecast from one the vendor
owns (docs/staffing.md): `hu_duna` gets 25 % more calls than forecast through Q2, while `cn_hanyu`'s
misses happen on forecast volume.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta

import polars as pl

from scorecard_demo.arrivals import DayPlan, plan
from scorecard_demo.vendors import INTERVAL_S, START, VendorSpec

#: Volume the client did not forecast: per vendor, (first day, last day, factor on expected arrivals).
SURGES: dict[str, tuple[tuple[date, date, float], ...]] = {
    "hu_duna": ((date(2026, 4, 1), date(2026, 6, 30), 1.25),),
}
#: `[contract]` keys added to a vendor's pilot contract: the volume band around the forecast.
CONTRACT: dict[str, dict[str, float]] = {
    "hu_duna": {"volume_band_pct": 10},
    "cn_hanyu": {"volume_band_pct": 10},
}
#: The demo README's paragraph on the forecast.
README = (
    "Each vendor folder also holds the client's forecast (`forecast/`, a `forecast` export in",
    "vendor.toml): calls per program and 30-minute interval. Through Q2 `hu_duna` got 25 % more calls",
    "than the client forecast and staffed to the forecast, so its Q2 misses are the forecast's; `cn_hanyu`",
    "misses on forecast volume with the staff it chose. The quarterly review's staffing section says",
    "which is which (docs/staffing.md).",
    "",
)
#: Where the forecast files go in a vendor folder, one per month.
PATTERN = "forecast/forecast_{month}.csv"


def factor(spec: VendorSpec, day: date) -> float:
    """How many times the forecast volume arrives on `day` (1.0 without a surge)."""
    return next((f for first, last, f in SURGES.get(spec.vendor_id, ()) if first <= day <= last), 1.0)


def actual(spec: VendorSpec, day: DayPlan) -> DayPlan:
    """The day's expected arrivals with any unforecast surge (the forecast itself is `day`)."""
    f = factor(spec, day.day)
    return day if f == 1.0 else replace(day, expected=day.expected * f)


def _shares(spec: VendorSpec) -> list[tuple[str, float]]:
    """Each program's share of the calls that get in, as the vendor's exports name the programs."""
    if spec.unqueued_program is None:
        return list(spec.programs)
    queued = [(p, s * (1 - spec.self_service_rate)) for p, s in spec.programs]
    return [*queued, (spec.unqueued_program, spec.self_service_rate)]


def forecast_frame(spec: VendorSpec) -> pl.DataFrame:
    """The client's forecast: one row per program x open interval (vendor-local start), calls to one
    decimal and the AHT the client planned with (none for calls that end in the IVR)."""
    aht = float(spec.talk_s + spec.hold_s + spec.acw_s)
    rows = [
        (program, datetime.combine(START, datetime.min.time()) + timedelta(days=d.index, seconds=int(s)),
         INTERVAL_S, round(float(e) * share, 1), None if program == spec.unqueued_program else aht)
        for d in plan(spec)
        for s, e in zip(d.starts, d.expected, strict=True)
        for program, share in _shares(spec)
    ]  # fmt: skip
    schema = {
        "program": pl.String,
        "interval_start": pl.Datetime("us"),
        "interval_s": pl.Int64,
        "forecast_offered": pl.Float64,
        "forecast_aht_s": pl.Float64,
    }
    return pl.DataFrame(rows, schema=schema, orient="row").sort("interval_start", "program")
