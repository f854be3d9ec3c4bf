"""First-contact resolution (three methods), CSAT and QA: hand-checkable fixtures and NULL semantics."""

from __future__ import annotations

import pytest
from kpi_fixtures import add_vendor, call, insert, new_db, notes, one, ready

from scorecard.metrics.kpis import daily_components, kpi_notes, kpis

# Repeat-contact FCR, window 7 days (fcr_repeat_days), vendor acme:
#   r1 answered, caller k1, 04-01 10:00; r2 abandoned, k1, 04-08 10:00 = exactly 7 days later: r1 repeated
#   r3 answered, k2, 04-01 10:00; r4 answered, k2, 04-08 10:00:01 = 7 days + 1 s later: r3 resolved
#   r4: no later call from k2: resolved
#   r5 answered without caller key: not in the denominator
#   r6 answered, k3, 04-02; the only later k3 call is to another vendor (beta): resolved
REPEAT_CALLS = [
    call("r1", "answered", arrived_at="2026-04-01 10:00:00", caller_key="k1"),
    call("r2", "abandoned", arrived_at="2026-04-08 10:00:00", caller_key="k1"),
    call("r3", "answered", arrived_at="2026-04-01 10:00:00", caller_key="k2"),
    call("r4", "answered", arrived_at="2026-04-08 10:00:01", caller_key="k2"),
    call("r5", "answered", arrived_at="2026-04-03 10:00:00"),
    call("r6", "answered", arrived_at="2026-04-02 10:00:00", caller_key="k3"),
]

# Disposition FCR: d1 resolved, d2 not resolved, d3 no disposition (excluded), d4 abandoned (excluded).
DISPOSITION_CALLS = [
    call("d1", "answered", resolved=True),
    call("d2", "answered", resolved=False),
    call("d3", "answered", resolved=None),
    call("d4", "abandoned", 30, resolved=True),
]

# Surveys: resolved yes, yes, no, unanswered -> FCR 2 / 3; CSAT 5, 4, 3, none, 1 -> 2 satisfied / 4 scored.
SURVEYS = [
    {"survey_id": "s1", "responded_at": "2026-04-15 12:00:00", "csat": 5, "resolved": True},
    {"survey_id": "s2", "responded_at": "2026-04-15 12:00:00", "csat": 4, "resolved": True},
    {"survey_id": "s3", "responded_at": "2026-04-15 12:00:00", "csat": 3, "resolved": False},
    {"survey_id": "s4", "responded_at": "2026-04-15 12:00:00", "csat": None, "resolved": None},
    {"survey_id": "s5", "responded_at": "2026-04-15 12:00:00", "csat": 1, "resolved": None},
]


def test_fcr_repeat_method() -> None:
    con = new_db()
    add_vendor(con, "acme")
    add_vendor(con, "beta")
    insert(con, "calls", "acme", REPEAT_CALLS)
    insert(con, "calls", "beta", [call("z", arrived_at="2026-04-03 10:00:00", caller_key="k3")])
    k = one(ready(con))
    assert (k["fcr_rate_repeat"]) == 3 / 4  # r3, r4, r6 resolved / r1, r3, r4, r6 with a caller key


def test_fcr_repeat_calls_at_the_same_instant_are_not_repeats_of_each_other() -> None:
    # t1 and t2: caller k9 twice at 10:00:00 (a duplicate record, not a second contact): neither is
    # followed by a strictly later k9 call, so both are resolved: 2 / 2. t3 at 10:00:01 would make both
    # repeats: 1 / 3 (only t3 resolved).
    con = new_db()
    add_vendor(con, "acme")
    same = [
        call("t1", "answered", arrived_at="2026-04-01 10:00:00", caller_key="k9"),
        call("t2", "answered", arrived_at="2026-04-01 10:00:00", caller_key="k9"),
    ]
    insert(con, "calls", "acme", same)
    assert one(ready(con))["fcr_rate_repeat"] == 1.0
    con = new_db()
    add_vendor(con, "acme")
    insert(
        con,
        "calls",
        "acme",
        [*same, call("t3", "answered", arrived_at="2026-04-01 10:00:01", caller_key="k9")],
    )
    assert one(ready(con))["fcr_rate_repeat"] == 1 / 3


def test_fcr_repeat_window_comes_from_settings() -> None:
    # With a 1-day window, r1 (next k1 call 7 days later) is resolved too: 4 / 4.
    con = new_db(fcr_repeat_days=1)
    add_vendor(con, "acme")
    insert(con, "calls", "acme", REPEAT_CALLS)
    assert one(ready(con))["fcr_rate_repeat"] == 1.0


def test_fcr_disposition_method() -> None:
    con = new_db()
    add_vendor(con, "acme")
    insert(con, "calls", "acme", DISPOSITION_CALLS)
    day = daily_components(ready(con)).row(0, named=True)
    assert (day["fcr_disposition_resolved"], day["fcr_disposition_n"]) == (1, 2)  # d1 / d1, d2
    assert one(con)["fcr_rate_disposition"] == 1 / 2


