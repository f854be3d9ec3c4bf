"""The client's forecast: a canonical table loaded like any export (validated, in the load identity), and
forecast accuracy worked out by hand."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from conftest import write
from kpi_fixtures import add_vendor, call, insert, interval, new_db, notes, one, ready

from scorecard.ingest.run import ingest
from scorecard.metrics.kpis import kpis


def _forecast(start: str, offered: float, program: str = "sales", interval_s: int = 1800) -> dict:
    return {
        "program": program,
        "interval_start": start,
        "interval_s": interval_s,
        "forecast_offered": offered,
        "forecast_aht_s": 300.0,
    }


def test_forecast_accuracy_is_volume_weighted_over_the_forecast_intervals() -> None:
    con = new_db()
    add_vendor(con, "acme")
    calls = [call(f"a{i}", arrived_at=f"2026-04-15 10:{i:02d}:00") for i in range(8)]  # 8 in 10:00-10:30
    calls += [call(f"b{i}", arrived_at=f"2026-04-15 10:3{i}:00") for i in range(2)]  # 2 in 10:30-11:00
    calls += [call("c1", arrived_at="2026-04-15 11:10:00")]  # 1 in 11:00-11:30, forecast 0
    calls += [call("x1", "blocked", 0, arrived_at="2026-04-15 10:05:00")]  # never got in: not offered
    calls += [call("z1", arrived_at="2026-04-15 12:10:00")]  # no forecast for 12:00: not counted
    insert(con, "calls", "acme", calls)
    insert(con, "forecast", "acme", [
        _forecast("2026-04-15 10:00:00", 10),  # actual 8: 1 − |10 − 8| / 10 = 0.8
        _forecast("2026-04-15 10:30:00", 5),  # actual 2: 1 − 3 / 5 = 0.4
        _forecast("2026-04-15 11:00:00", 0),  # actual 1, forecast 0: accuracy 0
        _forecast("2026-04-15 11:30:00", 4),  # actual 0: weight 0
    ])  # fmt: skip
    ready(con)
    # (8 × 0.8 + 2 × 0.4 + 1 × 0 + 0) / (8 + 2 + 1 + 0) = (6.4 + 0.8) / 11 = 7.2 / 11
    assert one(con)["forecast_accuracy"] == pytest.approx(7.2 / 11)
    by_program = kpis(con, vendors=["acme"], by_program=True)
    assert by_program["forecast_accuracy"].to_list() == [pytest.approx(7.2 / 11)]


def test_actual_far_above_forecast_scores_zero_not_negative() -> None:
    con = new_db()
    add_vendor(con, "acme")
    insert(con, "calls", "acme", [call(f"a{i}", arrived_at=f"2026-04-15 10:{i:02d}:00") for i in range(5)])
    insert(con, "forecast", "acme", [_forecast("2026-04-15 10:00:00", 2)])
    ready(con)
    assert one(con)["forecast_accuracy"] == 0.0  # 1 − |2 − 5| / 2 = −0.5, floored at 0


def test_interval_reports_nest_in_the_forecast_intervals() -> None:
    con = new_db()
    add_vendor(con, "acme")
    insert(con, "intervals", "acme", [
        interval("2026-04-15 10:00:00", answered=6, answered_in_sl=5, abandoned=1, self_service=1),
        interval("2026-04-15 10:15:00", answered=3, answered_in_sl=3, blocked=4),  # blocked: not offered
    ])  # fmt: skip
    insert(con, "forecast", "acme", [_forecast("2026-04-15 10:00:00", 12)])
    ready(con)
    # actual offered in 10:00-10:30 = (6 + 1 + 1) + 3 = 11; 1 − |12 − 11| / 12 = 11/12, weight 11
    assert one(con)["forecast_accuracy"] == pytest.approx(11 / 12)


def test_without_a_forecast_accuracy_is_unknown_with_the_reason() -> None:
    con = new_db()
    add_vendor(con, "acme")
    insert(con, "calls", "acme", [call("a1")])
    ready(con)
    assert one(con)["forecast_accuracy"] is None
    assert notes(con)["forecast_accuracy"] == "no forecast from the client"


VENDOR = """
name = "Acme"
country = "FR"
timezone = "Europe/Paris"
currency = "EUR"

[[exports]]
table = "calls"
files = "calls.csv"

[[exports]]
table = "forecast"
format = "mapped"
files = "forecast/*.csv"
delimiter = ";"
decimal = ","
timestamp_format = "%d.%m.%Y %H:%M"
columns.program = "Queue"
columns.interval_start = "Start"
columns.interval_s = "Length"
columns.forecast_offered = "Calls"
columns.forecast_aht_s = "AHT"
units = { forecast_aht_s = "min" }
"""


def _workspace(root: Path, forecast_text: str) -> Path:
    write(root / "scorecard.toml", 'base_currency = "EUR"\n')
    write(root / "acme" / "vendor.toml", VENDOR)
    calls = "call_id,program,arrived_at,outcome,wait_s,talk_s\n" + "".join(
        f"c{i},Billing,2026-04-15 09:{i:02d}:00,answered,5,200\n" for i in range(6)
    )
    write(root / "acme" / "calls.csv", calls)
    write(root / "acme" / "forecast" / "plan.csv", forecast_text)
    return root


PLAN = """\
Queue;Start;Length;Calls;AHT
Billing;15.04.2026 09:00;1800;7,5;5,5
Billing;15.04.2026 09:30;1800;4,0;5,5
"""


def test_a_forecast_in_the_client_s_own_layout_loads_and_a_changed_file_reloads(
    tmp_path: Path,
) -> None:
    ws = _workspace(tmp_path / "ws", PLAN)
    db = tmp_path / "s.duckdb"
    assert ingest(ws, db).problems == []
    with duckdb.connect(str(db), read_only=True) as con:
        rows = con.sql(
            "select program, interval_start_local, interval_s, forecast_offered, forecast_aht_s, source_row "
            "from raw_forecast order by source_row"
        ).fetchall()
        assert [(r[0], str(r[1]), r[2], r[3], r[4], r[5]) for r in rows] == [
            ("Billing", "2026-04-15 09:00:00", 1800, 7.5, 330.0, 2),  # "7,5" calls, "5,5" min of AHT
            ("Billing", "2026-04-15 09:30:00", 1800, 4.0, 330.0, 3),
        ]
        # 6 calls at 09:00-09:05 against 7.5: 1 − 1.5 / 7.5 = 0.8, weight 6; 09:30 got none (weight 0)
        assert one(con)["forecast_accuracy"] == pytest.approx(0.8)
    write(ws / "acme" / "forecast" / "plan.csv", PLAN.replace("7,5", "6,0"))
    report = ingest(ws, db)
    assert [(f.table, f.status) for f in report.files if f.table == "forecast"] == [("forecast", "replaced")]
    with duckdb.connect(str(db), read_only=True) as con:
        assert one(con)["forecast_accuracy"] == 1.0  # 6 calls against 6.0


def test_a_negative_forecast_rejects_the_file_naming_line_and_column(tmp_path: Path) -> None:
    ws = _workspace(tmp_path / "ws", PLAN.replace("4,0", "-4,0"))
    report = ingest(ws, tmp_path / "s.duckdb")
    (bad,) = [f for f in report.files if f.table == "forecast"]
    assert bad.status == "rejected"
    assert "forecast_offered" in bad.message and "must be ≥ 0" in bad.message and "-4.0" in bad.message
    assert "line 3" in bad.message
