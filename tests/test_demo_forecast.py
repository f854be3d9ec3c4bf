"""The demo tender's forecast story: the client's forecast is in every vendor folder, `hu_duna` got more
calls than forecast in Q2 and `cn_hanyu` missed on forecast volume, and the quarterly review says which
is which."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import polars as pl
import pytest

from scorecard.workspace.config import load_workspace
from scorecard_demo import forecast
from scorecard_demo.arrivals import plan
from scorecard_demo.vendors import VENDORS, vendor

COMMITTED = Path(__file__).resolve().parents[1] / "vendors"


def test_the_forecast_is_the_expected_demand_split_by_program() -> None:
    spec = vendor("us_northstar")
    frame = forecast.forecast_frame(spec)
    day = plan(spec)[0]
    first = frame.filter(pl.col("interval_start") == pl.col("interval_start").min())
    # Billing 55 % and Tech Support 45 % of the queued 80 %, the IVR's 20 % under its own program
    expected = float(day.expected[0])
    assert dict(zip(first["program"], first["forecast_offered"], strict=True)) == {
        "Billing": round(expected * 0.55 * 0.8, 1),
        "IVR self-service": round(expected * 0.2, 1),
        "Tech Support": round(expected * 0.45 * 0.8, 1),
    }
    assert first.filter(pl.col("program") == "IVR self-service")["forecast_aht_s"].to_list() == [None]
    assert first.filter(pl.col("program") == "Billing")["forecast_aht_s"].to_list() == [375.0]  # 300+30+45


def test_only_duna_gets_unforecast_volume_and_only_in_q2() -> None:
    factors = {
        (s.vendor_id, d): forecast.factor(s, d)
        for s in VENDORS
        for d in (date(2026, 3, 31), date(2026, 4, 1))
    }
    assert {k: f for k, f in factors.items() if f != 1.0} == {("hu_duna", date(2026, 4, 1)): 1.25}


def test_every_vendor_sends_the_client_s_forecast() -> None:
    ws = load_workspace(COMMITTED)
    for v in ws.vendors:
        (export,) = [e for e in v.exports if e.table == "forecast"]
        assert (export.format, export.files) == ("canonical", "forecast/forecast_*.csv")
        assert len(list((COMMITTED / v.vendor_id / "forecast").glob("*.csv"))) == 6


@pytest.fixture(scope="module")
def ingested(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from scorecard.ingest.run import ingest

    db = tmp_path_factory.mktemp("demo_forecast") / "demo.duckdb"
    report = ingest(COMMITTED, db)
    assert report.ok, report.problems
    return db


@pytest.mark.slow
def test_the_quarterly_review_tells_the_forecast_s_misses_from_the_vendor_s(ingested: Path) -> None:
    from scorecard.ingest.db import connect
    from scorecard.review.quarter import quarterly_review
    from scorecard.review.report import review_tables
    from scorecard.workspace.contract import parse_contract

    ws = {v.vendor_id: v for v in load_workspace(COMMITTED).vendors}
    con = connect(ingested, read_only=True)
    try:
        notes = {}
        for vendor_id in ("hu_duna", "cn_hanyu"):
            review = quarterly_review(
                con, vendor_id, "2026-Q2", parse_contract(ws[vendor_id].contract, vendor_id)
            )
            (table,) = [t for t in review_tables(review) if t.key == "staffing"]
            notes[vendor_id] = table.note
            quarter = table.frame.filter(pl.col("period") == "2026-Q2").row(0, named=True)
            if vendor_id == "hu_duna":  # 25 % more calls than forecast, outside the contract's ± 10 %
                assert quarter["volume_vs_forecast"] > 1.15 and quarter["within_volume_band"] is False
                assert quarter["missed_calls_forecast"] > 0.9
            else:  # on forecast volume, with too few agents for the target
                assert quarter["within_volume_band"] is True and quarter["missed_calls_forecast"] < 0.2
                assert quarter["agents_staffed"] < quarter["agents_needed_erlang_a"]
    finally:
        con.close()
    assert "misses explained by volume above the client's forecast" in notes["hu_duna"]
    assert "misses not explained by volume: what the vendor's staffing gave" in notes["cn_hanyu"]
