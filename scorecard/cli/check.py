"""`scorecard check`: validate a workspace's configuration and read every file without loading anything."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from scorecard.cli._app import app, user_errors

if TYPE_CHECKING:  # imported where used, so that `scorecard --help` loads none of them
    from scorecard.ingest.check import CheckReport


def _progress(done: int, total: int, what: str) -> None:
    width = len(str(total))
    print(f"[{done:>{width}}/{total}] {what}", file=sys.stderr, flush=True)


def _cell(value: object) -> str:
    return "—" if value is None else f"{value:,}" if isinstance(value, int) else str(value)


def render_check(report: CheckReport) -> str:
    """The per-file table (rows read, left out, warnings, errors), then each file's warnings and errors,
    the configuration problems and a one-line verdict."""
    from scorecard.ingest.check import check_frame
    from scorecard.ingest.state import place

    frame = check_frame(report.files)
    lines: list[str] = []
    if frame.height:
        cells = [[_cell(v) for v in row] for row in frame.iter_rows()]
        widths = [max(len(c), *(len(r[i]) for r in cells)) for i, c in enumerate(frame.columns)]
        numeric = {"rows read", "left out", "warnings", "errors"}
        fmt = [(str.rjust if c in numeric else str.ljust) for c in frame.columns]
        for row in [frame.columns, *cells]:
            lines.append("  ".join(f(v, w) for f, v, w in zip(fmt, row, widths, strict=True)).rstrip())
    for f in report.files:
        for w in f.warnings:
            lines.append(f"\nWarning: {f.path}: {w.summary(place(f.path))}")
    for f in report.files:
        if not f.ok:
            lines.append(f"\nRejected: {f.message}")
    for note in report.notes:
        lines.append(f"\nNote: {note}")
    for problem in report.problems:
        lines.append(f"\nProblem: {problem}")
    bad = sum(not f.ok for f in report.files)
    rows = sum(f.rows or 0 for f in report.files if f.ok)
    verdict = (
        f"\n{len(report.files)} file(s) checked: {len(report.files) - bad} would load ({rows:,} rows), "
        f"{bad} would be rejected"
        + (f"; {len(report.problems)} configuration problem(s)" if report.problems else "")
        + ". Nothing was loaded."
    )
    lines.append(verdict)
    return "\n".join(lines).lstrip("\n")


@app.command("check")
@user_errors
def check_command(
    workspace: Annotated[Path, typer.Argument(help="Workspace folder (with scorecard.toml).")] = Path(
        "vendors"
    ),
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress lines.")] = False,
) -> None:
    """Check WORKSPACE without loading anything: its configuration, then every file read and validated as
    `scorecard ingest` would, with per file the rows read, rows left out, warnings and errors.

    Exits 0 when every file would load and the configuration is valid, 1 otherwise. Warnings (rows left
    out on purpose, sentinels read as unknown) do not fail the check.
    """
    from scorecard.ingest.check import check_workspace

    report = check_workspace(workspace, progress=None if quiet else _progress)
    print(render_check(report))
    if not report.ok:
        raise typer.Exit(code=1)
