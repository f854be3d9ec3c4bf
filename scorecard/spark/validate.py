"""Canonical tables validated on Spark with pandera's PySpark backend, under the rules of the polars models.

One definition, two backends: each column keeps the very `Check` objects of `schemas.SCHEMAS` (pandera
dispatches them to its PySpark implementation), nullability and uniqueness come from the same models,
and each row rule (`@pa.dataframe_check`) runs as its SQL twin in `schemas.ROW_RULES`. pandera's PySpark
backend tells which rules fail; the rows that break them are then listed per source file, like an
ingest's `FileValidationError` (file, row, column, value, rule).
"""

from __future__ import annotations

import sys
import types
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from scorecard.errors import FileValidationError, ScorecardError, ValidationFailure
from scorecard.ingest import db as scdb
from scorecard.ingest import schemas

if TYPE_CHECKING:
    from pyspark.sql import DataFrame

#: Spark types of the raw tables' DuckDB types.
SPARK_TYPES = {
    "VARCHAR": "string",
    "DOUBLE": "double",
    "BIGINT": "bigint",
    "INTEGER": "int",
    "BOOLEAN": "boolean",
    "TIMESTAMP": "timestamp_ntz",
    "DATE": "date",
}
#: Types a column may arrive in that convert to the canonical type exactly (or, to double, as DuckDB
#: would read them); anything else is reported as a wrong data type, never cast on a guess.
WIDENING = {
    "double": ("float", "int", "bigint", "smallint", "tinyint"),
    "bigint": ("int", "smallint", "tinyint"),
    "timestamp_ntz": ("timestamp",),
}
HINT = "Fix these rows in the source and run the build again; nothing was written to the database."
EXAMPLES = 20


class SourceFileError(FileValidationError):
    """Broken rows of one file or partition a Spark source holds: its records are rows (of a Parquet
    file, 1-based), not the lines of a text export."""

    @property
    def place(self) -> str:
        """A record of a Parquet file is a row."""
        return "row"


class SourceValidationError(ScorecardError):
    """Canonical tables on Spark broke rules; one SourceFileError per source file or partition."""

    def __init__(self, files: list[SourceFileError], hint: str = HINT) -> None:
        self.files = files
        super().__init__("\n\n".join(f.message().rstrip() for f in files) + "\n" + hint)


def pandera_pyspark() -> types.ModuleType:
    """`pandera.pyspark`. pandas-on-Spark does not import under pandas 3 and pandera only needs its
    class names (for isinstance checks), so a stand-in module takes its place when it fails."""
    try:
        import pyspark.pandas  # noqa: F401
    except ImportError:
        stub = types.ModuleType("pyspark.pandas")
        stub.__path__ = []
        for name in ("DataFrame", "Series", "Index", "MultiIndex"):
            setattr(stub, name, type(name, (), {"__module__": "pyspark.pandas"}))
        ext = types.ModuleType("pyspark.pandas.extensions")
        ext.register_dataframe_accessor = ext.register_series_accessor = lambda name: lambda cls: cls
        stub.extensions = ext
        sys.modules["pyspark.pandas"] = stub
        sys.modules["pyspark.pandas.extensions"] = ext
    import pandera.pyspark

    return pandera.pyspark


def spark_type(table: str, column: str) -> str:
    """The Spark type of a raw table's column (`timestamp_ntz` for its naive-UTC timestamps)."""
    return SPARK_TYPES[scdb.raw_columns(table)[column].split()[0]]


def _literal(value: Any) -> str:
    if isinstance(value, str):
        return "'" + value.replace("'", "''") + "'"
    return repr(value)


