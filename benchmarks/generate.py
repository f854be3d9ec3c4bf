"""Synthetic workspace for the benchmarks: 10 vendors, a year of call records in the canonical CSV format.

Deterministic (seeded), vectorised with numpy and written with polars. Arrival instants are drawn in UTC
and written as vendor-local wall-clock times, so every local time exists (no spring-forward gap). Files are
split into chunks of `chunk_rows` rows (`calls/part-0001.csv`, ...), like a vendor's monthly exports.
A workspace is reused when its `generated.json` matches the requested parameters.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import polars as pl

#: vendor_id, timezone, currency; mean answered wait (s), answer share, mean talk (s).
VENDORS: tuple[tuple[str, str, str, float, float, float], ...] = (
    ("v01", "Europe/Paris", "EUR", 14.0, 0.90, 290.0),
    ("v02", "Europe/Lisbon", "EUR", 22.0, 0.87, 310.0),
    ("v03", "Africa/Casablanca", "MAD", 35.0, 0.84, 280.0),
    ("v04", "Asia/Manila", "PHP", 18.0, 0.89, 330.0),
    ("v05", "Asia/Kolkata", "INR", 41.0, 0.82, 350.0),
    ("v06", "America/New_York", "USD", 12.0, 0.92, 300.0),
    ("v07", "America/Mexico_City", "MXN", 27.0, 0.86, 320.0),
    ("v08", "Europe/Bucharest", "RON", 20.0, 0.88, 305.0),
    ("v09", "Africa/Cairo", "EGP", 30.0, 0.85, 295.0),
    ("v10", "America/Bogota", "COP", 24.0, 0.87, 315.0),
)
#: Units of EUR for one unit of the currency (flat over the year; the months vary by ±2 %).
RATES = {"USD": 0.92, "MAD": 0.092, "PHP": 0.016, "INR": 0.011, "MXN": 0.05, "RON": 0.20}
RATES |= {"EGP": 0.019, "COP": 0.00023}
PROGRAMS = ("sales", "support", "billing", "retention")
YEAR = 2025
#: `100m` (a year of calls for ten large vendors, about 8.5 GB of CSV) is run by hand, never in CI.
SIZES = {"smoke": 4_000, "1m": 1_000_000, "5m": 5_000_000, "20m": 20_000_000, "100m": 100_000_000}


@dataclass(frozen=True)
class Spec:
    """What to generate: total calls over all vendors, rows per file, seed."""

    calls: int
    vendors: int = len(VENDORS)
    chunk_rows: int = 500_000
    seed: int = 42
    version: int = 1


def spec_for(size: str) -> Spec:
    """The generation parameters of a named size (`smoke`, `1m`, `5m`, `20m`)."""
    calls = SIZES[size]
    return Spec(calls=calls, chunk_rows=150 if size == "smoke" else 500_000)


def _calls(
    rng: np.random.Generator, vendor: tuple, start: int, n: int, start_s: int, end_s: int
) -> pl.DataFrame:
    """One chunk of a vendor's call records as a polars frame of canonical columns (strings for time)."""
    vendor_id, tz, _currency, mean_wait, answer_share, mean_talk = vendor
    rest = 1.0 - answer_share
    outcome_p = [answer_share, rest * 0.55, rest * 0.15, rest * 0.30]
    outcome = rng.choice(4, size=n, p=outcome_p)
    answered = outcome == 0
    abandoned = outcome == 1
    queued = answered | abandoned
    arrived = np.sort(rng.integers(start_s, end_s, size=n))
    wait = np.where(answered, rng.exponential(mean_wait, n), rng.exponential(mean_wait * 2.0, n))
    wait = np.where(queued, np.round(wait), 0.0)
    talk = np.where(answered, np.round(rng.gamma(4.0, mean_talk / 4.0, n)), 0.0)
    hold = np.where(answered & (rng.random(n) < 0.3), np.round(rng.exponential(60.0, n)), 0.0)
    acw = np.where(answered, np.round(rng.gamma(3.0, 15.0, n)), 0.0)
    transferred = answered & (rng.random(n) < 0.03)
    disposition = rng.random(n)
    resolved = pl.Series(np.where(disposition < 0.8, True, False)).set(
        pl.Series(~answered | (disposition > 0.95)), None
    )
    sale = answered & (rng.random(n) < 0.08)
    revenue = pl.Series(np.round(rng.gamma(2.0, 40.0, n), 2)).set(pl.Series(~sale), None)
    agent = pl.Series(rng.integers(1, 400, n)).cast(pl.String)
    callers = max(n // 2, 1) * 2
    frame = pl.DataFrame(
        {
            "seq": np.arange(start, start + n),
            "program": np.array(PROGRAMS)[rng.integers(0, len(PROGRAMS), n)],
            "arrived_at": arrived * 1_000_000,
            "outcome": np.array(["answered", "abandoned", "blocked", "self_service"])[outcome],
            "wait_s": wait,
            "talk_s": talk,
            "hold_s": hold,
            "acw_s": acw,
            "transferred": transferred,
            "resolved": resolved,
            "caller": rng.integers(0, callers, n),
            "agent": agent,
            "answered": answered,
            "revenue": revenue,
        }
    )
    return frame.select(
        pl.format("{}-{}", pl.lit(vendor_id), pl.col("seq").cast(pl.String).str.zfill(9)).alias("call_id"),
        "program",
        pl.col("arrived_at")
        .cast(pl.Datetime("us", "UTC"))
        .dt.convert_time_zone(tz)
        .dt.strftime("%Y-%m-%d %H:%M:%S"),
        "outcome",
        "wait_s",
        "talk_s",
        "hold_s",
        "acw_s",
        "transferred",
        "resolved",
        pl.format("h{}", pl.col("caller").cast(pl.String)).alias("caller_key"),
        pl.when("answered").then(pl.format("{}-a{}", pl.lit(vendor_id), "agent")).alias("agent_id"),
        "revenue",
    )


def _write_config(root: Path, vendors: tuple) -> None:
    root.mkdir(parents=True, exist_ok=True)
    (root / "scorecard.toml").write_text('base_currency = "EUR"\n')
    rows = ["month,currency,rate_to_base,source"]
    for cur, rate in sorted(RATES.items()):
        for m in range(1, 13):
            rows.append(f"{YEAR}-{m:02d},{cur},{rate * (1 + 0.02 * np.sin(m)):.6f},benchmark")
    (root / "fx_rates.csv").write_text("\n".join(rows) + "\n")
    for vendor_id, tz, currency, *_ in vendors:
        folder = root / vendor_id
        (folder / "calls").mkdir(parents=True, exist_ok=True)
        (folder / "vendor.toml").write_text(
            f'name = "Vendor {vendor_id}"\ntimezone = "{tz}"\ncurrency = "{currency}"\n\n'
            '[[exports]]\ntable = "calls"\nformat = "canonical"\nfiles = "calls/*.csv"\n'
        )


def generate(root: Path, spec: Spec, force: bool = False) -> Path:
    """Write the workspace for `spec` under `root` (reused when already generated with the same spec)."""
    marker = root / "generated.json"
    if not force and marker.exists() and json.loads(marker.read_text()) == asdict(spec):
        return root
    if root.exists():
        shutil.rmtree(root)
    vendors = VENDORS[: spec.vendors]
    _write_config(root, vendors)
    rng = np.random.default_rng(spec.seed)
    start_s = int(np.datetime64(f"{YEAR}-01-01T00:00:00", "s").astype(np.int64))
    end_s = int(np.datetime64(f"{YEAR + 1}-01-01T00:00:00", "s").astype(np.int64))
    per_vendor = spec.calls // len(vendors)
    for i, vendor in enumerate(vendors):
        n_vendor = per_vendor + (1 if i < spec.calls % len(vendors) else 0)
        parts = max(1, -(-n_vendor // spec.chunk_rows))
        # Each file covers a contiguous stretch of the year, like monthly or weekly exports.
        bounds = np.linspace(start_s, end_s, parts + 1).astype(np.int64)
        sizes = np.diff(np.linspace(0, n_vendor, parts + 1).astype(np.int64))
        first = 1
        for p in range(parts):
            frame = _calls(rng, vendor, first, int(sizes[p]), int(bounds[p]), int(bounds[p + 1]))
            frame.write_csv(root / vendor[0] / "calls" / f"part-{p + 1:04d}.csv")
            first += int(sizes[p])
    marker.write_text(json.dumps(asdict(spec)))
    return root


def csv_files(root: Path) -> list[Path]:
    """Every call CSV of a generated workspace, in ingest order."""
    return sorted(root.glob("*/calls/*.csv"))


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", choices=SIZES, default="smoke")
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "data")
    parser.add_argument("--force", action="store_true")
    args = parser.parse_args()
    print(generate(args.out / args.size, spec_for(args.size), force=args.force))
