"""The DuckDB file: raw tables with provenance, the ingest log, workspace tables, and connections.

Raw tables hold validated canonical rows exactly as loaded, one table per canonical table, plus:
`vendor_id`, `source_file` (path relative to the workspace), `source_row` (1-based data row in that file)
and, for each timestamp column `<col>` (stored as UTC), a `<col>_local` column in the vendor's local time.
The canonical columns, their types and NOT NULL come from the pandera models (`layout.py`).
"""

from __future__ import annotations

import hashlib
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
#: An ingest also rebuilds a database whose recorded layout (`layout_sha256()`, the DDL's digest)
#: differs, so a forgotten bump never mixes layouts; readers check the version only (no pandera import).
SCHEMA_VERSION = 4

#: Names derived from the pandera models (`layout.py`), resolved on first use so that opening a
#: database to read does not import pandera.
_LAYOUT_NAMES = ("CANONICAL", "REQUIRED", "TABLES", "TIMESTAMP_COLUMNS")


def __getattr__(name: str):
    """`CANONICAL`, `REQUIRED`, `TABLES`, `TIMESTAMP_COLUMNS`: the canonical layout, from the models."""
    if name in _LAYOUT_NAMES:
        from scorecard.ingest import layout

        return getattr(layout, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def raw_columns(table: str) -> dict[str, str]:
    """All columns of `raw_<table>` in order with their DDL: provenance, canonical, local timestamp."""
    from scorecard.ingest import layout

    return layout.raw_columns(table, PROVENANCE)


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
        schema_version integer not null,
        layout_sha256 varchar not null   -- digest of every table's DDL (`layout_sha256()`)
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


def raw_ddl(table: str) -> str:
    """The `create table` statement of `raw_<table>` (columns from the pandera models, see layout.py)."""
    cols = ",\n    ".join(f'"{c}" {t}' for c, t in raw_columns(table).items())
    return f"create table if not exists raw_{table} (\n    {cols}\n)"


def layout_sha256() -> str:
    """The digest of every table's DDL: two databases with the same digest have the same layout."""
    from scorecard.ingest.layout import TABLES

    text = "\n".join([*(raw_ddl(t) for t in TABLES), *_WORKSPACE_DDL])
    return hashlib.sha256(text.encode()).hexdigest()


def create_tables(con: duckdb.DuckDBPyConnection) -> bool:
    """Create every raw and workspace table that does not exist yet (idempotent).

    A database built by another version of the table layout is emptied first (every table, view and
    macro dropped) and True is returned: the ingest then reloads it whole from the workspace.
    """
    from scorecard.ingest.layout import TABLES

    version, digest = schema_version(con), layout_sha256()
    rebuilt = version is not None and (version != SCHEMA_VERSION or _recorded_layout(con) != digest)
    if rebuilt:
        _drop_everything(con)
    for table in TABLES:
        con.execute(raw_ddl(table))
    for ddl in _WORKSPACE_DDL:
        con.execute(ddl)
    if scalar(con, "select count(*) from db_meta") == 0:
        con.execute("insert into db_meta values (?, ?)", [SCHEMA_VERSION, digest])
    return rebuilt


def layout_current(con: duckdb.DuckDBPyConnection) -> bool:
    """True when the database was built by this version's table layout (`create_tables` keeps it)."""
    return schema_version(con) == SCHEMA_VERSION and _recorded_layout(con) == layout_sha256()


def _recorded_layout(con: duckdb.DuckDBPyConnection) -> str | None:
    """The layout digest a database recorded when it was built (None before digests were recorded)."""
    cols = con.execute(
        "select column_name from duckdb_columns() "
        "where table_name = 'db_meta' and database_name = current_database()"
    ).fetchall()
    if ("layout_sha256",) not in cols:
        return None
    return scalar(con, "select max(layout_sha256) from db_meta")


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
    """Open the database (every reader opens it `read_only`); retry while another process holds DuckDB's
    write lock on it, then explain.

    The tool's writers never open the published file for writing (`publish`: they write a copy and swap
    it in), so a read-only open meets a lock only from a program that writes the file in place.
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
