"""The XLSX workbook: reopened with openpyxl, numbers are numbers with formats, no text becomes a formula."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import duckdb
import pytest
from openpyxl import load_workbook
from openpyxl.workbook import Workbook
from test_review import build_review_db, make_review

from scorecard.review.report import write_report
from scorecard.review.report.xlsx import HEADER_ROW, number_format, set_text


@pytest.fixture(scope="module")
def book(tmp_path_factory: pytest.TempPathFactory) -> Workbook:
    path = write_report(make_review(), tmp_path_factory.mktemp("xlsx") / "acme-2026-Q2.xlsx")
    return load_workbook(path)


def cells(ws, row: int) -> list:
    return [c.value for c in ws[row]]


def formats(ws, row: int) -> list[str]:
    return [c.number_format for c in ws[row]]


def evaluate(book: Workbook, sheet: str, ref: str) -> float | None:
    """A cell's value, its formula worked out (SUM over a range, + − × ÷ of cells) as a spreadsheet would."""
    value = book[sheet][ref].value
    if not (isinstance(value, str) and value.startswith("=")):
        return value
    expr = value[1:]

    def total(m: re.Match) -> str:
        ws, (c1, r1), (c2, r2) = m[1] or sheet, _split(m[2]), _split(m[3])
        cells = [evaluate(book, ws, f"{c}{r}") for c in _cols(c1, c2) for r in range(r1, r2 + 1)]
        return repr(sum(x or 0 for x in cells))

    expr = re.sub(r"SUM\((?:(\w+)!)?([A-Z]+\d+):([A-Z]+\d+)\)", total, expr)
    expr = re.sub(r"(?:(\w+)!)?\b([A-Z]+\d+)\b", lambda m: repr(evaluate(book, m[1] or sheet, m[2])), expr)
    return eval(expr)  # only numbers and + - * / remain


def _split(ref: str) -> tuple[str, int]:
    m = re.fullmatch(r"([A-Z]+)(\d+)", ref)
    return m[1], int(m[2])


def _cols(first: str, last: str) -> list[str]:
    return [chr(c) for c in range(ord(first), ord(last) + 1)]


def row_of(ws, label: str) -> list:
    return next([c.value for c in r] for r in ws.iter_rows() if r[0].value == label)


def test_summary_first_then_one_sheet_per_section(book: Workbook) -> None:
    assert book.sheetnames == [
        "Summary", "KPIs", "Trend", "Contract", "SLA attainment", "Credits", "Costs", "Credit lines",
        "Intervals", "Profile", "Confidence", "Ranking", "Contributions", "Findings", "Sources", "Settings",
        "Definitions", "Weights",
    ]  # fmt: skip
    ws = book["Credits"]
    assert ws["A1"].value == "Credits and net cost by month"
    assert ws["A2"].value.startswith("Net cost after SLA credits = invoice + adjustments − credits owed")
    assert ws.freeze_panes == f"A{HEADER_ROW + 1}"


def test_summary_is_the_first_page(book: Workbook) -> None:
    ws = book["Summary"]
    assert ws["A1"].value == "Quarterly review: Acme, 2026-Q2"
    assert row_of(ws, "Vendor")[:2] == ["Vendor", "Acme"]
    assert row_of(ws, "Rank under preset 'Quarterly review'")[1] == 2
    assert row_of(ws, "Score (0–100)")[1] == pytest.approx(5161.904762 / 100)  # see test_review
    abandon = next(r for r in ws.iter_rows() if r[0].value == "Abandonment")
    # 2/14 against ≤ 10 %, +14.3 pp since March's 0/2: a pp change is stored as percentage points
    shown = [c.value for c in abandon[:5]]
    assert shown == ["Abandonment", pytest.approx(2 / 14), "≤ 10%", "contract", "missed"]
    assert (abandon[5].value, abandon[5].number_format) == (
        pytest.approx(100 * 2 / 14),
        '+0.0" pp";-0.0" pp";0.0" pp"',
    )
    aht = next(r for r in ws.iter_rows() if r[0].value == "Average handle time")
    assert (aht[1].value, aht[1].number_format, aht[2].value) == (
        timedelta(seconds=130),
        "[m]:ss",
        "3:00–10:00",
    )


