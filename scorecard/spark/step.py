"""The call-level step on Spark: raw tables + workspace tables -> the rows of `int_call_days`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from scorecard.ingest import db as scdb
from scorecard.spark import source as src

if TYPE_CHECKING:
    from collections.abc import Callable

    from pyspark.sql import DataFrame, SparkSession

    from scorecard.spark.translate import Translation


@dataclass(frozen=True)
class CallStats:
    """Per vendor: number of calls and the first and last arrival (UTC, ISO text): what the database's
    raw calls must match so that the other call readers (surveys linked to calls, reviews) agree."""

    calls: int
    first: str | None
    last: str | None


def register(spark: SparkSession, translation: Translation, tables: dict[str, DataFrame]) -> DataFrame:
    """Register `tables` (raw_<table>, vendors, settings, fx_rates) and every derived query as temporary
    views; the target's DataFrame."""
    missing = sorted(set(translation.tables) - set(tables))
    if missing:
        raise src.SourceError(f"The Spark step needs the tables {', '.join(missing)}.")
    for name in translation.tables:
        tables[name].createOrReplaceTempView(name)
    for q in translation.queries:
        spark.sql(f"create or replace temporary view {q.name} as {q.sql}")
    return spark.table(translation.target)


def read_tables(
    spark: SparkSession,
    source: str,
    workspace: dict[str, DataFrame],
    fmt: str = "parquet",
    progress: Callable[[str], None] | None = None,
) -> dict[str, DataFrame]:
    """The raw tables of `source` (validated) and the `workspace` tables, by the names the SQL reads."""
    tables: dict[str, DataFrame] = dict(workspace)
    for table in scdb.TABLES:
        if progress:
            progress(f"validating {src.table_path(source, table)}")
        tables[f"raw_{table}"] = src.read_raw(spark, source, table, workspace["vendors"], fmt)
    return tables


def call_stats(raw_calls: DataFrame) -> dict[str, CallStats]:
    """CallStats of each vendor in `raw_calls`."""
    from pyspark.sql import functions as F

    rows = raw_calls.groupBy("vendor_id").agg(
        F.count(F.lit(1)).alias("n"), F.min("arrived_at").alias("lo"), F.max("arrived_at").alias("hi")
    )
    return {r["vendor_id"]: CallStats(r["n"], _iso(r["lo"]), _iso(r["hi"])) for r in rows.collect()}


def _iso(value: Any) -> str | None:
    return None if value is None else value.isoformat(sep=" ")


def translation() -> Translation:
    """The Spark SQL of `int_call_days` derived from the installed queries/ (imports sqlglot)."""
    from scorecard.spark.translate import translate

    return translate()


def call_days(spark: SparkSession, tables: dict[str, DataFrame]) -> DataFrame:
    """The rows of `int_call_days` computed on Spark (decimal sums exact; final casts left to DuckDB)."""
    return register(spark, translation(), tables)
