"""Helpers for the KPI tests: an in-memory database with the raw tables, a few rows, and the views.

Rows go straight into the raw tables of `scorecard.ingest.db` (no adapters, no validation), so each test shows
exactly the rows its expected values are computed from.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

import duckdb
import polars as pl

from scorecard.ingest.db import TIMESTAMP_COLUMNS, create_tables, raw_columns
from scorecard.metrics.kpis import kpi_notes, kpis
from scorecard.sql.views import apply_views

DEFAULT_SETTINGS: dict[str, Any] = {
    "base_currency": "EUR",
    "sl_threshold_s": 20.0,
    "short_abandon_s": 5.0,
    "sl_variant": "negative",
    "fcr_method": "survey",
    "fcr_repeat_days": 7,
    "preset": "quarterly_review",
}


def new_db(path: Path | None = None, **settings: Any) -> duckdb.DuckDBPyConnection:
    """A database (in memory unless `path`) with every table and one settings row (defaults + overrides)."""
    con = duckdb.connect(str(path) if path is not None else ":memory:")
    create_tables(con)
    values = {**DEFAULT_SETTINGS, **settings}
    cols = ", ".join(values)
    marks = ", ".join("?" for _ in values)
    con.execute(f"insert into settings ({cols}) values ({marks})", list(values.values())).fetchall()
    return con


def add_vendor(
    con: duckdb.DuckDBPyConnection,
    vendor_id: str,
    currency: str = "EUR",
    timezone: str = "Europe/Paris",
) -> None:
    """Register a vendor in the `vendors` table."""
    con.execute(
        "insert into vendors values (?, ?, ?, ?, ?)",
        [vendor_id, vendor_id.title(), "FR", timezone, currency],
    ).fetchall()


def add_fx(con: duckdb.DuckDBPyConnection, month: str, currency: str, rate: float) -> None:
    """Add a monthly FX rate (units of the base currency per unit of `currency`)."""
    con.execute("insert into fx_rates values (?, ?, ?, ?)", [month, currency, rate, "test"]).fetchall()


def _value(column_type: str, value: Any) -> Any:
    if value is None or not isinstance(value, str):
        return value
    if column_type == "TIMESTAMP":
        return datetime.fromisoformat(value)
    if column_type == "DATE":
        return date.fromisoformat(value)
    return value


def insert(con: duckdb.DuckDBPyConnection, table: str, vendor_id: str, rows: list[dict]) -> None:
    """Insert canonical rows into `raw_<table>` for a vendor.

    Provenance is filled in (`<table>.csv`, row 1, 2, ...); a timestamp's `<ts>_local` defaults to the
    timestamp itself (vendor on UTC) unless the row gives it.
    """
    columns = raw_columns(table)
    ts = TIMESTAMP_COLUMNS.get(table)
    names = list(columns)
    sql = f"insert into raw_{table} ({', '.join(names)}) values ({', '.join('?' for _ in names)})"
    for i, row in enumerate(rows, start=1):
        unknown = set(row) - set(columns)
        if unknown:
            raise KeyError(f"raw_{table} has no column(s) {sorted(unknown)}")
        full = {"vendor_id": vendor_id, "export_key": "test", "source_file": f"{table}.csv", "source_row": i}
        full |= row
        if ts is not None and f"{ts}_local" not in row:
            full[f"{ts}_local"] = row.get(ts)
        con.execute(sql, [_value(columns[c].split()[0], full.get(c)) for c in names]).fetchall()
    # like a canonical file: every outcome, and sales when the file has a revenue column
    observed = OUTCOMES + (("revenue",) if any("revenue" in r for r in rows) else ())
    for file in dict.fromkeys(r.get("source_file", f"{table}.csv") for r in rows):
        n = sum(r.get("source_file", f"{table}.csv") == file for r in rows)
        register_file(con, vendor_id, table, file, n, observed, rows[0].get("export_key", "test"))


OUTCOMES = ("abandoned", "answered", "blocked", "self_service")
#: What a test file records unless a test says otherwise: every outcome, and sales.
EVERYTHING = (*OUTCOMES, "revenue")


def register_file(
    con: duckdb.DuckDBPyConnection,
    vendor_id: str,
    table: str,
    source_file: str,
    rows: int,
    observed: tuple[str, ...] = EVERYTHING,
    export_key: str = "test",
) -> None:
    """Record a load in `loaded_files` as the ingest does (what the file records: `observed`)."""
    con.execute(
        "insert or replace into loaded_files values (?, ?, ?, ?, 'canonical', '*.csv', 'test', ?, ?, now())",
        [vendor_id, export_key, source_file, table, rows, list(observed) if table == "calls" else []],
    ).fetchall()


def call(
    call_id: str,
    outcome: str = "answered",
    wait_s: float = 10.0,
    arrived_at: str = "2026-04-15 10:00:00",
    program: str = "sales",
    talk_s: float | None = None,
    hold_s: float | None = None,
    acw_s: float | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """A canonical call row; talk/hold/acw default to 100/10/20 s when answered, else 0."""
    answered = outcome == "answered"
    return {
        "call_id": call_id,
        "program": program,
        "arrived_at": arrived_at,
        "outcome": outcome,
        "wait_s": wait_s,
        "talk_s": talk_s if talk_s is not None else (100.0 if answered else 0.0),
        "hold_s": hold_s if hold_s is not None else (10.0 if answered else 0.0),
        "acw_s": acw_s if acw_s is not None else (20.0 if answered else 0.0),
        "transferred": extra.pop("transferred", False),
        **extra,
    }


def interval(
    interval_start: str = "2026-04-15 10:00:00", program: str = "sales", **counts: Any
) -> dict[str, Any]:
    """A canonical interval row: 15 minutes, zero counts and the workspace thresholds unless given."""
    row: dict[str, Any] = {
        "program": program,
        "interval_start": interval_start,
        "interval_s": 900,
        "answered": 0,
        "answered_in_sl": 0,
        "abandoned": 0,
        "abandoned_in_sl": 0,
        "short_abandoned": 0,
        "blocked": 0,
        "self_service": 0,
        "sl_threshold_s": 20.0,
        "short_abandon_s": 5.0,
        "answered_wait_s": 0.0,
        "abandoned_wait_s": 0.0,
        "talk_s": 0.0,
        "hold_s": 0.0,
        "acw_s": 0.0,
        "transferred": 0,
    }
    row.update(counts)
    return row


def ready(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    """Apply the views and return the connection."""
    apply_views(con)
    return con


def one(con: duckdb.DuckDBPyConnection, vendor_id: str = "acme", **kwargs: Any) -> dict[str, Any]:
    """The single KPI row of a vendor (grain `all` unless given) as a dict."""
    frame = kpis(con, vendors=[vendor_id], **kwargs)
    assert frame.height == 1, frame
    return frame.row(0, named=True)


def notes(con: duckdb.DuckDBPyConnection, vendor_id: str = "acme", **kwargs: Any) -> dict[str, str]:
    """The KPI notes of a vendor's single period as {kpi: reason}."""
    frame = kpi_notes(con, vendors=[vendor_id], **kwargs)
    return dict(zip(frame["kpi"], frame["reason"], strict=True))


def rows(frame: pl.DataFrame, *columns: str) -> list[tuple]:
    """The given columns of a frame as a list of tuples (for compact assertions)."""
    return list(frame.select(columns).iter_rows())
