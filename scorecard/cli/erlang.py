"""`scorecard erlang`: a staffing calculator for one interval (Erlang C, and Erlang A with a patience)."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Annotated

import typer

from scorecard.cli._app import app, user_errors

if TYPE_CHECKING:  # imported where used, so that `scorecard --help` stays fast
    from scorecard.staffing.erlang import Queue


def _lines(title: str, queue: Queue, threshold_s: float, abandon: bool) -> list[str]:
    asa = "∞ (the queue never clears)" if math.isinf(queue.asa_s) else f"{queue.asa_s:.6f} s"
    out = [
        title,
        f"  P(wait)        {queue.p_wait:.7f}",
        f"  Service level  {queue.service_level:.7f}  (share of calls answered within {threshold_s:g} s)",
        f"  ASA            {asa}  (mean wait of answered calls)",
        f"  Occupancy      {queue.occupancy:.7f}",
    ]
    return [*out, f"  P(abandon)     {queue.p_abandon:.7f}"] if abandon else out


@app.command("erlang")
@user_errors
def erlang_command(
    calls: Annotated[float, typer.Option("--calls", help="Calls offered in the interval.")],
    interval_min: Annotated[float, typer.Option("--interval-min", help="Interval length in minutes.")],
    aht_s: Annotated[float, typer.Option("--aht-s", help="Average handle time in seconds.")],
    sl_threshold_s: Annotated[float, typer.Option("--sl-threshold-s", help="Service-level threshold T (s).")],
    agents: Annotated[int | None, typer.Option("--agents", help="Agents staffed in the interval.")] = None,
    patience_s: Annotated[
        float | None, typer.Option("--patience-s", help="Callers' mean patience (s): adds Erlang A.")
    ] = None,
    target_sl: Annotated[
        float | None, typer.Option("--target-sl", help="Target service level (0-1): prints agents needed.")
    ] = None,
) -> None:
    """P(wait), service level, ASA and occupancy of an interval; with --patience-s the Erlang A queue
    (callers abandon) too; with --target-sl the fewest agents that meet the target."""
    from scorecard.staffing.erlang import agents_needed, erlang_a, erlang_c, offered_load

    if agents is None and target_sl is None:
        raise typer.BadParameter("give --agents, --target-sl or both", param_hint="--agents")
    interval_s = interval_min * 60
    load = offered_load(calls, interval_s, aht_s) if interval_s > 0 else math.nan
    lines = [f"{calls:g} calls in {interval_min:g} min, AHT {aht_s:g} s: {load:.4f} Erlangs offered"]
    if agents is not None:
        lines += _lines(
            f"Erlang C, {agents} agents (callers never abandon):",
            erlang_c(calls, interval_s, aht_s, agents, sl_threshold_s),
            sl_threshold_s,
            abandon=False,
        )
        if patience_s is not None:
            lines += _lines(
                f"Erlang A, {agents} agents, mean patience {patience_s:g} s:",
                erlang_a(calls, interval_s, aht_s, agents, sl_threshold_s, patience_s),
                sl_threshold_s,
                abandon=True,
            )
    if target_sl is not None:
        need_c = agents_needed(calls, interval_s, aht_s, sl_threshold_s, target_sl)
        lines.append(f"Agents needed for {target_sl:g} within {sl_threshold_s:g} s: Erlang C {need_c}")
        if patience_s is not None:
            need_a = agents_needed(calls, interval_s, aht_s, sl_threshold_s, target_sl, patience_s)
            lines[-1] += f", Erlang A {need_a}"
    typer.echo("\n".join(lines))
