"""`scorecard build`: rebuild the daily components with DuckDB, or their call-level step on Spark."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from scorecard.cli._app import app, user_errors
from scorecard.errors import ScorecardError

if TYPE_CHECKING:  # imported where used, so that `scorecard --help` loads none of them
    from scorecard.spark.build import BuildReport


def _progress(phase: str) -> None:
    print(f"... {phase}", file=sys.stderr, flush=True)


def _conf(pairs: list[str]) -> dict[str, str]:
    conf = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise ScorecardError(f"--conf {pair!r}: expected KEY=VALUE, e.g. --conf spark.driver.memory=4g")
        conf[key.strip()] = value.strip()
    return conf


def render(report: BuildReport, db: Path) -> str:
    """One paragraph: what was built, with the seconds of each phase."""
    phases = ", ".join(f"{name} {seconds:,.1f} s" for name, seconds in report.seconds.items())
    return (
        f"Built the daily components of {db} with {report.engine}: {report.rows:,} vendor x program x day "
        f"rows from {report.calls:,} calls of {report.vendors} vendor(s) ({phases})."
    )


@app.command("build")
@user_errors
def build_command(
    db: Annotated[Path, typer.Option("--db", help="DuckDB file built by `scorecard ingest`.")] = Path(
        "scorecard.duckdb"
    ),
    engine: Annotated[str, typer.Option("--engine", help="duckdb | spark")] = "duckdb",
    source: Annotated[
        str | None,
        typer.Option(
            "--source",
            help="Spark: canonical tables at any path Spark reads (local, hdfs://, s3a://, abfss://), "
            "e.g. a `scorecard export-parquet` folder.",
        ),
    ] = None,
    job_output: Annotated[
        Path | None,
        typer.Option(
            "--job-output",
            help="Spark: load the rows a cluster job wrote (python -m "
            "scorecard.spark.job) from this local folder instead of computing them.",
        ),
    ] = None,
    master: Annotated[
        str | None, typer.Option("--master", help="Spark master URL (default: local[*]).")
    ] = None,
    fmt: Annotated[str, typer.Option("--format", help="Spark: format of the source tables.")] = "parquet",
    conf: Annotated[
        list[str] | None, typer.Option("--conf", help="Spark setting KEY=VALUE (repeatable).")
    ] = None,
    calls_record: Annotated[
        list[str] | None,
        typer.Option(
            "--calls-record",
            help="Spark, for a source without loaded_files/: the measures VENDOR's calls record, "
            "VENDOR=answered,abandoned,blocked,self_service,revenue (repeatable; * for every vendor "
            "not named). A measure left out is unknown (NULL), never 0.",
        ),
    ] = None,
) -> None:
    """Build the daily components that KPIs, rankings, reviews and the app read."""
    from scorecard.spark.build import build_duckdb, build_spark, load_job
    from scorecard.spark.loads import parse_statements

    if engine == "duckdb":
        if source or job_output or calls_record:
            raise ScorecardError("--source, --job-output and --calls-record belong to --engine spark.")
        report = build_duckdb(db)
    elif engine == "spark":
        if (source is None) == (job_output is None):
            raise ScorecardError(
                "--engine spark needs either --source PATH (compute on Spark now) or --job-output DIR "
                "(load what a cluster job computed)."
            )
        if job_output is not None:
            if calls_record:
                raise ScorecardError("--calls-record belongs to --source (or to the cluster job); a job's "
                                     "output already says what its calls record.")  # fmt: skip
            report = load_job(db, job_output)
        else:
            stated = parse_statements(calls_record or [])
            report = build_spark(
                db, source, master, _conf(conf or []), fmt, progress=_progress, stated=stated
            )
    else:
        raise ScorecardError(f"Unknown engine {engine!r}; expected duckdb or spark.")
    print(render(report, db))
