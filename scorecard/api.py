"""The few calls a notebook needs beyond the stage modules' own: a database opened to read, one period's
KPIs, a ranking by period label and preset name. `scorecard/__init__.py` exports them (lazily)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import duckdb
import polars as pl

from scorecard.errors import ScorecardError
from scorecard.ingest import db
from scorecard.metrics import kpis as kpi_views
from scorecard.periods import parse_period
from scorecard.scoring import points
from scorecard.scoring.presets import Preset, load_preset


def open_db(path: str | Path) -> duckdb.DuckDBPyConnection:
    """Open a database built by `ingest_workspace` to read (an ingest may run beside it); close it after.

    A database of another table layout is refused with the ingest that rebuilds it.
    """
    con = db.connect(path, read_only=True)
    try:
        db.check_schema(con, path)
    except ScorecardError:
        con.close()
        raise
    return con


def period_kpis(
    con: duckdb.DuckDBPyConnection,
    period: str = "all",
    vendors: Sequence[str] | None = None,
    by_program: bool = False,
) -> pl.DataFrame:
    """Every KPI of one period label (`2026-Q2`, `2026-04`, `2026-W16`, `2026-04-15`, `2026`, `all`),
    one row per vendor (and program), as `scorecard kpis` computes it."""
    p = parse_period(period)
    frame = kpi_views.kpis(
        con,
        grain=p.grain,
        vendors=list(vendors) if vendors else None,
        by_program=by_program,
        start=p.start,
        end=p.end,
    )
    return frame.filter(pl.col("period").cast(pl.String) == p.label)


def rank(
    con: duckdb.DuckDBPyConnection,
    period: str,
    preset: str | Preset | None = None,
    *,
    workspace: str | Path | None = None,
    method: str | None = None,
    vendors: Sequence[str] | None = None,
    include_partial: bool = False,
) -> points.Ranking:
    """Rank the vendors for a period label under a preset (a name, built-in or in `workspace`'s presets
    folder, or a `Preset`; default: the workspace's `preset` setting). `.table` is the ranking table;
    vendors whose data cover under 80% of the period's days are not ranked unless `include_partial`."""
    if not isinstance(preset, Preset):
        preset = load_preset(preset or points.scoring_settings(con)["preset"], workspace)
    return points.rank_period(
        con, period, preset, method=method, vendors=vendors, include_partial=include_partial
    )
