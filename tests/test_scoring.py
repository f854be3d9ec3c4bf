"""Points, scores and ranks worked out by hand (docs/scoring.md).

Fixture: three vendors, three KPIs of the preset below (weights 50 / 20 / 30, sum 100).
  service_level  higher, target 0.80, floor 0.50
  avg_talk_s     band [270, 360], floor [120, 600]
  abandon_rate   lower, target 0.03, floor 0.10
         service_level  avg_talk_s  abandon_rate
  a      0.85           300         0.05
  b      0.65           480         0.03
  c      0.70           (missing)   0.08
"""

from __future__ import annotations

import polars as pl
import pytest

from scorecard.errors import PresetError, ScorecardError
from scorecard.scoring.points import contributions, rank, ranking, ranks_of
from scorecard.scoring.presets import parse_preset

APPROX = {"rel": 1e-12, "abs": 1e-12}


def _frame(rows: dict[str, tuple]) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "vendor_id": list(rows),
            "period": ["2026-Q2"] * len(rows),
            "answered": [1000] * len(rows),
            "service_level": [r[0] for r in rows.values()],
            "avg_talk_s": [r[1] for r in rows.values()],
            "abandon_rate": [r[2] for r in rows.values()],
        },
        schema_overrides={"avg_talk_s": pl.Float64},
    )


FRAME = _frame({"a": (0.85, 300.0, 0.05), "b": (0.65, 480.0, 0.03), "c": (0.70, None, 0.08)})


def _preset(weights: tuple[float, float, float] = (50, 20, 30), **top: str):
    sl, talk, ab = weights
    return parse_preset(
        {
            **top,
            "kpis": {
                "service_level": {"weight": sl, "target": 0.80, "floor": 0.50},
                "avg_talk_s": {"weight": talk, "band": [270, 360], "floor": [120, 600]},
                "abandon_rate": {"weight": ab, "target": 0.03, "floor": 0.10},
            },
        },
        "test.toml",
    )


def _col(table: pl.DataFrame, name: str) -> list:
    return table.sort("vendor_id")[name].to_list()


def test_fixed_points_and_scores_by_hand() -> None:
    table = rank(FRAME, _preset())
    assert table.columns == [
        "vendor_id", "period", "rank", "score", "coverage",
        "service_level", "service_level_points", "avg_talk_s", "avg_talk_s_points",
        "abandon_rate", "abandon_rate_points",
    ]  # fmt: skip
    assert table["vendor_id"].to_list() == ["a", "b", "c"]  # sorted by rank
    # service_level: a (0.85-0.50)/(0.80-0.50)=1.17 clamped -> 100; b 0.15/0.30 -> 50; c 0.20/0.30 -> 66.67
    assert _col(table, "service_level_points") == pytest.approx([100, 50, 200 / 3], **APPROX)
    # avg_talk_s: a inside [270, 360] -> 100; b above: (480-600)/(360-600)=0.5 -> 50; c missing -> 0
    assert _col(table, "avg_talk_s_points") == pytest.approx([100, 50, 0], **APPROX)
    assert _col(table, "avg_talk_s")[2] is None
    # abandon_rate (lower): a (0.05-0.10)/(0.03-0.10)=5/7 -> 71.43; b 0.03 -> 100; c 0.02/0.07 -> 28.57
    assert _col(table, "abandon_rate_points") == pytest.approx([500 / 7, 100, 200 / 7], **APPROX)
    # a: (50×100 + 20×100 + 30×500/7)/100 = 640/7 = 91.43; b: (2500 + 1000 + 3000)/100 = 65
    # c ("zero"): (50×200/3 + 20×0 + 30×200/7)/100 = 880/21 = 41.90
    assert _col(table, "score") == pytest.approx([640 / 7, 65, 880 / 21], **APPROX)
    assert _col(table, "rank") == [1, 2, 3]
    # coverage: c lacks avg_talk_s (weight 20 of 100)
    assert _col(table, "coverage") == pytest.approx([1, 1, 0.8], **APPROX)
    assert _col(table, "period") == ["2026-Q2"] * 3


