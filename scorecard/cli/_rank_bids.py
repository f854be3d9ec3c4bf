"""`scorecard rank --workspace` with bids: each bidder's price model priced on the workspace's `[scenario]`
and scored as its cost per handled call (docs/contract.md, "Bids on equal terms")."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import typer

from scorecard.cli._rank_table import wrap
from scorecard.present import format as fmt
from scorecard.scoring import presets


def bids_on_scenario(con, workspace: Path | None, preset: presets.Preset, period: str) -> pl.DataFrame | None:
    """Each bid priced on the workspace's `[scenario]` when the preset scores cost against the lowest bid."""
    if workspace is None or not any(
        r.method == "lowest_bid" and r.kpi == "cost_per_call" for r in preset.rules
    ):
        return None
    from scorecard.periods import parse_period
    from scorecard.scoring.bids import price_bids
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


def bid_costs(frame: pl.DataFrame, bids: pl.DataFrame) -> pl.DataFrame:
    """The KPI frame with `cost_per_call` replaced by each bid's cost per handled call on the scenario."""
    cost = dict(zip(bids["vendor_id"], bids["cost_per_handled_base"], strict=True))
    return frame.with_columns(
        pl.col("vendor_id").replace_strict(cost, default=None, return_dtype=pl.Float64).alias("cost_per_call")
    )


def print_bids(bids: pl.DataFrame, names: dict[str, str], currency: str) -> None:
    """The bids on the scenario, each with its formula or why it cannot be priced."""
    typer.echo("Cost per handled call: each bid's price model on the workspace's [scenario] (not as billed):")
    for b in bids.sort("cost_per_handled_base", nulls_last=True).iter_rows(named=True):
        name = names.get(b["vendor_id"], b["vendor_id"])
        if b["cost_per_handled_base"] is None:
            typer.echo(wrap(f"- {name}: cannot be priced: {b['reason']}"))
            continue
        per = fmt.money(b["cost_per_handled_base"], currency)
        resolved = b["cost_per_resolved_base"]
        resolved = (
            "per resolved call unknown (no FCR rate in the pilot)"
            if resolved is None
            else (f"{fmt.money(resolved, currency)} per resolved call")
        )
        typer.echo(wrap(f"- {name}: {per} per handled call, {resolved} ({b['formula']})"))
    typer.echo("")
