"""Staffing-adjusted service level on a day worked out by hand: staffed agents spread from agent time,
the callers' patience from the vendor's abandons, Erlang A expected against attained, and whose the
misses are."""

from __future__ import annotations

import math

import pytest
from kpi_fixtures import add_vendor, call, insert, new_db, ready

from scorecard.staffing.adjusted import agents_for, expected_sl, patience_s, staffing_review, volume_months
from scorecard.staffing.erlang import erlang_a


def _forecast(start: str, offered: float, staff: float | None) -> dict:
    return {
        "program": "sales",
        "interval_start": start,
        "interval_s": 1800,
        "forecast_offered": offered,
        "forecast_aht_s": 130.0,
        "required_staff": staff,
    }


def _day():
    con = new_db()
    add_vendor(con, "acme")
    at = "2026-04-15 10:{:02d}:00"
    calls = [  # 10:00-10:30: six calls where two were forecast; answered ones handle 100 + 10 + 20 s
        call("a1", "answered", 0, arrived_at=at.format(1)),
        call("a2", "answered", 10, arrived_at=at.format(2)),
        call("a3", "answered", 30, arrived_at=at.format(3)),
        call("a4", "answered", 40, arrived_at=at.format(4)),
        call("b1", "abandoned", 60, arrived_at=at.format(5)),
        call("b2", "abandoned", 50, arrived_at=at.format(6)),
        # 10:30-11:00: two calls, as forecast
        call("c1", "answered", 90, arrived_at=at.format(35)),
        call("c2", "abandoned", 30, arrived_at=at.format(40)),
    ]
    insert(con, "calls", "acme", calls)
    insert(con, "forecast", "acme", [
        _forecast("2026-04-15 10:00:00", 2, 2.0),
        _forecast("2026-04-15 10:30:00", 2, 1.0),
    ])  # fmt: skip
    agent = {"agent_id": "ag", "date": "2026-04-15", "scheduled_s": 8100.0, "staffed_s": 8100.0}
    insert(con, "agent_time", "acme", [agent | {"handle_s": 0.0, "available_s": 0.0, "in_adherence_s": 0.0}])
    return ready(con)


def test_patience_is_total_wait_over_abandons() -> None:
    assert patience_s(310.0, 3) == pytest.approx(310 / 3)
    assert patience_s(310.0, 0) is None and patience_s(0.0, 2) is None


def test_fractional_agents_interpolate_between_whole_numbers() -> None:
    one = erlang_a(2, 1800, 130, 1, 20, 100).service_level
    two = erlang_a(2, 1800, 130, 2, 20, 100).service_level
    assert expected_sl(2, 1800, 130.0, 1.5, 20, 100.0) == pytest.approx((one + two) / 2)
    assert expected_sl(2, 1800, 130.0, 0.0, 20, 100.0) == 0.0  # nobody staffed answers nothing


def test_agents_needed_erlang_c_by_hand() -> None:
    # 2 calls × 130 s / 1800 s = 0.1444 Erlang; one agent (M/M/1): P(wait) = 0.1444,
    # SL = 1 − 0.1444 × exp(−(1 − 0.1444) × 20 / 130) = 1 − 0.1444 × 0.8768 = 0.873 ≥ 0.8
    load = 2 * 130 / 1800
    assert 1 - load * math.exp(-(1 - load) * 20 / 130) == pytest.approx(0.8734, abs=1e-4)
    assert agents_for(2.0, 1800, 130.0, 20, 0.8, None) == 1
    assert agents_for(2.0, 1800, 130.0, 20, 0.8, 100.0) == 1  # Erlang A never needs more than C
    # 100 calls in 30 min at 180 s, T = 20 s: 14 agents give 0.888 (the published Erlang C value), 13 less
    assert agents_for(100.0, 1800, 180.0, 20, 0.88, None) == 14


