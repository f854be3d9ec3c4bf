"""Comparable periods: a ranking says which days each vendor's data cover, lists "no data" vendors instead
of ranking them last, leaves out (by default) vendors with too few days, and says why KPIs are missing;
the bootstrap refuses data coarser than a day (the SF monthly export of tests/data)."""

from __future__ import annotations

import csv
import json
import shutil
from datetime import date, datetime, timedelta
from pathlib import Path

import polars as pl
import pytest
from conftest import REPO_DATA, unmarked
from docs_blocks import toml_block
from kpi_fixtures import add_vendor, call, insert, interval, new_db, ready
from streamlit.testing.v1 import AppTest
from test_app_ranking import ROOT, copy_workspace
from typer.testing import CliRunner

from scorecard.access import peers, scope
from scorecard.access.scope import Scope
from scorecard.cli import app
from scorecard.ingest import db
from scorecard.ingest import run as load
from scorecard.metrics import kpis
from scorecard.periods import parse_period
from scorecard.scoring import comparable, presets
from scorecard.scoring.period import rank_period

SF = REPO_DATA / "sf_hss_monthly" / "Call_Center_Metrics_for_the_Health_Service_System.csv"


def _days(vendor: str, dates: list[date], row_s: int = 86_400) -> pl.DataFrame:
    return pl.DataFrame(
        {"vendor_id": [vendor] * len(dates), "local_date": dates, "row_s": [row_s] * len(dates)},
        schema={"vendor_id": pl.String, "local_date": pl.Date, "row_s": pl.Int64},
    )


def _april(keep) -> list[date]:
    return [d for d in (date(2026, 4, 1) + timedelta(days=i) for i in range(30)) if keep(d)]


def test_coverage_counts_closed_days_but_not_gaps_in_the_exports():
    weekdays = _april(lambda d: d.weekday() < 5)  # 22 weekdays; weekends are 2-day runs: closed, covered
    stops = [d for d in weekdays if d <= date(2026, 4, 17)]  # nothing from Sat 18th: a 13-day run
    gap = _april(lambda d: not date(2026, 4, 10) <= d <= date(2026, 4, 13))  # a 4-day run: a gap
    frame = pl.concat([_days("a", weekdays), _days("b", stops), _days("c", gap)])
    result = comparable.assess(parse_period("2026-04"), frame, ["a", "b", "c", "d"])
    got = {v.vendor_id: (v.days_with_data, v.covered_days, v.window_days, v.status) for v in result.vendors}
    assert got == {
        "a": (22, 30, 30, "ranked"),  # 30 − 0 gap days
        "b": (13, 17, 30, "not ranked"),  # 30 − 13 (18th–30th) = 17; 17 / 30 = 56.7 % < 80 %
        "c": (26, 26, 30, "ranked"),  # 30 − 4 = 26; 86.7 % ≥ 80 %
        "d": (0, 0, 30, "no data"),
    }
    assert result.ranked == ["a", "c"]
    names = {"a": "Alpha", "b": "Bravo", "c": "Charlie", "d": "Delta"}
    assert result.summary(names) == [
        "The vendors' data do not cover the same days of 2026-04 (2026-04-01 – 2026-04-30, 30 days):",
        "  Bravo: 2026-04-01 – 2026-04-17, 17 of 30 days (57%); data on 13 days",
        "  Charlie: 2026-04-01 – 2026-04-30, 26 of 30 days (87%); data on 26 days",
        "Not ranked, under 80% of the days: Bravo (57%); --include-partial ranks it anyway.",
        "No data in 2026-04: Delta.",
    ]
    flagged = comparable.assess(parse_period("2026-04"), frame, ["a", "b"], include_partial=True)
    assert [v.status for v in flagged.vendors] == ["ranked", "ranked, incomplete"]
    assert flagged.ranked == ["a", "b"]


