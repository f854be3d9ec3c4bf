"""The Spark step as a cluster job (spark-submit, a Databricks Python task), writing its rows to a folder.

    spark-submit --master yarn scorecard/spark/job.py --source s3a://lake/canonical --out s3a://lake/days
    scorecard build --engine spark --job-output days/ --db scorecard.duckdb   # after copying days/ here

`--source` holds the canonical tables, `loaded_files` and the workspace tables (vendors, settings,
fx_rates), as `scorecard export-parquet` writes them (a source without `loaded_files` needs
`--calls-record VENDOR=MEASURES`, see `scorecard.spark.loads`); the job writes `<out>/rows` (Parquet)
and `<out>/_manifest`.
"""

from __future__ import annotations

import argparse
import sys


def main(argv: list[str] | None = None) -> int:
    """Run the job; print a one-line summary; exit 1 with the message on a user error."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", required=True, help="canonical tables (any path Spark reads)")
    parser.add_argument("--out", required=True, help="where to write rows/ and _manifest/")
    parser.add_argument("--format", default="parquet", help="format of the source tables")
    parser.add_argument(
        "--calls-record",
        action="append",
        default=[],
        metavar="VENDOR=MEASURES",
        help="for a source without loaded_files/: the measures VENDOR's calls record (repeatable)",
    )
    args = parser.parse_args(argv)
    from scorecard.errors import ScorecardError
    from scorecard.spark.build import run_job
    from scorecard.spark.loads import parse_statements

    try:
        stated = parse_statements(args.calls_record)
        report = run_job(args.source, args.out, fmt=args.format, stated=stated)
    except ScorecardError as exc:
        print(f"Error: {exc}", file=sys.stderr)
        return 1
    phases = ", ".join(f"{k} {v:,.1f} s" for k, v in report.seconds.items())
    print(
        f"Wrote the daily components of {report.calls:,} calls ({report.vendors} vendors) "
        f"to {args.out} ({phases})."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