def test_a_day_by_hand_separates_the_forecast_from_execution() -> None:
    review = staffing_review(_day())
    first, second = review.intervals.sort("interval_start").iter_rows(named=True)
    # Agent time: 8100 s staffed, spread by the agreed staff 2 : 1 -> 5400 s and 2700 s over 1800 s
    assert (first["staffed_agents"], second["staffed_agents"]) == (3.0, 1.5)
    # Patience: Σ wait of queued calls (0 + 10 + 30 + 40 + 60 + 50 + 90 + 30 = 310) / 3 abandons
    assert first["patience_s"] == pytest.approx(310 / 3)
    # 10:00: 6 queued, 2 answered within 20 s (a1, a2): 1/3; AHT 130 s; Erlang A with 3 agents
    assert first["attained_sl"] == pytest.approx(2 / 6)
    assert first["expected_sl"] == pytest.approx(erlang_a(6, 1800, 130, 3, 20, 103).service_level)
    # offered 6 > max(2 × 1.1, 2 + 2√2 = 4.83): a miss on volume above the forecast is the forecast's
    assert (first["above_forecast"], first["missed"], first["cause"]) == (True, True, "forecast")
    # 10:30: 2 queued, none within 20 s; 1.5 agents: halfway between 1 and 2 agents; 2 calls against 2
    # forecast, and the day's 8 against 4 is not beyond max(4.4, 4 + 2√4 = 8): not above the forecast
    half = (
        erlang_a(2, 1800, 130, 1, 20, 103).service_level + erlang_a(2, 1800, 130, 2, 20, 103).service_level
    ) / 2
    assert second["expected_sl"] == pytest.approx(half)
    assert second["gap"] == pytest.approx(0 - half) and second["gap"] < -0.05
    # gap −0.95 is below −max(5 pp, 2√(e(1 − e) / 2) ≈ 0.3): execution
    assert (second["above_forecast"], second["cause"]) == (False, "execution")
    # Staff the forecast needed at 80 % in 20 s: 2 calls of 130 s -> 1 agent (see the test above)
    assert (first["needed_erlang_c"], first["needed_erlang_a"]) == (1, 1)
    (summary,) = review.summary.iter_rows(named=True)
    # 8 queued calls missed: 6 on the forecast, 2 on execution -> the forecast's (6/8 ≥ 1/2)
    assert (summary["missed_calls"], summary["missed_calls_forecast"], summary["missed_calls_execution"]) == (
        8,
        6,
        2,
    )
    assert summary["verdict"] == "misses explained by volume above the client's forecast"
    # the period: (2 + 0) answered within T of 8 queued, against Σ queued × expected / 8
    assert summary["attained_sl"] == pytest.approx(2 / 8)
    expected = (6 * first["expected_sl"] + 2 * second["expected_sl"]) / 8
    assert summary["expected_sl"] == pytest.approx(expected)
    assert review.days.height == 1 and review.days["gap"][0] == pytest.approx(2 / 8 - expected)


def test_a_contract_band_widens_what_counts_as_above_forecast() -> None:
    review = staffing_review(_day(), volume_band_pct=250)  # 6 ≤ 2 × 3.5 and the day's 8 ≤ 4 × 3.5
    first = review.intervals.sort("interval_start").row(0, named=True)
    assert first["above_forecast"] is False and first["cause"] in ("execution", "staffing")
    months = volume_months(review.intervals, 250)
    # April: 8 offered against 4 forecast = 2.0, |2.0 − 1| = 1.0 ≤ 2.5
    assert months.row(0, named=True) == {
        "vendor_id": "acme", "month": "2026-04", "offered": 8, "forecast_offered": 4.0, "ratio": 2.0,
        "within_band": True,
    }  # fmt: skip


def test_without_agent_time_the_expected_level_is_unknown_not_zero() -> None:
    con = _day()
    con.execute("delete from raw_agent_time").fetchall()
    review = staffing_review(ready(con))
    assert review.intervals["staffed_agents"].to_list() == [None, None]
    assert review.intervals["expected_sl"].to_list() == [None, None]
    (summary,) = review.summary.iter_rows(named=True)
    assert summary["expected_sl"] is None
    # the 10:30 miss has no expected level to judge it by: no cause, not a guess
    assert review.intervals.sort("interval_start")["cause"].to_list() == ["forecast", None]


