"""Contract terms of a vendor (`[contract]` of vendor.toml) and the SLA credit engine (docs/contract.md).

A term is missed in a measurement period (a month, or a calendar quarter) when its KPI is on the wrong side
of the target. A missed term owes `credit_pct` % of each affected month's invoice; a month's credits
never exceed `at_risk_cap_pct` % of its invoice (when the cap bites, each term keeps its pro-rata share).
With `earn_back_months = N`, a term's capped credit is returned to the vendor in the month that closes the
next N months (quarters: N / 3 quarters) when they all meet the target; a period without data there
forfeits it; a window reaching past the data leaves it pending.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import polars as pl

from scorecard.errors import ConfigError
from scorecard.metrics import catalogue
from scorecard.periods import month_range, next_month, quarter_of
from scorecard.periods import quarter_months as _quarter_months
from scorecard.workspace.granular_terms import GRANULAR, parse_granular
from scorecard.workspace.price_terms import parse_price
from scorecard.workspace.pricing import PriceModel

PERIODS: tuple[str, ...] = ("month", "quarter", *GRANULAR)
_TOP_KEYS = ("at_risk_cap_pct", "volume_floor_calls", "volume_band_pct", "terms", "price")
_TERM_KEYS = ("kpi", "target", "period", "credit_pct", "earn_back_months", "min_share", "hours")
#: KPI ids a term may name: every catalogue KPI except the cost and revenue ones (credits move the cost).
TERM_KPIS: tuple[str, ...] = tuple(k for k in catalogue.KPI_COLUMNS if catalogue.kpi(k).unit != "currency")


@dataclass(frozen=True)
class Term:
    """One service-level term: the KPI must meet `target` every `period` or `credit_pct` % is owed."""

    kpi: str
    target: float | tuple[float, float]
    direction: catalogue.Direction
    period: str = "month"
    credit_pct: float = 0.0
    earn_back_months: int | None = None
    #: Day and interval terms: the share of days / intervals that must meet the target each month.
    min_share: float | None = None
    #: Interval terms: the vendor-local window of interval starts, e.g. ("08:00", "20:00").
    hours: tuple[str, str] | None = None

    @property
    def key(self) -> str:
        """The column of the term's monthly value: the KPI, or `<kpi>@day` / `<kpi>@interval` (a share)."""
        return self.kpi if self.min_share is None else f"{self.kpi}@{self.period}"

    def attained(self, value: float | None) -> bool | None:
        """Whether a measurement period's value (a day/interval term: its share meeting) meets the term."""
        if self.min_share is None or value is None:
            return self.meets(value)
        return value >= self.min_share - 1e-12

    def meets(self, value: float | None) -> bool | None:
        """True when `value` meets the target, False when it misses, None when there is no value."""
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return None
        if isinstance(self.target, tuple):
            return self.target[0] <= value <= self.target[1]
        return value >= self.target if self.direction == "higher" else value <= self.target

    def describe(self) -> str:
        """The target in words, e.g. `service_level ≥ 0.8` or `aht_s within [180, 600]`."""
        if isinstance(self.target, tuple):
            text = f"{self.kpi} within [{self.target[0]:g}, {self.target[1]:g}]"
        else:
            text = f"{self.kpi} {'≥' if self.direction == 'higher' else '≤'} {self.target:g}"
        if self.min_share is None:
            return text
        window = f" {self.hours[0]}–{self.hours[1]}" if self.hours else ""
        return f"{text} in ≥ {self.min_share * 100:g}% of {self.period}s{window}"


