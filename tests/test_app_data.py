"""The Data page (AppTest): the ingest log, and an upload that is validated before anything is committed."""

from __future__ import annotations

import shutil
from pathlib import Path

import polars as pl
import pytest
from conftest import REPO_DATA, unmarked
from docs_blocks import toml_block
from streamlit.testing.v1 import AppTest

from scorecard.ingest import db
from scorecard.ingest import run as load

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "tests" / "fixtures" / "app_ws"
SF = REPO_DATA / "sf_hss_monthly" / "Call_Center_Metrics_for_the_Health_Service_System.csv"
HEADER = "call_id,program,arrived_at,outcome,wait_s,talk_s,hold_s,acw_s,transferred,resolved,agent_id\n"
BAD = (
    HEADER
    + "x1,support,2026-04-20 09:00:00,answered,5,100,0,20,false,true,north-a1\n"
    + "x2,support,2026-04-20 09:05:00,exploded,5,0,0,0,false,,\n"
    + "x3,support,2026-04-20 09:10:00,abandoned,-4,0,0,0,false,,\n"
)
GOOD = (
    HEADER
    + "x1,support,2026-04-20 09:00:00,answered,5,100,0,20,false,true,north-a1\n"
    + "x2,support,2026-04-20 09:05:00,abandoned,30,0,0,0,false,,\n"
)


@pytest.fixture
def workspace(tmp_path, monkeypatch) -> Path:
    """A fresh, ingested copy of the fixture workspace per test (the tests change it)."""
    ws = tmp_path / "ws"
    shutil.copytree(FIXTURE, ws, ignore=shutil.ignore_patterns("*.py", "__pycache__", "*.duckdb*"))
    assert load.ingest(ws, ws / ".scorecard.duckdb").ok
    monkeypatch.setenv("SCORECARD_WORKSPACE", str(ws))
    monkeypatch.delenv("SCORECARD_DB", raising=False)
    return ws


def data_page() -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
    return at.switch_page("app_pages/data.py").run()


def snapshot(ws: Path) -> dict[str, float]:
    """Every file of the workspace with its modification time (the database included; not the access log
    in .scorecard/, which records the attempt)."""
    return {
        p.relative_to(ws).as_posix(): p.stat().st_mtime
        for p in sorted(ws.rglob("*"))
        if p.is_file() and ".scorecard" not in p.relative_to(ws).parts
    }


def log_rows(ws: Path) -> list[tuple]:
    con = db.connect(ws / ".scorecard.duckdb", read_only=True)
    try:
        return con.execute("select path, status, rows from ingest_log order by file_id").fetchall()
    finally:
        con.close()


def test_data_page_shows_the_workspace_and_its_ingest_log(workspace):
    at = data_page()
    assert not at.exception
    assert [(m.label, m.value) for m in at.metric] == [
        ("Vendors", "3"), ("Files loaded", "15"), ("Files rejected (latest attempt)", "0"),
        ("Files with warnings", "0"),
    ]  # fmt: skip
    files = pl.from_pandas(at.main.dataframe[0].value)
    assert sorted(zip(files["File"], files["Status"], files["Rows"], strict=True)) == sorted(
        log_rows(workspace)
    )
    assert "No file has rows loaded as incomplete or left out on purpose." in [
        c.value for c in at.main.caption
    ]
    history = pl.from_pandas(at.main.dataframe[1].value)  # every ingest, in the expander
    assert sorted(zip(history["path"], history["rows"], strict=True)) == sorted(
        (p, r) for p, _, r in log_rows(workspace)
    )


def _add_warnings(ws: Path) -> None:
    """Two survey non-responses for north (lines 107–108), and SF's monthly export through the docs'
    mapped example, whose `drop` leaves out the 5 months without an abandon count (first: line 22)."""
    with (ws / "north" / "surveys.csv").open("a", encoding="utf-8") as fh:
        fh.write("s90001,north-00001,2026-04-19 18:00:00,,\ns90002,north-00002,2026-04-19 18:05:00,,\n")
    sf = ws / "sf"
    sf.mkdir()
    shutil.copy(SF, sf / SF.name)
    heading = "Example: a monthly aggregate with a published abandonment rate"
    head = 'name = "SF Health Service System"\ntimezone = "America/Los_Angeles"\ncurrency = "USD"\n\n'
    (sf / "vendor.toml").write_text(head + toml_block("adapters.md", heading), encoding="utf-8")


