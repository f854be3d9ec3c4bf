"""The demo workspace: `vendors/` is exactly what the simulation writes, and the simulated market looks
like a real one (the cheap understaffed bidder serves worse and costs less than the premium one)."""

from __future__ import annotations

import hashlib
from pathlib import Path

import polars as pl
import pytest

from scorecard.config import load_workspace
from scorecard.demo import simulate, write_workspace
from scorecard.demo.simulate import VendorData
from scorecard.demo.staffing import erlang_c_agents
from scorecard.demo.text import hms, num
from scorecard.demo.writers import FX_RATES
from scorecard.schemas import validate

COMMITTED = Path(__file__).resolve().parents[1] / "vendors"
#: Files a user may leave in the workspace that the generator does not own.
NOT_GENERATED = (".duckdb", ".duckdb.wal", ".db")


@pytest.fixture(scope="module")
def data() -> dict[str, VendorData]:
    """The simulated vendors (default seed), shared by the tests of this module."""
    return simulate()


@pytest.fixture(scope="module")
def regenerated(data: dict[str, VendorData], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The workspace written into a fresh folder from the simulated vendors."""
    out = tmp_path_factory.mktemp("demo") / "vendors"
    write_workspace(out, data=data)
    return out


def _digests(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file() and not p.name.endswith(NOT_GENERATED)
    }


def _pooled(calls: pl.DataFrame) -> dict[str, float]:
    """Service level (negative variant, T = 20 s), abandonment and handled calls, pooled over the period."""
    out = pl.col("outcome")
    short = (out == "abandoned") & (pl.col("wait_s") < 5)
    row = calls.select(
        answered=(out == "answered").sum(),
        in_sl=((out == "answered") & (pl.col("wait_s") <= 20)).sum(),
        abandoned=(out == "abandoned").sum(),
        short=short.sum(),
        handled=out.is_in(["answered", "self_service"]).sum(),
    ).row(0, named=True)
    base = row["answered"] + row["abandoned"] - row["short"]
    return {
        "service_level": row["in_sl"] / base,
        "abandon_rate": (row["abandoned"] - row["short"]) / base,
        "handled": row["handled"],
    }


def test_committed_workspace_is_exactly_what_the_simulation_writes(regenerated: Path) -> None:
    expected, committed = _digests(regenerated), _digests(COMMITTED)
    assert sorted(set(expected) ^ set(committed)) == []
    changed = sorted(path for path in expected if expected[path] != committed[path])
    assert changed == [], "regenerate with: scorecard demo --out vendors"


def test_every_vendor_sends_the_planned_tables(data: dict[str, VendorData]) -> None:
    sent = {vendor_id: sorted(v.tables) for vendor_id, v in data.items()}
    assert sent == {
        "us_northstar": ["agent_time", "calls", "costs", "quality", "surveys"],
        "fr_lumiere": ["agent_time", "calls", "costs", "quality", "surveys"],
        "cn_hanyu": ["agent_time", "calls", "costs", "quality", "surveys"],
        "hu_duna": ["agent_time", "costs", "intervals", "quality", "surveys"],
        "ru_volga": ["costs", "intervals"],
    }
    assert data["cn_hanyu"].tables["calls"]["revenue"].null_count() == data["cn_hanyu"].calls.height


def test_simulated_frames_pass_the_canonical_schemas(data: dict[str, VendorData]) -> None:
    for vendor_id, v in data.items():
        for table, frame in v.tables.items():
            rows = frame.with_row_index("source_row", offset=1)
            validate(table, rows.with_columns(pl.col("source_row").cast(pl.Int64)), f"{vendor_id}/{table}")


def test_cheap_understaffed_vendor_serves_worse_than_the_premium_one(data: dict[str, VendorData]) -> None:
    premium, cheap = _pooled(data["us_northstar"].calls), _pooled(data["cn_hanyu"].calls)
    assert cheap["service_level"] < premium["service_level"] - 0.15
    assert cheap["abandon_rate"] > premium["abandon_rate"] + 0.05
    blocked = {vid: (v.calls["outcome"] == "blocked").mean() for vid, v in data.items()}
    assert max(blocked, key=blocked.__getitem__) == "cn_hanyu"


def test_cheap_vendor_has_the_lowest_cost_per_handled_call_in_euros(data: dict[str, VendorData]) -> None:
    def eur_per_call(v: VendorData) -> float:
        costs = v.tables["costs"].with_columns(month=pl.col("period_start").dt.month())
        rate = pl.col("month").map_elements(
            lambda m: FX_RATES[v.spec.currency][m - 1] if v.spec.currency != "EUR" else 1.0,
            return_dtype=pl.Float64,
        )
        return costs.select((pl.col("amount") * rate).sum()).item() / _pooled(v.calls)["handled"]

    per_call = {vid: eur_per_call(v) for vid, v in data.items()}
    assert min(per_call, key=per_call.__getitem__) == "cn_hanyu"
    assert max(per_call, key=per_call.__getitem__) == "us_northstar"


def test_quarters_differ_where_the_plan_says(data: dict[str, VendorData]) -> None:
    def by_quarter(vendor_id: str) -> list[float]:
        calls = data[vendor_id].calls
        q = pl.col("arrived_at").dt.quarter()
        return [_pooled(calls.filter(q == i))["service_level"] for i in (1, 2)]

    fr, hu = by_quarter("fr_lumiere"), by_quarter("hu_duna")
    assert fr[1] > fr[0]  # Lumière staffs up in Q2
    assert hu[1] < hu[0]  # Duna plans for a lower service level in Q2


def test_regenerated_workspace_loads_with_every_adapter(regenerated: Path) -> None:
    ws = load_workspace(regenerated)
    formats = {v.vendor_id: sorted({e.format for e in v.exports}) for v in ws.vendors}
    assert formats == {
        "cn_hanyu": ["canonical", "mapped"],
        "fr_lumiere": ["canonical", "five9_call_log"],
        "hu_duna": ["canonical", "genesys_cloud_queue_interval"],
        "ru_volga": ["avaya_cms_hsplit", "canonical"],
        "us_northstar": ["amazon_connect_ctr", "canonical"],
    }
    assert ws.fx_rates.height == 6 * 4
    assert (ws.base_currency, ws.sl_threshold_s, ws.short_abandon_s) == ("EUR", 20, 5)


def test_erlang_c_agents_matches_hand_computation() -> None:
    # 10 calls in 30 min at 180 s each = 1 Erlang. Two agents: Erlang B = 0.5 / 2.5 = 0.2, Erlang C =
    # 2 × 0.2 / (2 − 0.8) = 1/3, SL = 1 − 1/3 × e^(−20/180) = 0.7017. Three agents: B = 0.2 / 3.2 = 0.0625,
    # C = 0.1875 / 2.0625 = 0.0909, SL = 1 − 0.0909 × e^(−40/180) = 0.9272.
    assert erlang_c_agents(10, 180, target=0.70) == 2
    assert erlang_c_agents(10, 180, target=0.71) == 3
    assert erlang_c_agents(10, 180, target=0.92) == 3
    assert erlang_c_agents(10, 180, target=0.93) == 4
    assert erlang_c_agents(0, 180) == 0


def test_text_formats_are_explicit() -> None:
    assert [num(12.5, 2), num(12.0, 2), num(0.125, 2, ","), num(None, 2)] == ["12.5", "12", "0,12", ""]
    assert [hms(3725), hms(65, short=True)] == ["01:02:05", "0:01:05"]


@pytest.mark.slow
def test_ingested_workspace_recomputes_the_simulated_service_level(
    data: dict[str, VendorData], regenerated: Path, tmp_path: Path
) -> None:
    from scorecard.db import connect
    from scorecard.kpis import kpis
    from scorecard.load import ingest

    report = ingest(regenerated, tmp_path / "demo.duckdb")
    assert report.ok, [f.message for f in report.files if f.status == "rejected"] + report.problems
    con = connect(tmp_path / "demo.duckdb", read_only=True)
    try:
        got = kpis(con).select("vendor_id", "service_level", "abandon_rate").rows()
    finally:
        con.close()
    for vendor_id, service_level, abandon_rate in got:
        truth = _pooled(data[vendor_id].calls)
        assert service_level == pytest.approx(truth["service_level"], abs=1e-9), vendor_id
        assert abandon_rate == pytest.approx(truth["abandon_rate"], abs=1e-9), vendor_id
