"""scorecard.periods: labels parsed and built in one place, and partial periods, worked by hand."""

from __future__ import annotations

from datetime import date

import pytest

from scorecard import periods
from scorecard.errors import ScorecardError


@pytest.mark.parametrize(
    ("day", "grain", "label"),
    [
        (date(2026, 5, 17), "day", "2026-05-17"),
        (date(2026, 1, 1), "week", "2026-W01"),  # Thursday 1 January: ISO week 1 of 2026
        (date(2027, 1, 1), "week", "2026-W53"),  # Friday: still the last ISO week of 2026
        (date(2026, 5, 17), "month", "2026-05"),
        (date(2026, 5, 17), "quarter", "2026-Q2"),
        (date(2026, 12, 31), "year", "2026"),
        (date(2026, 12, 31), "all", "all"),
    ],
)
def test_label_of_round_trips_through_parse(day, grain, label):
    assert periods.label_of(day, grain) == label
    parsed = periods.parse_period(label)
    assert parsed.start is None or parsed.start <= day <= parsed.end


def test_labels_between_newest_first_per_grain():
    labels = periods.labels_between(date(2026, 3, 30), date(2026, 4, 2), ("quarter", "month", "week"))
    # 30 Mar – 2 Apr 2026: Q1 and Q2, March and April, ISO week 14 only (Monday 30 March)
    assert labels == ("all", "2026-Q2", "2026-Q1", "2026-04", "2026-03", "2026-W14")
    assert periods.labels_between(None, None, ("month",)) == ("all",)


def test_a_period_the_data_does_not_cover_is_partial():
    q2 = periods.coverage("2026-Q2", date(2026, 1, 1), date(2026, 5, 17))
    # 1 April to 17 May = 30 + 17 = 47 of the quarter's 30 + 31 + 30 = 91 days
    assert (q2.partial, q2.covered_days, q2.period.days) == (True, 47, 91)
    assert q2.describe() == "2026-Q2 is partial: data from 2026-04-01 to 2026-05-17 (47 of 91 days)."
    q1 = periods.coverage("2026-Q1", date(2026, 1, 1), date(2026, 5, 17))
    assert (q1.partial, q1.describe()) == (False, "")
    assert not periods.coverage("all", date(2026, 1, 5), date(2026, 2, 1)).partial


def test_neighbours_and_a_bad_label():
    assert periods.previous_quarter("2026-Q1") == "2025-Q4"
    assert periods.quarter_months("2026-Q4") == ["2026-10", "2026-11", "2026-12"]
    assert periods.month_range("2026-11", "2027-02") == ["2026-11", "2026-12", "2027-01", "2027-02"]
    with pytest.raises(
        ScorecardError, match=r"^Invalid period '2026-Q5'; expected one of: 2026-04-15 \(day\)"
    ):
        periods.parse_period("2026-Q5")
