"""Ingest: workspace files -> adapters -> pandera validation -> DuckDB raw tables, atomically per file.

Rules (DESIGN.md "Ingest is idempotent and atomic per file"): the same file twice loads once; a changed
file replaces its earlier rows in one transaction; a file that fails validation loads nothing and the
reason names the file, rows, columns, values and rules; other files still load; nothing already loaded is
lost. Every file, loaded or not, gets a row in `ingest_log`.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import polars as pl

from scorecard.errors import FileValidationError, ScorecardError, ValidationFailure
from scorecard.ingest import db
from scorecard.ingest.prepare import Prepared, last_loaded_sha, prepare_file, read_file, sha256
from scorecard.sql.build import Builder
from scorecard.workspace.config import ExportConfig, VendorConfig, Workspace, load_workspace

Progress = Callable[[int, int, str], None]

#: Natural keys: the same key in two files of one vendor is an error naming both files.
NATURAL_KEYS: dict[str, tuple[str, ...]] = {
    "calls": ("call_id",),
    "intervals": ("program", "interval_start"),
    "agent_time": ("agent_id", "date"),
    "surveys": ("survey_id",),
    "quality": ("evaluation_id",),
}


@dataclass
class FileResult:
    """What happened to one file."""

    path: str
    vendor_id: str
    table: str
    format: str
    status: str  # loaded | replaced | unchanged | rejected
    rows: int | None
    message: str = ""


@dataclass
class IngestReport:
    """Per-file results and workspace-level problems of one ingest run."""

    files: list[FileResult] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    seconds: float = 0.0  #: the whole run, wall clock
    build_seconds: float = 0.0  #: of which building the materialised daily components
    built: bool = True  #: False: loaded with build=False, the materialised tables are out of date

    @property
    def ok(self) -> bool:
        """True when every file loaded (or was unchanged) and the workspace is consistent."""
        return not self.problems and all(f.status != "rejected" for f in self.files)

    def count(self, status: str) -> int:
        """Number of files with this status."""
        return sum(f.status == status for f in self.files)


def _key_conflicts(
    con: duckdb.DuckDBPyConnection, table: str, vendor_id: str, rel: str, frame: pl.DataFrame
) -> None:
    keys = NATURAL_KEYS.get(table)
    if not keys:
        return
    others = f"select 1 from raw_{table} where vendor_id = ? and source_file <> ? limit 1"
    if not con.execute(others, [vendor_id, rel]).fetchall():
        return  # the vendor has no rows from other files: nothing to collide with
    con.register("incoming_keys", frame.select(*keys, "source_row"))
    try:
        join = " and ".join(f'r."{k}" = i."{k}"' for k in keys)
        total = db.scalar(
            con,
            f"select count(*) from raw_{table} r join incoming_keys i on {join} "
            "where r.vendor_id = ? and r.source_file <> ?",
            [vendor_id, rel],
        )
        rows = []
        if total:
            rows = con.execute(
                f"select r.source_file, r.source_row, i.source_row, {', '.join(f'i.{k}' for k in keys)} "
                f"from raw_{table} r join incoming_keys i on {join} "
                "where r.vendor_id = ? and r.source_file <> ? order by i.source_row limit 21",
                [vendor_id, rel],
            ).fetchall()
    finally:
        con.unregister("incoming_keys")
    if rows:
        failures = [
            ValidationFailure(
                row,
                ", ".join(keys),
                key[0] if len(key) == 1 else tuple(str(k) for k in key),
                f"already loaded for vendor '{vendor_id}' from {other} ({_place(other)} {other_row})",
            )
            for other, other_row, row, *key in rows
        ]
        raise FileValidationError(
            path=rel,
            table=table,
            failures=failures,
            total=total,
            hint="A natural key must appear in one file only; remove the duplicate rows from one file.",
        )


def _place(path: str) -> str:
    return "row" if path.lower().endswith((".xlsx", ".xlsm", ".xls")) else "line"


def _write(
    con: duckdb.DuckDBPyConnection,
    table: str,
    vendor_id: str,
    rel: str,
    frame: pl.DataFrame,
    reported: pl.DataFrame | None,
) -> None:
    """Replace the file's rows in one transaction (the caller commits or rolls back)."""
    con.execute(f"delete from raw_{table} where vendor_id = ? and source_file = ?", [vendor_id, rel])
    con.execute("delete from reported_kpis where vendor_id = ? and source_file = ?", [vendor_id, rel])
    con.register("incoming", frame)  # scanned through the Arrow C stream, no copy
    try:
        con.execute(
            f"insert into raw_{table} by name "
            "select ?::varchar as vendor_id, ?::varchar as source_file, * from incoming",
            [vendor_id, rel],
        )
        if reported is not None and reported.height:
            con.register("incoming_reported", reported.to_arrow())
            con.execute(
                "insert into reported_kpis by name select ?::varchar as vendor_id, "
                "?::varchar as source_file, * from incoming_reported",
                [vendor_id, rel],
            )
            con.unregister("incoming_reported")
    finally:
        con.unregister("incoming")


