"""Noise told apart from difference: funnel plots of rate KPIs with overdispersion-adjusted control limits.

Spiegelhalter, "Handling over-dispersion of performance indicators", Qual Saf Health Care 2005;14:347-351,
additive random-effects method: the target is the pooled rate p0 = Σ successes / Σ events; each vendor's
z-score is (p − p0) / s with s² = p0 (1 − p0) / n; the overdispersion φ = mean of the squared z-scores
winsorised at their 10th and 90th percentiles; when I φ > I − 1 (I vendors) the between-vendor variance is
τ² = (I φ − (I − 1)) / (Σ w − Σ w² / Σ w) with w = 1 / s², else 0. Control limits at volume n:
p0 ± z sqrt(p0 (1 − p0) / n + τ²), z = 1.96 (95 %) and 3.09 (99.8 %). A vendor inside the 95 % limits
differs from the pool by no more than noise would.

With few vendors (fewer than MIN_VENDORS) τ² cannot be told apart from the very differences being judged
(with three bidders it absorbs them all and every vendor looks like noise), so the limits stay binomial
(τ² = 0) and `Funnel.adjusted` says so.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

Z95, Z998 = 1.959964, 3.090232
#: Vendors needed before the between-vendor variance is estimated (below it, binomial limits).
MIN_VENDORS = 10


@dataclass(frozen=True)
class Funnel:
    """The pooled rate, the overdispersion, the between-vendor variance and the per-vendor rows."""

    pooled: float
    phi: float
    tau2: float
    vendors: pl.DataFrame
    #: True when the limits include the between-vendor variance (enough vendors to estimate it).
    adjusted: bool = True

    def limits(self, events: np.ndarray | float, z: float = Z95) -> tuple[np.ndarray, np.ndarray]:
        """Lower and upper control limits at these volumes (clipped to [0, 1])."""
        n = np.asarray(events, dtype=float)
        half = z * np.sqrt(self.pooled * (1 - self.pooled) / n + self.tau2)
        return np.clip(self.pooled - half, 0, 1), np.clip(self.pooled + half, 0, 1)


def funnel(frame: pl.DataFrame, min_vendors: int = MIN_VENDORS) -> Funnel | None:
    """`frame`: vendor_id, successes, events (one row per vendor). None with fewer than two vendors with
    events, or a pooled rate of 0 or 1 (no spread to measure). The overdispersion adjustment needs
    `min_vendors` vendors."""
    rows = frame.filter(pl.col("events") > 0, pl.col("successes").is_not_null())
    if rows.height < 2:
        return None
    y, n = rows["successes"].cast(pl.Float64).to_numpy(), rows["events"].cast(pl.Float64).to_numpy()
    pooled = float(y.sum() / n.sum())
    if not 0 < pooled < 1:
        return None
    s2 = pooled * (1 - pooled) / n
    z = (y / n - pooled) / np.sqrt(s2)
    low, high = np.quantile(z, [0.1, 0.9])
    phi = float(np.mean(np.clip(z, low, high) ** 2))
    count = len(z)
    w = 1 / s2
    enough = count >= min_vendors
    tau2 = max(0.0, (count * phi - (count - 1)) / (w.sum() - (w**2).sum() / w.sum())) if enough else 0.0
    adjusted = (y / n - pooled) / np.sqrt(s2 + tau2)
    result = Funnel(pooled, phi, tau2, pl.DataFrame(), enough)
    lo95, hi95 = result.limits(n, Z95)
    lo998, hi998 = result.limits(n, Z998)
    vendors = rows.select("vendor_id", "successes", "events").with_columns(
        rate=pl.Series(y / n),
        z=pl.Series(z),
        z_adjusted=pl.Series(adjusted),
        low_95=pl.Series(lo95),
        high_95=pl.Series(hi95),
        low_998=pl.Series(lo998),
        high_998=pl.Series(hi998),
        within_noise=pl.Series(np.abs(adjusted) < Z95),
    )
    return Funnel(pooled, phi, tau2, vendors, enough)


def noise_table(
    components: pl.DataFrame, kpi_ids: list[str], sl_variant: str = "negative", fcr_method: str = "survey"
) -> pl.DataFrame:
    """For each rate KPI with independent events (catalogue `wilson`), each vendor's rate, events, 95 %
    limits around the pooled rate and whether it is within the noise, from the daily components of the
    period (`scorecard.metrics.kpis.daily_components`). A vendor with an unknown component is left out."""
    from scorecard.metrics import catalogue

    rows = []
    for kpi_id in kpi_ids:
        k = catalogue.kpi(kpi_id, sl_variant, fcr_method)
        if not k.wilson:
            continue
        used = list(dict.fromkeys([*k.numerator, *k.denominator]))
        sums = components.group_by("vendor_id").agg(
            *(pl.col(c).sum() for c in used), *(pl.col(c).null_count().alias(f"{c}__nulls") for c in used)
        )
        known = sums.filter(pl.all_horizontal(pl.col(f"{c}__nulls") == 0 for c in used))
        frame = known.select(
            "vendor_id",
            successes=pl.sum_horizontal(pl.col(c) * w for c, w in k.numerator.items()),
            events=pl.sum_horizontal(pl.col(c) * w for c, w in k.denominator.items()),
        )
        result = funnel(frame)
        if result is None:
            continue
        rows.append(
            result.vendors.with_columns(
                kpi=pl.lit(kpi_id), pooled=pl.lit(result.pooled), tau2=pl.lit(result.tau2)
            )
        )
    if not rows:
        return pl.DataFrame(
            schema={"vendor_id": pl.String, "kpi": pl.String, "rate": pl.Float64, "within_noise": pl.Boolean}
        )
    return pl.concat(rows, how="diagonal_relaxed").sort("kpi", "vendor_id")
