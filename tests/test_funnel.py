"""Funnel plots with Spiegelhalter's (2005) overdispersion-adjusted limits (scorecard.scoring.funnel)."""

from __future__ import annotations

import polars as pl
import pytest

from scorecard.scoring.funnel import funnel

FOUR = pl.DataFrame(
    {"vendor_id": ["a", "b", "c", "d"], "successes": [10, 30, 20, 5], "events": [100, 200, 100, 100]}
)


def test_few_vendors_get_binomial_limits() -> None:
    f = funnel(FOUR)  # 4 vendors < MIN_VENDORS: τ² would absorb the differences being judged
    assert f is not None and (f.tau2, f.adjusted) == (0.0, False)
    flags = dict(zip(f.vendors["vendor_id"], f.vendors["within_noise"], strict=True))
    # z (below): c 2.08 and d −2.38 lie outside ±1.96.
    assert flags == {"a": True, "b": True, "c": False, "d": False}


def test_overdispersed_vendors_are_all_within_the_noise() -> None:
    f = funnel(FOUR, min_vendors=4)
    assert f is not None
    assert f.pooled == 0.13  # 65 / 500
    # s² = 0.13 × 0.87 / n: 0.001131 (n = 100), 0.0005655 (n = 200); z = (p − 0.13) / s:
    # a −0.89205, b 0.84104, c 2.08146, d −2.37880; winsorised at the 10th / 90th percentiles
    # (−2.37880 + 0.3 × 1.48675 = −1.93277; 0.84104 + 0.7 × 1.24042 = 1.70933):
    # φ = (0.89205² + 0.84104² + 1.70933² + 1.93277²) / 4 = 8.16052 / 4 = 2.04013.
    assert f.phi == pytest.approx(2.04013, rel=1e-5)
    # w = 1 / s²: 884.173 × 3 and 1768.35; Σw = 4420.87, Σw² / Σw = 1237.84;
    # τ² = (4 × 2.04013 − 3) / (4420.87 − 1237.84) = 5.16052 / 3183.03 = 0.00162127.
    assert f.tau2 == pytest.approx(0.00162127, rel=1e-4)
    rows = {r["vendor_id"]: r for r in f.vendors.iter_rows(named=True)}
    # Unadjusted, c (z 2.08) and d (z −2.38) would be outside the 95 % limits; adjusted, d's
    # z = −0.08 / sqrt(0.001131 + 0.00162127) = −1.5249: within.
    assert rows["d"]["z_adjusted"] == pytest.approx(-1.5249, rel=1e-3)
    assert all(r["within_noise"] for r in rows.values())
    # 95 % limits at n = 100: 0.13 ± 1.959964 × sqrt(0.001131 + 0.00162127) = 0.13 ± 0.102824.
    assert rows["a"]["high_95"] == pytest.approx(0.232824, rel=1e-5)


def test_a_real_outlier_stands_out_after_the_adjustment() -> None:
    frame = pl.DataFrame(
        {"vendor_id": [f"v{i}" for i in range(10)], "successes": [50] * 9 + [150], "events": [1000] * 10}
    )
    f = funnel(frame)
    assert f is not None
    assert f.pooled == pytest.approx(0.06)  # 600 / 10,000
    # s = sqrt(0.06 × 0.94 / 1000) = 0.0075100; z: nine at −1.33156, one at 11.98402; the 90th
    # percentile is −1.33156 + 0.1 × 13.31558 = 0.0, so φ = 9 × 1.77305 / 10 = 1.59574;
    # τ² = (15.9574 − 9) / (10 w − w) with w = 1 / 0.0000564 = 17730.5: 6.9574 / 159574 = 0.0000436.
    assert f.phi == pytest.approx(1.59574, rel=1e-4)
    assert f.tau2 == pytest.approx(0.0000436, rel=1e-2)
    flags = dict(zip(f.vendors["vendor_id"], f.vendors["within_noise"], strict=True))
    # v9: 0.09 / sqrt(0.0000564 + 0.0000436) = 9.0 > 1.96; the others −0.01 / 0.0100 = −1.0.
    assert flags == {**{f"v{i}": True for i in range(9)}, "v9": False}


def test_no_spread_to_measure() -> None:
    assert funnel(pl.DataFrame({"vendor_id": ["a"], "successes": [3], "events": [10]})) is None
    assert funnel(pl.DataFrame({"vendor_id": ["a", "b"], "successes": [0, 0], "events": [10, 20]})) is None
    even = funnel(pl.DataFrame({"vendor_id": ["a", "b"], "successes": [10, 20], "events": [100, 200]}))
    assert even is not None and even.tau2 == 0.0 and even.phi == 0.0  # both exactly at the pooled 10 %


def test_noise_table_from_daily_components() -> None:
    from scorecard.scoring.funnel import noise_table

    # Two days per vendor; abandon_rate = (abandoned − short) / (queued − short).
    days = pl.DataFrame(
        {
            "vendor_id": ["a", "a", "b", "b", "c"],
            "queued": [50, 50, 100, 100, 100],
            "abandoned": [5, 5, 30, 30, 20],
            "short_abandoned": [0, 0, 0, 0, 0],
            "answered_in_sl": [40, 40, None, 80, 70],
        }
    )
    table = noise_table(days, ["abandon_rate", "service_level", "aht_s"])
    # aht_s is not a rate of events; service_level lacks b (a NULL day) and keeps a and c.
    assert sorted(set(table["kpi"])) == ["abandon_rate", "service_level"]
    ab = table.filter(pl.col("kpi") == "abandon_rate")
    assert ab["rate"].to_list() == [0.1, 0.3, 0.2]  # 10 / 100, 60 / 200, 20 / 100
    assert ab["pooled"].to_list() == [0.225] * 3  # (10 + 60 + 20) / (100 + 200 + 100)
    assert table.filter(pl.col("kpi") == "service_level")["vendor_id"].to_list() == ["a", "c"]
