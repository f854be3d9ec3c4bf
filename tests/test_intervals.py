"""Service level per 30-minute interval (scorecard.metrics.intervals), shared by the review and Trends.

Workspace: T = 20 s, short abandons < 5 s.
acme (call records, 2026-04-15, two programs):
  10:00-10:30  answered w10 (in SL), answered w30, abandoned w3 (short, in SL), abandoned w15 (in SL),
               abandoned w40  -> answered 2, abandoned 3, in SL 1 + 2, short 1
  10:30-11:00  answered w5 (in SL), blocked                 -> answered 1, in SL 1
  11:00-11:30  self-service only                            -> no interval (nothing queued)
  2026-04-16 09:00  answered w25                            -> answered 1, in SL 0
beta (interval reports, 2026-04-15):
  09:00 sales + 09:15 support share the 09:00 interval: answered 4 + 2, in SL 3 + 2, abandoned 0 + 1
  (short 1, in SL 1); 10:00 reported with T = 30 s (in-SL counts not comparable); 11:00 reported with
  short abandons < 10 s (short abandons not comparable).
"""

from __future__ import annotations

from datetime import date, datetime

import duckdb
import pytest
from kpi_fixtures import add_vendor, call, insert, interval, new_db, ready, rows

from scorecard.errors import ScorecardError
from scorecard.metrics.intervals import interval_service
from scorecard.metrics.kpis import parse_period
from scorecard.review.quarter import interval_attainment


def _db(**settings: object) -> duckdb.DuckDBPyConnection:
    con = new_db(**settings)
    add_vendor(con, "acme")
    add_vendor(con, "beta")
    insert(con, "calls", "acme", [
        call("a1", "answered", 10, arrived_at="2026-04-15 10:05:00"),
        call("a2", "answered", 30, arrived_at="2026-04-15 10:20:00", program="support"),
        call("a3", "abandoned", 3, arrived_at="2026-04-15 10:25:00"),
        call("a4", "abandoned", 15, arrived_at="2026-04-15 10:26:00", program="support"),
        call("a5", "abandoned", 40, arrived_at="2026-04-15 10:29:59"),
        call("a6", "answered", 5, arrived_at="2026-04-15 10:40:00"),
        call("a7", "blocked", 0, arrived_at="2026-04-15 10:50:00"),
        call("a8", "self_service", 0, arrived_at="2026-04-15 11:10:00"),
        call("a9", "answered", 25, arrived_at="2026-04-16 09:00:00"),
    ])  # fmt: skip
    insert(con, "intervals", "beta", [
        interval("2026-04-15 09:00:00", answered=4, answered_in_sl=3),
        interval("2026-04-15 09:15:00", program="support", answered=2, answered_in_sl=2, abandoned=1,
                 abandoned_in_sl=1, short_abandoned=1),
        interval("2026-04-15 10:00:00", answered=5, answered_in_sl=5, sl_threshold_s=30.0),
        interval("2026-04-15 11:00:00", answered=4, answered_in_sl=2, abandoned=2, abandoned_in_sl=1,
                 short_abandoned=1, short_abandon_s=10.0),
    ])  # fmt: skip
    return ready(con)


@pytest.fixture
def con() -> duckdb.DuckDBPyConnection:
    return _db()


def at(hour: int, minute: int = 0, day: int = 15) -> datetime:
    return datetime(2026, 4, day, hour, minute)


def test_negative_variant_per_interval(con: duckdb.DuckDBPyConnection) -> None:
    frame = interval_service(con, "negative")
    assert frame.columns == ["vendor_id", "interval_start", "numerator", "denominator", "service_level"]
    assert rows(frame, "vendor_id", "interval_start", "numerator", "denominator") == [
        ("acme", at(10), 1, 4),  # answered in SL 1 / (queued 5 - short 1)
        ("acme", at(10, 30), 1, 1),  # the blocked call is not queued
        ("acme", at(9, day=16), 0, 1),  # w25 > T
        ("beta", at(9), 5, 6),  # (3 + 2) / (4 + 2 + 1 queued - 1 short), both programs, both rows
        ("beta", at(10), None, 5),  # reported with T = 30 s: in-SL unknown
        ("beta", at(11), 2, None),  # reported with short abandons < 10 s: short abandons unknown
    ]
    assert frame["service_level"].to_list() == [1 / 4, 1.0, 0.0, 5 / 6, None, None]


