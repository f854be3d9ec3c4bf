"""The queue, staffing and ring seed KPIs (queue placement rate, average queue time, calls per agent hour,
average ring time and rings), worked out by hand on a few rows, plus the reasons when they are unknown."""

from __future__ import annotations

from pathlib import Path

import duckdb
from kpi_fixtures import add_vendor, call, insert, interval, new_db, notes, one, ready

from scorecard.ingest.run import ingest
from scorecard.metrics.kpis import kpis


def _queue_calls() -> list[dict]:
    return [
        call("a1", "answered", 0),  # answered at once: got in, did not wait
        call("a2", "answered", 30),  # waited 30 s
        call("a3", "answered", 90),  # waited 90 s
        call("b1", "abandoned", 3),  # a short abandon still waited 3 s
        call("b2", "abandoned", 60),  # waited 60 s
        call("s1", "self_service", 0),  # got in, never queued for an agent
        call("x1", "blocked", 0),  # never got in
    ]


def test_queue_placement_rate_is_calls_that_waited_over_offered_calls() -> None:
    con = new_db()
    add_vendor(con, "acme")
    insert(con, "calls", "acme", _queue_calls())
    ready(con)
    # waited: a2, a3, b1, b2 = 4; offered: a1 a2 a3 b1 b2 s1 = 6 (x1 never got in)
    assert one(con)["queue_placement_rate"] == 4 / 6


def test_average_queue_time_is_the_mean_wait_of_the_calls_that_waited() -> None:
    con = new_db()
    add_vendor(con, "acme")
    insert(con, "calls", "acme", _queue_calls())
    ready(con)
    # (30 + 90 + 3 + 60) / 4 = 183 / 4 = 45.75 s; a1's 0 s does not dilute the mean
    assert one(con)["avg_queue_time_s"] == 45.75


def test_queue_kpis_from_an_interval_report_are_unknown_with_the_reason() -> None:
    con = new_db()
    add_vendor(con, "acme")
    row = interval(answered=10, answered_in_sl=8, abandoned=2, answered_wait_s=100.0, abandoned_wait_s=40.0)
    insert(con, "intervals", "acme", [row])
    ready(con)
    kpi = one(con)
    assert kpi["queue_placement_rate"] is None  # a report cannot tell the 0 s answers from the others
    assert kpi["avg_queue_time_s"] is None
    assert kpi["avg_ring_s"] is None
    reasons = notes(con)
    assert reasons["queue_placement_rate"] == (
        "the intervals export (canonical, *.csv) of Acme does not record the calls that had to wait"
    )
    assert reasons["avg_ring_s"] == (
        "the intervals export (canonical, *.csv) of Acme does not record ring time"
    )


def test_calls_per_agent_hour_is_answered_calls_over_staffed_hours() -> None:
    con = new_db()
    add_vendor(con, "acme")
    calls = [call(f"a{i}", "answered", 5, arrived_at=f"2026-04-15 1{i}:00:00") for i in range(6)]
    calls += [call("b1", "abandoned", 40), call("s1", "self_service", 0)]  # not answered by an agent
    insert(con, "calls", "acme", calls)
    agent = {"date": "2026-04-15", "scheduled_s": 14400.0, "handle_s": 3000.0, "available_s": 3000.0}
    agent |= {"in_adherence_s": 7200.0}
    insert(con, "agent_time", "acme", [
        agent | {"agent_id": "ag1", "staffed_s": 7200.0},  # 2 h logged in
        agent | {"agent_id": "ag2", "staffed_s": 7200.0, "scheduled_s": 7200.0},  # 2 h
    ])  # fmt: skip
    ready(con)
    assert one(con)["calls_per_agent_hour"] == 6 / 4  # 6 answered / (7200 s + 7200 s = 4 h)
    # per program, staffed time is unknown (agent time has no program): null with the reason
    by_program = kpis(con, vendors=["acme"], by_program=True)
    assert by_program["calls_per_agent_hour"].to_list() == [None]
    assert notes(con, by_program=True)["calls_per_agent_hour"] == (
        "agent time and costs are known per vendor, not per program"
    )


