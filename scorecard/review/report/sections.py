"""The review's detail sections, in report order: append a `Section` to `SECTIONS` to add one.

Each `build(review)` returns a frame (or None to leave the section out); `title` and `note` are functions
of the review; `units` may add column units to `column_units`. Columns starting with `_` are hidden.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import polars as pl

from scorecard.metrics import catalogue
from scorecard.present import format as number
from scorecard.review import granular
from scorecard.review.findings import base_kpi, findings_frame
from scorecard.review.quarter import Review
from scorecard.review.report import _COST_COLUMNS, _CREDIT_COLUMNS, quarter_totals
from scorecard.review.report import invoice_sections as invoices
from scorecard.review.report.staffing import UNITS as STAFFING_UNITS
from scorecard.review.report.staffing import staffing_frame, staffing_note


@dataclass(frozen=True)
class Section:
    """One detail section: a key (HTML id, sheet), a title, the frame builder and a note."""

    key: str
    title: Callable[[Review], str]
    build: Callable[[Review], pl.DataFrame | None]
    note: Callable[[Review], str] = lambda _: ""
    units: Callable[[Review], dict[str, str]] | None = None


def _label(review: Review, kpi_id: str) -> str:
    s = review.settings
    return catalogue.kpi(kpi_id, s["sl_variant"], s["fcr_method"]).label


def _unit(review: Review, kpi_id: str) -> str:
    return number.kpi_unit(kpi_id, review.base_currency)


def _with_units(frame: pl.DataFrame, review: Review) -> pl.DataFrame:
    """Add the hidden `_unit` column from the frame's `kpi` column (KPI money is in the base currency)."""
    return frame.with_columns(pl.Series("_unit", [_unit(review, k) for k in frame["kpi"]], pl.String))


def _band_column(frame: pl.DataFrame) -> pl.Series:
    rows = zip(frame["target_low"], frame["target_high"], frame["_unit"], strict=True)
    return pl.Series("target", [number.band(*r) for r in rows], pl.String)


def _kpis(review: Review) -> pl.DataFrame:
    s = review.settings  # the configured variants repeat their headline row: shown once
    same = [f"service_level_{s['sl_variant']}", f"fcr_rate_{s['fcr_method']}"]
    k = _with_units(review.kpis.filter(~pl.col("kpi").is_in(same)), review)
    cols = ["label", "value", "previous", "change", "peer_median", "peers"]
    return k.select(*cols, _band_column(k), "target_source", "status", "note", "_unit")


def _trend(review: Review) -> pl.DataFrame:
    """Headline KPIs (rows) by month (columns) over the previous quarter and this one."""
    ids = [k for k in catalogue.KPI_COLUMNS if base_kpi(k) == k]
    by_month = {r["period"]: [r[k] for k in ids] for r in review.months.iter_rows(named=True)}
    frame = pl.DataFrame({"label": [_label(review, k) for k in ids], "kpi": ids, **by_month}, strict=False)
    return _with_units(frame, review).drop("kpi")


def _term_target(review: Review, kpi_id: str, target) -> str:
    if isinstance(target, tuple):
        low, high = target
    else:
        low, high = (target, None) if catalogue.kpi(kpi_id).direction == "higher" else (None, target)
    return number.band(low, high, _unit(review, kpi_id))


def _contract(review: Review) -> pl.DataFrame | None:
    if not review.contract.terms:
        return None
    rows = [
        (i, _label(review, t.kpi), _term_target(review, t.kpi, t.target), _period_text(t), t.credit_pct,
         t.earn_back_months)
        for i, t in enumerate(review.contract.terms, start=1)
    ]  # fmt: skip
    schema = {"term": pl.Int64, "label": pl.String, "target": pl.String, "period": pl.String,
              "credit_pct": pl.Float64, "earn_back_months": pl.Int64}  # fmt: skip
    return pl.DataFrame(rows, schema=schema, orient="row")


def _period_text(term) -> str:
    """`month`, or for a day/interval term its rule: `interval: ≥ 90% of intervals 08:00–20:00`."""
    if term.min_share is None:
        return term.period
    window = f" {term.hours[0]}–{term.hours[1]}" if term.hours else ""
    return f"{term.period}: ≥ {number.percent(term.min_share, 0)} of {term.period}s{window} each month"


def _rule(review: Review, term) -> str:
    """The target as people write it; a day/interval term adds its share: `≥ 80% in ≥ 90% of intervals`."""
    text = _term_target(review, term.kpi, term.target)
    if term.min_share is None:
        return text
    window = f" {term.hours[0]}–{term.hours[1]}" if term.hours else ""
    return f"{text} in ≥ {number.percent(term.min_share, 0)} of {term.period}s{window}"


