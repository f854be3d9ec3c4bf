"""The quarterly vendor review: one vendor's quarter against its contract, its last quarter and its peers.

`quarterly_review(con, vendor_id, "2026-Q2", contract)` gathers everything the HTML and XLSX exports show:
each KPI against its target (contract term, else the catalogue's seed band), the previous quarter and the
peer median; SLA attainment and credits (scorecard.workspace.contract); interval attainment; sample sizes with
confidence intervals for survey and QA KPIs; rank and score under a preset; findings; and a fingerprint
of the source files so the review can be reproduced.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import duckdb
import polars as pl

from scorecard.errors import ScorecardError
from scorecard.metrics import catalogue
from scorecard.metrics.intervals import interval_service
from scorecard.metrics.kpis import coverage_days, kpi_notes, kpis, workspace_settings, workspace_vendors
from scorecard.periods import Coverage, Period, coverage, month_range, parse_period, previous_quarter
from scorecard.review import granular
from scorecard.review.credits import contract_credits
from scorecard.review.findings import Finding, base_kpi, findings, side_of
from scorecard.review.invoices import InvoiceCheck, invoice_check
from scorecard.review.samples import comparable_peers, sample_confidence
from scorecard.scoring.comparable import Comparability, assess
from scorecard.scoring.confidence import DEFAULT_LEVEL
from scorecard.scoring.points import contributions, ranking
from scorecard.scoring.presets import Preset, load_preset
from scorecard.sql.views import ensure_views
from scorecard.staffing.adjusted import StaffingReview, staffing_review
from scorecard.workspace.contract import Contract, Term


@dataclass(frozen=True)
class Review:
    """Everything a quarterly review shows, as frames (see the module docstring)."""

    vendor_id: str
    vendor_name: str
    currency: str
    quarter: Period
    previous: str
    settings: dict[str, Any]
    contract: Contract
    kpis: pl.DataFrame
    months: pl.DataFrame  # monthly KPIs of the previous quarter and this one (the trend)
    attainment: pl.DataFrame
    credit_lines: pl.DataFrame
    credits: pl.DataFrame
    intervals: pl.DataFrame
    profile: pl.DataFrame
    confidence: pl.DataFrame
    preset: Preset
    ranking: pl.DataFrame
    contributions: pl.DataFrame
    findings: list[Finding]
    fingerprint: str
    sources: pl.DataFrame
    level: float = DEFAULT_LEVEL
    #: Display names of the vendors in `ranking` (a restricted scope keeps only those it shows).
    names: dict[str, str] = field(default_factory=dict)
    #: The vendor's first and last local date with data in the quarter (a partial quarter is marked).
    span: tuple[date | None, date | None] = (None, None)
    #: The quarter's invoices against the price model's expected invoice (None without `[contract.price]`).
    invoices: InvoiceCheck | None = None
    #: Day and interval terms: the days / intervals of the quarter furthest from target (granular.worst).
    worst: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema=granular.DETAIL_SCHEMA))
    #: Peers not compared (rank, peer medians): their data cover too few of the quarter's days.
    peers_left_out: int = 0
    #: Service level against what the staffing allowed, on the client's forecast (docs/staffing.md).
    staffing: StaffingReview | None = None

    @property
    def coverage(self) -> Coverage:
        """How much of the quarter the vendor's data covers."""
        return coverage(self.quarter, *self.span)

    @property
    def base_currency(self) -> str:
        """The workspace's base currency."""
        return str(self.settings["base_currency"])


def _term_for(contract: Contract, kpi_id: str) -> Term | None:
    return next((t for t in contract.terms if t.kpi == kpi_id), None)


def target_band(kpi_id: str, contract: Contract, settings: dict[str, Any]) -> tuple[Any, Any, str]:
    """`(target_low, target_high, source)`: the contract term's target, else the catalogue's seed band."""
    term = _term_for(contract, kpi_id)
    kpi = catalogue.kpi(kpi_id, settings["sl_variant"], settings["fcr_method"])
    target, source = (term.target, "contract") if term else (kpi.target, "catalogue")
    if target is None:
        return None, None, "none"
    if isinstance(target, tuple):
        return target[0], target[1], source
    return (target, None, source) if kpi.direction == "higher" else (None, target, source)


