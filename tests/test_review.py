"""The quarterly review end to end on a tiny database: KPIs, credits, intervals, confidence, rank, findings.

The fixture (also used by the report tests): vendor `acme` (USD, 0.9 EUR per USD, all times UTC) with
2 calls in March and in Q2:
  April  a1 w10, a2 w10, a3 w30 (09:00 interval), a4 w10, a5 w10 (09:30)   SL 4/5 = 0.8, abandon 0/5
  May    m1 w10, m2 w10 (10:00), m3 w30 + m4 abandoned w40 (10:30), m5 abandoned w40 (11:00)
         SL 2/5 = 0.4, abandon 2/5 = 0.4
  June   j0..j3 w10 at 09:00, 09:10, 09:20, 09:30                          SL 1.0, abandon 0
  Quarter SL (4 + 2 + 4) / (5 + 5 + 4) = 10/14, abandon 2/14; handled 5 + 3 + 4 = 12.
Surveys (resolved, csat): April (yes 5), (no 2); May (yes 4), (yes 4); June (yes 5), (no 3):
  FCR 4/6, CSAT 4/6.
QA scores 80, 90, 100. Invoices 10,000 USD a month; a -600 USD credit note in May.
Peers: beta 2 calls w10 (SL 1.0), gamma w10 + w30 (SL 0.5) in April.
Contract: cap 6 %; service level ≥ 0.80 (5 %, earn-back 2 months); abandonment ≤ 0.10 (3 %).
"""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import polars as pl
import pytest
from conftest import write
from kpi_fixtures import DEFAULT_SETTINGS, add_fx, add_vendor, call, insert, interval, new_db, ready
from typer.testing import CliRunner

from scorecard.cli import app
from scorecard.ingest.db import create_tables
from scorecard.metrics.kpis import parse_period
from scorecard.review.quarter import Review, interval_attainment, previous_quarter, quarterly_review
from scorecard.review.report.html import render_html
from scorecard.review.report.xlsx import build_workbook
from scorecard.sql.views import apply_views
from scorecard.workspace.contract import parse_contract

CONTRACT: dict[str, Any] = {
    "at_risk_cap_pct": 6,
    "terms": [
        {"kpi": "service_level", "target": 0.80, "credit_pct": 5, "earn_back_months": 2},
        {"kpi": "abandon_rate", "target": 0.10, "credit_pct": 3},
    ],
}
FILES = ["acme/calls.csv", "acme/costs.csv", "acme/quality.csv", "acme/surveys.csv", "beta/calls.csv"]
FILES += ["gamma/calls.csv"]


def _rows(vendor: str, table: str, items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{**r, "source_file": f"{vendor}/{table}.csv"} for r in items]


def _survey(sid: str, at: str, csat: int, resolved: bool) -> dict[str, Any]:
    return {"survey_id": sid, "responded_at": at, "csat": csat, "resolved": resolved}


def _cost(start: str, end: str, amount: float, kind: str = "invoice") -> dict[str, Any]:
    return {"period_start": start, "period_end": end, "amount": amount, "kind": kind}


