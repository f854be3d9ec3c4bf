"""The app's gate (AppTest): local mode, refusing a network address, sign-in, roles and their pages, the
Data page per role, submissions against deadlines, and the admins' Access page."""

from __future__ import annotations

import shutil
import sys
from datetime import date
from pathlib import Path

import polars as pl
import pytest
from conftest import unmarked
from streamlit import config as st_config
from streamlit.testing.v1 import AppTest

from scorecard.access import audit
from scorecard.ingest import run as load

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "tests" / "fixtures" / "app_ws"
ACCESS = """
[[users]]
match = "admin@buyer.example"
role = "admin"

[[users]]
match = "group:northwind-ops"
role = "vendor"
vendor = "north"

[[users]]
match = "cfo@buyer.example"
role = "viewer"
pages = ["ranking", "definitions"]
vendors = ["north", "west"]

[[users]]
match = "*@buyer.example"
role = "analyst"
"""
AUTH = {
    "redirect_uri": "http://localhost:8501/oauth2callback",
    "cookie_secret": "x" * 32,
    "client_id": "scorecard",
    "client_secret": "s",
    "server_metadata_url": "http://localhost:9400/.well-known/openid-configuration",
}


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """The fixture workspace, north's calls due 5 days after each month, ingested once for the module."""
    ws = tmp_path_factory.mktemp("gate") / "ws"
    shutil.copytree(FIXTURE, ws, ignore=shutil.ignore_patterns("*.py", "__pycache__", "*.duckdb*"))
    toml = ws / "north" / "vendor.toml"
    toml.write_text(
        toml.read_text().replace(
            'files = "calls/*.csv"\n',
            'files = "calls/*.csv"\ndeadline = { period = "month", days_after = 5 }\n',
        )
    )
    assert load.ingest(ws, ws / ".scorecard.duckdb").ok
    return ws


@pytest.fixture
def ws(built, tmp_path, monkeypatch) -> Path:
    """A per-test copy (tests add access.toml and write the access log)."""
    root = tmp_path / "ws"
    shutil.copytree(built, root)
    monkeypatch.setenv("SCORECARD_WORKSPACE", str(root))
    monkeypatch.delenv("SCORECARD_DB", raising=False)
    return root


def app(user: dict | None = None, auth: bool = False) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    if auth:
        at.secrets["auth"] = AUTH
    if user is not None:
        at.user = user
    return at


def signed_in(ws: Path, email: str, **claims) -> AppTest:
    (ws / "access.toml").write_text(ACCESS)
    return app({"is_logged_in": True, "email": email, **claims}, auth=True).run()


def _pages(at: AppTest) -> list[str]:
    ctx = at.session_state["_ctx"]
    return list(ctx.pages)


def only_message(at: AppTest) -> str:
    """The page shows one error and nothing else (no navigation, no data)."""
    assert not at.exception
    assert len(at.error) == 1
    assert not at.dataframe and not at.sidebar.selectbox and not at.title
    assert "_ctx" not in at.session_state
    return unmarked(at.error[0].value)


def test_local_mode_needs_no_set_up_and_says_so(ws):
    at = app().run()
    assert not at.exception and not at.error
    captions = [unmarked(c.value) for c in at.sidebar.caption]
    assert captions[0].startswith("Local mode: no sign-in. Only this computer can open the app")
    assert _pages(at) == ["ranking", "compare", "trends", "vendor", "review", "data", "definitions", "access"]


@pytest.fixture
def listening_everywhere():
    st_config.set_option("server.address", "0.0.0.0")
    yield
    st_config.set_option("server.address", "127.0.0.1")


def test_a_network_address_without_access_is_refused_with_how_to_configure(ws, listening_everywhere):
    message = only_message(app().run())
    assert message.startswith("Refusing to start: the app would listen on address 0.0.0.0 without access")
    assert "access.toml" in message and "--no-auth" in message


def test_no_auth_serves_a_network_address_with_a_warning(ws, listening_everywhere, monkeypatch):
    monkeypatch.setattr(sys, "argv", ["app.py", "--no-auth"])
    at = app().run()
    assert not at.exception
    assert [unmarked(w.value) for w in at.sidebar.warning] == [
        "Open without sign-in on address 0.0.0.0 (--no-auth): everyone who can reach this app sees every "
        "vendor's data and can change the workspace."
    ]
    assert at.dataframe  # and it serves


def test_access_configured_on_a_network_address_asks_to_sign_in(ws, listening_everywhere):
    (ws / "access.toml").write_text(ACCESS)
    at = app({}, auth=True).run()
    assert not at.exception
    assert [b.label for b in at.button] == ["Sign in"] and not at.dataframe and not at.sidebar.selectbox


def test_access_without_an_oidc_provider_is_explained(ws):
    (ws / "access.toml").write_text(ACCESS)
    message = only_message(app().run())
    assert message.startswith("Access is configured in access.toml but sign-in is not: add an [auth] section")


def test_a_broken_access_toml_stops_the_app_with_its_error(ws):
    (ws / "access.toml").write_text('[[users]]\nmatch = "a@b.example"\nrole = "owner"\n')
    assert "Invalid configuration in" in only_message(app().run())


