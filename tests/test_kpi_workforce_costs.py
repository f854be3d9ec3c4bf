"""Agent-time KPIs, costs spread over days at each month's FX rate, revenue conversion, FX gaps."""

from __future__ import annotations

import duckdb
import pytest
from kpi_fixtures import add_fx, add_vendor, call, insert, new_db, notes, one, ready

from scorecard.metrics.kpis import daily_components, kpis
from scorecard.sql.views import run_audits


def test_occupancy_adherence_attendance() -> None:
    # ag1 worked its 8 h shift; ag2 was scheduled but absent; ag3 came unscheduled for 1 h.
    con = new_db()
    add_vendor(con, "acme")
    rows = [
        {"agent_id": "ag1", "scheduled_s": 28800.0, "staffed_s": 28800.0, "handle_s": 18000.0,
         "available_s": 4000.0, "in_adherence_s": 27000.0},
        {"agent_id": "ag2", "scheduled_s": 28800.0, "staffed_s": 0.0, "handle_s": 0.0,
         "available_s": 0.0, "in_adherence_s": 0.0},
        {"agent_id": "ag3", "scheduled_s": 0.0, "staffed_s": 3600.0, "handle_s": 2000.0,
         "available_s": 1000.0, "in_adherence_s": 0.0},
    ]  # fmt: skip
    insert(con, "agent_time", "acme", [r | {"date": "2026-04-15"} for r in rows])
    k = one(ready(con))
    assert k["occupancy_rate"] == 0.8  # (18000 + 0 + 2000) / (18000 + 4000 + 0 + 0 + 2000 + 1000)
    assert k["adherence_rate"] == 27000 / 57600  # 27000 / (28800 + 28800 + 0) = 0.46875
    assert k["attendance_rate"] == 0.5  # ag1 present / ag1, ag2 scheduled
    day = daily_components(con).row(0, named=True)
    assert (day["agent_days_present"], day["agent_days_scheduled"]) == (1, 2)
    assert day["answered"] is None  # acme sends no calls


def _cost_db() -> object:
    # acme is billed in USD; March rate 0.9 EUR, April 0.8 EUR per USD.
    con = new_db()
    add_vendor(con, "acme", currency="USD")
    add_fx(con, "2026-03", "USD", 0.9)
    add_fx(con, "2026-04", "USD", 0.8)
    costs = [
        # 400 USD over 30 Mar - 2 Apr (4 days, across a month and a quarter): 100 USD a day.
        {"period_start": "2026-03-30", "period_end": "2026-04-02", "amount": 400.0, "kind": "invoice"},
        # A credit of 40 USD on 1 Apr: negative, counts in the net cost.
        {"period_start": "2026-04-01", "period_end": "2026-04-01", "amount": -40.0, "kind": "credit"},
    ]
    insert(con, "costs", "acme", costs)
    calls = [
        call("m1", arrived_at="2026-03-30 10:00:00"),
        call("m2", "self_service", 0, arrived_at="2026-03-31 10:00:00"),
        *[call(f"a{i}", arrived_at="2026-04-01 10:00:00") for i in range(4)],
    ]
    insert(con, "calls", "acme", calls)
    return ready(con)


def test_cost_spread_by_day_at_each_months_rate() -> None:
    con = _cost_db()
    by_day = dict(daily_components(con).select("local_date", "cost_base").iter_rows())
    assert [d.isoformat() for d in by_day] == ["2026-03-30", "2026-03-31", "2026-04-01", "2026-04-02"]
    assert list(by_day.values()) == pytest.approx([90.0, 90.0, 48.0, 80.0])
    # 100 × 0.9; 100 × 0.9; (100 − 40) × 0.8; 100 × 0.8


def test_cost_per_call_by_quarter() -> None:
    q1, q2 = kpis(_cost_db(), grain="quarter").iter_rows(named=True)
    assert (q1["period"], q1["handled"]) == ("2026-Q1", 2)  # m1 answered + m2 self-service
    assert q1["cost_per_call"] == pytest.approx(90.0)  # (90 + 90) / 2
    assert (q2["period"], q2["handled"]) == ("2026-Q2", 4)
    assert q2["cost_per_call"] == pytest.approx(32.0)  # (48 + 80) / 4
    whole = one(_cost_db())
    assert whole["cost_per_call"] == pytest.approx(308 / 6)  # (180 + 128) / (2 + 4)