def kpi_comparison(
    quarters: pl.DataFrame,
    vendor_id: str,
    quarter: str,
    contract: Contract,
    settings: dict[str, Any],
    reasons: dict[str, str] | None = None,
) -> pl.DataFrame:
    """One row per KPI: value, previous quarter, change, peer median (other vendors), target and status.

    `quarters` is the quarterly KPI frame of every vendor for `quarter` and the quarter before it.
    """
    this = quarters.filter(pl.col("period") == quarter)
    mine = this.filter(pl.col("vendor_id") == vendor_id)
    peers = this.filter(pl.col("vendor_id") != vendor_id)
    before = quarters.filter(
        (pl.col("period") == previous_quarter(quarter)) & (pl.col("vendor_id") == vendor_id)
    )
    reasons = reasons or {}
    rows = []
    for kpi_id in catalogue.KPI_COLUMNS:
        k = catalogue.kpi(kpi_id, settings["sl_variant"], settings["fcr_method"])
        value = mine[kpi_id][0] if mine.height else None
        prev = before[kpi_id][0] if before.height else None
        low, high, source = target_band(kpi_id, contract, settings)
        side = side_of(value, low, high)
        status = "no data" if value is None else ("no target" if source == "none" else side or "on target")
        peer_values = peers[kpi_id].drop_nulls()
        rows.append(
            {
                "kpi": kpi_id,
                "label": k.label,
                "unit": k.unit,
                "direction": k.direction,
                "value": value,
                "previous": prev,
                "change": None if value is None or prev is None else value - prev,
                "peer_median": peer_values.median() if peer_values.len() else None,
                "peers": peer_values.len(),
                "target_low": low,
                "target_high": high,
                "target_source": source,
                "status": status,
                "definition": k.definition,
                "note": reasons.get(kpi_id),
            }
        )
    return pl.DataFrame(rows, infer_schema_length=None)


