"""Every read the app makes, scoped: the library's reads with the vendors a scope may see, nothing more.

Each function takes `(con, scope, ...)`, narrows the vendors asked to those the scope shows by name
(`Scope.restrict`: a vendor's view is its own vendor only), binds them into the library's query, and
filters the result again by vendor id. Reads that compare with peers are in `scorecard.access.peers`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

import duckdb
import polars as pl

from scorecard.access import AccessError
from scorecard.access.scope import Scope
from scorecard.metrics import intervals, kpis, provenance, reported
from scorecard.scoring import points


def _only(frame: pl.DataFrame, scope: Scope) -> pl.DataFrame:
    """Belt and braces: drop any row of a vendor the scope does not show."""
    if scope.vendors is None:
        return frame
    return frame.filter(pl.col("vendor_id").is_in(list(scope.vendors)))


def _vendors(scope: Scope, vendors: str | Sequence[str] | None) -> list[str] | None:
    return scope.restrict(vendors)


def settings(con: duckdb.DuckDBPyConnection, scope: Scope) -> dict[str, Any]:
    """The definitions in force and the default preset (no vendor data)."""
    return {**kpis.workspace_settings(con), **points.scoring_settings(con)}


def vendors(con: duckdb.DuckDBPyConnection, scope: Scope) -> pl.DataFrame:
    """The vendors the scope shows: id, name, country, time zone, currency."""
    return _only(provenance.vendors(con), scope)


def kpi_frame(
    con: duckdb.DuckDBPyConnection,
    scope: Scope,
    grain: str = "all",
    vendors: Sequence[str] | None = None,
    by_program: bool = False,
    start: date | None = None,
    end: date | None = None,
    costs_within: tuple[date | None, date | None] | None = None,
) -> pl.DataFrame:
    """`scorecard.metrics.kpis.kpis` for the scope's vendors."""
    frame = kpis.kpis(con, grain, _vendors(scope, vendors), by_program, start, end, costs_within)
    return _only(frame, scope)


def kpi_notes(
    con: duckdb.DuckDBPyConnection,
    scope: Scope,
    grain: str = "all",
    vendors: Sequence[str] | None = None,
    by_program: bool = False,
    start: date | None = None,
    end: date | None = None,
) -> pl.DataFrame:
    """Why KPIs are NULL, for the scope's vendors."""
    return _only(kpis.kpi_notes(con, grain, _vendors(scope, vendors), by_program, start, end), scope)


def daily_components(
    con: duckdb.DuckDBPyConnection,
    scope: Scope,
    vendors: Sequence[str] | None = None,
    start: date | None = None,
    end: date | None = None,
    by_program: bool = False,
    costs_within: tuple[date | None, date | None] | None = None,
) -> pl.DataFrame:
    """The additive daily components of the scope's vendors (cost over `costs_within` only, if given)."""
    frame = kpis.daily_components(con, _vendors(scope, vendors), start, end, by_program, costs_within)
    return _only(frame, scope)


def coverage_days(
    con: duckdb.DuckDBPyConnection,
    scope: Scope,
    vendors: Sequence[str] | None = None,
    start: date | None = None,
    end: date | None = None,
) -> pl.DataFrame:
    """The days the scope's vendors' data cover (comparable periods)."""
    return _only(kpis.coverage_days(con, _vendors(scope, vendors), start, end), scope)


def date_span(con: duckdb.DuckDBPyConnection, scope: Scope) -> tuple[date | None, date | None]:
    """First and last local date with data among the scope's vendors."""
    if scope.vendors is None:
        return provenance.date_span(con)
    days = daily_components(con, scope)["local_date"]
    return (days.min(), days.max()) if days.len() else (None, None)  # type: ignore[return-value]


def ingest_log(con: duckdb.DuckDBPyConnection, scope: Scope) -> pl.DataFrame:
    """The ingest log; a restricted scope sees only its vendors' files (not workspace-level ones)."""
    return _only(provenance.ingest_log(con), scope)


