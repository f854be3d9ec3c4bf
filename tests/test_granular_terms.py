"""Day- and interval-level SLA terms by hand: the monthly share meeting the target, credits, the worst."""

from __future__ import annotations

import polars as pl
import pytest
from kpi_fixtures import add_vendor, call, insert, new_db, ready

from scorecard.errors import ConfigError
from scorecard.review import granular
from scorecard.review.quarter import contract_credits
from scorecard.workspace.contract import parse_contract

INVOICE = {"period_start": "2026-04-01", "period_end": "2026-04-30", "amount": 1000.0, "kind": "invoice"}
#: Service level per day (answered within 20 s / answered): 04-01 1/1, 04-02 1/1, 04-03 1/2, 04-04 0/1.
DAY_CALLS = [
    call("d1", wait_s=10, arrived_at="2026-04-01 09:00:00"),
    call("d2", wait_s=10, arrived_at="2026-04-02 09:00:00"),
    call("d3", wait_s=10, arrived_at="2026-04-03 09:00:00"),
    call("d4", wait_s=30, arrived_at="2026-04-03 09:05:00"),
    call("d5", wait_s=30, arrived_at="2026-04-04 09:00:00"),
]
#: One day (2026-04-06), service level per 30-minute interval: 07:30 0/1, 09:00 1/1, 09:30 0/1, 10:00 1/1.
INTERVAL_CALLS = [
    call("i1", wait_s=30, arrived_at="2026-04-06 07:45:00"),
    call("i2", wait_s=10, arrived_at="2026-04-06 09:00:00"),
    call("i3", wait_s=30, arrived_at="2026-04-06 09:40:00"),
    call("i4", wait_s=10, arrived_at="2026-04-06 10:10:00"),
]


def _db(calls):
    con = new_db()
    add_vendor(con, "acme")
    insert(con, "calls", "acme", calls)
    insert(con, "costs", "acme", [INVOICE])
    return ready(con)


def _term(**term):
    return parse_contract({"terms": [{"kpi": "service_level", "target": 0.8, "credit_pct": 5} | term]}, "t")


def test_a_day_term_is_missed_when_too_few_days_meet_the_target_and_owes_its_credit() -> None:
    con = _db(DAY_CALLS)
    contract = _term(period="day", min_share=0.75)
    credits = contract_credits(con, "acme", contract)
    a = credits.attainment.row(0, named=True)
    # 2 of 4 days at ≥ 80 % (04-01, 04-02) = 0.5 < 0.75: missed
    assert (a["period"], a["value"], a["status"]) == ("2026-04", 0.5, "missed")
    assert a["target"] == "service_level ≥ 0.8 in ≥ 75% of days"
    assert credits.monthly["credits_owed"].to_list() == [50.0]  # 5 % × 1,000
    worst = granular.worst(granular.term_detail(con, "acme", contract), ["2026-04"])
    # the days that missed, furthest from 80 % first: 04-04 (0 %: gap 0.8), 04-03 (50 %: gap 0.3)
    assert worst.select("at", "value").rows() == [("2026-04-04", 0.0), ("2026-04-03", 0.5)]


def test_a_day_term_met_by_enough_days_owes_nothing() -> None:
    credits = contract_credits(_db(DAY_CALLS), "acme", _term(period="day", min_share=0.5))
    assert credits.attainment.select("value", "status").rows() == [(0.5, "met")]  # 2 / 4 = 0.5 ≥ 0.5
    assert credits.monthly["credits_owed"].to_list() == [0.0]


