"""Canonical tables read on Spark from any path it can read (local, HDFS, S3, ABFS).

Layout (what `scorecard export-parquet` writes, or a lakehouse's own tables in the same columns):
`<source>/<table>/` for each raw table (`calls`, `intervals`, `agent_time`, `surveys`, `quality`,
`costs`), Parquet (hive-partitioned `vendor_id=.../month=.../` or not) or any format `--format` names;
`<source>/vendors`, `<source>/settings`, `<source>/fx_rates` for the workspace tables (a cluster job
reads them there; `scorecard build` takes them from the database). A raw table that is absent is empty,
as in a workspace without that export. Columns each table needs: `vendor_id` and the canonical columns
of docs/spark.md; `source_file` and `source_row` are taken from the Parquet file and row when missing,
and each `<ts>_local` is derived from the UTC `<ts>` and the vendor's time zone when missing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from scorecard.errors import ScorecardError
from scorecard.ingest import db as scdb
from scorecard.spark.validate import spark_type, validate_table

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

WORKSPACE_TABLES = ("vendors", "settings", "fx_rates")
#: The export_key of a lakehouse table without one: the table is its own export (matched by the calls'
#: loaded_files rows, see `loads`).
LAKE_EXPORT_KEY = "lake"


class SourceError(ScorecardError):
    """A source path or table cannot be read as canonical tables."""


def table_path(source: str, table: str) -> str:
    """`<source>/<table>` for any URI scheme."""
    return f"{source.rstrip('/')}/{table}"


def exists(spark: SparkSession, path: str) -> bool:
    """True when `path` exists on its file system (through Spark's Hadoop configuration)."""
    jvm = spark.sparkContext._jvm
    hadoop_path = jvm.org.apache.hadoop.fs.Path(path)
    fs = hadoop_path.getFileSystem(spark.sparkContext._jsc.hadoopConfiguration())
    return bool(fs.exists(hadoop_path))


def read_table(spark: SparkSession, path: str, fmt: str) -> DataFrame:
    reader = spark.read.format(fmt)
    if fmt == "parquet":
        reader = reader.option("basePath", path)
    try:
        return reader.load(path)
    except Exception as exc:  # py4j / analysis errors: name the path and the format
        raise SourceError(f"Cannot read {path} as {fmt}: {str(exc).splitlines()[0]}") from exc


def empty_table(spark: SparkSession, table: str) -> DataFrame:
    """`raw_<table>` with no rows (a source without that table)."""
    ddl = ", ".join(f"`{c}` {spark_type(table, c)}" for c in scdb.raw_columns(table))
    return spark.createDataFrame([], ddl)


def with_provenance(frame: DataFrame) -> DataFrame:
    """`source_file` / `source_row` from the Parquet file and its 1-based row when the table lacks them,
    and `export_key` LAKE_EXPORT_KEY (one export: the table itself)."""
    from pyspark.sql import functions as F

    if "export_key" not in frame.columns:
        frame = frame.withColumn("export_key", F.lit(LAKE_EXPORT_KEY))
    if "source_file" not in frame.columns:
        frame = frame.withColumn("source_file", F.col("_metadata.file_path"))
    if "source_row" not in frame.columns:
        frame = frame.withColumn("source_row", F.col("_metadata.row_index") + 1)
    return frame


#: Optional canonical columns added after lakehouse tables were first written: empty (unknown) when a
#: table lacks them, as an export without the column reads.
LATER_COLUMNS: dict[str, tuple[str, ...]] = {"calls": ("ring_s",), "intervals": ("staffed_s",)}


def with_later_columns(frame: DataFrame, table: str) -> DataFrame:
    """`frame` with each of `LATER_COLUMNS[table]` it lacks as NULL (unknown, never 0)."""
    from pyspark.sql import functions as F

    for name in LATER_COLUMNS.get(table, ()):
        if name not in frame.columns:
            frame = frame.withColumn(name, F.lit(None).cast(spark_type(table, name)))
    return frame


def with_local_time(frame: DataFrame, table: str, vendors: DataFrame) -> DataFrame:
    """`<ts>_local` from the UTC `<ts>` and the vendor's IANA time zone, when the table lacks it."""
    from pyspark.sql import functions as F

    ts = scdb.TIMESTAMP_COLUMNS.get(table)
    if ts is None or f"{ts}_local" in frame.columns:
        return frame
    zones = vendors.select("vendor_id", F.col("timezone").alias("_tz"))
    local = F.expr(f"convert_timezone('UTC', _tz, `{ts}`)")
    return frame.join(F.broadcast(zones), "vendor_id", "left").withColumn(f"{ts}_local", local).drop("_tz")


def read_raw(
    spark: SparkSession, source: str, table: str, vendors: DataFrame, fmt: str = "parquet"
) -> DataFrame:
    """`raw_<table>` from `<source>/<table>`: read, provenance added, validated, local time derived,
    columns in the raw table's order. Raises SourceValidationError when rows break the rules."""
    from pyspark import StorageLevel

    path = table_path(source, table)
    if not exists(spark, path):
        return empty_table(spark, table)
    frame = read_table(spark, path, fmt)
    if "month" in frame.columns and "month" not in scdb.raw_columns(table):
        frame = frame.drop("month")  # the partition column of `scorecard export-parquet`
    # Read the files once: validation runs one Spark job per rule, and the step reads the table again.
    frame = with_later_columns(with_provenance(frame), table)
    frame = validate_table(frame.persist(StorageLevel.MEMORY_AND_DISK), table, path)
    _check_vendors(frame, table, vendors, path)
    frame = with_local_time(frame, table, vendors)
    return frame.select(*[f"`{c}`" for c in scdb.raw_columns(table)])


def _check_vendors(frame: DataFrame, table: str, vendors: DataFrame, path: str) -> None:
    """Raise SourceError naming vendor ids that the workspace does not know (no time zone, no currency)."""
    unknown = frame.select("vendor_id").distinct().join(vendors.select("vendor_id"), "vendor_id", "left_anti")
    names = sorted(r[0] for r in unknown.limit(21).collect())
    if names:
        raise SourceError(
            f"{path}: vendor_id {', '.join(map(repr, names[:20]))} {'...' if len(names) > 20 else ''}"
            "not in the workspace's vendors table; add the vendor to the workspace (vendor.toml) or "
            f"leave its rows out of the source '{table}' table."
        )


def read_workspace(spark: SparkSession, source: str) -> dict[str, DataFrame]:
    """vendors, settings, fx_rates from `<source>/<name>` (a cluster job: the database is not there)."""
    out = {}
    for name in WORKSPACE_TABLES:
        path = table_path(source, name)
        if not exists(spark, path):
            raise SourceError(
                f"{path} does not exist; a Spark job needs the workspace tables vendors, settings and "
                "fx_rates beside the canonical tables (`scorecard export-parquet` writes them)."
            )
        out[name] = read_table(spark, path, "parquet")
    return out
