"""Read-only SQL the pages need that `scorecard.kpis` does not offer yet (candidates to move there).

Plain functions of a DuckDB connection: no streamlit, every user value a bound parameter, every result
read to the end. Scope arguments follow `scorecard.kpis`: vendor ids (None = all) and inclusive local dates.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import duckdb
import polars as pl

from scorecard import catalogue, kpis
from scorecard.views import ensure_views

#: Which raw source feeds each component (DESIGN.md data flow), for provenance.
_SOURCE_OF: dict[str, tuple[str, ...]] = {
    **{c: ("calls", "intervals") for c in catalogue.COMPONENT_COLUMNS},
    **{c: ("surveys",) for c in ("csat_satisfied", "csat_n", "fcr_survey_resolved", "fcr_survey_n")},
    **{c: ("quality",) for c in ("qa_score_sum", "qa_n")},
    **{
        c: ("agent_time",)
        for c in (
            "agent_handle_s",
            "agent_available_s",
            "in_adherence_s",
            "scheduled_s",
            "agent_days_present",
            "agent_days_scheduled",
        )
    },
    "cost_base": ("costs",),
    "fcr_disposition_resolved": ("calls",),
    "fcr_disposition_n": ("calls",),
    "fcr_repeat_resolved": ("calls",),
    "fcr_repeat_n": ("calls",),
    "sales": ("calls",),
    "revenue_base": ("calls",),
}

#: Each source's view and the local date that scopes its rows (costs: the billed period overlaps).
_SOURCES: dict[str, str] = {
    "calls": "stg_calls",
    "intervals": "stg_intervals",
    "surveys": "stg_surveys",
    "quality": "stg_quality",
    "agent_time": "stg_agent_time",
}


def sources_of(kpi_id: str, sl_variant: str = "negative", fcr_method: str = "survey") -> tuple[str, ...]:
    """The raw tables a KPI is computed from, in a stable order."""
    k = catalogue.kpi(kpi_id, sl_variant, fcr_method)
    found = {s for c in (*k.numerator, *k.denominator) for s in _SOURCE_OF[c]}
    return tuple(t for t in (*_SOURCES, "costs") if t in found)


def _scope(vendors: Sequence[str] | None, start: date | None, end: date | None) -> dict[str, object]:
    return {"vendors": list(vendors) if vendors is not None else None, "start": start, "end": end}


def source_files(
    con: duckdb.DuckDBPyConnection,
    vendors: Sequence[str] | None = None,
    start: date | None = None,
    end: date | None = None,
) -> pl.DataFrame:
    """Rows per vendor x source table x file within the scope (costs: billed periods that overlap it)."""
    ensure_views(con)
    parts = [
        f"select vendor_id, '{table}' as source, source_file, count(*) as rows, "
        f"min(local_date) as first_date, max(local_date) as last_date from {view} "
        "where kpi_in_scope(vendor_id, local_date, $vendors, $start, $end) group by all"
        for table, view in _SOURCES.items()
    ]
    parts.append(
        "select vendor_id, 'costs' as source, source_file, count(*) as rows, "
        "min(period_start) as first_date, "
        "max(period_end) as last_date from stg_costs "
        "where ($vendors is null or list_contains($vendors, vendor_id)) "
        "and ($end is null or period_start <= $end) and ($start is null or period_end >= $start) group by all"
    )
    sql = " union all ".join(parts) + " order by vendor_id, source, source_file"
    return con.sql(sql, params=_scope(vendors, start, end)).pl()


def provenance(
    con: duckdb.DuckDBPyConnection,
    kpi_id: str,
    vendors: Sequence[str] | None = None,
    start: date | None = None,
    end: date | None = None,
    sl_variant: str = "negative",
    fcr_method: str = "survey",
) -> pl.DataFrame:
    """The files and row counts a KPI's value comes from, per vendor, within the scope."""
    files = source_files(con, vendors, start, end)
    return files.filter(pl.col("source").is_in(list(sources_of(kpi_id, sl_variant, fcr_method))))


def daily_rows(con: duckdb.DuckDBPyConnection, vendor: str) -> pl.DataFrame:
    """Rows per source and local date for one vendor (data coverage)."""
    ensure_views(con)
    parts = [
        f"select '{table}' as source, local_date, count(*) as rows from {view} "
        "where vendor_id = $v group by all"
        for table, view in _SOURCES.items()
    ]
    parts.append(
        "select 'costs' as source, cast(d.d as date) as local_date, count(*) as rows from stg_costs, "
        "unnest(generate_series(period_start, period_end, interval 1 day)) as d(d) "
        "where vendor_id = $v group by all"
    )
    return con.sql(" union all ".join(parts) + " order by source, local_date", params={"v": vendor}).pl()


