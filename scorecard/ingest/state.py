"""What the database knows it loaded: the raw rows of each file, `loaded_files`, the ingest log and the
workspace tables — written only inside the ingest's transactions.

A loaded file is identified by (vendor_id, export_key, source_file): the same file read by two export
entries is two loads, and a change to an entry's settings gives it a new key, so the rows read under
the old settings are stale and leave the database.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

import duckdb
import polars as pl

from scorecard.errors import FileValidationError, RowWarning, ValidationFailure, place
from scorecard.ingest import db
from scorecard.workspace.config import Workspace

#: Natural keys: the same key in two files (or two exports) of one vendor is an error naming both.
NATURAL_KEYS: dict[str, tuple[str, ...]] = {
    "calls": ("call_id",),
    "intervals": ("program", "interval_start"),
    "agent_time": ("agent_id", "date"),
    "surveys": ("survey_id",),
    "quality": ("evaluation_id",),
    "forecast": ("program", "interval_start"),
    "costs": ("period_start", "period_end", "kind", "per"),
}
#: Rows a table's natural key applies to; the others may repeat across files. A period's invoice for one
#: price basis is billed once (a corrected invoice replaces it, never adds to it); credit notes and
#: adjustments add up. Keys may be empty (`per`), and empty equals empty.
KEYED_ROWS: dict[str, str] = {"costs": "kind = 'invoice'"}


@dataclass
class FileResult:
    """What happened to one file under one export entry."""

    path: str
    vendor_id: str
    table: str
    format: str
    status: str  # loaded | replaced | reread | unchanged | rejected | held | removed
    rows: int | None
    message: str = ""
    warnings: list[RowWarning] = field(default_factory=list)
    export_key: str = ""


def warnings_text(res: FileResult) -> str | None:
    """The warnings of a load in one line for the log, e.g. `3 survey_no_answer (first: line 7)`."""
    if not res.warnings:
        return None
    where = place(res.path)
    return "; ".join(
        f"{w.rows} {w.rule}" + (f" (first: {where} {w.first_row})" if w.first_row is not None else "")
        for w in res.warnings
    )


def log(con: duckdb.DuckDBPyConnection, res: FileResult, digest: str | None) -> None:
    """Append one row to ingest_log (and its warnings to ingest_warnings)."""
    file_id = db.scalar(con, "select coalesce(max(file_id), 0) + 1 from ingest_log")
    con.execute(
        'insert into ingest_log (file_id, path, sha256, vendor_id, "table", format, rows, loaded_at, '
        "status, message, export_key, warnings) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            file_id,
            res.path,
            digest or "",
            res.vendor_id,
            res.table,
            res.format,
            res.rows,
            datetime.now(UTC).replace(tzinfo=None),
            res.status,
            res.message,
            res.export_key,
            warnings_text(res),
        ],
    )
    for w in res.warnings:
        con.execute(
            "insert into ingest_warnings values (?, ?, ?, ?, ?, ?)",
            [file_id, w.rule, w.rows, w.first_row, None if w.example is None else str(w.example), w.message],
        )


def loaded_rows(con: duckdb.DuckDBPyConnection, vendor_id: str, key: str, rel: str) -> int | None:
    """How many rows the database holds from this load (None: not loaded)."""
    return db.scalar(
        con,
        "select rows from loaded_files where vendor_id = ? and export_key = ? and source_file = ?",
        [vendor_id, key, rel],
    )


def key_conflicts(
    con: duckdb.DuckDBPyConnection, table: str, vendor_id: str, key: str, rel: str, frame: pl.DataFrame | str
) -> None:
    """Raise FileValidationError for natural keys of `frame` (or of the table of that name, holding a
    file's rows staged in batches) already loaded from another file or export."""
    keys = NATURAL_KEYS.get(table)
    if not keys:
        return
    other = "vendor_id = ? and not (export_key = ? and source_file = ?)"
    if not con.execute(f"select 1 from raw_{table} where {other} limit 1", [vendor_id, key, rel]).fetchall():
        return  # nothing else loaded for the vendor: nothing to collide with
    incoming = frame if isinstance(frame, str) else "incoming_keys"
    if not isinstance(frame, str):
        con.register("incoming_keys", frame.select(*keys, "source_row"))
    try:
        equal = "is not distinct from" if table in KEYED_ROWS else "="  # `per` may be empty in both
        join = " and ".join(f'r."{k}" {equal} i."{k}"' for k in keys)
        where = other.replace("vendor_id", "r.vendor_id").replace("export_key", "r.export_key")
        where = where.replace("source_file", "r.source_file")
        if table in KEYED_ROWS:
            where += f" and r.{KEYED_ROWS[table]} and i.{KEYED_ROWS[table]}"  # constants, not user input
        sql = f"from raw_{table} r join {incoming} i on {join} where {where}"
        total = db.scalar(con, f"select count(*) {sql}", [vendor_id, key, rel])
        rows = []
        if total:
            cols = ", ".join(f"i.{k}" for k in keys)
            rows = con.execute(
                f"select r.source_file, r.source_row, i.source_row, {cols} {sql} "
                "order by i.source_row limit 21",
                [vendor_id, key, rel],
            ).fetchall()
    finally:
        if not isinstance(frame, str):
            con.unregister("incoming_keys")
    if rows:
        failures = [
            ValidationFailure(
                row,
                ", ".join(keys),
                k[0] if len(k) == 1 else tuple("" if x is None else str(x) for x in k),
                f"already loaded for vendor '{vendor_id}' from {src} ({place(src)} {src_row})",
            )
            for src, src_row, row, *k in rows
        ]
        raise FileValidationError(
            path=rel,
            table=table,
            failures=failures,
            total=total,
            hint="A natural key must appear in one file only; remove the duplicate rows from one file "
            "(or leave them out of one export with `drop`/`keep`).",
        )


def write(
    con: duckdb.DuckDBPyConnection,
    res: FileResult,
    frame: pl.DataFrame | str,
    reported: pl.DataFrame | None,
    digest: str,
    export_files: str,
    observed: tuple[str, ...],
) -> None:
    """Replace a load's rows and record it in loaded_files (inside the caller's transaction); `frame` may
    name a table that holds the rows (a file staged in batches)."""
    remove(con, res.vendor_id, res.export_key, res.path, res.table)
    incoming = frame if isinstance(frame, str) else "incoming"
    if not isinstance(frame, str):
        con.register("incoming", frame)  # scanned through the Arrow C stream, no copy
    rows = db.scalar(con, f"select count(*) from {incoming}") if isinstance(frame, str) else frame.height
    try:
        con.execute(
            f"insert into raw_{res.table} by name select ?::varchar as vendor_id, ?::varchar as export_key, "
            f"?::varchar as source_file, * from {incoming}",
            [res.vendor_id, res.export_key, res.path],
        )
        if reported is not None and reported.height:
            con.register("incoming_reported", reported.to_arrow())
            con.execute(
                "insert into reported_kpis by name select ?::varchar as vendor_id, ?::varchar as export_key, "
                "?::varchar as source_file, * from incoming_reported",
                [res.vendor_id, res.export_key, res.path],
            )
            con.unregister("incoming_reported")
    finally:
        if not isinstance(frame, str):
            con.unregister("incoming")
    con.execute(
        "insert into loaded_files values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            res.vendor_id,
            res.export_key,
            res.path,
            res.table,
            res.format,
            export_files,
            digest,
            rows,
            list(observed),
            datetime.now(UTC).replace(tzinfo=None),
        ],
    )


