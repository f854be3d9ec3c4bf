"""The materialised daily components stay equal to a whole rebuild however the ingest reached them:
vendor by vendor after a file changes, for every vendor after a setting changes, and after an
interrupted ingest."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest
from conftest import write
from typer.testing import CliRunner

from scorecard.cli import app
from scorecard.ingest.run import ingest
from scorecard.metrics.kpis import kpis
from scorecard.sql import views

MATERIALISED = ("int_call_days", "mart_program_days", "mart_vendor_days")
VENDOR = """
name = "{name}"
country = "FR"
timezone = "Europe/Paris"
currency = "EUR"

[[exports]]
table = "calls"
files = "calls/*.csv"
"""
HEADER = "call_id,program,arrived_at,outcome,wait_s,talk_s,hold_s,acw_s,transferred,resolved,caller_key\n"
# acme: caller k1 answered on 1 Apr 10:00 and calls again 3 days later (repeat within 7 days, not
# within 1 day); k2 answered once. bolt: k1 (another vendor's caller, no link to acme's) answered twice,
# 10 days apart.
ACME = HEADER + (
    "a1,sales,2026-04-01 10:00:00,answered,10,100,0,20,false,true,k1\n"
    "a2,sales,2026-04-04 10:00:00,abandoned,30,0,0,0,false,,k1\n"
    "a3,care,2026-04-02 09:00:00,answered,5,60,0,10,false,false,k2\n"
)
BOLT = HEADER + (
    "b1,sales,2026-04-01 10:00:00,answered,25,90,0,15,false,true,k1\n"
    "b2,sales,2026-04-11 10:00:00,answered,15,80,0,15,false,true,k1\n"
)


@pytest.fixture
def two_vendors(tmp_path: Path) -> Path:
    root = tmp_path / "ws"
    write(root / "scorecard.toml", 'base_currency = "EUR"\nfcr_method = "repeat"\n')
    for vendor, calls in (("acme", ACME), ("bolt", BOLT)):
        write(root / vendor / "vendor.toml", VENDOR.format(name=vendor.title()))
        write(root / vendor / "calls" / "2026-04.csv", calls)
    return root


def _tables(db: Path) -> dict[str, list[tuple]]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return {t: con.execute(f"select * from {t} order by all").fetchall() for t in MATERIALISED}
    finally:
        con.close()


def _rebuilt_whole(db: Path, tmp_path: Path) -> dict[str, list[tuple]]:
    """The same tables after a whole rebuild, on a copy of the database."""
    copy = tmp_path / "whole.duckdb"
    shutil.copy(db, copy)
    con = duckdb.connect(str(copy))
    try:
        views.apply_views(con, refresh_tables=True)
    finally:
        con.close()
    return _tables(copy)


def _repeat_fcr(db: Path) -> dict[str, float]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        frame = kpis(con)
    finally:
        con.close()
    return dict(zip(frame["vendor_id"], frame["fcr_rate_repeat"], strict=True))


def test_a_changed_file_refreshes_its_vendor_only(two_vendors: Path, tmp_path: Path) -> None:
    db = tmp_path / "s.duckdb"
    first = ingest(two_vendors, db)
    assert first.ok and 0 < first.build_seconds <= first.seconds
    # acme: a1 repeated (a2 3 days later), a3 resolved -> 1/2; bolt: b1 resolved (b2 10 days later), b2 -> 2/2
    assert _repeat_fcr(db) == {"acme": 0.5, "bolt": 1.0}
    before = _tables(db)
    # bolt's second call moves to 5 days after the first: b1 becomes a repeat -> 1/2
    write(two_vendors / "bolt" / "calls" / "2026-04.csv", BOLT.replace("2026-04-11", "2026-04-06"))
    assert [f.status for f in ingest(two_vendors, db).files] == ["unchanged", "replaced"]
    assert _repeat_fcr(db) == {"acme": 0.5, "bolt": 0.5}
    after = _tables(db)
    acme_rows = [r for r in after["int_call_days"] if r[0] == "acme"]
    assert acme_rows == [r for r in before["int_call_days"] if r[0] == "acme"]
    assert after == _rebuilt_whole(db, tmp_path)


def test_a_changed_setting_refreshes_every_vendor(two_vendors: Path, tmp_path: Path) -> None:
    db = tmp_path / "s.duckdb"
    ingest(two_vendors, db)
    write(
        two_vendors / "scorecard.toml", 'base_currency = "EUR"\nfcr_method = "repeat"\nfcr_repeat_days = 1\n'
    )
    ingest(two_vendors, db)
    # with a 1-day window no call has a repeat: acme 2/2, bolt 2/2
    assert _repeat_fcr(db) == {"acme": 1.0, "bolt": 1.0}
    assert _tables(db) == _rebuilt_whole(db, tmp_path)


def test_a_vendor_removed_from_the_workspace_is_rebuilt_like_a_whole_build(
    two_vendors: Path, tmp_path: Path
) -> None:
    db = tmp_path / "s.duckdb"
    ingest(two_vendors, db)
    shutil.rmtree(two_vendors / "bolt")
    ingest(two_vendors, db)
    assert _tables(db) == _rebuilt_whole(db, tmp_path)


def test_an_interrupted_ingest_is_rebuilt_whole_next_time(two_vendors: Path, tmp_path: Path) -> None:
    db = tmp_path / "s.duckdb"
    ingest(two_vendors, db)
    expected = _tables(db)
    con = duckdb.connect(str(db))
    try:  # what an ingest killed between a file's commit and the end of its build leaves behind
        views.invalidate_marts(con)
        con.execute("delete from int_call_days where vendor_id = 'acme'").fetchall()
        assert views.marts_stale(con)
    finally:
        con.close()
    # meanwhile a reader computes from the raw calls instead of the stale tables: acme still 1/2
    assert _repeat_fcr(db) == {"acme": 0.5, "bolt": 1.0}
    report = ingest(two_vendors, db)
    assert [f.status for f in report.files] == ["unchanged", "unchanged"]
    assert _tables(db) == expected
    con = duckdb.connect(str(db), read_only=True)
    try:
        assert not views.marts_stale(con)
    finally:
        con.close()


def test_nothing_changed_builds_nothing(two_vendors: Path, tmp_path: Path) -> None:
    db = tmp_path / "s.duckdb"
    ingest(two_vendors, db)
    again = ingest(two_vendors, db)
    assert again.build_seconds == 0.0


def test_loading_without_building_reads_live_and_the_next_build_catches_up(
    two_vendors: Path, tmp_path: Path
) -> None:
    db = tmp_path / "s.duckdb"
    ingest(two_vendors, db)
    write(two_vendors / "bolt" / "calls" / "2026-04.csv", BOLT.replace("2026-04-11", "2026-04-06"))
    loaded = ingest(two_vendors, db, build=False)
    assert [f.status for f in loaded.files] == ["unchanged", "replaced"] and not loaded.built
    assert _repeat_fcr(db) == {"acme": 0.5, "bolt": 0.5}  # b1 now a repeat, read from the raw calls
    built = ingest(two_vendors, db)
    assert built.build_seconds > 0
    assert _repeat_fcr(db) == {"acme": 0.5, "bolt": 0.5}
    assert _tables(db) == _rebuilt_whole(db, tmp_path)


def test_cli_ingest_reports_its_time_and_can_skip_the_build(two_vendors: Path, tmp_path: Path) -> None:
    db = tmp_path / "s.duckdb"
    out = CliRunner().invoke(app, ["ingest", str(two_vendors), "--db", str(db), "--quiet", "--no-build"])
    assert out.exit_code == 0, out.output
    assert "2 file(s): 2 loaded." in out.output
    assert "The daily components were not built (--no-build)" in out.output
    con = duckdb.connect(str(db), read_only=True)
    try:
        assert views.marts_stale(con)
    finally:
        con.close()
