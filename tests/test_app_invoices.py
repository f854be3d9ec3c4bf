"""The app's Review page shows the invoice check's one line on its first page only when invoices over-bill."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import unmarked
from streamlit.testing.v1 import AppTest

from scorecard.ingest import db
from scorecard.ingest import run as load
from scorecard.periods import parse_period
from scorecard.review.invoices import invoice_check
from scorecard.workspace.contract import parse_contract

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "tests" / "fixtures" / "app_ws"
#: North bills 9,800.00 for 2026-04-06..19; at 1.00 per answered call its few calls make far less.
PRICE = '\n[contract.price]\ncharges = [{ per = "answered_call", rate = 1.0 }]\n'


def _app(tmp_path: Path, monkeypatch, price: str) -> tuple[AppTest, Path]:
    ws = tmp_path / "ws"
    shutil.copytree(FIXTURE, ws, ignore=shutil.ignore_patterns("*.py", "__pycache__", "*.duckdb*"))
    toml = ws / "north" / "vendor.toml"
    toml.write_text(toml.read_text() + price)
    path = ws / ".scorecard.duckdb"
    assert load.ingest(ws, path).ok
    monkeypatch.setenv("SCORECARD_WORKSPACE", str(ws))
    monkeypatch.setenv("SCORECARD_DB", str(path))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.run()
    return at.switch_page("app_pages/review.py").run(), path


def test_the_review_page_warns_of_over_billing_with_the_amount(tmp_path, monkeypatch) -> None:
    at, path = _app(tmp_path, monkeypatch, PRICE)
    assert not at.exception
    con = db.connect(path, read_only=True)
    try:
        model = parse_contract({"price": {"charges": [{"per": "answered_call", "rate": 1.0}]}}, "t").price
        check = invoice_check(con, "north", model, parse_period("2026-Q2"))
    finally:
        con.close()
    over = check.over_billed
    assert over.height == 1 and over["invoiced"][0] == pytest.approx(9800.0)  # April's whole invoice
    expected = f"Invoices: {check.summary()} (see the invoice check)."
    assert [unmarked(w.value) for w in at.warning] == [expected]  # the page escapes Markdown
    titles = [unmarked(s.value) for s in at.subheader]
    assert "Invoice check: invoiced against expected" in titles


def test_without_a_price_model_the_review_page_has_no_invoice_line(tmp_path, monkeypatch) -> None:
    at, _ = _app(tmp_path, monkeypatch, "")
    assert not at.exception
    assert not [w for w in at.warning if "Invoices" in unmarked(w.value)]
    assert "Invoice check: invoiced against expected" not in [unmarked(s.value) for s in at.subheader]
