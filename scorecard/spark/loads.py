"""What each calls file of a source records (`loaded_files.observed`): read from the source, or stated.

`int_call_components` counts an outcome, or sums revenue, only for calls whose file records that
measure; for any other call the part is NULL (unknown), never 0. The Spark step therefore needs one
`loaded_files` row per calls file, matched on (vendor_id, export_key, source_file), from either:

- `<source>/loaded_files/`: the database's table as `scorecard export-parquet` writes it, or a
  lakehouse's own table with at least `vendor_id`, `source_file`, `table` and `observed` (an array of
  `answered`, `abandoned`, `blocked`, `self_service`, `revenue`); `export_key` may be left out with the
  calls' own (`'lake'` then, see `source.with_provenance`);
- or, for a source without that table, the user's statement per vendor (`--calls-record
  acme=answered,abandoned,self_service`, `*=...` for every vendor not named): every calls file of the
  vendor records those measures.

Anything else stops the build before a row is computed: a calls file without its row, a vendor whose
calls nobody described, a measure name the SQL does not know, a call whose outcome its file says it
does not record.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

import duckdb

from scorecard.errors import ScorecardError, ValidationFailure
from scorecard.ingest import db as scdb
from scorecard.ingest.schemas import OUTCOMES
from scorecard.spark.source import LAKE_EXPORT_KEY, SourceError, exists, read_table, table_path
from scorecard.spark.validate import EXAMPLES, SourceFileError, SourceValidationError

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

TABLE = "loaded_files"
#: The measures a calls file may record (int_call_components reads these names from `observed`).
MEASURES: tuple[str, ...] = (*OUTCOMES, "revenue")
#: What a file key is made of: the left join of int_call_components.
KEY = ("vendor_id", "export_key", "source_file")
REQUIRED = ("vendor_id", "source_file", "table", "observed")
ALL_VENDORS = "*"
FLAG = "--calls-record"
_SPARK_TYPES = {
    "VARCHAR": "string",
    "BIGINT": "bigint",
    "VARCHAR[]": "array<string>",
    "TIMESTAMP": "timestamp_ntz",
}
CONTRADICTION_HINT = (
    "A calls file records only the outcomes its loaded_files row (or --calls-record) names; correct that "
    "list or these rows and run the build again; nothing was written to the database."
)


@functools.cache
def columns() -> dict[str, str]:
    """The columns of the database's `loaded_files` and their Spark types (asked from its DDL)."""
    con = duckdb.connect()
    try:
        scdb.create_tables(con)
        rows = con.execute(f"describe {TABLE}").fetchall()
    finally:
        con.close()
    return {r[0]: _SPARK_TYPES[str(r[1]).upper()] for r in rows}


def parse_statements(pairs: list[str]) -> dict[str, tuple[str, ...]]:
    """`VENDOR=measure,measure` items (the repeatable `--calls-record`) as {vendor: measures}."""
    out: dict[str, tuple[str, ...]] = {}
    for pair in pairs:
        vendor, sep, listed = pair.partition("=")
        vendor = vendor.strip()
        measures = tuple(sorted({m.strip() for m in listed.split(",") if m.strip()}))
        unknown = [m for m in measures if m not in MEASURES]
        if not sep or not vendor or not measures or unknown:
            why = f"unknown measure(s) {', '.join(unknown)}; " if unknown else ""
            raise ScorecardError(
                f"{FLAG} {pair!r}: {why}expected VENDOR=MEASURE,... with the measures the vendor's calls "
                f"record, from {', '.join(MEASURES)} (VENDOR * for every vendor not named), e.g. "
                f"{FLAG} acme=answered,abandoned,self_service"
            )
        if vendor in out:
            raise ScorecardError(f"{FLAG} names vendor {vendor!r} twice; state its measures once.")
        out[vendor] = measures
    return out


def loaded_files(
    spark: SparkSession,
    source: str,
    raw_calls: DataFrame,
    stated: dict[str, tuple[str, ...]] | None = None,
    fmt: str = "parquet",
) -> DataFrame:
    """`loaded_files` for the Spark step: one row per calls file of `raw_calls`, from `<source>/loaded_files`
    or from `stated` (never both); raises SourceError / SourceValidationError when a calls file is not
    described or contradicts its description."""
    path = table_path(source, TABLE)
    if exists(spark, path):
        if stated:
            raise SourceError(
                f"{path} says what each calls file records; {FLAG} is for a source without it. Leave "
                f"out {FLAG}, or correct the rows of {path}."
            )
        frame = _from_table(read_table(spark, path, fmt), path)
    else:
        frame = _from_statements(spark, source, raw_calls, stated or {})
    frame = frame.persist()
    check_calls_files(raw_calls, frame, path)
    return frame


def _typed(frame: DataFrame) -> DataFrame:
    from pyspark.sql import functions as F

    cols = columns()
    return frame.select(
        *[(F.col(f"`{c}`") if c in frame.columns else F.lit(None)).cast(t).alias(c) for c, t in cols.items()]
    )


