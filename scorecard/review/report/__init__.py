"""Shareable review reports: the sections the app, the HTML and the XLSX show, and `write_report`.

A review is its first page (`scorecard.review.front`) and then `SECTIONS`, a list of `Section(key, title,
build, note)` in report order: to add a section (a price model, an invoice check), append one. Each builds a
table whose cells carry a unit (`rate`, `seconds`, `currency:EUR`, ...) written by the one formatter
(`scorecard.present.format.by_unit`); the HTML renders them as tables and the XLSX as one sheet each, so all
three always hold the same numbers. Units come from the column name (`column_units`); `@` takes the unit
of the row's KPI from the hidden `_unit` column, and a leading `+` shows a signed change (rates in pp).
People read names, not ids: KPI labels, vendor names, targets as `≥ 80%`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl

from scorecard.errors import ScorecardError
from scorecard.present import format as number
from scorecard.review.quarter import Review

_COUNTS = ("term", "earn_back_months", "intervals", "meeting", "peers", "rank", "weight", "successes", "n")
_VENDOR_MONEY = (
    *("invoice", "adjustments", "credits_recorded", "credits_due", "cap", "credits_owed", "earned_back"),
    *("net_cost", "cost_per_handled", "cost_per_resolved", "credit_due", "credit_owed"),
)
_BASE_MONEY = ("net_cost_base", "cost_per_handled_base", "cost_per_resolved_base")
_CREDIT_COLUMNS = _VENDOR_MONEY[:8]
_COST_COLUMNS = (
    *("handled", "resolved", "billable_calls", "rate_to_base", "net_cost_base", "cost_per_handled"),
    *("cost_per_handled_base", "cost_per_resolved", "cost_per_resolved_base"),
)


@dataclass(frozen=True)
class Table:
    """One section of a report: a key (HTML id, sheet), a title, a frame and the unit of each column."""

    key: str
    title: str
    frame: pl.DataFrame
    units: dict[str, str]
    note: str = ""

    @property
    def columns(self) -> list[str]:
        """The shown columns (hidden ones start with `_`)."""
        return [c for c in self.frame.columns if not c.startswith("_")]

    def unit(self, column: str, row: dict[str, Any]) -> str:
        """The unit of one cell."""
        unit = self.units.get(column, "text")
        sign, base = ("+", unit[1:]) if unit.startswith("+") else ("", unit)
        return sign + (row.get("_unit") or "text") if base == "@" else unit

    def header(self, column: str) -> str:
        """The column's display name; money columns name their currency: `Invoice (USD)`."""
        text = HEADERS.get(column, column.replace("_", " ").capitalize())
        unit = self.units.get(column, "")
        code = unit.lstrip("+").split(":", 1)[1] if unit.lstrip("+").startswith("currency:") else ""
        if code and column.endswith("_base"):
            return f"{text} ({code}, base)"
        return f"{text} ({code})" if code else text


#: Display names of columns whose name alone does not say it.
HEADERS: dict[str, str] = {
    "label": "KPI",
    "peer_median": "Peer median",
    "target_source": "Target from",
    "credit_pct": "Credit",
    "earn_back_months": "Earn-back (months)",
    "credits_recorded": "Credit notes received",
    "net_cost": "Net cost after SLA credits",
    "net_cost_base": "Net cost after SLA credits",
    "cost_per_handled": "Cost per handled call after SLA credits",
    "cost_per_handled_base": "Cost per handled call after SLA credits",
    "cost_per_resolved": "Cost per resolved call after SLA credits",
    "cost_per_resolved_base": "Cost per resolved call after SLA credits",
    "rate_to_base": "FX rate to base",
    "attainment_rate": "Intervals meeting target",
    "sl_target": "Service-level target",
    "min_events": "Minimum sample",
    "few_events": "Too few events",
    "vendor_currency": "Vendor currency",
    "difference_q": "Difference",
    "at": "Day or interval",
    "difference_rate": "Difference (share)",
    "amount": "Amount",
    "amount_base": "Amount",
    "expected_base": "Expected",
    "invoiced_base": "Invoiced",
    "difference_base": "Difference",
    "base_currency": "Base currency",
}


def fmt(value: Any, unit: str) -> str:
    """A value as every page and export writes it (`scorecard.present.format.by_unit`)."""
    return number.by_unit(value, unit)


def target_text(low: float | None, high: float | None, unit: str) -> str:
    """A band as people write it: `≥ 80%`, `≤ 20 s`, `3:00–10:00`, `—` without a target."""
    return number.band(low, high, unit)


def column_units(review: Review) -> dict[str, str]:
    """The unit of every numeric column name used in the review's tables."""
    cur, base = f"currency:{review.currency}", f"currency:{review.base_currency}"
    units = (
        dict.fromkeys(_COUNTS, "count") | dict.fromkeys(_VENDOR_MONEY, cur) | dict.fromkeys(_BASE_MONEY, base)
    )
    units |= dict.fromkeys(("value", "previous", "peer_median", "low", "high"), "@") | {"change": "+@"}
    units |= dict.fromkeys(("attainment_rate", "service_level", "sl_target", "coverage", "level"), "rate")
    units |= {"handled": "count", "resolved": "count", "billable_calls": "count", "min_events": "count"}
    return (
        units
        | {"rate_to_base": "fx", "credit_pct": "pct", "few_events": "bool", "score": "score"}
        | {
            "points": "points",
            "contribution": "score",
        }
    )


def _sum(values: list[Any]) -> float | None:
    return None if any(v is None for v in values) else float(sum(values))


def quarter_totals(review: Review) -> dict[str, float | None]:
    """The quarter's money and volumes (strict: a month without data makes a total unknown)."""
    m = review.credits
    out = {k: _sum(m[k].to_list()) if m.height else None for k in (*_CREDIT_COLUMNS, *_COST_COLUMNS[:2])}
    out["net_cost_base"] = _sum(m["net_cost_base"].to_list()) if m.height else None
    out["credits_owed_base"] = _sum(m["credits_owed_base"].to_list()) if m.height else None
    for per in ("handled", "resolved"):
        for suffix in ("", "_base"):
            net, n = out[f"net_cost{suffix}"], out[per]
            out[f"cost_per_{per}{suffix}"] = None if net is None or not n else net / n
    return out


def review_tables(review: Review) -> list[Table]:
    """Every section of the review after its first page, in report order (`sections.SECTIONS`)."""
    from scorecard.review.report.sections import SECTIONS

    units = column_units(review) | {m: "@" for m in review.months["period"]}
    tables = []
    for section in SECTIONS:
        frame = section.build(review)
        if frame is None:
            continue
        own = section.units(review) if section.units else {}
        tables.append(Table(section.key, section.title(review), frame, units | own, section.note(review)))
    return tables


def write_report(review: Review, path: str | Path) -> Path:
    """Write the review as HTML or XLSX, chosen by the file suffix."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in (".html", ".htm"):
        from scorecard.review.report.html import render_html

        path.write_text(render_html(review), encoding="utf-8")
    elif suffix == ".xlsx":
        from scorecard.review.report.xlsx import write_xlsx

        write_xlsx(review, path)
    else:
        raise ScorecardError(f"Cannot write a review to {path}: use a file ending in .html or .xlsx.")
    return path
