"""Weighted scorecards: KPI values -> 0–100 points -> weighted score -> rank (docs/scoring.md).

Points, `fixed` method: `clamp((x − floor) / (target − floor), 0, 1) × 100`; for a band, against the nearer
side (100 inside). `relative`: `(x − worst) / (best − worst) × 100` among the vendors compared (100 when all
are equal; for a band, x is the distance outside the band). `lowest_bid` (cost KPIs): `100 × lowest / x`.
Score: `Σ weight × points / Σ weight`; with `missing = "reweight"` a vendor's missing KPIs leave both sums,
with `"zero"` they score 0 points. `coverage` is the share of the preset's weight the vendor has data for.
Rank 1 is the highest score; ties (scores within 1e-9) share the lowest rank (1, 1, 3).

The array functions work on any leading batch axes (`(..., vendors, kpis)`), so the sensitivity and
bootstrap code scores all draws at once.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import polars as pl

from scorecard.errors import PresetError, ScorecardError
from scorecard.metrics import catalogue
from scorecard.scoring.comparable import Comparability
from scorecard.scoring.presets import KpiRule, Preset

TIE_TOLERANCE = 1e-9


def _fixed(x: np.ndarray, rule: KpiRule) -> np.ndarray:
    if isinstance(rule.target, tuple) and isinstance(rule.floor, tuple):
        (b_lo, b_hi), (f_lo, f_hi) = rule.target, rule.floor
        below = (x - f_lo) / (b_lo - f_lo)
        above = (x - f_hi) / (b_hi - f_hi)
        share = np.where(x < b_lo, below, np.where(x > b_hi, above, 1.0))
    else:
        share = (x - rule.floor) / (rule.target - rule.floor)  # type: ignore[operator]
    return np.clip(share, 0.0, 1.0) * 100.0


def _extreme(x: np.ndarray, largest: bool) -> np.ndarray:
    fill = -np.inf if largest else np.inf
    filled = np.where(np.isnan(x), fill, x)
    return (filled.max if largest else filled.min)(axis=-1, keepdims=True)


def _relative(x: np.ndarray, rule: KpiRule) -> np.ndarray:
    if rule.direction == "band":
        lo, hi = rule.target  # type: ignore[misc]
        x = np.maximum(lo - x, 0.0) + np.maximum(x - hi, 0.0)  # distance outside the band
    higher = rule.direction == "higher"
    best, worst = _extreme(x, higher), _extreme(x, not higher)
    spread = best - worst
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(spread == 0, 1.0, (x - worst) / np.where(spread == 0, 1.0, spread))
    return np.where(np.isnan(x), np.nan, share * 100.0)


def _lowest_bid(x: np.ndarray) -> np.ndarray:
    positive = np.where(x > 0, x, np.nan)
    lowest = _extreme(positive, largest=False)
    with np.errstate(invalid="ignore", divide="ignore"):
        pts = np.where(x > 0, 100.0 * lowest / np.where(x > 0, x, 1.0), 100.0)
    return np.where(np.isnan(x), np.nan, pts)


def points(values: np.ndarray, rules: Sequence[KpiRule], method: str) -> np.ndarray:
    """0–100 points for `values` of shape (..., vendors, kpis); NaN where the value is missing."""
    out = np.full(values.shape, np.nan)
    for j, rule in enumerate(rules):
        x = values[..., j]
        if rule.method == "lowest_bid":
            out[..., j] = _lowest_bid(x)
        elif method == "relative":
            out[..., j] = _relative(x, rule)
        else:
            out[..., j] = _fixed(x, rule)
    return np.where(np.isnan(values), np.nan, out)


def counted(pts: np.ndarray, missing: str) -> np.ndarray:
    """1.0 where a KPI counts in the denominator of the score: always ("zero") or when present."""
    return np.ones_like(pts) if missing == "zero" else (~np.isnan(pts)).astype(float)


def weighted_scores(pts: np.ndarray, mask: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Scores `Σ w·points / Σ w·mask` for points (..., n, k) and weights (k,) or (draws, k)."""
    w = np.asarray(weights, dtype=float)[..., :, None]
    num = np.matmul(np.nan_to_num(pts, nan=0.0), w)[..., 0]
    den = np.matmul(mask, w)[..., 0]
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(den > 0, num / np.where(den > 0, den, 1.0), np.nan)


