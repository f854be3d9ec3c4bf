"""The invoice check worked out by hand: invoices in `costs` against the price model on recorded volumes."""

from __future__ import annotations

import polars as pl
from kpi_fixtures import add_fx, add_vendor, call, insert, new_db, ready
from typer.testing import CliRunner

from scorecard.periods import parse_period
from scorecard.review.front import front_page
from scorecard.review.invoices import invoice_check
from scorecard.review.quarter import quarterly_review
from scorecard.review.report import review_tables
from scorecard.review.report.html import render_html
from scorecard.workspace.contract import parse_contract

#: 5 agents × 10 days × 8.25 h = 412.5 productive (logged-in) hours in April 2026.
AGENT_DAYS = [
    {
        "agent_id": f"a{a}",
        "date": f"2026-04-{d:02d}",
        "scheduled_s": 30_000.0,
        "staffed_s": 29_700.0,  # 8.25 h
        "handle_s": 20_000.0,
        "available_s": 5_000.0,
        "in_adherence_s": 28_000.0,
    }
    for a in range(1, 6)
    for d in range(1, 11)
]
HOURLY = {"price": {"charges": [{"per": "productive_hour", "rate": 28.0}]}}


def _db(currency: str = "EUR", invoice: list[dict] | None = None):
    con = new_db()
    add_vendor(con, "acme", currency=currency)
    insert(
        con, "calls", "acme", [call("c1", arrived_at="2026-04-02 10:00:00"), call("c2", "self_service", 0)]
    )
    insert(con, "agent_time", "acme", AGENT_DAYS)
    insert(con, "costs", "acme", invoice or [])
    return ready(con)


def test_an_invoice_billing_six_percent_more_hours_than_logged_is_flagged_with_the_amount() -> None:
    # billed 412.5 × 1.06 = 437.25 h at 28.00 = 12,243.00; expected 412.5 × 28.00 = 11,550.00
    line = {"period_start": "2026-04-01", "period_end": "2026-04-30", "amount": 12_243.0, "kind": "invoice"}
    con = _db(invoice=[line | {"quantity": 437.25, "per": "productive_hour"}])
    check = invoice_check(con, "acme", parse_contract(HOURLY, "vendor.toml").price)
    month = check.months.row(0, named=True)
    assert (month["month"], month["expected"], month["invoiced"]) == ("2026-04", 11_550.0, 12_243.0)
    assert month["difference"] == 693.0  # 12,243.00 − 11,550.00
    assert round(month["difference_rate"], 6) == 0.06  # 693 / 11,550
    assert month["status"] == "over-billed"
    assert month["formula"] == "€11,550.00"
    assert check.lines.select("part", "amount", "formula").rows() == [
        ("per productive hour", 11_550.0, "412.5 productive h × €28.00 = €11,550.00")
    ]
    q = check.quantities.row(0, named=True)
    assert (q["basis"], q["billed"], q["recorded"], q["difference"]) == (
        "productive_hour", 437.25, 412.5, 24.75  # 437.25 − 412.5
    )  # fmt: skip
    assert (q["value"], q["status"]) == (693.0, "billed more")  # 24.75 h × 28.00
    assert q["formula"] == (
        "437.25 billed − 412.5 recorded = 24.75 productive h; priced: €12,243.00 − €11,550.00 = €693.00"
    )
    assert check.summary() == "over-billed by €693.00 in 2026-04"


def test_an_invoice_within_the_tolerance_passes_and_a_month_without_invoice_says_so() -> None:
    # 11,600 − 11,550 = 50 ≤ 1 % of 11,550 (115.50): as expected
    line = {"period_start": "2026-04-01", "period_end": "2026-04-30", "amount": 11_600.0, "kind": "invoice"}
    con = _db(invoice=[line])
    insert(con, "calls", "acme", [call("m1", arrived_at="2026-05-04 09:00:00")])
    ready(con)
    check = invoice_check(con, "acme", parse_contract(HOURLY, "vendor.toml").price)
    assert check.months.select("month", "expected", "difference", "status").rows() == [
        ("2026-04", 11_550.0, 50.0, "as expected"),
        # May: calls but no agent-time row in the month: its hours are unknown (the agent-time export
        # of May is missing), never 0 h, so May cannot be priced rather than be priced at €0.00
        (
            "2026-05",
            None,
            None,
            "cannot price: per productive hour: no productive hours (staffed_s of agent_time) recorded",
        ),
    ]
    assert check.quantities.height == 0  # the invoice line states no quantity
    assert check.summary() == "invoices within the price model's tolerance; 1 month(s) could not be checked"