def test_the_window_is_the_days_the_vendors_data_reach():
    # the quarter is partial for everyone (data to 2026-05-17): vendors are compared over 1 April – 17 May
    days = [date(2026, 4, 1) + timedelta(days=i) for i in range(47)]
    result = comparable.assess(parse_period("2026-Q2"), _days("a", days), ["a"])
    assert (result.start, result.end, result.window_days) == (date(2026, 4, 1), date(2026, 5, 17), 47)
    assert result.same_days
    assert result.summary() == [
        "Every vendor's data cover the same days, but only part of 2026-Q2: 2026-04-01 – 2026-05-17, 47 "
        "of 91 days (2026-Q2 is partial; KPIs are over these days)."
    ]
    assert result.kpi_days(parse_period("2026-Q2")) == (date(2026, 4, 1), date(2026, 5, 17))
    whole = comparable.assess(parse_period("2026-04"), _days("a", days[:30]), ["a"])
    assert whole.summary() == ["Every vendor's data cover all of 2026-04 (2026-04-01 – 2026-04-30, 30 days)."]


def test_an_invoice_for_days_without_data_is_not_divided_by_the_calls_before_them():
    """The quarter's calls stop on 30 April; the May invoice is already in the cost data. Cost per call is
    over the compared days (1–30 April) in the ranking, the CLI, the app's reads and the KPI read."""
    con = new_db()
    add_vendor(con, "a", timezone="UTC")
    add_vendor(con, "b", timezone="UTC")
    for v, n in (("a", 2), ("b", 4)):  # a: 2 answered calls a day, b: 4, every day of April
        rows = [
            call(f"{v}{d}-{i}", arrived_at=f"2026-04-{d:02d} 10:0{i}:00")
            for d in range(1, 31)
            for i in range(n)
        ]
        insert(con, "calls", v, rows)
    insert(con, "costs", "a", [
        {"period_start": "2026-04-01", "period_end": "2026-04-30", "amount": 600.0, "kind": "invoice"},
        {"period_start": "2026-05-01", "period_end": "2026-05-31", "amount": 9000.0, "kind": "invoice"},
    ])  # fmt: skip
    insert(con, "costs", "b", [
        {"period_start": "2026-04-01", "period_end": "2026-04-30", "amount": 1200.0, "kind": "invoice"},
    ])  # fmt: skip
    ready(con)
    preset = presets.load_preset("procurement_bid")
    result = rank_period(con, "2026-Q2", preset)
    cost = dict(zip(result.table["vendor_id"], result.table["cost_per_call"], strict=True))
    # a: 600 EUR / (30 days × 2 calls) = 10.00 (not (600 + 9,000) / 60 = 160.00); b: 1,200 / 120 = 10.00
    assert cost == pytest.approx({"a": 10.0, "b": 10.0})
    assert result.comparability.summary()[0].startswith(
        "Every vendor's data cover the same days, but only part of 2026-Q2: 2026-04-01 – 2026-04-30, 30 of 91"
    )
    # the app's read through the access layer gives the same number
    ranked, _ = peers.ranked(
        con,
        scope.local(),
        "2026-Q2",
        ["a", "b"],
        "procurement_bid",
        preset,
        (),
        "fixed",
        "negative",
        "survey",
    )
    assert dict(zip(ranked.table["vendor_id"], ranked.table["cost_per_call"], strict=True)) == cost


def test_a_monthly_interval_row_covers_its_month_and_marks_the_source_monthly():
    con = new_db()
    add_vendor(con, "sf", timezone="UTC")
    add_vendor(con, "daily", timezone="UTC")
    insert(con, "intervals", "sf", [interval("2026-04-01 00:00:00", interval_s=30 * 86_400, answered=900)])
    insert(con, "calls", "daily", [call("c1", arrived_at="2026-04-29 09:00:00")])
    ready(con)
    days = kpis.coverage_days(con, start=date(2026, 4, 1), end=date(2026, 4, 30))
    sf = days.filter(pl.col("vendor_id") == "sf")
    assert sf.height == 30 and sf["row_s"].unique().to_list() == [30 * 86_400]  # 1–30 April
    # a week: the row starts before it, so (as in the KPI sums) it is not in the week
    assert kpis.coverage_days(con, "sf", date(2026, 4, 6), date(2026, 4, 12)).is_empty()
    result = comparable.assess(parse_period("2026-04"), days, ["daily", "sf"])
    daily, monthly = result.vendors
    # the 29th, and the 30th (a 1-day run counts as closed); 1–28 April is a 28-day gap: 30 − 28 = 2
    assert (daily.covered_days, daily.status) == (2, "not ranked")
    assert (monthly.covered_days, monthly.grain, monthly.status) == (30, "monthly", "ranked")


