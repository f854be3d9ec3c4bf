"""`scorecard review`: one vendor's quarter against its contract, as a shareable HTML or XLSX report.

The contract terms come from the workspace (`<workspace>/<vendor>/vendor.toml`, `[contract]`), so a
contract change takes effect without re-ingesting; the numbers come from the database.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from scorecard.cli._app import app, output_file, user_errors, writing
from scorecard.errors import ScorecardError

if TYPE_CHECKING:  # imported where used, so that `scorecard --help` loads none of them
    from scorecard.review.quarter import Review
    from scorecard.workspace.contract import Contract

SUFFIXES = (".html", ".htm", ".xlsx")


def vendor_contract(workspace: Path, vendor_id: str) -> Contract:
    """The vendor's validated contract terms from its vendor.toml in the workspace."""
    from scorecard.workspace.config import load_workspace
    from scorecard.workspace.contract import Contract, parse_contract

    cfg = load_workspace(workspace).vendor(vendor_id)
    if isinstance(cfg.contract, Contract):  # config loading may already parse it
        return cfg.contract
    return parse_contract(cfg.contract, str(cfg.folder / "vendor.toml"))


def summary_line(review: Review, out: Path) -> str:
    """One line for the terminal: where the report went and its headline numbers."""
    from scorecard.review.report import fmt, quarter_totals

    mine = review.ranking.filter(review.ranking["vendor_id"] == review.vendor_id)
    rank = mine["rank"][0] if mine.height else None
    score = mine["score"][0] if mine.height else None
    owed = quarter_totals(review)["credits_owed"]
    return (
        f"Wrote {out}: {review.vendor_name} {review.quarter.label}, rank {fmt(rank, 'count')} of "
        f"{review.ranking['rank'].drop_nulls().len()}"
        + (f" ({review.peers_left_out} peer(s) with too few days left out)" if review.peers_left_out else "")
        + f", score {fmt(score, 'score')}, credits owed "
        f"{fmt(owed, f'currency:{review.currency}')}, {len(review.findings)} finding(s)."
    )


@app.command("review")
@user_errors
def review_command(
    db: Annotated[Path, typer.Option("--db", help="DuckDB file built by `scorecard ingest`.")],
    vendor: Annotated[str, typer.Option("--vendor", help="Vendor id (its folder name).")],
    quarter: Annotated[str, typer.Option("--quarter", help="Quarter label, e.g. 2026-Q2.")],
    out: Annotated[Path, typer.Option("--out", help="Report file: FILE.html or FILE.xlsx.")],
    workspace: Annotated[
        Path, typer.Option("--workspace", help="Workspace folder holding the vendor's contract terms.")
    ] = Path("vendors"),
    preset: Annotated[
        str, typer.Option("--preset", help="Scoring preset for the rank and score.")
    ] = "quarterly_review",
) -> None:
    """Write VENDOR's quarterly review (KPIs vs contract, credits, findings) to --out."""
    from scorecard.ingest import db as database
    from scorecard.review.quarter import quarterly_review
    from scorecard.review.report import write_report
    from scorecard.scoring.presets import load_preset

    if out.suffix.lower() not in SUFFIXES:
        raise ScorecardError(f"Cannot write a review to {out}: use a file ending in .html or .xlsx.")
    output_file(out, "the review")
    contract = vendor_contract(workspace, vendor)
    scoring_preset = load_preset(preset, workspace)
    con = database.connect(db, read_only=True)
    try:
        review = quarterly_review(con, vendor, quarter, contract, scoring_preset)
    finally:
        con.close()
    with writing(out, "the review"):
        write_report(review, out)
    typer.echo(summary_line(review, out))