def test_fcr_survey_method_and_csat() -> None:
    con = new_db()
    add_vendor(con, "acme")
    insert(con, "surveys", "acme", SURVEYS)
    k = one(ready(con))
    assert k["fcr_rate_survey"] == 2 / 3  # s1, s2 resolved / s1, s2, s3 answered the question
    assert k["csat_rate"] == 2 / 4  # s1 (5), s2 (4) / s1, s2, s3, s5 scored


@pytest.mark.parametrize(
    ("method", "expected"),
    [("survey", 2 / 3), ("disposition", 1 / 2), ("repeat", 3 / 4)],  # as in the three tests above
)
def test_fcr_rate_follows_the_configured_method(method: str, expected: float) -> None:
    con = new_db(fcr_method=method)
    add_vendor(con, "acme")
    insert(con, "calls", "acme", REPEAT_CALLS + DISPOSITION_CALLS)
    insert(con, "surveys", "acme", SURVEYS)
    k = one(ready(con))
    assert k["fcr_rate"] == expected
    assert k[f"fcr_rate_{method}"] == expected


def test_qa_score_is_the_mean_evaluation_score() -> None:
    con = new_db()
    add_vendor(con, "acme")
    evaluations = [
        {"evaluation_id": f"e{i}", "agent_id": "ag", "evaluated_at": "2026-04-15 09:00:00", "score": s}
        for i, s in enumerate([80.0, 90.0, 100.0])
    ]
    insert(con, "quality", "acme", evaluations)
    assert one(ready(con))["qa_score"] == 90.0  # (80 + 90 + 100) / 3 evaluations


def test_vendor_without_surveys_has_null_csat_not_zero() -> None:
    con = new_db()
    add_vendor(con, "acme")
    add_vendor(con, "beta")
    insert(con, "calls", "acme", [call("a")])
    insert(con, "calls", "beta", [call("b")])
    insert(con, "surveys", "beta", [SURVEYS[0]])
    ready(con)
    acme, beta = kpis(con).iter_rows(named=True)
    assert (acme["csat_rate"], acme["fcr_rate"]) == (None, None)
    assert (beta["csat_rate"], beta["fcr_rate"]) == (1.0, 1.0)  # 1 satisfied / 1; 1 resolved / 1
    assert notes(con)["csat_rate"] == "no surveys sent"
    assert notes(con)["fcr_rate"] == "no surveys sent"


def test_surveys_count_in_the_period_of_their_own_timestamp() -> None:
    # The call is on 30 April; its survey is answered at 00:30 local on 1 May (22:30 UTC on 30 April):
    # the survey counts in May, the call in April.
    con = new_db()
    add_vendor(con, "acme")
    insert(con, "calls", "acme", [call("c1", arrived_at="2026-04-30 16:00:00")])
    survey = {"survey_id": "s", "call_id": "c1", "responded_at": "2026-04-30 22:30:00"}
    survey |= {"responded_at_local": "2026-05-01 00:30:00", "csat": 5, "resolved": True}
    insert(con, "surveys", "acme", [survey])
    april, may = kpis(ready(con), grain="month").iter_rows(named=True)
    assert (april["period"], april["answered"], april["csat_rate"]) == ("2026-04", 1, None)
    assert (may["period"], may["answered"], may["csat_rate"]) == ("2026-05", 0, 1.0)
    # April has surveys in the workspace but none that month: csat_n = 0, so the reason is the zero.
    assert notes(con, grain="month", end="2026-04-30")["csat_rate"] == "denominator is zero: csat_n = 0"


def test_surveys_by_program_follow_their_call() -> None:
    # s1 belongs to a call of 'sales', s2 to a call of 'support', s3 has no call: per vendor all three
    # count; per program only the linked ones.
    con = new_db()
    add_vendor(con, "acme")
    insert(con, "calls", "acme", [call("c1", program="sales"), call("c2", program="support")])
    surveys = [
        {"survey_id": "s1", "call_id": "c1", "responded_at": "2026-04-15 12:00:00", "csat": 5},
        {"survey_id": "s2", "call_id": "c2", "responded_at": "2026-04-15 12:00:00", "csat": 2},
        {"survey_id": "s3", "call_id": None, "responded_at": "2026-04-15 12:00:00", "csat": 4},
    ]
    insert(con, "surveys", "acme", surveys)
    ready(con)
    assert one(con)["csat_rate"] == 2 / 3  # s1, s3 satisfied / 3 scored
    by_program = kpis(con, by_program=True)
    assert by_program.select("program", "csat_rate").rows() == [("sales", 1.0), ("support", 0.0)]
    assert by_program["occupancy_rate"].to_list() == [None, None]  # agent time has no program
    program_notes = kpi_notes(con, by_program=True)
    assert program_notes.columns == ["vendor_id", "period", "program", "kpi", "reason"]
    sales = {r["kpi"]: r["reason"] for r in program_notes.filter(program="sales").iter_rows(named=True)}
    assert sales["occupancy_rate"] == "agent time and costs are known per vendor, not per program"
    assert sales["qa_score"] == "no QA evaluations sent"
