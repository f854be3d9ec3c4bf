"""Confidence from the data: block bootstrap of days, Wilson intervals, too-few-events flags.

Input is the daily components frame (`vendor_id, local_date` + `catalogue.COMPONENT_COLUMNS`, NULL =
unknown) from `scorecard.metrics.kpis.daily_components`. KPIs are recomputed with the catalogue formulas
(`sum(numerator) / sum(denominator)`, strict: a KPI is missing when any day it sums has a NULL component).

Bootstrap: for each vendor independently, a circular moving-block bootstrap over its local calendar from
its first to its last date (days without rows count as zero activity): `ceil(days / 7)` blocks of 7
consecutive days with uniformly drawn starts, cut to the original length. Each draw recomputes every KPI,
the points (relative and lowest-bid points among that draw's vendors), the scores and the ranks; all draws
are one matrix product per vendor. A KPI missing for the whole period stays missing in every draw.

A vendor whose data are coarser than a day (monthly or weekly interval reports: one row stands for a
month, `Ranking.comparability` knows it) cannot be resampled by day: its interval is not computed (the
`note` says why), its values are held at the period's in every draw so the others' intervals stay
computable, and P(rank 1) from resampling is not given for anyone while such a vendor is ranked.
"""

from __future__ import annotations

import math
import warnings
from statistics import NormalDist

import numpy as np
import polars as pl

from scorecard.scoring.points import Ranking, ranks_of

DEFAULT_DRAWS = 500
DEFAULT_BLOCK_DAYS = 7
DEFAULT_LEVEL = 0.90
DEFAULT_SEED = 0


def _formulas(result: Ranking) -> tuple[list[str], np.ndarray, np.ndarray]:
    """Component names used by the ranking's KPIs and the numerator/denominator matrices (c, k)."""
    cols = sorted({c for k in result.kpis for c in (*k.numerator, *k.denominator)})
    num = np.array([[k.numerator.get(c, 0.0) for k in result.kpis] for c in cols]).reshape(len(cols), -1)
    den = np.array([[k.denominator.get(c, 0.0) for k in result.kpis] for c in cols])
    return cols, num, den.reshape(len(cols), -1)


def coarse_vendors(result: Ranking) -> dict[str, str]:
    """Ranked vendors whose data are coarser than a day, with their grain (`{"sf": "monthly"}`)."""
    if result.comparability is None:
        return {}
    found = ((v, result.comparability.of(v)) for v in result.vendors)
    return {v: c.grain for v, c in found if c is not None and c.grain is not None}


def _vendor_days(
    components: pl.DataFrame, vendors: tuple[str, ...], cols: list[str]
) -> list[tuple[np.ndarray, np.ndarray]]:
    """Per vendor: (values with NULL -> 0, NULL indicator), each (days, components), over its date span."""
    frame = components.filter(pl.col("vendor_id").is_in(list(vendors))).select(
        pl.col("vendor_id").cast(pl.String),
        (pl.col("local_date").cast(pl.Date) - pl.col("local_date").cast(pl.Date).min().over("vendor_id"))
        .dt.total_days()
        .alias("_day"),
        *(pl.col(c).cast(pl.Float64).fill_null(np.nan) for c in cols),
    )
    raw = frame.select(cols).to_numpy().reshape(frame.height, len(cols))
    day = frame["_day"].to_numpy()
    owner = frame["vendor_id"].to_numpy()
    out = []
    for vendor in vendors:
        rows = owner == vendor
        days = int(day[rows].max()) + 1 if rows.any() else 0
        values, nulls = np.zeros((days, len(cols))), np.zeros((days, len(cols)))
        np.add.at(values, day[rows], np.nan_to_num(raw[rows], nan=0.0))
        np.add.at(nulls, day[rows], np.isnan(raw[rows]).astype(float))
        out.append((values, nulls))
    return out


def block_counts(rng: np.random.Generator, draws: int, days: int, block: int) -> np.ndarray:
    """How often each day is drawn (draws, days) in a circular moving-block bootstrap."""
    if days == 0:
        return np.zeros((draws, 0))
    length = min(block, days)
    starts = rng.integers(0, days, size=(draws, math.ceil(days / length)))
    idx = ((starts[..., None] + np.arange(length)) % days).reshape(draws, -1)[:, :days]
    flat = idx + (np.arange(draws) * days)[:, None]
    return np.bincount(flat.ravel(), minlength=draws * days).reshape(draws, days).astype(float)


def _ratio(sums: np.ndarray, nulls: np.ndarray, num: np.ndarray, den: np.ndarray) -> np.ndarray:
    """KPI values from component sums (..., c); NaN where a used component is NULL or den is 0."""
    uses = ((num != 0) | (den != 0)).astype(float)
    return _divide(sums @ num, sums @ den, (nulls @ uses) > 0)


def _divide(n: np.ndarray, d: np.ndarray, unknown: np.ndarray) -> np.ndarray:
    with np.errstate(invalid="ignore", divide="ignore"):
        out = np.where(d != 0, n / np.where(d != 0, d, 1.0), np.nan)
    return np.where(unknown, np.nan, out)


