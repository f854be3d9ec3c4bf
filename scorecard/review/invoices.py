"""The expected invoice of a vendor's price model and the check of its invoices against it (docs/contract.md).

Per vendor-local month, the price model (`scorecard.workspace.pricing`) priced on the recorded volumes
(`review_price_volumes`) gives the expected invoice, part by part with its formula, in the vendor's currency
and the base currency. The invoice lines in `costs` are set against it: the billed quantities (`quantity`,
`per`) against the recorded ones, and the invoiced amount against the expected one. A month billed more
than `tolerance_pct` % above what the data supports is over-billed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import duckdb
import polars as pl

from scorecard.errors import ScorecardError
from scorecard.metrics.kpis import kpis, workspace_settings
from scorecard.periods import Period
from scorecard.present import format as fmt
from scorecard.sql.views import ensure_views
from scorecard.workspace.pricing import BASES, PriceModel, price, quantities, total

LINES_SCHEMA = {
    "month": pl.String, "part": pl.String, "quantity": pl.Float64, "amount": pl.Float64,
    "amount_base": pl.Float64, "formula": pl.String, "reason": pl.String,
}  # fmt: skip
MONTHS_SCHEMA = {
    "month": pl.String, "expected": pl.Float64, "invoiced": pl.Float64, "difference": pl.Float64,
    "difference_rate": pl.Float64, "rate_to_base": pl.Float64, "expected_base": pl.Float64,
    "invoiced_base": pl.Float64, "difference_base": pl.Float64, "status": pl.String, "formula": pl.String,
}  # fmt: skip
QUANTITY_SCHEMA = {
    "month": pl.String, "basis": pl.String, "billed": pl.Float64, "recorded": pl.Float64,
    "difference": pl.Float64, "difference_rate": pl.Float64, "value": pl.Float64, "status": pl.String,
    "formula": pl.String,
}  # fmt: skip
OVER = "over-billed"


@dataclass(frozen=True)
class InvoiceCheck:
    """A vendor's expected invoice (`lines`), the invoiced vs expected amounts (`months`) and the billed vs
    recorded quantities (`quantities`), per local month, in the vendor currency (`_base`: base currency)."""

    vendor_id: str
    currency: str
    base_currency: str
    model: PriceModel
    lines: pl.DataFrame
    months: pl.DataFrame
    quantities: pl.DataFrame

    @property
    def over_billed(self) -> pl.DataFrame:
        """The months invoiced above the expected invoice by more than the tolerance."""
        return self.months.filter(pl.col("status") == OVER)

    def summary(self) -> str:
        """One line: the over-billed amount and months, or that the invoices match."""
        over = self.over_billed
        if not over.height:
            checked = self.months.filter(pl.col("status").is_in(["as expected", "under-billed"])).height
            unchecked = self.months.filter(pl.col("status").str.starts_with("cannot")).height
            if not checked:
                return "no month could be checked" if unchecked else "no invoices"
            tail = f"; {unchecked} month(s) could not be checked" if unchecked else ""
            return f"invoices within the price model's tolerance{tail}"
        amount = over["difference"].sum()
        months = ", ".join(over["month"])
        return f"over-billed by {fmt.money(amount, self.currency)} in {months}"


def _rates(con: duckdb.DuckDBPyConnection, vendor_id: str, same: bool) -> dict[str, float]:
    rows = con.execute("select month, rate_to_base from review_fx_rates(?)", [vendor_id]).fetchall()
    return {} if same else {m: r for m, r in rows}


def _times(x: float | None, rate: float | None) -> float | None:
    return None if x is None or rate is None else x * rate


def _status(diff: float | None, expected: float | None, tolerance_pct: float) -> str:
    if diff is None or expected is None:
        return "cannot check"
    limit = abs(expected) * tolerance_pct / 100
    return OVER if diff > limit + 0.005 else "under-billed" if diff < -limit - 0.005 else "as expected"


def _quantity_rows(model: PriceModel, month: str, volumes: Mapping[str, Any], billed: dict, cur: str) -> list:
    """Billed vs recorded quantity per basis the invoice states, valued at the contract's price."""
    recorded = quantities(volumes, model.fte_hours)
    rows = []
    for basis, (qty, _) in sorted(billed.items()):
        rec = recorded.get(basis)
        diff = None if rec is None else round(qty - rec, 6) + 0.0  # + 0.0: no "-0"
        rate = None if not rec or diff is None else diff / rec
        charges = [c for c in model.charges if c.per == basis]
        value, formula = None, "—"
        if charges and rec is not None:
            at_billed = sum(c.amount(qty, cur)[0] for c in charges)
            at_recorded = sum(c.amount(rec, cur)[0] for c in charges)
            value = round(at_billed - at_recorded, 2)
            unit = BASES[basis]
            formula = (
                f"{fmt.quantity(qty)} billed − {fmt.quantity(rec)} recorded = {fmt.quantity(diff)} {unit}; "
                f"priced: {fmt.money(at_billed, cur)} − {fmt.money(at_recorded, cur)} "
                f"= {fmt.money(value, cur)}"
            )
        status = {OVER: "billed more", "under-billed": "billed less", "as expected": "matches"}.get(
            _status(diff, rec, model.tolerance_pct), f"no {BASES[basis]} recorded"
        )
        rows.append((month, basis, qty, rec, diff, rate, value, status, formula))
    return rows


