"""Bids compared on equal terms, worked out by hand: price models on one volume scenario, lowest bid."""

from __future__ import annotations

import pytest
from kpi_fixtures import add_vendor, call, insert, new_db, ready

from scorecard.cli._rank_bids import bid_costs
from scorecard.errors import ConfigError
from scorecard.periods import parse_period
from scorecard.scoring.bids import price_bids
from scorecard.scoring.points import rank_period
from scorecard.scoring.presets import load_preset
from scorecard.workspace.config import load_workspace
from scorecard.workspace.contract import parse_contract
from scorecard.workspace.scenario import Scenario

#: Each pilot: two answered calls of 100 + 10 + 20 = 130 s handle time, one resolved (FCR 1 / 2).
PILOT = [
    call("c1", arrived_at="2026-04-02 10:00:00", resolved=True),
    call("c2", arrived_at="2026-04-03 10:00:00", resolved=False),
]
#: 520 s logged in: utilisation = 260 s handled / 520 s = 0.5.
AGENT_DAY = {"agent_id": "x", "date": "2026-04-02", "scheduled_s": 600.0, "staffed_s": 520.0,
             "handle_s": 260.0, "available_s": 200.0, "in_adherence_s": 500.0}  # fmt: skip
HOURLY = {"charges": [{"per": "productive_hour", "rate": 28.0}]}
PER_CALL = {"charges": [{"per": "answered_call", "rate": 5.0}]}


def _db():
    con = new_db(fcr_method="disposition")
    for vendor in ("hourly", "per_call", "no_hours", "no_price"):
        add_vendor(con, vendor)
        insert(con, "calls", vendor, PILOT)
    insert(con, "agent_time", "hourly", [AGENT_DAY])
    return ready(con)


def _models():
    price = lambda table: parse_contract({"price": table}, "t").price  # noqa: E731
    return {"hourly": price(HOURLY), "per_call": price(PER_CALL), "no_hours": price(HOURLY), "no_price": None}


def test_every_bid_is_priced_on_the_same_forecast_or_says_why_not() -> None:
    scenario = Scenario(basis="forecast", calls_per_month=1000, aht_s=360)
    bids = price_bids(_db(), scenario, _models(), parse_period("2026-Q2"))
    rows = {r["vendor_id"]: r for r in bids.iter_rows(named=True)}
    # 1,000 calls × 360 s = 100 handled h ÷ 0.5 utilisation = 200 productive h × 28.00 = 5,600.00
    hourly = rows["hourly"]
    assert (hourly["cost"], hourly["cost_per_handled_base"]) == (5600.0, 5.6)  # 5,600 / 1,000 calls
    assert hourly["cost_per_resolved_base"] == 11.2  # 5.60 / 0.5 FCR
    assert hourly["formula"] == (
        "1,000 calls × 6:00 AHT = 100 handled h ÷ 0.5000 pilot utilisation (handle time ÷ productive time) = "
        "200 productive h; 200 productive h × €28.00 = €5,600.00; month = €5,600.00; ÷ 1,000 handled calls = "
        "€5.60; ÷ 50.0% FCR = €11.20 per resolved call"
    )
    assert (rows["per_call"]["cost"], rows["per_call"]["cost_per_handled_base"]) == (5000.0, 5.0)  # 1,000 × 5
    assert rows["no_hours"]["cost_per_handled_base"] is None
    assert rows["no_hours"]["reason"] == (
        "per productive hour: no productive hours (staffed_s of agent_time) recorded in the pilot, so the "
        "scenario's workload cannot be turned into hours"
    )
    assert rows["no_price"]["reason"] == "no [contract.price]: no price bid"


def test_the_lowest_bid_scores_100_and_the_others_in_proportion() -> None:
    con = _db()
    bids = price_bids(con, Scenario(calls_per_month=1000, aht_s=360), _models(), parse_period("2026-Q2"))
    result = rank_period(con, "2026-Q2", load_preset("procurement_bid"), adjust=lambda f: bid_costs(f, bids))
    table = {r["vendor_id"]: r for r in result.table.iter_rows(named=True)}
    assert table["per_call"]["cost_per_call_points"] == 100.0  # the lowest bid, 5.00
    assert table["hourly"]["cost_per_call_points"] == pytest.approx(100 * 5.0 / 5.6)  # 89.3
    assert table["no_hours"]["cost_per_call"] is None and table["no_price"]["cost_per_call"] is None


def test_a_pilot_scenario_prices_each_bid_on_its_own_pilot() -> None:
    bids = price_bids(_db(), Scenario(basis="pilot"), _models(), parse_period("2026-Q2"))
    hourly = bids.filter(bids["vendor_id"] == "hourly").row(0, named=True)
    # April: 520 s = 0.14 productive h × 28.00 = 3.92; 2 handled calls: 1.96 each
    assert (hourly["cost"], hourly["cost_per_handled_base"]) == (3.92, 1.96)
    assert hourly["formula"].startswith("Σ expected invoices 2026-04 = €3.92; ÷ 2 handled calls = €1.96")


def test_a_forecast_scenario_without_its_volume_is_a_config_error(workspace) -> None:
    toml = workspace / "scorecard.toml"
    toml.write_text(toml.read_text() + '\n[scenario]\nbasis = "forecast"\ncalls_per_month = 8000\n')
    with pytest.raises(ConfigError) as err:
        load_workspace(workspace)
    assert 'basis "forecast" needs calls_per_month and aht_s (or use basis = "pilot")' in str(err.value)