def ranks_of(scores: np.ndarray, tol: float = TIE_TOLERANCE) -> np.ndarray:
    """Competition ranks along the last axis (ties share the lowest rank); 0 where the score is NaN."""
    above = scores[..., None, :] > scores[..., :, None] + tol
    ranks = 1 + above.sum(axis=-1)
    return np.where(np.isnan(scores), 0, ranks)


@dataclass(frozen=True, eq=False)
class Ranking:
    """A scored period: the inputs as arrays (vendors sorted by id) and the docs/scoring.md output table."""

    preset: Preset
    method: str
    missing: str
    kpis: tuple[catalogue.Kpi, ...]
    vendors: tuple[str, ...]
    period: str | None
    weights: np.ndarray
    values: np.ndarray
    points: np.ndarray
    scores: np.ndarray
    coverage: np.ndarray
    ranks: np.ndarray
    table: pl.DataFrame
    #: Which days of the period each vendor's data cover; who is not ranked and why (None: not checked).
    comparability: Comparability | None = None

    @property
    def rules(self) -> tuple[KpiRule, ...]:
        """The preset's KPI rules, in column order of `values` and `points`."""
        return self.preset.rules

    def rescore(self, values: np.ndarray, weights: np.ndarray | None = None) -> np.ndarray:
        """Scores for other KPI values (..., n, k) and/or weights, under this ranking's rules."""
        pts = points(values, self.rules, self.method)
        w = self.weights if weights is None else weights
        return weighted_scores(pts, counted(pts, self.missing), w)


def _values(frame: pl.DataFrame, kpi_ids: Sequence[str]) -> np.ndarray:
    absent = [k for k in kpi_ids if k not in frame.columns]
    if absent:
        raise ScorecardError(
            f"KPI column(s) {', '.join(absent)} missing from the KPI frame; "
            "build it with scorecard.metrics.kpis.kpis()"
        )
    cols = [frame[k].cast(pl.Float64).fill_null(np.nan).to_numpy() for k in kpi_ids]
    return np.column_stack(cols) if cols else np.empty((frame.height, 0))


def _check_rules(preset: Preset, method: str) -> None:
    for rule in preset.rules:
        if method == "fixed" and rule.method is None and not rule.has_bounds:
            raise PresetError(
                f"{preset.source}: kpis.{rule.kpi}: no target and floor, so it cannot be scored "
                "with method 'fixed'; add target and floor or use method 'relative'"
            )


