"""`scorecard rank --workspace` with bids: each bid as the terminal shows it (docs/contract.md, "Bids on
equal terms"); the pricing itself is `scorecard.scoring.bids`."""

from __future__ import annotations

import polars as pl
import typer

from scorecard.cli._rank_table import wrap
from scorecard.scoring.bids import BID_COLUMNS, BIDS_HEADLINE, bid_costs, bid_lines, bids_on_scenario

__all__ = ["BID_COLUMNS", "bid_costs", "bids_on_scenario", "print_bids"]


def print_bids(bids: pl.DataFrame, names: dict[str, str], currency: str) -> None:
    """The bids on the scenario, each with its formula or why it cannot be priced."""
    typer.echo(BIDS_HEADLINE)
    for line in bid_lines(bids, names, currency):
        typer.echo(wrap(line))
    typer.echo("")