def test_surveys_do_not_cover_a_day_without_calls_of_a_vendor_that_sends_calls():
    # "late": surveys every day of April but calls only on the 29th (its other call files were rejected);
    # "survey_only": no call or interval data at all, so its survey days are its days with data
    con = new_db()
    for vendor in ("late", "survey_only"):
        add_vendor(con, vendor, timezone="UTC")
    surveys = [
        {"survey_id": f"s{d}", "responded_at": f"2026-04-{d:02d} 12:00:00", "csat": 5, "resolved": True}
        for d in range(1, 31)
    ]
    insert(con, "surveys", "late", surveys)
    insert(con, "surveys", "survey_only", surveys)
    insert(con, "calls", "late", [call("c1", arrived_at="2026-04-29 09:00:00")])
    ready(con)
    days = kpis.coverage_days(con, start=date(2026, 4, 1), end=date(2026, 4, 30))
    late, only = comparable.assess(parse_period("2026-04"), days, ["late", "survey_only"]).vendors
    # late: the 29th, and the 30th (a 1-day run); 1–28 April is a gap: 30 − 28 = 2 of 30 days
    assert (late.days_with_data, late.covered_days, late.status) == (1, 2, "not ranked")
    assert (only.days_with_data, only.covered_days, only.status) == (30, 30, "ranked")


def _cut(path: Path, column: str, last: str) -> None:
    """Keep the rows of a CSV whose `column` is on or before `last` (an export that stops early)."""
    with path.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(r for r in rows if r[column][:10] <= last)


@pytest.fixture(scope="module")
def gaps_db(tmp_path_factory) -> Path:
    """The app fixture (6–20 April 2026): west's exports stop on the 12th, south sent only its invoice."""
    ws = copy_workspace(tmp_path_factory.mktemp("gaps") / "ws")
    for name, column in (("calls/2026-04.csv", "arrived_at"), ("surveys.csv", "responded_at"),
                         ("quality.csv", "evaluated_at"), ("agent_time.csv", "date")):  # fmt: skip
        _cut(ws / "west" / name, column, "2026-04-12")
        _cut(ws / "south" / name, column, "2026-04-01")  # nothing left but the header
    _cut(ws / "north" / "surveys.csv", "responded_at", "2026-04-01")  # north sent no surveys
    path = ws / ".scorecard.duckdb"
    assert load.ingest(ws, path).ok
    return path


def _rank(db: Path, *args: str):
    return CliRunner().invoke(app, ["rank", "--db", str(db), "--period", "2026-W16", *args])


def test_rank_says_who_covers_which_days_and_ranks_only_comparable_vendors(gaps_db):
    result = _rank(gaps_db, "--period", "all")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    # window 6–19 April (the calls; 14 days); west: 6–12 April, then a 7-day run without data: 14 − 7 = 7
    assert lines[1:5] == [
        "The vendors' data do not cover the same days of the whole range (2026-04-06 – 2026-04-19, 14 days):",
        "  Westline Support: 2026-04-06 – 2026-04-12, 7 of 14 days (50%); data on 7 days",
        "Not ranked, under 80% of the days: Westline Support (50%); --include-partial ranks it anyway.",
        "No data in the whole range: Southgate BPO.",
    ]
    assert "Northwind Contact ranks first" in lines[6]  # the only vendor ranked
    assert "Southgate BPO" not in "\n".join(lines[7:])  # listed as no data, never ranked with 0 points

    csv_out = _rank(gaps_db, "--period", "all", "--format", "csv").stdout.splitlines()
    rows = {line.split(",")[0]: line.split(",") for line in csv_out[1:]}
    header = csv_out[0].split(",")
    status = header.index("status")
    assert {v: (r[2], r[status]) for v, r in rows.items()} == {
        "north": ("1", "ranked"),
        "west": ("", "not ranked"),
        "south": ("", "no data"),
    }