def test_reweight_leaves_missing_kpis_out_of_both_sums() -> None:
    table = rank(FRAME, _preset(missing="reweight"))
    # c: (50×200/3 + 30×200/7) / (50 + 30) = (10000/3 + 6000/7)/80 = 1100/21 = 52.38
    assert _col(table, "score") == pytest.approx([640 / 7, 65, 1100 / 21], **APPROX)
    assert _col(table, "avg_talk_s_points")[2] is None
    assert _col(table, "coverage") == pytest.approx([1, 1, 0.8], **APPROX)


def test_weights_need_not_sum_to_100() -> None:
    # weights 5/2/3 (sum 10) and 50/20/30 (sum 100) have the same shares, so the same scores
    assert _col(rank(FRAME, _preset((5, 2, 3))), "score") == pytest.approx([640 / 7, 65, 880 / 21], **APPROX)
    # weights 1/1/1: a (100 + 100 + 500/7)/3 = 90.48; b (50 + 50 + 100)/3 = 66.67;
    # c (200/3 + 0 + 200/7)/3 = 2000/63 = 31.75
    scores = _col(rank(FRAME, _preset((1, 1, 1))), "score")
    assert scores == pytest.approx([(1400 + 500) / 21, 200 / 3, 2000 / 63], **APPROX)


def test_relative_method_by_hand() -> None:
    table = rank(FRAME, _preset(), method="relative")
    # service_level: best 0.85, worst 0.65 -> a 100, b 0, c (0.70-0.65)/0.20 = 25
    assert _col(table, "service_level_points") == pytest.approx([100, 0, 25], **APPROX)
    # avg_talk_s: distance outside [270, 360]: a 0, b 120 -> a 100, b 0; c missing -> 0 points
    assert _col(table, "avg_talk_s_points") == pytest.approx([100, 0, 0], **APPROX)
    # abandon_rate (lower): best 0.03, worst 0.08 -> a (0.05-0.08)/(0.03-0.08) = 60, b 100, c 0
    assert _col(table, "abandon_rate_points") == pytest.approx([60, 100, 0], **APPROX)
    # a (5000 + 2000 + 1800)/100 = 88; b 3000/100 = 30; c 50×25/100 = 12.5
    assert _col(table, "score") == pytest.approx([88, 30, 12.5], **APPROX)
    # reweight: c 1250 / 80 = 15.625
    scores = _col(rank(FRAME, _preset(), method="relative", missing="reweight"), "score")
    assert scores == pytest.approx([88, 30, 15.625], **APPROX)


def test_relative_all_equal_scores_100() -> None:
    frame = _frame({"a": (0.6, 300.0, 0.05), "b": (0.6, 300.0, 0.05)})
    table = rank(frame, _preset(method="relative"))
    assert table["score"].to_list() == [100.0, 100.0]
    assert table["rank"].to_list() == [1, 1]


def test_ties_share_a_rank() -> None:
    frame = _frame({"a": (0.85, 300.0, 0.05), "b": (0.65, 480.0, 0.03), "d": (0.85, 300.0, 0.05)})
    table = rank(frame, _preset())
    # a and d have identical values: 640/7 each -> rank 1, 1; b 65 -> rank 3
    assert table.select("vendor_id", "rank").rows() == [("a", 1), ("d", 1), ("b", 3)]
    assert ranks_of(pl.Series([2.0, 5.0, 5.0, float("nan"), 1.0]).to_numpy()).tolist() == [
        3, 1, 1, 0, 4,
    ]  # fmt: skip


def test_vendor_without_any_data() -> None:
    frame = _frame({"a": (0.85, 300.0, 0.05), "e": (None, None, None)})
    zero = rank(frame, _preset())
    assert zero.select("vendor_id", "rank", "score", "coverage").rows() == [
        ("a", 1, pytest.approx(640 / 7, **APPROX), 1.0),
        ("e", 2, 0.0, 0.0),
    ]
    reweight = rank(frame, _preset(missing="reweight"))
    assert reweight.select("vendor_id", "rank", "score", "coverage").rows()[1] == ("e", None, None, 0.0)


