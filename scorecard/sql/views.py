"""Apply the SQL of `queries/` to a DuckDB connection, in dependency order, and keep its tables current.

Tables (the `marts/` layer) materialise the additive daily components once per application on a
writable connection; a temporary application keeps the persisted tables, or makes temporary views of
the same names where they do not exist. The query files themselves are read by `queries.py` (its
names are re-exported here).
"""

from __future__ import annotations

import functools

import duckdb
import polars as pl

from scorecard.errors import DatabaseError
from scorecard.metrics import catalogue
from scorecard.sql.queries import (
    CATALOGUE_MARKERS,
    CREATE,
    CREATE_AS,
    LAYERS,
    QueryFile,
    dependency_order,
    parse_query_file,
    queries_dir,
    queries_fingerprint,
    query_files,
)

__all__ = [
    "CATALOGUE_MARKERS",
    "CATALOGUE_TABLES",
    "LAYERS",
    "PER_VENDOR_TABLES",
    "QueryFile",
    "apply_views",
    "dependency_order",
    "ensure_views",
    "invalidate_marts",
    "marts_stale",
    "parse_query_file",
    "queries_dir",
    "queries_fingerprint",
    "query_files",
    "rebuild_tables",
    "refresh_vendor_rows",
    "run_audits",
    "write_catalogue_tables",
]

#: Materialised tables whose rows of one vendor depend only on that vendor's raw rows and the
#: workspace tables: `load.ingest` refreshes a vendor's rows (`refresh_vendor_rows`) right after
#: loading its files, instead of rebuilding the table at the end.
PER_VENDOR_TABLES: frozenset[str] = frozenset({"int_call_days"})

#: Tables written from the KPI catalogue's declaration (`catalogue.tables()`) before the query files,
#: which may depend on them like on the tables of `scorecard.ingest.db`.
CATALOGUE_TABLES: tuple[str, ...] = tuple(catalogue.tables())


def _is_read_only(con: duckdb.DuckDBPyConnection) -> bool:
    (mode,) = con.execute("select current_setting('access_mode')").fetchall()[0]
    return str(mode).lower() == "read_only"


def _check_tables(con: duckdb.DuckDBPyConnection, files: list[QueryFile]) -> None:
    """Raise DatabaseError naming the tables the files read that the database lacks."""
    objects = {f.name for f in files} | set(CATALOGUE_TABLES)
    needed = {d for f in files for d in f.depends_on if d not in objects}
    found = {r[0] for r in con.execute("select table_name from duckdb_tables()").fetchall()}
    missing = sorted(needed - found)
    if missing:
        raise DatabaseError(
            f"The database lacks the tables {', '.join(missing)} that the KPI views read; "
            "build it with `scorecard ingest WORKSPACE --db PATH`."
        )


def _persisted_tables(con: duckdb.DuckDBPyConnection) -> set[str]:
    return {
        r[0] for r in con.execute("select table_name from duckdb_tables() where not temporary").fetchall()
    }


def _statement(
    con: duckdb.DuckDBPyConnection,
    f: QueryFile,
    temp: bool,
    refresh: bool,
    keep: frozenset[str] = frozenset(),
    stale: bool = False,
) -> str | None:
    """The SQL that creates `f` (None: keep the persisted table as it is; a temporary application
    shadows a `stale` one with a view computed from the raw tables)."""
    if f.kind != "table":
        return CREATE.sub(r"create or replace temp \1 \2", f.sql, count=1) if temp else f.sql
    if not temp and (not refresh or f.name in keep) and f.name in _persisted_tables(con):
        return None
    if not temp:  # re-materialise; drop a temporary fallback view that would shadow the table
        con.execute(f"drop view if exists temp.main.{f.name}").fetchall()  # name of a query file
        return f.sql
    if f.name in _persisted_tables(con) and not stale:
        return None
    return CREATE.sub(r"create or replace temp view \2", f.sql, count=1)


def write_catalogue_tables(con: duckdb.DuckDBPyConnection, temp: bool) -> None:
    """(Re)create the tables of the KPI catalogue (temporary ones on a temporary application)."""
    kind = "temp table" if temp else "table"
    for name, frame in catalogue.tables().items():
        con.register("_catalogue_rows", frame)
        try:  # the name is one of CATALOGUE_TABLES, never user input
            con.execute(f"create or replace {kind} {name} as select * from _catalogue_rows").fetchall()
        finally:
            con.unregister("_catalogue_rows")


def marts_stale(con: duckdb.DuckDBPyConnection) -> bool:
    """True when the materialised tables are missing or were built by different SQL."""
    try:
        built = con.execute("select queries_sha256 from mart_build").fetchall()
    except duckdb.CatalogException:
        return True
    return not built or built[0][0] != queries_fingerprint()