@dataclass(frozen=True)
class Contract:
    """A vendor's validated contract: terms, monthly at-risk cap and optional volume floor."""

    terms: tuple[Term, ...] = ()
    at_risk_cap_pct: float | None = None
    volume_floor_calls: int | None = None
    source: str = ""
    price: PriceModel | None = None  #: `[contract.price]` (scorecard.workspace.pricing)
    #: Offered calls within ± this % of the client's forecast each month (scorecard.staffing.forecast).
    volume_band_pct: float | None = None


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _term(raw: Any, where: str, problems: list[str]) -> Term | None:
    """Validate one `[[contract.terms]]` table; append a line to `problems` per broken key."""
    if not isinstance(raw, dict):
        problems.append(f"{where}: expected a table with keys {', '.join(_TERM_KEYS)}, got {raw!r}")
        return None
    start = len(problems)
    for key in sorted(set(raw) - set(_TERM_KEYS)):
        problems.append(f"{where}: unknown key '{key}'; allowed keys: {', '.join(_TERM_KEYS)}")
    for key in ("kpi", "target", "credit_pct"):
        if key not in raw:
            problems.append(f"{where}: missing required key '{key}'")
    kpi_id = raw.get("kpi")
    if "kpi" in raw and kpi_id not in TERM_KPIS:
        problems.append(
            f"{where}: key 'kpi' = {kpi_id!r}: unknown KPI id; expected one of: {', '.join(TERM_KPIS)}"
        )
        kpi_id = None
    period = raw.get("period", "month")
    if period not in PERIODS:
        problems.append(f"{where}: key 'period' = {period!r}: expected one of: {', '.join(PERIODS)}")
    credit = raw.get("credit_pct", 0)
    if not _is_number(credit) or not 0 <= credit <= 100:
        problems.append(f"{where}: key 'credit_pct' = {credit!r}: expected a number from 0 to 100")
    earn = raw.get("earn_back_months")
    if earn is not None and (not isinstance(earn, int) or isinstance(earn, bool) or earn < 1):
        problems.append(f"{where}: key 'earn_back_months' = {earn!r}: expected a whole number ≥ 1")
    elif earn is not None and period == "quarter" and earn % 3:
        problems.append(
            f"{where}: key 'earn_back_months' = {earn!r}: a quarterly term earns back over whole "
            "quarters; use 3, 6, 9 ..."
        )
    target = _target(kpi_id, raw.get("target"), where, problems) if kpi_id and "target" in raw else None
    share, hours = parse_granular(raw, period, kpi_id, where, problems)
    if len(problems) > start or kpi_id is None or target is None:
        return None
    return Term(kpi_id, target, catalogue.kpi(kpi_id).direction, period, float(credit), earn, share, hours)


def _target(kpi_id: str, value: Any, where: str, problems: list[str]) -> float | tuple[float, float] | None:
    """The target as a number, or a [low, high] pair for two-sided (band) KPIs, within the KPI's range."""
    kpi = catalogue.kpi(kpi_id)
    low, high = (0.0, 1.0) if kpi.unit == "rate" else (0.0, 100.0 if kpi.unit == "points" else math.inf)
    hint = " (a fraction: 0.80 for 80 %)" if kpi.unit == "rate" else ""
    if kpi.direction == "band":
        ok = isinstance(value, list) and len(value) == 2 and all(_is_number(v) for v in value)
        if not ok or not low <= value[0] <= value[1] <= high:
            problems.append(
                f"{where}: key 'target' = {value!r}: {kpi_id} is two-sided; expected [low, high] "
                f"with {low:g} ≤ low ≤ high"
            )
            return None
        return (float(value[0]), float(value[1]))
    if not _is_number(value) or not low <= value <= high:
        problems.append(
            f"{where}: key 'target' = {value!r}: expected a number from {low:g} to {high:g}{hint}"
        )
        return None
    return float(value)


def parse_contract(raw: dict[str, Any], where: str) -> Contract:
    """Validate the raw `[contract]` table of a vendor.toml; `where` names the file in error messages."""
    problems: list[str] = []
    for key in sorted(set(raw) - set(_TOP_KEYS)):
        problems.append(f"[contract]: unknown key '{key}'; allowed keys: {', '.join(_TOP_KEYS)}")
    cap = raw.get("at_risk_cap_pct")
    if cap is not None and (not _is_number(cap) or not 0 <= cap <= 100):
        problems.append(f"[contract]: key 'at_risk_cap_pct' = {cap!r}: expected a number from 0 to 100")
    floor = raw.get("volume_floor_calls")
    if floor is not None and (not isinstance(floor, int) or isinstance(floor, bool) or floor < 0):
        problems.append(f"[contract]: key 'volume_floor_calls' = {floor!r}: expected a whole number ≥ 0")
    band = raw.get("volume_band_pct")
    if band is not None and (not _is_number(band) or not 0 < band <= 100):
        problems.append(
            f"[contract]: key 'volume_band_pct' = {band!r}: expected a number above 0, at most 100"
        )
    raw_terms = raw.get("terms", [])
    if not isinstance(raw_terms, list):
        problems.append("[contract]: key 'terms' must be an array of tables: write [[contract.terms]]")
        raw_terms = []
    terms = [_term(t, f"[[contract.terms]] #{i}", problems) for i, t in enumerate(raw_terms, start=1)]
    seen: dict[tuple[str, str], int] = {}
    for i, t in enumerate(terms, start=1):
        if t is not None and (t.kpi, t.period) in seen:
            problems.append(
                f"[[contract.terms]] #{i}: kpi {t.kpi!r} with period {t.period!r} is already term "
                f"#{seen[(t.kpi, t.period)]}; keep one"
            )
        elif t is not None:
            seen[(t.kpi, t.period)] = i
    price = parse_price(raw["price"], problems) if "price" in raw else None
    if problems:
        raise ConfigError("\n  ".join([f"Invalid contract in {where}:", *problems]))
    return Contract(
        tuple(t for t in terms if t is not None),
        None if cap is None else float(cap),
        floor,
        where,
        price,
        volume_band_pct=None if band is None else float(band),
    )


