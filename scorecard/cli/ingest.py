"""`scorecard ingest`: load a workspace's exports into the database file."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from scorecard.cli._app import app, user_errors

if TYPE_CHECKING:  # imported where used, so that `scorecard --help` loads none of them
    from scorecard.ingest.run import IngestReport


def _progress(done: int, total: int, what: str) -> None:
    width = len(str(total))
    print(f"[{done:>{width}}/{total}] {what}", file=sys.stderr, flush=True)


def render_report(report: IngestReport) -> str:
    """A readable summary of an ingest: one line per file, then what changed, warnings and problems."""
    from scorecard.ingest.state import place

    lines = []
    shown = [*report.files, *report.removed]
    width = max((len(f.path) for f in shown), default=4)
    for f in shown:
        rows = "" if f.rows is None else f"{f.rows:>9,} rows"
        warned = f", {sum(w.rows for w in f.warnings):,} with warnings" if f.warnings else ""
        lines.append(f"{f.status:<9} {f.path:<{width}}  {f.table:<10} {rows}{warned}")
    statuses = ("loaded", "replaced", "reread", "unchanged", "held", "rejected")
    summary = ", ".join(f"{report.count(s)} {s}" for s in statuses if report.count(s))
    lines.append(f"\n{len(report.files)} file(s): {summary or 'none found'}.")
    if report.removed:
        vendors = f", {len(report.removed_vendors)} vendor(s)" if report.removed_vendors else ""
        lines.append(
            f"Removed: {len(report.removed)} file(s){vendors} no longer in the workspace as loaded "
            "(their rows left the database)."
        )
    lines += report.notes
    if report.rebuilt:
        lines.append("The database was built by another version of the tool and was reloaded whole.")
    if report.settings_changed:
        lines.append(
            "The workspace settings, vendors or FX rates changed: every daily component was rebuilt."
        )
    if not report.built:
        lines.append(
            f"Took {report.seconds:,.1f} s. The daily components were not built (--no-build): KPIs are "
            "computed from the calls, slower, until the next `scorecard ingest` builds them; the data "
            "audits run with that build (or now: `scorecard audit`)."
        )
    elif report.seconds:
        lines.append(
            f"Took {report.seconds:,.1f} s; building the daily components that the KPIs read took "
            f"{report.build_seconds:,.1f} s of it, partly while files loaded."
        )
    for f in report.files:
        for w in f.warnings:
            lines.append(f"\nWarning: {f.path}: {w.summary(place(f.path))}")
        if f.status == "held":
            lines.append(f"\nHeld back: {f.path}: {f.message}")
    for f in report.files:
        if f.status == "rejected":
            lines.append(f"\nRejected: {f.message}")
    for p in report.problems:
        lines.append(f"\nProblem: {p}")
    lines += [f"\nWarning: audit {a.summary()}" for a in (report.audits.failures if report.audits else ())]
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
    accept_empty: Annotated[
        bool,
        typer.Option(
            "--accept-empty",
            help="Let a file with no rows replace the rows loaded from it before (a period that really had "
            "no data). Without it such a file is held back with a warning.",
        ),
    ] = False,
    wait: Annotated[
        bool,
        typer.Option(
            "--wait",
            help="If another ingest or build of the database is running, wait for it to finish instead "
            "of stopping with exit code 1.",
        ),
    ] = False,
) -> None:
    """Load every export of WORKSPACE into the database; exit 1 if any file or vendor was rejected.

    What is loaded is what the workspace says: changed files and changed vendor.toml settings are read
    again, files and vendors no longer in the workspace leave the database. Rows that load with a
    warning (a survey without an answer, rows left out by a filter) are counted per file.
    """
    from scorecard.ingest.run import ingest

    report = ingest(
        workspace,
        db,
        progress=None if quiet else _progress,
        build=build,
        accept_empty=accept_empty,
        wait=wait,
        on_wait=lambda message: print(message, file=sys.stderr, flush=True),
    )
    print(render_report(report))
    if not report.ok:
        raise typer.Exit(code=1)
