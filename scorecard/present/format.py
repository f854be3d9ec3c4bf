"""Numbers as people read them, one way everywhere: the app, the charts, the HTML and XLSX reviews, the CLI.

- rates: percent with one decimal, `85.9%`; a change of a rate in percentage points, `+2.3 pp`;
- durations: `8.5 s` under a minute, `6:10` (m:ss) from a minute, `1:02:05` from an hour; a change of a
  duration in seconds, `+65.0 s`;
- money: two decimals, thousands separators, the currency's symbol (`€1,234.50`) or its code after the
  number (`12.50 HUF`); counts with thousands separators (`12,345`); points and scores with one decimal;
- targets as people write them: `≥ 80%`, `≤ 20 s`, `4:30–6:00`;
- dates without a midnight time (`2026-04-01`), other times to the minute.

`by_unit(value, unit)` writes a value of a named unit (`rate`, `seconds`, `currency:EUR`, `count`, ...; a
leading `+` means a signed change), and `excel.excel_format(unit, value)` (also reachable here) is the
matching XLSX number format, so a workbook shows what the app shows. Pure functions; nothing here
imports streamlit. A missing value is an em dash, never 0.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import date, datetime
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


def seconds_clock(value: float) -> str:
    """Seconds as m:ss even under a minute (`0:30`), for the ends of a band that reaches a minute."""
    total = round(value)
    sign = "-" if total < 0 else ""
    m, s = divmod(abs(total), 60)
    return f"{sign}{m}:{s:02d}" if m < 60 else seconds(value)


def money(value: float | None, currency: str) -> str:
    """An amount with its currency symbol and two decimals: '€22.58', '-$1,200.00', '12.50 HUF'."""
    if is_missing(value):
        return MISSING
    sign = "-" if value < 0 else ""
    symbol = CURRENCY_SYMBOLS.get(currency)
    body = f"{abs(value):,.2f}"
    return f"{sign}{symbol}{body}" if symbol else f"{sign}{body} {currency}"


def price(value: float | None, currency: str) -> str:
    """A unit price: money with two decimals, up to four when the price has them ('€0.0875', '€28.00')."""
    if is_missing(value):
        return MISSING
    for decimals in (2, 3, 4):
        if abs(round(value, decimals) - value) < 1e-9:
            break
    text = money(round(value, 2), currency) if decimals == 2 else money(value, currency)
    return text if decimals == 2 else text.replace(f"{abs(value):,.2f}", f"{abs(value):,.{decimals}f}")


def quantity(value: float | None) -> str:
    """A billed quantity (hours, minutes, calls, FTE) with thousands separators and at most two decimals."""
    return MISSING if is_missing(value) else _trim(value, 2)


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
    if unit == "count":
        return by_unit(x, "count")
    return points(x)


def unit_of(kpi_id: str) -> str:
    """The catalogue unit of a KPI id ('rate', 'seconds', 'currency', 'points' or 'count')."""
    return catalogue.kpi(kpi_id).unit


def unit_label(kpi_id: str, currency: str = "EUR") -> str:
    """A short unit label for column headers and axes: '%', 's', '€', 'points', '#' (a count)."""
    unit = unit_of(kpi_id)
    return {"rate": "%", "seconds": "s", "points": "points", "count": "#"}.get(
        unit, CURRENCY_SYMBOLS.get(currency, currency)
    )


def bound(kpi_id: str, x: float | tuple[float, float] | None, currency: str = "EUR") -> str:
    """A target or floor as people write it: one value (`50%`), or a band `2:00–10:00`."""
    if x is None:
        return MISSING
    if isinstance(x, tuple):
        return band(x[0], x[1], kpi_unit(kpi_id, currency))
    return plain_value(kpi_id, x, currency)


def target(
    kpi_id: str,
    tgt: float | tuple[float, float] | None,
    direction: str,
    currency: str = "EUR",
) -> str:
    """A target as people state it: '≥ 80%', '≤ 20 s', '4:30–6:00' (a band), '—' without one."""
    if tgt is None:
        return MISSING
    if isinstance(tgt, tuple):
        return bound(kpi_id, tgt, currency)
    sign = "≥" if direction == "higher" else "≤"
    return f"{sign} {plain_value(kpi_id, tgt, currency)}"


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


def _trim(number: float, decimals: int = 1) -> str:
    """`80.0` -> `80`, `85.5` -> `85.5`: a bound as people write it."""
    text = f"{number:,.{decimals}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def plain_value(kpi_id: str, x: float, currency: str = "EUR") -> str:
    """A target or floor without needless decimals: `80%`, `20 s`, `4:30`, `€2.50`, `90`."""
    return plain_unit(x, kpi_unit(kpi_id, currency))


def plain_unit(x: float, unit: str) -> str:
    """A bound of a named unit without needless decimals (see `plain_value`)."""
    if unit == "rate":
        return f"{_trim(x * 100)}%"
    if unit == "seconds":
        return f"{_trim(x)} s" if abs(x) < 60 else seconds(x)
    if unit.startswith("currency:"):
        return money(x, unit.split(":", 1)[1])
    return _trim(x)


def band(low: float | None, high: float | None, unit: str) -> str:
    """A band with either end open, as people write it: `≥ 80%`, `≤ 20 s`, `4:30–6:00`; `—` without one."""
    if low is not None and high is not None:
        if unit == "seconds" and max(abs(low), abs(high)) >= 60:  # one notation per band: 0:30–1:00
            return f"{seconds_clock(low)}–{seconds_clock(high)}"
        return f"{plain_unit(low, unit)}–{plain_unit(high, unit)}"
    if low is not None:
        return f"≥ {plain_unit(low, unit)}"
    return f"≤ {plain_unit(high, unit)}" if high is not None else MISSING


def change(kpi_id: str, delta: float | None, currency: str = "EUR") -> str:
    """A signed change of a KPI: `+2.3 pp` for rates, `-12.0 s` for durations, `+€0.12`, `+1.5`."""
    return by_unit(delta, "+" + _report_unit(unit_of(kpi_id), currency))


def _report_unit(unit: str, currency: str) -> str:
    return f"currency:{currency}" if unit == "currency" else unit


def kpi_unit(kpi_id: str, currency: str = "EUR") -> str:
    """The `by_unit` unit of a KPI's values (`rate`, `seconds`, `currency:EUR`, `points`)."""
    return _report_unit(unit_of(kpi_id), currency)


