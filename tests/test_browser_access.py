"""Sign-in, roles, vendor-scoped views and signed links, in the real app and a real browser.

One module-wide set-up: a real OpenID Connect provider (oidc-provider-mock, on a loopback port) and the app
(`streamlit run app.py`) over a copy of the fixture workspace with an access.toml and an [auth] section.
People sign in through the provider's own form. For the vendor user (north) every page, every download
(HTML, XLSX), every message the server sends the browser (websocket frames) and every URL manipulation is
searched for the other vendors' names, ids and numbers. North's name carries Markdown, a link, an image
and bare addresses: it must render as text. Screenshots go to test-artifacts/.
"""

from __future__ import annotations

import base64
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import urllib.parse
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from test_browser import ARTIFACTS, CHROMIUM, STEP_TIMEOUT_MS, _free_port, _wait_healthy
from typer.testing import CliRunner

from scorecard.access import audit, links
from scorecard.cli import app as cli
from scorecard.ingest import db
from scorecard.ingest import run as load
from scorecard.metrics import kpis
from scorecard.present import format as fmt

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "tests" / "fixtures" / "app_ws"
EVIL = (
    "Northwind [Contact](http://evil.example/x) ![logo](http://evil.example/logo.png) :red[red] "
    "www.evil.example"
)
OTHERS = {"south": "Southgate BPO", "west": "Westline Support"}
ACCESS = """
vendor_preset = "quarterly_review"

[[users]]
match = "admin@buyer.example"
role = "admin"

[[users]]
match = "*@buyer.example"
role = "analyst"

[[users]]
match = "group:northwind-ops"
role = "vendor"
vendor = "north"
"""
PEOPLE = {  # sub -> claims the provider puts in the ID token
    "admin": {"email": "admin@buyer.example", "name": "Ada Admin"},
    "analyst": {"email": "ann@buyer.example", "name": "Ann Analyst"},
    "ops": {"email": "ops@northwind.example", "name": "Olga Ops", "groups": ["northwind-ops"]},
    "stranger": {"email": "eve@elsewhere.example", "name": "Eve"},
}
LAST_HEADING = {  # page path -> the last heading it draws (then it has run to its end)
    "ranking": None,
    "compare": "Vendor-reported against recomputed",
    "trends": "Service-level attainment by weekday and hour",
    "vendor": "Provenance of service level (negative)",
    "review": "Weights: preset 'Quarterly review'",
    "data": "Add an export",
    "definitions": "Preset in use: Quarterly review",
}


@dataclass
class Site:
    url: str
    provider: str
    ws: Path
    db: Path


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Iterator[Site]:
    """The provider and the app, both on loopback ports, sharing nothing but the OIDC settings."""
    if not CHROMIUM.exists():
        pytest.skip("/usr/bin/chromium is absent; install Debian's chromium (./dev test does)")
    import oidc_provider_mock
    import werkzeug.serving

    tmp = tmp_path_factory.mktemp("access")
    ws = tmp / "ws"
    shutil.copytree(FIXTURE, ws, ignore=shutil.ignore_patterns("*.py", "__pycache__", "*.duckdb*"))
    toml = ws / "north" / "vendor.toml"
    toml.write_text(toml.read_text().replace('name = "Northwind Contact"', f'name = "{EVIL}"'))
    (ws / "access.toml").write_text(ACCESS)
    database = tmp / "scorecard.duckdb"
    assert load.ingest(ws, database).ok
    users = [oidc_provider_mock.User(sub=sub, claims=claims) for sub, claims in PEOPLE.items()]
    # The provider is on `localhost`, the app on 127.0.0.1: two hosts, so their cookies never mix.
    provider = werkzeug.serving.make_server(
        "localhost", 0, oidc_provider_mock.app(user_claims=users), threaded=True
    )
    thread = threading.Thread(target=provider.serve_forever, args=(0.1,), daemon=True)
    thread.start()
    port = _free_port()
    secrets = tmp / "secrets.toml"
    secrets.write_text(
        f'[auth]\nredirect_uri = "http://127.0.0.1:{port}/oauth2callback"\n'
        'cookie_secret = "a-test-cookie-secret-of-enough-length"\nclient_id = "scorecard"\n'
        'client_secret = "test-client-secret"\n'
        f'server_metadata_url = "http://localhost:{provider.server_port}/.well-known/openid-configuration"\n'
    )
    log = tmp / "streamlit.log"
    cmd = [
        sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"),
        "--server.headless", "true", "--server.port", str(port), "--server.address", "127.0.0.1",
        "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none",
        "--secrets.files", str(secrets),
        "--", "--workspace", str(ws), "--db", str(database),
    ]  # fmt: skip
    with log.open("w") as out:
        proc = subprocess.Popen(cmd, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(url, proc, log)
        yield Site(url, f"http://localhost:{provider.server_port}", ws, database)
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=15)
        provider.shutdown()