def test_include_partial_ranks_the_vendor_flagged(gaps_db):
    result = _rank(gaps_db, "--period", "all", "--include-partial")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[3] == "Ranked although under 80% of the days, flagged: Westline Support (50%)."
    covered = next(line for line in lines if line.startswith("days of the period covered"))
    assert [c.strip() for c in covered.split("  ") if c.strip()][1:] == [
        "⚠ 7/14 days",
        "14/14 days",
    ]  # west, then north


def test_rank_says_why_each_missing_kpi_is_missing(gaps_db):
    # in week 16 (13–19 April) west has no data at all; north sent no surveys
    result = _rank(gaps_db)
    assert result.exit_code == 0, result.output
    assert "No data in 2026-W16: Southgate BPO, Westline Support." in result.stdout
    why = result.stdout.split("Why values are missing:\n", 1)[1].splitlines()
    assert why == [
        "  Northwind Contact, First-contact resolution (survey): no surveys sent",
        "  Northwind Contact, Customer satisfaction (top-2 box): no surveys sent",
    ]
    rows = _rank(gaps_db, "--format", "json")
    north = json.loads(rows.stdout)[0]
    assert north["missing"] == "fcr_rate: no surveys sent; csat_rate: no surveys sent"


PRESET = """
name = "Queue"
method = "fixed"
[kpis.abandon_rate]
weight = 1
target = 0.02
floor = 0.20
[kpis.asa_s]
weight = 1
target = 20
floor = 120
"""


@pytest.fixture(scope="module")
def monthly_db(tmp_path_factory) -> tuple[Path, Path]:
    """SF's monthly export (the docs' mapped example, as published) and a vendor with daily calls in 2019."""
    ws = tmp_path_factory.mktemp("monthly") / "ws"
    (ws / "sf").mkdir(parents=True)
    (ws / "scorecard.toml").write_text('base_currency = "USD"\n', encoding="utf-8")
    heading = "Example: a monthly aggregate with a published abandonment rate"
    head = 'name = "SF Health Service System"\ntimezone = "America/Los_Angeles"\ncurrency = "USD"\n\n'
    (ws / "sf" / "vendor.toml").write_text(head + toml_block("adapters.md", heading), encoding="utf-8")
    shutil.copy(SF, ws / "sf" / SF.name)
    (ws / "daily" / "calls").mkdir(parents=True)
    (ws / "daily" / "vendor.toml").write_text(
        'name = "Daily Desk"\ntimezone = "UTC"\ncurrency = "USD"\n\n'
        '[[exports]]\ntable = "calls"\nfiles = "calls/*.csv"\n',
        encoding="utf-8",
    )
    lines = ["call_id,program,arrived_at,outcome,wait_s,talk_s,hold_s,acw_s,transferred"]
    day = datetime(2019, 1, 1, 9)
    for i in range(365):  # every day of 2019: 3 calls, one of them abandoned on odd days
        at = day + timedelta(days=i)
        for j, outcome in enumerate(("answered", "answered", "abandoned" if i % 2 else "answered")):
            talk = 200 if outcome == "answered" else 0
            lines.append(f"d{i}-{j},care,{at:%Y-%m-%d %H:%M:%S},{outcome},{10 + j * 5},{talk},0,0,false")
    (ws / "daily" / "calls" / "2019.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    path = ws / ".scorecard.duckdb"
    report = load.ingest(ws, path)
    assert report.ok, [f.message for f in report.files]
    preset = ws / "queue.toml"
    preset.write_text(PRESET, encoding="utf-8")
    return path, preset


def test_the_bootstrap_refuses_monthly_data(monthly_db):
    path, preset = monthly_db
    args = ["rank", "--db", str(path), "--period", "2019", "--preset-file", str(preset)]
    out = CliRunner().invoke(app, [*args, "--format", "json", "--sensitivity", "--bootstrap-draws", "50"])
    assert out.exit_code == 0, out.output
    payload = json.loads(out.stdout)
    cover = {
        r["vendor_id"]: (r["covered_days"], r["window_days"], r["source_grain"]) for r in payload["ranking"]
    }
    assert cover == {"sf": (365, 365, "monthly"), "daily": (365, 365, "day")}  # a month row covers its month
    boot = {r["vendor_id"]: r for r in payload["bootstrap"]}
    assert (boot["sf"]["score_low"], boot["sf"]["score_high"]) == (None, None)
    assert boot["sf"]["note"] == "not available: the source is monthly, one row per month"
    assert (
        boot["daily"]["score_low"] is not None and boot["daily"]["score_low"] <= boot["daily"]["score_high"]
    )
    # P(rank 1) from resampling would resample one side only: not given for anyone
    assert [r["p_rank_1"] for r in payload["bootstrap"]] == [None, None]
    assert any("cannot be resampled by day" in n for n in payload["notes"])
    # weight perturbation does not resample data: its rank probabilities stay
    assert sum(r["p_rank_1"] for r in payload["rank_probabilities"]) == pytest.approx(1.0)

    table = CliRunner().invoke(app, args)
    assert table.exit_code == 0, table.output
    headline = " ".join(table.stdout.split("\n\n")[1].splitlines())
    assert headline.startswith("Too close to call: ")
    assert headline.endswith(
        "but the score intervals cannot be computed (data coarser than a day cannot be resampled by day)."
    )


@pytest.fixture
def gaps_app(gaps_db, monkeypatch) -> AppTest:
    monkeypatch.setenv("SCORECARD_WORKSPACE", str(gaps_db.parent))
    monkeypatch.setenv("SCORECARD_DB", str(gaps_db))
    return AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)


