"""Knowing, before copying the database, that an ingest would change nothing in it.

An ingest writes a copy of the database and swaps it in (`publish`); when the workspace is exactly what
was loaded, that copy is the whole cost of the run (12.5 s for a 2.9 GB database), and it needs free
space as large as the database. `unchanged` answers on a read-only connection to the published file,
cheapest test first — the same table layout and SQL, the same vendors, FX rates and settings, the same
(vendor, export, file) loads with the same `files` globs, no vendor or folder that cannot be read — and
hashes the files only when all of that holds. The digests it computes are kept with each file's size and
modification time, so the ingest that follows does not hash an unchanged file twice.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from scorecard.ingest import db, state
from scorecard.ingest.prepare import Digests
from scorecard.sql import views
from scorecard.workspace.config import Workspace


def _workspace_rows_as_loaded(ws: Workspace) -> list[list[tuple]]:
    """The vendors, fx_rates and settings rows an ingest of `ws` would write (built in memory)."""
    mem = duckdb.connect()
    try:
        db.create_tables(mem)
        state.sync_workspace_tables(mem, ws, frozenset())
        return state.workspace_rows(mem)
    finally:
        mem.close()


def unchanged(
    ws: Workspace, jobs: list, problems: list[str], db_path: Path, build: bool, digests: Digests
) -> list[tuple[object, int]] | None:
    """Each job with its loaded row count when loading `jobs` into `db_path` would change nothing; None
    as soon as anything would (or the database is missing, or built by other code)."""
    if problems or not db_path.exists() or db_path.with_name(f"{db_path.name}.wal").exists():
        return None  # a write-ahead log left by a program that wrote in place: the ingest checkpoints it
    try:
        con = duckdb.connect(str(db_path), read_only=True)
    except duckdb.Error:
        return None  # locked by a program writing it in place, or not a database: the ingest explains
    try:
        if not db.layout_current(con):
            return None
        if build and views.marts_stale(con):
            return None
        if state.workspace_rows(con) != _workspace_rows_as_loaded(ws):
            return None
        loads = {
            (r[0], r[1], r[2]): (r[3], r[4], r[5], r[6])
            for r in con.execute(
                'select vendor_id, export_key, source_file, "table", sha256, export_files, rows '
                "from loaded_files"
            ).fetchall()
        }
        planned = {(j.vendor.vendor_id, j.key, j.path.relative_to(ws.root).as_posix()): j for j in jobs}
        if set(loads) != set(planned):
            return None
        if any(loads[k][0] != j.export.table or loads[k][2] != j.export.files for k, j in planned.items()):
            return None
        kept = []
        for k, job in planned.items():
            try:
                if digests.of(job.path) != loads[k][1]:
                    return None
            except OSError:
                return None  # the ingest says why the file cannot be read
            kept.append((job, loads[k][3]))
        return kept
    except duckdb.Error:
        return None  # an older database without one of these tables: the ingest rebuilds it
    finally:
        con.close()