def column_rule_sql(column: str, check: Any) -> str:
    """A pandera built-in column check as a SQL predicate, true when the row passes (NULL passes, as in
    pandera: nullability is its own rule)."""
    c, s = f"`{column}`", check.statistics
    ops = {
        "greater_than_or_equal_to": ">=",
        "greater_than": ">",
        "less_than_or_equal_to": "<=",
        "less_than": "<",
        "equal_to": "=",
        "not_equal_to": "<>",
    }
    if check.name in ops:
        value = s.get("min_value", s.get("max_value", s.get("value")))
        expr = f"{c} {ops[check.name]} {_literal(value)}"
    elif check.name == "isin":
        expr = f"{c} in ({', '.join(_literal(v) for v in s['allowed_values'])})"
    elif check.name == "str_length":
        parts = [f"length({c}) >= {s['min_value']}"] if s.get("min_value") is not None else []
        parts += [f"length({c}) <= {s['max_value']}"] if s.get("max_value") is not None else []
        parts += [f"length({c}) = {s['exact_value']}"] if s.get("exact_value") is not None else []
        expr = " and ".join(parts)
    else:
        raise ScorecardError(f"The Spark validation has no SQL for pandera check {check.name} on {column}.")
    return f"{c} is null or ({expr})"


@dataclass(frozen=True)
class Rule:
    """One rule of a table: what pandera calls it, the SQL a passing row satisfies, and its label."""

    check: str
    sql: str
    column: str
    label: str
    columns: tuple[str, ...]


def rules(table: str) -> list[Rule]:
    """Every row-level rule of `table`: not-null, the column checks, the row rules (uniqueness apart)."""
    model = schemas.SCHEMAS[table].to_schema()
    required = ["vendor_id", "source_file", "source_row"]
    required += [name for name, col in model.columns.items() if not col.nullable]
    label = schemas._rule("not_nullable")
    out = [Rule("not_nullable", f"`{c}` is not null", c, label, (c,)) for c in required]
    for name, col in model.columns.items():
        for check in col.checks:
            sql = column_rule_sql(name, check)
            out.append(Rule(check.error, sql, name, schemas._rule(check.error), (name,)))
    row_rules = schemas.ROW_RULES[table]
    for check in model.checks:
        if check.name not in row_rules:
            raise ScorecardError(f"schemas.ROW_RULES lacks the SQL of {table}.{check.name}.")
        cols, _, label = check.error.partition(":")
        names = tuple(c.strip() for c in cols.split(","))
        out.append(Rule(check.name, row_rules[check.name], cols.strip(), label.strip(), names))
    return out


def unique_key(table: str) -> list[str] | None:
    """The uniqueness rule of `table` on Spark: its key is unique within each source file (as at ingest)."""
    keys = schemas._unique_keys(table)
    if len(keys) > 1:
        raise ScorecardError(f"The Spark validation supports one unique key per table; {table} has {keys}.")
    return ["vendor_id", "source_file", *keys[0]] if keys else None


def pandera_schema(table: str) -> Any:
    """The pandera PySpark schema of `raw_<table>`: the model's columns and checks, the provenance
    columns, the optional `<ts>_local` column, the row rules and the per-file uniqueness."""
    pas = pandera_pyspark()
    from pyspark.sql.types import _parse_datatype_string

    model = schemas.SCHEMAS[table].to_schema()
    columns = {}
    for name in scdb.raw_columns(table):
        dtype = _parse_datatype_string(spark_type(table, name))
        if name in model.columns:
            col = model.columns[name]
            columns[name] = pas.Column(dtype, checks=list(col.checks), nullable=col.nullable, name=name)
        else:  # provenance (added from the file when missing) and the local time (derived when missing)
            local = name.endswith("_local")
            columns[name] = pas.Column(dtype, nullable=False, required=not local, name=name)
    by_name = {r.check: r for r in rules(table)}
    checks = [pas.Check(_row_rule(by_name[c.name].sql), name=c.name, error=c.error) for c in model.checks]
    return pas.DataFrameSchema(columns, checks=checks, unique=unique_key(table), strict=True, name=table)


def _row_rule(sql: str):
    def check(frame: DataFrame) -> bool:
        return frame.where(f"not coalesce({sql}, false)").limit(1).count() == 0

    return check


