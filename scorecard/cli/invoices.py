"""`scorecard invoices`: each vendor's invoices against the expected invoice of its price model, per month.

The price model comes from the workspace (`[contract.price]` of vendor.toml), the volumes and invoices from
the database. Library imports happen inside the command so `scorecard --help` stays fast.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from scorecard.cli._app import app, user_errors

if TYPE_CHECKING:
    from scorecard.review.invoices import InvoiceCheck


def render_check(check: InvoiceCheck, name: str) -> str:
    """The check of one vendor as people read it: a line per month, each figure with its formula."""
    from scorecard.present import format as fmt

    cur = check.currency
    lines = [f"{name} ({check.vendor_id}), {cur}; tolerance {fmt.by_unit(check.model.tolerance_pct, 'pct')}"]
    for m in check.months.iter_rows(named=True):
        diff = "" if m["difference"] is None else fmt.by_unit(m["difference"], f"+currency:{cur}")
        rate = m["difference_rate"]
        share = "" if rate is None else f" ({'+' if rate >= 0 else ''}{fmt.by_unit(rate * 100, 'pct')})"
        expected, invoiced = fmt.money(m["expected"], cur), fmt.money(m["invoiced"], cur)
        lines.append(
            f"  {m['month']}  expected {expected}  invoiced {invoiced}"
            f"  difference {diff or fmt.MISSING}{share}  {m['status']}"
        )
        for p in check.lines.filter(check.lines["month"] == m["month"]).iter_rows(named=True):
            lines.append(f"      {p['part']}: {p['formula'] if p['amount'] is not None else p['reason']}")
        if m["expected"] is not None and m["formula"] != fmt.money(m["expected"], cur):
            lines.append(f"      expected invoice: {m['formula']}")
        for q in check.quantities.filter(check.quantities["month"] == m["month"]).iter_rows(named=True):
            lines.append(f"      billed vs recorded ({q['status']}): {q['formula']}")
    over = check.over_billed
    if over.height:
        base = over["difference_base"]
        in_base = (
            ""
            if cur == check.base_currency or base.null_count()
            else f" = {fmt.money(base.sum(), check.base_currency)}"
        )
        total = fmt.money(over["difference"].sum(), cur)
        lines.append(f"  OVER-BILLED: {total}{in_base} in {', '.join(over['month'])}")
    return "\n".join(lines)


@app.command("invoices")
@user_errors
def invoices_command(
    db: Annotated[Path, typer.Option("--db", help="DuckDB file built by `scorecard ingest`.")],
    vendor: Annotated[
        str | None, typer.Option("--vendor", help="One vendor id (default: every vendor).")
    ] = None,
    period: Annotated[
        str | None, typer.Option("--period", help="Months of a period label: 2026-04, 2026-Q2, 2026.")
    ] = None,
    workspace: Annotated[
        Path, typer.Option("--workspace", help="Workspace folder holding the vendors' price models.")
    ] = Path("vendors"),
) -> None:
    """Check each vendor's invoices against the expected invoice of its price model, month by month."""
    from scorecard.errors import ScorecardError
    from scorecard.ingest import db as database
    from scorecard.periods import parse_period
    from scorecard.review.invoices import invoice_check
    from scorecard.workspace.config import load_workspace
    from scorecard.workspace.contract import parse_contract

    ws = load_workspace(workspace)
    chosen = [ws.vendor(vendor)] if vendor else ws.vendors
    span = parse_period(period) if period else None
    con = database.connect(db, read_only=True)
    blocks = []
    try:
        loaded = {r[0] for r in con.execute("select vendor_id from vendors").fetchall()}
        for cfg in chosen:
            where = str(cfg.folder / "vendor.toml")
            if cfg.vendor_id not in loaded:
                blocks.append(f"{cfg.name} ({cfg.vendor_id}): not in {db}; run scorecard ingest first")
                continue
            model = parse_contract(dict(cfg.contract or {}), where).price
            if model is None:
                if vendor:
                    raise ScorecardError(
                        f"{where} has no [contract.price]: add a price model to check invoices."
                    )
                blocks.append(f"{cfg.name} ({cfg.vendor_id}): no [contract.price] in {where}; not checked")
                continue
            blocks.append(render_check(invoice_check(con, cfg.vendor_id, model, span), cfg.name))
    finally:
        con.close()
    typer.echo("\n\n".join(blocks))
