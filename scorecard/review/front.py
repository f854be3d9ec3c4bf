"""The review's first page: what a vendor manager puts on the screen in the review meeting.

KPI tiles against target with the change since last quarter, the rank among peers, the credits owed as a
waterfall from invoiced cost to net cost (reconciled with the cost per handled call "as billed" that the
Compare page shows), and the top findings. The app, the HTML and the XLSX "Summary" sheet all show this.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import polars as pl

from scorecard.metrics import catalogue
from scorecard.present import format as fmt
from scorecard.review.findings import Finding
from scorecard.review.quarter import Review

#: At most this many tiles and findings on the first page.
MAX_TILES = 8
TOP_FINDINGS = 3
#: A change smaller than this share of the target (or of the previous value) is shown as "about the same".
STEADY_SHARE = 0.01


@dataclass(frozen=True)
class Tile:
    """One KPI against its target: value, target band, status, and the change since last quarter."""

    kpi: str
    label: str
    unit: str  # a `format.by_unit` unit
    value: float | None
    previous: float | None
    target_low: float | None
    target_high: float | None
    source: str  # contract | catalogue
    status: str  # met | missed | no data
    trend: str  # better | worse | steady | "" (no previous value)

    @property
    def arrow(self) -> str:
        """↑ or ↓ for the direction the value moved, → when about the same, '' without a previous value."""
        if self.trend == "" or self.value is None or self.previous is None:
            return ""
        return "→" if self.trend == "steady" else ("↑" if self.value > self.previous else "↓")

    @property
    def value_text(self) -> str:
        return fmt.by_unit(self.value, self.unit)

    @property
    def target_text(self) -> str:
        return fmt.band(self.target_low, self.target_high, self.unit)

    @property
    def change_text(self) -> str:
        """`+2.3 pp since 2026-Q1 (better)`; '' without a previous value."""
        if self.trend == "":
            return ""
        return f"{fmt.by_unit(self.value - self.previous, '+' + self.unit)} ({self.trend})"  # type: ignore[operator]


@dataclass(frozen=True)
class Step:
    """One bar of the credits waterfall; `total` bars start at 0, the others move the running sum."""

    label: str
    amount: float | None
    total: bool = False


@dataclass(frozen=True)
class FrontPage:
    """Everything on the review's first page."""

    tiles: tuple[Tile, ...]
    rank: int | None
    ranked: int
    score: float | None
    steps: tuple[Step, ...]
    reconciliation: pl.DataFrame  # line, vendor currency amount, base currency amount
    findings: tuple[Finding, ...]
    currency: str
    base_currency: str
    #: One line when the invoice check finds over-billing in the quarter, else ''.
    invoice_alert: str = ""


def _trend(kpi_id: str, value: float | None, previous: float | None, low: Any, high: Any) -> str:
    if value is None or previous is None:
        return ""
    direction = catalogue.kpi(kpi_id).direction
    scale = abs(low if low is not None else high if high is not None else previous) or 1.0
    if abs(value - previous) <= STEADY_SHARE * scale:
        return "steady"
    if direction == "band":  # inside the band is on target: only the distance outside it counts

        def outside(x: float) -> float:
            return max((low if low is not None else x) - x, 0.0, x - (high if high is not None else x))

        now, before = outside(value), outside(previous)
        return "steady" if now == before else ("better" if now < before else "worse")
    up = value > previous
    return "better" if up == (direction == "higher") else "worse"


def tiles(review: Review) -> tuple[Tile, ...]:
    """Headline KPIs with a target: the contract's terms first, then the catalogue's seed bands."""
    rows = review.kpis.filter(
        (pl.col("target_source") != "none") & (pl.col("kpi") == pl.col("kpi").map_elements(
            catalogue.headline_of, return_dtype=pl.String)) | (pl.col("target_source") == "contract")
    )  # fmt: skip
    rows = rows.sort(pl.col("target_source") != "contract", maintain_order=True)
    out = []
    for r in rows.head(MAX_TILES).iter_rows(named=True):
        unit = fmt.kpi_unit(r["kpi"], review.base_currency)
        status = "no data" if r["value"] is None else ("met" if r["status"] == "on target" else "missed")
        trend = _trend(r["kpi"], r["value"], r["previous"], r["target_low"], r["target_high"])
        out.append(
            Tile(r["kpi"], r["label"], unit, r["value"], r["previous"], r["target_low"], r["target_high"],
                 r["target_source"], status, trend)
        )  # fmt: skip
    return tuple(out)


def _total(frame: pl.DataFrame, column: str, rate: bool = False) -> float | None:
    """The quarter's sum of a monthly money column (strict: an unknown month makes it unknown)."""
    if not frame.height:
        return None
    values = frame[column].to_list()
    rates = frame["rate_to_base"].to_list() if rate else [1.0] * len(values)
    if any(v is None for v in values) or any(r is None for r in rates):
        return None
    return float(sum(v * r for v, r in zip(values, rates, strict=True)))


