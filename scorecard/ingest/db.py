"""The DuckDB file: raw tables with provenance, the ingest log, workspace tables, and connections.

Raw tables hold validated canonical rows exactly as loaded, one table per canonical table, plus:
`vendor_id`, `source_file` (path relative to the workspace), `source_row` (1-based data row in that file)
and, for each timestamp column `<col>` (stored as UTC), a `<col>_local` column in the vendor's local time.
"""

from __future__ import annotations

import time
from pathlib import Path

import duckdb

from scorecard.errors import DatabaseError

PROVENANCE = {
    "vendor_id": "VARCHAR NOT NULL",
    "export_key": "VARCHAR NOT NULL",
    "source_file": "VARCHAR NOT NULL",
    "source_row": "BIGINT NOT NULL",
}

#: Bumped whenever a table's layout changes; an ingest into an older database rebuilds it from the
#: workspace (the database holds nothing the workspace files do not), a reader asks for that ingest.
SCHEMA_VERSION = 3

#: Canonical columns of each raw table and their DuckDB types (timestamps are UTC).
CANONICAL: dict[str, dict[str, str]] = {
    "calls": {
        "call_id": "VARCHAR",
        "program": "VARCHAR",
        "arrived_at": "TIMESTAMP",
        "outcome": "VARCHAR",
        "wait_s": "DOUBLE",
        "talk_s": "DOUBLE",
        "hold_s": "DOUBLE",
        "acw_s": "DOUBLE",
        "transferred": "BOOLEAN",
        "resolved": "BOOLEAN",
        "caller_key": "VARCHAR",
        "agent_id": "VARCHAR",
        "revenue": "DOUBLE",
        "ring_s": "DOUBLE",
    },
    "intervals": {
        "program": "VARCHAR",
        "interval_start": "TIMESTAMP",
        "interval_s": "BIGINT",
        "answered": "BIGINT",
        "answered_in_sl": "BIGINT",
        "abandoned": "BIGINT",
        "abandoned_in_sl": "BIGINT",
        "short_abandoned": "BIGINT",
        "blocked": "BIGINT",
        "self_service": "BIGINT",
        "sl_threshold_s": "DOUBLE",
        "short_abandon_s": "DOUBLE",
        "answered_wait_s": "DOUBLE",
        "abandoned_wait_s": "DOUBLE",
        "talk_s": "DOUBLE",
        "hold_s": "DOUBLE",
        "acw_s": "DOUBLE",
        "transferred": "BIGINT",
        "staffed_s": "DOUBLE",
    },
    "agent_time": {
        "agent_id": "VARCHAR",
        "date": "DATE",
        "scheduled_s": "DOUBLE",
        "staffed_s": "DOUBLE",
        "handle_s": "DOUBLE",
        "available_s": "DOUBLE",
        "in_adherence_s": "DOUBLE",
    },
    "surveys": {
        "survey_id": "VARCHAR",
        "call_id": "VARCHAR",
        "responded_at": "TIMESTAMP",
        "csat": "BIGINT",
        "resolved": "BOOLEAN",
    },
    "quality": {
        "evaluation_id": "VARCHAR",
        "call_id": "VARCHAR",
        "agent_id": "VARCHAR",
        "evaluated_at": "TIMESTAMP",
        "score": "DOUBLE",
    },
    "costs": {
        "period_start": "DATE",
        "period_end": "DATE",
        "amount": "DOUBLE",
        "kind": "VARCHAR",
    },
    "forecast": {
        "program": "VARCHAR",
        "interval_start": "TIMESTAMP",
        "interval_s": "BIGINT",
        "forecast_offered": "DOUBLE",
        "forecast_aht_s": "DOUBLE",
        "required_staff": "DOUBLE",
    },
}

#: Timestamp columns that also get a `<col>_local` column (vendor local time).
TIMESTAMP_COLUMNS: dict[str, str] = {
    "calls": "arrived_at",
    "intervals": "interval_start",
    "surveys": "responded_at",
    "quality": "evaluated_at",
    "forecast": "interval_start",
}

TABLES: tuple[str, ...] = tuple(CANONICAL)


def raw_columns(table: str) -> dict[str, str]:
    """All columns of `raw_<table>` in order: provenance, canonical, then the local timestamp."""
    cols = dict(PROVENANCE)
    cols.update(CANONICAL[table])
    if table in TIMESTAMP_COLUMNS:
        cols[f"{TIMESTAMP_COLUMNS[table]}_local"] = "TIMESTAMP"
    return cols


