"""`scorecard rank`: rank vendors for a period with a weighted scorecard preset, and how far to trust it."""

from __future__ import annotations

import json
import math
from datetime import date, datetime
from enum import StrEnum
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from scorecard.cli._app import app, user_errors
from scorecard.errors import ScorecardError

if TYPE_CHECKING:  # imported where used, so that `scorecard --help` loads none of them
    import polars as pl

    from scorecard.scoring import points as scoring
    from scorecard.scoring import sensitivity


class Format(StrEnum):
    """Output formats of `scorecard rank`."""

    table = "table"
    csv = "csv"
    json = "json"


class Method(StrEnum):
    """Scoring methods (docs/scoring.md)."""

    fixed = "fixed"
    relative = "relative"


def _plain(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None  # JSON has no NaN/inf: an unbounded weight range is null
    if isinstance(value, date | datetime):
        return value.isoformat()
    return value


def _records(frame: pl.DataFrame | None) -> list[dict[str, Any]] | None:
    if frame is None:
        return None
    return [{k: _plain(v) for k, v in row.items()} for row in frame.to_dicts()]


def _print_table(title: str, frame: pl.DataFrame) -> None:
    import polars as pl

    typer.echo(title)
    with pl.Config(
        tbl_rows=-1,
        tbl_cols=-1,
        tbl_width_chars=10_000,
        fmt_str_lengths=200,
        tbl_hide_dataframe_shape=True,
        tbl_hide_column_data_types=True,
        tbl_formatting="ASCII_MARKDOWN",
        float_precision=4,
    ):
        typer.echo(str(frame))
    typer.echo("")


def _wrap(text: str, indent: str = "") -> str:
    from scorecard.cli._rank_table import wrap  # imports polars: only once a command runs

    return wrap(text, indent)


def _weights(items: list[str]) -> dict[str, float]:
    """`--weight service_level=30` options as a mapping (the preset re-validates the numbers)."""
    out = {}
    for item in items:
        kpi_id, sep, raw = item.partition("=")
        try:
            out[kpi_id.strip()] = float(raw)
        except ValueError:
            sep = ""
        if not sep:
            raise ScorecardError(f"--weight {item!r} must look like KPI=WEIGHT, e.g. service_level=30.")
    return out


def _title(result: scoring.Ranking) -> str:
    p = result.preset
    return (
        f"{p.name} ({Path(p.source).name}): method {result.method}, missing = {result.missing!r}, "
        f"period {result.period}"
    )


def _print_stability(result: scoring.Ranking, report: sensitivity.Stability) -> None:
    pivot = report.contributions.pivot(on="kpi", index="vendor_id", values="contribution")
    order = result.table.select("vendor_id", "rank", "score")
    _print_table(
        "Contributions to the score (weight × points / Σ weight)",
        order.join(pivot, on="vendor_id", how="left", maintain_order="left"),
    )
    winner = report.weight_ranges["winner"].drop_nulls()
    who = winner[0] if len(winner) else "(none)"
    _print_table(
        f"Weight ranges: {who} stays first while a KPI's weight is within [weight_low, weight_high] "
        "(other weights unchanged)",
        report.weight_ranges,
    )
    _print_table("Rank probabilities under weight perturbation", report.rank_probabilities)
    if report.bootstrap is not None:
        _print_table("Score intervals and P(rank 1) from resampling days", report.bootstrap)
    if report.wilson is not None and not report.wilson.is_empty():
        _print_table("Wilson intervals and event counts (few_events: below min_events)", report.wilson)
    _print_table("Leave-one-out: order of the other vendors without each vendor", report.leave_one_out)
    for note in report.notes:
        typer.echo(note)


def _reasons(con, result: scoring.Ranking) -> pl.DataFrame:
    """Why each missing KPI value of the ranking is missing (`kpi_notes` of the period)."""
    import polars as pl

    from scorecard.metrics import kpis
    from scorecard.scoring import missing
    from scorecard.scoring import points as scoring

    p = kpis.parse_period(result.period or "all")
    notes = kpis.kpi_notes(con, p.grain, list(result.vendors), False, p.start, p.end)
    notes = notes.filter(pl.col("period").cast(pl.String) == p.label)
    settings = scoring.scoring_settings(con)
    ids = [r.kpi for r in result.rules]
    return missing.missing_reasons(
        result.vendors, result.values, ids, notes, settings["sl_variant"], settings["fcr_method"]
    )


@app.command("rank")
@user_errors
def rank(
    db_path: Annotated[Path, typer.Option("--db", help="DuckDB file built by `scorecard ingest`.")],
    period: Annotated[str, typer.Option(help="2026-04-15, 2026-W16, 2026-04, 2026-Q2, 2026 or all.")],
    preset: Annotated[
        str | None, typer.Option(help="Preset name (built-in or <workspace>/presets/NAME.toml).")
    ] = None,
    preset_file: Annotated[Path | None, typer.Option(help="A preset TOML file.")] = None,
    workspace: Annotated[
        Path | None, typer.Option(help="Workspace folder whose presets/ may be named by --preset.")
    ] = None,
    method: Annotated[Method | None, typer.Option(help="Override the preset's method.")] = None,
    vendor: Annotated[
        list[str] | None, typer.Option("--vendor", help="Rank only these vendors (repeatable).")
    ] = None,
    weight: Annotated[
        list[str] | None,
        typer.Option("--weight", help="KPI=WEIGHT: another weight for a KPI of the preset (repeatable)."),
    ] = None,
    include_partial: Annotated[
        bool,
        typer.Option(
            "--include-partial",
            help="Also rank vendors whose data cover less than 80% of the period's days (flagged).",
        ),
    ] = False,
    output: Annotated[Format, typer.Option("--format", help="Output format.")] = Format.table,
    show_sensitivity: Annotated[
        bool,
        typer.Option(
            "--sensitivity",
            help="Also print contributions, weight ranges, rank probabilities, bootstrap "
            "intervals, Wilson intervals and the leave-one-out check.",
        ),
    ] = False,
    draws: Annotated[int, typer.Option(min=1, help="Weight-perturbation draws.")] = 2000,
    bootstrap_draws: Annotated[int, typer.Option(min=1, help="Bootstrap draws.")] = 500,
    seed: Annotated[int, typer.Option(help="Random seed of the perturbation and bootstrap.")] = 0,
) -> None:
    """Rank vendors for a period with a weighted scorecard preset."""
    from scorecard.cli._rank_bids import BID_COLUMNS, bid_costs, bids_on_scenario, print_bids
    from scorecard.cli._rank_table import LABEL_WIDTH, full_table, people_table, readable
    from scorecard.ingest import db
    from scorecard.metrics import catalogue, kpis
    from scorecard.present import text
    from scorecard.scoring import points as scoring
    from scorecard.scoring import presets, sensitivity, verdict

    if preset and preset_file:
        raise ScorecardError("Give either --preset or --preset-file, not both.")
    if show_sensitivity and output is Format.csv:
        raise ScorecardError("--sensitivity prints several tables; use --format table or json.")
    con = db.connect(db_path, read_only=True)
    try:
        currency = str(kpis.workspace_settings(con)["base_currency"])
        if preset_file is not None:
            chosen = presets.load_preset_file(preset_file)
        else:
            name = preset or scoring.scoring_settings(con)["preset"]
            chosen = presets.load_preset(name, workspace)
        if weight:
            chosen = chosen.with_weights(_weights(weight))
        names = dict(con.execute("select vendor_id, name from vendors").fetchall())
        bids = bids_on_scenario(con, workspace, chosen, period)
        result = scoring.rank_period(
            con, period, chosen, method=method.value if method else None, vendors=vendor,
            include_partial=include_partial,
            adjust=None if bids is None else partial(bid_costs, bids=bids),
        )  # fmt: skip
        reasons = _reasons(con, result)
        wanted = output is Format.table or show_sensitivity
        components = scoring.period_components(con, result) if wanted and bids is None else None
        report = sensitivity.stability(
            result, components, draws=draws, bootstrap_draws=bootstrap_draws, seed=seed
        )
    finally:
        con.close()
    if bids is not None and output is Format.table:
        print_bids(bids, names, currency)
    # with bids on a scenario the cost columns hold the bids, and say so in their names
    table = full_table(result, reasons)
    shown = table if bids is None else table.rename(BID_COLUMNS)
    if output is Format.csv:
        typer.echo(text.write_csv(shown), nl=False)
    elif output is Format.json:
        if not show_sensitivity:
            typer.echo(json.dumps(_records(shown), indent=2))
            return
        payload = {
            "preset": {"name": result.preset.name, "source": result.preset.source},
            "method": result.method,
            "missing": result.missing,
            "period": result.period,
            "ranking": _records(shown),
            **{
                key: _records(getattr(report, key))
                for key in (
                    "contributions",
                    "weight_ranges",
                    "rank_probabilities",
                    "bootstrap",
                    "wilson",
                    "leave_one_out",
                )
            },
            "notes": list(report.notes),
            "bids": _records(bids),
        }
        typer.echo(json.dumps(payload, indent=2))
    else:
        call = verdict.verdict(result, report)
        typer.echo(_title(result))
        for line in result.comparability.summary(names) if result.comparability else []:
            typer.echo(_wrap(line, indent="    "))
        typer.echo("")
        typer.echo(_wrap(verdict.headline(call, names, result.preset.name, result.method)))
        typer.echo("")
        fragile = verdict.fragility(call, names)
        typer.echo(_wrap(fragile or "Removing any one vendor leaves the order of the others unchanged."))
        typer.echo("")
        lines = readable(result.table, currency, names, result.comparability)
        if bids is not None:  # the cost row holds the bids on the scenario, not the cost as billed
            label = catalogue.kpi("cost_per_call").label[: LABEL_WIDTH - 1] + "…"
            lines = [["Bid per handled call", *r[1:]] if r[0] == label else r for r in lines]
        typer.echo(people_table(lines))
        typer.echo("KPIs: value · points (0–100) under the preset; --format csv or json for raw values.")
        if reasons.height:
            typer.echo("")
            typer.echo("Why values are missing:")
            for r in reasons.iter_rows(named=True):
                label = catalogue.kpi(r["kpi"]).label
                who = names.get(r["vendor_id"], r["vendor_id"])
                typer.echo(_wrap(f"  {who}, {label}: {r['reason']}", indent="    "))
        if show_sensitivity:
            typer.echo("")
            _print_stability(result, report)
