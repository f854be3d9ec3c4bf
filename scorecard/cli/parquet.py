"""`scorecard export-parquet`: the raw canonical tables as Parquet, by vendor and month."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from scorecard.cli._app import app, user_errors, writing


@app.command("export-parquet")
@user_errors
def export_parquet_command(
    db: Annotated[Path, typer.Option("--db", help="DuckDB file built by `scorecard ingest`.")] = Path(
        "scorecard.duckdb"
    ),
    out: Annotated[Path, typer.Option("--out", help="Folder to write (must be empty or missing).")] = Path(
        "canonical"
    ),
    overwrite: Annotated[
        bool, typer.Option("--overwrite", help="Replace an earlier export in the same folder.")
    ] = False,
) -> None:
    """Write the raw tables of DB as Parquet under OUT/<table>/vendor_id=.../month=.../, with loaded_files
    and the workspace tables, for the Spark step."""
    from scorecard.spark.export import export_parquet

    with writing(out, "the Parquet export"):
        report = export_parquet(db, out, overwrite=overwrite)
    width = max(len(t) for t in report.rows)
    for table, rows in report.rows.items():
        print(f"{table:<{width}}  {rows:>12,} rows")
    print(f"\nWrote {report.files:,} Parquet file(s) to {report.out} in {report.seconds:,.1f} s.")
