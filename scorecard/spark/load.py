"""The DuckDB side of the Spark step: the inputs it must agree with, and loading its rows.

The rows replace `int_call_days` whole; DuckDB casts them to the table's own column types (the exact
decimal sums to double, as its own build does), then `apply_views` rebuilds the marts over them and
writes the build marker, so readers use the tables instead of shadowing them with temporary views.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import duckdb
import pyarrow as pa

from scorecard.errors import DatabaseError
from scorecard.spark.step import CallStats
from scorecard.sql import views

if TYPE_CHECKING:
    from scorecard.spark.translate import Translation

WORKSPACE_TABLES = ("vendors", "settings", "fx_rates")


def workspace_tables(con: duckdb.DuckDBPyConnection) -> dict[str, pa.Table]:
    """vendors, settings and fx_rates of the database, rows in a stable order."""
    return {t: con.sql(f"select * from {t} order by all").to_arrow_table() for t in WORKSPACE_TABLES}


def workspace_digest(tables: dict[str, Any]) -> str:
    """The workspace tables as canonical JSON text (rows sorted): a job's inputs against a database's."""

    def rows(table: Any) -> list[dict[str, Any]]:
        data = table.to_pylist() if isinstance(table, pa.Table) else table
        return sorted((dict(sorted(r.items())) for r in data), key=lambda r: json.dumps(r, default=str))

    return json.dumps({name: rows(tables[name]) for name in WORKSPACE_TABLES}, default=str, sort_keys=True)


def database_call_stats(con: duckdb.DuckDBPyConnection) -> dict[str, CallStats]:
    """CallStats of each vendor in the database's raw_calls."""
    rows = con.execute(
        "select vendor_id, count(*), min(arrived_at), max(arrived_at) from raw_calls group by vendor_id"
    ).fetchall()
    iso = lambda v: None if v is None else v.isoformat(sep=" ")  # noqa: E731
    return {v: CallStats(n, iso(lo), iso(hi)) for v, n, lo, hi in rows}


def check_same_calls(
    database: dict[str, CallStats], computed: dict[str, CallStats], source: str, db: str
) -> None:
    """Raise DatabaseError when the calls Spark read differ from the database's raw_calls."""
    differ = sorted(v for v in set(database) | set(computed) if database.get(v) != computed.get(v))
    if not differ:
        return
    lines = []
    for v in differ[:10]:
        d, c = database.get(v), computed.get(v)
        lines.append(
            f"  {v}: {c.calls if c else 0:,} calls ({c.first if c else '-'} to {c.last if c else '-'}) in "
            f"{source}, {d.calls if d else 0:,} ({d.first if d else '-'} to {d.last if d else '-'}) in {db}"
        )
    raise DatabaseError(
        f"The calls in {source} differ from the raw calls of {db}:\n" + "\n".join(lines) + "\n"
        "Surveys and QA linked to calls, and the per-interval service of reviews, are read from the "
        "database's calls, so both must hold the same calls: export the database again with "
        "`scorecard export-parquet`, or ingest the same exports. Nothing was written."
    )


def check_same_workspace(database: str, used: str, db: str) -> None:
    """Raise DatabaseError when the workspace tables the rows were computed with are not the database's."""
    if database != used:
        raise DatabaseError(
            f"The workspace tables (vendors, settings, fx_rates) of {db} changed since the Spark step read "
            "them (or the job read other ones); the rows would follow other definitions. Run the build "
            "again. Nothing was written."
        )


def replace_call_days(con: duckdb.DuckDBPyConnection, rows: pa.Table, translation: Translation) -> None:
    """Replace the target table with `rows` (typed as DuckDB types it), rebuild the marts, mark built."""
    target = translation.target
    ddl = ", ".join(f'"{name}" {dtype}' for name, dtype in translation.columns)
    con.execute("begin")
    try:
        views.invalidate_marts(con)
        con.execute(f"create or replace table {target} ({ddl})").fetchall()
        con.register("spark_call_days", rows)
        con.execute(f"insert into {target} by name select * from spark_call_days").fetchall()
        con.unregister("spark_call_days")
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise
    views.apply_views(con, temporary=False, refresh_tables=True, keep=frozenset({target}))
