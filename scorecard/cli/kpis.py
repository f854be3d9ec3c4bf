"""`scorecard kpis`: KPIs recomputed from the raw data, per vendor x period (x program).

`--format table` prints the definitions in force and one column per vendor x period, KPIs as rows
(written by scorecard.present.format, as on every page: 85.9%, 8.5 s or 6:10, €21.83), then on stderr
why each empty KPI is empty. `--format csv|json` prints the raw numbers with exactly the columns of
docs/kpis.md.
`--compare-reported` prints the vendors' own reported figures next to ours recomputed over the same days
and program (scorecard.metrics.reported).
"""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import duckdb
import polars as pl
import typer

from scorecard.cli._app import app, user_errors
from scorecard.errors import ScorecardError
from scorecard.ingest import db
from scorecard.metrics.catalogue import KPI_COLUMNS, VOLUME_COLUMNS, kpi
from scorecard.metrics.kpis import GRAINS, known_vendors, kpi_notes, kpis, workspace_settings
from scorecard.metrics.reported import reported_vs_recomputed
from scorecard.present import format as fmt
from scorecard.present import text
from scorecard.sql.views import apply_views


class Format(StrEnum):
    """Output formats of `scorecard kpis`."""

    table = "table"
    csv = "csv"
    json = "json"


def format_value(column: str, value: Any, currency: str) -> str:
    """One value as shown in the table: percent, seconds, money, points or a count; '—' when NULL."""
    if column in VOLUME_COLUMNS:
        return fmt.count(value)
    return fmt.value(column, value, currency)


def definitions_line(settings: dict[str, Any]) -> str:
    """The definitions in force, printed above every table (docs/design.md: one definition for everyone)."""
    sl = kpi("service_level", settings["sl_variant"], settings["fcr_method"])
    fcr = kpi("fcr_rate", settings["sl_variant"], settings["fcr_method"])
    window = f", within {settings['fcr_repeat_days']} days" if settings["fcr_method"] == "repeat" else ""
    return (
        f"Definitions: service_level = {settings['sl_variant']}: {sl.definition} "
        f"(T = {settings['sl_threshold_s']:g} s; short abandons wait < {settings['short_abandon_s']:g} s); "
        f"fcr_rate = {settings['fcr_method']}: {fcr.definition}{window}; "
        f"money in {settings['base_currency']}; every KPI pooled over its period."
    )


def render_table(frame: pl.DataFrame, currency: str) -> str:
    """KPIs as rows, one aligned column per vendor x period (x program)."""
    keys = [c for c in ("vendor_id", "period", "program") if c in frame.columns]
    header_rows = [[key] for key in keys]
    body = [[c] for c in (*VOLUME_COLUMNS, *KPI_COLUMNS)]
    for row in frame.iter_rows(named=True):
        for i, key in enumerate(keys):
            header_rows[i].append(str(row[key]))
        for line in body:
            line.append(format_value(line[0], row[line[0]], currency))
    lines = [*header_rows, *body]
    widths = [max(len(line[i]) for line in lines) for i in range(len(lines[0]))]
    out = []
    for n, line in enumerate(lines):
        cells = [line[0].ljust(widths[0])] + [c.rjust(w) for c, w in zip(line[1:], widths[1:], strict=True)]
        out.append("  ".join(cells).rstrip())
        if n == len(keys) - 1:
            out.append("  ".join("-" * w for w in widths))
    return "\n".join(out)


def render_notes(notes: pl.DataFrame) -> str:
    """Why KPIs are empty, one line per vendor (x program) x KPI x reason, with the periods concerned."""
    keys = ["vendor_id", "program"] if "program" in notes.columns else ["vendor_id"]
    grouped = (
        notes.with_columns(
            pl.col("kpi")
            .replace_strict({k: i for i, k in enumerate(KPI_COLUMNS)}, return_dtype=pl.Int64)
            .alias("_order")
        )
        .group_by([*keys, "kpi", "reason"], maintain_order=True)
        .agg(pl.col("period").sort(), pl.col("_order").first())
        .sort([*keys, "_order", "reason"], nulls_last=False)
    )
    lines = ["Why some KPIs are empty:"]
    for row in grouped.iter_rows(named=True):
        periods = row["period"]
        when = periods[0] if len(periods) == 1 else f"{len(periods)} periods, {periods[0]} to {periods[-1]}"
        where = " / ".join(str(row[k]) for k in keys if row[k] is not None)
        lines.append(f"  {where} {row['kpi']} ({when}): {row['reason']}")
    return "\n".join(lines)