ATTAINMENT_SCHEMA = {
    "term": pl.Int64,
    "kpi": pl.String,
    "target": pl.String,
    "period": pl.String,
    "value": pl.Float64,
    "status": pl.String,
    "credit_pct": pl.Float64,
    "earn_back": pl.String,
    "back_in": pl.String,
}
LINE_SCHEMA = {
    "month": pl.String,
    "term": pl.Int64,
    "kpi": pl.String,
    "period": pl.String,
    "status": pl.String,
    "credit_pct": pl.Float64,
    "credit_due": pl.Float64,
    "credit_owed": pl.Float64,
}
_MONEY = ("invoice", "credits_owed", "earned_back", "net_cost", "cost_per_handled", "cost_per_resolved")
MONTHLY_SCHEMA = {
    "month": pl.String,
    **dict.fromkeys(
        ("invoice", "adjustments", "credits_recorded", "credits_due", "cap", "credits_owed", "earned_back"),
        pl.Float64,
    ),
    "rate_to_base": pl.Float64,
    "handled": pl.Int64,
    "resolved": pl.Float64,
    "billable_calls": pl.Int64,
    **dict.fromkeys(("net_cost", "cost_per_handled", "cost_per_resolved"), pl.Float64),
    **{f"{k}_base": pl.Float64 for k in _MONEY},
}


@dataclass(frozen=True)
class Credits:
    """The credit engine's result: attainment per term x period, credit lines, and one row per month."""

    attainment: pl.DataFrame
    lines: pl.DataFrame
    monthly: pl.DataFrame


def _mul(*xs: float | None) -> float | None:
    return None if any(x is None for x in xs) else math.prod(xs)  # type: ignore[arg-type]


def _div(a: float | None, b: float | None) -> float | None:
    return None if a is None or not b else a / b


class _Book:
    """The inputs of `assess`, indexed by period, and each term's status per measurement period."""

    def __init__(self, kpi_months: pl.DataFrame, money: pl.DataFrame, kpi_quarters: pl.DataFrame | None):
        self.kpis = {r["period"]: r for r in kpi_months.iter_rows(named=True)}
        if kpi_quarters is not None:
            self.kpis.update({r["period"]: r for r in kpi_quarters.iter_rows(named=True)})
        self.cash = {r["month"]: r for r in money.iter_rows(named=True)}
        known = sorted({*kpi_months["period"], *money["month"]})
        self.months = month_range(known[0], known[-1]) if known else []

    def period(self, term: Term, month: str) -> str:
        return quarter_of(month) if term.period == "quarter" else month

    def after(self, term: Term, period: str, n: int) -> str:
        """The measurement period `n` periods after `period`."""
        first = _quarter_months(period)[0] if term.period == "quarter" else period
        return self.period(term, next_month(first, 3 * n if term.period == "quarter" else n))

    def last_month(self, term: Term, period: str) -> str:
        return _quarter_months(period)[-1] if term.period == "quarter" else period

    def status(self, term: Term, period: str) -> tuple[float | None, str]:
        """The term's KPI value and `met | missed | no data | pending` (period not closed in the data)."""
        if not self.months or self.last_month(term, period) > self.months[-1]:
            return None, "pending"
        value = self.kpis.get(period, {}).get(term.key)
        return value, {True: "met", False: "missed", None: "no data"}[term.attained(value)]

    def earn_back(self, term: Term, period: str) -> tuple[str, str | None]:
        """Whether a missed period's credit is earned back, and the month it is returned in."""
        count = (term.earn_back_months or 0) // (3 if term.period == "quarter" else 1)
        window = [self.after(term, period, n) for n in range(1, count + 1)]
        states = [self.status(term, p)[1] for p in window]
        if "pending" in states:
            return "pending", None
        if all(s == "met" for s in states):
            back = self.last_month(term, window[-1])
            return f"earned back in {back}", back
        return "forfeited", None