def test_reconciliation_is_live_formulas_over_the_monthly_rows(book: Workbook) -> None:
    ws = book["Summary"]
    lines = {r[0].value: r[1].coordinate for r in ws.iter_rows() if isinstance(r[1].value, str)}
    invoiced = lines["Invoiced (invoices + adjustments)"]
    assert ws[invoiced].value == "=Credits!B8+Credits!C8"
    assert ws[invoiced].number_format == '"$"#,##0.00;-"$"#,##0.00'
    # 30,000 invoiced; −600 credit note; 600 owed; 12 handled: as billed 29,400 (2,450 a call), net 29,400
    expected = {
        "Invoiced (invoices + adjustments)": 30000,
        "Credit notes received (in the cost data)": -600,
        "Cost as billed": 29400,
        "Cost per handled call, as billed (as billed ÷ the quarter's handled calls)": 2450,
        "SLA credits owed under the contract": 600,
        "SLA credits earned back": 0,
        "Net cost after SLA credits (invoiced − owed + earned back)": 29400,
        "Cost per handled call, after SLA credits": 2450,
        "Still to be settled (as billed − net; below zero: due back to the vendor)": 0,
    }
    assert {k: evaluate(book, "Summary", lines[k]) for k in expected} == pytest.approx(expected)
    # the base-currency column holds the numbers (each month at its own FX rate)
    assert row_of(ws, "Cost as billed")[2] == pytest.approx(26460)


def test_credits_sheet_by_month_with_live_quarter_totals(book: Workbook) -> None:
    ws = book["Credits"]
    assert cells(ws, 4) == [
        "Month", "Invoice (USD)", "Adjustments (USD)", "Credit notes received (USD)", "Credits due (USD)",
        "Cap (USD)", "Credits owed (USD)", "Earned back (USD)", "Net cost after SLA credits (USD)",
    ]  # fmt: skip
    # May: due 800, cap 600, owed 600, net 10,000 − 600 = 9,400; the quarter: 30,000 invoiced, 29,400 net.
    assert cells(ws, 6) == ["2026-05", 10000, 0, -600, 800, 600, 600, 0, "=B6+C6-G6+H6"]
    assert evaluate(book, "Credits", "I6") == 9400
    assert cells(ws, 8)[:3] == ["2026-Q2", "=SUM(B5:B7)", "=SUM(C5:C7)"]
    assert [evaluate(book, "Credits", f"{c}8") for c in "BDGHI"] == [30000, -600, 600, 0, 29400]
    assert set(formats(ws, 6)[1:]) == {'"$"#,##0.00;-"$"#,##0.00'}
    costs = book["Costs"]
    # per handled call after credits: 29,400 / 12 = 2,450 USD; in EUR 26,460 / 12 = 2,205
    assert (costs["G8"].value, evaluate(book, "Costs", "G8")) == ("=Credits!I8/B8", 2450)
    assert evaluate(book, "Costs", "H8") == pytest.approx(2205)


def test_trend_sheet_has_a_column_per_month(book: Workbook) -> None:
    ws = book["Trend"]
    assert cells(ws, 4) == ["KPI", "2026-03", "2026-04", "2026-05", "2026-06"]
    # Service level by month: March 2/2, April 4/5, May 2/5, June 4/4.
    assert row_of(ws, "Service level (negative)") == ["Service level (negative)", 1, 0.8, 0.4, 1]
    assert formats(ws, 7)[1:] == ["0.0%"] * 4


