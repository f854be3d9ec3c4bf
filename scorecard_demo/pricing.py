"""The demo tender's price models (`[contract.price]`, docs/contract.md), its day and interval SLA terms, and
the invoices each bidder sends.

Three bidders bill per call (Hanyu in two volume tiers), Lumière per productive (logged-in) hour and Duna per
FTE per month. Each invoice line states what it bills (`quantity`, `per`) and is the price model applied to
what the simulation recorded, except Lumière's May invoice, which bills 6 % more hours than its agents
logged: the invoice check (`scorecard invoices`) flags it with the amount.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import polars as pl

from scorecard.workspace.price_terms import parse_price
from scorecard.workspace.pricing import price
from scorecard_demo.vendors import VendorSpec

#: `[contract.price]` of each demo bidder, in its currency.
PRICES: dict[str, dict[str, Any]] = {
    "us_northstar": {"charges": [
        {"per": "answered_call", "rate": 7.40}, {"per": "self_service_call", "rate": 1.10},
        {"per": "month", "rate": 2500.0},
    ]},
    "fr_lumiere": {"charges": [{"per": "productive_hour", "rate": 22.50}]},
    "cn_hanyu": {"charges": [
        {"per": "answered_call", "tiers": [{"from": 0, "rate": 19.50}, {"from": 5000, "rate": 17.50}]},
        {"per": "self_service_call", "rate": 3.00},
    ]},
    "hu_duna": {"fte_hours": 160, "charges": [{"per": "fte_month", "rate": 1_400_000.0}]},
    "ru_volga": {"charges": [{"per": "answered_call", "rate": 340.0}]},
}  # fmt: skip
#: Day and interval terms: Lumière must reach 80 % in 20 s on 85 % of its days, Hanyu in 90 % of the
#: half-hours from 08:00 to 20:00 (local).
DAY_TERMS: dict[str, list[dict[str, Any]]] = {
    "fr_lumiere": [
        {"kpi": "service_level", "target": 0.8, "period": "day", "min_share": 0.85, "credit_pct": 2}
    ],
    "cn_hanyu": [{"kpi": "service_level", "target": 0.8, "period": "interval", "min_share": 0.9,
                  "hours": ["08:00", "20:00"], "credit_pct": 3}],
}  # fmt: skip
#: (vendor, month): the share by which that month's invoice overstates the billed quantity.
OVER_BILLED: dict[tuple[str, int], float] = {("fr_lumiere", 5): 0.06}
#: The quantity each bidder's invoice line states (its main charge).
STATED = {"us_northstar": "answered_call", "fr_lumiere": "productive_hour", "cn_hanyu": "answered_call",
          "hu_duna": "fte_month", "ru_volga": "answered_call"}  # fmt: skip
_KEYS = {"answered_call": "answered", "self_service_call": "self_service", "productive_hour": "productive_s"}


def _volumes(calls: pl.DataFrame, agent_time: pl.DataFrame | None) -> dict[int, dict[str, float]]:
    """Per month (vendor-local): answered and self-service calls, productive seconds."""
    out: dict[int, dict[str, float]] = {}
    by_month = calls.group_by(m=pl.col("arrived_at").dt.month()).agg(
        answered=(pl.col("outcome") == "answered").sum(),
        self_service=(pl.col("outcome") == "self_service").sum(),
    )
    for m, answered, self_service in by_month.iter_rows():
        out[m] = {"answered": answered, "self_service": self_service}
    if agent_time is not None:
        hours = agent_time.group_by(m=pl.col("date").dt.month()).agg(pl.col("staffed_s").sum())
        for m, staffed in hours.iter_rows():
            out.setdefault(m, {})["productive_s"] = staffed
    return out


def _stated(per: str, volumes: dict[str, float], fte_hours: float | None) -> float:
    """The quantity an invoice states, as invoices write it (hours and FTE to two decimals)."""
    if per == "fte_month":
        return round(volumes["productive_s"] / 3600 / (fte_hours or 1), 2)
    if per == "productive_hour":
        return round(volumes["productive_s"] / 3600, 2)
    return float(volumes[_KEYS[per]])


def invoices(spec: VendorSpec, calls: pl.DataFrame, agent_time: pl.DataFrame | None) -> pl.DataFrame:
    """Monthly invoices under the bidder's price model, plus its credit notes and adjustments."""
    problems: list[str] = []
    model = parse_price(PRICES[spec.vendor_id], problems)
    assert model is not None, problems
    per = STATED[spec.vendor_id]
    digits = 0 if spec.currency in {"HUF"} else 2
    rows: list[tuple[date, date, float, str, float | None, str | None]] = []
    for month, volumes in sorted(_volumes(calls, agent_time).items()):
        first = date(2026, month, 1)
        last = date(2026 + month // 12, month % 12 + 1, 1) - timedelta(days=1)
        stated = _stated(per, volumes, model.fte_hours)
        billed = dict(volumes)
        share = OVER_BILLED.get((spec.vendor_id, month), 0.0)
        if share:  # the invoice overstates its quantity and charges for it
            stated = round(stated * (1 + share), 2)
            hours = stated * (model.fte_hours or 1) if per == "fte_month" else stated
            billed[_KEYS.get(per, "productive_s")] = (
                hours * 3600 if per in ("fte_month", "productive_hour") else stated
            )
        parts = price(model, billed, {}, spec.currency)
        invoice = round(sum(p.amount or 0.0 for p in parts), digits)
        rows.append((first, last, invoice, "invoice", stated, per))
        rows += [
            (first, last, -round(invoice * s, digits), "credit", None, None)
            for m, s in spec.credits
            if m == month
        ]
        rows += [
            (first, last, amount, "adjustment", None, None) for m, amount in spec.adjustments if m == month
        ]
    schema = ["period_start", "period_end", "amount", "kind", "quantity", "per"]
    return pl.DataFrame(rows, schema=schema, orient="row")


def price_toml(vendor_id: str) -> list[str]:
    """More `[[contract.terms]]` (day and interval terms), then `[contract.price]` with its charges, as TOML
    lines to follow the vendor's `[contract]` table."""
    from scorecard_demo.writers import _toml_value

    lines = []
    for term in DAY_TERMS.get(vendor_id, []):
        lines += ["", "[[contract.terms]]", *(f"{k} = {_toml_value(v)}" for k, v in term.items())]
    table = PRICES.get(vendor_id)
    if not table:
        return lines
    lines += ["", "[contract.price]"]
    lines += [f"{k} = {_toml_value(v)}" for k, v in table.items() if k != "charges"]
    for charge in table["charges"]:
        lines += ["", "[[contract.price.charges]]", *(f"{k} = {_toml_value(v)}" for k, v in charge.items())]
    return lines


#: The buyer's forecast every bid is priced on: 8,000 handled calls a month of 6 minutes each.
SCENARIO = {"basis": "forecast", "calls_per_month": 8000, "aht_s": 360}


def scenario_toml() -> str:
    """The `[scenario]` table of scorecard.toml (docs/contract.md, bids on equal terms)."""
    from scorecard_demo.writers import _toml_value

    return "\n[scenario]\n" + "".join(f"{k} = {_toml_value(v)}\n" for k, v in SCENARIO.items())
