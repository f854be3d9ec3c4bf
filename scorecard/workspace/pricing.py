"""Price models of a vendor's contract (`[contract.price]`, docs/contract.md) and the invoice they make.

A price model is a list of charges (per handled, answered or offered call, per handled minute, per productive
hour, per FTE per month, or a fixed fee per month), each at one rate or in volume tiers, plus optional
outcome parts (a bonus or malus per point of a KPI against a target) and a gainshare of revenue. `price`
turns one month's recorded quantities into the expected invoice, part by part, each with the formula that
gives it ("412.5 productive h × €28.00 = €11,550.00"). Each part is rounded to the cent, as invoices are.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from scorecard.metrics import catalogue
from scorecard.present import format as fmt

#: What a charge is billed per, and how the quantity is written in a formula.
BASES: dict[str, str] = {
    "handled_call": "handled calls",
    "answered_call": "answered calls",
    "offered_call": "offered calls",
    "self_service_call": "self-service calls",
    "handled_minute": "handled min",
    "productive_hour": "productive h",
    "fte_month": "FTE",
    "month": "month",
}
#: Where each quantity comes from, for the reason a month or a bid cannot be priced.
SOURCES: dict[str, str] = {
    "handled_call": "handled calls (calls or interval reports)",
    "answered_call": "answered calls (calls or interval reports)",
    "offered_call": "offered calls (calls or interval reports)",
    "self_service_call": "self-service calls (calls or interval reports)",
    "handled_minute": "handled minutes (talk, hold and after-call work of answered calls)",
    "productive_hour": "productive hours (staffed_s of agent_time)",
    "fte_month": "productive hours (staffed_s of agent_time)",
    "month": "a month",
}
TIERING = ("marginal", "all_units")
SIDES = ("both", "bonus", "malus")
PRICE_KEYS = ("charges", "outcomes", "gainshare_pct", "fte_hours", "tolerance_pct")
CHARGE_KEYS = ("per", "rate", "tiers", "tiering")
TIER_KEYS = ("from", "rate")
OUTCOME_KEYS = ("kpi", "target", "per_point", "cap", "side")
#: KPIs an outcome part may name: one direction (higher or lower is better), not money.
OUTCOME_KPIS: tuple[str, ...] = tuple(
    k
    for k in catalogue.KPI_COLUMNS
    if catalogue.kpi(k).unit != "currency" and catalogue.kpi(k).direction != "band"
)


@dataclass(frozen=True)
class Tier:
    """A volume tier: `rate` applies from the `start`-th unit of the month on."""

    start: float
    rate: float


@dataclass(frozen=True)
class Charge:
    """One charge: a basis (`per`) and its rate, or tiers (a flat rate is one tier from 0)."""

    per: str
    tiers: tuple[Tier, ...]
    tiering: str = "marginal"

    def amount(self, qty: float, currency: str) -> tuple[float, str]:
        """The charge for `qty` units, rounded to the cent, and its formula."""
        unit = BASES[self.per]
        if len(self.tiers) == 1 or self.tiering == "all_units":
            tier = [t for t in self.tiers if t.start <= qty][-1]
            amount = round(qty * tier.rate, 2)
            reached = f" (tier from {fmt.quantity(tier.start)})" if len(self.tiers) > 1 else ""
            text = f"{fmt.quantity(qty)} {unit} × {fmt.price(tier.rate, currency)}{reached}"
            return amount, f"{text} = {fmt.money(amount, currency)}"
        parts, total = [], 0.0
        for tier, nxt in zip(self.tiers, [*self.tiers[1:], None], strict=True):
            upper = qty if nxt is None else min(qty, nxt.start)
            inside = max(upper - tier.start, 0.0)
            if inside > 0 or (not parts and qty == 0):
                total += inside * tier.rate
                parts.append(f"{fmt.quantity(inside)} {unit} × {fmt.price(tier.rate, currency)}")
        amount = round(total, 2)
        return amount, f"{' + '.join(parts)} = {fmt.money(amount, currency)}"


@dataclass(frozen=True)
class Outcome:
    """A bonus (better than target) or malus (worse) of `per_point` per point of a KPI, at most `cap`."""

    kpi: str
    target: float
    per_point: float
    cap: float | None = None
    side: str = "both"

    def points(self, value: float) -> float:
        """Points better (+) or worse (−) than target: percentage points for rates, units otherwise."""
        k = catalogue.kpi(self.kpi)
        scale = 100.0 if k.unit == "rate" else 1.0
        sign = 1.0 if k.direction == "higher" else -1.0
        return round(sign * (value - self.target) * scale, 6)

    def amount(self, value: float, currency: str) -> tuple[float, str]:
        """The month's bonus (+) or malus (−) and its formula."""
        pts = self.points(value)
        raw = round(pts * self.per_point, 2)
        amount = raw
        if self.cap is not None:
            amount = max(-self.cap, min(self.cap, amount))
        amount = (
            max(amount, 0.0) if self.side == "bonus" else min(amount, 0.0) if self.side == "malus" else amount
        )
        unit = fmt.kpi_unit(self.kpi, currency)
        k = catalogue.kpi(self.kpi)
        sign = "≥" if k.direction == "higher" else "≤"
        text = (
            f"{k.label} {fmt.by_unit(value, unit)} vs {sign} {fmt.plain_unit(self.target, unit)}: "
            f"{'+' if pts >= 0 else ''}{fmt.quantity(pts)} points × {fmt.price(self.per_point, currency)} "
            f"= {fmt.money(raw, currency)}"
        )
        if amount != raw:
            text += f", {'capped' if abs(amount) < abs(raw) else 'counted'} at {fmt.money(amount, currency)}"
        return amount, text