def test_an_interval_term_counts_only_the_half_hours_within_its_hours() -> None:
    con = _db(INTERVAL_CALLS)
    inside = _term(period="interval", min_share=0.6, hours=["08:00", "20:00"])
    # 09:00 meets, 09:30 misses, 10:00 meets (07:30 is outside): 2 / 3 ≥ 0.6
    a = contract_credits(con, "acme", inside).attainment.row(0, named=True)
    assert (round(a["value"], 6), a["status"]) == (round(2 / 3, 6), "met")
    assert a["target"] == "service_level ≥ 0.8 in ≥ 60% of intervals 08:00–20:00"
    whole_day = _term(period="interval", min_share=0.6)
    credits = contract_credits(con, "acme", whole_day)
    # with 07:30: 2 / 4 = 0.5 < 0.6: missed, 5 % × 1,000 = 50 owed
    assert credits.attainment.select("value", "status").rows() == [(0.5, "missed")]
    assert credits.monthly["credits_owed"].to_list() == [50.0]
    worst = granular.worst(granular.term_detail(con, "acme", whole_day), ["2026-04"])
    assert worst["at"].to_list() == ["2026-04-06 07:30", "2026-04-06 09:30"]  # both at 0 %: in time order


@pytest.mark.parametrize(
    ("term", "problem"),
    [
        ({"period": "day"}, "key 'min_share' = None: a day term needs the share of days that must meet the "
         "target each month, a fraction above 0 up to 1 (0.9 for 90 %)"),
        ({"period": "month", "min_share": 0.9},
         "key 'min_share' applies to period \"day\" or \"interval\" only"),
        ({"period": "day", "min_share": 0.9, "hours": ["08:00", "20:00"]},
         "key 'hours' applies to period \"interval\" only"),
        ({"period": "interval", "min_share": 0.9, "hours": ["08:15", "20:00"]},
         "key 'hours' = ['08:15', '20:00']: expected [\"HH:MM\", \"HH:MM\"] on the half-hour, start "
         "before end ([\"08:00\", \"20:00\"]: intervals starting 08:00 up to 19:30, vendor-local)"),
    ],
)  # fmt: skip
def test_day_and_interval_term_mistakes_name_the_key(term: dict, problem: str) -> None:
    with pytest.raises(ConfigError) as err:
        _term(**term)
    assert str(err.value).split("\n  ")[1] == f"[[contract.terms]] #1: {problem}"


def test_an_interval_term_must_name_a_service_level() -> None:
    raw = {"terms": [{"kpi": "asa_s", "target": 30, "credit_pct": 1, "period": "interval", "min_share": 0.9}]}
    with pytest.raises(ConfigError) as err:
        parse_contract(raw, "t")
    assert "an interval term measures the service level per 30-minute interval; expected one of: " in str(
        err.value
    )


def test_the_review_shows_the_share_the_worst_days_and_each_credit_with_its_formula() -> None:
    from scorecard.review.quarter import quarterly_review
    from scorecard.review.report import review_tables

    contract = parse_contract(
        {"at_risk_cap_pct": 4, "terms": [
            {"kpi": "service_level", "target": 0.8, "credit_pct": 5, "period": "day", "min_share": 0.75},
            {"kpi": "asa_s", "target": 5, "credit_pct": 1},  # ASA 18 s: missed
        ]},
        "t",
    )  # fmt: skip
    review = quarterly_review(_db(DAY_CALLS), "acme", "2026-Q2", contract)
    tables = {t.key: t for t in review_tables(review)}
    sla = tables["sla"].frame.filter(pl.col("term") == 1)
    assert sla.select("target", "value", "status").rows() == [("≥ 80% in ≥ 75% of days", 0.5, "missed")]
    assert tables["worst"].frame.select("at", "value").rows() == [("2026-04-04", 0.0), ("2026-04-03", 0.5)]
    # due 5 % + 1 % of 1,000 = 60 > the 4 % cap (40): each keeps its share, 50 × 40 / 60 and 10 × 40 / 60
    assert tables["credit_lines"].frame["formula"].to_list() == [
        "5% × €1,000.00 invoice = €50.00; capped: × €40.00 cap ÷ €60.00 due = €33.33",
        "1% × €1,000.00 invoice = €10.00; capped: × €40.00 cap ÷ €60.00 due = €6.67",
    ]
