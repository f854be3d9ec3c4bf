"""Provenance: the files a scope and a KPI come from, daily coverage, the ingest log and the vendors.

acme (calls, surveys, costs):
  calls   0414.csv  rows 1-2   2026-04-14 (answered, answered)
          0416.csv  rows 1-2   2026-04-16 (answered, abandoned)
  surveys surveys.csv row 1    2026-04-15
  costs   costs.csv row 1      invoice    2026-04-01 .. 2026-04-30
                    row 2      adjustment 2026-04-10 .. 2026-04-11
                    row 3      invoice    2026-05-01 .. 2026-05-31
beta (an interval report, QA, agent time): one row each, 2026-04-15 / 04-16 / 04-15.
"""

from __future__ import annotations

from datetime import date, datetime

import duckdb
import polars as pl
import pytest
from kpi_fixtures import add_vendor, call, insert, interval, new_db, ready, rows

from scorecard.metrics.provenance import (
    daily_rows,
    date_span,
    ingest_log,
    provenance,
    source_files,
    sources_of,
    vendors,
)

D = date.fromisoformat


@pytest.fixture
def con() -> duckdb.DuckDBPyConnection:
    con = new_db()
    add_vendor(con, "acme")
    add_vendor(con, "beta", currency="USD", timezone="Europe/Budapest")
    calls = [
        call("c1", arrived_at="2026-04-14 10:00:00") | {"source_file": "0414.csv", "source_row": 1},
        call("c2", arrived_at="2026-04-14 11:00:00") | {"source_file": "0414.csv", "source_row": 2},
        call("c3", arrived_at="2026-04-16 09:00:00") | {"source_file": "0416.csv", "source_row": 1},
        call("c4", "abandoned", 40, arrived_at="2026-04-16 09:10:00")
        | {"source_file": "0416.csv", "source_row": 2},
    ]
    insert(con, "calls", "acme", calls)
    insert(con, "surveys", "acme", [{"survey_id": "s1", "responded_at": "2026-04-15 12:00:00", "csat": 5}])
    insert(con, "costs", "acme", [
        {"period_start": "2026-04-01", "period_end": "2026-04-30", "amount": 300.0, "kind": "invoice"},
        {"period_start": "2026-04-10", "period_end": "2026-04-11", "amount": -20.0, "kind": "adjustment"},
        {"period_start": "2026-05-01", "period_end": "2026-05-31", "amount": 310.0, "kind": "invoice"},
    ])  # fmt: skip
    insert(con, "intervals", "beta", [interval("2026-04-15 10:00:00", answered=3, answered_in_sl=3)])
    insert(con, "quality", "beta", [
        {"evaluation_id": "q1", "agent_id": "b", "evaluated_at": "2026-04-16 12:00:00", "score": 80.0},
    ])  # fmt: skip
    agent = {"agent_id": "b", "date": "2026-04-15", "scheduled_s": 3600.0, "staffed_s": 3600.0,
             "in_adherence_s": 3600.0}  # fmt: skip
    insert(con, "agent_time", "beta", [agent | {"handle_s": 1800.0, "available_s": 900.0}])
    return ready(con)


COLUMNS = ["vendor_id", "source", "source_file", "rows", "first_date", "last_date"]


def test_source_files_without_a_scope_list_every_file(con: duckdb.DuckDBPyConnection) -> None:
    frame = source_files(con)
    assert frame.columns == COLUMNS
    assert rows(frame, *COLUMNS) == [
        ("acme", "calls", "0414.csv", 2, D("2026-04-14"), D("2026-04-14")),
        ("acme", "calls", "0416.csv", 2, D("2026-04-16"), D("2026-04-16")),
        # 3 cost rows; first_date = earliest period_start, last_date = latest period_end
        ("acme", "costs", "costs.csv", 3, D("2026-04-01"), D("2026-05-31")),
        ("acme", "surveys", "surveys.csv", 1, D("2026-04-15"), D("2026-04-15")),
        ("beta", "agent_time", "agent_time.csv", 1, D("2026-04-15"), D("2026-04-15")),
        ("beta", "intervals", "intervals.csv", 1, D("2026-04-15"), D("2026-04-15")),
        ("beta", "quality", "quality.csv", 1, D("2026-04-16"), D("2026-04-16")),
    ]


def test_source_files_of_a_scope_keep_cost_periods_that_overlap_it(con: duckdb.DuckDBPyConnection) -> None:
    frame = source_files(con, ["acme"], D("2026-04-11"), D("2026-04-16"))
    assert rows(frame, *COLUMNS) == [
        ("acme", "calls", "0414.csv", 2, D("2026-04-14"), D("2026-04-14")),
        ("acme", "calls", "0416.csv", 2, D("2026-04-16"), D("2026-04-16")),
        # April invoice (04-01..04-30) and the adjustment ending on 04-11 overlap; May does not.
        # The billed periods are shown whole, reaching outside the scope.
        ("acme", "costs", "costs.csv", 2, D("2026-04-01"), D("2026-04-30")),
        ("acme", "surveys", "surveys.csv", 1, D("2026-04-15"), D("2026-04-15")),
    ]
    # From 2026-05-01 on (open end): only the May invoice.
    assert rows(source_files(con, None, D("2026-05-01")), "vendor_id", "source", "rows") == [
        ("acme", "costs", 1)
    ]
    # Up to 2026-04-14: calls of 04-14, the April invoice and the adjustment (04-10..04-11).
    assert rows(source_files(con, ["acme"], None, D("2026-04-14")), "source_file", "rows") == [
        ("0414.csv", 2),
        ("costs.csv", 2),
    ]
    assert source_files(con, ["nobody"]).is_empty()