def _kpi_per_call(review: Review, base: bool) -> float | None:
    """The quarter's cost per handled call as Compare and Ranking count it (its cost over the compared
    days), in the base currency; in the vendor currency only when the two are the same."""
    row = review.kpis.filter(pl.col("kpi") == "cost_per_call")
    value = row["value"][0] if row.height else None
    return value if base or review.currency == review.base_currency else None


def money(review: Review) -> dict[str, dict[str, float | None]]:
    """The quarter's money in the vendor currency (`vendor`) and the base currency (`base`)."""
    m = review.credits
    out: dict[str, dict[str, float | None]] = {}
    for key, base in (("vendor", False), ("base", True)):
        invoice, adjust = _total(m, "invoice", base), _total(m, "adjustments", base)
        recorded = _total(m, "credits_recorded", base)
        owed, back = _total(m, "credits_owed", base), _total(m, "earned_back", base)
        invoiced = None if invoice is None or adjust is None else invoice + adjust
        billed = None if invoiced is None or recorded is None else invoiced + recorded
        net = None if invoiced is None or owed is None or back is None else invoiced - owed + back
        handled = _total(m, "handled") if m.height else None
        outstanding = None if billed is None or net is None else billed - net
        out[key] = {
            "invoiced": invoiced, "recorded": recorded, "billed": billed, "owed": owed, "back": back,
            "net": net, "outstanding": outstanding, "handled": handled,
            "billed_per_call": None if billed is None or not handled else billed / handled,
            "net_per_call": None if net is None or not handled else net / handled,
            "kpi_per_call": _kpi_per_call(review, base),
        }  # fmt: skip
    return out


#: The reconciliation lines: (key, label); per-call lines divide by the quarter's handled calls.
RECONCILIATION: tuple[tuple[str, str], ...] = (
    ("invoiced", "Invoiced (invoices + adjustments)"),
    ("recorded", "Credit notes received (in the cost data)"),
    ("billed", "Cost as billed"),
    ("billed_per_call", "Cost per handled call, as billed (as billed ÷ the quarter's handled calls)"),
    ("owed", "SLA credits owed under the contract"),
    ("back", "SLA credits earned back"),
    ("net", "Net cost after SLA credits (invoiced − owed + earned back)"),
    ("net_per_call", "Cost per handled call, after SLA credits"),
    ("outstanding", "Still to be settled (as billed − net; below zero: due back to the vendor)"),
    # the same as "as billed" per call unless invoices bill days no call data reach (a partial quarter)
    ("kpi_per_call", "Cost per handled call over the compared days (the KPI on Compare and Ranking)"),
)


def reconciliation(review: Review) -> pl.DataFrame:
    """Invoiced → as billed → net cost after SLA credits, in total and per handled call, both currencies."""
    m = money(review)
    return pl.DataFrame(
        {
            "line": [label for _, label in RECONCILIATION],
            "vendor_currency": [m["vendor"][k] for k, _ in RECONCILIATION],
            "base_currency": [m["base"][k] for k, _ in RECONCILIATION],
        },
        schema={"line": pl.String, "vendor_currency": pl.Float64, "base_currency": pl.Float64},
    )


def steps(review: Review) -> tuple[Step, ...]:
    """The waterfall in the vendor currency: invoiced, − credits owed, + earned back, = net cost."""
    m = money(review)["vendor"]
    owed = None if m["owed"] is None else -m["owed"]
    return (
        Step("Invoiced", m["invoiced"], total=True),
        Step("SLA credits owed", owed),
        Step("Credits earned back", m["back"]),
        Step("Net cost after SLA credits", m["net"], total=True),
    )


def front_page(review: Review) -> FrontPage:
    """The first page of a review."""
    mine = review.ranking.filter(pl.col("vendor_id") == review.vendor_id)
    return FrontPage(
        tiles=tiles(review),
        rank=mine["rank"][0] if mine.height else None,
        ranked=review.ranking["rank"].drop_nulls().len(),
        score=mine["score"][0] if mine.height else None,
        steps=steps(review),
        reconciliation=reconciliation(review),
        findings=tuple(review.findings[:TOP_FINDINGS]),
        currency=review.currency,
        base_currency=review.base_currency,
        invoice_alert=invoice_alert(review),
    )


def invoice_alert(review: Review) -> str:
    """`Invoices: over-billed by €693.00 in 2026-05 (see the invoice check)` or '' when none is found."""
    check = review.invoices
    if check is None or not check.over_billed.height:
        return ""
    return f"Invoices: {check.summary()} (see the invoice check)."