def test_the_ranking_page_ranks_comparable_vendors_and_lists_the_others(gaps_app):
    at = gaps_app
    at.run()
    assert not at.exception
    assert unmarked(at.warning[0].value).splitlines() == [
        "The vendors' data do not cover the same days of the whole range (2026-04-06 – 2026-04-19, 14 days):",
        "  Westline Support: 2026-04-06 – 2026-04-12, 7 of 14 days (50%); data on 7 days",
        "Not ranked, under 80% of the days: Westline Support (50%); the switch “Rank partial vendors too” "
        "ranks it anyway.",
        "No data in the whole range: Southgate BPO.",
    ]
    ranked = pl.from_pandas(at.dataframe[0].value)
    assert ranked["Vendor"].to_list() == ["Northwind Contact"]
    assert ranked["Days covered"].to_list() == ["14/14 days"]
    others = pl.from_pandas(at.dataframe[1].value)
    assert others.select("Vendor", "Why", "Days covered").rows() == [
        ("Southgate BPO", "no data", "0/14 days"),
        ("Westline Support", "not ranked", "7/14 days"),
    ]
    why = pl.from_pandas(at.dataframe[2].value)  # north sent no surveys
    assert why.rows() == [
        ("Northwind Contact", "First-contact resolution (survey)", "no surveys sent"),
        ("Northwind Contact", "Customer satisfaction (top-2 box)", "no surveys sent"),
    ]

    at.toggle(key="_w_partial").set_value(True).run()
    ranked = pl.from_pandas(at.dataframe[0].value)
    assert ranked["Vendor"].to_list() == ["Westline Support", "Northwind Contact"]
    assert ranked["Days covered"].to_list() == ["⚠ 7/14 days", "14/14 days"]
    assert ranked["Flags"][0].startswith(
        "⚠ data on part of the period (2026-04-06 – 2026-04-12, 7 of 14 days"
    )
    assert at.query_params["partial"] == "1"  # the link keeps it


def test_the_compare_page_says_which_days_each_vendor_covers(gaps_db, monkeypatch):
    monkeypatch.setenv("SCORECARD_WORKSPACE", str(gaps_db.parent))
    monkeypatch.setenv("SCORECARD_DB", str(gaps_db))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.query_params["page"] = "compare"
    at.run()
    assert not at.exception
    lines = unmarked(at.warning[0].value).splitlines()
    assert lines[2:] == [
        "Under 80% of the days: Westline Support (50%); their KPIs describe other days than their peers'.",
        "No data in the whole range: Southgate BPO.",
    ]
    table = pl.from_pandas(at.dataframe[0].value)
    days = table.row(0, named=True)
    assert (days["KPI"], days["Northwind Contact"], days["Westline Support"]) == (
        "Days covered", "14/14", "⚠ 7/14",
    )  # fmt: skip