def date_text(value: date | datetime | None) -> str:
    """A date as `2026-04-01`; a time of day only when it is not midnight (`2026-04-01 09:30`)."""
    if value is None:
        return MISSING
    if isinstance(value, datetime):
        if (value.hour, value.minute, value.second, value.microsecond) == (0, 0, 0, 0):
            return value.date().isoformat()
        return value.strftime("%Y-%m-%d %H:%M")
    return value.isoformat()


def _signed(text: str, value: float, signed: bool) -> str:
    return ("+" + text if value >= 0 else text) if signed else text


def by_unit(value: Any, unit: str) -> str:
    """A value of a named unit as shown everywhere; a leading `+` writes a signed change (rates in pp)."""
    if is_missing(value):
        return MISSING
    signed, base = unit.startswith("+"), unit.lstrip("+")
    if base in ("text", ""):
        return date_text(value) if isinstance(value, date | datetime) else str(value)
    if base == "bool":
        return "yes" if value else "no"
    if isinstance(value, date | datetime):
        return date_text(value)
    x = float(value)
    if base == "rate":
        return f"{x * 100:+.1f} pp" if signed else percent(x)
    if base == "seconds":
        return f"{x:+,.1f} s" if signed else seconds(x)
    if base.startswith("currency:"):
        return _signed(money(x, base.split(":", 1)[1]), x, signed)
    if base in ("points", "score"):
        return f"{x:+.1f}" if signed else points(x)
    if base == "count":
        text = f"{x:,.0f}" if x.is_integer() else f"{x:,.1f}"
        return _signed(text, x, signed)
    if base == "quantity":
        return _signed(f"{x:,.0f}" if x.is_integer() else f"{x:,.2f}", x, signed)
    if base == "pct":
        return f"{_trim(x, 2)}%"
    if base == "fx":
        return f"{x:.4f}"
    if base == "weight":
        return f"{x:g}"
    return str(value)


def __getattr__(name: str) -> Any:
    """`excel_format`, `excel_value`: the XLSX twins of `by_unit`, in `excel.py` (imported on first use)."""
    if name in ("excel_format", "excel_value"):
        from scorecard.present import excel

        return getattr(excel, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
