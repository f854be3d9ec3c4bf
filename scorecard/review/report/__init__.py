"""Shareable review reports: the sections both exports show, number formatting, and `write_report`.

`review_tables(review)` turns a `scorecard.review.quarter.Review` into titled tables whose cells carry a unit
(`rate`, `seconds`, `currency:EUR`, ...); the HTML export renders them as tables and the XLSX export as
one sheet each, so both always hold the same numbers. Units come from the column name (`column_units`);
`@` takes the unit of the row's KPI from the hidden `_unit` column, and a leading `+` shows the sign.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl

from scorecard.errors import ScorecardError
from scorecard.metrics import catalogue
from scorecard.review.findings import base_kpi, findings_frame
from scorecard.review.quarter import Review

_COUNTS = ("term", "earn_back_months", "intervals", "meeting", "peers", "rank", "weight", "successes", "n")
_VENDOR_MONEY = (
    *("invoice", "adjustments", "credits_recorded", "credits_due", "cap", "credits_owed", "earned_back"),
    *("net_cost", "cost_per_handled", "cost_per_resolved", "credit_due", "credit_owed"),
)
_BASE_MONEY = ("net_cost_base", "cost_per_handled_base", "cost_per_resolved_base")
_CREDIT_COLUMNS = _VENDOR_MONEY[:8]
_COST_COLUMNS = (
    *("handled", "resolved", "billable_calls", "rate_to_base", "net_cost_base", "cost_per_handled"),
    *("cost_per_handled_base", "cost_per_resolved", "cost_per_resolved_base"),
)


@dataclass(frozen=True)
class Table:
    """One section of a report: a key (HTML id, sheet), a title, a frame and the unit of each column."""

    key: str
    title: str
    frame: pl.DataFrame
    units: dict[str, str]
    note: str = ""

    @property
    def columns(self) -> list[str]:
        """The shown columns (hidden ones start with `_`)."""
        return [c for c in self.frame.columns if not c.startswith("_")]

    def unit(self, column: str, row: dict[str, Any]) -> str:
        """The unit of one cell."""
        unit = self.units.get(column, "text")
        sign, base = ("+", unit[1:]) if unit.startswith("+") else ("", unit)
        return sign + (row.get("_unit") or "text") if base == "@" else unit

    def header(self, column: str) -> str:
        """The column's display name."""
        return column.replace("_", " ")


def fmt(value: Any, unit: str) -> str:
    """A value as a reader sees it: `81.2 %`, `45.0 s`, `1,234.50 EUR`, `—` for a missing value."""
    if value is None or (isinstance(value, float) and value != value):
        return "—"
    signed, unit = unit.startswith("+"), unit.lstrip("+")
    sign = "+" if signed else ""
    if unit == "rate":
        return f"{value * 100:{sign},.1f} {'pp' if signed else '%'}"
    if unit == "seconds":
        return f"{value:{sign},.1f} s"
    if unit in ("points", "score"):
        return f"{value:{sign},.1f}"
    if unit == "pct":
        return f"{value:{sign}g} %"
    if unit == "count":
        return f"{value:{sign},.0f}" if float(value).is_integer() else f"{value:{sign},.1f}"
    if unit == "fx":
        return f"{value:.4f}"
    if unit.startswith("currency:"):
        return f"{value:{sign},.2f} {unit.split(':', 1)[1]}"
    if unit == "bool":
        return "yes" if value else "no"
    return str(value)


def target_text(low: float | None, high: float | None, unit: str) -> str:
    """A band in words: `≥ 80.0 %`, `≤ 20.0 s`, `180.0 s – 600.0 s`, `—` without a target."""
    if low is not None and high is not None:
        return f"{fmt(low, unit)} – {fmt(high, unit)}"
    if low is not None:
        return f"≥ {fmt(low, unit)}"
    return f"≤ {fmt(high, unit)}" if high is not None else "—"


def column_units(review: Review) -> dict[str, str]:
    """The unit of every numeric column name used in the review's tables."""
    cur, base = f"currency:{review.currency}", f"currency:{review.base_currency}"
    units = (
        dict.fromkeys(_COUNTS, "count") | dict.fromkeys(_VENDOR_MONEY, cur) | dict.fromkeys(_BASE_MONEY, base)
    )
    units |= dict.fromkeys(("value", "previous", "peer_median", "low", "high"), "@") | {"change": "+@"}
    units |= dict.fromkeys(("attainment_rate", "service_level", "sl_target", "coverage", "level"), "rate")
    units |= {"handled": "count", "resolved": "count", "billable_calls": "count", "min_events": "count"}
    return (
        units
        | {"rate_to_base": "fx", "credit_pct": "pct", "few_events": "bool", "score": "score"}
        | {
            "points": "points",
            "contribution": "score",
        }
    )


def _sum(values: list[Any]) -> float | None:
    return None if any(v is None for v in values) else float(sum(values))