def test_someone_without_a_rule_is_told_so(ws):
    at = signed_in(ws, "eve@elsewhere.example")
    assert [unmarked(e.value) for e in at.error] == [
        "Your account eve@elsewhere.example has no access to this workspace. Ask its admin to add you."
    ]
    assert [b.label for b in at.button] == ["Sign out"] and not at.dataframe
    events = audit.Store(ws).events()
    assert events.select("user", "event").rows() == [("eve@elsewhere.example", "denied")]


def test_a_vendor_user_gets_its_pages_and_peers_as_labels(ws):
    at = signed_in(ws, "ops@northwind.example", groups=["northwind-ops"], iat=1765000000)
    assert not at.exception
    assert _pages(at) == ["ranking", "compare", "trends", "vendor", "review", "data", "definitions"]
    table = pl.from_pandas(at.main.dataframe[0].value)
    assert table["Vendor"].to_list() == ["Northwind Contact", "Peer A", "Peer B"]
    assert at.multiselect(key="_w_vendors").options == ["Northwind Contact"]
    assert all(n.disabled for n in at.number_input)  # the preset's own weights
    at.run()  # a rerun in the same session is not a second sign-in
    events = audit.Store(ws).events()
    assert events.filter(pl.col("event") == "sign-in")["detail"].to_list() == [
        "vendor; token issued 1765000000"
    ]
    assert events.filter(pl.col("event") == "view")["vendors"].to_list() == ["north"]


def test_a_vendor_users_data_page_offers_its_own_folder_and_its_deadlines(ws):
    at = signed_in(ws, "ops@northwind.example", groups=["northwind-ops"])
    at = at.switch_page("app_pages/data.py").run()
    assert not at.exception
    assert not [r for r in at.radio if r.key == "_data_mode"]  # no "A new vendor"
    assert not [b for b in at.button if b.label == "Run the data audits"]  # their rows name any vendor
    [vendor_box] = [s for s in at.selectbox if s.label == "Vendor"]
    assert vendor_box.options == ["Northwind Contact"]
    files = pl.from_pandas(at.main.dataframe[0].value)  # each file as it stands
    assert set(files["Vendor"]) == {"Northwind Contact"} and files.height == 5
    log = pl.from_pandas(at.main.dataframe[1].value)  # every ingest (in the expander)
    assert set(log["vendor_id"]) == {"north"} and log.height == 5
    # April's calls (first loaded today) are late; every later month already due has no file at all.
    today = date.today()
    due_months = [(y, m) for y in (2026, 2027, 2028) for m in range(1, 13) if (y, m) >= (2026, 4)]
    due = [ym for ym in due_months if date(*ym, 1) < today.replace(day=1) and not _due_after(ym, today)]
    [warning] = at.warning
    assert unmarked(warning.value) == f"{len(due)} late or missing submission(s) up to {today:%Y-%m-%d}."
    late = pl.from_pandas(at.main.dataframe[2].value)
    assert late["period"].to_list() == [f"{y}-{m:02d}" for y, m in due]
    assert late["status"].to_list() == ["late"] + ["missing"] * (len(due) - 1)


def _due_after(ym: tuple[int, int], today: date) -> bool:
    """A month's file is due 5 days after its last day: True while that is today or later."""
    y, m = ym
    first_next = date(y + m // 12, m % 12 + 1, 1)
    return date.fromordinal(first_next.toordinal() - 1 + 5) >= today


def test_an_analyst_reads_the_data_page_and_uploads_nothing(ws):
    at = signed_in(ws, "bob@buyer.example").switch_page("app_pages/data.py").run()
    assert not at.exception
    assert not at.file_uploader and not [b for b in at.button if b.label == "Re-read the workspace"]
    assert "access" not in _pages(at)


def test_a_viewer_sees_its_pages_and_vendors_only(ws):
    at = signed_in(ws, "cfo@buyer.example")
    assert _pages(at) == ["ranking", "definitions"]
    assert at.multiselect(key="_w_vendors").options == ["Northwind Contact", "Westline Support"]
    table = pl.from_pandas(at.main.dataframe[0].value)
    assert table["Vendor"].to_list() == ["Northwind Contact", "Westline Support"]


def test_an_admin_reads_the_access_log_and_revokes_a_link(ws):
    from typer.testing import CliRunner

    from scorecard.cli import app as cli

    made = CliRunner().invoke(
        cli, ["share", "create", "--workspace", str(ws), "--vendor", "north", "--by", "alice"]
    )
    assert made.exit_code == 0
    at = signed_in(ws, "admin@buyer.example").switch_page("app_pages/access.py").run()
    assert not at.exception
    events = pl.from_pandas(at.main.dataframe[0].value)
    assert events.select("user", "event", "page").rows() == [  # newest first; the Access page is not a view
        ("admin@buyer.example", "view", "ranking"), ("admin@buyer.example", "sign-in", None),
        ("alice", "link-created", "ranking"),
    ]  # fmt: skip
    [revoke] = [b for b in at.button if b.label == "Revoke"]
    revoke.click().run()
    assert audit.Store(ws).links()["revoked_by"].to_list() == ["admin@buyer.example"]
    assert "link-revoked" in audit.Store(ws).events()["event"].to_list()
