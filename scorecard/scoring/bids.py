"""Bids compared on equal terms: each bidder's price model applied to one volume scenario (docs/contract.md).

With a forecast scenario every bid is priced on the same month: `calls_per_month` calls, each offered,
answered and handled by an agent in `aht_s` seconds; hours come from that workload and the bidder's own pilot
utilisation (handle time ÷ productive time), outcome parts from its pilot KPIs. With `basis = "pilot"` each
bid is its expected invoice over the period's months on its own pilot volumes. Either gives a cost per handled
and per resolved call in the base currency (resolved = handled × the bidder's pilot FCR rate), which the
procurement preset scores with `lowest_bid`. A bid that cannot be priced says why.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import polars as pl

from scorecard.metrics.kpis import kpis, workspace_settings
from scorecard.periods import Period, parse_period
from scorecard.present import format as fmt
from scorecard.review.invoices import invoice_check
from scorecard.scoring.presets import Preset
from scorecard.workspace.pricing import PriceModel, price, total
from scorecard.workspace.scenario import Scenario

SCHEMA = {
    "vendor_id": pl.String, "currency": pl.String, "calls": pl.Float64, "cost": pl.Float64,
    "rate_to_base": pl.Float64, "cost_base": pl.Float64, "cost_per_handled_base": pl.Float64,
    "cost_per_resolved_base": pl.Float64, "formula": pl.String, "reason": pl.String,
}  # fmt: skip


def _pilot_volumes(
    con: duckdb.DuckDBPyConnection, vendor_id: str, months: list[str]
) -> dict[str, float | None]:
    """The pilot's sums over `months`: handle and productive seconds, revenue (strict: unknown stays None)."""
    rows = con.sql("select * from review_price_volumes($v)", params={"v": vendor_id}).pl()
    rows = rows.filter(pl.col("month").is_in(months))
    out: dict[str, float | None] = {}
    for col in ("handled", "handle_s", "productive_s", "revenue"):
        values = rows[col].to_list() if rows.height else [None]
        out[col] = None if any(v is None for v in values) else float(sum(values))
    return out


def _rate(con: duckdb.DuckDBPyConnection, vendor_id: str, months: list[str], same: bool) -> float | None:
    """The mean of the period's monthly rates to the base currency (1 for the base currency)."""
    if same:
        return 1.0
    found = dict(con.execute("select month, rate_to_base from review_fx_rates(?)", [vendor_id]).fetchall())
    rates = [found.get(m) for m in months]
    return None if not rates or any(r is None for r in rates) else sum(rates) / len(rates)


def _forecast(model: PriceModel, scenario: Scenario, pilot: dict, values: dict, cur: str) -> tuple:
    """One month of the forecast priced: (cost, formula, reason)."""
    calls, aht = float(scenario.calls_per_month or 0), float(scenario.aht_s or 0)
    handle_s = calls * aht
    needs_hours = any(c.per in ("productive_hour", "fte_month") for c in model.charges)
    productive_s, lead = None, f"{fmt.quantity(calls)} calls × {fmt.seconds(aht)} AHT"
    if pilot["handle_s"] and pilot["productive_s"]:
        utilisation = round(pilot["handle_s"] / pilot["productive_s"], 4)  # as the formula writes it
        productive_s = handle_s / utilisation
        if needs_hours:
            handled_h, productive_h = round(handle_s / 3600, 2), round(productive_s / 3600, 2)
            lead += (
                f" = {fmt.quantity(handled_h)} handled h ÷ {utilisation:.4f} pilot utilisation "
                f"(handle time ÷ productive time) = {fmt.quantity(productive_h)} productive h"
            )
    revenue = None
    if pilot["revenue"] is not None and pilot["handled"]:
        revenue = pilot["revenue"] / pilot["handled"] * calls
    volumes = {"handled": calls, "answered": calls, "offered": calls, "self_service": 0, "handle_s": handle_s,
               "productive_s": productive_s, "revenue": revenue}  # fmt: skip
    parts = price(model, volumes, values, cur)
    cost, formula, reason = total(parts, cur)
    if reason and needs_hours and productive_s is None:
        reason += " in the pilot, so the scenario's workload cannot be turned into hours"
    text = "; ".join([lead, *(p.formula for p in parts), f"month = {formula}"]) if cost is not None else ""
    return cost, text, reason