def quarter_totals(review: Review) -> dict[str, float | None]:
    """The quarter's money and volumes (strict: a month without data makes a total unknown)."""
    m = review.credits
    out = {k: _sum(m[k].to_list()) if m.height else None for k in (*_CREDIT_COLUMNS, *_COST_COLUMNS[:2])}
    out["net_cost_base"] = _sum(m["net_cost_base"].to_list()) if m.height else None
    out["credits_owed_base"] = _sum(m["credits_owed_base"].to_list()) if m.height else None
    for per in ("handled", "resolved"):
        for suffix in ("", "_base"):
            net, n = out[f"net_cost{suffix}"], out[per]
            out[f"cost_per_{per}{suffix}"] = None if net is None or not n else net / n
    return out


def _with_units(frame: pl.DataFrame, review: Review) -> pl.DataFrame:
    """Add the hidden `_unit` column from the frame's `kpi` column (KPI money is in the base currency)."""
    units = [catalogue.kpi(k).unit for k in frame["kpi"]]
    cur = f"currency:{review.base_currency}"
    return frame.with_columns(pl.Series("_unit", [cur if u == "currency" else u for u in units], pl.String))


def _summary(review: Review) -> pl.DataFrame:
    t, cur, base = quarter_totals(review), f"currency:{review.currency}", f"currency:{review.base_currency}"
    mine = review.ranking.filter(pl.col("vendor_id") == review.vendor_id)
    quarter_row = review.intervals.filter(pl.col("period") == review.quarter.label)
    items = [
        ("Vendor", f"{review.vendor_name} ({review.vendor_id})", "text"),
        ("Quarter", review.quarter.label, "text"),
        (f"Rank under preset '{review.preset.name}'", mine["rank"][0] if mine.height else None, "count"),
        ("Vendors ranked", review.ranking["rank"].drop_nulls().len(), "count"),
        ("Score (0–100)", mine["score"][0] if mine.height else None, "score"),
        ("Contract terms", len(review.contract.terms), "count"),
        ("Term periods missed", review.attainment.filter(pl.col("status") == "missed").height, "count"),
        ("Credits owed", t["credits_owed"], cur),
        ("Credits owed (base)", t["credits_owed_base"], base),
        ("Credits earned back", t["earned_back"], cur),
        ("Net cost after credits", t["net_cost"], cur),
        ("Net cost after credits (base)", t["net_cost_base"], base),
        ("Handled calls", t["handled"], "count"),
        ("Cost per handled call", t["cost_per_handled"], cur),
        ("Cost per handled call (base)", t["cost_per_handled_base"], base),
        ("Cost per resolved call", t["cost_per_resolved"], cur),
        ("Cost per resolved call (base)", t["cost_per_resolved_base"], base),
        ("Interval attainment", quarter_row["attainment_rate"][0] if quarter_row.height else None, "rate"),
        ("Findings", len(review.findings), "count"),
        ("Data fingerprint (sha256)", review.fingerprint, "text"),
    ]
    return pl.DataFrame(
        items, schema={"item": pl.String, "value": pl.Object, "_unit": pl.String}, orient="row"
    )


def _kpis(review: Review) -> pl.DataFrame:
    k = _with_units(review.kpis, review)
    targets = [target_text(*r) for r in zip(k["target_low"], k["target_high"], k["_unit"], strict=True)]
    cols = ["label", "kpi", "value", "previous", "change", "peer_median", "peers"]
    return k.select(*cols, pl.Series("target", targets), "target_source", "status", "note", "_unit")


def _trend(review: Review) -> pl.DataFrame:
    """Headline KPIs (rows) by month (columns) over the previous quarter and this one."""
    ids = [k for k in catalogue.KPI_COLUMNS if base_kpi(k) == k]
    labels = [
        catalogue.kpi(k, review.settings["sl_variant"], review.settings["fcr_method"]).label for k in ids
    ]
    by_month = {r["period"]: [r[k] for k in ids] for r in review.months.iter_rows(named=True)}
    frame = pl.DataFrame({"label": labels, "kpi": ids, **by_month}, strict=False)
    return _with_units(frame, review)


def _contract(review: Review) -> pl.DataFrame:
    terms = [(t.kpi, t.describe(), t.period, t.credit_pct, t.earn_back_months) for t in review.contract.terms]
    schema = {"kpi": pl.String, "target": pl.String, "period": pl.String, "credit_pct": pl.Float64}
    frame = pl.DataFrame(terms, schema={**schema, "earn_back_months": pl.Int64}, orient="row")
    return frame.with_row_index("term", offset=1).cast({"term": pl.Int64})


def _money(review: Review) -> pl.DataFrame:
    """Credits, net cost and costs per call by month, with a quarter total row."""
    cols = ["month", *_CREDIT_COLUMNS, *_COST_COLUMNS]
    months = review.credits.select(cols).cast({"handled": pl.Float64, "billable_calls": pl.Float64})
    t = quarter_totals(review)
    total = {c: t.get(c) for c in cols} | {"month": review.quarter.label}
    return pl.concat([months, pl.DataFrame([total], schema=months.schema)])


