"""The XLSX twin of `format.by_unit`: the number format and stored value that make a workbook cell show
what the app shows (`85.9%`, `+2.3 pp`, `6:10`, `€1,234.50`, `12.50 HUF`)."""

from __future__ import annotations

from typing import Any

from scorecard.present.format import CURRENCY_SYMBOLS


def excel_format(unit: str, value: Any = None) -> str:
    """The XLSX number format that shows a `by_unit` value the same way (see `excel_value`)."""
    signed, base = unit.startswith("+"), unit.lstrip("+")
    if base == "rate":
        return '+0.0" pp";-0.0" pp";0.0" pp"' if signed else "0.0%"
    if base == "seconds":
        if signed or value is None or abs(float(value)) < 60:
            return '+#,##0.0" s";-#,##0.0" s";0.0" s"' if signed else '0.0" s"'
        return "[h]:mm:ss" if abs(float(value)) >= 3600 else "[m]:ss"
    if base.startswith("currency:"):
        code = base.split(":", 1)[1]
        symbol = CURRENCY_SYMBOLS.get(code)
        body = f'"{symbol}"#,##0.00' if symbol else f'#,##0.00" {code}"'
        return f"+{body};-{body};{body}" if signed else f"{body};-{body}"
    if base in ("points", "score"):
        return "+0.0;-0.0;0.0" if signed else "0.0"
    if base == "count":
        whole = value is None or float(value).is_integer()
        return "#,##0" if whole else "#,##0.0"
    if base == "quantity":
        return "#,##0" if value is None or float(value).is_integer() else "#,##0.00"
    if base == "pct":
        return 'General"%"'
    if base == "fx":
        return "0.0000"
    return "General"


def excel_value(value: float, unit: str) -> float:
    """The number an XLSX cell stores for `excel_format`: pp changes ×100, durations from a minute as days."""
    signed, base = unit.startswith("+"), unit.lstrip("+")
    if base == "rate" and signed:
        return value * 100
    if base == "seconds" and not signed and abs(value) >= 60:
        return round(value) / 86400  # m:ss shows whole seconds, as `seconds` rounds them
    return value