def _shown(kpi_id: str, value: Any, currency: str, sign: bool = False) -> str:
    """A reported, recomputed or difference value; KPI ids outside the catalogue print as plain numbers."""
    if value is None:
        return "—"
    if kpi_id not in KPI_COLUMNS:
        return f"{value:+g}" if sign else f"{value:g}"
    return fmt.change(kpi_id, value, currency) if sign else format_value(kpi_id, value, currency)


def render_reported(frame: pl.DataFrame, currency: str) -> str:
    """Vendor-reported against recomputed, one aligned row per reported figure."""
    header = ["vendor", "program", "period", "kpi", "reported", "recomputed", "difference", "definition"]
    rows = [header]
    for r in frame.iter_rows(named=True):
        rows.append(
            [
                r["vendor_id"],
                r["program"] or "(all)",
                f"{r['period_start']} – {r['period_end']}",
                r["kpi"],
                _shown(r["kpi"], r["reported"], currency),
                _shown(r["kpi"], r["recomputed"], currency),
                _shown(r["kpi"], r["difference"], currency, sign=True),
                r["definition"] or "—",
            ]
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    numeric = {4, 5, 6}
    out = []
    for n, row in enumerate(rows):
        pairs = enumerate(zip(row, widths, strict=True))
        cells = [c.rjust(w) if i in numeric else c.ljust(w) for i, (c, w) in pairs]
        out.append("  ".join(cells).rstrip())
        if n == 0:
            out.append("  ".join("-" * w for w in widths))
    return "\n".join(out)


@app.command("kpis")
@user_errors
def kpis_command(
    database: Annotated[Path, typer.Option("--db", help="DuckDB file built by `scorecard ingest`.")],
    grain: Annotated[str, typer.Option("--grain", help=f"Period grain: {', '.join(GRAINS)}.")] = "all",
    vendor: Annotated[
        list[str] | None, typer.Option("--vendor", help="Vendor id to show (repeatable; default all).")
    ] = None,
    by_program: Annotated[bool, typer.Option("--by-program", help="One row per program too.")] = False,
    output: Annotated[Format, typer.Option("--format", help="table, csv or json.")] = Format.table,
    compare_reported: Annotated[
        bool,
        typer.Option(
            "--compare-reported",
            help="Show the vendors' own reported KPIs next to ours recomputed over the same days and "
            "program (difference = reported − recomputed).",
        ),
    ] = False,
) -> None:
    """Recompute every KPI from the raw data, per vendor and period, under the workspace definitions."""
    if grain not in GRAINS:
        raise ScorecardError(f"Unknown grain {grain!r} in --grain; expected one of: {', '.join(GRAINS)}.")
    if compare_reported and (grain != "all" or by_program):
        raise ScorecardError(
            "--compare-reported compares each reported figure over its own period and program; "
            "drop --grain and --by-program."
        )
    con = db.connect(database, read_only=True)
    try:
        apply_views(con)
        if vendor:
            known = known_vendors(con)
            unknown = [v for v in vendor if v not in known]
            if unknown:
                raise ScorecardError(
                    f"Unknown vendor {', '.join(map(repr, unknown))} in --vendor; vendors in {database}: "
                    f"{', '.join(known) or '(none)'}."
                )
        if compare_reported:
            _compare_reported(con, vendor or None, output)
            return
        frame = kpis(con, grain=grain, vendors=vendor or None, by_program=by_program)
        if output is Format.csv:
            typer.echo(text.write_csv(frame), nl=False)
        elif output is Format.json:
            typer.echo(json.dumps(frame.to_dicts(), ensure_ascii=False))
        else:
            settings = workspace_settings(con)
            typer.echo(definitions_line(settings))
            typer.echo("")
            if frame.is_empty():
                typer.echo("No data: the database has no rows for the vendors asked.")
                return
            typer.echo(render_table(frame, settings["base_currency"]))
            notes = kpi_notes(con, grain=grain, vendors=vendor or None, by_program=by_program)
            if not notes.is_empty():
                typer.echo(render_notes(notes), err=True)
    finally:
        con.close()


def _compare_reported(con: duckdb.DuckDBPyConnection, vendors: list[str] | None, output: Format) -> None:
    """Print every vendor-reported figure of the vendors asked next to ours (`--compare-reported`)."""
    frame = reported_vs_recomputed(con, vendors, limit=None)
    if output is Format.csv:
        typer.echo(text.write_csv(frame), nl=False)
    elif output is Format.json:
        typer.echo(json.dumps(frame.to_dicts(), ensure_ascii=False, default=str))
    else:
        settings = workspace_settings(con)
        typer.echo(definitions_line(settings))
        typer.echo("")
        if frame.is_empty():
            typer.echo(
                "No vendor-reported KPIs in the database for the vendors asked "
                "(only some export formats carry the vendor's own figures)."
            )
            return
        typer.echo(render_reported(frame, settings["base_currency"]))
