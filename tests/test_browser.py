"""The real app in headless Chromium: change a weight, see the ranking change, open the shared link fresh.

Starts `streamlit run app.py` on a copy of the fixture workspace (a free port, headless), drives Debian's
/usr/bin/chromium through playwright (never `playwright install`), and keeps screenshots in test-artifacts/.
Every wait is bounded and the server is always stopped.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "tests" / "fixtures" / "app_ws"
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = Path("/usr/bin/chromium")
START_TIMEOUT_S = 90
STEP_TIMEOUT_MS = 60_000

pytestmark = pytest.mark.browser


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_healthy(url: str, proc: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"streamlit exited with {proc.returncode}:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as resp:
                if resp.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"streamlit did not answer within {START_TIMEOUT_S} s:\n{log.read_text()}")


@contextmanager
def streamlit_app(ws: Path, db: Path) -> Iterator[str]:
    """`streamlit run app.py` on a free loopback port over `ws` and `db`; yields its URL, stops it after."""
    port = _free_port()
    log = db.parent / "streamlit.log"
    cmd = [
        sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"),
        "--server.headless", "true", "--server.port", str(port), "--server.address", "127.0.0.1",
        "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none",
        "--", "--workspace", str(ws), "--db", str(db),
    ]  # fmt: skip
    with log.open("w") as out:
        proc = subprocess.Popen(cmd, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(url, proc, log)
        yield url
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=15)


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[str]:
    """The app served on a free port over a fresh copy of the fixture workspace (database built on start)."""
    if not CHROMIUM.exists():
        pytest.skip(
            "/usr/bin/chromium is absent; install Debian's chromium (./dev test does) to run this test"
        )
    ws = tmp_path_factory.mktemp("browser") / "ws"
    shutil.copytree(FIXTURE, ws, ignore=shutil.ignore_patterns("*.py", "__pycache__", "*.duckdb*"))
    with streamlit_app(ws, ws.parent / "scorecard.duckdb") as url:
        yield url


def _weight(page, label: str):
    """The number input of one KPI weight (its label; charts carry the same KPI names)."""
    return page.get_by_role("spinbutton", name=label, exact=True)


def _query(url: str) -> dict[str, str]:
    return dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(url).query))


def _verdict(page, text: str):
    """The ranking's one-line verdict above the table (a success or a too-close-to-call warning)."""
    return page.locator(
        '[data-testid="stAlertContentSuccess"], [data-testid="stAlertContentWarning"]'
    ).filter(has_text=text)


def test_change_a_weight_and_share_the_link(server):
    from playwright.sync_api import expect, sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
            timeout=STEP_TIMEOUT_MS,
        )
        try:
            page = browser.new_page(viewport={"width": 1440, "height": 1100})
            page.set_default_timeout(STEP_TIMEOUT_MS)
            expect.set_options(timeout=STEP_TIMEOUT_MS)
            page.goto(server)
            expect(_verdict(page, "Too close to call: Northwind Contact leads")).to_be_visible()
            expect(page.get_by_test_id("stVegaLiteChart").first).to_be_visible()
            page.screenshot(path=ARTIFACTS / "ranking-first-screen.png")

            weight = _weight(page, "Service level (negative)")
            expect(weight).to_have_value("25")
            weight.fill("0")
            weight.press("Enter")
            expect(_verdict(page, "Westline Support leads Northwind Contact")).to_be_visible()
            expect(_verdict(page, "")).to_have_count(1)  # the rerun has finished
            page.wait_for_function("() => location.search.includes('w_service_level=0')")
            link = page.get_by_test_id("stCode").inner_text().strip()
            assert "w_service_level=0&" in link and "page=ranking" in link
            assert _query(link) == _query(page.url)  # the box shows the address bar's view
            page.screenshot(path=ARTIFACTS / "ranking-weight-changed.png", full_page=True)

            fresh = browser.new_context(viewport={"width": 1440, "height": 1100}).new_page()
            fresh.set_default_timeout(STEP_TIMEOUT_MS)
            fresh.goto(link.replace("http://localhost:8501", server))
            expect(_verdict(fresh, "Westline Support leads Northwind Contact")).to_be_visible()
            expect(_weight(fresh, "Service level (negative)")).to_have_value("0")
            expect(_weight(fresh, "Abandonment")).to_have_value("15")
            assert _query(fresh.get_by_test_id("stCode").inner_text().strip()) == _query(link)
            assert _query(fresh.url) == _query(link)
            fresh.screenshot(path=ARTIFACTS / "shared-link-fresh-page.png")
        finally:
            browser.close()


def test_every_page_renders_without_an_exception(server):
    from playwright.sync_api import expect, sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
            timeout=STEP_TIMEOUT_MS,
        )
        try:
            page = browser.new_page(viewport={"width": 1440, "height": 1100})
            page.set_default_timeout(STEP_TIMEOUT_MS)
            expect.set_options(timeout=STEP_TIMEOUT_MS)
            page.goto(server)
            expect(_verdict(page, "Northwind Contact")).to_be_visible()
            last = {  # page title -> (query key, the last heading it draws: then the page has run to its end)
                "Compare": ("compare", "Vendor-reported against recomputed"),
                "Trends": ("trends", "Service-level attainment by weekday and hour"),
                "Vendor": ("vendor", "Provenance of service level (negative)"),
                "Quarterly review": ("review", "Weights: preset 'Quarterly review'"),
                "Data": ("data", "Add an export"),
                "Definitions": ("definitions", "Preset in use: Quarterly review"),
            }
            for title, (key, end) in last.items():
                page.get_by_test_id("stSidebarNav").get_by_text(title, exact=True).click()
                expect(page.get_by_role("heading", name=title, exact=True)).to_be_visible()
                expect(page.get_by_role("heading", name=end)).to_be_visible()
                page.wait_for_timeout(1500)  # let the last charts draw before the screenshot
                expect(page.get_by_test_id("stStatusWidget")).to_have_count(0)
                assert page.get_by_test_id("stException").count() == 0, title
                # the share box names the page; the address bar's path does too (its query may lag a switch,
                # and a page's own path wins over a stale page key when a link is opened)
                assert _query(page.get_by_test_id("stCode").inner_text().strip())["page"] == key
                assert urllib.parse.urlsplit(page.url).path == f"/{key}"
                page.screenshot(path=ARTIFACTS / f"page-{key}.png")
        finally:
            browser.close()