def _from_table(frame: DataFrame, path: str) -> DataFrame:
    """A source's loaded_files, checked: required columns, array of known measures, one row per file."""
    from pyspark.sql import functions as F

    missing = [c for c in REQUIRED if c not in frame.columns]
    if missing:
        raise SourceError(
            f"{path} lacks the column(s) {', '.join(missing)}; loaded_files needs one row per calls file "
            f"with {', '.join(REQUIRED)} (and export_key when the calls have one)."
        )
    observed = dict(frame.dtypes)["observed"]
    if observed != "array<string>":
        raise SourceError(f"{path}: column 'observed' is {observed}; expected an array of strings.")
    if "export_key" not in frame.columns:
        frame = frame.withColumn("export_key", F.lit(LAKE_EXPORT_KEY))
    known = ", ".join(f"'{m}'" for m in MEASURES)
    bad = frame.where(f"observed is null or exists(observed, m -> m is null or m not in ({known}))").select(
        *KEY, "observed"
    )
    examples = bad.limit(5).collect()
    if examples:
        lines = [
            f"  {r['vendor_id']}, {r['export_key']}, {r['source_file']}: {r['observed']}" for r in examples
        ]
        raise SourceError(
            f"{path}: 'observed' must list measures from {', '.join(MEASURES)} (no NULL); found:\n"
            + "\n".join(lines)
        )
    twice = frame.groupBy(*KEY).count().where("count > 1").limit(5).collect()
    if twice:
        lines = [
            f"  {r['vendor_id']}, {r['export_key']}, {r['source_file']}: {r['count']} rows" for r in twice
        ]
        raise SourceError(
            f"{path}: a file has more than one row (vendor_id, export_key, source_file):\n" + "\n".join(lines)
        )
    return _typed(frame)


def _from_statements(
    spark: SparkSession, source: str, raw_calls: DataFrame, stated: dict[str, tuple[str, ...]]
) -> DataFrame:
    """One row per calls file, its measures those `stated` for its vendor (or for `*`)."""
    from pyspark.sql import functions as F

    files = raw_calls.select(*KEY).distinct()
    vendors = sorted(r[0] for r in files.select("vendor_id").distinct().collect())
    unstated = [v for v in vendors if v not in stated and ALL_VENDORS not in stated]
    if unstated:
        raise SourceError(
            f"{source} has no {TABLE} table, so what the calls of {', '.join(map(repr, unstated[:10]))} "
            "record is unknown (which outcomes their export tells apart, whether it reads sales); an "
            "outcome it cannot record must count as unknown, never as 0. State it per vendor, e.g. "
            f"{FLAG} {unstated[0]}=answered,abandoned,blocked,self_service,revenue (measures: "
            f"{', '.join(MEASURES)}; {ALL_VENDORS}=... for every vendor not named), or export the "
            "database with `scorecard export-parquet`, which writes loaded_files/. Nothing was written."
        )
    strangers = sorted(v for v in stated if v != ALL_VENDORS and v not in vendors)
    if strangers:
        raise SourceError(
            f"{FLAG} names {', '.join(map(repr, strangers))}, which has no calls in {source}; check the "
            "vendor id. Nothing was written."
        )
    rows = [(v, list(stated.get(v, stated.get(ALL_VENDORS, ())))) for v in vendors]
    measures = spark.createDataFrame(rows, "vendor_id string, observed array<string>")
    frame = files.join(F.broadcast(measures), "vendor_id").withColumn("table", F.lit("calls"))
    return _typed(frame)


def check_calls_files(raw_calls: DataFrame, loaded: DataFrame, path: str) -> None:
    """Raise when a calls file has no loaded_files row, or a call has an outcome its file does not record."""
    from pyspark.sql import functions as F

    files = raw_calls.select(*KEY).distinct()
    orphans = files.join(loaded.select(*KEY), list(KEY), "left_anti").orderBy(*KEY).limit(11).collect()
    if orphans:
        lines = [f"  {r['vendor_id']}, {r['export_key']}, {r['source_file']}" for r in orphans[:10]]
        more = "  ...\n" if len(orphans) > 10 else ""
        raise SourceError(
            f"Calls files without a row in {path} (vendor_id, export_key, source_file), so what they "
            "record is unknown:\n" + "\n".join(lines) + "\n" + more + "Add one row per calls file, or "
            "export the database again with `scorecard export-parquet`. Nothing was written."
        )
    outcomes = ", ".join(f"'{o}'" for o in OUTCOMES)
    bad = (
        raw_calls.select(*KEY, "source_row", "outcome")
        .join(F.broadcast(loaded.select(*KEY, "observed")), list(KEY))
        .where(f"outcome in ({outcomes}) and not array_contains(array_compact(observed), outcome)")
    )
    totals = {r["source_file"]: r["count"] for r in bad.groupBy("source_file").count().collect()}
    if not totals:
        return
    failures: dict[str, list[ValidationFailure]] = {}
    for r in bad.orderBy("source_file", "source_row").limit(EXAMPLES).collect():
        recorded = ", ".join(o for o in OUTCOMES if o in r["observed"])
        rule = f"not among the outcomes this file records ({recorded})"
        failures.setdefault(r["source_file"], []).append(
            ValidationFailure(r["source_row"], "outcome", r["outcome"], rule)
        )
    raise SourceValidationError(
        [SourceFileError(p, "calls", failures.get(p, []), n, hint="") for p, n in sorted(totals.items())],
        hint=CONTRADICTION_HINT,
    )
