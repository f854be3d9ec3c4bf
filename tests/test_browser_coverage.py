"""In headless Chromium: the Data page lists each file's warnings as text, and the Ranking and Compare pages
say which days each vendor covers, over a workspace whose exports have gaps and warnings.

The workspace is the app fixture with west's exports stopping on 12 April, south sending only its invoice,
two survey non-responses at north, and San Francisco's monthly export read through the docs' mapped
example (its `drop` leaves five months out). Screenshots go to test-artifacts/.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import REPO_DATA
from docs_blocks import toml_block
from test_browser import ARTIFACTS, CHROMIUM, FIXTURE, STEP_TIMEOUT_MS, streamlit_app
from test_comparable_periods import _cut

pytestmark = pytest.mark.browser
SF = REPO_DATA / "sf_hss_monthly" / "Call_Center_Metrics_for_the_Health_Service_System.csv"


def _workspace(ws: Path) -> None:
    shutil.copytree(FIXTURE, ws, ignore=shutil.ignore_patterns("*.py", "__pycache__", "*.duckdb*"))
    for name, column in (("calls/2026-04.csv", "arrived_at"), ("surveys.csv", "responded_at"),
                         ("quality.csv", "evaluated_at"), ("agent_time.csv", "date")):  # fmt: skip
        _cut(ws / "west" / name, column, "2026-04-12")
        _cut(ws / "south" / name, column, "2026-04-01")
    with (ws / "north" / "surveys.csv").open("a", encoding="utf-8") as fh:
        fh.write("s90001,north-00001,2026-04-19 18:00:00,,\ns90002,north-00002,2026-04-19 18:05:00,,\n")
    (ws / "sf").mkdir()
    shutil.copy(SF, ws / "sf" / SF.name)
    heading = "Example: a monthly aggregate with a published abandonment rate"
    head = 'name = "SF Health Service System"\ntimezone = "America/Los_Angeles"\ncurrency = "USD"\n\n'
    (ws / "sf" / "vendor.toml").write_text(head + toml_block("adapters.md", heading), encoding="utf-8")


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[str]:
    if not CHROMIUM.exists():
        pytest.skip("/usr/bin/chromium is absent; install Debian's chromium (./dev test does)")
    ws = tmp_path_factory.mktemp("coverage") / "ws"
    _workspace(ws)
    with streamlit_app(ws, ws.parent / "scorecard.duckdb") as url:
        yield url


def _browser(pw):
    return pw.chromium.launch(
        executable_path=str(CHROMIUM),
        args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        timeout=STEP_TIMEOUT_MS,
    )


def test_data_ranking_and_compare_pages(server):
    from playwright.sync_api import expect, sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as pw:
        browser = _browser(pw)
        try:
            page = browser.new_page(viewport={"width": 1440, "height": 1100})
            page.set_default_timeout(STEP_TIMEOUT_MS)

            page.goto(f"{server}/data")
            expect(page.get_by_text("Warnings (2)")).to_be_visible(timeout=STEP_TIMEOUT_MS)  # first build
            table = page.get_by_test_id("stTable")
            expect(table.get_by_role("cell", name="left_out_by_drop", exact=True)).to_have_count(1)
            what = "left out by drop (Abandoned Calls is one of '')"
            expect(table.get_by_role("cell", name=what, exact=True)).to_have_count(1)  # no backticks
            expect(table.get_by_role("cell", name="survey_no_answer", exact=True)).to_have_count(1)
            expect(table.get_by_role("cell", name="s90001", exact=True)).to_have_count(1)
            table.scroll_into_view_if_needed()
            page.wait_for_timeout(1000)
            page.screenshot(path=ARTIFACTS / "data-warnings.png")

            page.goto(f"{server}/?period=2026-04")  # Ranking is the first page
            warning = page.get_by_test_id("stAlertContentWarning").filter(
                has_text="do not cover the same days"
            )
            expect(warning).to_contain_text("Westline Support: 2026-04-06 – 2026-04-12, 7 of 14 days (50%)")
            expect(warning).to_contain_text("No data in 2026-04: SF Health Service System, Southgate BPO")
            expect(page.get_by_text("Not ranked (3)")).to_be_visible()
            expect(page.get_by_text("Page not found")).to_have_count(0)
            page.wait_for_timeout(1000)
            page.screenshot(path=ARTIFACTS / "ranking-comparable-periods.png", full_page=True)

            page.goto(f"{server}/compare?period=2026-04")
            expect(page.get_by_test_id("stAlertContentWarning").first).to_contain_text(
                "Under 80% of the days"
            )
            page.wait_for_timeout(1000)
            page.screenshot(path=ARTIFACTS / "compare-comparable-periods.png", full_page=True)
        finally:
            browser.close()