def invoice_check(
    con: duckdb.DuckDBPyConnection, vendor_id: str, model: PriceModel, period: Period | None = None
) -> InvoiceCheck:
    """Price every month of the vendor's data (within `period`) and set its invoices against it."""
    ensure_views(con)
    found = con.execute("select currency from vendors where vendor_id = ?", [vendor_id]).fetchall()
    if not found:
        raise ScorecardError(f"Unknown vendor {vendor_id!r} in the database; check --vendor.")
    cur, base = found[0][0], str(workspace_settings(con)["base_currency"])
    rates = _rates(con, vendor_id, cur == base)
    found_volumes = con.sql("select * from review_price_volumes($v)", params={"v": vendor_id}).pl()
    volumes = {r["month"]: r for r in found_volumes.iter_rows(named=True)}
    monthly = kpis(con, grain="month", vendors=[vendor_id])
    values = {r["period"]: r for r in monthly.iter_rows(named=True)}
    money = con.sql("select month, invoice from review_monthly_money($v)", params={"v": vendor_id}).pl()
    invoiced = dict(zip(money["month"], money["invoice"], strict=True))
    billed: dict[str, dict[str, tuple[float, float]]] = {}
    for m, per, qty, amount in con.execute(
        "select month, per, billed, billed_amount from review_billed_quantities(?)", [vendor_id]
    ).fetchall():
        billed.setdefault(m, {})[per] = (qty, amount)
    months = sorted(set(volumes) | set(invoiced))
    if period is not None:
        months = [m for m in months if f"{period.start:%Y-%m}" <= m <= f"{period.end:%Y-%m}"]
    lines, rows, qrows = [], [], []
    for m in months:
        rate = 1.0 if cur == base else rates.get(m)
        parts = price(model, volumes.get(m, {}), values.get(m, {}), cur) if m in volumes else []
        for p in parts:
            reason = p.reason
            lines.append((m, p.part, p.quantity, p.amount, _times(p.amount, rate), p.formula, reason))
        expected, formula, reason = total(parts, cur) if parts else (None, "—", "no recorded volumes")
        if expected is not None and rate is not None and cur != base:
            formula += f"; × {rate:.6g} {base}/{cur} = {fmt.money(expected * rate, base)}"
        inv = invoiced.get(m)
        diff = None if inv is None or expected is None else round(inv - expected, 2)
        status = "no invoice" if inv is None else _status(diff, expected, model.tolerance_pct)
        status = f"cannot price: {reason}" if expected is None and reason else status
        share = None if diff is None or not expected else diff / expected
        rows.append((m, expected, inv, diff, share, rate, _times(expected, rate), _times(inv, rate),
                     _times(diff, rate), status, formula))  # fmt: skip
        qrows += _quantity_rows(model, m, volumes.get(m, {}), billed.get(m, {}), cur)
    return InvoiceCheck(
        vendor_id, cur, base, model,
        pl.DataFrame(lines, schema=LINES_SCHEMA, orient="row"),
        pl.DataFrame(rows, schema=MONTHS_SCHEMA, orient="row"),
        pl.DataFrame(qrows, schema=QUANTITY_SCHEMA, orient="row"),
    )  # fmt: skip
