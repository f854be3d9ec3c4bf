"""Preparing one export file for ingest without writing anything: hash, adapt, convert time, validate.

`prepare_file` runs in the ingest's worker thread while the previous file is written; the Data page's
upload preview calls `read_file` directly.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import duckdb
import polars as pl

from scorecard.errors import ScorecardError
from scorecard.ingest import db
from scorecard.ingest.adapters import get_adapter
from scorecard.ingest.schemas import validate
from scorecard.workspace.config import ExportConfig, VendorConfig, Workspace


def sha256(path: Path) -> str:
    """Hex digest of a file's bytes, read in chunks."""
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def to_utc_and_local(frame: pl.DataFrame, table: str, timezone: str) -> pl.DataFrame:
    """Store the table's timestamp as naive UTC and add `<ts>_local` (vendor wall-clock time)."""
    ts = db.TIMESTAMP_COLUMNS.get(table)
    if ts is None:
        return frame
    col = frame[ts]
    if col.dtype == pl.Null or col.dtype == pl.String:
        col = col.cast(pl.Datetime("us", "UTC"), strict=False)
    if col.dtype.time_zone is None:  # type: ignore[union-attr]
        col = col.dt.replace_time_zone(timezone, ambiguous="earliest", non_existent="null")
    aware = col.dt.convert_time_zone("UTC")
    return frame.with_columns(
        aware.dt.replace_time_zone(None).dt.cast_time_unit("us").alias(ts),
        aware.dt.convert_time_zone(timezone)
        .dt.replace_time_zone(None)
        .dt.cast_time_unit("us")
        .alias(f"{ts}_local"),
    )


def _complete(frame: pl.DataFrame, table: str) -> pl.DataFrame:
    """Add absent optional canonical columns as nulls and order columns canonically."""
    cols = [*db.CANONICAL[table], "source_row"]
    missing = [pl.lit(None).alias(c) for c in cols if c not in frame.columns]
    return frame.with_columns(missing).select(cols)


def read_file(
    path: Path, rel: str, export: ExportConfig, vendor: VendorConfig
) -> tuple[pl.DataFrame, pl.DataFrame | None]:
    """Adapt and validate one file; return raw-table rows (without provenance) and reported KPIs."""
    adapter = get_adapter(export.format, str(export.source))
    out = adapter.read(path, export, vendor)
    frame = to_utc_and_local(_complete(out.frame, export.table), export.table, vendor.timezone)
    ts = db.TIMESTAMP_COLUMNS.get(export.table)
    local = frame.select(f"{ts}_local") if ts else None
    body = frame.drop(f"{ts}_local") if ts else frame
    valid = validate(export.table, body, rel, extra=out.problems)
    if local is not None:
        valid = valid.with_columns(local)
    return valid, out.reported


def last_loaded_sha(con: duckdb.DuckDBPyConnection, rel: str) -> str | None:
    """The sha256 of the file's content as last loaded (or found unchanged), None if never loaded."""
    return db.scalar(
        con,
        "select sha256 from ingest_log where path = ? and status in ('loaded', 'replaced', 'unchanged') "
        "order by file_id desc limit 1",
        [rel],
    )


@dataclass
class Prepared:
    """A file hashed and, unless its content was loaded already, adapted and validated (nothing written)."""

    digest: str
    frame: pl.DataFrame | None = None
    reported: pl.DataFrame | None = None
    error: ScorecardError | None = None


def prepare_file(
    con: duckdb.DuckDBPyConnection, ws: Workspace, vendor: VendorConfig, export: ExportConfig, path: Path
) -> Prepared:
    """Hash one file and adapt and validate it unless the log says this content is loaded; reads only."""
    rel = path.relative_to(ws.root).as_posix()
    digest = sha256(path)
    if last_loaded_sha(con, rel) == digest:
        return Prepared(digest)
    try:
        frame, reported = read_file(path, rel, export, vendor)
    except ScorecardError as exc:
        return Prepared(digest, error=exc)
    return Prepared(digest, frame, reported)
