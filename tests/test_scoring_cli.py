"""`scorecard rank` end to end on a tiny database built from raw rows.

Calls on 2026-04-15 (T = 20 s, short abandons < 5 s):
  a: answered with waits 10, 10, 10, 30 -> service level 3 / 4 = 0.75; ASA 60 / 4 = 15 s
  b: answered with waits 5 and 25, abandoned after 30 s and after 2 s (short)
     -> service level 1 / (4 − 1) = 1/3; ASA 30 / 2 = 15 s
Preset (test.toml): service_level weight 3 (target 0.80, floor 0.50), asa_s weight 1 (target 20, floor 120).
  a: (0.75 − 0.50)/(0.80 − 0.50) = 0.8333 -> 83.33 points; ASA 15 ≤ 20 -> 100; (3 × 83.33 + 100) / 4 = 87.5
  b: 1/3 below the floor -> 0 points; ASA 100; (0 + 100) / 4 = 25
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import duckdb
import pytest
from kpi_fixtures import register_file
from typer.testing import CliRunner

from scorecard.cli import app
from scorecard.ingest.db import create_tables, raw_columns
from scorecard.sql.views import apply_views

PRESET = """
name = "Test"
[kpis.service_level]
weight = 3
target = 0.80
floor = 0.50
[kpis.asa_s]
weight = 1
target = 20
floor = 120
"""


def _call(call_id: str, outcome: str, wait_s: float) -> dict[str, object]:
    answered = outcome == "answered"
    at = datetime(2026, 4, 15, 10, 0)
    return {
        "call_id": call_id,
        "program": "care",
        "arrived_at": at,
        "arrived_at_local": at,
        "outcome": outcome,
        "wait_s": wait_s,
        "talk_s": 100.0 if answered else 0.0,
        "hold_s": 0.0,
        "acw_s": 0.0,
        "transferred": False,
    }


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    path = tmp_path / "scorecard.duckdb"
    con = duckdb.connect(str(path))
    create_tables(con)
    con.execute("insert into settings values ('EUR', 20, 5, 'negative', 'survey', 7, 'quarterly_review')")
    calls = {
        "a": [("a1", "answered", 10), ("a2", "answered", 10), ("a3", "answered", 10), ("a4", "answered", 30)],
        "b": [("b1", "answered", 5), ("b2", "answered", 25), ("b3", "abandoned", 30), ("b4", "abandoned", 2)],
    }  # fmt: skip
    names = list(raw_columns("calls"))
    sql = f"insert into raw_calls ({', '.join(names)}) values ({', '.join('?' * len(names))})"
    for vendor, rows in calls.items():
        con.execute("insert into vendors values (?, ?, 'FR', 'UTC', 'EUR')", [vendor, vendor.upper()])
        for i, row in enumerate(rows, start=1):
            full = {"vendor_id": vendor, "export_key": "k", "source_file": "calls.csv", "source_row": i}
            con.execute(sql, [(full | _call(*row)).get(c) for c in names])
        register_file(con, vendor, "calls", "calls.csv", len(rows), export_key="k")
    apply_views(con)
    con.close()
    return path


def _run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, ["rank", *args])
    return result.exit_code, result.stdout, result.stderr


def test_rank_csv(db_path: Path, tmp_path: Path) -> None:
    preset = tmp_path / "test.toml"
    preset.write_text(PRESET, encoding="utf-8")
    code, out, _ = _run(
        "--db", str(db_path), "--period", "2026-04", "--preset-file", str(preset), "--format", "csv"
    )
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == (
        "vendor_id,period,rank,score,coverage,service_level,service_level_points,asa_s,asa_s_points,"
        "missing,status,first_date,last_date,days_with_data,covered_days,window_days,period_coverage,"
        "source_grain"
    )
    # both vendors have calls on 2026-04-15 only: the window is that day, covered by both
    coverage = ",ranked,2026-04-15,2026-04-15,1,1,1,1.0,day"
    assert lines[2] == "b,2026-04,2,25.0,1.0,0.3333333333333333,0.0,15.0,100.0," + coverage
    a = lines[1].split(",")
    assert a[:3] == ["a", "2026-04", "1"]
    assert [float(x) for x in a[3:9]] == pytest.approx([87.5, 1.0, 0.75, 250 / 3, 15.0, 100.0])
    assert ",".join(a[9:]) == coverage


def test_rank_json_with_sensitivity(db_path: Path, tmp_path: Path) -> None:
    preset = tmp_path / "test.toml"
    preset.write_text(PRESET, encoding="utf-8")
    code, out, _ = _run(
        "--db", str(db_path), "--period", "2026-Q2", "--preset-file", str(preset),
        "--format", "json", "--sensitivity", "--draws", "200", "--bootstrap-draws", "50",
    )  # fmt: skip
    assert code == 0
    payload = json.loads(out)
    assert [r["vendor_id"] for r in payload["ranking"]] == ["a", "b"]
    assert payload["ranking"][0]["score"] == pytest.approx(87.5)
    assert (payload["method"], payload["missing"], payload["period"]) == ("fixed", "zero", "2026-Q2")
    # a wins on service level whatever the weights (ASA ties at 100): the range is [0, inf) -> null
    sl = payload["weight_ranges"][0]
    assert (sl["kpi"], sl["winner"], sl["weight_low"], sl["weight_high"]) == ("service_level", "a", 0.0, None)
    assert payload["rank_probabilities"][0]["p_rank_1"] == 1.0
    # one day of data: every bootstrap draw resamples that day, so the interval is the score itself
    boot = payload["bootstrap"][0]
    assert (boot["score_low"], boot["score_high"]) == (pytest.approx(87.5), pytest.approx(87.5))
    assert [(w["vendor_id"], w["kpi"], w["successes"], w["events"]) for w in payload["wilson"]] == [
        ("a", "service_level", 3.0, 4.0),
        ("b", "service_level", 1.0, 3.0),
    ]
    assert [r["unchanged"] for r in payload["leave_one_out"]] == [True, True]


def test_rank_table_default_preset(db_path: Path) -> None:
    code, out, _ = _run("--db", str(db_path), "--period", "all", "--sensitivity", "--draws", "50",
                        "--bootstrap-draws", "20")  # fmt: skip
    assert code == 0
    assert out.startswith(
        "Quarterly review (quarterly_review.toml): method fixed, missing = 'zero', period all"
    )
    for title in (
        "Contributions to the score",
        "Weight ranges: a stays first",
        "Rank probabilities under weight perturbation",
        "Score intervals and P(rank 1) from resampling days",
        "Leave-one-out: order unchanged by construction (fixed bounds).",
    ):
        assert title in out


def test_rank_errors(db_path: Path) -> None:
    code, _, err = _run("--db", str(db_path), "--period", "2026-04", "--preset", "nope")
    assert code == 1
    assert err.startswith("Error: Unknown preset 'nope'; expected one of: procurement_bid, ")
    code, _, err = _run("--db", str(db_path), "--period", "2026-04", "--format", "csv", "--sensitivity")
    assert (code, err) == (1, "Error: --sensitivity prints several tables; use --format table or json.\n")
    code, _, err = _run("--db", str(db_path), "--period", "2026-04", "--vendor", "zz")
    assert (code, err) == (1, "Error: Unknown vendor(s) zz; vendors in the database: a, b\n")
    code, _, err = _run("--db", str(db_path), "--period", "2026-05", "--vendor", "a")
    assert (code, err) == (1, "Error: No vendor can be ranked in 2026-05: No vendor has data in 2026-05.\n")