def interval_service(
    con: duckdb.DuckDBPyConnection,
    sl_variant: str,
    vendors: Sequence[str] | None = None,
    start: date | None = None,
    end: date | None = None,
    minutes: int = 30,
) -> pl.DataFrame:
    """Service-level numerator and denominator per vendor x local interval (calls bucketed, reports as sent).

    Interval reports whose thresholds differ from the workspace's give NULL (not comparable).
    """
    ensure_views(con)
    calls = con.sql(
        "select c.vendor_id, time_bucket(to_minutes($m), c.arrived_at_local) as interval_start, "
        "sum(answered) as answered, sum(answered + abandoned) as queued, "
        "sum(answered_in_sl) as answered_in_sl, "
        "sum(abandoned_in_sl) as abandoned_in_sl, sum(short_abandoned) as short_abandoned "
        "from stg_calls c join int_call_components k using (vendor_id, call_id) "
        "where kpi_in_scope(c.vendor_id, c.local_date, $vendors, $start, $end) group by all",
        params={**_scope(vendors, start, end), "m": minutes},
    ).pl()
    reports = con.sql(
        "select i.vendor_id, i.interval_start_local as interval_start, i.answered, "
        "i.answered + i.abandoned as queued, "
        "if(i.sl_threshold_s = s.sl_threshold_s, i.answered_in_sl, null) as answered_in_sl, "
        "if(i.sl_threshold_s = s.sl_threshold_s, i.abandoned_in_sl, null) as abandoned_in_sl, "
        "if(i.short_abandon_s = s.short_abandon_s, i.short_abandoned, null) as short_abandoned "
        "from stg_intervals i cross join stg_settings s "
        "where kpi_in_scope(i.vendor_id, i.local_date, $vendors, $start, $end)",
        params=_scope(vendors, start, end),
    ).pl()
    frame = pl.concat([calls, reports], how="vertical_relaxed")
    k = catalogue.KPIS[f"service_level_{sl_variant}"]

    def combo(terms: dict[str, float]) -> pl.Expr:
        return pl.sum_horizontal([pl.col(c).cast(pl.Float64) * w for c, w in terms.items()]).alias("_")

    def strict(terms: dict[str, float]) -> pl.Expr:
        nulls = pl.any_horizontal([pl.col(c).is_null() for c in terms])
        return pl.when(nulls).then(None).otherwise(combo(terms))

    return frame.select(
        "vendor_id",
        "interval_start",
        strict(k.numerator).alias("numerator"),
        strict(k.denominator).alias("denominator"),
    ).sort("vendor_id", "interval_start")


def reported_vs_recomputed(
    con: duckdb.DuckDBPyConnection,
    vendors: Sequence[str] | None = None,
    start: date | None = None,
    end: date | None = None,
    limit: int = 60,
) -> pl.DataFrame:
    """Vendor-reported KPIs overlapping the scope next to ours recomputed over the same days and program.

    At most `limit` distinct reported periods (the latest) are recomputed, one KPI query each.
    """
    reported = con.sql(
        "select vendor_id, program, period_start, period_end, kpi, value as reported, definition, "
        "source_file, source_row from reported_kpis "
        "where ($vendors is null or list_contains($vendors, vendor_id)) "
        "and ($end is null or period_start <= $end) and ($start is null or period_end >= $start) "
        "order by vendor_id, period_start, period_end, program nulls first, kpi, source_file, source_row",
        params=_scope(vendors, start, end),
    ).pl()
    keys = (
        reported.select("vendor_id", "period_start", "period_end")
        .unique()
        .sort("period_end", "period_start", "vendor_id", descending=True)
    )
    recomputed: list[pl.DataFrame] = []
    for v, ps, pe in keys.head(limit).iter_rows():
        for by_program in (False, True):
            frame = kpis.kpis(con, "all", vendors=[v], by_program=by_program, start=ps, end=pe)
            if not by_program:
                frame = frame.with_columns(pl.lit(None, pl.String).alias("program"))
            long = frame.unpivot(
                index=["vendor_id", "program"],
                on=list(catalogue.KPI_COLUMNS),
                variable_name="kpi",
                value_name="recomputed",
            )
            recomputed.append(
                long.with_columns(pl.lit(ps).alias("period_start"), pl.lit(pe).alias("period_end"))
            )
    if not recomputed:
        return reported.with_columns(pl.lit(None, pl.Float64).alias("recomputed"))
    ours = pl.concat(recomputed, how="vertical_relaxed").with_columns(pl.col("recomputed").cast(pl.Float64))
    kept = reported.join(keys.head(limit), on=["vendor_id", "period_start", "period_end"], how="semi")
    return kept.join(
        ours, on=["vendor_id", "program", "period_start", "period_end", "kpi"], how="left", nulls_equal=True
    ).select(
        "vendor_id",
        "program",
        "period_start",
        "period_end",
        "kpi",
        "reported",
        "recomputed",
        "definition",
        "source_file",
        "source_row",
    )


def ingest_log(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """The ingest log, newest first."""
    return con.sql(
        'select loaded_at, status, vendor_id, "table", format, path, rows, message, sha256 '
        "from ingest_log order by file_id desc"
    ).pl()


def vendors(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """The workspace's vendors: id, name, country, time zone, currency."""
    return con.sql("select vendor_id, name, country, timezone, currency from vendors order by vendor_id").pl()


def date_span(con: duckdb.DuckDBPyConnection) -> tuple[date | None, date | None]:
    """First and last local date with any data."""
    ensure_views(con)
    row = con.sql("select min(local_date), max(local_date) from int_vendor_days").fetchall()[0]
    return row[0], row[1]