def build_review_db(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    """Fill an empty database with the module docstring's rows, an ingest log and the views."""
    create_tables(con)
    cols = ", ".join(DEFAULT_SETTINGS)
    con.execute(
        f"insert into settings ({cols}) values ({', '.join('?' for _ in DEFAULT_SETTINGS)})",
        list(DEFAULT_SETTINGS.values()),
    ).fetchall()
    add_vendor(con, "acme", currency="USD")
    add_vendor(con, "beta")
    add_vendor(con, "gamma")
    for month in ("2026-03", "2026-04", "2026-05", "2026-06"):
        add_fx(con, month, "USD", 0.9)
    calls = [
        call("q1", wait_s=10, arrived_at="2026-03-10 09:00:00"),
        call("q2", wait_s=10, arrived_at="2026-03-10 09:05:00"),
        call("a1", wait_s=10, arrived_at="2026-04-10 09:00:00"),
        call("a2", wait_s=10, arrived_at="2026-04-10 09:10:00"),
        call("a3", wait_s=30, arrived_at="2026-04-10 09:20:00"),
        call("a4", wait_s=10, arrived_at="2026-04-10 09:30:00"),
        call("a5", wait_s=10, arrived_at="2026-04-10 09:40:00"),
        call("m1", wait_s=10, arrived_at="2026-05-12 10:00:00"),
        call("m2", wait_s=10, arrived_at="2026-05-12 10:10:00"),
        call("m3", wait_s=30, arrived_at="2026-05-12 10:30:00"),
        call("m4", "abandoned", wait_s=40, arrived_at="2026-05-12 10:40:00"),
        call("m5", "abandoned", wait_s=40, arrived_at="2026-05-12 11:00:00"),
        *[call(f"j{i}", wait_s=10, arrived_at=f"2026-06-15 09:{10 * i:02d}:00") for i in range(4)],
    ]
    insert(con, "calls", "acme", _rows("acme", "calls", calls))
    surveys = [
        _survey("s1", "2026-04-11 12:00:00", 5, True),
        _survey("s2", "2026-04-11 12:00:00", 2, False),
        _survey("s3", "2026-05-13 12:00:00", 4, True),
        _survey("s4", "2026-05-13 12:00:00", 4, True),
        _survey("s5", "2026-06-16 12:00:00", 5, True),
        _survey("s6", "2026-06-16 12:00:00", 3, False),
    ]
    insert(con, "surveys", "acme", _rows("acme", "surveys", surveys))
    scores = [(f"e{i}", f"2026-0{4 + i}-20 12:00:00", s) for i, s in enumerate([80.0, 90.0, 100.0])]
    evaluations = [
        {"evaluation_id": e, "agent_id": "ag1", "evaluated_at": at, "score": s} for e, at, s in scores
    ]
    insert(con, "quality", "acme", _rows("acme", "quality", evaluations))
    costs = [
        _cost("2026-04-01", "2026-04-30", 10000.0),
        _cost("2026-05-01", "2026-05-31", 10000.0),
        _cost("2026-05-01", "2026-05-31", -600.0, "credit"),
        _cost("2026-06-01", "2026-06-30", 10000.0),
    ]
    insert(con, "costs", "acme", _rows("acme", "costs", costs))
    beta = [call(f"b{i}", wait_s=10, arrived_at="2026-04-10 09:00:00") for i in (1, 2)]
    insert(con, "calls", "beta", _rows("beta", "calls", beta))
    gamma = [call("g1", wait_s=10, arrived_at="2026-04-10 09:00:00"), call("g2", wait_s=30)]
    insert(con, "calls", "gamma", _rows("gamma", "calls", gamma))
    for i, path in enumerate(FILES, start=1):
        con.execute(
            "insert into ingest_log values "
            "(?, ?, ?, ?, ?, 'canonical', 1, '2026-07-01', 'loaded', '', 'k', null)",
            [i, path, f"{i:064x}", path.split("/")[0], path.split("/")[1].removesuffix(".csv")],
        ).fetchall()
    apply_views(con)
    return con


def make_review(con: duckdb.DuckDBPyConnection | None = None) -> Review:
    """The review of acme for 2026-Q2 on the fixture database (built in memory unless given)."""
    con = con or build_review_db(duckdb.connect())
    # the fixture's calls fall on a few scattered days: every peer is compared (comparable_only=False), so
    # that the ranks and medians below are worked out over all three vendors
    contract = parse_contract(CONTRACT, "vendors/acme/vendor.toml")
    return quarterly_review(con, "acme", "2026-Q2", contract, comparable_only=False)


@pytest.fixture(scope="module")
def review_con() -> duckdb.DuckDBPyConnection:
    return build_review_db(duckdb.connect())


@pytest.fixture(scope="module")
def review(review_con: duckdb.DuckDBPyConnection) -> Review:
    return make_review(review_con)


def kpi_row(review: Review, kpi: str) -> dict[str, Any]:
    return review.kpis.filter(pl.col("kpi") == kpi).row(0, named=True)


def test_kpis_against_target_previous_quarter_and_peers(review: Review) -> None:
    sl = kpi_row(review, "service_level")
    # 10/14 this quarter; March 2/2 = 1.0; peers beta 1.0 and gamma 0.5 -> median 0.75.
    assert (sl["value"], sl["previous"], sl["change"], sl["peer_median"], sl["peers"]) == (
        10 / 14,
        1.0,
        10 / 14 - 1.0,
        0.75,
        2,
    )
    assert (sl["target_low"], sl["target_high"], sl["target_source"], sl["status"]) == (
        0.8,
        None,
        "contract",
        "low",
    )
    ab = kpi_row(review, "abandon_rate")
    assert (ab["value"], ab["target_high"], ab["target_source"], ab["status"]) == (
        2 / 14,
        0.1,
        "contract",
        "high",
    )
    asa = kpi_row(review, "asa_s")  # (4×10 + 30 + 2×10 + 30 + 4×10) / 12 = 160/12, catalogue ≤ 20 s
    assert (asa["value"], asa["target_high"], asa["target_source"], asa["status"]) == (
        160 / 12,
        20.0,
        "catalogue",
        "on target",
    )
    adherence = kpi_row(review, "adherence_rate")
    assert (adherence["value"], adherence["status"], adherence["note"]) == (
        None,
        "no data",
        "no agent time data",
    )
    assert kpi_row(review, "cost_per_call")["status"] == "no target"
    assert review.previous == previous_quarter("2026-Q2") == "2026-Q1"
    assert previous_quarter("2026-Q1") == "2025-Q4"


def test_sla_attainment_and_credits_for_the_quarter(review: Review) -> None:
    assert review.attainment.select("kpi", "period", "value", "status", "earn_back").rows() == [
        ("service_level", "2026-04", 0.8, "met", ""),
        ("service_level", "2026-05", 0.4, "missed", "pending"),  # June met, July not in the data
        ("service_level", "2026-06", 1.0, "met", ""),
        ("abandon_rate", "2026-04", 0.0, "met", ""),
        ("abandon_rate", "2026-05", 0.4, "missed", ""),
        ("abandon_rate", "2026-06", 0.0, "met", ""),
    ]
    money = review.credits.select(
        "month",
        "invoice",
        "credits_recorded",
        "credits_due",
        "cap",
        "credits_owed",
        "net_cost",
        "net_cost_base",
    )
    # May: due 5 % + 3 % of 10,000 = 800, cap 6 % = 600; net 10,000 − 600 = 9,400 USD = 8,460 EUR.
    # The -600 credit note is recorded, not deducted again.
    assert money.rows() == [
        ("2026-04", 10000.0, 0.0, 0.0, 600.0, 0.0, 10000.0, 9000.0),
        ("2026-05", 10000.0, -600.0, 800.0, 600.0, 600.0, 9400.0, 8460.0),
        ("2026-06", 10000.0, 0.0, 0.0, 600.0, 0.0, 10000.0, 9000.0),
    ]
    # Resolved = answered × FCR: April 5 × 1/2, May 3 × 2/2, June 4 × 1/2; cost per resolved 10,000 / 2.5.
    per_call = review.credits.select("handled", "resolved", "cost_per_handled", "cost_per_resolved")
    assert per_call.rows() == [
        (5, 2.5, 2000.0, 4000.0),
        (3, 3.0, 9400 / 3, 9400 / 3),
        (4, 2.0, 2500.0, 5000.0),
    ]
    assert review.credit_lines.filter(pl.col("month") == "2026-05")["credit_owed"].to_list() == [375.0, 225.0]


def test_interval_attainment_by_month_quarter_and_time_of_day(review: Review) -> None:
    # April 09:00 2/3 (miss), 09:30 2/2; May 10:00 2/2, 10:30 0/2, 11:00 0/1; June 09:00 3/3, 09:30 1/1.
    assert review.intervals.select(
        "period", "intervals", "meeting", "attainment_rate", "sl_target"
    ).rows() == [
        ("2026-04", 2, 1, 0.5, 0.8),
        ("2026-05", 3, 1, 1 / 3, 0.8),
        ("2026-06", 2, 2, 1.0, 0.8),
        ("2026-Q2", 7, 4, 4 / 7, 0.8),
    ]
    assert review.profile.select("time", "intervals", "meeting").rows() == [
        ("09:00", 2, 1),
        ("09:30", 2, 2),
        ("10:00", 1, 1),
        ("10:30", 1, 0),
        ("11:00", 1, 0),
    ]


def test_interval_reports_are_bucketed_into_30_minutes() -> None:
    con = new_db()
    add_vendor(con, "beta")
    insert(con, "calls", "beta", [call(f"b{i}", wait_s=10, arrived_at="2026-04-10 09:00:00") for i in (1, 2)])
    insert(
        con,
        "intervals",
        "beta",
        [
            interval("2026-04-20 09:00:00", answered=4, answered_in_sl=3),
            interval("2026-04-20 09:15:00", answered=2, answered_in_sl=2, abandoned=1, short_abandoned=1),
            interval("2026-04-20 10:00:00", answered=5, answered_in_sl=5, sl_threshold_s=30.0),
        ],
    )
    table, _ = interval_attainment(ready(con), "beta", parse_period("2026-Q2"), 0.8)
    # Calls on 04-10 09:00: 2/2 meet. Report rows 04-20 09:00 + 09:15 share one 30-minute interval:
    # (3 + 2) / (4 + 2 + 1 − 1 short) = 5/6 ≥ 0.8 meets. The 10:00 row counts answers within 30 s, not
    # the workspace's 20 s: unknown, left out. Pooled (2 + 5) / (2 + 6) = 7/8.
    quarter = table.filter(pl.col("period") == "2026-Q2")
    assert quarter.select("intervals", "meeting", "service_level").row(0) == (2, 2, 7 / 8)


def test_sample_sizes_and_confidence(review: Review) -> None:
    rows = {r["kpi"]: r for r in review.confidence.iter_rows(named=True)}
    # Wilson 90 % for 4/6: z = 1.644854, centre (2/3 + z²/12) / (1 + z²/6) = 0.614869,
    # half-width z/(1 + z²/6) × √(2/3 × 1/3 / 6 + z²/144) = 0.267855 -> [0.347015, 0.882724].
    assert (rows["csat_rate"]["successes"], rows["csat_rate"]["n"]) == (4.0, 6.0)
    assert rows["csat_rate"]["low"] == pytest.approx(0.347015, abs=1e-6)
    assert rows["csat_rate"]["high"] == pytest.approx(0.882724, abs=1e-6)
    assert (rows["fcr_rate"]["value"], rows["fcr_rate"]["few_events"]) == (4 / 6, True)  # 6 < 100
    # QA: mean 90, s = 10, n = 3: 90 ± 1.644854 × 10 / √3 = 90 ± 9.496567.
    qa = rows["qa_score"]
    assert (qa["value"], qa["n"], qa["method"]) == (90.0, 3.0, "mean ± z·s/√n")
    assert (qa["low"], qa["high"]) == (pytest.approx(80.503433, abs=1e-6), pytest.approx(99.496567, abs=1e-6))


def test_rank_and_score_under_quarterly_review(review: Review) -> None:
    # acme: SL (0.714 − 0.5)/0.3 = 71.43 pts × 25, abandon 0 × 15, ASA 100 × 10, blockage 100 × 5,
    # FCR (0.667 − 0.6)/0.25 = 26.67 × 15, CSAT (0.667 − 0.5)/0.35 = 47.62 × 10, QA 100 × 10, talk 0 × 5,
    # adherence missing 0 × 5: 5161.9 / 100 = 51.62. beta: (25 + 15 + 10 + 5) = 55; gamma: 15 + 10 + 5 = 30.
    assert review.ranking.select("vendor_id", "rank").rows() == [("beta", 1), ("acme", 2), ("gamma", 3)]
    assert review.ranking["score"].to_list() == [55.0, pytest.approx(5161.904762 / 100), 30.0]
    assert review.preset.name == "Quarterly review"
    assert review.contributions.filter(pl.col("kpi") == "service_level")["weight"].to_list() == [25.0]


def test_findings_contract_first_then_gap(review: Review) -> None:
    # Contract: abandonment gap (2/14 − 0.1)/0.1 = 0.43, SL (0.8 − 10/14)/0.8 = 0.11; catalogue:
    # every call waited: queue placement 14/14 = 1.0, (1.0 − 0.2)/0.2 = 4.0;
    # talk (270 − 100)/270 = 0.63; queue time (70 + 130 + 40)/14 = 17.1 s, (30 − 17.1)/30 = 0.43;
    # ACW (30 − 20)/30 = 0.33, AHT (180 − 130)/180 = 0.28,
    # CSAT = FCR (0.85 − 2/3)/0.85 = 0.22 (tie: by KPI id).
    assert [(f.kpi, f.side, f.source) for f in review.findings] == [
        ("abandon_rate", "high", "contract"),
        ("service_level", "low", "contract"),
        ("queue_placement_rate", "high", "catalogue"),
        ("avg_talk_s", "low", "catalogue"),
        ("avg_queue_time_s", "low", "catalogue"),
        ("avg_acw_s", "low", "catalogue"),
        ("aht_s", "low", "catalogue"),
        ("csat_rate", "low", "catalogue"),
        ("fcr_rate", "low", "catalogue"),
    ]


def test_vendor_without_data_in_the_quarter_still_gets_a_review(
    review_con: duckdb.DuckDBPyConnection,
) -> None:
    add_vendor(review_con, "delta")
    try:
        contract = parse_contract(CONTRACT, "delta.toml")
        empty = quarterly_review(review_con, "delta", "2026-Q2", contract, comparable_only=False)
        alone = quarterly_review(review_con, "delta", "2026-Q2", contract)
    finally:
        review_con.execute("delete from vendors where vendor_id = 'delta'")
    assert kpi_row(empty, "service_level")["status"] == "no data"
    assert kpi_row(empty, "service_level")["peers"] == 3  # acme, beta, gamma
    assert (empty.credits.height, empty.attainment.height, empty.findings) == (0, 0, [])
    assert "delta" not in empty.ranking["vendor_id"].to_list()
    # by default peers whose data cover under 80% of the quarter's days are left out: here all three
    # (the fixture's calls fall on a few scattered days), and delta, without data, is not ranked
    assert (alone.peers_left_out, alone.ranking.height) == (3, 0)
    assert kpi_row(alone, "service_level")["peers"] == 0
    # no money in the quarter: unknown, not 0, in the HTML reconciliation and the workbook's Summary
    text = render_html(empty)
    assert '<td>SLA credits owed under the contract</td><td class="num">—</td></tr>' in text  # EUR only
    summary = build_workbook(empty)["Summary"]
    owed = next(r for r in summary.iter_rows() if r[0].value == "SLA credits owed under the contract")
    assert (owed[1].value, owed[2].value) == (None, None)


def test_fingerprint_combines_the_ingest_log_hashes(review: Review) -> None:
    text = "".join(f"{path}\t{i:064x}\n" for i, path in enumerate(FILES, start=1))  # FILES is sorted by path
    assert review.fingerprint == hashlib.sha256(text.encode()).hexdigest()
    assert review.sources["path"].to_list() == FILES


def test_review_refuses_a_month_an_unknown_vendor_and_an_empty_quarter(
    review_con: duckdb.DuckDBPyConnection,
) -> None:
    con = review_con
    with pytest.raises(
        Exception, match=r"^A review covers a quarter; got '2026-05'\. Use a label such as 2026-Q2\.$"
    ):
        quarterly_review(con, "acme", "2026-05")
    with pytest.raises(
        Exception, match=r"^Unknown vendor 'zeta' in the database; known: acme, beta, gamma\.$"
    ):
        quarterly_review(con, "zeta", "2026-Q2")
    with pytest.raises(Exception, match=r"^No KPI data for 2027-Q1 in the database; check the quarter\.$"):
        quarterly_review(con, "acme", "2027-Q1")


@pytest.fixture(scope="module")
def db_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db_path = tmp_path_factory.mktemp("db") / "scorecard.duckdb"
    con = duckdb.connect(str(db_path))
    build_review_db(con)
    con.close()
    return db_path


def _workspace(tmp_path: Path, contract: str) -> Path:
    ws = tmp_path / "ws"
    write(ws / "scorecard.toml", 'base_currency = "EUR"\n')
    write(
        ws / "acme" / "vendor.toml",
        'name = "Acme"\ntimezone = "UTC"\ncurrency = "USD"\n\n'
        '[[exports]]\ntable = "calls"\nfiles = "calls/*.csv"\n\n' + contract,
    )
    return ws


CONTRACT_TOML = """
[contract]
at_risk_cap_pct = 6

[[contract.terms]]
kpi = "service_level"
target = 0.80
credit_pct = 5
earn_back_months = 2

[[contract.terms]]
kpi = "abandon_rate"
target = 0.10
credit_pct = 3
"""


def test_cli_writes_the_report_and_summarises_it(tmp_path: Path, db_file: Path) -> None:
    db_path, ws = db_file, _workspace(tmp_path, CONTRACT_TOML)
    out = tmp_path / "acme.html"
    args = ["review", "--db", str(db_path), "--vendor", "acme", "--quarter", "2026-Q2", "--out", str(out)]
    result = CliRunner().invoke(app, [*args, "--workspace", str(ws)])
    assert result.exit_code == 0, result.output
    assert result.output == (
        # beta and gamma have calls on a few days of the quarter (under 80% of acme's window): left out
        f"Wrote {out}: Acme 2026-Q2, rank 1 of 1 (2 peer(s) with too few days left out), score 51.6, "
        "credits owed $600.00, 9 finding(s).\n"
    )
    assert '<table id="t-credits">' in out.read_text(encoding="utf-8")


def test_cli_reports_contract_mistakes_and_bad_suffixes(tmp_path: Path, db_file: Path) -> None:
    db_path, ws = db_file, _workspace(tmp_path, CONTRACT_TOML.replace("credit_pct = 3", "credit_pct = 300"))
    base = [
        "review",
        "--db",
        str(db_path),
        "--vendor",
        "acme",
        "--quarter",
        "2026-Q2",
        "--workspace",
        str(ws),
    ]
    result = CliRunner().invoke(app, [*base, "--out", str(tmp_path / "r.html")])
    assert result.exit_code == 1
    assert result.output == (
        f"Error: Invalid contract in {ws / 'acme' / 'vendor.toml'}:\n"
        "  [[contract.terms]] #2: key 'credit_pct' = 300: expected a number from 0 to 100\n"
    )
    result = CliRunner().invoke(app, [*base, "--out", str(tmp_path / "r.pdf")])
    assert (result.exit_code, result.output) == (
        1,
        f"Error: Cannot write a review to {tmp_path / 'r.pdf'}: use a file ending in .html or .xlsx.\n",
    )


def test_a_quarter_whose_calls_stop_before_its_invoices_is_partial_and_costs_only_its_days():
    """Calls every day of April only; the invoices of April and June are already in the cost data. The
    review marks the quarter partial (an invoice never makes a day of data) and its cost per handled call
    is April's invoice over April's calls, as `scorecard rank --period 2026-Q2` counts it."""
    con = new_db(base_currency="EUR")
    add_vendor(con, "solo", currency="EUR", timezone="UTC")
    insert(
        con, "calls", "solo", [call(f"c{d}", arrived_at=f"2026-04-{d:02d} 10:00:00") for d in range(1, 31)]
    )
    insert(con, "costs", "solo", [
        {"period_start": "2026-04-01", "period_end": "2026-04-30", "amount": 300.0, "kind": "invoice"},
        {"period_start": "2026-06-01", "period_end": "2026-06-30", "amount": 9000.0, "kind": "invoice"},
    ])  # fmt: skip
    ready(con)
    review = quarterly_review(con, "solo", "2026-Q2")
    assert review.span == (date(2026, 4, 1), date(2026, 4, 30))
    assert (
        review.coverage.describe()
        == "2026-Q2 is partial: data from 2026-04-01 to 2026-04-30 (30 of 91 days)."
    )
    cost = review.kpis.filter(pl.col("kpi") == "cost_per_call")["value"][0]
    assert cost == pytest.approx(10.0)  # 300 EUR / 30 calls, not (300 + 9,000) / 30 = 310
