"""Weight ranges (by hand and against brute force), weight perturbation, leave-one-out."""

from __future__ import annotations

import math

import numpy as np
import polars as pl
import pytest

from scorecard.scoring.points import TIE_TOLERANCE, Ranking, ranking
from scorecard.scoring.presets import parse_preset
from scorecard.scoring.sensitivity import (
    leave_one_out,
    perturbed_weights,
    rank_probabilities,
    stability,
    weight_ranges,
)

APPROX = {"rel": 1e-12, "abs": 1e-12}


def _two_kpi(weights: tuple[float, float], method: str = "fixed") -> Ranking:
    preset = parse_preset(
        {
            "method": method,
            "kpis": {
                "service_level": {"weight": weights[0], "target": 0.80, "floor": 0.50},
                "csat_rate": {"weight": weights[1], "target": 0.85, "floor": 0.50},
            },
        },
        "two.toml",
    )
    # points: a service_level 0.80 -> 100, csat 0.50 -> 0; b 0.65 -> 50, csat 0.85 -> 100
    frame = pl.DataFrame(
        {
            "vendor_id": ["a", "b"],
            "period": ["all"] * 2,
            "service_level": [0.80, 0.65],
            "csat_rate": [0.50, 0.85],
        }
    )
    return ranking(frame, preset)


def test_weight_range_by_hand() -> None:
    result = _two_kpi((70, 30))
    # a = 70×100/100 = 70, b = (70×50 + 30×100)/100 = 65: a wins
    ranges = weight_ranges(result)
    sl, csat = ranges.rows(named=True)
    # service_level weight t, csat 30: a = 100t/(t+30) ≥ b = (50t + 3000)/(t+30) <=> t ≥ 60
    assert sl == {
        "kpi": "service_level", "weight": 70.0, "share": 0.7,
        "weight_low": pytest.approx(60.0, **APPROX), "weight_high": math.inf,
        "share_low": pytest.approx(60 / 90, **APPROX), "share_high": 1.0,
        "winner": "a", "below_low_winner": "b", "above_high_winner": None,
    }  # fmt: skip
    # csat weight u, service_level 70: a = 7000/(70+u) ≥ b = (3500 + 100u)/(70+u) <=> u ≤ 35
    assert csat == {
        "kpi": "csat_rate", "weight": 30.0, "share": 0.3,
        "weight_low": 0.0, "weight_high": pytest.approx(35.0, **APPROX),
        "share_low": 0.0, "share_high": pytest.approx(35 / 105, **APPROX),
        "winner": "a", "below_low_winner": None, "above_high_winner": "b",
    }  # fmt: skip


def _stays_first(result: Ranking, j: int, t: np.ndarray | float, winner: int, tol: float) -> np.ndarray:
    """Brute force: for each weight t of KPI j, is `winner` still (tied) first? One rescore for all t."""
    w = np.tile(result.weights, (np.size(t), 1))
    w[:, j] = t
    s = result.rescore(result.values, w)
    return ~np.any(np.delete(s, winner, axis=1) > s[:, [winner]] + tol, axis=1)


def _random_ranking(seed: int, method: str, missing: str) -> Ranking:
    rng = np.random.default_rng(seed)
    ids = ["service_level", "abandon_rate", "asa_s", "avg_talk_s", "csat_rate", "qa_score"]
    kpis = {k: {"weight": int(rng.integers(0 if k == "qa_score" else 1, 10))} for k in ids}
    preset = parse_preset({"method": method, "missing": missing, "kpis": kpis}, "random.toml")
    n = 6
    values = {
        "service_level": rng.uniform(0.45, 0.85, n),
        "abandon_rate": rng.uniform(0.02, 0.12, n),
        "asa_s": rng.uniform(10, 130, n),
        "avg_talk_s": rng.uniform(100, 650, n),
        "csat_rate": rng.uniform(0.45, 0.9, n),
        "qa_score": rng.uniform(55, 95, n),
    }
    for k in values:  # about one value in six missing
        values[k][rng.uniform(size=n) < 1 / 6] = np.nan
    frame = pl.DataFrame({"vendor_id": [f"v{i}" for i in range(n)], "period": ["all"] * n, **values})
    return ranking(frame.fill_nan(None), preset)


