"""Numbers as people read them: percent with one decimal, seconds or m:ss, currency symbols, targets.

Pure functions used by the app, the charts and the reports; nothing here imports streamlit. A missing value
is shown as an em dash, never as 0.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any, Literal

import polars as pl

from scorecard.metrics import catalogue

MISSING = "—"
Status = Literal["met", "near", "missed"]

#: Symbols of common base currencies; any other code is written after the number ("12.50 HUF").
CURRENCY_SYMBOLS: dict[str, str] = {"EUR": "€", "USD": "$", "GBP": "£", "JPY": "¥", "INR": "₹"}

#: Share of the distance from target to floor within which a missed target still counts as "near".
NEAR_SHARE = 0.25

STATUS_MARK: dict[str, str] = {"met": "✓", "near": "≈", "missed": "✗"}


def is_missing(value: object) -> bool:
    """True for None and NaN."""
    return value is None or (isinstance(value, float) and math.isnan(value))


def percent(value: float | None, decimals: int = 1) -> str:
    """A 0–1 fraction as a percentage with one decimal: 0.8587 -> '85.9%'."""
    if is_missing(value):
        return MISSING
    return f"{value * 100:.{decimals}f}%"


def seconds(value: float | None) -> str:
    """Seconds under a minute as '8.5 s', longer as m:ss ('6:10'), an hour or more as h:mm:ss."""
    if is_missing(value):
        return MISSING
    if abs(value) < 60:
        return f"{value:.1f} s"
    total = round(value)
    sign = "-" if total < 0 else ""
    h, rest = divmod(abs(total), 3600)
    m, s = divmod(rest, 60)
    return f"{sign}{h}:{m:02d}:{s:02d}" if h else f"{sign}{m}:{s:02d}"


def money(value: float | None, currency: str) -> str:
    """An amount with its currency symbol and two decimals: '€22.58', '-$1,200.00', '12.50 HUF'."""
    if is_missing(value):
        return MISSING
    sign = "-" if value < 0 else ""
    symbol = CURRENCY_SYMBOLS.get(currency)
    body = f"{abs(value):,.2f}"
    return f"{sign}{symbol}{body}" if symbol else f"{sign}{body} {currency}"


def points(value: float | None) -> str:
    """A 0–100 score or points with one decimal."""
    return MISSING if is_missing(value) else f"{value:.1f}"


def count(value: float | None) -> str:
    """A whole count with thousands separators."""
    return MISSING if is_missing(value) else f"{round(value):,}"


def value(kpi_id: str, x: float | None, currency: str = "EUR") -> str:
    """Format a KPI value by the catalogue unit of `kpi_id` (variants and headline ids alike)."""
    unit = unit_of(kpi_id)
    if unit == "rate":
        return percent(x)
    if unit == "seconds":
        return seconds(x)
    if unit == "currency":
        return money(x, currency)
    return points(x)


def unit_of(kpi_id: str) -> str:
    """The catalogue unit of a KPI id ('rate', 'seconds', 'currency' or 'points')."""
    return catalogue.kpi(kpi_id).unit


def unit_label(kpi_id: str, currency: str = "EUR") -> str:
    """A short unit label for column headers and axes: '%', 's', '€', 'points'."""
    unit = unit_of(kpi_id)
    return {"rate": "%", "seconds": "s", "points": "points"}.get(
        unit, CURRENCY_SYMBOLS.get(currency, currency)
    )


def bound(kpi_id: str, x: float | tuple[float, float] | None, currency: str = "EUR") -> str:
    """A target or floor: one value, or a band 'low–high'."""
    if x is None:
        return MISSING
    if isinstance(x, tuple):
        return f"{value(kpi_id, x[0], currency)}–{value(kpi_id, x[1], currency)}"
    return value(kpi_id, x, currency)


def target(
    kpi_id: str,
    tgt: float | tuple[float, float] | None,
    direction: str,
    currency: str = "EUR",
) -> str:
    """A target as people state it: '≥ 80.0%', '≤ 20.0 s', '4:30–6:00' (a band), '—' without one."""
    if tgt is None:
        return MISSING
    if isinstance(tgt, tuple):
        return bound(kpi_id, tgt, currency)
    sign = "≥" if direction == "higher" else "≤"
    return f"{sign} {value(kpi_id, tgt, currency)}"


def status(
    x: float | None,
    tgt: float | tuple[float, float] | None,
    floor: float | tuple[float, float] | None,
) -> Status | None:
    """Met (at or better than the target), near (missed by less than a quarter of target→floor), missed.

    The direction follows from the bounds (target above floor = higher is better); a band is met inside
    and compared with its nearer side. None when the value or the bounds are missing.
    """
    if is_missing(x) or tgt is None or floor is None:
        return None
    if isinstance(tgt, tuple) and isinstance(floor, tuple):
        (lo, hi), (f_lo, f_hi) = tgt, floor
        if lo <= x <= hi:
            return "met"
        edge, fl = (lo, f_lo) if x < lo else (hi, f_hi)
        return "near" if abs(x - edge) <= NEAR_SHARE * abs(edge - fl) else "missed"
    t, f = float(tgt), float(floor)  # type: ignore[arg-type]
    better = x >= t if t > f else x <= t
    if better:
        return "met"
    return "near" if abs(x - t) <= NEAR_SHARE * abs(t - f) else "missed"


def with_status(text: str, state: Status | None) -> str:
    """Prefix a formatted value with its status mark so colour is never the only cue: '✓ 85.9%'."""
    return text if state is None else f"{STATUS_MARK[state]} {text}"


def weight_range(low: float | None, high: float | None) -> str:
    """A weight range '0–∞' or '12.5–40'; an unbounded top is shown as ∞."""
    if is_missing(low):
        return MISSING
    top = "∞" if high is None or math.isinf(high) else f"{high:.3g}"
    return f"{low:.3g}–{top}"


def interval(low: float | None, high: float | None) -> str:
    """A score interval '84.1–93.2'."""
    if is_missing(low) or is_missing(high):
        return MISSING
    return f"{low:.1f}–{high:.1f}"


def expr(column: str, kpi_id: str, currency: str = "EUR") -> pl.Expr:
    """A polars expression formatting a KPI column (nulls become '—')."""
    return using(column, lambda x: value(kpi_id, x, currency))


def using(column: str | pl.Expr, fn: Callable[[Any], str]) -> pl.Expr:
    """A polars expression applying a formatter to every value, nulls included."""
    col = pl.col(column) if isinstance(column, str) else column
    return col.map_elements(fn, return_dtype=pl.String, skip_nulls=False)