def set_export_files(con: duckdb.DuckDBPyConnection, vendor_id: str, key: str, rel: str, glob: str) -> None:
    """Record the `files` glob an unchanged load is now matched by (messages name the export by it)."""
    con.execute(
        "update loaded_files set export_files = ? where vendor_id = ? and export_key = ? and source_file = ? "
        "and export_files <> ?",
        [glob, vendor_id, key, rel, glob],
    )


def remove(con: duckdb.DuckDBPyConnection, vendor_id: str, key: str, rel: str, table: str) -> None:
    """Delete one load's rows, reported KPIs and loaded_files entry (inside the caller's transaction)."""
    params = [vendor_id, key, rel]
    where = "where vendor_id = ? and export_key = ? and source_file = ?"
    con.execute(f"delete from raw_{table} {where}", params)
    con.execute(f"delete from reported_kpis {where}", params)
    con.execute(f"delete from loaded_files {where}", params)


def loads_of(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str, str, str, str, int]]:
    """Every recorded load: (vendor_id, export_key, source_file, table, format, rows)."""
    return con.execute(
        'select vendor_id, export_key, source_file, "table", format, rows from loaded_files order by all'
    ).fetchall()


def workspace_rows(con: duckdb.DuckDBPyConnection) -> list[list[tuple]]:
    """The vendors, fx_rates and settings rows, sorted (to tell whether a sync changed anything)."""
    return [
        con.execute(f"select * from {t} order by all").fetchall() for t in ("vendors", "fx_rates", "settings")
    ]


def sync_workspace_tables(con: duckdb.DuckDBPyConnection, ws: Workspace, keep: frozenset[str]) -> bool:
    """Replace the vendors, fx_rates and settings tables from the workspace (the vendors in `keep`, whose
    configuration cannot be read now, keep their rows); True if anything changed."""
    before = workspace_rows(con)
    con.execute("begin")
    con.execute("delete from vendors where not list_contains(?, vendor_id)", [sorted(keep)])
    for v in ws.vendors:
        con.execute(
            "insert into vendors values (?, ?, ?, ?, ?)",
            [v.vendor_id, v.name, v.country, v.timezone, v.currency],
        )
    con.execute("delete from fx_rates")
    con.register("incoming_fx", ws.fx_rates.to_arrow())
    con.execute("insert into fx_rates by name select * from incoming_fx")
    con.unregister("incoming_fx")
    con.execute("delete from settings")
    row = ws.settings_row()
    con.execute(
        f"insert into settings ({', '.join(row)}) values ({', '.join('?' for _ in row)})", list(row.values())
    )
    con.execute("commit")
    return workspace_rows(con) != before
