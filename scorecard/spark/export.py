"""`scorecard export-parquet`: the raw canonical tables of a database as Parquet, by vendor and month.

Layout: `<out>/<table>/vendor_id=<id>/month=<YYYY-MM>/*.parquet` for each raw table with rows (the
month of its local timestamp; of `date` for agent time, of `period_start` for costs; every column of
the raw table, `export_key` and `source_file` included), one file each for the workspace tables
(`<out>/vendors/`, `settings/`, `fx_rates/`) and for `<out>/loaded_files/` (each load and the measures
its file records, which decide whether a call's outcome counts are known), and `<out>/_scorecard.json`
with the row counts. The Spark step (`scorecard build --engine spark --source OUT`) reads exactly this
layout. Needs no Java: DuckDB writes it.
"""

from __future__ import annotations

import json
import shutil
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from scorecard.errors import ScorecardError
from scorecard.ingest import db as scdb

#: The column whose local month partitions each raw table.
MONTH_OF = {
    "calls": "arrived_at_local",
    "intervals": "interval_start_local",
    "surveys": "responded_at_local",
    "quality": "evaluated_at_local",
    "agent_time": '"date"',
    "costs": "period_start",
    "forecast": "interval_start_local",
}
WORKSPACE_TABLES = ("vendors", "settings", "fx_rates")
#: Written whole, one file each: the workspace tables and what each load records.
SINGLE_FILE_TABLES = (*WORKSPACE_TABLES, "loaded_files")
MANIFEST = "_scorecard.json"
#: 2: raw tables carry `export_key`, and `loaded_files/` is written.
LAYOUT_VERSION = 2


@dataclass
class ExportReport:
    """What an export wrote: rows per table, Parquet files, seconds."""

    out: Path
    rows: dict[str, int] = field(default_factory=dict)
    files: int = 0
    seconds: float = 0.0


def _prepare(out: Path, overwrite: bool) -> None:
    """Create `out`; refuse a folder with other content unless `overwrite` (then clear what we write)."""
    ours = {*scdb.TABLES, *SINGLE_FILE_TABLES, MANIFEST}
    if out.exists() and not out.is_dir():
        raise ScorecardError(f"{out} is a file; give a folder to export the Parquet tables into.")
    if out.exists() and any(out.iterdir()):
        if not overwrite:
            raise ScorecardError(
                f"{out} is not empty; choose an empty folder, or pass --overwrite to replace an earlier "
                "export there."
            )
        strangers = sorted(p.name for p in out.iterdir() if p.name not in ours)
        if strangers:
            raise ScorecardError(
                f"{out} holds files that are not an export ({', '.join(strangers[:5])}); "
                "--overwrite only replaces an earlier export: choose another folder."
            )
        for name in ours:
            target = out / name
            if target.is_dir():
                shutil.rmtree(target)
            elif target.exists():
                target.unlink()
    out.mkdir(parents=True, exist_ok=True)


def export_parquet(db_path: str | Path, out: str | Path, overwrite: bool = False) -> ExportReport:
    """Write the raw tables of `db_path` under `out` (see the module docstring); the database is only read."""
    start = time.perf_counter()
    out = Path(out)
    con = scdb.connect(db_path, read_only=True)
    try:
        if scdb.schema_version(con) is not None:
            scdb.check_schema(con, db_path)  # an older table layout: ask for the ingest that rebuilds it
        present = {r[0] for r in con.execute("select table_name from duckdb_tables()").fetchall()}
        missing = [f"raw_{t}" for t in scdb.TABLES if f"raw_{t}" not in present]
        missing += [t for t in SINGLE_FILE_TABLES if t not in present]
        if missing:
            raise ScorecardError(
                f"{db_path} lacks the tables {', '.join(missing)}; "
                "is it a database built by `scorecard ingest`?"
            )
        _prepare(out, overwrite)
        report = ExportReport(out)
        for table in scdb.TABLES:  # table and column names come from db.py, not from the user
            (rows,) = con.execute(f"select count(*) from raw_{table}").fetchall()[0]
            report.rows[table] = rows
            if rows:
                con.execute(
                    f"copy (select *, strftime({MONTH_OF[table]}, '%Y-%m') as month from raw_{table}) "
                    "to ? (format parquet, partition_by (vendor_id, month))",
                    [str((out / table).resolve())],
                ).fetchall()
        for table in SINGLE_FILE_TABLES:
            (out / table).mkdir()
            target = str((out / table / "part-0.parquet").resolve())
            con.execute(f"copy (from {table} order by all) to ? (format parquet)", [target]).fetchall()
            report.rows[table] = con.execute(f"select count(*) from {table}").fetchall()[0][0]
    finally:
        con.close()
    report.files = sum(1 for _ in out.rglob("*.parquet"))
    report.seconds = time.perf_counter() - start
    manifest = {
        "layout": "vendor-scorecard canonical tables, Parquet, partitioned by vendor_id and month",
        "version": LAYOUT_VERSION,
        "exported_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "rows": report.rows,
        "month_of": {t: c.strip('"') for t, c in MONTH_OF.items()},
    }
    (out / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return report
