"""Period labels, grains, scope filters, column and row order of the KPI frames."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest
from kpi_fixtures import add_vendor, call, insert, new_db, ready

from scorecard.errors import ScorecardError
from scorecard.metrics.catalogue import COMPONENT_COLUMNS, KPI_COLUMNS, VOLUME_COLUMNS
from scorecard.metrics.kpis import Period, daily_components, kpi_columns, kpi_notes, kpis, parse_period

PERIOD_FORMS = (
    "expected one of: 2026-04-15 (day), 2026-W16 (ISO week), 2026-04 (month), 2026-Q2 (quarter), "
    "2026 (year), all."
)


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ("2026-04-15", Period("day", "2026-04-15", date(2026, 4, 15), date(2026, 4, 15))),
        ("2026-W16", Period("week", "2026-W16", date(2026, 4, 13), date(2026, 4, 19))),
        ("2026-W01", Period("week", "2026-W01", date(2025, 12, 29), date(2026, 1, 4))),
        ("2026-W53", Period("week", "2026-W53", date(2026, 12, 28), date(2027, 1, 3))),
        ("2026-02", Period("month", "2026-02", date(2026, 2, 1), date(2026, 2, 28))),
        ("2026-12", Period("month", "2026-12", date(2026, 12, 1), date(2026, 12, 31))),
        ("2026-Q2", Period("quarter", "2026-Q2", date(2026, 4, 1), date(2026, 6, 30))),
        ("2026-Q4", Period("quarter", "2026-Q4", date(2026, 10, 1), date(2026, 12, 31))),
        ("2026", Period("year", "2026", date(2026, 1, 1), date(2026, 12, 31))),
        ("all", Period("all", "all", None, None)),
    ],
)
def test_parse_period(label: str, expected: Period) -> None:
    assert parse_period(label) == expected


@pytest.mark.parametrize("label", ["2026-13", "2025-W53", "2026-W00", "2026-Q5", "Q2-2026", "2026-02-30", ""])
def test_parse_period_rejects_with_the_accepted_forms(label: str) -> None:
    with pytest.raises(ScorecardError) as err:
        parse_period(label)
    assert str(err.value) == f"Invalid period {label!r}; {PERIOD_FORMS}"


def _calendar_db():
    # Monday 29 Dec 2025 and Thursday 1 Jan 2026 share ISO week 2026-W01; 15 Apr 2026 is in 2026-W16.
    con = new_db()
    add_vendor(con, "acme")
    add_vendor(con, "beta")
    insert(con, "calls", "beta", [call("b1", arrived_at="2026-04-15 10:00:00")])
    acme = [
        call("a1", "answered", 10, arrived_at="2025-12-29 10:00:00"),
        call("a2", "answered", 30, arrived_at="2026-01-01 10:00:00"),
        call("a3", "abandoned", 30, arrived_at="2026-04-15 10:00:00"),
    ]
    insert(con, "calls", "acme", acme)
    return ready(con)


@pytest.mark.parametrize(
    ("grain", "labels"),
    [
        ("day", ["2025-12-29", "2026-01-01", "2026-04-15"]),
        ("week", ["2026-W01", "2026-W16"]),
        ("month", ["2025-12", "2026-01", "2026-04"]),
        ("quarter", ["2025-Q4", "2026-Q1", "2026-Q2"]),
        ("year", ["2025", "2026"]),
        ("all", ["all"]),
    ],
)
def test_period_labels_at_each_grain(grain: str, labels: list[str]) -> None:
    frame = kpis(_calendar_db(), grain=grain, vendors=["acme"])
    assert frame["period"].to_list() == labels


def test_iso_week_pools_across_the_new_year() -> None:
    week = kpis(_calendar_db(), grain="week", vendors="acme").row(0, named=True)
    assert (week["period"], week["answered"], week["asa_s"]) == ("2026-W01", 2, 20.0)  # (10 + 30) / 2


def test_rows_are_sorted_and_columns_follow_design() -> None:
    frame = kpis(_calendar_db(), grain="year")
    assert frame.select("vendor_id", "period").rows() == [
        ("acme", "2025"),
        ("acme", "2026"),
        ("beta", "2026"),
    ]
    assert frame.columns == ["vendor_id", "period", *VOLUME_COLUMNS, *KPI_COLUMNS]
    assert frame.columns == kpi_columns()
    assert {frame.schema[c] for c in VOLUME_COLUMNS} == {pl.Int64}
    assert {frame.schema[c] for c in KPI_COLUMNS} == {pl.Float64}
    by_program = kpis(_calendar_db(), by_program=True)
    assert by_program.columns == ["vendor_id", "period", "program", *VOLUME_COLUMNS, *KPI_COLUMNS]


def test_scope_by_vendor_and_dates() -> None:
    con = _calendar_db()
    assert kpis(con, vendors=["beta"])["vendor_id"].to_list() == ["beta"]
    assert kpis(con, vendors=[]).is_empty()
    # From 1 Jan 2026: a2 and a3 only, pooled: answered 1 of queued 2.
    scoped = kpis(con, vendors="acme", start=date(2026, 1, 1)).row(0, named=True)
    assert (scoped["queued"], scoped["answered"], scoped["asa_s"]) == (2, 1, 30.0)
    # Until 1 Jan 2026 (inclusive), as an ISO string: a1 and a2.
    scoped = kpis(con, vendors="acme", end="2026-01-01").row(0, named=True)
    assert (scoped["queued"], scoped["asa_s"]) == (2, 20.0)
    days = daily_components(con, vendors=["acme"], start="2026-01-01", end="2026-01-01")
    assert days.columns == ["vendor_id", "local_date", *COMPONENT_COLUMNS]
    assert days["local_date"].to_list() == [date(2026, 1, 1)]
    seconds_or_money = {c for c in COMPONENT_COLUMNS if c.endswith(("_s", "_base", "_sum"))}
    assert {days.schema[c] for c in seconds_or_money} == {pl.Float64}
    assert {days.schema[c] for c in set(COMPONENT_COLUMNS) - seconds_or_money} == {pl.Int64}


def test_vendor_ids_are_bound_not_formatted() -> None:
    con = _calendar_db()
    assert kpis(con, vendors=["acme' or '1'='1"]).is_empty()


def test_unknown_grain_and_bad_dates() -> None:
    con = _calendar_db()
    with pytest.raises(ScorecardError) as err:
        kpis(con, grain="fortnight")
    assert str(err.value) == (
        "Unknown grain 'fortnight'; expected one of: day, week, month, quarter, year, all."
    )
    with pytest.raises(ScorecardError) as err:
        kpi_notes(con, start="15/04/2026")
    assert str(err.value) == "Invalid start date '15/04/2026'; expected YYYY-MM-DD, e.g. 2026-04-15."


def test_notes_are_ordered_like_the_kpi_columns() -> None:
    frame = kpi_notes(_calendar_db(), vendors=["acme"])
    assert frame.columns == ["vendor_id", "period", "kpi", "reason"]
    order = [KPI_COLUMNS.index(k) for k in frame["kpi"]]
    assert order == sorted(order)