def test_lowest_bid_points() -> None:
    preset = parse_preset({"kpis": {"cost_per_call": {"weight": 1, "method": "lowest_bid"}}}, "bid.toml")
    frame = pl.DataFrame(
        {"vendor_id": ["a", "b", "c", "d"], "period": ["all"] * 4, "cost_per_call": [4.0, 5.0, 8.0, None]}
    )
    # 100 × lowest / x: a 100×4/4 = 100, b 100×4/5 = 80, c 100×4/8 = 50, d missing -> 0
    table = rank(frame, preset)
    assert table.select("vendor_id", "cost_per_call_points", "rank").rows() == [
        ("a", 100.0, 1), ("b", 80.0, 2), ("c", 50.0, 3), ("d", 0.0, 4),
    ]  # fmt: skip
    # a net cost of 0 or less (credits above invoices) scores 100; others against the lowest positive
    frame = frame.with_columns(pl.Series("cost_per_call", [-1.0, 5.0, 10.0, 0.0]))
    assert _col(rank(frame, preset), "cost_per_call_points") == [100.0, 100.0, 50.0, 100.0]


def test_contributions_sum_to_the_score() -> None:
    result = ranking(FRAME, _preset(missing="reweight"))
    contrib = contributions(result).filter(pl.col("vendor_id") == "c")
    # c under reweight: 50×(200/3)/80 = 41.67, talk not counted, 30×(200/7)/80 = 10.71; sum 1100/21
    values = contrib["contribution"].to_list()
    assert values[1] is None
    assert [values[0], values[2]] == pytest.approx([50 * 200 / 3 / 80, 30 * 200 / 7 / 80], **APPROX)
    assert values[0] + values[2] == pytest.approx(1100 / 21, **APPROX)
    zero = contributions(ranking(FRAME, _preset())).filter(pl.col("vendor_id") == "a")
    # a: 50×100/100 = 50, 20×100/100 = 20, 30×(500/7)/100 = 150/7
    assert zero["contribution"].to_list() == pytest.approx([50, 20, 150 / 7], **APPROX)
    assert zero.columns == ["vendor_id", "kpi", "weight", "value", "points", "contribution"]


def test_headline_kpis_resolve_through_the_workspace_variant() -> None:
    result = ranking(FRAME, _preset(), sl_variant="positive")
    assert result.kpis[0].id == "service_level"
    assert result.kpis[0].denominator == {"queued": 1}


def test_one_row_per_vendor_and_period() -> None:
    two = pl.concat([FRAME, FRAME.with_columns(pl.lit("2026-Q3").alias("period"))])
    with pytest.raises(ScorecardError) as err:
        rank(two, _preset())
    assert str(err.value) == "Ranking needs one row per vendor for one period (no program split)"
    other = FRAME.with_columns(pl.Series("period", ["2026-Q2", "2026-Q3", "2026-Q3"]))
    with pytest.raises(ScorecardError) as err:
        rank(other, _preset())
    assert str(err.value) == "Ranking needs one period; the KPI frame has ['2026-Q2', '2026-Q3']"


def test_missing_kpi_column() -> None:
    with pytest.raises(ScorecardError) as err:
        rank(FRAME.drop("abandon_rate"), _preset())
    assert str(err.value) == (
        "KPI column(s) abandon_rate missing from the KPI frame; build it with scorecard.metrics.kpis.kpis()"
    )


def test_fixed_override_needs_bounds() -> None:
    preset = parse_preset({"method": "relative", "kpis": {"revenue_per_call": {"weight": 1}}}, "sales.toml")
    frame = pl.DataFrame({"vendor_id": ["a", "b"], "period": ["all"] * 2, "revenue_per_call": [2.0, 3.0]})
    # relative: b best 3 -> 100, a worst 2 -> 0
    assert rank(frame, preset).select("vendor_id", "score").rows() == [("b", 100.0), ("a", 0.0)]
    with pytest.raises(PresetError) as err:
        rank(frame, preset, method="fixed")
    assert str(err.value) == (
        "sales.toml: kpis.revenue_per_call: no target and floor, so it cannot be scored with "
        "method 'fixed'; add target and floor or use method 'relative'"
    )
