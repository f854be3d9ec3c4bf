"""Where the numbers come from: source files per scope and per KPI, daily coverage, the ingest log.

Plain functions of a DuckDB connection over the views and macros of `queries/` (`int_source_rows`,
`int_source_days`, `kpi_source_files`): every user value a bound parameter, every result read to the end.
Scope arguments follow `scorecard.metrics.kpis`: vendor ids (None = all) and inclusive local dates.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

import duckdb
import polars as pl

from scorecard.metrics import catalogue
from scorecard.sql.views import ensure_views

#: The source tables of the data flow (docs/design.md), in the order provenance lists them.
SOURCES: tuple[str, ...] = catalogue.SOURCES

#: Which source tables feed each daily component (declared in `catalogue.toml`).
SOURCE_OF: dict[str, tuple[str, ...]] = catalogue.SOURCE_OF


def scope_params(vendors: Sequence[str] | None, start: date | None, end: date | None) -> dict[str, Any]:
    """The bound parameters `$vendors, $start, $end` of a scope (vendor ids as a list, None = all)."""
    return {"vendors": list(vendors) if vendors is not None else None, "start": start, "end": end}


def sources_of(kpi_id: str, sl_variant: str = "negative", fcr_method: str = "survey") -> tuple[str, ...]:
    """The source tables a KPI is computed from, in the order of `SOURCES`."""
    k = catalogue.kpi(kpi_id, sl_variant, fcr_method)
    found = {s for c in (*k.numerator, *k.denominator) for s in SOURCE_OF[c]}
    return tuple(s for s in SOURCES if s in found)


def source_files(
    con: duckdb.DuckDBPyConnection,
    vendors: Sequence[str] | None = None,
    start: date | None = None,
    end: date | None = None,
) -> pl.DataFrame:
    """Rows per vendor x source table x file within the scope (costs: billed periods that overlap it)."""
    ensure_views(con)
    return con.sql(
        "select * from kpi_source_files(vendor_ids := $vendors, start_date := $start, end_date := $end) "
        "order by vendor_id, source, source_file",
        params=scope_params(vendors, start, end),
    ).pl()


def provenance(
    con: duckdb.DuckDBPyConnection,
    kpi_id: str,
    vendors: Sequence[str] | None = None,
    start: date | None = None,
    end: date | None = None,
    sl_variant: str = "negative",
    fcr_method: str = "survey",
) -> pl.DataFrame:
    """The files and row counts a KPI's value comes from, per vendor, within the scope."""
    files = source_files(con, vendors, start, end)
    return files.filter(pl.col("source").is_in(list(sources_of(kpi_id, sl_variant, fcr_method))))


def daily_rows(con: duckdb.DuckDBPyConnection, vendor: str) -> pl.DataFrame:
    """Rows per source and local date for one vendor (data coverage; costs: the days billed)."""
    ensure_views(con)
    return con.sql(
        "select source, local_date, rows from int_source_days where vendor_id = $v "
        "order by source, local_date",
        params={"v": vendor},
    ).pl()


def date_span(con: duckdb.DuckDBPyConnection) -> tuple[date | None, date | None]:
    """First and last local date with any data."""
    ensure_views(con)
    row = con.sql("select min(local_date), max(local_date) from int_vendor_days").fetchall()[0]
    return row[0], row[1]


def ingest_log(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """The ingest log (every file loaded, replaced, unchanged or rejected), newest first."""
    return con.sql(
        'select loaded_at, status, vendor_id, "table", format, path, rows, message, sha256 '
        "from ingest_log order by file_id desc"
    ).pl()


def vendors(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """The workspace's vendors: id, name, country, time zone, currency."""
    return con.sql("select vendor_id, name, country, timezone, currency from vendors order by vendor_id").pl()


def file_status(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """Each file as it stands (`int_file_status`) with its warnings counted, by vendor and path."""
    ensure_views(con)
    return con.sql(
        'select s.vendor_id, s.path, s."table", s.status, s.rows, '
        "coalesce(sum(w.rows), 0) as warned_rows, count(w.rule) as warning_rules, s.loaded_at, s.message "
        "from int_file_status as s left join int_file_warnings as w "
        "on w.vendor_id = s.vendor_id and w.path = s.path and w.export_key is not distinct from s.export_key "
        "group by all order by s.vendor_id, s.path"
    ).pl()


def file_warnings(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """The warnings of each file as it stands (`int_file_warnings`): rule, rows, first line, example."""
    ensure_views(con)
    return con.sql(
        'select vendor_id, path, "table", status, rule, rows, first_row, example, message '
        "from int_file_warnings order by vendor_id, path, rule"
    ).pl()
