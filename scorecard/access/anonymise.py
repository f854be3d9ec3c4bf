"""Peers of a vendor's view, anonymised: "Peer A", "Peer B" in rank order, and medians of at least two.

Labels follow the view's rank order (ties broken by a keyed hash whose key never leaves the process), so a
label is stable within a view and says nothing a reader cannot already see (the rank). What a label keeps
is only what cannot be turned back into a peer's KPI values: its rank, score, coverage, rank
probabilities and score interval. Per-KPI values, points and contributions, weight ranges (thresholds
solve for points differences) and leave-one-out orders are dropped for peers; money is never shown.
"""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
import secrets
import string
from collections.abc import Collection, Sequence

import numpy as np
import polars as pl

from scorecard.metrics import catalogue
from scorecard.scoring.points import Ranking
from scorecard.scoring.sensitivity import Stability

#: A peer median needs at least this many peers (one peer's "median" would be its own value).
MIN_PEERS = 2
_KEY = secrets.token_bytes(16)
PEERS_NOTE = (
    "Peers are anonymised (Peer A = the best-ranked peer in this view): their KPI values, points, money "
    "and weight ranges are not shown; the preset's own weights and the workspace's service-level variant "
    "are used."
)


def money_kpis() -> frozenset[str]:
    """KPI ids in currency: a peer's money is never shown, not even as a median."""
    return frozenset(k for k in catalogue.KPI_COLUMNS if catalogue.kpi(k).unit == "currency")


def letters(i: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA."""
    out = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        out = string.ascii_uppercase[r] + out
    return out


def _tiebreak(vendor_id: str) -> str:
    return hmac.new(_KEY, vendor_id.encode(), hashlib.sha256).hexdigest()


def peer_labels(shown: Collection[str], ranked: Sequence[tuple[str, int | None]]) -> dict[str, str]:
    """`{vendor_id: label}` for (vendor_id, rank) pairs: vendors in `shown` keep their id, the others get
    Peer A, B ... in rank order."""
    rank = dict(ranked)
    peers = sorted(
        (v for v in rank if v not in shown), key=lambda v: (rank[v] is None, rank[v] or 0, _tiebreak(v))
    )
    return {v: v for v in rank if v in shown} | {v: f"Peer {letters(i)}" for i, v in enumerate(peers)}


def _relabel(frame: pl.DataFrame, column: str, labels: dict[str, str]) -> pl.DataFrame:
    return frame.with_columns(pl.col(column).replace_strict(labels, return_dtype=pl.String))


def ranking(result: Ranking, stab: Stability, own: str) -> tuple[Ranking, Stability, dict[str, str]]:
    """A ranking and its stability report as a vendor may see them; also the labels used."""
    labels = peer_labels({own}, list(zip(result.table["vendor_id"], result.table["rank"], strict=True)))
    is_peer = np.array([v != own for v in result.vendors])
    values, pts = result.values.copy(), result.points.copy()
    values[is_peer], pts[is_peer] = np.nan, np.nan
    kpi_cols = [
        c for c in result.table.columns if c not in ("vendor_id", "period", "rank", "score", "coverage")
    ]
    table = _relabel(result.table, "vendor_id", labels).with_columns(
        pl.when(pl.col("vendor_id") == own).then(pl.col(c)).otherwise(None).alias(c) for c in kpi_cols
    )
    scoped = dataclasses.replace(
        result, vendors=tuple(labels[v] for v in result.vendors), values=values, points=pts, table=table
    )
    stab = Stability(
        contributions=stab.contributions.filter(pl.col("vendor_id") == own),
        weight_ranges=stab.weight_ranges.clear(),
        rank_probabilities=_relabel(stab.rank_probabilities, "vendor_id", labels),
        leave_one_out=stab.leave_one_out.clear(),
        bootstrap=None if stab.bootstrap is None else _relabel(stab.bootstrap, "vendor_id", labels),
        wilson=None if stab.wilson is None else stab.wilson.filter(pl.col("vendor_id") == own),
        notes=(*stab.notes[:1], *stab.notes[2:], PEERS_NOTE),
    )
    return scoped, stab, labels


def peer_median(values: pl.Series) -> float | None:
    """The median of the peers' non-null values, or None with fewer than MIN_PEERS of them."""
    known = values.drop_nulls()
    return float(known.median()) if known.len() >= MIN_PEERS else None  # type: ignore[arg-type]
