"""Vendor-reported KPIs next to ours, recomputed over the same days and program.

Some export formats carry the vendor's own figures (`reported_kpis`, read through the `kpi_reported`
macro). Each is compared with `scorecard.metrics.kpis.kpis` pooled over exactly its period: the whole
vendor when the figure has no program, else that program.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

import duckdb
import polars as pl

from scorecard.metrics import catalogue, kpis
from scorecard.metrics.provenance import scope_params
from scorecard.sql.views import ensure_views

#: The columns of `reported_vs_recomputed`, in order.
COLUMNS: tuple[str, ...] = (
    "vendor_id",
    "program",
    "period_start",
    "period_end",
    "kpi",
    "reported",
    "recomputed",
    "difference",
    "definition",
    "source_file",
    "source_row",
)

_KEYS = ["vendor_id", "period_start", "period_end"]


def reported_kpis(
    con: duckdb.DuckDBPyConnection,
    vendors: Sequence[str] | None = None,
    start: date | None = None,
    end: date | None = None,
) -> pl.DataFrame:
    """The vendor-reported figures whose period overlaps the scope, in a stable order."""
    ensure_views(con)
    return con.sql(
        "select * from kpi_reported(vendor_ids := $vendors, start_date := $start, end_date := $end) "
        "order by vendor_id, period_start, period_end, program nulls first, kpi, source_file, source_row",
        params=scope_params(vendors, start, end),
    ).pl()


def calendar_period(start: date, end: date) -> tuple[str, str]:
    """`(grain, label)` when [start, end] is exactly one day, ISO week, month, quarter or year, else `all`."""
    iso = start.isocalendar()
    quarter = (start.month - 1) // 3 + 1
    for label in (
        start.isoformat(),
        f"{iso.year}-W{iso.week:02d}",
        f"{start:%Y-%m}",
        f"{start.year}-Q{quarter}",
        str(start.year),
    ):
        period = kpis.parse_period(label)
        if (period.start, period.end) == (start, end):
            return period.grain, label
    return "all", "all"


def _batches(
    keys: pl.DataFrame, with_program: set[tuple[str, date, date]]
) -> dict[tuple[Any, ...], dict[str, tuple[date, date]]]:
    """The KPI queries that cover the reported periods: periods that are calendar periods of one grain
    share one query per vendor (x program); any other period gets a query of its own."""
    batches: dict[tuple[Any, ...], dict[str, tuple[date, date]]] = {}
    for vendor, start, end in keys.iter_rows():
        grain, label = calendar_period(start, end)
        for by_program in (False, True):
            if by_program and (vendor, start, end) not in with_program:
                continue
            batch = (vendor, grain, by_program) + (() if grain != "all" else (start, end))
            batches.setdefault(batch, {})[label] = (start, end)
    return batches


def _recomputed(
    con: duckdb.DuckDBPyConnection, batch: tuple[Any, ...], periods: dict[str, tuple[date, date]]
) -> pl.DataFrame:
    """Our KPIs of one batch in long form: vendor_id, program, period_start, period_end, kpi, recomputed."""
    vendor, grain, by_program = batch[:3]
    first = min(s for s, _ in periods.values())
    last = max(e for _, e in periods.values())
    frame = kpis.kpis(con, grain, vendors=[vendor], by_program=by_program, start=first, end=last)
    if not by_program:
        frame = frame.with_columns(pl.lit(None, pl.String).alias("program"))
    dates = pl.DataFrame(
        {
            "period": list(periods),
            "period_start": [s for s, _ in periods.values()],
            "period_end": [e for _, e in periods.values()],
        },
        schema={"period": pl.String, "period_start": pl.Date, "period_end": pl.Date},
    )
    return (
        frame.join(dates, on="period")
        .unpivot(
            index=["vendor_id", "program", "period_start", "period_end"],
            on=list(catalogue.KPI_COLUMNS),
            variable_name="kpi",
            value_name="recomputed",
        )
        .with_columns(pl.col("recomputed").cast(pl.Float64))
    )


def reported_vs_recomputed(
    con: duckdb.DuckDBPyConnection,
    vendors: Sequence[str] | None = None,
    start: date | None = None,
    end: date | None = None,
    limit: int | None = 60,
) -> pl.DataFrame:
    """Vendor-reported KPIs overlapping the scope next to ours recomputed over the same days and program.

    `difference` is reported − recomputed. At most `limit` distinct reported periods (the latest; None =
    all) are recomputed: periods that are calendar days, weeks, months, quarters or years share one KPI
    query per vendor and grain, any other period gets its own; by program only where a figure has one.
    """
    reported = reported_kpis(con, vendors, start, end)
    keys = reported.select(_KEYS).unique().sort("period_end", "period_start", "vendor_id", descending=True)
    if limit is not None:
        keys = keys.head(limit)
    with_program = set(reported.filter(pl.col("program").is_not_null()).select(_KEYS).iter_rows())
    recomputed = [_recomputed(con, b, periods) for b, periods in _batches(keys, with_program).items()]
    if not recomputed:
        return reported.with_columns(
            pl.lit(None, pl.Float64).alias("recomputed"), pl.lit(None, pl.Float64).alias("difference")
        ).select(COLUMNS)
    ours = pl.concat(recomputed, how="vertical_relaxed")
    kept = reported.join(keys, on=_KEYS, how="semi", maintain_order="left")
    return (
        kept.join(ours, on=[*_KEYS, "program", "kpi"], how="left", nulls_equal=True, maintain_order="left")
        .with_columns((pl.col("reported") - pl.col("recomputed")).alias("difference"))
        .select(COLUMNS)
    )
