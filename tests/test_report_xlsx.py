"""The XLSX workbook: reopened with openpyxl, numbers are numbers with formats, no text becomes a formula."""

from __future__ import annotations

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


def test_one_sheet_per_section(book: Workbook) -> None:
    assert book.sheetnames == [
        "Summary",
        "KPIs",
        "Trend",
        "Contract",
        "SLA attainment",
        "Credits",
        "Costs",
        "Credit lines",
        "Intervals",
        "Profile",
        "Confidence",
        "Ranking",
        "Contributions",
        "Findings",
        "Sources",
        "Settings",
        "Definitions",
        "Weights",
    ]
    ws = book["Credits"]
    assert ws["A1"].value == "Credits and net cost by month"
    assert ws["A2"].value.startswith("Net cost = invoice + adjustments − credits owed + credits earned back.")
    assert ws.freeze_panes == f"A{HEADER_ROW + 1}"


def test_summary_numbers_are_numbers(book: Workbook) -> None:
    ws = book["Summary"]
    assert cells(ws, 4) == ["item", "value"]
    assert cells(ws, 5) == ["Vendor", "Acme (acme)"]
    assert (cells(ws, 7), ws["B7"].number_format) == (["Rank under preset 'Quarterly review'", 2], "#,##0")
    assert ws["B9"].value == pytest.approx(5161.904762 / 100)  # see test_review
    assert ws["B9"].number_format == "0.0"
    # Credits owed 600 USD = 540 EUR; net cost 29,400 USD; interval attainment 4/7.
    assert (ws["A12"].value, ws["B12"].value, ws["B12"].number_format) == (
        "Credits owed",
        600,
        '#,##0.00 "USD"',
    )
    assert (ws["B13"].value, ws["B13"].number_format) == (540, '#,##0.00 "EUR"')
    assert (ws["A15"].value, ws["B15"].value) == ("Net cost after credits", 29400)
    assert (ws["A22"].value, ws["B22"].value, ws["B22"].number_format) == (
        "Interval attainment",
        4 / 7,
        "0.0%",
    )


def test_credits_sheet_by_month_with_quarter_total(book: Workbook) -> None:
    ws = book["Credits"]
    assert cells(ws, 4) == [
        "month",
        "invoice",
        "adjustments",
        "credits recorded",
        "credits due",
        "cap",
        "credits owed",
        "earned back",
        "net cost",
    ]
    # May: due 800, cap 600, owed 600, net 9,400; the quarter: 30,000 invoiced, 29,400 net.
    assert cells(ws, 6) == ["2026-05", 10000, 0, -600, 800, 600, 600, 0, 9400]
    assert cells(ws, 8) == ["2026-Q2", 30000, 0, -600, 800, 1800, 600, 0, 29400]
    assert set(formats(ws, 6)[1:]) == {'#,##0.00 "USD"'}


def test_trend_sheet_has_a_column_per_month(book: Workbook) -> None:
    ws = book["Trend"]
    assert cells(ws, 4) == ["label", "kpi", "2026-03", "2026-04", "2026-05", "2026-06"]
    # Service level by month: March 2/2, April 4/5, May 2/5, June 4/4.
    assert cells(ws, 7) == ["Service level (negative)", "service_level", 1, 0.8, 0.4, 1]
    assert formats(ws, 7)[2:] == ["0.0%"] * 4


def test_kpi_and_confidence_sheets(book: Workbook) -> None:
    ws = book["KPIs"]
    row = cells(ws, 7)  # blockage, abandonment, then service level
    assert row[:7] == ["Service level (negative)", "service_level", 10 / 14, 1, 10 / 14 - 1, 0.75, 2]
    assert formats(ws, 7)[2:7] == ["0.0%", "0.0%", "+0.0%;-0.0%;0.0%", "0.0%", "#,##0"]
    assert row[7:10] == ["≥ 80.0 %", "contract", "low"]
    asa = cells(ws, 12)
    # 160 / 12 s; a workbook keeps about 15 significant digits, as Excel does.
    assert (asa[1], asa[2], ws["C12"].number_format) == (
        "asa_s",
        pytest.approx(160 / 12, rel=1e-14),
        '0.0" s"',
    )
    conf = book["Confidence"]
    assert cells(conf, 4) == [
        "kpi",
        "label",
        "value",
        "successes",
        "n",
        "low",
        "high",
        "min events",
        "method",
        "few events",
        "level",
    ]
    csat = cells(conf, 5)
    assert csat[:5] == ["csat_rate", "Customer satisfaction (top-2 box)", 4 / 6, 4, 6]
    assert (csat[5], csat[6]) == (pytest.approx(0.347015, abs=1e-6), pytest.approx(0.882724, abs=1e-6))
    assert (csat[9], csat[10], conf["K5"].number_format) == (True, 0.9, "0.0%")


def test_no_cell_is_a_formula(book: Workbook) -> None:
    formulas = [
        (ws.title, c.coordinate)
        for ws in book.worksheets
        for row in ws.iter_rows()
        for c in row
        if c.data_type == "f"
    ]
    assert formulas == []


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
    assert (vendor.value, vendor.data_type, vendor.quotePrefix) == (f"{evil} (acme)", "s", True)
    sources = book["Sources"]
    found = {c.value: (c.data_type, c.quotePrefix) for row in sources.iter_rows(min_row=5) for c in row}
    assert found["@beta/calls.csv"] == ("s", True)
    assert found["-gamma/calls.csv"] == ("s", True)
    assert found["+1+2"] == ("s", True)
    assert found["acme/calls.csv"] == ("s", False)  # ordinary text keeps no prefix
    assert [c for ws in book.worksheets for row in ws.iter_rows() for c in row if c.data_type == "f"] == []


def test_set_text_and_number_formats() -> None:
    ws = Workbook().active
    set_text(ws["A1"], "=1+2")
    set_text(ws["A2"], "plain")
    assert (ws["A1"].value, ws["A1"].data_type, ws["A1"].quotePrefix) == ("=1+2", "s", True)
    assert (ws["A2"].data_type, ws["A2"].quotePrefix) == ("s", False)
    assert number_format("currency:HUF", 1.0) == '#,##0.00 "HUF"'
    assert number_format("+currency:EUR", 1.0) == '+#,##0.00 "EUR";-#,##0.00 "EUR";#,##0.00 "EUR"'
    assert (number_format("count", 3.0), number_format("count", 2.5)) == ("#,##0", "#,##0.0")
    assert (number_format("rate", 0.5), number_format("pct", 5), number_format("text", 1)) == (
        "0.0%",
        '0.##" %"',
        "General",
    )
