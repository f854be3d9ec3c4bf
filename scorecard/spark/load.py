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
from scorecard.spark.step import CallStats, combine
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
    """CallStats of each vendor in the database's raw_calls (measures from its loaded_files)."""
    rows = con.execute(
        "select c.vendor_id, f.observed, count(*), min(c.arrived_at), max(c.arrived_at) "
        "from raw_calls as c left join loaded_files as f "
        "on f.vendor_id = c.vendor_id and f.export_key = c.export_key and f.source_file = c.source_file "
        "group by all"
    ).fetchall()
    return combine(rows)


def check_same_calls(
    database: dict[str, CallStats], computed: dict[str, CallStats], source: str, db: str
) -> None:
    """Raise DatabaseError when the calls Spark read differ from the database's raw_calls, or what their
    files record (loaded_files.observed) differs."""
    span = lambda s: s and (s.calls, s.first, s.last)  # noqa: E731
    differ = sorted(
        v for v in set(database) | set(computed) if span(database.get(v)) != span(computed.get(v))
    )
    if not differ:
        _check_same_measures(database, computed, source, db)
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


def _check_same_measures(
    database: dict[str, CallStats], computed: dict[str, CallStats], source: str, db: str
) -> None:
    """Raise DatabaseError when the same calls come from files that record other measures."""
    differ = sorted(v for v in database if database[v].records != computed[v].records)
    if not differ:
        return

    def said(stats: CallStats) -> str:
        return "; ".join(f"{n:,} from files recording {label}" for label, n in stats.records)

    lines = [f"  {v}: {said(computed[v])} in {source}; {said(database[v])} in {db}" for v in differ[:10]]
    raise DatabaseError(
        f"The calls in {source} are the database's, but what their files record differs from {db}'s "
        "loaded_files:\n" + "\n".join(lines) + "\n"
        "The database explains an unknown KPI by what its loads record, so the rows must be computed from "
        "the same: state the measures the database lists (--calls-record), or export the database again "
        "with `scorecard export-parquet`. Nothing was written."
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