def assess(
    contract: Contract,
    kpi_months: pl.DataFrame,
    money: pl.DataFrame,
    kpi_quarters: pl.DataFrame | None = None,
) -> Credits:
    """Attainment, capped credits, earn-backs and net cost for every month from the first to the last input.

    `kpi_months`: `period` (YYYY-MM), the terms' KPI columns, `handled`, `answered`, `fcr_rate`;
    `kpi_quarters`: `period` (YYYY-Qn) and the quarterly terms' KPI columns; `money` (vendor currency):
    `month, invoice, adjustments, credits_recorded, rate_to_base` (a month without a row has no invoice).
    """
    book = _Book(kpi_months, money, kpi_quarters)
    attain, lines = [], []
    for i, term in enumerate(contract.terms, start=1):
        for period in dict.fromkeys(book.period(term, m) for m in book.months):
            value, state = book.status(term, period)
            earn = book.earn_back(term, period) if state == "missed" and term.earn_back_months else ("", None)
            values = (i, term.kpi, term.describe(), period, value, state, term.credit_pct, *earn)
            attain.append(dict(zip(ATTAINMENT_SCHEMA, values, strict=True)))
        for m in book.months:
            state, invoice = book.status(term, book.period(term, m))[1], book.cash.get(m, {}).get("invoice")
            due = _mul(term.credit_pct / 100, invoice) if state == "missed" else 0.0
            values = (m, i, term.kpi, book.period(term, m), state, term.credit_pct, due)
            lines.append(dict(zip(LINE_SCHEMA, values, strict=False)))
    monthly = [_month(contract, book, m, [ln for ln in lines if ln["month"] == m]) for m in book.months]
    for a in attain:  # an earned-back credit returns the term's capped credits of the missed period
        if a["back_in"] is not None:
            amount = sum(
                ln["credit_owed"] or 0.0
                for ln in lines
                if ln["term"] == a["term"] and ln["period"] == a["period"]
            )
            row = monthly[book.months.index(a["back_in"])]
            row["earned_back"] = (row["earned_back"] or 0.0) + amount
    return Credits(
        pl.DataFrame(attain, schema=ATTAINMENT_SCHEMA, orient="row"),
        pl.DataFrame(lines, schema=LINE_SCHEMA, orient="row"),
        pl.DataFrame([_net(r) for r in monthly], schema=MONTHLY_SCHEMA, orient="row"),
    )


def _month(contract: Contract, book: _Book, month: str, lines: list[dict[str, Any]]) -> dict[str, Any]:
    """One month's credits (capped pro rata, written back to its lines) and volumes."""
    cash, kpis = book.cash.get(month, {}), book.kpis.get(month, {})
    invoice, floor = cash.get("invoice"), contract.volume_floor_calls
    due = None if any(ln["credit_due"] is None for ln in lines) else sum(ln["credit_due"] for ln in lines)
    cap = None if contract.at_risk_cap_pct is None else _mul(contract.at_risk_cap_pct / 100, invoice)
    owed = due if due is None or cap is None else min(due, cap)
    for ln in lines:
        ln["credit_owed"] = _mul(ln["credit_due"], _div(owed, due) if due else 0.0)
    handled = kpis.get("handled")
    return {
        "month": month,
        "invoice": invoice,
        "adjustments": cash.get("adjustments"),
        "credits_recorded": cash.get("credits_recorded"),
        "credits_due": due,
        "cap": cap,
        "credits_owed": owed,
        "earned_back": None if owed is None else 0.0,
        "rate_to_base": cash.get("rate_to_base"),
        "handled": handled,
        "resolved": _mul(kpis.get("answered"), kpis.get("fcr_rate")),
        "billable_calls": None if floor is None or handled is None else max(floor, handled),
    }


def _net(row: dict[str, Any]) -> dict[str, Any]:
    """Net cost after credits (invoice + adjustments − credits owed + credits earned back), per call."""
    parts = [row["invoice"], row["adjustments"], row["credits_owed"], row["earned_back"]]
    net = None if any(p is None for p in parts) else parts[0] + parts[1] - parts[2] + parts[3]
    rate = row["rate_to_base"]
    out = {**row, "net_cost": net, "cost_per_handled": _div(net, row["handled"])}
    out["cost_per_resolved"] = _div(net, row["resolved"])
    for key in _MONEY:
        out[f"{key}_base"] = _mul(out[key], rate)
    return out
