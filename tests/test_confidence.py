"""Block bootstrap of days, Wilson intervals and too-few-events flags, on hand-sized daily components."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import polars as pl
import pytest

from scorecard.metrics import catalogue
from scorecard.scoring.confidence import (
    block_counts,
    bootstrap,
    resampled_values,
    wilson,
    wilson_interval,
)
from scorecard.scoring.points import Ranking, ranking
from scorecard.scoring.presets import parse_preset

START = date(2026, 4, 1)


def _days(vendor: str, n: int, **cols: list[float | None] | float) -> pl.DataFrame:
    """n daily rows for one vendor; every component 0 unless given (a scalar or one value per day)."""
    data: dict[str, object] = {
        "vendor_id": [vendor] * n,
        "local_date": [START + timedelta(days=d) for d in range(n)],
    }
    for c in catalogue.COMPONENT_COLUMNS:
        value = cols.get(c, 0.0)
        data[c] = value if isinstance(value, list) else [value] * n
    return pl.DataFrame(data, schema_overrides=dict.fromkeys(catalogue.COMPONENT_COLUMNS, pl.Float64))


# a: 14 identical days, service level 90/100 = 0.90 every day, ASA 1000 s / 100 = 10 s
# b: a week at 60/100, a week at 70/100 -> 1330/2000 = 0.65 over the fortnight; ASA 3000/100 = 30 s
# c: like a, but one day's answered_in_sl is unknown (NULL) -> service level unknown for the period
COMPONENTS = pl.concat(
    [
        _days("a", 14, queued=100, answered=100, answered_in_sl=90, answered_wait_s=1000),
        _days(
            "b", 14, queued=100, answered=100, answered_in_sl=[60.0] * 7 + [70.0] * 7,
            answered_wait_s=3000,
        ),
        _days(
            "c", 14, queued=100, answered=100, answered_in_sl=[None] + [90.0] * 13,
            answered_wait_s=1000,
        ),
    ]
)  # fmt: skip
FRAME = pl.DataFrame(
    {
        "vendor_id": ["a", "b", "c"],
        "period": ["2026-04"] * 3,
        "service_level": [0.90, 0.65, None],
        "asa_s": [10.0, 30.0, 10.0],
    }
)


def _ranking(weights: tuple[float, float] = (1, 0)) -> Ranking:
    preset = parse_preset(
        {
            "kpis": {
                "service_level": {"weight": weights[0], "target": 0.80, "floor": 0.50},
                "asa_s": {"weight": weights[1], "target": 20, "floor": 120},
            }
        },
        "conf.toml",
    )
    return ranking(FRAME, preset)


def test_block_counts() -> None:
    rng = np.random.default_rng(0)
    # one 7-day block over a 7-day circle covers every day once, wherever it starts
    assert (block_counts(rng, 50, 7, 7) == 1).all()
    # 10 days: ceil(10/7) = 2 blocks of 7, cut to 10 draws -> each row sums to 10
    counts = block_counts(np.random.default_rng(1), 200, 10, 7)
    assert counts.shape == (200, 10)
    assert (counts.sum(axis=1) == 10).all()
    assert (block_counts(np.random.default_rng(1), 200, 10, 7) == counts).all()
    assert block_counts(rng, 3, 0, 7).shape == (3, 0)


def test_resampled_values_recompute_kpis_from_components() -> None:
    values = resampled_values(_ranking(), COMPONENTS, draws=300, seed=4)
    assert values.shape == (300, 3, 2)
    # a: every day 0.90 and 10 s, so every draw gives 0.90 and 10 s
    assert np.allclose(values[:, 0, 0], 0.90) and np.allclose(values[:, 0, 1], 10.0)
    # b: a mix of 0.60 and 0.70 days; 7-day blocks on a 14-day circle: 0.60 ≤ x ≤ 0.70
    assert ((values[:, 1, 0] >= 0.60 - 1e-12) & (values[:, 1, 0] <= 0.70 + 1e-12)).all()
    assert np.unique(values[:, 1, 0].round(12)).size > 3
    # c: service level unknown in the period -> missing in every draw; ASA unaffected (10 s)
    assert np.isnan(values[:, 2, 0]).all()
    assert np.allclose(values[:, 2, 1], 10.0)


def test_bootstrap_intervals_and_p_rank_1() -> None:
    result = _ranking()
    boot = bootstrap(result, COMPONENTS, draws=300, seed=4)
    assert boot.columns == ["vendor_id", "rank", "score", "score_low", "score_high", "p_rank_1", "note"]
    assert boot["note"].null_count() == boot.height  # every source is daily: nothing to say
    a, b, c = boot.rows(named=True)
    # a: service level 0.90 in every draw -> 100 points -> interval [100, 100], always first
    assert (a["vendor_id"], a["score"], a["score_low"], a["score_high"], a["p_rank_1"]) == (
        "a", 100.0, 100.0, 100.0, 1.0,
    )  # fmt: skip
    # b: 0.65 -> (0.65-0.50)/0.30 = 50 points; draws between 0.60 (33.3) and 0.70 (66.7)
    assert b["score"] == pytest.approx(50.0, rel=1e-12)
    assert 100 / 3 - 1e-9 <= b["score_low"] < 50 < b["score_high"] <= 200 / 3 + 1e-9
    assert b["p_rank_1"] == 0.0
    # c: service level missing, "zero" policy -> 0 points in every draw
    assert (c["score"], c["score_low"], c["score_high"], c["p_rank_1"]) == (0.0, 0.0, 0.0, 0.0)


def test_bootstrap_deterministic_under_seed() -> None:
    result = _ranking((1, 1))
    first = bootstrap(result, COMPONENTS, draws=200, seed=11)
    assert first.equals(bootstrap(result, COMPONENTS, draws=200, seed=11))
    assert not first.equals(bootstrap(result, COMPONENTS, draws=200, seed=12))


def test_wilson_interval_by_hand() -> None:
    # z = 1.6449 (90 %), z² = 2.7055; 8/10: p = 0.8, centre = (0.8 + 2.7055/20) / (1 + 2.7055/10)
    # = 0.93528/1.27055 = 0.73612; half = 1.6449/1.27055 × sqrt(0.8×0.2/10 + 2.7055/400) = 0.19532
    low, high = wilson_interval(8, 10)
    assert (float(low), float(high)) == pytest.approx((0.5407928056874881, 0.9314420122624679))
    low, high = wilson_interval(np.array([0.0, 3.0]), np.array([0.0, 3.0]))
    assert np.isnan(low[0]) and np.isnan(high[0])
    assert high[1] == pytest.approx(1.0) and low[1] < 1.0


def test_wilson_and_few_events() -> None:
    components = pl.concat(
        [
            # 5 days × 9 satisfied of 10 surveys = 45 / 50; 10 days × 8/10 = 80/100 surveys
            _days("a", 5, csat_satisfied=9, csat_n=10, queued=10, answered=10, answered_in_sl=8),
            _days("b", 10, csat_satisfied=8, csat_n=10),
        ]
    )
    frame = pl.DataFrame(
        {
            "vendor_id": ["a", "b"],
            "period": ["2026-04"] * 2,
            "csat_rate": [0.9, 0.8],
            "service_level": [0.8, None],
            "asa_s": [0.0, None],
        }
    )
    preset = parse_preset(
        {"kpis": {"csat_rate": {"weight": 1}, "service_level": {"weight": 1}, "asa_s": {"weight": 1}}},
        "w.toml",
    )
    table = wilson(ranking(frame, preset), components)
    # asa_s is neither a Wilson rate nor has min_events: not listed
    assert table.select("vendor_id", "kpi", "successes", "events", "few_events").rows() == [
        ("a", "csat_rate", 45.0, 50.0, True),  # 50 surveys < min_events 100
        ("a", "service_level", 40.0, 50.0, None),  # 5 days × 8 / 10; no min_events
        ("b", "csat_rate", 80.0, 100.0, False),  # 100 surveys: enough
        ("b", "service_level", 0.0, 0.0, None),  # no calls: no interval
    ]
    # a csat 45/50: p = 0.9, centre = (0.9 + 2.7055/100)/(1 + 2.7055/50) = 0.87947, half 0.07100
    a_csat = table.row(0, named=True)
    assert (a_csat["low"], a_csat["high"]) == pytest.approx((0.8084624858484292, 0.9504709655225548))
    assert table.row(3, named=True)["low"] is None and table.row(3, named=True)["value"] is None