@dataclass(frozen=True)
class PriceModel:
    """A validated `[contract.price]`: charges, outcome parts, gainshare, FTE hours, invoice tolerance."""

    charges: tuple[Charge, ...]
    outcomes: tuple[Outcome, ...] = ()
    gainshare_pct: float | None = None
    fte_hours: float | None = None
    tolerance_pct: float = 1.0

    @property
    def bases(self) -> tuple[str, ...]:
        """The charge bases in order, each once."""
        return tuple(dict.fromkeys(c.per for c in self.charges))


@dataclass(frozen=True)
class Part:
    """One line of an expected invoice: what it charges, the quantity, the amount and how it is worked out.

    `amount` is None when a quantity or KPI it needs is not recorded; `reason` then says which."""

    part: str
    basis: str
    quantity: float | None
    amount: float | None
    formula: str
    reason: str = ""


def quantities(volumes: Mapping[str, Any], fte_hours: float | None) -> dict[str, float | None]:
    """Each basis's quantity from a month's recorded volumes.

    `volumes`: `handled, answered, offered, self_service` (calls), `handle_s` (talk + hold + acw of
    answered calls), `productive_s` (Σ staffed_s); a missing or None volume leaves its bases unknown.
    Minutes, hours and FTE are billed to two decimals, so each formula can be redone by hand."""

    def get(key: str, scale: float = 1.0) -> float | None:
        v = volumes.get(key)
        return None if v is None else round(float(v) / scale, 2 if scale != 1.0 else 6)

    hours = get("productive_s", 3600.0)
    return {
        "handled_call": get("handled"),
        "answered_call": get("answered"),
        "offered_call": get("offered"),
        "self_service_call": get("self_service"),
        "handled_minute": get("handle_s", 60.0),
        "productive_hour": hours,
        "fte_month": None if hours is None or not fte_hours else round(hours / fte_hours, 2),
        "month": 1.0,
    }


def _charge_part(charge: Charge, qty: dict[str, float | None], model: PriceModel, currency: str) -> Part:
    label = {"month": "fixed fee per month", "fte_month": "per FTE per month"}.get(
        charge.per, f"per {charge.per.replace('_', ' ').replace('self service', 'self-service')}"
    )
    q = qty[charge.per]
    if q is None:
        return Part(label, charge.per, None, None, "—", f"no {SOURCES[charge.per]} recorded")
    amount, text = charge.amount(q, currency)
    if charge.per == "fte_month":
        hours = fmt.quantity(qty["productive_hour"])
        text = f"{hours} productive h ÷ {fmt.quantity(model.fte_hours)} h = {text}"
    return Part(label, charge.per, q, amount, text)


def price(
    model: PriceModel, volumes: Mapping[str, Any], kpis: Mapping[str, Any], currency: str
) -> list[Part]:
    """The expected invoice of one month: one `Part` per charge, outcome and the gainshare.

    `kpis` holds the month's KPI values the outcome parts read; `volumes` also `revenue` (vendor currency)."""
    qty = quantities(volumes, model.fte_hours)
    parts = [_charge_part(c, qty, model, currency) for c in model.charges]
    for o in model.outcomes:
        value = kpis.get(o.kpi)
        name = catalogue.kpi(o.kpi).label
        label = f"{ {'bonus': 'bonus', 'malus': 'malus'}.get(o.side, 'bonus/malus') } on {name}"
        if value is None or (isinstance(value, float) and math.isnan(value)):
            parts.append(Part(label, "outcome", None, None, "—", f"{name} cannot be computed for the month"))
            continue
        amount, text = o.amount(float(value), currency)
        parts.append(Part(label, "outcome", float(value), amount, text))
    if model.gainshare_pct is not None:
        revenue = volumes.get("revenue")
        if revenue is None:
            parts.append(Part("gainshare", "revenue", None, None, "—", "no revenue recorded in the calls"))
        else:
            amount = round(float(revenue) * model.gainshare_pct / 100, 2)
            text = (
                f"{fmt.money(revenue, currency)} revenue × {fmt.by_unit(model.gainshare_pct, 'pct')} "
                f"= {fmt.money(amount, currency)}"
            )
            parts.append(Part("gainshare", "revenue", float(revenue), amount, text))
    return parts


def total(parts: list[Part], currency: str) -> tuple[float | None, str, str]:
    """The sum of the parts, its formula, and the first reason a part is unknown ('' when all are known)."""
    missing = next((f"{p.part}: {p.reason}" for p in parts if p.amount is None), "")
    if missing:
        return None, "—", missing
    amount = round(sum(p.amount for p in parts), 2)  # type: ignore[misc]
    if len(parts) == 1:
        return amount, fmt.money(amount, currency), ""
    terms = " + ".join(fmt.money(p.amount, currency) for p in parts).replace("+ -", "− ")
    return amount, f"{terms} = {fmt.money(amount, currency)}", ""