def test_expected_invoice_in_the_base_currency_uses_the_month_rate() -> None:
    # 11,550.00 USD × 0.9 = 10,395.00 EUR
    con = _db("USD")
    add_fx(con, "2026-04", "USD", 0.9)
    check = invoice_check(con, "acme", parse_contract(HOURLY, "vendor.toml").price, parse_period("2026-Q2"))
    month = check.months.row(0, named=True)
    assert (month["expected"], month["expected_base"], month["status"]) == (11_550.0, 10_395.0, "no invoice")
    assert month["formula"] == "$11,550.00; × 0.9 EUR/USD = €10,395.00"


def _april_without_agent_time():
    """acme: one call and April's invoice of 900, no agent time, checked against the hourly price."""
    con = new_db()
    add_vendor(con, "acme")
    insert(con, "calls", "acme", [call("c1")])
    line = {"period_start": "2026-04-01", "period_end": "2026-04-30", "amount": 900.0, "kind": "invoice"}
    insert(con, "costs", "acme", [line])
    ready(con)
    return invoice_check(con, "acme", parse_contract(HOURLY, "vendor.toml").price)


def test_a_month_without_agent_time_cannot_be_priced_per_hour_and_says_why() -> None:
    check = _april_without_agent_time()
    assert check.months.select("month", "expected", "invoiced", "status").rows() == [
        (
            "2026-04",
            None,
            900.0,
            "cannot price: per productive hour: no productive hours (staffed_s of agent_time) recorded",
        )
    ]


def test_the_review_shows_the_check_and_one_line_on_its_first_page_when_invoices_over_bill() -> None:
    line = {"period_start": "2026-04-01", "period_end": "2026-04-30", "amount": 12_243.0, "kind": "invoice"}
    con = _db(invoice=[line | {"quantity": 437.25, "per": "productive_hour"}])
    review = quarterly_review(con, "acme", "2026-Q2", parse_contract(HOURLY, "vendor.toml"))
    # 12,243.00 invoiced − 11,550.00 expected = 693.00 over-billed
    assert (
        front_page(review).invoice_alert
        == "Invoices: over-billed by €693.00 in 2026-04 (see the invoice check)."
    )
    tables = {t.key: t for t in review_tables(review)}
    check = tables["invoice_check"]
    assert check.frame.select("month", "expected", "invoiced", "difference", "status").rows() == [
        ("2026-04", 11_550.0, 12_243.0, 693.0, "over-billed")
    ]
    assert [check.header(c) for c in check.columns][:5] == [
        "Month", "Expected (EUR)", "Invoiced (EUR)", "Difference (EUR)", "Difference (share)"
    ]  # fmt: skip
    assert tables["expected_invoice"].frame["formula"].to_list() == [
        "412.5 productive h × €28.00 = €11,550.00"
    ]
    assert tables["billed_quantities"].frame.select("basis", "billed", "recorded", "value").rows() == [
        ("productive hours", 437.25, 412.5, 693.0)
    ]
    html = render_html(review)
    assert "Invoices: over-billed by €693.00 in 2026-04 (see the invoice check)." in html


def test_a_review_without_a_price_model_has_no_invoice_sections_and_no_alert() -> None:
    con = _db()
    review = quarterly_review(con, "acme", "2026-Q2", parse_contract({}, "vendor.toml"))
    assert review.invoices is None and front_page(review).invoice_alert == ""
    keys = {t.key for t in review_tables(review)}
    assert not keys & {"expected_invoice", "invoice_check", "billed_quantities"}


def _workspace_with_price(workspace, costs: str):
    toml = workspace / "acme" / "vendor.toml"
    toml.write_text(
        toml.read_text() + '\n[contract.price]\ncharges = [{ per = "answered_call", rate = 2.0 }]\n'
    )
    (workspace / "acme" / "costs.csv").write_text(costs)
    return workspace