_WORKSPACE_DDL = [
    """create table if not exists ingest_log (
        file_id bigint primary key,
        path varchar not null,
        sha256 varchar not null,
        vendor_id varchar not null,
        "table" varchar not null,
        format varchar not null,
        rows bigint,
        loaded_at timestamp not null,
        status varchar not null,   -- loaded | replaced | unchanged | rejected | held | removed
        message varchar,
        export_key varchar,
        warnings varchar           -- e.g. "3 survey_no_answer (first: line 7)"; NULL = none
    )""",
    """create table if not exists loaded_files (
        vendor_id varchar not null,
        export_key varchar not null,    -- the export entry and everything that changes how it is read
        source_file varchar not null,
        "table" varchar not null,
        format varchar not null,
        export_files varchar not null,  -- the export's `files` glob, for messages
        sha256 varchar not null,
        rows bigint not null,
        observed varchar[] not null,    -- measures the export records: outcomes of calls, 'revenue'
        loaded_at timestamp not null,
        primary key (vendor_id, export_key, source_file)
    )""",
    """create table if not exists ingest_warnings (
        file_id bigint not null,        -- the ingest_log row of the load
        rule varchar not null,
        rows bigint not null,
        first_row bigint,
        example varchar,
        message varchar not null
    )""",
    """create table if not exists db_meta (
        schema_version integer not null
    )""",
    """create table if not exists vendors (
        vendor_id varchar primary key,
        name varchar not null,
        country varchar,
        timezone varchar not null,
        currency varchar not null
    )""",
    """create table if not exists fx_rates (
        month varchar not null,          -- YYYY-MM
        currency varchar not null,
        rate_to_base double not null,
        source varchar,
        primary key (month, currency)
    )""",
    """create table if not exists settings (
        base_currency varchar not null,
        sl_threshold_s double not null,
        short_abandon_s double not null,
        sl_variant varchar not null,
        fcr_method varchar not null,
        fcr_repeat_days integer not null,
        preset varchar not null
    )""",
    """create table if not exists reported_kpis (
        vendor_id varchar not null,
        export_key varchar not null,
        source_file varchar not null,
        source_row bigint not null,
        program varchar,
        period_start date not null,
        period_end date not null,
        kpi varchar not null,
        value double,
        definition varchar
    )""",
]


def create_tables(con: duckdb.DuckDBPyConnection) -> bool:
    """Create every raw and workspace table that does not exist yet (idempotent).

    A database built by another version of the table layout is emptied first (every table, view and
    macro dropped) and True is returned: the ingest then reloads it whole from the workspace.
    """
    rebuilt = schema_version(con) not in (None, SCHEMA_VERSION)
    if rebuilt:
        _drop_everything(con)
    for table in TABLES:
        cols = ",\n    ".join(f'"{c}" {t}' for c, t in raw_columns(table).items())
        con.execute(f"create table if not exists raw_{table} (\n    {cols}\n)")
    for ddl in _WORKSPACE_DDL:
        con.execute(ddl)
    if scalar(con, "select count(*) from db_meta") == 0:
        con.execute("insert into db_meta values (?)", [SCHEMA_VERSION])
    return rebuilt


def schema_version(con: duckdb.DuckDBPyConnection) -> int | None:
    """The layout version a database was built with; None for an empty database, 1 before versions."""
    tables = {
        r[0] for r in con.execute("select table_name from duckdb_tables() where not temporary").fetchall()
    }
    if "db_meta" in tables:
        return scalar(con, "select max(schema_version) from db_meta")
    return 1 if tables else None


def check_schema(con: duckdb.DuckDBPyConnection, path: str | Path) -> None:
    """Raise DatabaseError when a database to read was built by another version of the table layout."""
    found = schema_version(con)
    if found != SCHEMA_VERSION:
        raise DatabaseError(
            f"Database {path} was built by another version of Vendor Scorecard (table layout {found}, this "
            f"version reads {SCHEMA_VERSION}); rebuild it with: scorecard ingest WORKSPACE --db {path}"
        )


def _drop_everything(con: duckdb.DuckDBPyConnection) -> None:
    objects = con.execute(
        "select 'view', view_name from duckdb_views() where not internal and not temporary "
        "union all select 'table', table_name from duckdb_tables() where not temporary "
        "union all select if(function_type = 'table_macro', 'macro table', 'macro'), function_name "
        "from duckdb_functions() where function_type in ('macro', 'table_macro') and not internal"
    ).fetchall()
    for kind, name in objects:  # names come from the catalogue, not from a user
        con.execute(f'drop {kind} if exists "{name}" cascade').fetchall()


def connect(path: str | Path, read_only: bool = False, wait_s: float = 10.0) -> duckdb.DuckDBPyConnection:
    """Open the database; retry while another process holds the write lock, then explain.

    DuckDB lets one writer process hold the file; the app opens short-lived read-only connections so that
    an ingest can take the lock between page loads.
    """
    path = Path(path)
    if read_only and not path.exists():
        raise DatabaseError(
            f"Database {path} does not exist. Build it first with: scorecard ingest WORKSPACE --db {path}"
        )
    deadline = time.monotonic() + wait_s
    while True:
        try:
            con = duckdb.connect(str(path), read_only=read_only)
            con.execute("set enable_progress_bar = false").fetchall()  # no bars in CLI or app output
            return con
        except duckdb.IOException as exc:
            if "lock" not in str(exc).lower() or time.monotonic() >= deadline:
                raise DatabaseError(
                    f"Cannot open {path}: {exc}. Another process (an ingest or the app) may be using it; "
                    "wait for it to finish and try again."
                ) from exc
            time.sleep(0.2)


def scalar(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None):
    """The first value of the first row (or None); the result is read to the end so the connection frees."""
    rows = con.execute(sql, params or []).fetchall()
    return rows[0][0] if rows else None
