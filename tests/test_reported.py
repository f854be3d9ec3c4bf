"""Vendor-reported KPIs against ours recomputed over the same days (scorecard.metrics.reported) and
`scorecard kpis --compare-reported`.

acme call records (T = 20 s, short abandons < 5 s):
  2026-04-06 (Mon)  a1 answered w10 sales, a2 answered w30 support
  2026-04-08        a3 answered w5 sales,  a4 abandoned w40 sales
  2026-04-13        a5 answered w10 sales
beta: one answered call on 2026-04-07 and no reported figures.
acme's reported figures (reported.csv rows 1-6):
  1  (all)    04-06..04-12  service_level     0.90   ours 2 in SL / 4 queued = 0.5
  2  sales    04-06..04-12  service_level     0.80   ours a1, a3 in SL / a1, a3, a4 = 2 / 3
  3  (all)    04-08..04-13  asa_s            12.0    ours (5 + 10) / 2 answered = 7.5
  4  (all)    04-06..04-06  abandon_rate      0.0    ours 0 / 2 queued = 0.0
  5  (all)    04-06..04-12  occupancy_custom  0.75   not a KPI of ours: no recomputed value
  6  billing  04-06..04-12  service_level     0.95   no such program: no recomputed value
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import pytest
from kpi_fixtures import add_vendor, call, insert, new_db
from typer.testing import CliRunner

from scorecard.cli import app
from scorecard.metrics import kpis
from scorecard.metrics.reported import COLUMNS, calendar_period, reported_kpis, reported_vs_recomputed

D = date.fromisoformat
SL_DEF = "answered in 20 s / answered"
REPORTED = [
    (1, None, "2026-04-06", "2026-04-12", "service_level", 0.9, SL_DEF),
    (2, "sales", "2026-04-06", "2026-04-12", "service_level", 0.8, SL_DEF),
    (3, None, "2026-04-08", "2026-04-13", "asa_s", 12.0, "talk-time-weighted wait"),
    (4, None, "2026-04-06", "2026-04-06", "abandon_rate", 0.0, None),
    (5, None, "2026-04-06", "2026-04-12", "occupancy_custom", 0.75, "vendor's own"),
    (6, "billing", "2026-04-06", "2026-04-12", "service_level", 0.95, None),
]


@pytest.fixture(scope="module")
def db_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("reported") / "scorecard.duckdb"
    con = new_db(path)
    add_vendor(con, "acme")
    add_vendor(con, "beta")
    insert(con, "calls", "acme", [
        call("a1", "answered", 10, arrived_at="2026-04-06 09:00:00"),
        call("a2", "answered", 30, arrived_at="2026-04-06 10:00:00", program="support"),
        call("a3", "answered", 5, arrived_at="2026-04-08 09:00:00"),
        call("a4", "abandoned", 40, arrived_at="2026-04-08 09:30:00"),
        call("a5", "answered", 10, arrived_at="2026-04-13 09:00:00"),
    ])  # fmt: skip
    insert(con, "calls", "beta", [call("b1", "answered", 10, arrived_at="2026-04-07 09:00:00")])
    con.executemany(
        "insert into reported_kpis values ('acme', 'test', 'reported.csv', ?, ?, ?, ?, ?, ?, ?)",
        [list(r) for r in REPORTED],
    )
    con.close()  # no views: the library and the command apply their own
    return path


@pytest.fixture
def con(db_path: Path) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(str(db_path), read_only=True)
    yield con
    con.close()


def _compact(frame: Any) -> list[tuple]:
    """source_row, recomputed, difference (rounded to 9 places) per row."""
    return [
        (r["source_row"], *(None if r[c] is None else round(r[c], 9) for c in ("recomputed", "difference")))
        for r in frame.iter_rows(named=True)
    ]


def test_each_reported_figure_next_to_ours(con: duckdb.DuckDBPyConnection) -> None:
    frame = reported_vs_recomputed(con)
    assert frame.columns == list(COLUMNS)
    # vendor, period, program (all first), kpi: rows 4, 5, 1, 6, 2, 3
    assert _compact(frame) == [
        (4, 0.0, 0.0),  # 0 abandoned / 2 queued on 04-06
        (5, None, None),  # occupancy_custom is not one of our KPIs
        (1, 0.5, 0.4),  # 2 in SL (a1, a3) / 4 queued; 0.9 - 0.5
        (6, None, None),  # acme has no billing program
        (2, round(2 / 3, 9), round(0.8 - 2 / 3, 9)),  # sales: a1, a3 in SL / a1, a3, a4
        (3, 7.5, 4.5),  # (5 + 10) / 2 answered over 04-08..04-13; 12 - 7.5
    ]
    first = frame.row(2, named=True)
    assert (first["program"], first["period_start"], first["period_end"], first["definition"]) == (
        None,
        D("2026-04-06"),
        D("2026-04-12"),
        SL_DEF,
    )
    assert (first["source_file"], first["source_row"]) == ("reported.csv", 1)


def test_scope_and_limit(con: duckdb.DuckDBPyConnection) -> None:
    # Periods overlapping [04-13, open): only 04-08..04-13.
    assert _compact(reported_vs_recomputed(con, start=D("2026-04-13"))) == [(3, 7.5, 4.5)]
    # Periods overlapping (open, 04-06]: all but 04-08..04-13.
    assert [r[0] for r in _compact(reported_vs_recomputed(con, end=D("2026-04-06")))] == [4, 5, 1, 6, 2]
    assert reported_vs_recomputed(con, vendors=["beta"]).is_empty()
    # limit = the latest periods (by end, then start): 04-08..04-13, then 04-06..04-12.
    assert [r[0] for r in _compact(reported_vs_recomputed(con, limit=1))] == [3]
    assert [r[0] for r in _compact(reported_vs_recomputed(con, limit=2))] == [5, 1, 6, 2, 3]
    assert reported_kpis(con, ["acme"], D("2026-04-07"), D("2026-04-07"))["source_row"].to_list() == [
        5,
        1,
        6,
        2,
    ]


def test_calendar_periods_share_one_query(con: duckdb.DuckDBPyConnection, monkeypatch) -> None:
    calls: list[tuple] = []
    real = kpis.kpis

    def counting(con: duckdb.DuckDBPyConnection, grain: str, **kwargs: Any) -> Any:
        calls.append((grain, kwargs["by_program"], kwargs["start"], kwargs["end"]))
        return real(con, grain, **kwargs)

    monkeypatch.setattr(kpis, "kpis", counting)
    reported_vs_recomputed(con)
    assert sorted(calls) == [
        ("all", False, D("2026-04-08"), D("2026-04-13")),  # not a calendar period
        ("day", False, D("2026-04-06"), D("2026-04-06")),
        ("week", False, D("2026-04-06"), D("2026-04-12")),  # rows 1 and 5
        ("week", True, D("2026-04-06"), D("2026-04-12")),  # rows 2 and 6 carry a program
    ]


def test_calendar_period() -> None:
    assert calendar_period(D("2026-04-06"), D("2026-04-06")) == ("day", "2026-04-06")
    assert calendar_period(D("2026-04-06"), D("2026-04-12")) == ("week", "2026-W15")  # Mon..Sun
    assert calendar_period(D("2025-12-29"), D("2026-01-04")) == ("week", "2026-W01")  # ISO year
    assert calendar_period(D("2026-04-01"), D("2026-04-30")) == ("month", "2026-04")
    assert calendar_period(D("2026-04-01"), D("2026-06-30")) == ("quarter", "2026-Q2")
    assert calendar_period(D("2026-01-01"), D("2026-12-31")) == ("year", "2026")
    assert calendar_period(D("2026-04-07"), D("2026-04-13")) == ("all", "all")  # Tue..Mon
    assert calendar_period(D("2026-04-01"), D("2026-05-31")) == ("all", "all")


def _run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, ["kpis", *args])
    return result.exit_code, result.stdout, result.stderr


def test_cli_compare_reported_table(db_path: Path) -> None:
    code, out, err = _run("--db", str(db_path), "--compare-reported")
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0].startswith("Definitions: service_level = negative: ")
    assert lines[1] == ""
    assert [" ".join(line.split()) for line in lines[2:]] == [
        "vendor program period kpi reported recomputed difference definition",
        " ".join("-" * n for n in (6, 7, 23, 16, 8, 10, 10, 27)),
        "acme (all) 2026-04-06 – 2026-04-06 abandon_rate 0.0% 0.0% +0.0 pp —",
        "acme (all) 2026-04-06 – 2026-04-12 occupancy_custom 0.75 — — vendor's own",
        f"acme (all) 2026-04-06 – 2026-04-12 service_level 90.0% 50.0% +40.0 pp {SL_DEF}",
        "acme billing 2026-04-06 – 2026-04-12 service_level 95.0% — — —",
        f"acme sales 2026-04-06 – 2026-04-12 service_level 80.0% 66.7% +13.3 pp {SL_DEF}",  # 0.8 - 2/3
        "acme (all) 2026-04-08 – 2026-04-13 asa_s 12.0 s 7.5 s +4.5 s talk-time-weighted wait",
    ]
    # numbers are right-aligned under their header
    assert lines[4].index("0.0%") + len("0.0%") == lines[2].index("reported") + len("reported")


def test_cli_compare_reported_csv_and_json(db_path: Path) -> None:
    code, out, _ = _run("--db", str(db_path), "--compare-reported", "--format", "csv", "--vendor", "acme")
    assert code == 0
    header, *rows = out.splitlines()
    assert header.split(",") == list(COLUMNS)
    assert rows[2] == f"acme,,2026-04-06,2026-04-12,service_level,0.9,0.5,0.4,{SL_DEF},reported.csv,1"
    code, out, _ = _run("--db", str(db_path), "--compare-reported", "--format", "json")
    assert code == 0
    records = json.loads(out)
    assert records[5] == {
        "vendor_id": "acme",
        "program": None,
        "period_start": "2026-04-08",
        "period_end": "2026-04-13",
        "kpi": "asa_s",
        "reported": 12.0,
        "recomputed": 7.5,
        "difference": 4.5,
        "definition": "talk-time-weighted wait",
        "source_file": "reported.csv",
        "source_row": 3,
    }


def test_cli_compare_reported_without_figures_and_mistakes(db_path: Path) -> None:
    code, out, _ = _run("--db", str(db_path), "--compare-reported", "--vendor", "beta")
    assert code == 0
    assert out.splitlines()[2] == (
        "No vendor-reported KPIs in the database for the vendors asked "
        "(only some export formats carry the vendor's own figures)."
    )
    code, out, err = _run("--db", str(db_path), "--compare-reported", "--grain", "week")
    assert (code, out) == (1, "")
    assert err == (
        "Error: --compare-reported compares each reported figure over its own period and program; "
        "drop --grain and --by-program.\n"
    )
    code, _, err = _run("--db", str(db_path), "--compare-reported", "--vendor", "zeta")
    assert code == 1
    assert err == f"Error: Unknown vendor 'zeta' in --vendor; vendors in {db_path}: acme, beta.\n"
