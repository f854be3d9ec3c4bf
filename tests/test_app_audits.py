"""The Data page runs the data audits for an admin and names a broken rule with its first row."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
from conftest import unmarked
from streamlit.testing.v1 import AppTest

from scorecard.ingest import run as load
from scorecard.sql import audits

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "tests" / "fixtures" / "app_ws"


def _data_page(ws: Path, db: Path, monkeypatch) -> AppTest:
    monkeypatch.setenv("SCORECARD_WORKSPACE", str(ws))
    monkeypatch.setenv("SCORECARD_DB", str(db))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.run()
    return at.switch_page("app_pages/data.py").run()


def _run_audits(at: AppTest) -> AppTest:
    return next(b for b in at.button if b.label == "Run the data audits").click().run()


def test_the_data_page_runs_the_audits_and_names_a_broken_rule(tmp_path, monkeypatch) -> None:
    ws = tmp_path / "ws"
    shutil.copytree(FIXTURE, ws, ignore=shutil.ignore_patterns("*.py", "__pycache__", "*.duckdb*"))
    db = ws / ".scorecard.duckdb"
    assert load.ingest(ws, db).ok
    at = _run_audits(_data_page(ws, db, monkeypatch))
    assert not at.exception
    every = len(audits.audit_names())  # the audits of queries/audits (9 when this was written)
    assert [s.value.split(", in ")[0] for s in at.success if "audit" in s.value] == [
        f"Every audit passed ({every})"
    ]

    # a program other than the ingest writes one of north's calls again as if from another file
    con = duckdb.connect(str(db))
    con.execute(
        "insert into raw_calls select * replace ('north/calls/copy.csv' as source_file) from raw_calls "
        "where vendor_id = 'north' order by call_id limit 1"
    ).fetchall()
    con.close()
    at = _run_audits(_data_page(ws, db, monkeypatch))
    warned = [unmarked(w.value) for w in at.warning if "audits fail" in unmarked(w.value)]
    assert len(warned) == 1
    assert warned[0].startswith(f"1 of {every} audits fail:")
    assert "assert_calls_unique_per_vendor: 1 row breaks the rule" in warned[0]