def test_the_quarterly_review_says_whose_the_misses_were() -> None:
    from scorecard.review.quarter import quarterly_review
    from scorecard.review.report import review_tables
    from scorecard.review.report.html import render_html
    from scorecard.workspace.contract import parse_contract

    contract = parse_contract(
        {"volume_band_pct": 10, "terms": [{"kpi": "service_level", "target": 0.8, "credit_pct": 5}]}, "x"
    )
    review = quarterly_review(_day(), "acme", "2026-Q2", contract)
    (table,) = [t for t in review_tables(review) if t.key == "staffing"]
    april, quarter = table.frame.iter_rows(named=True)
    assert (april["period"], quarter["period"]) == ("2026-04", "2026-Q2")
    # 8 queued; 6 of the missed calls on volume above the forecast, 2 on execution (the test above)
    assert (quarter["queued_calls"], quarter["missed_calls_forecast"], quarter["missed_calls_execution"]) == (
        8, 0.75, 0.25,
    )  # fmt: skip
    # volume: 8 offered against 4 forecast = 200 %, outside ± 10 %
    assert quarter["volume_vs_forecast"] == 2.0
    assert quarter["within_volume_band"] is False
    assert table.note.startswith("Acme, 2026-Q2: misses explained by volume above the client's forecast.")
    html = render_html(review)
    assert "Staffing against the forecast" in html and "200.0%" in html


def test_the_verdict_weighs_missed_calls_by_cause() -> None:
    from scorecard.staffing.adjusted import verdict

    row = {"attained_sl": 0.6, "missed_intervals": 10, "missed_calls": 100}
    causes = dict.fromkeys(("missed_calls_forecast", "missed_calls_execution", "missed_calls_staffing"), 0)
    assert verdict(row | causes | {"missed_calls_forecast": 50}, 0.8) == (
        "misses explained by volume above the client's forecast"  # half of the missed calls
    )
    assert verdict(row | causes | {"missed_calls_execution": 30, "missed_calls_staffing": 25}, 0.8) == (
        "misses not explained by volume: worse than the vendor's staffing allowed (execution)"
    )
    assert verdict(row | causes | {"missed_calls_execution": 20, "missed_calls_staffing": 60}, 0.8) == (
        "misses not explained by volume: what the vendor's staffing gave (a staffing decision)"
    )
    assert verdict(row | causes | {"missed_calls_forecast": 10}, 0.8) == (
        "misses not explained by volume; without agent time the staffing cannot be judged"
    )
    assert verdict(row | causes | {"attained_sl": 0.85}, 0.8) == "the period met the target"


def test_staffed_seconds_in_an_interval_report_come_before_agent_time() -> None:
    from kpi_fixtures import interval

    con = new_db()
    add_vendor(con, "acme")
    insert(con, "intervals", "acme", [
        # 30-minute forecast over two 15-minute report rows: 2.0 and 3.0 positions staffed
        interval("2026-04-15 10:00:00", answered=5, answered_in_sl=4, abandoned=1, staffed_s=1800.0,
                 answered_wait_s=50.0, abandoned_wait_s=40.0, talk_s=500.0),
        interval("2026-04-15 10:15:00", answered=4, answered_in_sl=4, staffed_s=2700.0, talk_s=400.0),
        interval("2026-04-15 10:30:00", answered=2, answered_in_sl=2, talk_s=200.0),  # no staffed time
    ])  # fmt: skip
    insert(con, "forecast", "acme", [
        _forecast("2026-04-15 10:00:00", 10, None),
        _forecast("2026-04-15 10:30:00", 2, None),
    ])  # fmt: skip
    agent = {"agent_id": "ag", "date": "2026-04-15", "scheduled_s": 7200.0, "staffed_s": 7200.0}
    insert(con, "agent_time", "acme", [agent | {"handle_s": 0.0, "available_s": 0.0, "in_adherence_s": 0.0}])
    review = staffing_review(ready(con))
    first, second = review.intervals.sort("interval_start").iter_rows(named=True)
    assert first["staffed_agents"] == 2.5  # (1800 + 2700) s / 1800 s
    # 10:30 has no staffed time in the report: agent time, 7200 s spread by forecast workload
    # 10 × 130 : 2 × 130 -> 7200 × 2/12 = 1200 s / 1800 s
    assert second["staffed_agents"] == pytest.approx(1200 / 1800)
