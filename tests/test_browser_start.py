"""A fresh start in a real browser: the build's progress from the first page, then the data.

Starts the app on a copy of the fixture workspace without a database, opens two tabs at once in Debian's
headless Chromium (playwright, never `playwright install`) and checks that both show the one build's
progress (status box, progress bar) and then the Ranking page. No timing is asserted here:
`benchmarks/app_start.py` measures it. Screenshots go to test-artifacts/.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from benchmarks import app_start

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "tests" / "fixtures" / "app_ws"
ARTIFACTS = ROOT / "test-artifacts"
STEP_TIMEOUT_MS = 90_000
BUILDING = "Building the database from ws/"

pytestmark = pytest.mark.browser


@contextmanager
def fresh_app(tmp: Path) -> Iterator[tuple[str, Path]]:
    """The app on a copy of the fixture workspace whose database does not exist yet: (url, db)."""
    ws = tmp / "ws"
    shutil.copytree(FIXTURE, ws, ignore=shutil.ignore_patterns("*.py", "__pycache__", "*.duckdb*"))
    db, log, port = tmp / "scorecard.duckdb", tmp / "app.log", app_start.free_port()
    url = f"http://127.0.0.1:{port}"
    proc = app_start.start(ws, db, port, log)
    try:
        app_start.wait_healthy(url, proc, log)
        yield url, db
    finally:
        app_start.stop(proc)
    assert "Traceback" not in log.read_text()


def test_a_fresh_start_shows_the_builds_progress_then_the_data(tmp_path: Path) -> None:
    if not app_start.CHROMIUM.exists():
        pytest.skip("/usr/bin/chromium is absent; install Debian's chromium (./dev test does)")
    from playwright.sync_api import expect, sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    expect.set_options(timeout=STEP_TIMEOUT_MS)
    with fresh_app(tmp_path) as (url, db), sync_playwright() as pw:
        assert not db.exists()  # nothing is built before someone opens the app
        browser = pw.chromium.launch(executable_path=str(app_start.CHROMIUM), args=app_start.ARGS)
        try:
            tabs = [browser.new_page(viewport={"width": 1280, "height": 900}) for _ in range(2)]
            for tab in tabs:
                tab.set_default_timeout(STEP_TIMEOUT_MS)
                tab.goto(url)
            for tab in tabs:  # both tabs wait for the one build
                expect(tab.get_by_test_id("stExpander").filter(has_text=BUILDING)).to_be_visible()
                expect(tab.get_by_test_id("stProgress")).to_be_visible()
                expect(tab.get_by_test_id("stMain")).to_contain_text("The first start reads every export")
            tabs[0].screenshot(path=ARTIFACTS / "fresh-start-progress.png")
            for n, tab in enumerate(tabs, start=1):
                verdict = tab.get_by_test_id("stAlertContentWarning")
                expect(verdict.filter(has_text="Too close to call: Northwind Contact leads")).to_be_visible()
                expect(tab.get_by_test_id("stProgress")).to_have_count(0)
                expect(tab.get_by_test_id("stDataFrame").first).to_be_visible()  # the ranked table
                expect(tab.get_by_role("spinbutton", name="Abandonment", exact=True)).to_have_value("15")
                expect(tab.get_by_test_id("stVegaLiteChart").first).to_be_visible()
                tab.screenshot(path=ARTIFACTS / f"fresh-start-data-tab{n}.png")
            # the tab that saw the build end shows its summary, as a start that built in the page did
            done = [
                t.get_by_test_id("stExpander").filter(has_text=f"{BUILDING} — 15 file(s) loaded")
                for t in tabs
            ]
            assert sum(d.count() for d in done) >= 1
        finally:
            browser.close()
