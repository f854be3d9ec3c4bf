"""`scorecard build`: the daily components built by DuckDB, or their call-level step on Spark.

- `build_duckdb`: every materialised table rebuilt from the raw tables (as the end of an ingest).
- `build_spark`: `int_call_days` computed on Spark from canonical tables at any path Spark reads, loaded
  into the database, the marts rebuilt over it (the driver runs here: local mode or `--master`).
- `run_job` / `load_job`: the same step as a cluster job that writes its rows and a manifest to a
  folder (`python -m scorecard.spark.job` under spark-submit or a Databricks job), then loaded here.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from scorecard.errors import DatabaseError
from scorecard.ingest import db as scdb
from scorecard.ingest.publish import publishing
from scorecard.spark import load, step
from scorecard.sql import views

Progress = Callable[[str], None]
MANIFEST = "_manifest"
ROWS = "rows"


@dataclass
class BuildReport:
    """What a build did: engine, rows of int_call_days, vendors, calls, and seconds per phase."""

    engine: str
    rows: int = 0
    vendors: int = 0
    calls: int = 0
    seconds: dict[str, float] = field(default_factory=dict)

    @contextmanager
    def timed(self, phase: str, progress: Progress | None = None) -> Iterator[None]:
        """Add the seconds of the enclosed block to `phase`; tell `progress` when it starts."""
        if progress:
            progress(phase)
        start = time.perf_counter()
        try:
            yield
        finally:
            self.seconds[phase] = self.seconds.get(phase, 0.0) + time.perf_counter() - start


def build_duckdb(db_path: str | Path) -> BuildReport:
    """Rebuild every materialised table of `db_path` with DuckDB from its raw tables."""
    report = BuildReport("duckdb")
    scdb.connect(db_path, read_only=True).close()  # a missing or locked database is named first
    with publishing(db_path, "build") as pub:
        con = scdb.connect(pub.path)
        try:
            with report.timed("build"):
                views.apply_views(con)
            _count(con, report)
        finally:
            con.close()
    return report


def _count(con: Any, report: BuildReport) -> None:
    rows, vendors, calls = con.execute(
        "select count(*), count(distinct vendor_id), "
        "coalesce(sum(answered + abandoned + blocked + self_service), 0) from int_call_days"
    ).fetchall()[0]
    report.rows, report.vendors, report.calls = rows, vendors, int(calls)


def build_spark(
    db_path: str | Path,
    source: str,
    master: str | None = None,
    conf: dict[str, str] | None = None,
    fmt: str = "parquet",
    progress: Progress | None = None,
    stated: dict[str, tuple[str, ...]] | None = None,
) -> BuildReport:
    """Compute int_call_days on Spark from the canonical tables at `source` and load it into `db_path`.

    The workspace tables come from the database; what each calls file records from the source's
    loaded_files or `stated` per vendor (`loads`). The calls Spark reads must match the database's raw
    calls (count, first and last arrival, calls per recorded measures, per vendor), else nothing is
    written."""
    from scorecard.spark.session import spark_session

    report = BuildReport("spark")
    db = str(db_path)
    con = scdb.connect(db_path, read_only=True)
    try:
        workspace = load.workspace_tables(con)
    finally:
        con.close()
    with report.timed("jvm start", progress):
        spark, _ = spark_session(master, conf)
    with report.timed("read and validate", progress):
        frames = {name: spark.createDataFrame(table) for name, table in workspace.items()}
        tables = step.read_tables(spark, source, frames, fmt, stated=stated)
    with report.timed("compute", progress):
        rows = step.call_days(spark, tables).toArrow()
        stats = step.call_stats(tables["raw_calls"], tables["loaded_files"])
    with report.timed("load", progress), publishing(db_path, "build") as pub:
        con = scdb.connect(pub.path)
        try:
            load.check_same_workspace(load.workspace_digest(load.workspace_tables(con)),
                                      load.workspace_digest(workspace), db)  # fmt: skip
            load.check_same_calls(load.database_call_stats(con), stats, source, db)
            load.replace_call_days(con, rows, step.translation())
            _count(con, report)
        finally:
            con.close()
    return report


def run_job(
    source: str,
    out: str,
    master: str | None = None,
    conf: dict[str, str] | None = None,
    fmt: str = "parquet",
    stated: dict[str, tuple[str, ...]] | None = None,
) -> BuildReport:
    """The step as a cluster job: rows to `<out>/rows` (Parquet), inputs to `<out>/_manifest` (JSON)."""
    from scorecard.spark.session import spark_session
    from scorecard.spark.source import read_workspace

    report = BuildReport("spark job")
    with report.timed("jvm start"):
        spark, _ = spark_session(master, conf)
    with report.timed("read and validate"):
        workspace = read_workspace(spark, source)
        tables = step.read_tables(spark, source, workspace, fmt, stated=stated)
    with report.timed("compute"):
        days = step.call_days(spark, tables)
        days.coalesce(1).write.mode("overwrite").parquet(f"{out.rstrip('/')}/{ROWS}")
        stats = step.call_stats(tables["raw_calls"], tables["loaded_files"])
    used = {n: [r.asDict() for r in workspace[n].collect()] for n in load.WORKSPACE_TABLES}
    manifest = {
        "queries_sha256": views.queries_fingerprint(),
        "workspace": json.loads(load.workspace_digest(used)),
        "calls": {v: vars(s) for v, s in sorted(stats.items())},
        "source": source,
        "calls_record": dict(stated) if stated else "loaded_files",
        "spark": spark.version,
        "written_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    text = spark.createDataFrame([(json.dumps(manifest),)], "value string").coalesce(1)
    text.write.mode("overwrite").text(f"{out.rstrip('/')}/{MANIFEST}")
    report.vendors, report.calls = len(stats), sum(s.calls for s in stats.values())
    return report


def load_job(db_path: str | Path, out: str | Path) -> BuildReport:
    """Load the rows a cluster job wrote to `out` (a local folder) into `db_path`, after checking that
    the job ran the same SQL on the database's workspace tables and calls."""
    import pyarrow.parquet as pq

    report = BuildReport("spark job output")
    out, db = Path(out), str(db_path)
    manifests = sorted((out / MANIFEST).glob("part-*"))
    if not manifests or not (out / ROWS).is_dir():
        raise DatabaseError(f"{out} is not the output of a Spark job (no {MANIFEST}/ and {ROWS}/ inside).")
    manifest = json.loads(manifests[0].read_text(encoding="utf-8"))
    translation = step.translation()
    if manifest["queries_sha256"] != views.queries_fingerprint():
        raise DatabaseError(
            f"{out} was computed by other SQL than this version's queries/; run the job again with the "
            "same version of vendor-scorecard. Nothing was written."
        )
    with report.timed("load"):
        rows = pq.read_table(out / ROWS)
        scdb.connect(db_path, read_only=True).close()  # a missing database is named, not created
    with report.timed("load"), publishing(db_path, "build") as pub:
        con = scdb.connect(pub.path)
        try:
            used = json.dumps(manifest["workspace"], default=str, sort_keys=True)
            load.check_same_workspace(load.workspace_digest(load.workspace_tables(con)), used, db)
            stats = {v: step.CallStats.from_json(s) for v, s in manifest["calls"].items()}
            load.check_same_calls(load.database_call_stats(con), stats, manifest["source"], db)
            load.replace_call_days(con, rows, translation)
            _count(con, report)
        finally:
            con.close()
    return report