def file_status(con: duckdb.DuckDBPyConnection, scope: Scope) -> pl.DataFrame:
    """Each file as it stands, with its warnings counted; a restricted scope sees its vendors' files."""
    return _only(provenance.file_status(con), scope)


def file_warnings(con: duckdb.DuckDBPyConnection, scope: Scope) -> pl.DataFrame:
    """The warnings of each file as it stands (rule, rows, first line, example), for the scope's vendors."""
    return _only(provenance.file_warnings(con), scope)


def source_files(
    con: duckdb.DuckDBPyConnection,
    scope: Scope,
    vendors: Sequence[str] | None = None,
    start: date | None = None,
    end: date | None = None,
) -> pl.DataFrame:
    """Rows per vendor x source x file of the scope's vendors."""
    return _only(provenance.source_files(con, _vendors(scope, vendors), start, end), scope)


def provenance_files(
    con: duckdb.DuckDBPyConnection,
    scope: Scope,
    kpi_id: str,
    vendors: Sequence[str] | None = None,
    start: date | None = None,
    end: date | None = None,
    sl_variant: str = "negative",
    fcr_method: str = "survey",
) -> pl.DataFrame:
    """The files a KPI comes from, for the scope's vendors."""
    found = provenance.provenance(con, kpi_id, _vendors(scope, vendors), start, end, sl_variant, fcr_method)
    return _only(found, scope)


def daily_rows(con: duckdb.DuckDBPyConnection, scope: Scope, vendor: str) -> pl.DataFrame:
    """Rows per source and local date of one vendor the scope shows."""
    if not scope.allows(vendor):
        raise AccessError("This vendor is not available to you.")
    return provenance.daily_rows(con, vendor)


def interval_service(
    con: duckdb.DuckDBPyConnection,
    scope: Scope,
    variant: str,
    vendors: Sequence[str] | None = None,
    start: date | None = None,
    end: date | None = None,
) -> pl.DataFrame:
    """Per-interval service level of the scope's vendors."""
    return _only(intervals.interval_service(con, variant, _vendors(scope, vendors), start, end), scope)


def reported_vs_recomputed(
    con: duckdb.DuckDBPyConnection,
    scope: Scope,
    vendors: Sequence[str] | None = None,
    start: date | None = None,
    end: date | None = None,
) -> pl.DataFrame:
    """Vendor-reported KPIs next to ours, for the scope's vendors."""
    frame = reported.reported_vs_recomputed(con, _vendors(scope, vendors), start, end)
    return _only(frame, scope)


def ingest_progress(scope: Scope, message: str) -> str:
    """An ingest progress message as the scope may see it ("vendor: file" of another vendor is hidden)."""
    vendor, sep, _ = message.partition(": ")
    if scope.vendors is None or not sep or vendor in scope.vendors:
        return message
    return "another vendor's file"


def ingest_summary(scope: Scope, report: Any) -> tuple[int, int]:
    """Files (loaded or replaced, rejected) of an ingest report that belong to the scope's vendors."""
    files = [f for f in report.files if scope.allows(f.vendor_id)]
    return sum(f.status in ("loaded", "replaced") for f in files), sum(f.status == "rejected" for f in files)


def bids(
    con: duckdb.DuckDBPyConnection, scope: Scope, workspace: str, preset_name: str, period: str
) -> pl.DataFrame | None:
    """Each bid of the scope's vendors priced on the workspace's `[scenario]`, when the preset scores cost
    against the lowest bid (as `scorecard rank --workspace`); None otherwise, and always in a vendor's view
    (the peers' prices are not for it)."""
    from scorecard.scoring import bids as pricing
    from scorecard.scoring.presets import load_preset

    if scope.anonymised:
        return None
    priced = pricing.bids_on_scenario(con, workspace, load_preset(preset_name, workspace), period)
    return None if priced is None else _only(priced, scope)
