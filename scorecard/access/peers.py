"""Reads that set a vendor against others: rankings, peer medians and the quarterly review, scoped.

For a scope that shows vendors by name, peers are simply the other vendors it may see. For a vendor's
view (`scope.anonymised`) every vendor is scored, then `scorecard.access.anonymise` keeps only what the
vendor may see: its own figures, and peers as "Peer A" / "peer median" — never names, ids or money.
In a locked scope (a vendor's view, a link) the preset's own method and weights are used, whatever the
view asks: free weights would let one read a peer's single KPI back from its score.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import date
from pathlib import Path

import duckdb
import polars as pl

from scorecard.access import AccessError, anonymise
from scorecard.access.reads import _only
from scorecard.access.scope import Scope
from scorecard.metrics import catalogue, kpis
from scorecard.present import share
from scorecard.scoring import comparable, points, sensitivity
from scorecard.scoring.presets import Preset
from scorecard.workspace.contract import Contract


def _scoring(scope: Scope, name: str, preset: Preset, weights: Sequence[tuple[str, float]], method: str):
    """The preset, method and weights a scope may score with."""
    if scope.locked:
        if name != scope.preset:
            raise AccessError("Scores in this view use its fixed preset only.")
        return preset, preset.method
    return share.apply_weights(preset, weights), method


def _rank(
    frame: pl.DataFrame,
    chosen: Preset,
    method: str,
    sl: str,
    fcr: str,
    cover: comparable.Comparability | None,
) -> points.Ranking:
    """The one scoring call of both reads: the KPI frame under the service-level variant `sl`."""
    return points.ranking(
        share.apply_variant(frame, sl),
        chosen,
        method=method,
        sl_variant=sl,
        fcr_method=fcr,
        comparability=cover,
    )


def score(
    scope: Scope,
    frame: pl.DataFrame,
    components: pl.DataFrame | None,
    name: str,
    preset: Preset,
    weights: Sequence[tuple[str, float]],
    method: str,
    sl: str,
    fcr: str,
    comparability: comparable.Comparability | None = None,
) -> tuple[points.Ranking, sensitivity.Stability]:
    """Rank frames read through the scope (every row a vendor it shows by name); with `comparability`,
    only the vendors it ranks (comparable periods)."""
    if scope.anonymised:
        raise AccessError("A vendor's view is ranked with `ranked`, which anonymises its peers.")
    if not all(scope.allows(v) for v in frame["vendor_id"]):
        raise AccessError("The KPI frame holds vendors outside this view.")
    if comparability is not None and not all(scope.allows(v.vendor_id) for v in comparability.vendors):
        raise AccessError("The coverage holds vendors outside this view.")
    chosen, method = _scoring(scope, name, preset, weights, method)
    result = _rank(frame, chosen, method, sl, fcr, comparability)
    shown = None if components is None else _only(components, scope)  # None: no bootstrap (bids)
    return result, sensitivity.stability(result, shown)


def ranked(
    con: duckdb.DuckDBPyConnection,
    scope: Scope,
    period: str,
    vendors: Sequence[str] | None,
    name: str,
    preset: Preset,
    weights: Sequence[tuple[str, float]],
    method: str,
    sl: str,
    fcr: str,
    include_partial: bool = False,
) -> tuple[points.Ranking, sensitivity.Stability]:
    """The ranking of a period and its stability report; in a vendor's view against anonymised peers.

    Vendors are ranked over comparable days (`scorecard.scoring.comparable`); in a vendor's view the
    coverage shown is its own, and the peers not ranked are only counted.
    """
    per = kpis.parse_period(period)
    asked = None if scope.anonymised else scope.restrict(vendors)
    wanted = asked if asked is not None else kpis.workspace_vendors(con)
    days = kpis.coverage_days(con, wanted, per.start, per.end)
    cover = comparable.assess(per, days, wanted, include_partial=include_partial)
    costs = cover.kpi_days(per)  # cost over the compared days only, as `scorecard rank`
    frame = kpis.kpis(con, per.grain, asked, False, per.start, per.end, costs)
    frame = frame.filter(pl.col("period") == per.label)
    components = kpis.daily_components(con, asked, per.start, per.end, costs_within=costs)
    if not scope.anonymised:
        return score(scope, frame, components, name, preset, weights, method, sl, fcr, cover)
    mine = cover.of(scope.own or "")
    if mine is None or mine.status not in (comparable.RANKED, comparable.FLAGGED):
        raise AccessError(
            "Your vendor cannot be ranked in this period: "
            + ("it has no data in it." if mine is None or mine.first is None else f"{mine.describe()}.")
        )
    chosen, method = _scoring(scope, name, preset, weights, method)
    sl = kpis.workspace_settings(con)["sl_variant"]  # one variant: four would give four scores to compare
    result = _rank(frame, chosen, method, sl, fcr, cover)
    scoped, stab, _ = anonymise.ranking(result, sensitivity.stability(result, components), scope.own)
    return dataclasses.replace(scoped, comparability=cover.restricted(scope.own or "")), stab


def peer_medians(
    con: duckdb.DuckDBPyConnection,
    scope: Scope,
    grain: str,
    start: date | None,
    end: date | None,
    sl: str,
) -> pl.DataFrame:
    """`period, kpi, peer_median, peers` for a vendor's view (money and fewer than 2 peers: null).

    Only peers whose data cover the period's days count (comparable periods): a peer with three days of a
    quarter, or only an invoice, would pull the median towards days the vendor is not measured on.
    """
    if not scope.anonymised:
        raise AccessError("Peer medians are for a vendor's view.")
    frame = share.apply_variant(kpis.kpis(con, grain, None, False, start, end), sl)
    peers = frame.filter(pl.col("vendor_id") != scope.own)
    money = anonymise.money_kpis()
    rows = []
    for period in frame["period"].unique(maintain_order=True):
        these = peers.filter(pl.col("period") == period)
        everyone = frame.filter(pl.col("period") == period)["vendor_id"]
        these = these.filter(pl.col("vendor_id").is_in(_comparable(con, str(period), everyone)))
        for kpi_id in catalogue.KPI_COLUMNS:
            values = these[kpi_id]
            shown = None if kpi_id in money else anonymise.peer_median(values)
            rows.append((period, kpi_id, shown, values.drop_nulls().len()))
    schema = {"period": pl.String, "kpi": pl.String, "peer_median": pl.Float64, "peers": pl.Int64}
    return pl.DataFrame(rows, schema=schema, orient="row")


def _comparable(con: duckdb.DuckDBPyConnection, label: str, vendors: pl.Series) -> list[str]:
    """The vendors among `vendors` that cover enough of a period's days to be compared."""
    per = kpis.parse_period(label)
    wanted = vendors.to_list()
    days = kpis.coverage_days(con, wanted, per.start, per.end)
    return comparable.assess(per, days, wanted).ranked


