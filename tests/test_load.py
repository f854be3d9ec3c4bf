"""Ingest: provenance, UTC + local time, idempotence, atomic replacement, rejection without loss."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import duckdb
import pytest
from conftest import write
from typer.testing import CliRunner

from scorecard.cli import app
from scorecard.ingest.run import ingest
from scorecard.metrics.kpis import kpis


def _rows(db: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_loads_rows_with_provenance_and_local_time(workspace: Path, tmp_path: Path) -> None:
    db = tmp_path / "s.duckdb"
    report = ingest(workspace, db)
    assert report.ok
    assert [(f.path, f.status, f.rows) for f in report.files] == [
        ("acme/calls/2026-04.csv", "loaded", 3),
        ("acme/costs.csv", "loaded", 1),
    ]
    rows = _rows(
        db, "select call_id, source_file, source_row, arrived_at, arrived_at_local from raw_calls order by 1"
    )
    # 23:30 in Paris on 15 April is CEST (UTC+2): 21:30 UTC, local date still the 15th.
    assert rows[0] == (
        "c1",
        "acme/calls/2026-04.csv",
        2,  # the line in the file: the header is line 1
        datetime(2026, 4, 15, 21, 30),
        datetime(2026, 4, 15, 23, 30),
    )
    assert [r[2] for r in rows] == [2, 3, 4]
    log = _rows(
        db, 'select path, vendor_id, "table", format, rows, status, length(sha256) from ingest_log order by 1'
    )
    assert log == [
        ("acme/calls/2026-04.csv", "acme", "calls", "canonical", 3, "loaded", 64),
        ("acme/costs.csv", "acme", "costs", "canonical", 1, "loaded", 64),
    ]
    assert _rows(db, "select vendor_id, name, timezone, currency from vendors") == [
        ("acme", "Acme Contact", "Europe/Paris", "EUR")
    ]
    assert _rows(db, "select base_currency, sl_threshold_s, short_abandon_s, sl_variant from settings") == [
        ("EUR", 20.0, 5.0, "negative")
    ]


def test_same_files_twice_load_once(workspace: Path, tmp_path: Path) -> None:
    db = tmp_path / "s.duckdb"
    ingest(workspace, db)
    report = ingest(workspace, db)
    assert [(f.status, f.rows) for f in report.files] == [("unchanged", 3), ("unchanged", 1)]
    assert _rows(db, "select count(*) from raw_calls") == [(3,)]
    assert _rows(db, "select count(*) from ingest_log") == [(2,)]


def test_changed_file_replaces_its_rows(workspace: Path, tmp_path: Path) -> None:
    db = tmp_path / "s.duckdb"
    ingest(workspace, db)
    write(
        workspace / "acme" / "calls" / "2026-04.csv",
        """
        call_id,program,arrived_at,outcome,wait_s,talk_s,hold_s,acw_s,transferred,resolved
        c9,sales,2026-04-16 09:00:00,answered,5,60,0,10,false,true
        """,
    )
    report = ingest(workspace, db)
    assert [(f.path, f.status, f.rows) for f in report.files] == [
        ("acme/calls/2026-04.csv", "replaced", 1),
        ("acme/costs.csv", "unchanged", 1),
    ]
    assert _rows(db, "select call_id from raw_calls") == [("c9",)]


def test_broken_file_loads_nothing_keeps_old_rows_and_others_load(workspace: Path, tmp_path: Path) -> None:
    db = tmp_path / "s.duckdb"
    ingest(workspace, db)
    write(
        workspace / "acme" / "calls" / "2026-04.csv",
        """
        call_id,program,arrived_at,outcome,wait_s,talk_s,hold_s,acw_s,transferred,resolved
        c1,sales,2026-04-15 23:30:00,answered,ten,100,0,20,false,true
        c2,sales,2026-04-15 10:00:00,dropped,0,0,0,0,false,
        """,
    )
    write(
        workspace / "acme" / "costs.csv",
        "period_start,period_end,amount,kind\n2026-04-01,2026-04-30,3300,invoice\n",
    )
    report = ingest(workspace, db)
    assert not report.ok
    calls, costs = report.files
    assert (calls.status, costs.status) == ("rejected", "replaced")
    assert calls.message.splitlines() == [
        "acme/calls/2026-04.csv: 2 problem(s); nothing from this file was loaded into 'calls'.",
        "  line 2, column 'wait_s', value 'ten': not a number",
        "  line 3, column 'outcome', value 'dropped': "
        "must be one of: answered, abandoned, blocked, self_service",
        "Fix these rows in the export (or the reader options in vendor.toml) and ingest again.",
    ]
    # The three calls loaded before are still there; the cost file changed and was replaced.
    assert _rows(db, "select count(*) from raw_calls") == [(3,)]
    assert _rows(db, "select amount from raw_costs") == [(3300.0,)]
    assert _rows(db, "select status from ingest_log where path like '%calls%' order by file_id") == [
        ("loaded",),
        ("rejected",),
    ]


def test_same_call_id_in_two_files_names_both(workspace: Path, tmp_path: Path) -> None:
    write(
        workspace / "acme" / "calls" / "2026-05.csv",
        """
        call_id,program,arrived_at,outcome,wait_s,talk_s,hold_s,acw_s,transferred,resolved
        c7,sales,2026-05-02 09:00:00,answered,5,60,0,10,false,true
        c2,sales,2026-05-02 09:01:00,answered,5,60,0,10,false,true
        """,
    )
    report = ingest(workspace, tmp_path / "s.duckdb")
    rejected = [f for f in report.files if f.status == "rejected"]
    assert [f.path for f in rejected] == ["acme/calls/2026-05.csv"]
    assert rejected[0].message.splitlines()[:2] == [
        "acme/calls/2026-05.csv: 1 problem(s); nothing from this file was loaded into 'calls'.",
        "  line 3, column 'call_id', value 'c2': already loaded for vendor 'acme' from "
        "acme/calls/2026-04.csv (line 3)",
    ]


def test_an_invoice_sent_again_in_a_second_file_is_refused_credits_add_up(
    workspace: Path, tmp_path: Path
) -> None:
    # A vendor sends April's invoice (3,000) in costs.csv, then a "corrected" file with April's invoice
    # again (3,300) and a credit note. Loading both would bill April 6,300: the second file is refused,
    # naming the first; a credit note alone in a second file adds up (3,000 − 120 = 2,880).
    path = workspace / "acme" / "vendor.toml"
    path.write_text(path.read_text().replace('files = "costs.csv"', 'files = "costs*.csv"'))
    write(
        workspace / "acme" / "costs_corrected.csv",
        """
        period_start,period_end,amount,kind
        2026-04-01,2026-04-30,3300,invoice
        2026-04-01,2026-04-30,-120,credit
        """,
    )
    report = ingest(workspace, tmp_path / "s.duckdb")
    rejected = [f for f in report.files if f.status == "rejected"]
    assert [f.path for f in rejected] == ["acme/costs_corrected.csv"]
    assert rejected[0].message.splitlines()[1] == (
        "  line 2, column 'period_start, period_end, kind, per', value ('2026-04-01', '2026-04-30', "
        "'invoice', ''): already loaded for vendor 'acme' from acme/costs.csv (line 2)"
    )
    assert _rows(tmp_path / "s.duckdb", "select sum(amount) from raw_costs") == [(3000.0,)]
    # the check gives the same verdict without loading anything
    checked = CliRunner().invoke(app, ["check", str(workspace)])
    assert checked.exit_code == 1 and "costs_corrected.csv" in checked.output

    write(
        workspace / "acme" / "costs_corrected.csv",
        """
        period_start,period_end,amount,kind
        2026-04-01,2026-04-30,-120,credit
        """,
    )
    assert ingest(workspace, tmp_path / "s.duckdb").ok
    assert _rows(tmp_path / "s.duckdb", "select sum(amount) from raw_costs") == [(2880.0,)]


def test_missing_fx_rate_is_reported(workspace: Path, tmp_path: Path) -> None:
    path = workspace / "acme" / "vendor.toml"
    path.write_text(path.read_text().replace('currency = "EUR"', 'currency = "HUF"'))
    report = ingest(workspace, tmp_path / "s.duckdb")
    assert all(f.status == "loaded" for f in report.files)
    assert len(report.problems) == 1
    assert "HUF" in report.problems[0] and "2026-04" in report.problems[0]


def test_cli_ingest_exit_codes_and_messages(workspace: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    db = tmp_path / "s.duckdb"
    ok = runner.invoke(app, ["ingest", str(workspace), "--db", str(db), "--quiet"])
    assert ok.exit_code == 0, ok.output
    assert "2 file(s): 2 loaded." in ok.output
    write(
        workspace / "acme" / "costs.csv",
        "period_start,period_end,amount,kind\n2026-04-01,2026-03-30,1,invoice\n",
    )
    bad = runner.invoke(app, ["ingest", str(workspace), "--db", str(db), "--quiet"])
    assert bad.exit_code == 1
    assert "line 2, column 'period_end', value '2026-03-30': must be on or after period_start" in bad.output
    assert "Traceback" not in bad.output


def test_cli_bad_workspace_is_a_message_not_a_traceback(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["ingest", str(tmp_path / "nope"), "--db", str(tmp_path / "s.duckdb")])
    assert result.exit_code == 1
    assert result.output.strip() == f"Error: Workspace folder {tmp_path / 'nope'} does not exist."


@pytest.mark.parametrize(
    ("header", "row", "expected"),
    [
        # ISO 8601 with an offset is an instant: 08:00+05:00 = 03:00 UTC = 05:00 in Paris (CEST).
        (
            "arrived_at",
            "2026-04-15T08:00:00+05:00",
            (datetime(2026, 4, 15, 3, 0), datetime(2026, 4, 15, 5, 0)),
        ),
        # Winter time: 23:30 in Paris on 15 January is UTC+1: 22:30 UTC.
        ("arrived_at", "2026-01-15 23:30:00", (datetime(2026, 1, 15, 22, 30), datetime(2026, 1, 15, 23, 30))),
    ],
)
def test_timestamps_with_offset_or_local(
    workspace: Path, tmp_path: Path, header: str, row: str, expected: tuple
) -> None:
    write(
        workspace / "acme" / "calls" / "2026-04.csv",
        f"call_id,program,{header},outcome,wait_s,talk_s,hold_s,acw_s,transferred,resolved\n"
        f"x1,sales,{row},answered,5,60,0,10,false,true\n",
    )
    db = tmp_path / "s.duckdb"
    ingest(workspace, db)
    assert _rows(db, "select arrived_at, arrived_at_local from raw_calls") == [expected]


def _service_level(db: Path) -> float | None:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return kpis(con)["service_level"][0]
    finally:
        con.close()


def test_materialised_components_follow_settings_and_data(workspace: Path, tmp_path: Path) -> None:
    db = tmp_path / "s.duckdb"
    ingest(workspace, db)
    # c1 answered after 10 s, c3 abandoned after 3 s (short): 1 answered within 20 s / (2 queued − 1 short)
    assert _service_level(db) == 1.0
    built = _rows(db, "select queries_sha256 from mart_build")
    ingest(workspace, db)  # nothing changed: the stored components are kept
    assert _rows(db, "select queries_sha256 from mart_build") == built
    write(workspace / "scorecard.toml", 'base_currency = "EUR"\nsl_threshold_s = 5\n')
    ingest(workspace, db)  # the threshold changed: 10 s > 5 s, so 0 answered within T / 1
    assert _service_level(db) == 0.0
    write(
        workspace / "acme" / "calls" / "2026-04.csv",
        """
        call_id,program,arrived_at,outcome,wait_s,talk_s,hold_s,acw_s,transferred,resolved
        c1,sales,2026-04-15 23:30:00,answered,4,100,0,20,false,true
        """,
    )
    ingest(workspace, db)  # the data changed: 4 s ≤ 5 s, 1 answered within T / 1 queued
    assert _service_level(db) == 1.0
