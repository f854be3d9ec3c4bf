"""KPIs from call records (CDRs): every call-based KPI on a hand-checkable fixture, and the edge cases.

Workspace: T = sl_threshold_s = 20 s, short_abandon_s = 5 s, base currency EUR (kpi_fixtures defaults).
"""

from __future__ import annotations

import pytest
from kpi_fixtures import add_vendor, call, insert, new_db, notes, one, ready

from scorecard.metrics.kpis import daily_components, kpis

# Eight calls of one day (2026-04-15, program sales):
#   a1 answered wait 20 (= T: in SL), talk 100 hold 10 acw 20, transferred, revenue 50
#   a2 answered wait 21 (> T),        talk 200 hold  0 acw 40, revenue unknown (counts 0)
#   a3 answered wait  5,              talk  60 hold 20 acw  0, revenue 0 (not a sale)
#   b1 abandoned wait  5 (= short_abandon_s: NOT short; <= T: abandoned in SL)
#   b2 abandoned wait  4 (< 5: short; in SL)
#   b3 abandoned wait 45 (long, not in SL)
#   k1 blocked, s1 self_service
CALLS = [
    call("a1", "answered", 20, talk_s=100, hold_s=10, acw_s=20, transferred=True, revenue=50.0),
    call("a2", "answered", 21, talk_s=200, hold_s=0, acw_s=40),
    call("a3", "answered", 5, talk_s=60, hold_s=20, acw_s=0, revenue=0.0),
    call("b1", "abandoned", 5),
    call("b2", "abandoned", 4),
    call("b3", "abandoned", 45),
    call("k1", "blocked", 0),
    call("s1", "self_service", 0),
]


def calls_db(**settings: object):
    con = new_db(**settings)
    add_vendor(con, "acme")
    insert(con, "calls", "acme", CALLS)
    return ready(con)


def test_call_components_by_hand() -> None:
    day = daily_components(calls_db()).row(0, named=True)
    assert day["local_date"].isoformat() == "2026-04-15"
    assert day["answered"] == 3  # a1, a2, a3
    assert day["abandoned"] == 3  # b1, b2, b3
    assert day["blocked"] == 1  # k1
    assert day["self_service"] == 1  # s1
    assert day["queued"] == 6  # 3 answered + 3 abandoned
    assert day["offered"] == 7  # 6 queued + 1 self-service
    assert day["attempts"] == 8  # 7 offered + 1 blocked
    assert day["handled"] == 4  # 3 answered + 1 self-service
    assert day["answered_in_sl"] == 2  # a1 (20 <= 20), a3 (5); not a2 (21)
    assert day["abandoned_in_sl"] == 2  # b1 (5), b2 (4); not b3 (45)
    assert day["short_abandoned"] == 1  # b2 (4 < 5); b1 waits exactly 5: not short
    assert day["answered_wait_s"] == 46.0  # 20 + 21 + 5
    assert day["long_abandon_wait_s"] == 50.0  # b1 5 + b3 45 (b2 is short)
    assert (day["talk_s"], day["hold_s"], day["acw_s"]) == (360.0, 30.0, 60.0)  # 100+200+60, 10+0+20, 20+40+0
    assert day["transferred"] == 1  # a1
    assert day["sales"] == 1  # a1 (revenue 50 > 0); a3 has revenue 0
    assert day["revenue_base"] == 50.0  # 50 EUR + missing 0 + 0, base currency: rate 1
    assert day["csat_n"] is None  # no surveys sent: unknown, not 0
    assert day["cost_base"] is None  # no cost data


def test_every_call_kpi_by_hand() -> None:
    k = one(calls_db())
    assert k["blockage_rate"] == 1 / 8  # blocked 1 / attempts 8
    assert k["abandon_rate"] == 2 / 5  # (abandoned 3 - short 1) / (queued 6 - short 1)
    assert k["service_level"] == 2 / 5  # negative variant (the default) repeated
    assert k["service_level_negative"] == 2 / 5  # answered_in_sl 2 / (queued 6 - short 1)
    assert k["service_level_answered_only"] == 2 / 3  # answered_in_sl 2 / answered 3
    assert k["service_level_ignore_early_abandons"] == 2 / 4  # 2 / (queued 6 - abandoned_in_sl 2)
    assert k["service_level_positive"] == 4 / 6  # (answered_in_sl 2 + abandoned_in_sl 2) / queued 6
    assert k["asa_s"] == 46 / 3  # (20 + 21 + 5) / 3 answered
    assert k["aht_s"] == 150.0  # (360 talk + 30 hold + 60 acw) / 3 answered
    assert k["avg_talk_s"] == 120.0  # 360 / 3
    assert k["avg_hold_s"] == 10.0  # 30 / 3
    assert k["avg_acw_s"] == 20.0  # 60 / 3
    assert k["avg_abandon_wait_s"] == 25.0  # (5 + 45) / (3 abandoned - 1 short)
    assert k["transfer_rate"] == 1 / 3  # a1 / 3 answered
    assert k["conversion_rate"] == 1 / 3  # a1 (revenue > 0) / 3 answered
    assert k["revenue_per_call"] == 12.5  # 50 EUR / handled 4 (3 answered + 1 self-service)
    assert [k[c] for c in ("attempts", "offered", "queued", "answered", "handled")] == [8, 7, 6, 3, 4]
    assert k["csat_rate"] is None
    assert k["cost_per_call"] is None