def test_calls_per_agent_hour_without_agent_time_is_unknown() -> None:
    con = new_db()
    add_vendor(con, "acme")
    insert(con, "calls", "acme", _queue_calls())
    ready(con)
    assert one(con)["calls_per_agent_hour"] is None
    assert notes(con)["calls_per_agent_hour"] == "no agent time data"


def test_ring_time_and_rings_of_answered_calls() -> None:
    con = new_db()
    add_vendor(con, "acme")
    calls = [
        call("a1", "answered", 10, ring_s=9.0),
        call("a2", "answered", 20, ring_s=15.0),
        call("a3", "answered", 30, ring_s=24.0),
        call("b1", "abandoned", 40, ring_s=None),  # never rang at an agent
    ]
    insert(con, "calls", "acme", calls)
    ready(con)
    kpi = one(con)
    assert kpi["avg_ring_s"] == 16.0  # (9 + 15 + 24) / 3 answered = 48 / 3
    assert kpi["avg_rings"] == 48 / 18  # 48 s / (6 s per ring x 3 answered) = 2.67 rings


def test_ring_time_unknown_when_an_answered_call_has_none_never_zero() -> None:
    con = new_db()
    add_vendor(con, "acme")
    insert(con, "calls", "acme", [call("a1", "answered", 10, ring_s=9.0), call("a2", "answered", 20)])
    ready(con)
    kpi = one(con)
    assert kpi["avg_ring_s"] is None and kpi["avg_rings"] is None  # a2's ring is unknown, not 0
    assert notes(con)["avg_rings"] == (
        "the calls export (canonical, *.csv) of Acme does not record ring time (ring_s) of every "
        "answered call"
    )


def test_ring_time_from_a_real_shaped_export(tmp_path: Path) -> None:
    """A canonical calls file with the optional ring_s column (a space after the commas, a blank ring on
    an abandoned call) and one without it: the first gives ring time, the second leaves it unknown."""
    ws = tmp_path / "ws"
    for vendor, header, rows in (
        ("ringy", "call_id,program,arrived_at,outcome,wait_s,talk_s,ring_s", [
            "r1,sales,2026-04-15 09:00:00,answered,12,200,6",
            "r2,sales,2026-04-15 09:05:00,answered,0,150,18",
            "r3,sales,2026-04-15 09:07:00,abandoned,45,0,",
        ]),
        ("quiet", "call_id,program,arrived_at,outcome,wait_s,talk_s", [
            "q1,sales,2026-04-15 09:00:00,answered,12,200",
        ]),
    ):  # fmt: skip
        folder = ws / vendor
        folder.mkdir(parents=True)
        (folder / "vendor.toml").write_text(
            f'name = "{vendor.title()}"\ncountry = "FR"\ntimezone = "Europe/Paris"\ncurrency = "EUR"\n\n'
            '[[exports]]\ntable = "calls"\nformat = "canonical"\nfiles = "calls.csv"\n',
            encoding="utf-8",
        )
        (folder / "calls.csv").write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    (ws / "scorecard.toml").write_text('base_currency = "EUR"\n', encoding="utf-8")
    db = tmp_path / "s.duckdb"
    ingest(ws, db)
    con = duckdb.connect(str(db), read_only=True)
    ringy, quiet = one(con, "ringy"), one(con, "quiet")
    assert ringy["avg_ring_s"] == 12.0  # (6 + 18) / 2 answered
    assert ringy["avg_rings"] == 2.0  # 12 s / 6 s per ring
    assert ringy["queue_placement_rate"] == 2 / 3  # r1 (12 s) and r3 (45 s) waited; r2 did not
    assert quiet["avg_ring_s"] is None
    assert "does not record ring time" in notes(con, "quiet")["avg_ring_s"]