def _sla(review: Review) -> pl.DataFrame | None:
    if not review.contract.terms:
        return None
    terms = {i: t for i, t in enumerate(review.contract.terms, start=1)}
    a = _with_units(review.attainment.drop("back_in"), review)
    shares = pl.Series([terms[i].min_share is not None for i in a["term"]], dtype=pl.Boolean)
    a = a.with_columns(pl.when(shares).then(pl.lit("rate")).otherwise(pl.col("_unit")).alias("_unit"))
    return a.select(
        "term",
        pl.col("kpi").map_elements(lambda k: _label(review, k), pl.String).alias("label"),
        pl.Series("target", [_rule(review, terms[i]) for i in a["term"]]),
        "period", "value", "status", "credit_pct", "earn_back", "_unit",
    )  # fmt: skip


def money_frame(review: Review) -> pl.DataFrame:
    """Credits, net cost and costs per call by month, with a quarter total row."""
    cols = ["month", *_CREDIT_COLUMNS, *_COST_COLUMNS]
    months = review.credits.select(cols).cast({"handled": pl.Float64, "billable_calls": pl.Float64})
    t = quarter_totals(review)
    total = {c: t.get(c) for c in cols} | {"month": review.quarter.label}
    return pl.concat([months, pl.DataFrame([total], schema=months.schema)])


def _credit_lines(review: Review) -> pl.DataFrame | None:
    if not review.contract.terms:
        return None
    lines = review.credit_lines
    formulas = [_credit_formula(review, r) for r in lines.iter_rows(named=True)]
    return lines.with_columns(
        pl.col("kpi").map_elements(lambda k: _label(review, k), pl.String).alias("kpi"),
        pl.Series("formula", formulas, pl.String),
    ).rename({"kpi": "label"})


def _credit_formula(review: Review, line: dict) -> str:
    """How a credit line is worked out (`5% × €25,278.08 invoice = €1,263.90`), then its share of the cap."""
    if line["status"] != "missed" or line["credit_due"] is None:
        return ""
    cur = review.currency
    month = review.credits.filter(pl.col("month") == line["month"]).row(0, named=True)
    pct, due, owed = number.by_unit(line["credit_pct"], "pct"), line["credit_due"], line["credit_owed"]
    text = f"{pct} × {number.money(month['invoice'], cur)} invoice = {number.money(due, cur)}"
    if owed is not None and abs(owed - due) > 0.005:
        text += (
            f"; capped: × {number.money(month['cap'], cur)} cap ÷ {number.money(month['credits_due'], cur)} "
            f"due = {number.money(owed, cur)}"
        )
    return text


def _worst(review: Review) -> pl.DataFrame | None:
    """The days and intervals of the quarter furthest from a day/interval term's target, worst first."""
    if not any(t.min_share is not None for t in review.contract.terms):
        return None
    w = _with_units(review.worst, review)
    terms = {i: t for i, t in enumerate(review.contract.terms, start=1)}
    targets = [_term_target(review, terms[i].kpi, terms[i].target) for i in w["term"]]
    return w.select(
        "term",
        pl.col("kpi").map_elements(lambda k: _label(review, k), pl.String).alias("label"),
        "period", "at", "value", pl.Series("target", targets, pl.String), "_unit",
    )  # fmt: skip


def _ranking(review: Review) -> pl.DataFrame:
    r = review.ranking
    return r.select(
        pl.col("vendor_id").replace_strict(review.names, default=pl.col("vendor_id")).alias("vendor"),
        "rank",
        "score",
        "coverage",
        (pl.col("vendor_id") == review.vendor_id).alias("_me"),
    )


def _contributions(review: Review) -> pl.DataFrame:
    c = _with_units(review.contributions, review)
    return c.with_columns(
        pl.col("kpi").map_elements(lambda k: _label(review, k), pl.String).alias("label")
    ).select("label", "weight", "value", "points", "contribution", "_unit")


def _findings(review: Review) -> pl.DataFrame:
    f = _with_units(findings_frame(review.findings), review)
    cols = ["label", "side", "value", "target", "target_source", "summary", "causes", "checks"]
    return f.with_columns(_band_column(f)).select(*cols, "_unit")


def _settings(review: Review) -> pl.DataFrame:
    s = review.settings
    return pl.DataFrame({"setting": list(s), "value": [str(v) for v in s.values()]})


def _definitions(review: Review) -> pl.DataFrame:
    s = review.settings
    ids = list(dict.fromkeys([*review.kpis["kpi"], *(r.kpi for r in review.preset.rules)]))
    kpis = [catalogue.kpi(k, s["sl_variant"], s["fcr_method"]) for k in ids]
    return pl.DataFrame(
        {"label": [k.label for k in kpis], "kpi": ids, "definition": [k.definition for k in kpis]}
    )


def _weights(review: Review) -> pl.DataFrame:
    rules = review.preset.rules
    total = sum(r.weight for r in rules) or 1.0
    rows = [
        (_label(review, r.kpi), r.weight, r.weight / total,
         "lowest bid" if r.method else number.target(r.kpi, r.target, r.direction, review.base_currency),
         "—" if r.method else number.bound(r.kpi, r.floor, review.base_currency))
        for r in rules
    ]  # fmt: skip
    return pl.DataFrame(rows, schema=["label", "weight", "share", "target", "floor"], orient="row")