@pytest.mark.parametrize(
    ("variant", "acme_10", "beta_9", "beta_10", "beta_11"),
    [
        # in SL / (queued - short abandons)
        ("negative", (1, 4), (5, 6), (None, 5), (2, None)),
        # in SL / answered: acme 1 / 2; beta 09:00 5 / 6; 11:00 2 / 4 (short abandons not needed)
        ("answered_only", (1, 2), (5, 6), (None, 5), (2, 4)),
        # in SL / (queued - abandoned in SL): acme 1 / (5 - 2); beta 5 / (7 - 1); 10:00 5 - NULL
        ("ignore_early_abandons", (1, 3), (5, 6), (None, None), (2, 5)),
        # (in SL + abandoned in SL) / queued: acme (1 + 2) / 5; beta (5 + 1) / 7; 11:00 (2 + 1) / 6
        ("positive", (3, 5), (6, 7), (None, 5), (3, 6)),
    ],
)
def test_each_variant_per_interval(
    con: duckdb.DuckDBPyConnection,
    variant: str,
    acme_10: tuple[int | None, int | None],
    beta_9: tuple[int | None, int | None],
    beta_10: tuple[int | None, int | None],
    beta_11: tuple[int | None, int | None],
) -> None:
    frame = interval_service(con, variant)
    got = {(v, t): (n, d) for v, t, n, d, _ in frame.iter_rows()}
    assert got["acme", at(10)] == acme_10
    assert got["acme", at(10, 30)] == (1, 1)  # every variant: one call answered in SL
    assert got["beta", at(9)] == beta_9
    assert got["beta", at(10)] == beta_10
    assert got["beta", at(11)] == beta_11


def test_default_variant_is_the_workspace_one() -> None:
    con = _db(sl_variant="positive")
    assert interval_service(con).equals(interval_service(con, "positive"))
    assert not interval_service(con).equals(interval_service(con, "negative"))


def test_scope_by_vendor_and_local_dates(con: duckdb.DuckDBPyConnection) -> None:
    frame = interval_service(con, "negative", ["acme"], date(2026, 4, 16), date(2026, 4, 16))
    assert rows(frame, "vendor_id", "interval_start") == [("acme", at(9, day=16))]
    assert interval_service(con, "negative", ["acme"], None, date(2026, 4, 15)).height == 2
    assert interval_service(con, "negative", []).is_empty()


def test_unknown_variant_is_refused(con: duckdb.DuckDBPyConnection) -> None:
    with pytest.raises(ScorecardError) as err:
        interval_service(con, "friendly")
    assert str(err.value) == (
        "Unknown service-level variant 'friendly'; expected one of: negative, answered_only, "
        "ignore_early_abandons, positive."
    )


def test_the_review_uses_the_same_intervals(con: duckdb.DuckDBPyConnection) -> None:
    table, profile = interval_attainment(con, "beta", parse_period("2026-Q2"), 0.8)
    # beta under the workspace variant (negative): 09:00 5/6 = 0.83 meets 0.8; 10:00 and 11:00 have no
    # service level and are left out.
    assert rows(profile, "time", "intervals", "meeting", "service_level") == [("09:00", 1, 1, 5 / 6)]
    quarter = table.filter(table["period"] == "2026-Q2")
    assert rows(quarter, "intervals", "meeting", "attainment_rate") == [(1, 1, 1.0)]
    table, profile = interval_attainment(con, "acme", parse_period("2026-Q2"), 0.8)
    # acme: 10:00 1/4, 10:30 1/1, 04-16 09:00 0/1 -> one of three meets; pooled (1 + 1 + 0) / (4 + 1 + 1)
    quarter = table.filter(table["period"] == "2026-Q2")
    assert rows(quarter, "intervals", "meeting", "service_level") == [(3, 1, 2 / 6)]