@pytest.fixture(scope="module")
def west_cut(tmp_path_factory):
    """The app fixture with only west's exports stopping on 12 April (7 of 14 days)."""
    ws = copy_workspace(tmp_path_factory.mktemp("west-cut") / "ws")
    for name, column in (("calls/2026-04.csv", "arrived_at"), ("surveys.csv", "responded_at"),
                         ("quality.csv", "evaluated_at"), ("agent_time.csv", "date")):  # fmt: skip
        _cut(ws / "west" / name, column, "2026-04-12")
    assert load.ingest(ws, ws / ".scorecard.duckdb").ok
    con = db.connect(ws / ".scorecard.duckdb", read_only=True)
    yield con
    con.close()


def test_a_vendors_view_compares_it_only_with_comparable_peers(west_cut):
    north = Scope(
        "ops@northwind.example", "vendor", vendors=("north",), own="north", preset="quarterly_review"
    )
    medians = peers.peer_medians(west_cut, north, "all", None, None, "negative")
    sl = medians.filter(pl.col("kpi") == "service_level").row(0, named=True)
    # south covers 14 of 14 days, west 7: one comparable peer, and a median needs two
    assert (sl["peers"], sl["peer_median"]) == (1, None)

    qr = presets.load_preset("quarterly_review")
    weights = tuple(zip(qr.kpi_ids, qr.weights, strict=True))
    result, _ = peers.ranked(west_cut, north, "all", None, "quarterly_review", qr, weights, "fixed",
                             "negative", "survey")  # fmt: skip
    assert result.table.height == 2  # north and one anonymised peer; west is not ranked
    assert result.comparability.summary() == [
        "The vendors' data do not cover the same days of the whole range (2026-04-06 – 2026-04-19, 14 days).",
        "1 peer(s) not ranked in the whole range.",
    ]  # north sees that a peer is left out, never which one or why
    assert "west" not in " ".join(result.comparability.summary())


def test_a_quarterly_review_compares_only_with_peers_that_cover_the_quarter(west_cut, tmp_path):
    from scorecard.review.quarter import quarterly_review
    from scorecard.review.report import write_report

    review = quarterly_review(west_cut, "north", "2026-Q2")
    # the window is 6–19 April; south covers 14 of 14 days, west 7 of 14 (50%): west is left out of the
    # rank and of every peer median, so each median is south's value alone
    assert review.peers_left_out == 1
    assert sorted(review.ranking["vendor_id"].to_list()) == ["north", "south"]
    south = kpis.kpis(west_cut, grain="quarter", vendors=["south"]).row(0, named=True)
    sl = review.kpis.filter(pl.col("kpi") == "service_level").row(0, named=True)
    assert (sl["peers"], sl["peer_median"]) == (1, south["service_level"])
    page = write_report(review, tmp_path / "north.html").read_text(encoding="utf-8")
    assert "1 peer(s) left out: their data cover under 80% of the quarter&#x27;s days" in page


def test_the_ranking_page_says_a_monthly_source_has_no_interval(monthly_db, monkeypatch):
    path, _ = monthly_db
    monkeypatch.setenv("SCORECARD_WORKSPACE", str(path.parent))
    monkeypatch.setenv("SCORECARD_DB", str(path))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.query_params["period"] = "2019"
    at.run()
    assert not at.exception
    table = pl.from_pandas(at.dataframe[0].value)
    shown = dict(zip(table["Vendor"], table["90% interval"], strict=True))
    assert shown["SF Health Service System"] == "not available: the source is monthly, one row per month"
    assert shown["Daily Desk"][0].isdigit()  # an interval such as 52.1–55.0
    assert unmarked(at.warning[0].value).startswith("Too close to call: ")  # the rule cannot be checked
    at.session_state["_ranking_panel"] = "Confidence"  # drawn with a vendor without an interval
    at.run()
    assert not at.exception
    wilson = pl.from_pandas(at.dataframe[-1].value)  # the panel drew to its end, past the chart
    assert wilson.columns[-1] == "Against the pooled rate"