def _contract_note(review: Review) -> str:
    c = review.contract
    cap = "none" if c.at_risk_cap_pct is None else number.by_unit(c.at_risk_cap_pct, "pct")
    floor = "none" if c.volume_floor_calls is None else f"{number.count(c.volume_floor_calls)} handled calls"
    where = c.source or "No contract terms"
    return f"{where}: at-risk cap {cap} of the monthly invoice; volume floor {floor}."


SECTIONS: list[Section] = [
    Section("kpis", lambda r: "KPIs against target, last quarter and peers", _kpis,
            lambda r: f"Peer median: the median of the other vendors' values for {r.quarter.label}"
            + (f" ({r.peers_left_out} peer(s) left out: their data cover under 80% of the quarter's days)"
               if r.peers_left_out else "") + "; "
            f"previous: {r.previous}; changes of rates in percentage points (pp). Targets come from the "
            "contract, else the catalogue's seed band."),
    Section("trend", lambda r: "Monthly trend", _trend,
            lambda r: f"Each KPI per month over {r.previous} and {r.quarter.label} (months with data)."),
    Section("contract", lambda r: "Contract terms", _contract, _contract_note),
    Section("sla", lambda r: "SLA attainment per term", _sla,
            lambda r: "The KPI of each measurement period; for a day or interval term the share of its days "
            "or 30-minute intervals meeting the target that month." if any(
                t.min_share is not None for t in r.contract.terms) else ""),
    Section("credits", lambda r: "Credits and net cost by month",
            lambda r: money_frame(r).select("month", *_CREDIT_COLUMNS),
            lambda r: "Net cost after SLA credits = invoice + adjustments − credits owed + credits earned "
            "back. Credit notes already in the cost data (credit notes received) are shown for "
            "reconciliation and not deducted again."),
    Section("costs", lambda r: "Cost per call after SLA credits",
            lambda r: money_frame(r).select("month", *_COST_COLUMNS),
            lambda r: "Resolved calls = answered × FCR rate; billable calls = handled, at least the volume "
            "floor. Compare's cost per handled call is as billed, before SLA credits: see the first page."),
    Section("credit_lines", lambda r: "Credits by term and month", _credit_lines),
    Section("expected_invoice", lambda r: "Expected invoice under the price model", invoices.expected_invoice,
            lambda r: "Each part priced on the recorded volumes of the month, rounded to the cent.",
            invoices.units),
    Section("invoice_check", lambda r: "Invoice check: invoiced against expected", invoices.invoice_check,
            invoices.check_note, invoices.units),
    Section("billed_quantities", lambda r: "Billed against recorded quantities", invoices.billed_quantities,
            lambda r: "The quantities the invoice lines state (quantity, per) against the recorded ones; the "
            "difference priced at the contract's price.", invoices.units),
    Section("worst", lambda r: "Day and interval terms: the worst days and intervals", _worst,
            lambda r: f"The days or 30-minute intervals of {r.quarter.label} that missed a day or interval "
            f"term's target, furthest from it first (at most {granular.WORST} per term); the month's share "
            "meeting the target is in SLA attainment."),
    Section("intervals", lambda r: "Interval attainment (30-minute local intervals)", lambda r: r.intervals,
            lambda r: "Share of 30-minute intervals with queued calls whose service level meets the target."),
    Section("profile", lambda r: "Interval attainment by time of day", lambda r: r.profile),
    Section("staffing", lambda r: "Staffing against the forecast", staffing_frame, staffing_note,
            lambda r: STAFFING_UNITS),
    Section("confidence", lambda r: f"Sample sizes and {r.level * 100:g}% confidence intervals",
            lambda r: _with_units(r.confidence, r).drop("kpi"),
            lambda r: "Wilson score intervals for survey rates; mean ± z·s/√n for the QA score; too few "
            "events = fewer than the catalogue's minimum sample."),
    Section("ranking", lambda r: f"Ranking under preset '{r.preset.name}' ({r.quarter.label})", _ranking),
    Section("contributions", lambda r: f"Score breakdown of {r.vendor_name}", _contributions,
            lambda r: "Contribution = weight × points / Σ weight."),
    Section("findings", lambda r: "Findings: what to investigate", _findings,
            lambda r: "Each KPI outside its band, contract terms first, then the largest gap."),
    Section("sources", lambda r: "Source files", lambda r: r.sources,
            lambda r: f"Data fingerprint: {r.fingerprint} (sha256 over the path and sha256 of each file)."),
    Section("settings", lambda r: "Definition choices", _settings),
    Section("definitions", lambda r: "KPI definitions", _definitions),
    Section("weights", lambda r: f"Weights: preset '{r.preset.name}'", _weights,
            lambda r: f"{r.preset.source}; method {r.preset.method}, missing KPIs: {r.preset.missing}.",
            lambda r: {"weight": "weight", "share": "rate"}),
]  # fmt: skip
