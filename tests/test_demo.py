"""The demo workspace: `vendors/` is exactly what the simulation writes, and the simulated market looks
like a real one (the cheap understaffed bidder serves worse and costs less than the premium one)."""

from __future__ import annotations

import hashlib
from pathlib import Path

import polars as pl
import pytest

from scorecard.ingest.schemas import validate
from scorecard.workspace.config import load_workspace
from scorecard.workspace.contract import parse_contract
from scorecard_demo import simulate, write_workspace
from scorecard_demo.simulate import VendorData
from scorecard_demo.staffing import erlang_c_agents
from scorecard_demo.text import hms, num
from scorecard_demo.writers import FX_RATES

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
        if p.is_file()
        and not p.name.endswith(NOT_GENERATED)
        and ".scorecard" not in p.relative_to(root).parts
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


def test_lines_without_ivr_say_so_and_lumiere_loads_its_revenue(
    data: dict[str, VendorData], regenerated: Path
) -> None:
    ws = load_workspace(regenerated)
    calls = {v.vendor_id: v.exports[0] for v in ws.vendors}
    assert {vid: e.options.get("no_ivr") for vid, e in calls.items()} == {
        "cn_hanyu": None,
        "fr_lumiere": None,
        "hu_duna": True,
        "ru_volga": True,
        "us_northstar": None,
    }
    for vendor_id in ("hu_duna", "ru_volga"):
        assert (data[vendor_id].calls["outcome"] == "self_service").sum() == 0
        assert data[vendor_id].tables["intervals"]["self_service"].sum() == 0
    assert calls["fr_lumiere"].options["revenue_column"] == "Vente.Montant"


def test_every_vendor_has_a_contract_on_kpis_its_data_supplies(regenerated: Path) -> None:
    ws = load_workspace(regenerated)
    terms = {
        v.vendor_id: [t.describe() for t in parse_contract(v.contract, str(v.folder)).terms]
        for v in ws.vendors
    }
    sla = ["service_level ≥ 0.8", "abandon_rate ≤ 0.05", "asa_s ≤ 30"]
    assert terms == {
        "cn_hanyu": [
            *sla,
            "blockage_rate ≤ 0.02",
            "csat_rate ≥ 0.7",
            f"{sla[0]} in ≥ 90% of intervals 08:00–20:00",
        ],
        "fr_lumiere": [*sla, "csat_rate ≥ 0.8", f"{sla[0]} in ≥ 85% of days"],
        "hu_duna": [*sla, "csat_rate ≥ 0.8", "adherence_rate ≥ 0.9"],
        "ru_volga": [*sla, "blockage_rate ≤ 0.02", "aht_s within [180, 600]"],  # no surveys, no WFM
        "us_northstar": [*sla, "csat_rate ≥ 0.85", "qa_score ≥ 85", "fcr_rate ≥ 0.8"],
    }
    caps = {v.vendor_id: parse_contract(v.contract, "").at_risk_cap_pct for v in ws.vendors}
    assert caps == {"cn_hanyu": 10, "fr_lumiere": 10, "hu_duna": 10, "ru_volga": 12, "us_northstar": 12}


