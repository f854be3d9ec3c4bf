"""KPIs from ACD interval reports: the same components as call records, and what they cannot give.

Workspace: T = 20 s, short_abandon_s = 5 s (kpi_fixtures defaults).
"""

from __future__ import annotations

from kpi_fixtures import add_vendor, call, insert, interval, new_db, notes, one, ready

from scorecard.metrics.kpis import daily_components, kpis
from scorecard.sql.views import run_audits

# One interval row under the workspace thresholds (20 s, 5 s).
ROW = interval(
    answered=10, answered_in_sl=8, abandoned=4, abandoned_in_sl=2, short_abandoned=1, blocked=1,
    self_service=2, answered_wait_s=150.0, abandoned_wait_s=90.0, talk_s=1500.0, hold_s=100.0,
    acw_s=300.0, transferred=1,
)  # fmt: skip


def interval_db(*rows: dict, **settings: object):
    con = new_db(**settings)
    add_vendor(con, "acme")
    insert(con, "intervals", "acme", list(rows))
    return ready(con)


def test_interval_kpis_by_hand() -> None:
    k = one(interval_db(ROW))
    assert [k[c] for c in ("queued", "offered", "attempts", "handled")] == [14, 16, 17, 12]
    # queued 10 + 4; offered 14 + 2 self-service; attempts 16 + 1 blocked; handled 10 + 2
    assert k["blockage_rate"] == 1 / 17
    assert k["abandon_rate"] == 3 / 13  # (4 - 1) / (14 - 1)
    assert k["service_level"] == 8 / 13  # 8 / (14 - 1)
    assert k["service_level_answered_only"] == 8 / 10
    assert k["service_level_ignore_early_abandons"] == 8 / 12  # 8 / (14 - 2)
    assert k["service_level_positive"] == 10 / 14  # (8 + 2) / 14
    assert k["asa_s"] == 15.0  # 150 / 10
    assert k["aht_s"] == 190.0  # (1500 + 100 + 300) / 10
    assert (k["avg_talk_s"], k["avg_hold_s"], k["avg_acw_s"]) == (150.0, 10.0, 30.0)
    assert k["transfer_rate"] == 0.1  # 1 / 10
    assert k["avg_abandon_wait_s"] is None  # the 90 s include the short abandon's wait
    assert k["fcr_rate_disposition"] is None
    reasons = notes(interval_db(ROW))
    assert reasons["avg_abandon_wait_s"] == "an interval report cannot separate the wait of short abandons"
    assert reasons["fcr_rate_repeat"] == "interval reports carry no call-level dispositions or caller keys"
    assert reasons["conversion_rate"] == "no revenue reported"


def test_abandon_wait_known_when_no_short_abandons() -> None:
    row = ROW | {"short_abandoned": 0, "abandoned_in_sl": 1}
    assert one(interval_db(row))["avg_abandon_wait_s"] == 22.5  # 90 / (4 - 0)


def test_interval_with_another_service_level_threshold_is_not_comparable() -> None:
    con = interval_db(ROW | {"sl_threshold_s": 60.0})
    k = one(con)
    for variant in ("", "_negative", "_answered_only", "_ignore_early_abandons", "_positive"):
        assert k[f"service_level{variant}"] is None
    assert k["abandon_rate"] == 3 / 13  # the short-abandon threshold matches: still comparable
    reasons = notes(con)
    assert reasons["service_level"] == "not comparable: interval report threshold 60 s vs workspace 20 s"
    assert reasons["service_level_positive"] == reasons["service_level"]
    assert "abandon_rate" not in reasons


def test_interval_with_another_short_abandon_threshold_is_not_comparable() -> None:
    con = interval_db(ROW | {"short_abandon_s": 3.0})
    k = one(con)
    assert k["abandon_rate"] is None
    assert k["service_level"] is None  # negative: its denominator subtracts short abandons
    assert k["service_level_answered_only"] == 0.8  # needs no short-abandon count: 8 / 10
    assert k["service_level_positive"] == 10 / 14
    assert notes(con)["abandon_rate"] == (
        "not comparable: interval report short-abandon threshold 3 s vs workspace 5 s"
    )


def test_interval_without_the_splits() -> None:
    row = ROW | {"answered_in_sl": None, "abandoned_in_sl": None, "sl_threshold_s": None}
    row |= {"short_abandoned": None, "short_abandon_s": None}
    con = interval_db(row)
    k = one(con)
    assert (k["service_level"], k["abandon_rate"]) == (None, None)
    assert k["asa_s"] == 15.0
    reasons = notes(con)
    assert reasons["service_level_answered_only"] == "the interval report has no service-level split"
    assert reasons["abandon_rate"] == "the interval report has no short-abandon split"


def test_workspace_without_short_abandons_needs_no_split() -> None:
    # short_abandon_s = 0: no abandon waits < 0 s, so every report gives short_abandoned = 0.
    row = ROW | {"short_abandoned": None, "short_abandon_s": None}
    k = one(interval_db(row, short_abandon_s=0.0))
    assert k["short_abandoned"] == 0
    assert k["abandon_rate"] == 4 / 14  # (4 - 0) / (14 - 0)
    assert k["avg_abandon_wait_s"] == 22.5  # 90 / 4


def test_one_incomparable_day_makes_the_period_incomparable() -> None:
    day1 = ROW | {"interval_start": "2026-04-14 10:00:00"}
    day2 = ROW | {"interval_start": "2026-04-15 10:00:00", "sl_threshold_s": 30.0}
    con = interval_db(day1, day2)
    assert kpis(con, grain="day")["service_level"].to_list() == [8 / 13, None]
    assert one(con, grain="week")["service_level"] is None  # never mixed silently with day 1
    assert notes(con, grain="week")["service_level"] == (
        "not comparable: interval report threshold 30 s vs workspace 20 s"
    )


def test_interval_counts_on_the_local_date_of_its_start() -> None:
    row = ROW | {"interval_start": "2026-04-16 03:45:00", "interval_start_local": "2026-04-15 23:45:00"}
    con = interval_db(row)
    assert kpis(con, grain="day")["period"].to_list() == ["2026-04-15"]


def test_calls_and_intervals_unify_into_the_same_components() -> None:
    # sales sends call records, support an interval report, on the same day.
    con = new_db()
    add_vendor(con, "acme")
    insert(con, "calls", "acme", [call("c1", "answered", 10, program="sales")])
    insert(con, "intervals", "acme", [ROW | {"program": "support"}])
    ready(con)
    day = daily_components(con).row(0, named=True)
    assert (day["answered"], day["answered_in_sl"], day["answered_wait_s"]) == (11, 9, 160.0)
    # 1 + 10; 1 + 8; 10 + 150
    assert one(con)["asa_s"] == 160 / 11
    assert one(con)["fcr_rate_disposition"] is None  # support's dispositions are unknown
    by_program = kpis(con, by_program=True)
    assert by_program.select("program", "asa_s").rows() == [("sales", 10.0), ("support", 15.0)]
    assert run_audits(con) == {}


def test_same_program_day_from_calls_and_intervals_is_audited() -> None:
    con = new_db()
    add_vendor(con, "acme")
    insert(con, "calls", "acme", [call("c1", program="sales")])
    insert(con, "intervals", "acme", [ROW])
    found = run_audits(ready(con))["assert_contacts_single_source"]
    assert found.select("vendor_id", "program", "answered_in_calls", "answered_in_intervals").rows() == [
        ("acme", "sales", 1, 10)
    ]