def resampled_values(
    result: Ranking,
    components: pl.DataFrame,
    draws: int = DEFAULT_DRAWS,
    block_days: int = DEFAULT_BLOCK_DAYS,
    seed: int = DEFAULT_SEED,
) -> np.ndarray:
    """KPI values (draws, vendors, kpis) recomputed from block-resampled days.

    Sums are linear, so each day is first reduced to its KPI numerators, denominators and
    unknown-flags (days, 3k); one product with the draw counts (draws, days) then gives every draw.
    """
    cols, num, den = _formulas(result)
    k = num.shape[1]
    uses = ((num != 0) | (den != 0)).astype(float)
    rng = np.random.default_rng(seed)
    out = np.full((draws, len(result.vendors), k), np.nan)
    coarse = coarse_vendors(result)
    for i, (values, nulls) in enumerate(_vendor_days(components, result.vendors, cols)):
        if result.vendors[i] in coarse:  # one row a month is not a month of days: held, not resampled
            out[:, i, :] = result.values[i]
            continue
        counts = block_counts(rng, draws, values.shape[0], block_days)
        per_day = np.hstack([values @ num, values @ den, (nulls @ uses > 0).astype(float)])
        sums = np.einsum("bd,dc->bc", counts, per_day)  # no BLAS threads: steadier on busy cores
        out[:, i, :] = _divide(sums[:, :k], sums[:, k : 2 * k], sums[:, 2 * k :] > 0)
    return np.where(np.isnan(result.values)[None], np.nan, out)


def bootstrap(
    result: Ranking,
    components: pl.DataFrame,
    draws: int = DEFAULT_DRAWS,
    block_days: int = DEFAULT_BLOCK_DAYS,
    level: float = DEFAULT_LEVEL,
    seed: int = DEFAULT_SEED,
) -> pl.DataFrame:
    """Per vendor: score, its `level` percentile interval and P(rank 1) over day-resampling draws."""
    scores = result.rescore(resampled_values(result, components, draws, block_days, seed))
    ranks = ranks_of(scores)
    tail = (1.0 - level) / 2.0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # vendors without any score
        low, high = np.nanquantile(scores, [tail, 1.0 - tail], axis=0)
    coarse = coarse_vendors(result)
    held = np.array([v in coarse for v in result.vendors], dtype=bool)
    low, high = np.where(held, np.nan, low), np.where(held, np.nan, high)
    p_first = np.full(len(result.vendors), np.nan) if coarse else (ranks == 1).mean(axis=0)
    frame = pl.DataFrame(
        {
            "vendor_id": list(result.vendors),
            "rank": [int(r) if r > 0 else None for r in result.ranks],
            "score": result.scores,
            "score_low": low,
            "score_high": high,
            "p_rank_1": p_first,
            "note": [_note(v, coarse) for v in result.vendors],
        },
        schema_overrides={"note": pl.String},
        nan_to_null=True,
    )
    return frame.sort(["rank", "vendor_id"], nulls_last=True)


def _note(vendor: str, coarse: dict[str, str]) -> str | None:
    if vendor in coarse:
        return f"not available: the source is {coarse[vendor]}, one row per {_unit(coarse[vendor])}"
    if coarse:
        return "P(rank 1) not available: a vendor's source is coarser than a day"
    return None


def _unit(grain: str) -> str:
    return {"monthly": "month", "weekly": "week", "quarterly": "quarter"}.get(grain, grain.replace("-", " "))


def wilson_interval(
    successes: np.ndarray | float, n: np.ndarray | float, level: float = DEFAULT_LEVEL
) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval for a proportion successes / n (NaN where n ≤ 0)."""
    z = NormalDist().inv_cdf(0.5 + level / 2.0)
    k, n = np.asarray(successes, dtype=float), np.asarray(n, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = np.clip(k / n, 0.0, 1.0)
        centre = (p + z * z / (2 * n)) / (1 + z * z / n)
        half = z / (1 + z * z / n) * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    bad = ~(n > 0)
    return np.where(bad, np.nan, centre - half), np.where(bad, np.nan, centre + half)


def wilson(result: Ranking, components: pl.DataFrame, level: float = DEFAULT_LEVEL) -> pl.DataFrame:
    """Wilson intervals for the preset's `wilson` rate KPIs and `min_events` flags, per vendor × KPI."""
    cols, num, den = _formulas(result)
    rows = []
    days = _vendor_days(components, result.vendors, cols)
    for vendor, (values, nulls) in zip(result.vendors, days, strict=True):
        sums, nul = values.sum(axis=0), nulls.sum(axis=0)
        value = _ratio(sums, nul, num, den)
        for j, k in enumerate(result.kpis):
            if not k.wilson and k.min_events is None:
                continue
            events = None if nul @ (den[:, j] != 0) > 0 else float(sums @ den[:, j])
            successes = None if nul @ (num[:, j] != 0) > 0 else float(sums @ num[:, j])
            lo = hi = None
            if k.wilson and events is not None and successes is not None and events > 0:
                lo, hi = (float(x) for x in wilson_interval(successes, events, level))
            rows.append(
                {
                    "vendor_id": vendor,
                    "kpi": k.id,
                    "value": None if np.isnan(value[j]) else float(value[j]),
                    "successes": successes if k.wilson else None,
                    "events": events,
                    "low": lo,
                    "high": hi,
                    "min_events": k.min_events,
                    "few_events": None if events is None or k.min_events is None else events < k.min_events,
                }
            )
    schema = {
        "vendor_id": pl.String,
        "kpi": pl.String,
        "value": pl.Float64,
        "successes": pl.Float64,
        "events": pl.Float64,
        "low": pl.Float64,
        "high": pl.Float64,
        "min_events": pl.Float64,
        "few_events": pl.Boolean,
    }
    return pl.DataFrame(rows, schema=schema)