def test_base_currency_costs_need_no_rate() -> None:
    con = new_db()
    add_vendor(con, "acme", currency="EUR")
    insert(
        con,
        "costs",
        "acme",
        [{"period_start": "2026-04-11", "period_end": "2026-04-20", "amount": 50.0, "kind": "invoice"}],
    )
    insert(con, "calls", "acme", [call("a"), call("b")])  # both on 15 April
    assert one(ready(con))["cost_per_call"] == 25.0  # 50 EUR / 2 handled
    assert run_audits(con) == {}


def test_days_without_cost_coverage_make_cost_per_call_unknown() -> None:
    con = new_db()
    add_vendor(con, "acme", currency="EUR")
    # Costs cover 1–10 April; the calls are on 15 April, a day no invoice covers: unknown, not free.
    insert(
        con,
        "costs",
        "acme",
        [{"period_start": "2026-04-01", "period_end": "2026-04-10", "amount": 50.0, "kind": "invoice"}],
    )
    insert(con, "calls", "acme", [call("a"), call("b")])
    ready(con)
    assert one(con)["cost_per_call"] is None
    assert notes(con)["cost_per_call"] == "the cost data does not cover every day of the period"
    first = kpis(con, grain="day", end="2026-04-10").row(0, named=True)
    assert first["period"] == "2026-04-01" and first["handled"] == 0  # covered day, no calls


def test_missing_fx_rate_makes_cost_null_with_the_currency_and_month() -> None:
    con = new_db()
    add_vendor(con, "acme", currency="USD")
    add_fx(con, "2026-04", "USD", 0.8)
    costs = [
        {"period_start": "2026-04-30", "period_end": "2026-05-01", "amount": 200.0, "kind": "invoice"}
    ]  # May: no rate
    insert(con, "costs", "acme", costs)
    insert(con, "calls", "acme", [call("a", arrived_at="2026-04-30 10:00:00")])
    ready(con)
    assert one(con)["cost_per_call"] is None  # 100 × 0.8 + 100 × unknown
    assert notes(con)["cost_per_call"] == "no FX rate for USD 2026-05"
    april = kpis(con, grain="month", end="2026-04-30").row(0, named=True)
    assert april["cost_per_call"] == 80.0  # 100 USD × 0.8 / 1 handled: April is fully known
    gaps = run_audits(con)["assert_fx_rates_cover_costs"]
    assert gaps.rows() == [("acme", "USD", "2026-05", 1)]


def test_revenue_converted_at_the_month_rate_of_the_local_date() -> None:
    con = new_db()
    add_vendor(con, "acme", currency="USD")
    add_fx(con, "2026-04", "USD", 0.9)
    add_fx(con, "2026-05", "USD", 0.8)
    calls = [
        call("a", arrived_at="2026-04-15 10:00:00", revenue=100.0),
        call("b", arrived_at="2026-05-02 10:00:00", revenue=200.0),
        call("c", arrived_at="2026-05-02 11:00:00"),  # no revenue on this call: 0
    ]
    insert(con, "calls", "acme", calls)
    k = one(ready(con))
    assert k["revenue_per_call"] == pytest.approx(250 / 3)  # (100 × 0.9 + 200 × 0.8 + 0) / 3 handled
    assert k["conversion_rate"] == 2 / 3  # a, b / 3 answered


def test_missing_fx_rate_for_revenue_is_audited() -> None:
    con = new_db()
    add_vendor(con, "acme", currency="GBP")
    insert(con, "calls", "acme", [call("a", revenue=10.0), call("b", revenue=0.0)])
    ready(con)
    assert one(con)["revenue_per_call"] is None
    assert notes(con)["revenue_per_call"] == "no FX rate for GBP 2026-04"
    assert one(con)["conversion_rate"] == 1 / 2  # sales need no rate
    assert run_audits(con)["assert_fx_rates_cover_revenue"].rows() == [("acme", "GBP", "2026-04", 1)]


def test_agent_seconds_are_never_unknown_in_the_raw_table() -> None:
    # The model requires every agent-time field (schemas.AgentTime), so its raw table refuses an empty
    # one: occupancy and adherence never sum over an unknown part.
    con = new_db()
    add_vendor(con, "acme")
    row = {"agent_id": "ag2", "date": "2026-04-15", "scheduled_s": 3600.0, "staffed_s": 3600.0,
           "handle_s": None, "available_s": 600.0, "in_adherence_s": 3600.0}  # fmt: skip
    with pytest.raises(
        duckdb.ConstraintException, match=r"NOT NULL constraint failed: raw_agent_time\.handle_s"
    ):
        insert(con, "agent_time", "acme", [row])
