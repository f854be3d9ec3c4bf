"""The demo tender's money end to end: Lumière's invoice billing 6 % more hours than its agents logged is
flagged with the amount, and the procurement ranking prices all five bids on the same scenario."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from scorecard.cli import app

DEMO = Path(__file__).resolve().parents[1] / "vendors"


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from scorecard.ingest.run import ingest

    db = tmp_path_factory.mktemp("money") / "demo.duckdb"
    assert ingest(DEMO, db).ok
    return db


@pytest.mark.slow
def test_the_over_billed_month_is_flagged_with_its_amount(demo_db: Path) -> None:
    out = CliRunner().invoke(
        app, ["invoices", "--db", str(demo_db), "--vendor", "fr_lumiere", "--period", "2026-Q2",
              "--workspace", str(DEMO)],
    )  # fmt: skip
    assert out.exit_code == 0, out.output
    # May: 960.11 productive h logged, 1,017.72 billed (960.11 × 1.06 = 1,017.7166, to two decimals);
    # 57.61 h × 22.50 = 1,296.225: invoiced 22,898.70 − expected 21,602.47 (960.11 × 22.50) = 1,296.23
    assert (
        "  2026-05  expected €21,602.47  invoiced €22,898.70  difference +€1,296.23 (+6%)  over-billed"
        in (out.output)
    )
    assert "1,017.72 billed − 960.11 recorded = 57.61 productive h" in out.output
    assert out.output.rstrip().endswith("OVER-BILLED: €1,296.23 in 2026-05")
    for month in ("2026-04", "2026-06"):
        assert f"  {month}  expected" in out.output and "as expected" in out.output


@pytest.mark.slow
def test_the_procurement_ranking_prices_all_five_bids_on_one_scenario(demo_db: Path) -> None:
    out = CliRunner().invoke(
        app, ["rank", "--db", str(demo_db), "--period", "2026-Q2", "--preset", "procurement_bid",
              "--workspace", str(DEMO)],
    )  # fmt: skip
    assert out.exit_code == 0, out.output
    head = out.output.split("\n\n")[0]
    assert head.startswith("Cost per handled call: each bid's price model on the workspace's [scenario]")
    bids = [line for line in head.splitlines() if line.startswith("- ")]
    assert len(bids) == 5 and all(" per handled call, " in b for b in bids)
    # Duna, per FTE: 8,000 calls × 6 min = 800 handled h ÷ 0.7235 pilot utilisation (Q2, with the surge
    # above forecast) = 1,105.74 productive h; ÷ 160 h a month = 6.91 FTE
    assert "1,105.74 productive h ÷ 160 h = 6.91 FTE" in head.replace("\n", " ")
    assert "productive h × €22.50" in head.replace("\n", " ")  # Lumière, per productive hour
    assert out.output.count("Bid per handled call") == 2  # the cost row, in both blocks of vendors


@pytest.mark.slow
def test_in_csv_the_bid_columns_say_they_hold_bids(demo_db: Path) -> None:
    out = CliRunner().invoke(
        app, ["rank", "--db", str(demo_db), "--period", "2026-Q2", "--preset", "procurement_bid",
              "--workspace", str(DEMO), "--format", "csv"],
    )  # fmt: skip
    assert out.exit_code == 0, out.output
    header = out.output.splitlines()[0].split(",")
    assert "bid_per_handled_call" in header and "bid_per_handled_call_points" in header
    assert "cost_per_call" not in header
    plain = CliRunner().invoke(
        app,
        [
            "rank",
            "--db",
            str(demo_db),
            "--period",
            "2026-Q2",
            "--preset",
            "procurement_bid",
            "--format",
            "csv",
        ],
    )  # without --workspace: the cost as billed, under its own name
    assert "cost_per_call" in plain.output.splitlines()[0].split(",")


@pytest.mark.slow
def test_the_ranking_page_prices_the_bids_as_the_cli_does(demo_db: Path, monkeypatch) -> None:
    import json

    from conftest import unmarked
    from streamlit.testing.v1 import AppTest

    args = ["rank", "--db", str(demo_db), "--period", "2026-Q2", "--preset", "procurement_bid",
            "--workspace", str(DEMO)]  # fmt: skip
    cli = CliRunner().invoke(app, [*args, "--format", "json"])
    assert cli.exit_code == 0, cli.output
    by_cli = [(r["vendor_id"], r["rank"]) for r in json.loads(cli.stdout)]
    monkeypatch.setenv("SCORECARD_WORKSPACE", str(DEMO))
    monkeypatch.setenv("SCORECARD_DB", str(demo_db))
    page = AppTest.from_file(str(Path(__file__).resolve().parents[1] / "app.py"), default_timeout=180)
    page.query_params.update({"period": "2026-Q2", "preset": "procurement_bid"})
    page.run()
    assert not page.exception
    table = page.dataframe[0].value
    assert "Bid per handled call (scenario)" in table.columns  # never labelled as the cost as billed
    names = dict(zip(table["Vendor"], table["Rank"], strict=True))
    ids = {"Duna Ügyfélszolgálat Kft.": "hu_duna", "Lumière Relation Client": "fr_lumiere",
           "Northstar Customer Care": "us_northstar", "Волга Контакт": "ru_volga",
           "汉语通 Hanyu Contact Services": "cn_hanyu"}  # fmt: skip
    assert sorted((ids[n], r) for n, r in names.items()) == sorted(by_cli)  # the same order as the CLI
    notes = "\n".join(unmarked(c.value) for c in page.caption)
    assert "each bid's price model on the workspace's [scenario] (not as billed)" in notes
    assert "1,105.74 productive h ÷ 160 h = 6.91 FTE" in notes  # Duna's bid, as `scorecard rank` prints it
    assert "90% interval" not in table.columns or set(table["90% interval"]) <= {"—"}  # fixed bids
