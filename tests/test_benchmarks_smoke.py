"""The benchmark harness keeps working: smoke-size run, the pandas baseline equals the SQL KPIs."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from benchmarks import generate, pandas_kpis
from scorecard.ingest.run import ingest
from scorecard.metrics.kpis import kpis

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def smoke_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The smoke workspace (10 vendors, 4,000 calls, 30 files), generated and ingested once."""
    root = tmp_path_factory.mktemp("bench")
    workspace = generate.generate(root / "smoke", generate.spec_for("smoke"))
    db = root / "smoke.duckdb"
    report = ingest(workspace, db)
    assert report.ok, [f.message for f in report.files if f.status == "rejected"] + report.problems
    assert report.count("loaded") == 30
    return db


def _sql_kpis(db: Path):
    con = duckdb.connect(str(db), read_only=True)
    try:
        return kpis(con, grain="quarter").to_pandas()
    finally:
        con.close()


def test_pandas_baseline_equals_sql_kpis_on_smoke_data(smoke_db: Path) -> None:
    sql = _sql_kpis(smoke_db)
    baseline = pandas_kpis.kpis_from_db(smoke_db)
    assert pandas_kpis.compare(baseline, sql) == []
    assert sorted(baseline["vendor_id"].unique()) == [f"v{i:02d}" for i in range(1, 11)]
    assert baseline["attempts"].sum() == 4000
    # Call-derived KPIs have values; KPIs that need surveys, QA, agent time or costs are null in both.
    assert baseline["service_level"].notna().all() and baseline["revenue_per_call"].notna().all()
    assert baseline["csat_rate"].isna().all() and sql["cost_per_call"].isna().all()


def test_compare_reports_a_difference(smoke_db: Path) -> None:
    sql = _sql_kpis(smoke_db)
    baseline = pandas_kpis.kpis_from_db(smoke_db)
    baseline.loc[0, "asa_s"] += 1e-6
    [problem] = pandas_kpis.compare(baseline, sql)
    assert problem.startswith(f"asa_s: {baseline.loc[0, 'vendor_id']} {baseline.loc[0, 'period']}: pandas ")


def test_pandas_baseline_on_hand_checked_calls(workspace: Path, tmp_path: Path) -> None:
    # conftest's acme: c1 answered (wait 10, talk 100, acw 20, resolved), c2 blocked, c3 abandoned after 3 s.
    db = tmp_path / "acme.duckdb"
    assert ingest(workspace, db).ok
    [row] = pandas_kpis.kpis_from_db(db).to_dict("records")
    assert (row["vendor_id"], row["period"]) == ("acme", "2026-Q2")
    assert (row["attempts"], row["queued"], row["answered"], row["short_abandoned"]) == (3, 2, 1, 1)
    assert row["blockage_rate"] == pytest.approx(1 / 3)  # 1 blocked / 3 attempts
    assert row["abandon_rate"] == 0.0  # (1 abandoned − 1 short) / (2 queued − 1 short)
    assert row["service_level"] == 1.0  # 1 answered within 20 s / (2 queued − 1 short)
    assert row["aht_s"] == 120.0  # (100 talk + 0 hold + 20 acw) / 1 answered
    assert row["fcr_rate_disposition"] == 1.0  # 1 resolved / 1 answered with a disposition
    assert math.isnan(row["fcr_rate_repeat"])  # no caller keys: 0 / 0
    assert math.isnan(row["conversion_rate"])  # the vendor reports no revenue
    # The baseline reads call records only; acme also has an invoice, which only the SQL KPIs count.
    sql = _sql_kpis(db).assign(cost_per_call=float("nan"))
    assert pandas_kpis.compare(pandas_kpis.kpis_from_db(db), sql) == []


def test_harness_smoke_run_writes_every_stage(tmp_path: Path) -> None:
    out = tmp_path / "smoke.json"
    cmd = [
        sys.executable,
        "benchmarks/run.py",
        "--size",
        "smoke",
        "--json",
        str(out),
        "--data",
        str(tmp_path),
    ]
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    result = json.loads(out.read_text())
    assert set(result["stages"]) == {"ingest", "kpis", "ranking", "app"}
    assert set(result["verdicts"]) == {"ingest", "kpis", "ranking", "app"}
    for name, stage in result["stages"].items():
        assert "error" not in stage["ours"], (name, stage["ours"])
    ingest_stage = result["stages"]["ingest"]
    assert ingest_stage["ours"]["rows"] == ingest_stage["reference"]["rows"] == 4000
    assert ingest_stage["ratio"] > 0 and ingest_stage["ours"]["peak_rss_mb"] > 0
    assert result["stages"]["kpis"]["equal"] is True
    assert result["stages"]["ranking"]["ours"]["vendors"] == 20
    assert result["stages"]["ranking"]["ours"]["kpis"] == 20
    assert "| ingest |" in proc.stdout