def _log(con: duckdb.DuckDBPyConnection, res: FileResult, digest: str) -> None:
    con.execute(
        'insert into ingest_log (file_id, path, sha256, vendor_id, "table", format, rows, loaded_at, '
        "status, message) select coalesce(max(file_id), 0) + 1, ?, ?, ?, ?, ?, ?, ?, ?, ? from ingest_log",
        [
            res.path,
            digest,
            res.vendor_id,
            res.table,
            res.format,
            res.rows,
            datetime.now(UTC).replace(tzinfo=None),
            res.status,
            res.message,
        ],
    )


def _workspace_rows(con: duckdb.DuckDBPyConnection) -> list[list[tuple]]:
    return [
        con.execute(f"select * from {t} order by all").fetchall() for t in ("vendors", "fx_rates", "settings")
    ]


def sync_workspace_tables(con: duckdb.DuckDBPyConnection, ws: Workspace) -> bool:
    """Replace the vendors, fx_rates and settings tables from the workspace; True if anything changed."""
    before = _workspace_rows(con)
    con.execute("begin")
    con.execute("delete from vendors")
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
    return _workspace_rows(con) != before


def ingest_file(
    con: duckdb.DuckDBPyConnection,
    ws: Workspace,
    vendor: VendorConfig,
    export: ExportConfig,
    path: Path,
    prepared: Prepared | None = None,
    before_write: Callable[[], None] | None = None,
) -> FileResult:
    """Load one file atomically; never raises for a problem in the file itself.

    `prepared` is the file already hashed, adapted and validated by `prepare_file` (in another thread,
    while the previous file was written); the load decision is still taken here, against the log.
    """
    rel = path.relative_to(ws.root).as_posix()
    digest = prepared.digest if prepared else sha256(path)
    res = FileResult(rel, vendor.vendor_id, export.table, export.format, "rejected", None)
    previous = last_loaded_sha(con, rel)
    if previous == digest:
        res.status, res.message = "unchanged", "same content as the last load; skipped"
        res.rows = db.scalar(
            con,
            f"select count(*) from raw_{export.table} where vendor_id = ? and source_file = ?",
            [vendor.vendor_id, rel],
        )
        return res
    try:
        if prepared and prepared.error:
            raise prepared.error
        if prepared and prepared.frame is not None:
            frame, reported = prepared.frame, prepared.reported
        else:
            frame, reported = read_file(path, rel, export, vendor)
        _key_conflicts(con, export.table, vendor.vendor_id, rel, frame)
        if before_write:
            before_write()
        con.execute("begin")
        try:
            _write(con, export.table, vendor.vendor_id, rel, frame, reported)
            res.status = "replaced" if previous else "loaded"
            res.rows = frame.height
            _log(con, res, digest)
            con.execute("commit")
        except Exception:
            con.execute("rollback")
            raise
    except ScorecardError as exc:
        res.status, res.message = "rejected", str(exc)
        _log(con, res, digest)
    return res