def test_scorecard_invoices_reads_billed_quantities_from_an_invoice_export(workspace, tmp_path) -> None:
    from scorecard.cli import app
    from scorecard.ingest.run import ingest

    # a semicolon export with decimal commas; the invoice bills 1,500 answered calls for 3,000.00
    ws = _workspace_with_price(
        workspace,
        "period_start;period_end;amount;kind;quantity;per\n2026-04-01;2026-04-30;3000,00;invoice;1500;answered_call\n",
    )
    toml = ws / "acme" / "vendor.toml"
    toml.write_text(
        toml.read_text().replace('files = "costs.csv"', 'files = "costs.csv"\ndelimiter = ";"\ndecimal = ","')
    )
    db = tmp_path / "s.duckdb"
    assert ingest(ws, db).ok
    out = CliRunner().invoke(app, ["invoices", "--db", str(db), "--workspace", str(ws)])
    assert out.exit_code == 0, out.output
    # recorded: 1 answered call (c1) × 2.00 = 2.00; invoiced 3,000.00 − 2.00 = 2,998.00
    assert (
        "  2026-04  expected €2.00  invoiced €3,000.00  difference +€2,998.00 (+149,900%)  over-billed"
        in out.output
    )
    assert "billed vs recorded (billed more): 1,500 billed − 1 recorded = 1,499 answered calls" in out.output
    assert out.output.rstrip().endswith("OVER-BILLED: €2,998.00 in 2026-04")


def test_scorecard_invoices_without_a_price_model_says_what_to_add(workspace, tmp_path) -> None:
    from scorecard.cli import app
    from scorecard.ingest.run import ingest

    db = tmp_path / "s.duckdb"
    assert ingest(workspace, db).ok
    out = CliRunner().invoke(
        app, ["invoices", "--db", str(db), "--vendor", "acme", "--workspace", str(workspace)]
    )
    assert out.exit_code == 1
    assert (
        f"{workspace / 'acme' / 'vendor.toml'} has no [contract.price]: add a price model to check invoices"
        in (out.output)
    )


def test_an_invoice_line_with_a_quantity_but_no_basis_is_rejected_naming_row_and_rule(
    workspace, tmp_path
) -> None:
    from scorecard.ingest.run import ingest

    ws = _workspace_with_price(
        workspace,
        "period_start,period_end,amount,kind,quantity,per\n2026-04-01,2026-04-30,3000,invoice,1500,\n",
    )
    report = ingest(ws, tmp_path / "s.duckdb")
    rejected = [f for f in report.files if f.status == "rejected"]
    assert len(rejected) == 1 and "costs.csv" in rejected[0].message
    assert "give quantity and per together, or neither" in rejected[0].message


def test_a_gainshare_takes_its_share_of_the_revenue_in_the_vendor_currency() -> None:
    con = new_db()
    add_vendor(con, "acme", currency="USD")
    add_fx(con, "2026-04", "USD", 0.9)
    insert(con, "calls", "acme", [call("s1", revenue=100.0), call("s2", revenue=50.0), call("s3")])
    ready(con)
    model = parse_contract(
        {"price": {"charges": [{"per": "month", "rate": 0}], "gainshare_pct": 10}}, "t"
    ).price
    check = invoice_check(con, "acme", model)
    gain = check.lines.filter(check.lines["part"] == "gainshare").row(0, named=True)
    # revenue 100 + 50 = 150 USD (the days' 135 EUR at 0.9 back in USD) × 10 % = 15.00 USD
    assert (gain["quantity"], gain["amount"], gain["amount_base"]) == (150.0, 15.0, 13.5)
    assert gain["formula"] == "$150.00 revenue × 10% = $15.00"


def test_the_summary_never_calls_unchecked_months_fine() -> None:
    check = _april_without_agent_time()
    assert check.summary() == "no month could be checked"


def test_a_month_billed_after_the_last_data_cannot_be_priced_never_over_billed() -> None:
    """June is invoiced but no call or agent-time row of June is loaded yet: unknown, not 0 calls and 0 h."""
    april = {"period_start": "2026-04-01", "period_end": "2026-04-30", "amount": 11_550.0, "kind": "invoice"}
    june = {"period_start": "2026-06-01", "period_end": "2026-06-30", "amount": 11_550.0, "kind": "invoice"}
    con = _db(invoice=[april, june])
    check = invoice_check(con, "acme", parse_contract(HOURLY, "vendor.toml").price)
    rows = {r[0]: r[1:] for r in check.months.select("month", "expected", "status").rows()}
    assert rows["2026-04"] == (11_550.0, "as expected")  # 412.5 h × 28.00
    assert rows["2026-06"][0] is None and rows["2026-06"][1].startswith("cannot price")
    assert check.over_billed.is_empty()
    per_call = {"price": {"charges": [{"per": "handled_call", "rate": 2.0}]}}
    check = invoice_check(con, "acme", parse_contract(per_call, "vendor.toml").price)
    june_row = check.months.filter(pl.col("month") == "2026-06").row(0, named=True)
    assert june_row["expected"] is None and june_row["status"].startswith("cannot price")
