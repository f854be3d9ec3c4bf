"""The raw tables' canonical columns, derived from the pandera models: the schema is declared once.

Each model of `schemas.SCHEMAS` is one table; each field one column, in the model's order. Its DuckDB
type follows from the field's type (`SQL_TYPES`), `NOT NULL` from `nullable=False`, and a timestamp
field also gets a `<column>_local` column (vendor-local wall-clock time). Adding a canonical table or
column means adding it to its model, nothing else; `db.SCHEMA_VERSION` is bumped so readers of an
older database are told to rebuild it (an ingest rebuilds it whenever the layout differs).

Uniqueness (`unique=True`, `Config.unique`) is a rule of one file, checked by pandera at load; a raw table
holds many files, so it carries no unique index (the audits check what must hold across files).
"""

from __future__ import annotations

import polars as pl

from scorecard.ingest.schemas import SCHEMAS

#: The DuckDB type of each field type a model may use.
SQL_TYPES: dict[type[pl.DataType], str] = {
    pl.String: "VARCHAR",
    pl.Float64: "DOUBLE",
    pl.Int64: "BIGINT",
    pl.Boolean: "BOOLEAN",
    pl.Datetime: "TIMESTAMP",
    pl.Date: "DATE",
}


def _sql_type(table: str, column: str, dtype: object) -> str:
    """The DuckDB type of one model field; a field type with no DuckDB twin is a programming error."""
    base = getattr(dtype, "base_type", lambda: dtype)()
    for polars_type, sql in SQL_TYPES.items():
        if base == polars_type:
            return sql
    known = ", ".join(t.__name__ for t in SQL_TYPES)
    raise TypeError(
        f"schemas.{SCHEMAS[table].__name__}.{column}: type {dtype} has no raw column type ({known})"
    )


def _derive() -> tuple[dict[str, dict[str, str]], dict[str, frozenset[str]], dict[str, str]]:
    canonical: dict[str, dict[str, str]] = {}
    required: dict[str, frozenset[str]] = {}
    stamps: dict[str, str] = {}
    for table, model in SCHEMAS.items():
        columns = model.to_schema().columns
        canonical[table] = {name: _sql_type(table, name, col.dtype.type) for name, col in columns.items()}
        required[table] = frozenset(name for name, col in columns.items() if not col.nullable)
        ts = [name for name, sql in canonical[table].items() if sql == "TIMESTAMP"]
        if len(ts) > 1:
            raise TypeError(
                f"schemas.{model.__name__}: {', '.join(ts)} are timestamps; the loader converts one per "
                "table to UTC and vendor-local time (TIMESTAMP_COLUMNS, used by prepare.py and the Spark "
                "path): keep one, or teach both to convert more"
            )
        if ts:
            stamps[table] = ts[0]
    return canonical, required, stamps


#: Canonical columns of each raw table and their DuckDB types (timestamps are UTC), in model order.
CANONICAL: dict[str, dict[str, str]]
#: The canonical columns of each table that must not be empty (the models' non-nullable fields).
REQUIRED: dict[str, frozenset[str]]
#: Timestamp columns that also get a `<col>_local` column (vendor local time).
TIMESTAMP_COLUMNS: dict[str, str]
CANONICAL, REQUIRED, TIMESTAMP_COLUMNS = _derive()
TABLES: tuple[str, ...] = tuple(CANONICAL)


def raw_columns(table: str, provenance: dict[str, str]) -> dict[str, str]:
    """All columns of `raw_<table>` in order with their DDL: provenance, canonical, the local timestamp."""
    cols = dict(provenance)
    for name, sql in CANONICAL[table].items():
        cols[name] = f"{sql} NOT NULL" if name in REQUIRED[table] else sql
    ts = TIMESTAMP_COLUMNS.get(table)
    if ts is not None:
        cols[f"{ts}_local"] = "TIMESTAMP NOT NULL" if ts in REQUIRED[table] else "TIMESTAMP"
    return cols