@pytest.fixture(scope="module")
def browser(site):
    from playwright.sync_api import expect, sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    expect.set_options(timeout=STEP_TIMEOUT_MS)
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
            timeout=STEP_TIMEOUT_MS,
        )
        try:
            yield chromium
        finally:
            chromium.close()


@dataclass
class Tab:
    """A browser page and everything the server sent it over the websocket."""

    page: object
    frames: list[bytes] = field(default_factory=list)

    def sent(self) -> bytes:
        return b"\n".join(self.frames)


def new_tab(browser) -> Tab:
    context = browser.new_context(viewport={"width": 1440, "height": 1000}, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(STEP_TIMEOUT_MS)
    tab = Tab(page)

    def watch(ws):
        ws.on(
            "framereceived",
            lambda payload: tab.frames.append(payload if isinstance(payload, bytes) else payload.encode()),
        )

    page.on("websocket", watch)
    return tab


def sign_in(browser, site: Site, sub: str) -> Tab:
    """Open the app, press Sign in, and choose `sub` on the provider's own authorisation form."""
    from playwright.sync_api import expect

    tab = new_tab(browser)
    page = tab.page
    page.goto(site.url)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{site.provider}/**")
    page.get_by_role("button", name=sub, exact=True).click()
    page.wait_for_url(f"{site.url}/**")
    expect(page.get_by_text("Signed in as").or_(page.get_by_text("has no access"))).to_be_visible()
    return tab


def settle(page, heading: str | None = None) -> None:
    """Wait until the page has run to its end (its last heading, no running indicator)."""
    from playwright.sync_api import expect

    if heading:
        expect(page.get_by_role("heading", name=heading)).to_be_visible()
    page.wait_for_timeout(800)
    expect(page.get_by_test_id("stStatusWidget")).to_have_count(0)
    assert page.get_by_test_id("stException").count() == 0


def nav_titles(page) -> list[str]:
    """The page titles in the sidebar navigation (each link's last line; the first is its icon)."""
    return [
        a.inner_text().strip().splitlines()[-1]
        for a in page.get_by_test_id("stSidebarNav").locator("a").all()
    ]


def peer_numbers(site: Site) -> set[str]:
    """The other vendors' volumes and KPI values as the app prints them, minus any string north shows too."""
    con = db.connect(site.db, read_only=True)
    try:
        frame = kpis.kpis(con, "all")
        quarter = kpis.kpis(con, "quarter")
    finally:
        con.close()
    shown: dict[str, set[str]] = {"north": set(), "peer": set()}
    for f in (frame, quarter):
        for row in f.iter_rows(named=True):
            who = "north" if row["vendor_id"] == "north" else "peer"
            for col in ("answered", "queued", "handled", "offered"):
                shown[who] |= {str(row[col]), f"{row[col]:,}"}
            for kpi_id in ("service_level", "abandon_rate", "asa_s", "aht_s", "cost_per_call", "csat_rate"):
                if row[kpi_id] is not None:
                    shown[who].add(fmt.value(kpi_id, row[kpi_id], "EUR"))
    return {s for s in shown["peer"] - shown["north"] if len(s) >= 3}


def assert_no_peer(text: str, where: str, numbers: set[str] = frozenset()) -> None:
    """No other vendor's id (as a word), name or number in `text`."""
    for vid, name in OTHERS.items():
        assert not re.search(rf"(?<![A-Za-z]){vid}(?![A-Za-z])", text, re.IGNORECASE), (where, vid)
        assert name.lower() not in text.lower(), (where, name)
        assert "southgate" not in text.lower() and "westline" not in text.lower(), where
    for n in numbers:
        assert not re.search(rf"(?<![\d.,]){re.escape(n)}(?![\d])", text), (where, n)


def assert_no_peer_bytes(data: bytes, where: str, numbers: set[str] = frozenset()) -> None:
    """The same over raw bytes the server sent (tables are Arrow, charts Vega specs): ids, names, and the
    numbers whose formatting (%, s, a currency, a decimal point) makes a chance match in binary data moot."""
    for n in numbers:
        if re.search(r"[^\d]", n) and len(n) >= 5:
            assert not re.search(rb"(?<![\d.,])" + re.escape(n.encode()) + rb"(?![\d])", data), (where, n)
    for vid, name in OTHERS.items():
        assert not re.search(rb"(?<![A-Za-z])" + vid.encode() + rb"(?![A-Za-z])", data, re.IGNORECASE), (
            where,
            vid,
        )
        assert name.encode().lower() not in data.lower(), (where, name)


def assert_text_only_name(page) -> None:
    """North's name is on the page as text: no link, no image, no colour from it."""
    assert page.locator("a[href*='evil.example']").count() == 0
    assert page.locator("img[src*='evil.example']").count() == 0
    assert page.locator("[data-testid='stMarkdownContainer'] span[style*='color']").count() == 0


def _xlsx_text(path: Path) -> str:
    with zipfile.ZipFile(path) as z:
        return "\n".join(z.read(n).decode("utf-8", "replace") for n in z.namelist() if n.endswith(".xml"))


def test_a_vendor_user_sees_only_its_own_vendor_everywhere(browser, site):
    from playwright.sync_api import expect

    numbers = peer_numbers(site)
    assert len(numbers) > 10  # the check below has something to look for
    tab = sign_in(browser, site, "ops")
    page = tab.page
    settle(page, None)
    expect(page.get_by_test_id("stSidebarNav").get_by_text("Access")).to_have_count(0)
    nav = nav_titles(page)
    assert nav == ["Ranking", "Compare", "Trends", "Vendor", "Quarterly review", "Data", "Definitions"]
    expect(page.get_by_test_id("stDataFrame").first).to_be_visible()
    page.screenshot(path=ARTIFACTS / "access-vendor-ranking.png", full_page=True)
    assert b"Peer A" in tab.sent() and b"Peer B" in tab.sent()  # the table is drawn on a canvas
    for key, heading in LAST_HEADING.items():
        page.goto(f"{site.url}/{key}")
        settle(page, heading)
        body = page.inner_text("body")
        assert_no_peer(body, key, numbers)
        assert_no_peer(page.url, f"{key} url")
        assert_text_only_name(page)
        page.screenshot(path=ARTIFACTS / f"access-vendor-{key}.png", full_page=True)
    assert "Peer median" in _page_text(page, site, "compare")
    # downloads: the quarterly review as HTML and XLSX
    page.goto(f"{site.url}/review")
    settle(page, LAST_HEADING["review"])
    for label, suffix in (("Download HTML report", "html"), ("Download XLSX workbook", "xlsx")):
        with page.expect_download() as info:
            page.get_by_role("button", name=label).click()
        path = Path(info.value.path())
        text = path.read_text("utf-8") if suffix == "html" else _xlsx_text(path)
        assert "Peer A" in text and "north" in text, suffix
        assert_no_peer(text, f"download {suffix}")
        shutil.copy(path, ARTIFACTS / f"access-vendor-review.{suffix}")
    assert_no_peer_bytes(tab.sent(), "websocket", numbers)
    _url_manipulations(page, site, numbers)
    assert_no_peer_bytes(tab.sent(), "websocket after URL manipulations", numbers)
    _upload_own(page, site)
    assert_no_peer_bytes(tab.sent(), "websocket after the upload", numbers)
    page.context.close()
    _admin_reads_the_access_log(browser, site)


def _page_text(page, site: Site, key: str) -> str:
    page.goto(f"{site.url}/{key}")
    settle(page, LAST_HEADING[key])
    return page.inner_text("body")


def _url_manipulations(page, site: Site, numbers: set[str]) -> None:
    """Vendor ids, periods, pages, presets and weights in the address: never another vendor's data."""
    alone = "&".join(f"w_{k}={100 if k == 'service_level' else 0}" for k in (
        "service_level", "abandon_rate", "asa_s", "blockage_rate", "fcr_rate", "csat_rate", "qa_score",
        "avg_talk_s", "adherence_rate"))  # fmt: skip
    tampered = _tampered_vendor_link(site)
    urls = {
        "peer-vendors": "/?vendors=south,west",
        "peer-focus": "/vendor?vendor=south",
        "peer-review": "/review?vendor=west&period=2026-Q2",
        "peer-trends": "/trends?vendors=west&kpi=cost_per_call&grain=day",
        "peer-compare": "/compare?vendors=north,south,west&period=2026-04",
        "admin-page-key": "/?page=access",
        "admin-page-path": "/access",
        "one-kpi-weights": f"/?period=2026-Q2&method=relative&preset=procurement_bid&{alone}",
        "peer-data": "/data?vendor=south&vendors=south",
        "tampered-link": f"/?share={tampered}",
    }
    for name, path in urls.items():
        page.goto(site.url + path)
        settle(page)
        body = page.inner_text("body")
        assert_no_peer(body, name, numbers)
        assert_text_only_name(page)
        page.screenshot(path=ARTIFACTS / f"access-vendor-url-{name}.png", full_page=True)
        if name == "one-kpi-weights":  # the scores stay the preset's: the verdict names the same points
            assert "fixed in this view" in body
        if name == "tampered-link":
            assert "This link is not valid" in body and "Peer A" not in body


def _tampered_vendor_link(site: Site) -> str:
    """A real link for north's own view whose payload is edited to name south instead."""
    result = CliRunner().invoke(
        cli,
        ["share", "create", "--workspace", str(site.ws), "--page", "review", "--period", "2026-Q2",
         "--for-vendor", "north", "--focus", "north", "--base-url", site.url],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    token = urllib.parse.parse_qs(urllib.parse.urlsplit(result.stdout.strip()).query)["share"][0]
    compressed = token.startswith(".")
    payload, rest = token.lstrip(".").split(".", 1)
    raw = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
    text = (zlib.decompress(raw) if compressed else raw).decode().replace("north", "south")
    data = zlib.compress(text.encode()) if compressed else text.encode()
    edited = base64.urlsafe_b64encode(data).decode().rstrip("=")
    return ("." if compressed else "") + edited + "." + rest


GOOD = (
    "call_id,program,arrived_at,outcome,wait_s,talk_s,hold_s,acw_s,transferred,resolved,agent_id\n"
    "z1,support,2026-04-20 09:00:00,answered,5,100,0,20,false,true,north-a1\n"
)


def _upload_own(page, site: Site) -> None:
    """The Data page offers the vendor's own folder only; an upload there loads and is recorded."""
    from playwright.sync_api import expect

    page.goto(f"{site.url}/data")
    settle(page, "Add an export")
    assert page.get_by_text("A new vendor").count() == 0
    # The vendor box offers north only: its options travel in the websocket frames checked for peers.
    upload = site.ws.parent / "2026-04-extra.csv"
    upload.write_text(GOOD)
    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(str(upload))
    expect(page.get_by_text("1 valid row(s) for table 'calls'")).to_be_visible()
    page.get_by_role("button", name="Load into the workspace").click()
    success = page.get_by_test_id("stAlertContentSuccess")
    expect(success.get_by_text("north/calls/2026-04-extra.csv: loaded, 1 row(s).")).to_be_visible()
    assert (site.ws / "north" / "calls" / "2026-04-extra.csv").read_text() == GOOD
    assert not (site.ws / "south" / "calls" / "2026-04-extra.csv").exists()
    page.screenshot(path=ARTIFACTS / "access-vendor-upload.png", full_page=True)


def _admin_reads_the_access_log(browser, site: Site) -> None:
    from playwright.sync_api import expect

    tab = sign_in(browser, site, "admin")
    page = tab.page
    settle(page)
    for name in (b"Westline Support", b"Southgate BPO", b"Northwind"):
        assert name in tab.sent()  # an admin sees every vendor by name (the table is drawn on a canvas)
    page.goto(f"{site.url}/access")
    settle(page, "Roles")
    expect(page.get_by_test_id("stDataFrame").first).to_be_visible()
    page.screenshot(path=ARTIFACTS / "access-admin-log.png", full_page=True)
    events = audit.Store(site.ws).events()
    ops = events.filter(events["user"] == "ops@northwind.example")
    assert {"sign-in", "view", "download", "upload"} <= set(ops["event"])
    downloads = ops.filter(ops["event"] == "download")["detail"].to_list()
    assert sorted(downloads) == ["review-north-2026-Q2.html", "review-north-2026-Q2.xlsx"]
    subs = audit.Store(site.ws).submissions()
    assert subs.select("user", "vendor_id", "path", "status").row(0) == (
        "ops@northwind.example", "north", "north/calls/2026-04-extra.csv", "loaded",
    )  # fmt: skip
    page.goto(f"{site.url}/vendor?vendor=north")
    settle(page, LAST_HEADING["vendor"])
    assert EVIL.split(" ")[0] in page.inner_text("body")
    assert "[Contact](http" in page.inner_text("body")  # the Markdown stays literal text
    assert_text_only_name(page)
    page.screenshot(path=ARTIFACTS / "access-admin-vendor-evil-name.png", full_page=True)
    page.context.close()


def test_an_analyst_reads_everything_changes_nothing_and_makes_a_link(browser, site):

    tab = sign_in(browser, site, "analyst")
    page = tab.page
    settle(page)
    nav = nav_titles(page)
    assert "Access" not in nav and "Data" in nav
    assert b"Westline Support" in tab.sent()
    page.goto(f"{site.url}/data")
    settle(page, "Submissions and deadlines")
    assert page.get_by_text("Add an export").count() == 0
    assert page.get_by_role("button", name="Re-read the workspace").count() == 0
    page.goto(f"{site.url}/compare?vendors=north,west&period=all")
    settle(page, LAST_HEADING["compare"])
    page.get_by_text("Signed link for someone without an account").click()
    made = page.get_by_test_id("stCode").filter(has_text="share=")
    page.get_by_role("button", name="Make link").click()
    try:
        made.wait_for(timeout=20_000)
    except Exception:  # seen twice in full runs only: keep what the page showed, then click once more
        page.screenshot(path=ARTIFACTS / "access-analyst-make-link-retry.png", full_page=True)
        settle(page)
        page.get_by_role("button", name="Make link").click()
    link = made.inner_text().strip()
    page.screenshot(path=ARTIFACTS / "access-analyst-made-link.png", full_page=True)
    page.context.close()
    fresh_tab = new_tab(browser)
    fresh = fresh_tab.page
    fresh.goto(link)
    settle(fresh, LAST_HEADING["compare"])
    body = fresh.inner_text("body")
    assert (
        b"Westline Support" in fresh_tab.sent() and b"Southgate" not in fresh_tab.sent()
    )  # the link's vendors
    assert fresh.get_by_test_id("stSidebarNav").count() == 0  # one page, no navigation
    assert "Shared view, read-only" in body
    assert urllib.parse.urlsplit(fresh.url).query.startswith("share=")
    fresh.goto(link.replace("/?share=", "/ranking?share="))  # another page's address: still the link's page
    settle(fresh)
    assert fresh.get_by_role("heading", name="Compare", exact=True).count() == 1
    fresh.screenshot(path=ARTIFACTS / "access-link-compare.png", full_page=True)
    fresh.context.close()


def _cli_link(site: Site, *args: str) -> tuple[str, str]:
    result = CliRunner().invoke(
        cli, ["share", "create", "--workspace", str(site.ws), "--base-url", site.url, *args]
    )
    assert result.exit_code == 0, result.output
    url = result.stdout.strip()
    return url, re.search(r"Link ([0-9a-f]+):", result.stderr)[1]


def test_signed_links_tampered_expired_and_revoked_are_refused_and_a_valid_one_shows_its_view(browser, site):
    valid, _ = _cli_link(
        site, "--page", "review", "--period", "2026-Q2", "--for-vendor", "north", "--focus", "north"
    )
    revoked, revoked_id = _cli_link(site, "--page", "ranking", "--vendor", "north", "--vendor", "south")
    assert (
        CliRunner().invoke(cli, ["share", "revoke", revoked_id, "--workspace", str(site.ws)]).exit_code == 0
    )
    token = valid.split("share=", 1)[1]
    tampered = valid.replace(token, token[:-3] + ("A" if token[-3] != "A" else "B") + token[-2:])
    _, expired = links.make(
        links.workspace_secret(site.ws), {"page": "ranking", "period": "all", "vendors": "north"}, ["north"],
        None, datetime.now(UTC) - timedelta(hours=1),
    )  # fmt: skip
    expired_token = links.URLSafeSerializer(links.workspace_secret(site.ws), salt=links.SALT).dumps(
        {
            "i": expired.id,
            "e": int(expired.expires.timestamp()),
            "p": expired.params,
            "v": ["north"],
            "o": None,
        }
    )
    cases = {
        "tampered": (tampered, "This link is not valid: it was changed after it was made"),
        "expired": (f"{site.url}/?share={expired_token}", "This link expired on"),
        "revoked": (revoked, "This link was revoked on"),
        "garbage": (f"{site.url}/?share=not-a-token", "This link is not valid"),
    }
    for name, (url, message) in cases.items():
        tab = new_tab(browser)
        page = tab.page
        page.goto(url)
        settle(page)
        body = page.inner_text("body").strip()
        assert message in body, name
        assert body.endswith("Ask the person who sent it for a new link."), name
        assert (
            page.get_by_test_id("stSidebar").count() == 0 or not page.get_by_test_id("stSidebar").is_visible()
        )
        assert page.get_by_test_id("stDataFrame").count() == 0 and page.get_by_role("heading").count() == 0
        assert_no_peer(body, name)
        assert b"Northwind" not in tab.sent() and b"Peer" not in tab.sent(), name
        page.screenshot(path=ARTIFACTS / f"access-link-{name}.png", full_page=True)
        page.context.close()
    tab = new_tab(browser)
    page = tab.page
    page.goto(valid)
    settle(page, LAST_HEADING["review"])
    body = page.inner_text("body")
    assert "Quarterly review" in body and "2026-Q2" in body and b"Peer A" in tab.sent()
    assert str(ROOT) not in body and str(site.ws) not in body  # no server paths for a link holder
    assert page.get_by_test_id("stSidebarNav").count() == 0
    assert_no_peer(body, "valid link")
    assert_no_peer_bytes(tab.sent(), "valid link websocket")
    page.screenshot(path=ARTIFACTS / "access-link-valid-review.png", full_page=True)
    page.context.close()
    refused = audit.Store(site.ws).events(event="link-refused")["detail"].to_list()
    assert {"altered", "expired", "revoked"} <= set(refused)


def test_someone_without_a_rule_is_told_so_and_sees_nothing(browser, site):
    tab = sign_in(browser, site, "stranger")
    page = tab.page
    settle(page)
    body = page.inner_text("body").replace("\u2060", "")  # the word joiner that keeps it from a mailto link
    assert "Your account eve@elsewhere.example has no access to this workspace." in body
    assert page.get_by_test_id("stSidebarNav").count() == 0
    assert b"Northwind" not in tab.sent() and b"Westline" not in tab.sent()
    page.screenshot(path=ARTIFACTS / "access-denied.png")
    page.context.close()
