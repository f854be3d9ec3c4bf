"""How much to trust a ranking: weight ranges, weight perturbation, leave-one-out, and the full report.

- **Weight range** of a KPI: its weight `t`, the other weights unchanged (so they keep their proportions),
  over which the current winner stays first. Each vendor's score is linear-fractional in `t`,
  `S(t) = (a·t + b) / (c·t + d)`, so "winner ≥ other" is a quadratic inequality after multiplying out the
  (positive) denominators; its roots are the only places the winner can change. The range is the stretch
  of feasible segments between those roots that contains the current weight (exact, no grid).
- **Rank probabilities**: weight shares drawn from a Dirichlet distribution centred on the preset's shares,
  `Dirichlet(concentration × share)`; a share p then has standard deviation `sqrt(p(1 − p) / (concentration
  + 1))` — with the default concentration 50, a 25 % weight varies by about ±6 points. KPIs of weight 0
  stay at 0. All draws are scored at once as one matrix product.
- **Leave-one-out**: removing any one vendor must leave the order of the others unchanged. True by
  construction for the fixed method without `lowest_bid` KPIs; computed for every ranking anyway.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np
import polars as pl

from scorecard.scoring import confidence
from scorecard.scoring.points import TIE_TOLERANCE, Ranking, contributions, counted, ranks_of

DEFAULT_DRAWS = 2000
DEFAULT_CONCENTRATION = 50.0
DEFAULT_SEED = 0


def _coefficients(result: Ranking, j: int) -> tuple[np.ndarray, ...]:
    """a, b, c, d of every vendor's score (a·t + b) / (c·t + d) in the weight t of KPI j."""
    pts = np.nan_to_num(result.points, nan=0.0)
    mask = counted(result.points, result.missing)
    rest = result.weights.copy()
    rest[j] = 0.0
    return pts[:, j], pts @ rest, mask[:, j], mask @ rest


def _quadratic_roots(qa: np.ndarray, qb: np.ndarray, qc: np.ndarray) -> list[float]:
    roots: list[float] = []
    scale = np.maximum.reduce([np.abs(qa), np.abs(qb), np.abs(qc), np.ones_like(qa)])
    for a, b, c, s in zip(qa, qb, qc, scale, strict=True):
        if abs(a) > 1e-12 * s:
            disc = b * b - 4 * a * c
            if disc >= 0:
                q = -0.5 * (b + np.copysign(np.sqrt(disc), b))
                roots += [q / a] + ([c / q] if q != 0 else [])
        elif abs(b) > 1e-12 * s:
            roots.append(-c / b)
    return [r for r in roots if np.isfinite(r) and r > 0]


def _winner_range(result: Ranking, j: int, w: int) -> tuple[float, float, str | None, str | None]:
    a, b, c, d = _coefficients(result, j)
    others = np.arange(len(a)) != w
    qa = a[w] * c[others] - a[others] * c[w]
    qb = a[w] * d[others] + b[w] * c[others] - a[others] * d[w] - b[others] * c[w]
    qc = b[w] * d[others] - b[others] * d[w]

    def scores(t: float) -> np.ndarray:
        den = c * t + d
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(den > 0, (a * t + b) / np.where(den > 0, den, 1.0), np.nan)

    def feasible(t: float) -> bool:
        s = scores(t)
        return bool(np.all(~(s[others] > s[w] + TIE_TOLERANCE)))

    def leader(t: float) -> str:
        s = scores(t)
        s[w] = -np.inf
        return result.vendors[int(np.nanargmax(s))]

    t0 = float(result.weights[j])
    cuts = sorted({0.0, t0, *_quadratic_roots(qa, qb, qc)})
    beyond = 2.0 * max(cuts[-1], 1.0) + 1.0
    mids = [(x + y) / 2 for x, y in itertools.pairwise(cuts)] + [beyond]
    ok = [feasible(m) for m in mids]  # ok[i]: the open segment right of cuts[i]
    i0 = cuts.index(t0)
    lo_i = i0
    while lo_i > 0 and ok[lo_i - 1]:
        lo_i -= 1
    hi_i = i0
    while hi_i < len(cuts) - 1 and ok[hi_i]:
        hi_i += 1
    low, high = cuts[lo_i], (np.inf if hi_i == len(cuts) - 1 and ok[hi_i] else cuts[hi_i])
    low_by = leader(mids[lo_i - 1]) if lo_i > 0 else None
    high_by = leader(mids[hi_i]) if np.isfinite(high) else None
    return low, float(high), low_by, high_by


def weight_ranges(result: Ranking) -> pl.DataFrame:
    """Per KPI: the weight range (and share range) over which the current winner stays first."""
    ranked = [i for i in np.argsort(result.ranks, kind="stable") if result.ranks[i] > 0]
    rows = []
    total = float(result.weights.sum())
    for j, rule in enumerate(result.rules):
        rest = total - float(result.weights[j])
        row: dict[str, object] = {"kpi": rule.kpi, "weight": float(result.weights[j])}
        row["share"] = row["weight"] / total
        if not ranked:
            rows.append(row)
            continue
        w = int(ranked[0])
        low, high, low_by, high_by = _winner_range(result, j, w)
        row.update(weight_low=low, weight_high=high)
        row["share_low"] = low / (low + rest) if rest > 0 else 1.0
        row["share_high"] = 1.0 if not np.isfinite(high) or rest == 0 else high / (high + rest)
        row.update(winner=result.vendors[w], below_low_winner=low_by, above_high_winner=high_by)
        rows.append(row)
    schema = {
        "kpi": pl.String,
        "weight": pl.Float64,
        "share": pl.Float64,
        "weight_low": pl.Float64,
        "weight_high": pl.Float64,
        "share_low": pl.Float64,
        "share_high": pl.Float64,
        "winner": pl.String,
        "below_low_winner": pl.String,
        "above_high_winner": pl.String,
    }
    return pl.DataFrame(rows, schema=schema)