def test_kpi_and_confidence_sheets(book: Workbook) -> None:
    ws = book["KPIs"]
    row = row_of(ws, "Service level (negative)")
    # 10/14 against March's 1.0: −28.6 pp stored as −28.57 with a pp format; peer median 0.75 of 2
    assert row[:6] == ["Service level (negative)", 10 / 14, 1, pytest.approx(100 * (10 / 14 - 1)), 0.75, 2]
    assert row[6:9] == ["≥ 80%", "contract", "low"]
    asa = next(r for r in ws.iter_rows() if r[0].value == "Average speed of answer")
    # 160 / 12 s; a workbook keeps about 15 significant digits, as Excel does.
    assert (asa[1].value, asa[1].number_format) == (pytest.approx(160 / 12, rel=1e-14), '0.0" s"')
    conf = book["Confidence"]
    assert cells(conf, 4) == [
        "KPI", "Value", "Successes", "N", "Low", "High", "Minimum sample", "Method", "Too few events",
        "Level",
    ]  # fmt: skip
    csat = cells(conf, 5)
    assert csat[:4] == ["Customer satisfaction (top-2 box)", 4 / 6, 4, 6]
    assert (csat[4], csat[5]) == (pytest.approx(0.347015, abs=1e-6), pytest.approx(0.882724, abs=1e-6))
    assert (csat[8], csat[9], conf["J5"].number_format) == (True, 0.9, "0.0%")


def test_formulas_only_where_the_money_is(book: Workbook) -> None:
    formulas = {
        ws.title for ws in book.worksheets for row in ws.iter_rows() for c in row if c.data_type == "f"
    }
    assert formulas == {"Summary", "Credits", "Costs"}


def test_formula_injection_is_neutralised(tmp_path: Path) -> None:
    con = build_review_db(duckdb.connect())
    evil = '=HYPERLINK("http://evil.example","click")'
    con.execute("update vendors set name = ? where vendor_id = 'acme'", [evil])
    con.execute("update raw_calls set source_file = '@beta/calls.csv' where vendor_id = 'beta'")
    con.execute("update ingest_log set path = '@beta/calls.csv' where path = 'beta/calls.csv'")
    con.execute("update raw_calls set source_file = '-gamma/calls.csv' where vendor_id = 'gamma'")
    con.execute("update ingest_log set path = '-gamma/calls.csv' where path = 'gamma/calls.csv'")
    con.execute("update ingest_log set sha256 = '+1+2' where path = 'acme/costs.csv'")
    path = write_report(make_review(con), tmp_path / "evil.xlsx")
    book = load_workbook(path)
    vendor = book["Summary"]["B5"]
    assert (vendor.value, vendor.data_type, vendor.quotePrefix) == (evil, "s", True)
    sources = book["Sources"]
    found = {c.value: (c.data_type, c.quotePrefix) for row in sources.iter_rows(min_row=5) for c in row}
    assert found["@beta/calls.csv"] == ("s", True)
    assert found["-gamma/calls.csv"] == ("s", True)
    assert found["+1+2"] == ("s", True)
    assert found["acme/calls.csv"] == ("s", False)  # ordinary text keeps no prefix
    data = [
        c
        for ws in book.worksheets
        if ws.title not in ("Summary", "Credits", "Costs")
        for row in ws.iter_rows()
        for c in row
    ]
    assert [c for c in data if c.data_type == "f"] == []


def test_set_text_and_number_formats() -> None:
    ws = Workbook().active
    set_text(ws["A1"], "=1+2")
    set_text(ws["A2"], "plain")
    assert (ws["A1"].value, ws["A1"].data_type, ws["A1"].quotePrefix) == ("=1+2", "s", True)
    assert (ws["A2"].data_type, ws["A2"].quotePrefix) == ("s", False)
    assert number_format("currency:HUF", 1.0) == '#,##0.00" HUF";-#,##0.00" HUF"'
    assert number_format("+currency:EUR", 1.0) == '+"€"#,##0.00;-"€"#,##0.00;"€"#,##0.00'
    assert (number_format("count", 3.0), number_format("count", 2.5)) == ("#,##0", "#,##0.0")
    assert (number_format("rate", 0.5), number_format("pct", 5), number_format("text", 1)) == (
        "0.0%",
        'General"%"',
        "General",
    )
    assert (
        number_format("seconds", 59.9),
        number_format("seconds", 370),
        number_format("seconds", 3725),
    ) == (
        '0.0" s"',
        "[m]:ss",
        "[h]:mm:ss",
    )