def review(
    con: duckdb.DuckDBPyConnection,
    scope: Scope,
    vendor: str,
    quarter: str,
    contract: Contract,
    name: str,
    preset: Preset,
    weights: Sequence[tuple[str, float]],
    method: str,
):
    """The quarterly review of a vendor the scope shows; in a vendor's view with anonymised peers."""
    from scorecard.review import quarter as quarterly

    if not scope.allows(vendor):
        raise AccessError("This vendor is not available to you.")
    chosen, method = _scoring(scope, name, preset, weights, method)
    chosen = dataclasses.replace(chosen, method=method)
    result = quarterly.quarterly_review(con, vendor, quarter, contract, chosen)
    if scope.vendors is None:
        return result
    return _scoped_review(result, scope)


def _short(source: str, vendor_id: str) -> str:
    """`/srv/ws/north/vendor.toml` -> `north/vendor.toml`."""
    path = Path(source)
    return f"{vendor_id}/{path.name}" if source else source


def _scoped_review(result, scope: Scope):
    """A review as a restricted scope may see it: vendors outside the scope as "Peer A" in the ranking,
    no other vendor's files; in a vendor's view also no peer money and no median of fewer than 2 peers."""
    shown = set(scope.vendors or ())
    ranked = list(zip(result.ranking["vendor_id"], result.ranking["rank"], strict=True))
    labels = anonymise.peer_labels(shown, ranked)
    table = result.kpis
    if scope.anonymised:
        withheld = pl.col("kpi").is_in(list(anonymise.money_kpis())) | (pl.col("peers") < anonymise.MIN_PEERS)
        table = table.with_columns(
            pl.when(withheld).then(None).otherwise(pl.col("peer_median")).alias("peer_median")
        )
    # Where the server keeps its files is not for a vendor or a link holder: file names only.
    preset = dataclasses.replace(result.preset, source=Path(result.preset.source).name)
    terms = dataclasses.replace(result.contract, source=_short(result.contract.source, result.vendor_id))
    return dataclasses.replace(
        result,
        preset=preset,
        contract=terms,
        kpis=table,
        ranking=result.ranking.with_columns(
            pl.col("vendor_id").replace_strict(labels, return_dtype=pl.String)
        ),
        sources=_only(result.sources, scope),
        names={k: v for k, v in result.names.items() if scope.allows(k)},
    )