def test_sources_of_each_kpi_follow_its_components() -> None:
    assert sources_of("service_level") == ("calls", "intervals")
    assert sources_of("cost_per_call") == ("calls", "intervals", "costs")  # cost_base / handled
    assert sources_of("csat_rate") == ("surveys",)
    assert sources_of("fcr_rate") == ("surveys",)  # the survey method
    assert sources_of("fcr_rate", fcr_method="disposition") == ("calls",)
    assert sources_of("revenue_per_call") == ("calls", "intervals")  # revenue_base / handled
    assert sources_of("occupancy_rate") == ("agent_time",)
    assert sources_of("qa_score") == ("quality",)


def test_provenance_of_a_kpi_is_the_files_of_its_sources(con: duckdb.DuckDBPyConnection) -> None:
    scope = (["acme"], D("2026-04-11"), D("2026-04-16"))
    sl = provenance(con, "service_level", *scope)
    assert rows(sl, "source", "source_file", "rows") == [("calls", "0414.csv", 2), ("calls", "0416.csv", 2)]
    cost = provenance(con, "cost_per_call", *scope)
    assert rows(cost, "source", "rows") == [("calls", 2), ("calls", 2), ("costs", 2)]
    assert rows(provenance(con, "csat_rate", *scope), "source_file", "rows") == [("surveys.csv", 1)]
    assert provenance(con, "qa_score", *scope).is_empty()  # acme sends no QA
    assert rows(provenance(con, "qa_score", ["beta"]), "source_file", "rows") == [("quality.csv", 1)]
    # The FCR method decides the source: disposition reads the call records.
    assert provenance(con, "fcr_rate", *scope, fcr_method="disposition")["source"].unique().to_list() == [
        "calls"
    ]


def test_daily_rows_count_each_source_per_local_day(con: duckdb.DuckDBPyConnection) -> None:
    days = daily_rows(con, "acme")
    assert days.columns == ["source", "local_date", "rows"]
    by_day = {(s, d): n for s, d, n in days.iter_rows()}
    assert [(s, d, n) for (s, d), n in by_day.items() if s != "costs"] == [
        ("calls", D("2026-04-14"), 2),
        ("calls", D("2026-04-16"), 2),
        ("surveys", D("2026-04-15"), 1),
    ]
    costs = days.filter(pl.col("source") == "costs")
    # One row per day of April (30) and May (31): 61 days; the adjustment adds a row on 04-10 and 04-11.
    assert costs.height == 61
    assert costs["rows"].sum() == 63  # 30 + 31 + 2
    assert [by_day["costs", D(d)] for d in ("2026-04-09", "2026-04-10", "2026-04-11", "2026-04-12")] == [
        1,
        2,
        2,
        1,
    ]
    assert (costs["local_date"].min(), costs["local_date"].max()) == (D("2026-04-01"), D("2026-05-31"))
    assert rows(daily_rows(con, "beta"), "source", "rows") == [
        ("agent_time", 1),
        ("intervals", 1),
        ("quality", 1),
    ]
    assert daily_rows(con, "nobody").is_empty()


def test_date_span_covers_every_day_with_data(con: duckdb.DuckDBPyConnection) -> None:
    # The costs spread over their billed days: 2026-04-01 (April invoice) to 2026-05-31 (May invoice).
    assert date_span(con) == (D("2026-04-01"), D("2026-05-31"))
    assert date_span(ready(new_db())) == (None, None)


def test_ingest_log_newest_first_and_vendors(con: duckdb.DuckDBPyConnection) -> None:
    head = ("acme", "calls", "canonical")
    log = [
        (1, "acme/calls/0414.csv", "aa", *head, 2, "2026-04-20 08:00:00", "loaded", None, "k", None),
        (
            2,
            "acme/calls/bad.csv",
            "bb",
            *head,
            None,
            "2026-04-20 08:01:00",
            "rejected",
            "wait_s: not a number",
            "k",
            None,
        ),
    ]
    con.executemany("insert into ingest_log values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", log)
    frame = ingest_log(con)
    assert frame.columns == [
        "loaded_at", "status", "vendor_id", "table", "format", "path", "rows", "message", "sha256",
    ]  # fmt: skip
    assert rows(frame, "status", "path", "rows", "message") == [
        ("rejected", "acme/calls/bad.csv", None, "wait_s: not a number"),
        ("loaded", "acme/calls/0414.csv", 2, None),
    ]
    assert frame["loaded_at"][0] == datetime(2026, 4, 20, 8, 1)
    assert vendors(con).rows() == [
        ("acme", "Acme", "FR", "Europe/Paris", "EUR"),
        ("beta", "Beta", "FR", "Europe/Budapest", "USD"),
    ]