def price_bids(
    con: duckdb.DuckDBPyConnection, scenario: Scenario, models: dict[str, PriceModel | None], period: Period
) -> pl.DataFrame:
    """Each vendor's bid on the scenario over `period`: cost and cost per handled / resolved call (base)."""
    base = str(workspace_settings(con)["base_currency"])
    currencies = dict(con.execute("select vendor_id, currency from vendors").fetchall())
    months = sorted({f"{d:%Y-%m}" for d in pl.date_range(period.start, period.end, eager=True)})
    pilot_kpis = kpis(con, grain="all", start=period.start, end=period.end)
    rows = []
    for vendor_id, model in sorted(models.items()):
        cur = currencies.get(vendor_id, base)
        values = next(iter(pilot_kpis.filter(pl.col("vendor_id") == vendor_id).iter_rows(named=True)), {})
        fcr, rate = values.get("fcr_rate"), _rate(con, vendor_id, months, cur == base)
        if model is None:
            rows.append(
                (vendor_id, cur, None, None, rate, None, None, None, "", "no [contract.price]: no price bid")
            )
            continue
        if scenario.basis == "forecast":
            calls = float(scenario.calls_per_month or 0)
            cost, formula, reason = _forecast(
                model, scenario, _pilot_volumes(con, vendor_id, months), values, cur
            )
        else:
            check = invoice_check(con, vendor_id, model, period).months
            calls = values.get("handled")
            bad = check.filter(pl.col("expected").is_null())
            reason = (
                f"{bad['month'][0]}: {bad['status'][0]}"
                if bad.height
                else ("" if check.height else "no data")
            )
            cost = None if reason else float(check["expected"].sum())
            formula = (
                "" if reason else f"Σ expected invoices {', '.join(check['month'])} = {fmt.money(cost, cur)}"
            )
            in_base = check["expected_base"]
            rate = None if reason or in_base.null_count() or not cost else float(in_base.sum()) / cost
        cost_base = None if cost is None or rate is None else cost * rate
        per_call = None if cost_base is None or not calls else cost_base / calls
        per_resolved = None if per_call is None or not fcr else per_call / fcr
        if cost_base is not None:
            formula += f"; × {rate:.6g} {base}/{cur} = {fmt.money(cost_base, base)}" if cur != base else ""
            formula += f"; ÷ {fmt.quantity(calls)} handled calls = {fmt.money(per_call, base)}"
            if per_resolved is not None:
                formula += f"; ÷ {fmt.percent(fcr)} FCR = {fmt.money(per_resolved, base)} per resolved call"
        elif cost is not None:
            reason = f"no FX rate for {cur} in every month of {period.label}"
        rows.append((vendor_id, cur, calls, cost, rate, cost_base, per_call, per_resolved, formula, reason))
    return pl.DataFrame(rows, schema=SCHEMA, orient="row")


def bids_on_scenario(
    con: duckdb.DuckDBPyConnection, workspace: str | Path | None, preset: Preset, period: str
) -> pl.DataFrame | None:
    """Each bid priced on the workspace's `[scenario]` when the preset scores cost against the lowest
    bid; None otherwise (no workspace, no scenario, or cost scored another way)."""
    if workspace is None or not any(
        r.method == "lowest_bid" and r.kpi == "cost_per_call" for r in preset.rules
    ):
        return None
    from scorecard.workspace.config import load_workspace
    from scorecard.workspace.contract import parse_contract

    ws = load_workspace(workspace)
    if ws.scenario is None:
        return None
    models = {v.vendor_id: parse_contract(dict(v.contract or {}), str(v.folder / "vendor.toml")).price
              for v in ws.vendors}  # fmt: skip
    return price_bids(con, ws.scenario, models, parse_period(period))


#: Output columns renamed when `cost_per_call` holds each bid priced on the scenario.
BID_COLUMNS = {"cost_per_call": "bid_per_handled_call", "cost_per_call_points": "bid_per_handled_call_points"}
#: What a ranking on bids says first (the CLI and the Ranking page).
BIDS_HEADLINE = "Cost per handled call: each bid's price model on the workspace's [scenario] (not as billed):"


def bid_costs(frame: pl.DataFrame, bids: pl.DataFrame) -> pl.DataFrame:
    """The KPI frame with `cost_per_call` replaced by each bid's cost per handled call on the scenario."""
    cost = dict(zip(bids["vendor_id"], bids["cost_per_handled_base"], strict=True))
    return frame.with_columns(
        pl.col("vendor_id").replace_strict(cost, default=None, return_dtype=pl.Float64).alias("cost_per_call")
    )


def bid_lines(bids: pl.DataFrame, names: dict[str, str], currency: str) -> list[str]:
    """One line per bid, cheapest first: its cost per handled and per resolved call with the formula, or
    why it cannot be priced."""
    lines = []
    for b in bids.sort("cost_per_handled_base", nulls_last=True).iter_rows(named=True):
        name = names.get(b["vendor_id"], b["vendor_id"])
        if b["cost_per_handled_base"] is None:
            lines.append(f"- {name}: cannot be priced: {b['reason']}")
            continue
        per = fmt.money(b["cost_per_handled_base"], currency)
        resolved = b["cost_per_resolved_base"]
        resolved = (
            "per resolved call unknown (no FCR rate in the pilot)"
            if resolved is None
            else f"{fmt.money(resolved, currency)} per resolved call"
        )
        lines.append(f"- {name}: {per} per handled call, {resolved} ({b['formula']})")
    return lines