@pytest.fixture(scope="module")
def ingested(regenerated: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The regenerated workspace ingested into a fresh DuckDB file (slow tests only)."""
    from scorecard.ingest.run import ingest

    db = tmp_path_factory.mktemp("demo_db") / "demo.duckdb"
    report = ingest(regenerated, db)
    assert report.ok, [f.message for f in report.files if f.status == "rejected"] + report.problems
    return db


@pytest.mark.slow
def test_ingested_workspace_recomputes_the_simulated_service_level(
    data: dict[str, VendorData], ingested: Path
) -> None:
    from scorecard.ingest.db import connect
    from scorecard.metrics.kpis import kpis

    con = connect(ingested, read_only=True)
    try:
        got = kpis(con).select("vendor_id", "service_level", "abandon_rate").rows()
    finally:
        con.close()
    for vendor_id, service_level, abandon_rate in got:
        truth = _pooled(data[vendor_id].calls)
        assert service_level == pytest.approx(truth["service_level"], abs=1e-9), vendor_id
        assert abandon_rate == pytest.approx(truth["abandon_rate"], abs=1e-9), vendor_id


@pytest.mark.slow
def test_every_vendor_has_cost_per_call_and_the_kpis_its_data_supports(ingested: Path) -> None:
    from scorecard.ingest.db import connect
    from scorecard.metrics.kpis import kpis

    con = connect(ingested, read_only=True)
    try:
        quarters = kpis(con, grain="quarter")
    finally:
        con.close()
    cols = ["cost_per_call", "service_level", "abandon_rate", "asa_s", "csat_rate", "revenue_per_call"]
    known = quarters.group_by("vendor_id").agg(pl.col(cols).is_not_null().all()).sort("vendor_id")
    assert known.rows() == [
        ("cn_hanyu", True, True, True, True, True, False),  # Hanyu records no sales
        ("fr_lumiere", True, True, True, True, True, True),
        ("hu_duna", True, True, True, True, True, False),
        ("ru_volga", True, True, True, True, False, False),  # no surveys
        ("us_northstar", True, True, True, True, True, True),
    ]
    no_ivr = quarters.filter(pl.col("vendor_id").is_in(["hu_duna", "ru_volga"]))
    assert (no_ivr["handled"] == no_ivr["answered"]).all()
    assert no_ivr["self_service"].to_list() == [0, 0, 0, 0]


@pytest.mark.slow
def test_contract_credits_tell_the_demo_story(ingested: Path, regenerated: Path) -> None:
    from scorecard.ingest.db import connect
    from scorecard.review.quarter import contract_credits

    ws = load_workspace(regenerated)
    con = connect(ingested, read_only=True)
    try:
        credits = {
            v.vendor_id: contract_credits(con, v.vendor_id, parse_contract(v.contract, v.vendor_id))
            for v in ws.vendors
        }
    finally:
        con.close()

    def missed(vendor_id: str) -> dict[str, list[str]]:
        a = credits[vendor_id].attainment.filter(pl.col("status") == "missed")
        granular = pl.col("target").str.contains(" in ≥ ")  # day and interval terms: by their rule
        a = a.with_columns(pl.when(granular).then(pl.col("target")).otherwise(pl.col("kpi")).alias("kpi"))
        return {
            kpi: a.filter(pl.col("kpi") == kpi)["period"].to_list()
            for kpi in a["kpi"].unique(maintain_order=True)
        }

    months = [f"2026-0{m}" for m in range(1, 7)]
    assert missed("us_northstar") == {}
    assert missed("cn_hanyu") == {
        "service_level": months,
        "abandon_rate": months,
        "asa_s": ["2026-02", "2026-04", "2026-05", "2026-06"],
        "blockage_rate": months[1:],
        "csat_rate": months,
        "service_level ≥ 0.8 in ≥ 90% of intervals 08:00–20:00": months,
    }
    # Duna plans for a lower service level in Q2 and gets 25 % more calls than the client forecast
    assert missed("hu_duna") == {
        "service_level": months[3:],
        "abandon_rate": months[3:],
        "csat_rate": ["2026-01", *months[3:]],
    }
    assert (
        missed("fr_lumiere")
        == {  # fewer than 85 % of its days at 80 % in 20 s until April
            "abandon_rate": months[:3],
            "csat_rate": ["2026-03"],
            "service_level ≥ 0.8 in ≥ 85% of days": months[:4],
        }
    )
    assert missed("ru_volga") == {"abandon_rate": ["2026-01", "2026-04"]}

    # Hanyu owes the whole 10 % at-risk cap every month: 13 % due in January (service level 5 +
    # abandonment 3 + CSAT 2 + the half-hours 08:00–20:00 3), 17 % or 15 % after, capped.
    cn = credits["cn_hanyu"].monthly
    assert cn["credits_owed"].to_list() == pytest.approx(cn["cap"].to_list(), abs=1e-6)
    assert (cn["credits_due"] / cn["cap"]).round(6).to_list() == [1.3, 1.7, 1.5, 1.7, 1.7, 1.7]
    # Lumière earns back its March abandonment credit after meeting the target in April and May.
    fr = credits["fr_lumiere"]
    back = fr.attainment.filter(pl.col("back_in").is_not_null())
    assert back.select("kpi", "period", "back_in").rows() == [("abandon_rate", "2026-03", "2026-05")]
    march = fr.lines.filter((pl.col("month") == "2026-03") & (pl.col("kpi") == "abandon_rate"))
    assert fr.monthly["earned_back"].to_list() == [0.0, 0.0, 0.0, 0.0, march["credit_owed"].item(), 0.0]