def perturbed_weights(weights: np.ndarray, draws: int, concentration: float, seed: int) -> np.ndarray:
    """Weight-share draws (draws, k) from Dirichlet(concentration × share); zero weights stay 0."""
    shares = np.asarray(weights, dtype=float) / np.sum(weights)
    out = np.zeros((draws, len(shares)))
    positive = shares > 0
    if positive.sum() == 1:
        out[:, positive] = 1.0
        return out
    rng = np.random.default_rng(seed)
    out[:, positive] = rng.dirichlet(concentration * shares[positive], size=draws)
    return out


def rank_probabilities(
    result: Ranking,
    draws: int = DEFAULT_DRAWS,
    concentration: float = DEFAULT_CONCENTRATION,
    seed: int = DEFAULT_SEED,
) -> pl.DataFrame:
    """Probability of each rank for each vendor when the weights are perturbed (Dirichlet)."""
    w = perturbed_weights(result.weights, draws, concentration, seed)
    ranks = ranks_of(result.rescore(result.values, w))  # (draws, n)
    n = len(result.vendors)
    cols: dict[str, object] = {
        "vendor_id": list(result.vendors),
        "rank": [int(r) if r > 0 else None for r in result.ranks],
    }
    for r in range(1, n + 1):
        cols[f"p_rank_{r}"] = (ranks == r).mean(axis=0)
    return pl.DataFrame(cols).sort(["rank", "vendor_id"], nulls_last=True)


def _order(vendors: list[str], scores: np.ndarray) -> str:
    ranks = ranks_of(scores)
    items = sorted((r, v) for r, v in zip(ranks, vendors, strict=True) if r > 0)
    text = ""
    for i, (r, v) in enumerate(items):
        text += v if i == 0 else (" = " if r == items[i - 1][0] else " > ") + v
    return text


def leave_one_out(result: Ranking) -> pl.DataFrame:
    """For each vendor removed: is the order of the others unchanged (points recomputed without it)?"""
    rows = []
    for i, removed in enumerate(result.vendors):
        keep = [v != i for v in range(len(result.vendors))]
        others = [v for v, k in zip(result.vendors, keep, strict=True) if k]
        before = _order(others, result.scores[keep])
        after = _order(others, result.rescore(result.values[keep]))
        rows.append({"removed": removed, "unchanged": before == after, "order": after})
    return pl.DataFrame(rows, schema={"removed": pl.String, "unchanged": pl.Boolean, "order": pl.String})


@dataclass(frozen=True)
class Stability:
    """Everything `scorecard rank --sensitivity` prints, plus the parameters used."""

    contributions: pl.DataFrame
    weight_ranges: pl.DataFrame
    rank_probabilities: pl.DataFrame
    leave_one_out: pl.DataFrame
    bootstrap: pl.DataFrame | None
    wilson: pl.DataFrame | None
    notes: tuple[str, ...]


def stability(
    result: Ranking,
    components: pl.DataFrame | None = None,
    *,
    draws: int = DEFAULT_DRAWS,
    concentration: float = DEFAULT_CONCENTRATION,
    bootstrap_draws: int = confidence.DEFAULT_DRAWS,
    block_days: int = confidence.DEFAULT_BLOCK_DAYS,
    level: float = confidence.DEFAULT_LEVEL,
    seed: int = DEFAULT_SEED,
) -> Stability:
    """The full stability report; the bootstrap and Wilson parts need the daily components frame."""
    by_construction = result.method == "fixed" and all(r.method is None for r in result.rules)
    loo = leave_one_out(result)
    notes = [
        f"Weight perturbation: {draws} Dirichlet draws, concentration {concentration:g}, seed {seed}.",
        "Leave-one-out: "
        + ("order unchanged by construction (fixed bounds)." if by_construction else "")
        + ("" if by_construction else f"{int((~loo['unchanged']).sum())} removal(s) change the order."),
    ]
    boot = wil = None
    if components is not None:
        boot = confidence.bootstrap(result, components, bootstrap_draws, block_days, level, seed)
        wil = confidence.wilson(result, components, level)
        notes.append(
            f"Bootstrap: {bootstrap_draws} draws of {block_days}-day circular blocks of each vendor's "
            f"local dates, {level:.0%} percentile intervals, seed {seed}."
        )
        coarse = confidence.coarse_vendors(result)
        if coarse:
            notes.append(
                f"Bootstrap: {len(coarse)} vendor(s) with data coarser than a day "
                f"({', '.join(sorted(set(coarse.values())))}) cannot be resampled by day: no score "
                "interval for them, and no P(rank 1) from resampling for anyone."
            )
    return Stability(
        contributions(result),
        weight_ranges(result),
        rank_probabilities(result, draws, concentration, seed),
        loo,
        boot,
        wil,
        tuple(notes),
    )
