"""The Data page's upload shows the result `scorecard check` prints for the file (AppTest): rows read, rows
left out, warnings and errors, then the warnings by rule, before anything is loaded; and in Chromium."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest
from conftest import unmarked, write
from docs_blocks import toml_block
from streamlit.testing.v1 import AppTest
from test_bank_cdr import FIXTURE as BANK

from scorecard.ingest import run as load

ROOT = Path(__file__).resolve().parents[1]
APP_WS = ROOT / "tests" / "fixtures" / "app_ws"
FEBRUARY = (BANK / "February.txt").read_bytes()


def bank_app_workspace(root: Path) -> Path:
    """The app fixture workspace plus a bank whose CDR export is the docs' mapping (no files yet)."""
    shutil.copytree(APP_WS, root, ignore=shutil.ignore_patterns("*.py", "__pycache__", "*.duckdb*"))
    with (root / "scorecard.toml").open("a", encoding="utf-8") as fh:
        fh.write("earliest_date = 1999-01-01\n")  # the public bank CDR is from 1999 (rule date_in_window)
    write(
        root / "bank" / "vendor.toml",
        'name = "Anonymous Bank"\ntimezone = "Asia/Jerusalem"\ncurrency = "EUR"\n\n'
        + toml_block("adapters.md", "Example: a bank CDR"),
    )
    assert load.ingest(root, root / ".scorecard.duckdb").ok
    return root


@pytest.fixture
def workspace(tmp_path, monkeypatch) -> Path:
    ws = bank_app_workspace(tmp_path / "ws")
    monkeypatch.setenv("SCORECARD_WORKSPACE", str(ws))
    monkeypatch.delenv("SCORECARD_DB", raising=False)
    return ws


def upload(name: str, data: bytes) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
    at = at.switch_page("app_pages/data.py").run()
    assert at.selectbox[0].value == "bank"  # vendors by id: bank comes first
    at.file_uploader[0].set_value((name, data, "text/plain")).run()
    return at


def test_an_upload_shows_its_check_line_and_warnings_before_loading(workspace):
    at = upload("February.txt", FEBRUARY)
    assert not at.exception
    assert [unmarked(s.value) for s in at.success] == [
        "bank/cdr/February.txt: 11 valid row(s) for table 'calls'. Nothing is loaded yet."
    ]
    line, warnings, _preview = (pl.from_pandas(d.value) for d in at.main.dataframe[-3:])
    assert line.rows(named=True) == [
        {
            "file": "bank/cdr/February.txt",
            "table": "calls",
            "format": "mapped",
            "rows read": 13,  # 11 calls + the PHANTOM + the line cut short
            "left out": 2,
            "warnings": 13,  # 5 unknown callers + 2 never queued + 6 without an agent
            "errors": 0,
            "result": "would load",
        }
    ]
    assert warnings.select("rows", "left out", "first line", "rule").rows() == [
        (1, True, 13, "left_out_ragged_line"),
        (1, True, 8, "left_out_by_rules"),
        (5, False, 4, "unknown_by_nulls"),
        (2, False, 4, "unknown_by_nulls"),
        (6, False, 3, "unknown_by_nulls"),
    ]
    assert not (workspace / "bank" / "cdr").exists()  # nothing copied before Load


def test_a_rejected_upload_shows_its_check_line_and_the_lines_no_rule_matches(workspace):
    bad = FEBRUARY.replace(b"\tAGENT\t7:03:10", b"\tTRANSFER\t7:03:10")
    at = upload("February.txt", bad)
    assert [unmarked(e.value) for e in at.error] == [
        "bank/cdr/February.txt is rejected: 1 problem(s). Nothing was copied or loaded."
    ]
    line = pl.from_pandas(at.main.dataframe[-2].value)
    assert line.select("rows read", "left out", "errors", "result").row(0) == (None, None, 1, "rejected")
    failures = pl.from_pandas(at.main.dataframe[-1].value)
    assert failures.select("Row", "Column", "Value").rows() == [
        (2, "outcome", "{'outcome': 'TRANSFER', 'q_start': '7:02:52'}")
    ]
    assert failures["Rule"][0].startswith("matches no rule of rules.outcome")


@pytest.mark.browser
def test_the_check_line_in_chromium(tmp_path):
    """The upload's check table and warnings, drawn by the real app (screenshot in test-artifacts/)."""
    from test_browser import ARTIFACTS, CHROMIUM, STEP_TIMEOUT_MS, _free_port, _wait_healthy
    from test_browser_access import settle

    if not CHROMIUM.exists():
        pytest.skip("/usr/bin/chromium is absent; install Debian's chromium (./dev test does)")
    from playwright.sync_api import expect, sync_playwright

    ws = bank_app_workspace(tmp_path / "ws")
    port, log = _free_port(), tmp_path / "streamlit.log"
    cmd = [
        sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"),
        "--server.headless", "true", "--server.port", str(port), "--server.address", "127.0.0.1",
        "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none",
        "--", "--workspace", str(ws), "--db", str(ws / ".scorecard.duckdb"),
    ]  # fmt: skip
    with log.open("w") as out:
        proc = subprocess.Popen(cmd, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(url, proc, log)
        ARTIFACTS.mkdir(exist_ok=True)
        with sync_playwright() as pw:
            browser = pw.chromium.launch(
                executable_path=str(CHROMIUM),
                args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
                timeout=STEP_TIMEOUT_MS,
            )
            try:
                page = browser.new_page(viewport={"width": 1440, "height": 1400})
                page.set_default_timeout(STEP_TIMEOUT_MS)
                expect.set_options(timeout=STEP_TIMEOUT_MS)
                page.goto(f"{url}/data")
                settle(page, "Add an export")
                upload = tmp_path / "February.txt"
                upload.write_bytes(FEBRUARY)
                page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(str(upload))
                expect(
                    page.get_by_text("bank/cdr/February.txt: 11 valid row(s) for table 'calls'")
                ).to_be_visible()
                expect(page.get_by_text("Rows left out on purpose or read as unknown")).to_be_visible()
                settle(page)
                assert page.get_by_test_id("stDataFrame").count() >= 3  # check line, warnings, preview
                page.get_by_text("Rows left out on purpose").scroll_into_view_if_needed()
                page.screenshot(path=ARTIFACTS / "data-upload-check.png", full_page=True)
            finally:
                browser.close()
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=15)