@pytest.mark.parametrize("method", ["fixed", "relative"])
@pytest.mark.parametrize("missing", ["zero", "reweight"])
@pytest.mark.parametrize("seed", range(8))
def test_weight_range_matches_brute_force(seed: int, method: str, missing: str) -> None:
    result = _random_ranking(seed, method, missing)
    ranges = weight_ranges(result)
    winner = result.vendors.index(ranges["winner"][0])
    for j, row in enumerate(ranges.iter_rows(named=True)):
        low, high, t0 = row["weight_low"], row["weight_high"], row["weight"]
        assert low <= t0 <= high
        top = 4 * max(t0, high if math.isfinite(high) else 0, 10)
        grid = np.linspace(0, top, 2001)
        inside = grid[(grid >= low) & (grid <= high)]
        assert _stays_first(result, j, inside, winner, TIE_TOLERANCE).all()
        # outside the range (strict comparison: another vendor above the winner)
        assert not _stays_first(result, j, grid[(grid < low) | (grid > high)], winner, 0.0).any()
        if low > 0:  # the bound is the crossing point: first just above it, not just below
            eps = 1e-6 * low
            assert _stays_first(result, j, low + eps, winner, 0.0).all()
            assert not _stays_first(result, j, low - eps, winner, 0.0).any()
        if math.isfinite(high):
            eps = 1e-6 * high
            assert _stays_first(result, j, high - eps, winner, 0.0).all()
            assert not _stays_first(result, j, high + eps, winner, 0.0).any()
        else:
            assert _stays_first(result, j, 1e6, winner, TIE_TOLERANCE).all()


def test_perturbed_weights_centre_on_the_preset() -> None:
    draws = perturbed_weights(np.array([50.0, 30.0, 0.0, 20.0]), 2000, 50.0, 0)
    assert draws.shape == (2000, 4)
    assert np.allclose(draws.sum(axis=1), 1.0)
    assert (draws[:, 2] == 0).all()  # a weight of 0 stays 0
    assert draws.mean(axis=0) == pytest.approx([0.5, 0.3, 0.0, 0.2], abs=0.01)
    # share sd = sqrt(p(1-p)/(concentration+1)): 0.5 -> sqrt(0.25/51) = 0.070
    assert draws[:, 0].std() == pytest.approx(math.sqrt(0.25 / 51), rel=0.1)
    # one positive weight: nothing to perturb
    assert (perturbed_weights(np.array([0.0, 3.0]), 5, 50.0, 0) == [[0.0, 1.0]] * 5).all()


def test_rank_probabilities_deterministic_under_seed() -> None:
    result = _two_kpi((70, 30))
    first = rank_probabilities(result, draws=500, seed=1)
    assert first.equals(rank_probabilities(result, draws=500, seed=1))
    assert not first.equals(rank_probabilities(result, draws=500, seed=2))
    assert first.columns == ["vendor_id", "rank", "p_rank_1", "p_rank_2"]
    # a stays first while the service_level share is ≥ 2/3 (above); its share is Beta(35, 15)
    # distributed (concentration 50 × 0.7, 50 × 0.3), P(share ≥ 2/3) ≈ 0.70
    p_a = first.filter(pl.col("vendor_id") == "a")["p_rank_1"][0]
    assert 0.6 < p_a < 0.8
    assert (first["p_rank_1"] + first["p_rank_2"]).to_list() == [1.0, 1.0]


def test_rank_probabilities_certain_with_one_weight() -> None:
    result = _two_kpi((1, 0))
    # only service_level counts: a 100, b 50, whatever the draw
    probs = rank_probabilities(result, draws=100)
    assert probs.rows() == [("a", 1, 1.0, 0.0), ("b", 2, 0.0, 1.0)]


def _reversal() -> Ranking:
    # relative method, weights 10 (qa_score) and 12 (conversion_rate)
    preset = parse_preset(
        {
            "method": "relative",
            "kpis": {"qa_score": {"weight": 10}, "conversion_rate": {"weight": 12}},
        },
        "rel.toml",
    )
    frame = pl.DataFrame(
        {
            "vendor_id": ["a", "b", "c"],
            "period": ["all"] * 3,
            "qa_score": [10.0, 0.0, 5.0],
            "conversion_rate": [0.0, 6.0, 10.0],
        }
    )
    return ranking(frame, preset)


def test_leave_one_out_detects_relative_rank_reversal() -> None:
    result = _reversal()
    # all three: qa points a 100, b 0, c 50; conversion a 0, b 60, c 100
    # scores a 1000/22 = 45.45, b 720/22 = 32.73, c (500 + 1200)/22 = 77.27: c > a > b
    assert result.table["vendor_id"].to_list() == ["c", "a", "b"]
    # without c: conversion range [0, 6] -> b 100: a 1000/22 = 45.45 < b 1200/22 = 54.55
    # without a: c > b on both KPIs; without b: a 1000/22 < c 1200/22, as before
    assert leave_one_out(result).rows() == [
        ("a", True, "c > b"),
        ("b", True, "c > a"),
        ("c", False, "b > a"),
    ]


def test_leave_one_out_unchanged_for_fixed_bounds() -> None:
    result = _random_ranking(3, "fixed", "zero")
    assert leave_one_out(result)["unchanged"].all()
    report = stability(result, draws=100)
    assert report.notes[1] == "Leave-one-out: order unchanged by construction (fixed bounds)."
    assert report.bootstrap is None and report.wilson is None
    relative = stability(_reversal(), draws=100)
    assert relative.notes[1] == "Leave-one-out: 1 removal(s) change the order."