def ingest(
    workspace: str | Path | Workspace,
    db_path: str | Path,
    progress: Progress | None = None,
    build: bool = True,
) -> IngestReport:
    """Load every export file of the workspace into the database at `db_path` and apply the views.

    Files load one at a time, in order; while one is written, a worker thread hashes, adapts and
    validates the next one (polars, pandera's polars checks and DuckDB release the GIL for their work).
    After a vendor's last file, a third thread refreshes that vendor's rows of the per-vendor tables
    while the next vendor's files load; the small daily marts are rebuilt at the end. `build=False`
    loads the files only (for many batches in a row): KPI reads compute from the raw tables, slower,
    until an ingest with `build=True` rebuilds the materialised tables whole.
    """
    start = time.perf_counter()
    ws = workspace if isinstance(workspace, Workspace) else load_workspace(workspace)
    jobs = [(v, e, p) for v in ws.vendors for e in v.exports for p in v.files(e)]
    report = IngestReport()
    con = db.connect(db_path)
    try:
        db.create_tables(con)
        con.execute("set memory_limit = '900MB'").fetchall()  # the builds spill to disk rather than grow
        reader = con.cursor()  # the worker's own connection to the same database (reads the log only)
        pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="ingest-prepare")
        try:
            # the first file is prepared while the workspace tables and the views are set up
            ahead = pool.submit(prepare_file, reader, ws, *jobs[0]) if jobs else None
            builder = Builder(con, sync_workspace_tables(con, ws), build)
            try:
                _load_files(con, ws, jobs, pool, reader, ahead, builder, report, progress)
                builder.finish()
            finally:
                builder.close()
        finally:
            pool.shutdown(wait=True)
            reader.close()
        report.build_seconds, report.built = builder.seconds, build
        report.problems += audit_fx(con)
    finally:
        con.close()
    report.seconds = time.perf_counter() - start
    return report


Job = tuple[VendorConfig, ExportConfig, Path]


def _load_files(
    con: duckdb.DuckDBPyConnection,
    ws: Workspace,
    jobs: list[Job],
    pool: ThreadPoolExecutor,
    reader: duckdb.DuckDBPyConnection,
    ahead: Future[Prepared] | None,
    builder: Builder,
    report: IngestReport,
    progress: Progress | None,
) -> None:
    """Load the files in order; `pool` prepares the next one meanwhile (`ahead` is the first)."""
    changed = False  # any file of the current vendor loaded or replaced
    for i, (vendor, export, path) in enumerate(jobs):
        if progress:
            progress(i, len(jobs), f"{vendor.vendor_id}: {path.name}")
        prepared = ahead.result() if ahead else None
        ahead = pool.submit(prepare_file, reader, ws, *jobs[i + 1]) if i + 1 < len(jobs) else None
        result = ingest_file(con, ws, vendor, export, path, prepared, before_write=builder.invalidate)
        report.files.append(result)
        changed = changed or result.status in ("loaded", "replaced")
        if i + 1 == len(jobs) or jobs[i + 1][0].vendor_id != vendor.vendor_id:
            builder.vendor_done(vendor.vendor_id, changed)
            changed = False
    if progress:
        progress(len(jobs), len(jobs), "building the daily components")


def audit_fx(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Months and currencies that need an FX rate and have none (from the fx audit view)."""
    try:
        rows = con.execute("select * from assert_fx_rates_cover_costs").fetchall()
        cols = [d[0] for d in con.description]
    except duckdb.CatalogException:
        return []
    return [
        "Missing FX rate: "
        + ", ".join(f"{c} {v}" for c, v in zip(cols, r, strict=True))
        + " — add the month's rate to fx_rates.csv (units of the base currency for one unit)."
        for r in rows
    ]