def _findings(review: Review) -> pl.DataFrame:
    f = _with_units(findings_frame(review.findings), review)
    targets = [target_text(*r) for r in zip(f["target_low"], f["target_high"], f["_unit"], strict=True)]
    cols = ["label", "kpi", "side", "value", "target", "target_source", "summary", "causes", "checks"]
    return f.with_columns(pl.Series("target", targets, pl.String)).select(*cols, "_unit")


def _definitions(review: Review) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    s = review.settings
    settings = pl.DataFrame({"setting": list(s), "value": [str(v) for v in s.values()]})
    ids = dict.fromkeys([*review.kpis["kpi"], *(r.kpi for r in review.preset.rules)])
    kpis = [catalogue.kpi(k, s["sl_variant"], s["fcr_method"]) for k in ids]
    defs = pl.DataFrame(
        {"kpi": list(ids), "label": [k.label for k in kpis], "definition": [k.definition for k in kpis]}
    )
    rules = [(r.kpi, r.weight, r.direction, str(r.target), str(r.floor)) for r in review.preset.rules]
    weights = pl.DataFrame(rules, schema=["kpi", "weight", "direction", "target", "floor"], orient="row")
    return settings, defs, weights


def review_tables(review: Review) -> list[Table]:
    """Every section of the review, in report order."""
    c, p, units = review.contract, review.preset, column_units(review)
    cap = "none" if c.at_risk_cap_pct is None else fmt(c.at_risk_cap_pct, "pct")
    floor = "none" if c.volume_floor_calls is None else f"{fmt(c.volume_floor_calls, 'count')} handled calls"
    money = _money(review)
    settings, defs, weights = _definitions(review)
    sections = [
        ("summary", "Summary", _summary(review), ""),
        ("kpis", "KPIs against target, last quarter and peers", _kpis(review),
         f"Peer median: the median of the other vendors' values for {review.quarter.label}; previous: "
         f"{review.previous}. Targets come from the contract, else the catalogue's seed band."),
        ("trend", "Monthly trend", _trend(review),
         f"Each KPI per month over {review.previous} and {review.quarter.label} (months with data)."),
        ("contract", "Contract terms", _contract(review),
         f"{c.source or 'No contract terms'}: at-risk cap {cap} of the monthly invoice; "
         f"volume floor {floor}."),
        ("sla", "SLA attainment per term", _with_units(review.attainment.drop("back_in"), review), ""),
        ("credits", "Credits and net cost by month", money.select("month", *_CREDIT_COLUMNS),
         "Net cost = invoice + adjustments − credits owed + credits earned back. Credit notes already in the "
         "cost data (credits recorded) are shown for reconciliation and not deducted again."),
        ("costs", "Cost per call after credits", money.select("month", *_COST_COLUMNS),
         "Resolved calls = answered × FCR rate; billable calls = handled, at least the volume floor."),
        ("credit_lines", "Credits by term and month", review.credit_lines, ""),
        ("intervals", "Interval attainment (30-minute local intervals)", review.intervals,
         "Share of 30-minute intervals with queued calls whose service level meets the target."),
        ("profile", "Interval attainment by time of day", review.profile, ""),
        ("confidence", f"Sample sizes and {review.level * 100:g} % confidence intervals",
         _with_units(review.confidence, review),
         "Wilson score intervals for survey rates; mean ± z·s/√n for the QA score; few events = fewer "
         "than the catalogue's minimum sample."),
        ("ranking", f"Ranking under preset '{p.name}' ({review.quarter.label})", review.ranking, ""),
        ("contributions", f"Score breakdown of {review.vendor_id}",
         _with_units(review.contributions, review), ""),
        ("findings", "Findings: what to investigate", _findings(review),
         "Each KPI outside its band, contract terms first, then the largest gap."),
        ("sources", "Source files", review.sources,
         f"Data fingerprint: {review.fingerprint} (sha256 over the path and sha256 of each file)."),
        ("settings", "Definition choices", settings, ""),
        ("definitions", "KPI definitions", defs, ""),
        ("weights", f"Weights: preset '{p.name}'", weights,
         f"{p.source}; method {p.method}, missing KPIs: {p.missing}."),
    ]  # fmt: skip
    units |= {m: "@" for m in review.months["period"]}
    return [
        Table(key, title, frame, {"value": "@"} if key == "summary" else units, note)
        for key, title, frame, note in sections
    ]


def write_report(review: Review, path: str | Path, charts_cdn: bool = False) -> Path:
    """Write the review as HTML or XLSX, chosen by the file suffix (`charts_cdn`: see report.html)."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in (".html", ".htm"):
        from scorecard.review.report.html import render_html

        path.write_text(render_html(review, charts_cdn=charts_cdn), encoding="utf-8")
    elif suffix == ".xlsx":
        from scorecard.review.report.xlsx import write_xlsx

        write_xlsx(review, path)
    else:
        raise ScorecardError(f"Cannot write a review to {path}: use a file ending in .html or .xlsx.")
    return path
