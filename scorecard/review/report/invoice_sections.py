"""The review's price-model sections: the expected invoice with its formulas, and the invoice check.

Builders of `sections.SECTIONS` entries (a vendor without `[contract.price]` has none of them). Money is
in the vendor's currency, `_base` columns in the base currency; each figure carries the formula that gives it.
"""

from __future__ import annotations

import polars as pl

from scorecard.review.quarter import Review
from scorecard.workspace.pricing import BASES

#: Each basis as a column value people read (`productive hours`, not `productive_hour`).
NAMES = BASES | {
    "handled_minute": "handled minutes",
    "productive_hour": "productive hours",
    "month": "months",
}

#: Units of the columns these sections add (merged into the review's `column_units`).
MONEY = ("amount", "expected", "invoiced", "difference", "value")


def units(review: Review) -> dict[str, str]:
    """The unit of each column of the invoice sections."""
    cur, base = f"currency:{review.currency}", f"currency:{review.base_currency}"
    out = dict.fromkeys(MONEY, cur) | {f"{m}_base": base for m in MONEY}
    out |= dict.fromkeys(("quantity", "billed", "recorded"), "quantity") | {"difference_q": "+quantity"}
    return out | {"difference_rate": "rate", "rate_to_base": "fx"}


def expected_invoice(review: Review) -> pl.DataFrame | None:
    """Each part of the expected invoice per month: quantity, amount (both currencies) and its formula."""
    check = review.invoices
    if check is None:
        return None
    lines = check.lines.with_columns(
        pl.when(pl.col("amount").is_null())
        .then(pl.col("reason"))
        .otherwise(pl.col("formula"))
        .alias("formula")
    )
    both = ["amount_base"] if review.currency != review.base_currency else []
    return lines.select("month", "part", "quantity", "amount", *both, "formula")


def invoice_check(review: Review) -> pl.DataFrame | None:
    """Per month: expected vs invoiced, the difference and its share, and the status."""
    check = review.invoices
    if check is None:
        return None
    cols = ["month", "expected", "invoiced", "difference", "difference_rate", "status", "formula"]
    both = (
        ["expected_base", "invoiced_base", "difference_base"]
        if review.currency != review.base_currency
        else []
    )
    return check.months.select(*cols[:5], *both, *cols[5:])


def billed_quantities(review: Review) -> pl.DataFrame | None:
    """Per month and basis the invoice states: billed vs recorded quantity, and the difference priced."""
    check = review.invoices
    if check is None or not check.quantities.height:
        return None
    q = check.quantities.with_columns(
        pl.col("basis").replace_strict(NAMES, default=pl.col("basis")).alias("basis"),
        pl.col("difference").alias("difference_q"),
    )
    cols = ["month", "basis", "billed", "recorded", "difference_q", "difference_rate", "value", "status"]
    return q.select(*cols, "formula")


def check_note(review: Review) -> str:
    """How the check decides, with the tolerance."""
    check = review.invoices
    tol = "" if check is None else f"{check.model.tolerance_pct:g}"
    return (
        "Invoiced = the invoice lines of the month (adjustments and credit notes: see the credits). "
        f"Over-billed: invoiced more than {tol}% above the expected invoice priced on the recorded volumes."
    )
