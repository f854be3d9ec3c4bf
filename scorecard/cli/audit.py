"""`scorecard audit`: run the data audits on a database on demand (an ingest runs them at its end)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from scorecard.cli._app import app, user_errors

if TYPE_CHECKING:
    from scorecard.sql import audits


def render_audits(result: audits.AuditResult) -> str:
    """One line per failed audit (rule, count, first rows), then the verdict with the count of each."""
    from scorecard.sql.audits import text

    lines = []
    for failure in result.failures:
        lines.append(f"FAILED  {failure.summary()}")
        for row in failure.examples[1:]:
            shown = ", ".join(f"{c}={text(v)}" for c, v in zip(failure.columns, row, strict=True))
            lines.append(f"        also: {shown}")
    passed, failed = len(result.passed), len(result.failures)
    verdict = "every audit passed" if result.ok else f"{failed} audit(s) failed"
    lines.append(f"{passed + failed} audits: {verdict} ({passed} passed), in {result.seconds:,.1f} s.")
    return "\n".join(lines)


@app.command("audit")
@user_errors
def audit_command(
    database: Annotated[Path, typer.Option("--db", help="DuckDB file built by `scorecard ingest`.")],
) -> None:
    """Check that the loaded data is consistent (queries/audits); exit 1 if any audit finds rows.

    Each audit is a rule the data must keep (a call loaded once per vendor, daily parts within their
    whole, an FX rate for every month with costs, ...); a failure names the rule, how many rows break it
    and the first of them.
    """
    from scorecard.ingest import db  # imported when the command runs: `scorecard --help` stays quick
    from scorecard.sql import audits

    con = db.connect(database, read_only=True)
    try:
        db.check_schema(con, database)
        result = audits.run(con)
    finally:
        con.close()
    typer.echo(render_audits(result))
    if not result.ok:
        raise typer.Exit(code=1)
