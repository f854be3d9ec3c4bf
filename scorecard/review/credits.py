"""A vendor's SLA credits over all its months (the engine of scorecard.workspace.contract on the database).

The money per month comes from `review_monthly_money`; day and interval terms read their monthly share
meeting the target from `scorecard.review.granular`. Earn-backs may span quarters, so every month is read.
"""

from __future__ import annotations

import duckdb
import polars as pl

from scorecard.metrics.kpis import kpis
from scorecard.review import granular
from scorecard.workspace.contract import Contract, Credits, assess


def monthly_money(con: duckdb.DuckDBPyConnection, vendor_id: str) -> pl.DataFrame:
    """Per local month, in the vendor currency: invoices, adjustments, credit notes, and the FX rate."""
    return con.sql(
        "select * from review_monthly_money($vendor) order by month", params={"vendor": vendor_id}
    ).pl()


def contract_credits(
    con: duckdb.DuckDBPyConnection,
    vendor_id: str,
    contract: Contract,
    months: pl.DataFrame | None = None,
    detail: pl.DataFrame | None = None,
) -> Credits:
    """The credit engine over every month of the vendor's data (earn-backs may span quarters); day and
    interval terms read their monthly share meeting the target from `detail` (`granular.term_detail`)."""
    months = kpis(con, grain="month", vendors=[vendor_id]) if months is None else months
    if any(t.min_share is not None for t in contract.terms):
        detail = granular.term_detail(con, vendor_id, contract) if detail is None else detail
        months = months.join(granular.monthly_shares(contract, detail), on="period", how="left")
    quarterly = any(t.period == "quarter" for t in contract.terms)
    quarters = kpis(con, grain="quarter", vendors=[vendor_id]) if quarterly else None
    return assess(contract, months, monthly_money(con, vendor_id), quarters)