def widen(frame: DataFrame, table: str) -> DataFrame:
    """Cast columns that arrive in a narrower type than the canonical one (int counts, float seconds,
    timestamps with a time zone, read in the session's UTC); other types are left for pandera to report."""
    casts = {}
    for field in frame.schema.fields:
        if field.name not in scdb.raw_columns(table):
            continue
        want, have = spark_type(table, field.name), field.dataType.simpleString()
        if have != want and have.split("(")[0] in WIDENING.get(want, ()):
            casts[field.name] = frame[field.name].cast(want)
    return frame.withColumns(casts) if casts else frame


def validate_table(frame: DataFrame, table: str, where: str) -> DataFrame:
    """`frame` (a raw table with provenance) widened and validated; raise SourceValidationError naming
    every source file with broken rows (or `where` for problems of the whole table)."""
    frame = widen(frame, table)
    checked = pandera_schema(table).validate(frame, lazy=True)
    errors = checked.pandera.errors
    if not errors:
        return frame
    schema_level = errors.get("SCHEMA", {})
    file_level = [
        ValidationFailure(None, str(e.get("column") or ""), e.get("check"), _schema_label(reason, e))
        for reason, entries in schema_level.items()
        if reason != "SERIES_CONTAINS_NULLS"
        for e in entries
    ]
    if file_level:
        raise SourceValidationError([SourceFileError(where, table, file_level, len(file_level), hint="")])
    raise SourceValidationError(broken_rows(frame, table))


def _schema_label(reason: str, entry: dict[str, Any]) -> str:
    labels = {
        "COLUMN_NOT_IN_DATAFRAME": schemas._rule("column_in_dataframe"),
        "COLUMN_NOT_IN_SCHEMA": schemas._rule("column_in_schema"),
        "WRONG_DATATYPE": schemas._rule("dtype"),
    }
    return labels.get(reason, str(entry.get("error")))


def _flags(table: str) -> list[tuple[str, Rule]]:
    """(flag column, rule) for every rule of `table`, uniqueness last (a rule whose SQL is a window)."""
    flags = [(f"broken_{i}", r) for i, r in enumerate(rules(table))]
    key = unique_key(table)
    if key:
        partition = ", ".join(f"`{c}`" for c in key)
        check = "field_uniqueness" if len(key) == 3 else "multiple_fields_uniqueness"
        sql = f"count(*) over (partition by {partition}) = 1"
        names = tuple(key[2:])
        flags.append(("broken_unique", Rule(check, sql, ", ".join(names), schemas._rule(check), names)))
    return flags


def broken_rows(frame: DataFrame, table: str) -> list[SourceFileError]:
    """The rows of `frame` that break a rule of `table`, grouped by source file: exact counts per file,
    and the first rows of each broken rule as examples."""
    from pyspark.sql import functions as F

    flags = _flags(table)
    flagged = frame.select(
        "source_file", "source_row", *[c for c in scdb.CANONICAL[table] if c in frame.columns],
        *[F.expr(f"not coalesce({r.sql}, false)").alias(name) for name, r in flags],
    )  # fmt: skip
    per_file = flagged.groupBy("source_file").agg(*[F.count_if(F.col(n)).alias(n) for n, _ in flags])
    totals: dict[str, int] = {}
    broken: set[str] = set()
    for row in per_file.collect():
        counts = {n: row[n] for n, _ in flags}
        totals[row["source_file"]] = sum(counts.values())
        broken |= {n for n, c in counts.items() if c}
    failures: dict[str, list[ValidationFailure]] = {}
    for name, rule in flags:
        if name not in broken:
            continue
        examples = flagged.where(F.col(name)).orderBy("source_file", "source_row").limit(EXAMPLES)
        for ex in examples.collect():
            values = {c: ex[c] for c in rule.columns}
            value = values if len(values) > 1 else values[rule.columns[0]]
            failures.setdefault(ex["source_file"], []).append(
                ValidationFailure(ex["source_row"], rule.column, value, rule.label)
            )
    return [
        SourceFileError(path, table, sorted(failures.get(path, []), key=_order), total, hint="")
        for path, total in sorted(totals.items())
        if total
    ]


def _order(f: ValidationFailure) -> tuple[int, str]:
    return (f.row or 0, f.column)
