"""KPI frames from the SQL views: KPIs at any period grain, why a KPI is NULL, and daily components.

Every KPI is `sum(numerator) / sum(denominator)` over the period (the `kpi_table` macro of
`queries/kpi/`); this module validates the arguments, binds them as parameters and returns polars frames
in the column order of docs/kpis.md with a deterministic row order.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

import duckdb
import polars as pl

from scorecard.errors import ScorecardError
from scorecard.metrics.catalogue import COMPONENT_COLUMNS, KPI_COLUMNS, VOLUME_COLUMNS
from scorecard.periods import GRAINS, Period, parse_period  # noqa: F401 (importable from here too)
from scorecard.sql.views import ensure_views


def _check_grain(grain: str) -> str:
    if grain not in GRAINS:
        raise ScorecardError(f"Unknown grain {grain!r}; expected one of: {', '.join(GRAINS)}.")
    return grain


def _as_date(value: date | str | None, name: str) -> date | None:
    if value is None or isinstance(value, date):
        return value
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ScorecardError(
            f"Invalid {name} date {value!r}; expected YYYY-MM-DD, e.g. 2026-04-15."
        ) from None


def _vendor_list(vendors: str | Sequence[str] | None) -> list[str] | None:
    if vendors is None:
        return None
    return [vendors] if isinstance(vendors, str) else [str(v) for v in vendors]


def _scope(
    vendors: str | Sequence[str] | None, start: date | str | None, end: date | str | None
) -> list[Any]:
    return [_vendor_list(vendors), _as_date(start, "start"), _as_date(end, "end")]


def kpi_columns(by_program: bool = False) -> list[str]:
    """The KPI output columns of docs/kpis.md: keys, volumes, then catalogue.KPI_COLUMNS."""
    keys = ["vendor_id", "period", "program"] if by_program else ["vendor_id", "period"]
    return [*keys, *VOLUME_COLUMNS, *KPI_COLUMNS]


def kpis(
    con: duckdb.DuckDBPyConnection,
    grain: str = "all",
    vendors: str | Sequence[str] | None = None,
    by_program: bool = False,
    start: date | str | None = None,
    end: date | str | None = None,
    costs_within: tuple[date | None, date | None] | None = None,
) -> pl.DataFrame:
    """KPIs per vendor x period (x program), pooled over the days in [start, end] (local dates).

    `costs_within` (a comparison's compared days, `Comparability.kpi_days`) counts cost only on those
    days: an invoice already in the data for a month no call data reach is not divided by the calls."""
    _check_grain(grain)
    ensure_views(con)
    macro, order = ("kpi_program_table", ", program") if by_program else ("kpi_table", "")
    cost_start, cost_end = costs_within or (None, None)
    frame = con.sql(
        f"select * from {macro}($grain, vendor_ids := $vendors, start_date := $start, "
        f"end_date := $end, cost_start := $cost_start, cost_end := $cost_end) "
        f"order by vendor_id, period{order}",
        params={**_params(grain, vendors, start, end), "cost_start": cost_start, "cost_end": cost_end},
    ).pl()
    return frame.select(kpi_columns(by_program))


def _params(
    grain: str,
    vendors: str | Sequence[str] | None,
    start: date | str | None,
    end: date | str | None,
) -> dict[str, Any]:
    vendor_ids, start_date, end_date = _scope(vendors, start, end)
    return {"grain": grain, "vendors": vendor_ids, "start": start_date, "end": end_date}


def kpi_notes(
    con: duckdb.DuckDBPyConnection,
    grain: str = "all",
    vendors: str | Sequence[str] | None = None,
    by_program: bool = False,
    start: date | str | None = None,
    end: date | str | None = None,
) -> pl.DataFrame:
    """Why each NULL KPI of `kpis(...)` is NULL: vendor_id, period, [program], kpi, reason."""
    _check_grain(grain)
    ensure_views(con)
    params = _params(grain, vendors, start, end)
    params["kpis"] = list(KPI_COLUMNS)
    frame = con.sql(
        "select * from kpi_notes($grain, by_program := $by_program, vendor_ids := $vendors, "
        "start_date := $start, end_date := $end) "
        "order by vendor_id, period, program nulls first, list_position($kpis, kpi)",
        params={**params, "by_program": by_program},
    ).pl()
    keys = ["vendor_id", "period", "program"] if by_program else ["vendor_id", "period"]
    return frame.select([*keys, "kpi", "reason"])


def daily_components(
    con: duckdb.DuckDBPyConnection,
    vendors: str | Sequence[str] | None = None,
    start: date | str | None = None,
    end: date | str | None = None,
    by_program: bool = False,
    costs_within: tuple[date | None, date | None] | None = None,
) -> pl.DataFrame:
    """The additive daily components (mart_vendor_days, or mart_program_days by program), sorted;
    with `costs_within`, cost outside those days is 0 (as in `kpis`)."""
    ensure_views(con)
    view, keys = (
        ("mart_program_days", ["vendor_id", "program", "local_date"])
        if by_program
        else ("mart_vendor_days", ["vendor_id", "local_date"])
    )
    vendor_ids, start_date, end_date = _scope(vendors, start, end)
    cost_start, cost_end = costs_within or (None, None)
    frame = con.sql(
        f"select * replace (kpi_cost_within(local_date, cost_base, $cost_start, $cost_end) as cost_base) "
        f"from {view} "
        f"where kpi_in_scope(vendor_id, local_date, $vendors, $start, $end) order by {', '.join(keys)}",
        params={
            "vendors": vendor_ids,
            "start": start_date,
            "end": end_date,
            "cost_start": cost_start,
            "cost_end": cost_end,
        },
    ).pl()
    return frame.select([*keys, *COMPONENT_COLUMNS])


def workspace_vendors(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The workspace's vendor ids, sorted (the `vendors` table: a vendor removed has no rows left)."""
    return [r[0] for r in con.execute("select vendor_id from vendors order by 1").fetchall()]


def coverage_days(
    con: duckdb.DuckDBPyConnection,
    vendors: str | Sequence[str] | None = None,
    start: date | str | None = None,
    end: date | str | None = None,
) -> pl.DataFrame:
    """The days each vendor's data cover (`kpi_coverage_days`): vendor_id, local_date, row_s, sorted."""
    ensure_views(con)
    vendor_ids, start_date, end_date = _scope(vendors, start, end)
    return con.sql(
        "select * from kpi_coverage_days(vendor_ids := $vendors, start_date := $start, end_date := $end) "
        "order by vendor_id, local_date",
        params={"vendors": vendor_ids, "start": start_date, "end": end_date},
    ).pl()


def workspace_settings(con: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    """The definition choices in force (thresholds, variant, FCR method, base currency)."""
    ensure_views(con)
    frame = con.sql("select * from stg_settings").pl()
    if frame.height != 1:
        raise ScorecardError(
            f"The settings table holds {frame.height} rows instead of 1; rebuild the database with "
            "`scorecard ingest`."
        )
    return frame.row(0, named=True)


def known_vendors(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Every vendor id of the workspace or with loaded data, sorted."""
    ensure_views(con)
    return [r[0] for r in con.sql("select vendor_id from int_vendor_sources order by 1").fetchall()]