def test_the_data_page_counts_each_files_warnings_by_rule(workspace):
    _add_warnings(workspace)
    assert load.ingest(workspace, workspace / ".scorecard.duckdb").ok  # warnings are not errors
    for round_ in ("after loading", "after an ingest that changed nothing"):
        at = data_page()
        assert not at.exception, round_
        assert at.metric[3].value == "2", round_
        files = pl.from_pandas(at.main.dataframe[0].value)
        warned = files.filter(pl.col("Warnings") != "").select("File", "Warnings").rows()
        assert warned == [
            ("north/surveys.csv", "2 row(s), 1 rule(s)"),
            ("sf/Call_Center_Metrics_for_the_Health_Service_System.csv", "5 row(s), 1 rule(s)"),
        ], round_
        table = pl.from_pandas(at.main.table[0].value).with_columns(pl.all().map_elements(unmarked))
        assert table.select("Vendor", "Rule", "Rows", "First line", "Example").rows() == [
            ("Northwind Contact", "survey_no_answer", "2", "107", "s90001"),
            ("SF Health Service System", "left_out_by_drop", "5", "22", "—"),
        ], round_
        # the message as text: no Markdown backticks in a table cell
        assert table["What"][1] == "left out by drop (Abandoned Calls is one of '')"
        assert "`" not in "".join(table["What"])
        assert load.ingest(workspace, workspace / ".scorecard.duckdb").ok

    shutil.rmtree(workspace / "sf")  # a vendor removed: its file is listed as removed, without warnings
    assert load.ingest(workspace, workspace / ".scorecard.duckdb").ok
    at = data_page()
    files = pl.from_pandas(at.main.dataframe[0].value)
    sf_file = files.filter(pl.col("File").str.starts_with("sf/")).select("Status", "Warnings").rows()
    assert sf_file == [("removed", "")]
    assert [unmarked(r) for r in at.main.table[0].value["Rule"]] == ["survey_no_answer"]


def test_a_rejected_file_shows_every_problem_and_changes_nothing(workspace):
    before, log_before = snapshot(workspace), log_rows(workspace)
    at = data_page()
    at.file_uploader[0].set_value(("2026-04-late.csv", BAD.encode(), "text/csv")).run()
    assert [unmarked(e.value) for e in at.error] == [
        "north/calls/2026-04-late.csv is rejected: 3 problem(s). Nothing was copied or loaded."
    ]
    failures = pl.from_pandas(at.main.dataframe[-1].value)
    assert failures.rows() == [
        (3, "outcome", "exploded", "must be one of: answered, abandoned, blocked, self_service"),
        (3, "wait_s", "5.0", "must be 0 for blocked and self_service calls"),
        (4, "wait_s", "-4.0", "must be ≥ 0"),
    ]
    assert not [b for b in at.button if b.label == "Load into the workspace"]
    assert snapshot(workspace) == before  # no file copied, no staging left behind, database untouched
    assert log_rows(workspace) == log_before


def test_a_valid_file_loads_only_on_the_load_button(workspace):
    at = data_page()
    at.file_uploader[0].set_value(("2026-04-late.csv", GOOD.encode(), "text/csv")).run()
    assert [unmarked(s.value) for s in at.success] == [
        "north/calls/2026-04-late.csv: 2 valid row(s) for table 'calls'. Nothing is loaded yet."
    ]
    assert not (workspace / "north" / "calls" / "2026-04-late.csv").exists()
    [load_button] = [b for b in at.button if b.label == "Load into the workspace"]
    load_button.click().run()
    assert not at.exception
    assert [unmarked(s.value) for s in at.success] == [
        "north/calls/2026-04-late.csv: loaded, 2 row(s). Every page now includes it."
    ]
    assert (workspace / "north" / "calls" / "2026-04-late.csv").read_text() == GOOD
    assert log_rows(workspace)[-1] == ("north/calls/2026-04-late.csv", "loaded", 2)
    assert at.file_uploader[0].value is None  # a fresh uploader for the next file


def test_a_new_vendor_gets_its_folder_and_vendor_toml_on_load(workspace):
    at = data_page()
    at.radio(key="_data_mode").set_value("A new vendor").run()
    inputs = {t.label: t for t in at.text_input}
    inputs["Vendor id (folder name)"].set_value("east")
    inputs["Name"].set_value("Eastgate Calls")
    inputs["Country (ISO code)"].set_value("DE")
    inputs["Time zone (IANA)"].set_value("Europe/Berlin")
    at.run()
    at.file_uploader[0].set_value(("week1.csv", GOOD.encode(), "text/csv")).run()
    assert [unmarked(s.value) for s in at.success] == [
        "east/calls/week1.csv: 2 valid row(s) for table 'calls'. Nothing is loaded yet."
    ]
    assert not (workspace / "east").exists()
    next(b for b in at.button if b.label == "Load into the workspace").click().run()
    assert (workspace / "east" / "vendor.toml").read_text() == (
        'name = "Eastgate Calls"\ncountry = "DE"\ntimezone = "Europe/Berlin"\ncurrency = "EUR"\n\n'
        '[[exports]]\ntable = "calls"\nformat = "canonical"\nfiles = "calls/*"\n'
    )
    assert log_rows(workspace)[-1] == ("east/calls/week1.csv", "loaded", 2)
    at.run()
    assert at.multiselect(key="_w_vendors").options == [
        "Eastgate Calls", "Northwind Contact", "Southgate BPO", "Westline Support",
    ]  # fmt: skip


def test_a_new_vendor_with_a_bad_time_zone_is_explained(workspace):
    at = data_page()
    at.radio(key="_data_mode").set_value("A new vendor").run()
    inputs = {t.label: t for t in at.text_input}
    inputs["Vendor id (folder name)"].set_value("east")
    inputs["Name"].set_value("Eastgate Calls")
    inputs["Time zone (IANA)"].set_value("Mars/Olympus")
    at.run()
    assert len(at.error) == 1
    assert "east/vendor.toml" in unmarked(
        at.error[0].value
    ) and "unknown time zone 'Mars/Olympus'" in unmarked(at.error[0].value)
    assert not (workspace / "east").exists() and not (workspace / ".staging").exists()