def ranking(
    frame: pl.DataFrame,
    preset: Preset,
    *,
    method: str | None = None,
    missing: str | None = None,
    sl_variant: str = "negative",
    fcr_method: str = "survey",
    comparability: Comparability | None = None,
) -> Ranking:
    """Score and rank one period's KPI frame (one row per vendor) under a preset.

    With `comparability`, only the vendors it ranks are scored (comparable periods, docs/ranking.md).
    """
    if comparability is not None:
        frame = frame.filter(pl.col("vendor_id").is_in(comparability.ranked))
        if frame.is_empty():
            raise ScorecardError(
                f"No vendor can be ranked in {comparability.period}: " + " ".join(comparability.summary())
            )
    if "program" in frame.columns or frame["vendor_id"].n_unique() != frame.height:
        raise ScorecardError("Ranking needs one row per vendor for one period (no program split)")
    periods = frame["period"].unique().to_list() if "period" in frame.columns else [None]
    if len(periods) > 1:
        raise ScorecardError(f"Ranking needs one period; the KPI frame has {sorted(map(str, periods))}")
    method = method or preset.method
    missing = missing or preset.missing
    if method not in ("fixed", "relative") or missing not in ("zero", "reweight"):
        raise ScorecardError(f"Unknown scoring method {method!r} or missing policy {missing!r}")
    _check_rules(preset, method)
    frame = frame.sort("vendor_id")
    ids = preset.kpi_ids
    weights = np.array(preset.weights, dtype=float)
    values = _values(frame, ids)
    pts = points(values, preset.rules, method)
    scores = weighted_scores(pts, counted(pts, missing), weights)
    coverage = (~np.isnan(values)).astype(float) @ weights / weights.sum()
    ranks = ranks_of(scores)
    period = None if not periods or periods[0] is None else str(periods[0])  # no rows: no period
    cols: dict[str, pl.Series] = {
        "vendor_id": frame["vendor_id"].cast(pl.String),
        "period": pl.Series([period] * frame.height, dtype=pl.String),
        "rank": pl.Series(np.where(ranks > 0, ranks, None).tolist(), dtype=pl.Int64),
        "score": pl.Series(scores).fill_nan(None),
        "coverage": pl.Series(coverage),
    }
    shown = pts if missing == "reweight" else np.nan_to_num(pts, nan=0.0)
    for j, kpi_id in enumerate(ids):
        cols[kpi_id] = pl.Series(values[:, j]).fill_nan(None)
        cols[f"{kpi_id}_points"] = pl.Series(shown[:, j]).fill_nan(None)
    table = pl.DataFrame(cols).sort(["rank", "vendor_id"], nulls_last=True)
    resolved = tuple(catalogue.kpi(k, sl_variant, fcr_method) for k in ids)
    return Ranking(
        dataclasses.replace(preset, method=method, missing=missing),  # type: ignore[arg-type]
        method,
        missing,
        resolved,
        tuple(frame["vendor_id"].cast(pl.String).to_list()),
        period,
        weights,
        values,
        pts,
        scores,
        coverage,
        ranks,
        table,
        comparability,
    )


def rank(
    frame: pl.DataFrame,
    preset: Preset,
    *,
    method: str | None = None,
    missing: str | None = None,
    sl_variant: str = "negative",
    fcr_method: str = "survey",
) -> pl.DataFrame:
    """The ranking table of docs/scoring.md: vendor_id, period, rank, score, coverage, <kpi>, <kpi>_points."""
    options = {"sl_variant": sl_variant, "fcr_method": fcr_method}
    return ranking(frame, preset, method=method, missing=missing, **options).table


def contributions(result: Ranking) -> pl.DataFrame:
    """Each vendor's KPI points and contribution to its score (weight × points / Σ counted weight)."""
    mask = counted(result.points, result.missing)
    den = mask @ result.weights
    with np.errstate(invalid="ignore", divide="ignore"):
        contrib = np.nan_to_num(result.points) * result.weights / den[:, None]
    contrib = np.where(mask > 0, contrib, np.nan)
    n, k = result.values.shape
    return pl.DataFrame(
        {
            "vendor_id": np.repeat(result.vendors, k).tolist(),
            "kpi": [r.kpi for r in result.rules] * n,
            "weight": np.tile(result.weights, n),
            "value": result.values.ravel(),
            "points": result.points.ravel(),
            "contribution": contrib.ravel(),
        },
        nan_to_null=True,
    )


#: Reading a database's period for a ranking lives in `period.py`; these names stay importable from here.
_PERIOD_NAMES = ("scoring_settings", "rank_period", "period_components")


def __getattr__(name: str):
    """`scoring_settings`, `rank_period`, `period_components`: from `scorecard.scoring.period`."""
    if name in _PERIOD_NAMES:
        from scorecard.scoring import period

        return getattr(period, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