def apply_views(
    con: duckdb.DuckDBPyConnection,
    temporary: bool | None = None,
    refresh_tables: bool = True,
    keep: frozenset[str] = frozenset(),
) -> list[str]:
    """Create every view, macro and table of `queries/` in dependency order; return their names in order.

    `temporary=None` creates temporary objects on a read-only connection (they live as long as the
    connection and shadow persisted ones) and persistent ones otherwise. A temporary application keeps
    a persisted (materialised) table, and creates a temporary view over the same query where it lacks.
    `refresh_tables` re-materialises the tables, except those named in `keep` that exist (their rows
    were refreshed vendor by vendor). A temporary application over materialised tables that are stale
    (an interrupted ingest, or built by other SQL) shadows them with views over the raw tables: slower
    reads, never out-of-date ones.
    """
    temp = _is_read_only(con) if temporary is None else temporary
    files = dependency_order(query_files())
    _check_tables(con, files)
    stale = temp and marts_stale(con)
    write_catalogue_tables(con, temp)
    names: list[str] = []
    for f in files:
        sql = _statement(con, f, temp, refresh_tables, keep, stale)
        if sql is None:
            names.append(f.name)
            continue
        try:
            con.execute(sql).fetchall()
        except duckdb.Error as exc:
            raise DatabaseError(
                f"Cannot create {f.kind} {f.name} from {f.path}: {exc}. Is this a database built by "
                "`scorecard ingest` (it needs the raw and workspace tables)?"
            ) from exc
        names.append(f.name)
    if not temp and refresh_tables:
        _mark_built(con)
    return names


def refresh_vendor_rows(con: duckdb.DuckDBPyConnection, table: str, vendor_id: str) -> None:
    """Recompute one vendor's rows of a PER_VENDOR_TABLES table, in one transaction.

    Equal to rebuilding the table whole when only this vendor's raw rows changed: the vendor filter is
    pushed below the query's window and group-by, so only the vendor's own calls are read.
    """
    if table not in PER_VENDOR_TABLES:
        raise ValueError(f"{table} is not refreshed per vendor")
    (f,) = [q for q in query_files() if q.name == table]
    body = f.sql[CREATE_AS.search(f.sql).end() :]  # type: ignore[union-attr]
    con.execute("begin")
    try:
        con.execute(f"delete from {table} where vendor_id = ?", [vendor_id]).fetchall()
        con.execute(
            f"insert into {table} by name select * from ({body}) where vendor_id = ?", [vendor_id]
        ).fetchall()
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise


def rebuild_tables(con: duckdb.DuckDBPyConnection, keep: frozenset[str] = frozenset()) -> None:
    """Re-materialise the tables of `queries/` (except `keep`) over views that are current, and mark
    the build current; cheaper than apply_views, which re-creates every view as well."""
    for f in dependency_order(query_files()):
        if f.kind == "table" and f.name not in keep:
            con.execute(f.sql).fetchall()
    _mark_built(con)


def _mark_built(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(
        "create or replace table mart_build as select ?::varchar as queries_sha256", [queries_fingerprint()]
    ).fetchall()


def invalidate_marts(con: duckdb.DuckDBPyConnection) -> None:
    """Mark the materialised tables stale until the next complete apply_views (a crash mid-refresh
    leaves them to be rebuilt whole by the next ingest)."""
    con.execute("create or replace table mart_build (queries_sha256 varchar)").fetchall()


@functools.cache
def _object_names() -> frozenset[str]:
    return frozenset(f.name for f in query_files())


@functools.cache
def _table_names() -> frozenset[str]:
    return frozenset(f.name for f in query_files() if f.kind == "table")


def ensure_views(con: duckdb.DuckDBPyConnection) -> None:
    """Apply the views (temporary) when the connection lacks any of them (e.g. built by an older version)
    or its materialised tables are stale and not yet shadowed by temporary views."""
    rows = con.execute(
        "select view_name, temporary from duckdb_views() union all "
        "select table_name, false from duckdb_tables() union all "
        "select function_name, false from duckdb_functions() where function_type in ('macro', 'table_macro')"
    ).fetchall()
    if not (_object_names() | set(CATALOGUE_TABLES)) <= {name for name, _ in rows}:
        apply_views(con, temporary=True)
        return
    shadowed = any(temporary and name in _table_names() for name, temporary in rows)
    if not shadowed and marts_stale(con):
        apply_views(con, temporary=True)


def run_audits(con: duckdb.DuckDBPyConnection) -> dict[str, pl.DataFrame]:
    """Run every `assert_*` audit; return the offending rows of each audit that found any."""
    ensure_views(con)
    failures: dict[str, pl.DataFrame] = {}
    for f in query_files():
        if f.layer != "audits":
            continue
        rows = con.sql(f"select * from {f.name}").pl()  # name comes from a file name, not a user
        if rows.height:
            failures[f.name] = rows
    return failures
