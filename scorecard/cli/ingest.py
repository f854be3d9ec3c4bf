"""`scorecard ingest`: load a workspace's exports into the database file."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from scorecard.cli._app import app, user_errors
from scorecard.ingest.run import IngestReport, ingest


def _progress(done: int, total: int, what: str) -> None:
    width = len(str(total))
    print(f"[{done:>{width}}/{total}] {what}", file=sys.stderr, flush=True)


def render_report(report: IngestReport) -> str:
    """A readable summary of an ingest: one line per file, then the problems in full."""
    lines = []
    width = max((len(f.path) for f in report.files), default=4)
    for f in report.files:
        rows = "" if f.rows is None else f"{f.rows:>9,} rows"
        lines.append(f"{f.status:<9} {f.path:<{width}}  {f.table:<10} {rows}")
    summary = ", ".join(
        f"{report.count(s)} {s}" for s in ("loaded", "replaced", "unchanged", "rejected") if report.count(s)
    )
    lines.append(f"\n{len(report.files)} file(s): {summary or 'none found'}.")
    if not report.built:
        lines.append(
            f"Took {report.seconds:,.1f} s. The daily components were not built (--no-build): KPIs are "
            "computed from the calls, slower, until the next `scorecard ingest` builds them."
        )
    elif report.seconds:
        lines.append(
            f"Took {report.seconds:,.1f} s; building the daily components that the KPIs read took "
            f"{report.build_seconds:,.1f} s of it, partly while files loaded."
        )
    for f in report.files:
        if f.status == "rejected":
            lines.append(f"\nRejected: {f.message}")
    for p in report.problems:
        lines.append(f"\nProblem: {p}")
    return "\n".join(lines)


@app.command("ingest")
@user_errors
def ingest_command(
    workspace: Annotated[Path, typer.Argument(help="Workspace folder (with scorecard.toml).")] = Path(
        "vendors"
    ),
    db: Annotated[Path, typer.Option("--db", help="DuckDB file to create or update.")] = Path(
        "scorecard.duckdb"
    ),
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress lines.")] = False,
    build: Annotated[
        bool,
        typer.Option(
            "--build/--no-build",
            help="Build the daily components the KPIs read (default). --no-build loads the files only, "
            "for many batches in a row: KPIs are computed from the calls, slower, until the next ingest "
            "that builds.",
        ),
    ] = True,
) -> None:
    """Load every export of WORKSPACE into the database; exit 1 if any file was rejected."""
    report = ingest(workspace, db, progress=None if quiet else _progress, build=build)
    print(render_report(report))
    if not report.ok:
        raise typer.Exit(code=1)
