"""The demo model end to end: per vendor, days of arrivals, staffing and queueing, then the canonical
tables the vendor sends (calls or interval reports, agent time, surveys, QA evaluations, invoices).

Deterministic: every random number comes from `numpy.random.default_rng([seed, vendor, stream])`, with
one stream per concern, so changing one vendor or one concern leaves the others' numbers unchanged.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np
import polars as pl

from scorecard_demo import forecast, people, pricing
from scorecard_demo.arrivals import arrival_seconds, plan
from scorecard_demo.queue import OUTCOMES, CallerPool, DayCalls, simulate_day
from scorecard_demo.staffing import Roster, Shift, shifts_for_day
from scorecard_demo.vendors import (
    INTERVAL_S,
    SHORT_ABANDON_S,
    SL_THRESHOLD_S,
    START,
    VENDORS,
    VendorSpec,
)

DEFAULT_SEED = 20260101
INTERVAL_PLATFORMS = frozenset({"genesys_cloud_queue_interval", "avaya_cms_hsplit"})
CALL_COLUMNS = [
    "call_id", "program", "arrived_at", "outcome", "wait_s", "talk_s", "hold_s", "acw_s",
    "transferred", "resolved", "caller_key", "agent_id", "revenue",
]  # fmt: skip
STREAMS = {"arrivals": 0, "staffing": 1, "queue": 2, "ids": 3, "agents": 4, "surveys": 5, "quality": 6}


@dataclass(frozen=True)
class VendorData:
    """One simulated vendor: every call (canonical columns plus `ivr_s` and `phone`) and the canonical
    tables it sends, keyed by table name."""

    spec: VendorSpec
    calls: pl.DataFrame
    tables: dict[str, pl.DataFrame]


def _rng(seed: int, vendor_no: int, stream: str) -> np.random.Generator:
    return np.random.default_rng([seed, vendor_no, STREAMS[stream]])


def phone(spec: VendorSpec, caller: int) -> str:
    """The caller's phone number as the vendor's platform sees it (fictional numbering)."""
    n = (caller * 7_919 + 1_234_567) % 10_000_000
    if spec.country == "US":
        return f"+1{(312, 773, 630, 847, 708)[caller % 5]}{n:07d}"
    if spec.country == "FR":
        return f"0{(1, 6, 7, 6, 4)[caller % 5]}{n:08d}"
    if spec.country == "CN":
        return f"1{(38, 39, 58, 86, 36)[caller % 5]}{n:07d}{caller % 10}"
    if spec.country == "HU":
        return f"+36{(20, 30, 70, 1, 1)[caller % 5]}{n:07d}"
    return f"+79{(16, 26, 3, 85, 10)[caller % 5]:02d}{n:07d}"


def caller_key(number: str) -> str:
    """A stable hashed caller number (no personal data leaves the vendor)."""
    return hashlib.sha256(number.encode()).hexdigest()[:16]


def _as_exported(spec: VendorSpec, number: str) -> str:
    """The caller number as the export carries it (Hanyu sends an MD5 of the number, never the number)."""
    return (
        hashlib.md5(number.encode(), usedforsecurity=False).hexdigest()
        if spec.platform == "mapped"
        else number
    )


def _call_ids(spec: VendorSpec, day: list[int], rng: np.random.Generator) -> list[str]:
    """Call identifiers in the style of the vendor's platform."""
    if spec.platform == "amazon_connect_ctr":
        hi, lo = rng.integers(0, 1 << 63, len(day)), rng.integers(0, 1 << 63, len(day))
        out = []
        for a, b in zip(hi.tolist(), lo.tolist(), strict=True):
            h = f"{a:016x}{b:016x}"
            out.append(f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{'89ab'[b % 4]}{h[17:20]}-{h[20:32]}")
        return out
    if spec.platform == "five9_call_log":
        steps = rng.integers(1, 4, len(day)).cumsum()
        return [str(300_000_000 + int(s)) for s in steps]
    if spec.platform == "mapped":
        out, seen = [], {}
        for d in day:
            seen[d] = seen.get(d, 0) + 1
            out.append(f"HY{(START + timedelta(days=d)).strftime('%Y%m%d')}{seen[d]:05d}")
        return out
    return [f"{spec.vendor_id}-{i:07d}" for i in range(1, len(day) + 1)]


def _calls_frame(
    spec: VendorSpec, days: list[tuple[int, list[Shift], DayCalls]], ids: list[str], rng: np.random.Generator
) -> pl.DataFrame:
    """Every call of the period as one frame with canonical columns (local naive timestamps)."""
    cat = lambda name: np.concatenate([getattr(dc, name) for _, _, dc in days])  # noqa: E731
    day_no = np.concatenate([np.full(len(dc.outcome), d) for d, _, dc in days])
    agent = np.concatenate(
        [np.array([shifts[a].agent if a >= 0 else -1 for a in dc.agent], dtype=int) for _, shifts, dc in days]
    )
    outcome = cat("outcome")
    numbers = [phone(spec, int(c)) for c in cat("caller")]
    revenue = cat("revenue")
    frame = pl.DataFrame(
        {
            "call_id": _call_ids(spec, day_no.tolist(), rng),
            "program": [spec.programs[int(p)][0] for p in cat("program")],
            "arrived_at": [
                datetime(2026, 1, 1) + timedelta(days=int(d), seconds=int(s))
                for d, s in zip(day_no, cat("arrival_s"), strict=True)
            ],
            "outcome": [OUTCOMES[int(o)] for o in outcome],
            "wait_s": cat("wait_s"),
            "talk_s": cat("talk_s"),
            "hold_s": cat("hold_s"),
            "acw_s": cat("acw_s"),
            "transferred": cat("transferred"),
            "resolved": cat("resolved"),
            "caller_key": [caller_key(_as_exported(spec, n)) for n in numbers],
            "agent_id": [ids[a] if a >= 0 else None for a in agent],
            "revenue": pl.Series(np.where(revenue > 0, revenue, np.nan)).fill_nan(None),
            "ivr_s": cat("ivr_s"),
            "phone": numbers,
        }
    )
    unqueued = pl.col("outcome").is_in(["self_service", "blocked"]) & (spec.unqueued_program is not None)
    return frame.with_columns(
        pl.col("arrived_at").cast(pl.Datetime("us")),
        program=pl.when(unqueued).then(pl.lit(spec.unqueued_program)).otherwise(pl.col("program")),
        resolved=pl.when(pl.col("outcome") == "answered").then(pl.col("resolved")),
    )


def intervals(spec: VendorSpec, calls: pl.DataFrame) -> pl.DataFrame:
    """The interval report an ACD would compute from these calls: one row per program x open interval."""
    c = calls.with_columns(interval_start=pl.col("arrived_at").dt.truncate(f"{INTERVAL_S}s"))
    ans, abn = pl.col("outcome") == "answered", pl.col("outcome") == "abandoned"
    agg = c.group_by("program", "interval_start").agg(
        answered=ans.sum(),
        answered_in_sl=(ans & (pl.col("wait_s") <= SL_THRESHOLD_S)).sum(),
        abandoned=abn.sum(),
        abandoned_in_sl=(abn & (pl.col("wait_s") <= SL_THRESHOLD_S)).sum(),
        short_abandoned=(abn & (pl.col("wait_s") < SHORT_ABANDON_S)).sum(),
        blocked=(pl.col("outcome") == "blocked").sum(),
        self_service=(pl.col("outcome") == "self_service").sum(),
        answered_wait_s=pl.col("wait_s").filter(ans).sum(),
        abandoned_wait_s=pl.col("wait_s").filter(abn).sum(),
        talk_s=pl.col("talk_s").sum(),
        hold_s=pl.col("hold_s").sum(),
        acw_s=pl.col("acw_s").sum(),
        transferred=pl.col("transferred").sum(),
    )
    grid = open_grid(spec)
    counts = [k for k, v in agg.schema.items() if v in (pl.UInt32, pl.Int64, pl.UInt64, pl.Int32)]
    out = grid.join(agg, on=["program", "interval_start"], how="left").with_columns(
        pl.col(counts).fill_null(0).cast(pl.Int64),
        pl.col("answered_wait_s", "abandoned_wait_s", "talk_s", "hold_s", "acw_s").fill_null(0.0).round(3),
        interval_s=pl.lit(INTERVAL_S, pl.Int64),
        sl_threshold_s=pl.lit(float(SL_THRESHOLD_S)),
        short_abandon_s=pl.lit(float(SHORT_ABANDON_S)),
    )
    cols = [
        "program", "interval_start", "interval_s", "answered", "answered_in_sl", "abandoned",
        "abandoned_in_sl", "short_abandoned", "blocked", "self_service", "sl_threshold_s",
        "short_abandon_s", "answered_wait_s", "abandoned_wait_s", "talk_s", "hold_s", "acw_s", "transferred",
    ]  # fmt: skip
    return out.select(cols).sort("interval_start", "program")


def open_grid(spec: VendorSpec) -> pl.DataFrame:
    """Every program x open interval of the period (an interval report lists quiet intervals too)."""
    starts = [
        datetime(2026, 1, 1) + timedelta(days=d.index, seconds=int(s)) for d in plan(spec) for s in d.starts
    ]
    grid = pl.DataFrame({"interval_start": pl.Series(starts, dtype=pl.Datetime("us"))})
    programs = pl.DataFrame({"program": [p for p, _ in spec.programs]})
    return programs.join(grid, how="cross")


def simulate_vendor(spec: VendorSpec, vendor_no: int, seed: int = DEFAULT_SEED) -> VendorData:
    """Simulate one vendor over the whole period and build the canonical tables it sends."""
    plans = plan(spec)
    roster = Roster()
    pool = CallerPool(size=int(spec.calls_per_day * len(plans) * 0.6))
    r_arr, r_staff, r_queue = (_rng(seed, vendor_no, s) for s in ("arrivals", "staffing", "queue"))
    days: list[tuple[int, list[Shift], DayCalls]] = []
    for day in plans:
        arrivals = arrival_seconds(forecast.actual(spec, day), r_arr)  # staffing stays on `day`
        shifts = shifts_for_day(spec, day, 0 if day.day.month <= 3 else 1, roster, r_staff)
        days.append((day.index, shifts, simulate_day(spec, day, arrivals, shifts, pool, r_queue)))
    ids = people.agent_ids(spec, roster.size)
    calls = _calls_frame(spec, days, ids, _rng(seed, vendor_no, "ids"))
    tables: dict[str, pl.DataFrame] = {}
    if spec.platform in INTERVAL_PLATFORMS:
        # the demo's interval exports carry no staffed time: agent time tells the staffing
        tables["intervals"] = intervals(spec, calls).with_columns(staffed_s=pl.lit(None, pl.Float64))
    else:
        # no demo platform records ring time: the canonical column is empty (unknown)
        tables["calls"] = calls.select(CALL_COLUMNS).with_columns(ring_s=pl.lit(None, pl.Float64))
    linked = spec.platform not in INTERVAL_PLATFORMS
    if "agent_time" in spec.sends:
        per_day = [
            (START + timedelta(days=i), shifts, dc.shift_handle_s, dc.shift_last_s) for i, shifts, dc in days
        ]
        tables["agent_time"] = people.agent_time(spec, per_day, ids, _rng(seed, vendor_no, "agents"))
    if "surveys" in spec.sends:
        s = people.surveys(spec, calls, _rng(seed, vendor_no, "surveys"))
        tables["surveys"] = s if linked else s.with_columns(call_id=pl.lit(None, pl.String))
    if "quality" in spec.sends:
        q = people.quality(spec, calls, _rng(seed, vendor_no, "quality"))
        tables["quality"] = q if linked else q.with_columns(call_id=pl.lit(None, pl.String))
    if "costs" in spec.sends:
        tables["costs"] = pricing.invoices(spec, calls, tables.get("agent_time"))
    return VendorData(spec=spec, calls=calls, tables=tables)


def simulate(seed: int = DEFAULT_SEED) -> dict[str, VendorData]:
    """Simulate every demo vendor; keys are vendor ids in the order of `VENDORS`."""
    return {spec.vendor_id: simulate_vendor(spec, i, seed) for i, spec in enumerate(VENDORS)}