@pytest.mark.parametrize(
    ("variant", "expected"),
    [
        ("negative", 2 / 5),  # 2 / (6 - 1)
        ("answered_only", 2 / 3),  # 2 / 3
        ("ignore_early_abandons", 2 / 4),  # 2 / (6 - 2)
        ("positive", 4 / 6),  # (2 + 2) / 6
    ],
)
def test_service_level_follows_the_configured_variant(variant: str, expected: float) -> None:
    k = one(calls_db(sl_variant=variant))
    assert k["service_level"] == expected
    assert k[f"service_level_{variant}"] == expected


def test_threshold_comes_from_settings() -> None:
    # With T = 21 s, a2 (21 s) is answered in SL too: 3 / (6 - 1); b3 (45 s) still is not.
    k = one(calls_db(sl_threshold_s=21.0))
    assert k["service_level"] == 3 / 5
    # With short_abandon_s = 6, b1 (5 s) becomes short too: (3 - 2) / (6 - 2).
    assert one(calls_db(short_abandon_s=6.0))["abandon_rate"] == 1 / 4


def test_waits_exactly_at_the_thresholds() -> None:
    con = new_db()
    add_vendor(con, "acme")
    insert(con, "calls", "acme", [call("x", "answered", 20), call("y", "abandoned", 5)])
    day = daily_components(ready(con)).row(0, named=True)
    assert day["answered_in_sl"] == 1  # wait 20 <= T 20
    assert day["abandoned_in_sl"] == 1  # wait 5 <= T 20
    assert day["short_abandoned"] == 0  # wait 5 is not < 5
    assert one(con)["abandon_rate"] == 1 / 2  # (1 - 0) / (2 - 0)


def test_all_abandoned() -> None:
    con = new_db()
    add_vendor(con, "acme")
    insert(con, "calls", "acme", [call("x", "abandoned", 10), call("y", "abandoned", 30)])
    k = one(ready(con))
    assert k["abandon_rate"] == 1.0  # (2 - 0) / (2 - 0)
    assert k["service_level"] == 0.0  # 0 answered in SL / (2 - 0): a real 0, not NULL
    assert k["avg_abandon_wait_s"] == 20.0  # (10 + 30) / 2
    assert k["asa_s"] is None  # no answered call: nothing to average
    assert k["aht_s"] is None
    assert notes(con)["asa_s"] == "denominator is zero: answered = 0"


def test_only_short_abandons() -> None:
    con = new_db()
    add_vendor(con, "acme")
    insert(con, "calls", "acme", [call("x", "abandoned", 1), call("y", "abandoned", 2)])
    k = one(ready(con))
    assert k["short_abandoned"] == 2  # 1 < 5 and 2 < 5
    assert k["abandon_rate"] is None  # (2 - 2) / (2 - 2): denominator 0
    assert k["service_level"] is None  # 0 / (2 - 2)
    assert k["service_level_positive"] == 1.0  # (0 + 2 abandoned within T) / 2 queued
    assert k["avg_abandon_wait_s"] is None  # no non-short abandon
    reasons = notes(con)
    assert reasons["abandon_rate"] == "denominator is zero: queued − short_abandoned = 0"
    assert reasons["avg_abandon_wait_s"] == "denominator is zero: abandoned − short_abandoned = 0"


def test_day_without_calls_gives_null_kpis_not_zero() -> None:
    # acme sends calls (on the 15th) and agent time (15th and 16th): on the 16th its call components
    # are 0 and the call KPIs are NULL (nothing to divide), never 0.
    con = new_db()
    add_vendor(con, "acme")
    insert(con, "calls", "acme", [call("x", "answered", 10)])
    agent = {"agent_id": "ag", "scheduled_s": 3600.0, "staffed_s": 3600.0, "handle_s": 1800.0}
    agent |= {"available_s": 1200.0, "in_adherence_s": 3000.0}
    insert(con, "agent_time", "acme", [agent | {"date": "2026-04-15"}, agent | {"date": "2026-04-16"}])
    ready(con)
    day16 = kpis(con, grain="day").filter(period="2026-04-16").row(0, named=True)
    assert (day16["answered"], day16["attempts"]) == (0, 0)
    assert day16["asa_s"] is None
    assert day16["blockage_rate"] is None
    assert day16["occupancy_rate"] == 0.6  # 1800 / (1800 + 1200)
    assert notes(con, grain="day", start="2026-04-16")["aht_s"] == "denominator is zero: answered = 0"


