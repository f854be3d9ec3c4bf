"""The seed KPIs added from the contact-center management standard the project started from, worked out
by hand on a few call records."""

from __future__ import annotations

from kpi_fixtures import add_vendor, call, insert, interval, new_db, notes, one, ready


def test_answer_rate_is_handled_over_offered() -> None:
    con = new_db()
    add_vendor(con, "acme")
    calls = [
        call("a1", "answered", 10),
        call("a2", "answered", 45),
        call("s1", "self_service", 0),
        call("b1", "abandoned", 40),
        call("x1", "blocked", 0),  # never got in: neither offered nor handled
    ]
    insert(con, "calls", "acme", calls)
    ready(con)
    assert one(con)["answer_rate"] == 3 / 4  # (a1 + a2 + s1) / (a1 + a2 + s1 + b1)


def test_answer_rate_from_an_interval_report_and_with_no_calls() -> None:
    con = new_db()
    add_vendor(con, "acme")
    add_vendor(con, "beta")
    row = interval(answered=18, answered_in_sl=15, abandoned=2, self_service=5, blocked=3)
    insert(con, "intervals", "acme", [row])
    insert(
        con,
        "costs",
        "beta",
        [{"period_start": "2026-04-01", "period_end": "2026-04-02", "amount": 1.0, "kind": "invoice"}],
    )
    ready(con)
    assert one(con)["answer_rate"] == 23 / 25  # (18 answered + 5 self-service) / (18 + 2 + 5)
    assert one(con, "beta")["answer_rate"] is None
    assert notes(con, "beta")["answer_rate"] == "no call data"
