"""The call-level step on Spark: raw tables + workspace tables -> the rows of `int_call_days`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from scorecard.ingest import db as scdb
from scorecard.spark import loads
from scorecard.spark import source as src

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

    from pyspark.sql import DataFrame, SparkSession

    from scorecard.spark.translate import Translation


@dataclass(frozen=True)
class CallStats:
    """Per vendor: number of calls and the first and last arrival (UTC, ISO text), and how many calls
    come from files that record each set of measures (`records`: ("abandoned, answered, ...", calls)):
    what the database must match so that the other call readers (surveys linked to calls, reviews, the
    reasons a KPI is unknown) agree with the rows."""

    calls: int
    first: str | None
    last: str | None
    records: tuple[tuple[str, int], ...] = ()

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> CallStats:
        """The stats as a job's manifest holds them (JSON lists for tuples)."""
        records = tuple((str(m), int(n)) for m, n in data.get("records", ()))
        return cls(data["calls"], data["first"], data["last"], records)


#: How `records` names the calls of a file that has no loaded_files row (the database's only).
NOT_LISTED = "(file not in loaded_files)"


def measures_label(observed: list[str] | None) -> str:
    """The measures of one `observed` list as `records` names them: sorted, comma-separated."""
    if observed is None:
        return NOT_LISTED
    return ", ".join(sorted(m for m in observed if m is not None)) or "(nothing)"


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
    stated: dict[str, tuple[str, ...]] | None = None,
) -> dict[str, DataFrame]:
    """The raw tables of `source` (validated), what each calls file records (`loaded_files`, from the
    source or `stated` per vendor) and the `workspace` tables, by the names the SQL reads."""
    tables: dict[str, DataFrame] = dict(workspace)
    for table in scdb.TABLES:
        if progress:
            progress(f"validating {src.table_path(source, table)}")
        tables[f"raw_{table}"] = src.read_raw(spark, source, table, workspace["vendors"], fmt)
    tables[loads.TABLE] = loads.loaded_files(spark, source, tables["raw_calls"], stated, fmt)
    return tables


def call_stats(raw_calls: DataFrame, loaded_files: DataFrame) -> dict[str, CallStats]:
    """CallStats of each vendor in `raw_calls` (each call's measures from its `loaded_files` row)."""
    from pyspark.sql import functions as F

    rows = (
        raw_calls.join(F.broadcast(loaded_files.select(*loads.KEY, "observed")), list(loads.KEY), "left")
        .groupBy("vendor_id", "observed")
        .agg(F.count(F.lit(1)).alias("n"), F.min("arrived_at").alias("lo"), F.max("arrived_at").alias("hi"))
    )
    return combine((r["vendor_id"], r["observed"], r["n"], r["lo"], r["hi"]) for r in rows.collect())


def combine(groups: Iterable[tuple[str, list[str] | None, int, Any, Any]]) -> dict[str, CallStats]:
    """CallStats per vendor from (vendor_id, observed, calls, first, last) per group of calls."""
    parts: dict[str, list[tuple[str, int, Any, Any]]] = {}
    for vendor, observed, n, lo, hi in groups:
        parts.setdefault(vendor, []).append((measures_label(observed), n, lo, hi))
    out = {}
    for vendor, groups_ in parts.items():
        records: dict[str, int] = {}
        for label, n, _, _ in groups_:
            records[label] = records.get(label, 0) + n
        los = [lo for _, _, lo, _ in groups_ if lo is not None]
        his = [hi for _, _, _, hi in groups_ if hi is not None]
        out[vendor] = CallStats(
            sum(records.values()),
            _iso(min(los)) if los else None,
            _iso(max(his)) if his else None,
            tuple(sorted(records.items())),
        )
    return out


def _iso(value: Any) -> str | None:
    return None if value is None else value.isoformat(sep=" ")


def translation() -> Translation:
    """The Spark SQL of `int_call_days` derived from the installed queries/ (imports sqlglot)."""
    from scorecard.spark.translate import translate

    return translate()


def call_days(spark: SparkSession, tables: dict[str, DataFrame]) -> DataFrame:
    """The rows of `int_call_days` computed on Spark (decimal sums exact; final casts left to DuckDB)."""
    return register(spark, translation(), tables)