def interval_attainment(
    con: duckdb.DuckDBPyConnection, vendor_id: str, quarter: Period, target: float
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Share of 30-minute intervals whose service level meets `target`, by month and for the quarter;
    and the profile by half-hour of the day (intervals, share meeting, pooled service level)."""
    rows = interval_service(con, None, [vendor_id], quarter.start, quarter.end).filter(
        pl.col("denominator") > 0, pl.col("service_level").is_not_null()
    )
    rows = rows.with_columns(
        pl.col("interval_start").dt.strftime("%Y-%m").alias("period"),
        pl.col("interval_start").dt.strftime("%H:%M").alias("time"),
        (pl.col("service_level") >= target).alias("meets"),
    )

    def share(frame: pl.DataFrame, by: str) -> pl.DataFrame:
        return frame.group_by(by).agg(
            pl.len().alias("intervals"),
            pl.col("meets").sum().alias("meeting"),
            (pl.col("meets").sum() / pl.col("service_level").count()).alias("attainment_rate"),
            (pl.col("numerator").sum() / pl.col("denominator").sum()).alias("service_level"),
        )

    months = pl.DataFrame({"period": month_range(f"{quarter.start:%Y-%m}", f"{quarter.end:%Y-%m}")})
    by_month = months.join(share(rows, "period"), on="period", how="left")
    total = share(rows.with_columns(pl.lit(quarter.label).alias("period")), "period")
    table = pl.concat([by_month, total.select(by_month.columns)]) if rows.height else by_month
    table = table.with_columns(pl.lit(target).alias("sl_target"), pl.col("intervals").fill_null(0))
    return table, share(rows, "time").sort("time")


def fingerprint(con: duckdb.DuckDBPyConnection) -> tuple[str, pl.DataFrame]:
    """sha256 over `path<TAB>sha256` lines of every source file with rows loaded (`review_sources`)."""
    sources = con.sql("select * from review_sources order by path, vendor_id").pl()
    text = "".join(
        f"{r['path']}\t{r['sha256'] or 'not in ingest_log'}\n" for r in sources.iter_rows(named=True)
    )
    return hashlib.sha256(text.encode()).hexdigest(), sources


def quarterly_review(
    con: duckdb.DuckDBPyConnection,
    vendor_id: str,
    quarter: str,
    contract: Contract | None = None,
    preset: Preset | None = None,
    level: float = DEFAULT_LEVEL,
    comparable_only: bool = True,
) -> Review:
    """Build the review of `vendor_id` for a quarter label (`2026-Q2`); its rank and peer medians are
    over the peers whose data cover the quarter's days, or every peer with `comparable_only=False`."""
    period = parse_period(quarter)
    if period.grain != "quarter":
        raise ScorecardError(f"A review covers a quarter; got {quarter!r}. Use a label such as 2026-Q2.")
    found = con.execute("select name, currency from vendors where vendor_id = ?", [vendor_id]).fetchall()
    if not found:
        known = ", ".join(r[0] for r in con.execute("select vendor_id from vendors order by 1").fetchall())
        raise ScorecardError(f"Unknown vendor {vendor_id!r} in the database; known: {known or '(none)'}.")
    (name, currency), contract = found[0], contract or Contract()
    settings = workspace_settings(con)
    ensure_views(con)  # a database whose views predate this version gets temporary ones
    preset = preset or load_preset("quarterly_review")
    before = parse_period(previous_quarter(period.label))
    # the quarter's cost over its compared days, as `scorecard rank --period` counts it (comparable periods)
    window = assess(period, coverage_days(con, None, period.start, period.end), workspace_vendors(con))
    quarters = pl.concat(
        [
            kpis(con, grain="quarter", start=before.start, end=before.end),
            kpis(
                con, grain="quarter", start=period.start, end=period.end, costs_within=window.kpi_days(period)
            ),
        ]
    )
    if quarters.filter(pl.col("period") == period.label).is_empty():
        raise ScorecardError(f"No KPI data for {period.label} in the database; check the quarter.")
    # peers are compared only when their data cover the quarter's days (comparable periods); the vendor
    # under review is always in its own review
    peers = comparable_peers(con, vendor_id, period) if comparable_only else None
    if peers is not None:
        quarters = quarters.filter(pl.col("vendor_id").is_in([vendor_id, *peers.kept]))
    current = quarters.filter(pl.col("period") == period.label)
    notes = kpi_notes(con, grain="quarter", vendors=[vendor_id], start=period.start, end=period.end)
    reasons = dict(zip(notes["kpi"], notes["reason"], strict=True))
    table = kpi_comparison(quarters, vendor_id, period.label, contract, settings, reasons)
    months = kpis(con, grain="month", vendors=[vendor_id])
    detail = granular.term_detail(con, vendor_id, contract)
    credits = contract_credits(con, vendor_id, contract, months, detail)
    in_quarter = month_range(f"{period.start:%Y-%m}", f"{period.end:%Y-%m}")
    sl_target = target_band("service_level", contract, settings)[0]
    intervals, profile = interval_attainment(con, vendor_id, period, sl_target)
    ranked = ranking(current, preset, sl_variant=settings["sl_variant"], fcr_method=settings["fcr_method"])
    digest, sources = fingerprint(con)
    shown = table.filter(
        (pl.col("kpi").map_elements(base_kpi, return_dtype=pl.String) == pl.col("kpi"))
        | (pl.col("target_source") == "contract")
    )
    return Review(
        vendor_id=vendor_id,
        vendor_name=name,
        currency=currency,
        quarter=period,
        previous=previous_quarter(period.label),
        settings=settings,
        contract=contract,
        kpis=table,
        months=months.filter(
            pl.col("period").is_between(pl.lit(f"{before.start:%Y-%m}"), pl.lit(in_quarter[-1]))
        ),
        attainment=credits.attainment.filter(pl.col("period").is_in([*in_quarter, period.label])),
        credit_lines=credits.lines.filter(pl.col("month").is_in(in_quarter)),
        credits=credits.monthly.filter(pl.col("month").is_in(in_quarter)),
        intervals=intervals,
        profile=profile,
        confidence=sample_confidence(con, vendor_id, period, settings, level),
        preset=ranked.preset,
        ranking=ranked.table.select("vendor_id", "rank", "score", "coverage"),
        contributions=contributions(ranked).filter(pl.col("vendor_id") == vendor_id).drop("vendor_id"),
        findings=findings(shown.iter_rows(named=True)),
        fingerprint=digest,
        sources=sources,
        level=level,
        names=dict(con.execute("select vendor_id, name from vendors").fetchall()),
        span=_span(window, vendor_id),
        peers_left_out=peers.left_out if peers is not None else 0,
        invoices=invoice_check(con, vendor_id, contract.price, period) if contract.price else None,
        worst=granular.worst(detail, in_quarter),
        staffing=staffing_review(
            con,
            [vendor_id],
            period.start,
            period.end,
            target_sl=sl_target or 0.8,
            volume_band_pct=contract.volume_band_pct,
        ),
    )


def _span(window: Comparability, vendor_id: str) -> tuple[date | None, date | None]:
    """The vendor's first and last day with data in the quarter (calls or intervals; an invoice, which
    bills its period whether or not calls were taken, never makes a day: comparable periods)."""
    mine = window.of(vendor_id)
    return (mine.first, mine.last) if mine is not None else (None, None)