def test_vendor_without_call_data_has_null_volumes() -> None:
    con = new_db()
    add_vendor(con, "acme")
    insert(
        con,
        "costs",
        "acme",
        [{"period_start": "2026-04-01", "period_end": "2026-04-01", "amount": 10.0, "kind": "invoice"}],
    )
    k = one(ready(con))
    assert k["answered"] is None  # acme never sends calls: unknown, not 0
    assert k["cost_per_call"] is None
    assert notes(con)["cost_per_call"] == "no call data"


def test_call_late_in_the_local_evening_counts_on_the_local_date() -> None:
    # 23:30 on 31 March in New York (UTC-4) is 03:30 on 1 April UTC: the call belongs to March.
    con = new_db()
    add_vendor(con, "acme", timezone="America/New_York")
    row = call("x", arrived_at="2026-04-01 03:30:00", arrived_at_local="2026-03-31 23:30:00")
    insert(con, "calls", "acme", [row])
    ready(con)
    assert kpis(con, grain="day")["period"].to_list() == ["2026-03-31"]
    assert kpis(con, grain="month")["period"].to_list() == ["2026-03"]
    assert kpis(con, grain="quarter")["period"].to_list() == ["2026-Q1"]


def test_ratios_are_pooled_never_averaged() -> None:
    # Day 1: 1 call answered in 10 s: SL 1/1 = 100 %. Day 2: 4 calls, one in 10 s, three in 30 s:
    # SL 1/4 = 25 %. The period is 2 / 5 = 40 %, not the mean of the days (100 + 25) / 2 = 62.5 %.
    con = new_db()
    add_vendor(con, "acme")
    day1 = [call("d1", "answered", 10, arrived_at="2026-04-01 10:00:00")]
    day2 = [
        call(f"e{i}", "answered", w, arrived_at="2026-04-02 10:00:00") for i, w in enumerate([10, 30, 30, 30])
    ]
    insert(con, "calls", "acme", day1 + day2)
    ready(con)
    daily = kpis(con, grain="day")
    assert daily["service_level"].to_list() == [1.0, 0.25]  # 1/1, 1/4
    assert daily["asa_s"].to_list() == [10.0, 25.0]  # 10/1, (10 + 90)/4
    whole = one(con)
    assert whole["service_level"] == 2 / 5  # (1 + 1) / (1 + 4)
    assert whole["service_level"] != (1.0 + 0.25) / 2
    assert whole["asa_s"] == 22.0  # (10 + 100) / 5, not (10 + 25) / 2 = 17.5


def test_unknown_part_makes_the_kpi_null_with_a_reason() -> None:
    # The export has no transfer flag on one answered call: the transfer count is unknown.
    con = new_db()
    add_vendor(con, "acme")
    insert(con, "calls", "acme", [call("x", transferred=True), call("y", transferred=None)])
    k = one(ready(con))
    assert k["transfer_rate"] is None  # not 1 / 2: y's transfer is unknown
    assert k["asa_s"] == 10.0  # other KPIs are unaffected
    assert notes(con)["transfer_rate"] == "the source does not report transferred"


def test_vendor_that_never_reports_revenue() -> None:
    con = new_db()
    add_vendor(con, "acme")
    insert(con, "calls", "acme", [call("x"), call("y")])
    k = one(ready(con))
    assert (k["revenue_per_call"], k["conversion_rate"]) == (None, None)
    assert (
        notes(con)["conversion_rate"]
        == "the calls export (canonical, *.csv) of Acme does not record sales (revenue)"
    )


def test_calls_that_no_loaded_file_describes_are_unknown_not_sales() -> None:
    # Calls written into raw_calls by a program other than the ingest (no loaded_files row says what
    # their file records): the outcome counts, sales and revenue are unknown. Before, a NULL "records
    # revenue" fell through to counting c1's 50.00 as one sale and c2 as none.
    con = new_db()
    add_vendor(con, "acme")
    insert(con, "calls", "acme", [call("c1", revenue=50.0), call("c2", revenue=None)])
    con.execute("delete from loaded_files").fetchall()
    day = daily_components(ready(con)).row(0, named=True)
    assert (day["answered"], day["sales"], day["revenue_base"]) == (None, None, None)
