"""Roles (scorecard.access.config), where the app may listen (.launch), the access log (.audit) and
submission deadlines (.deadlines)."""

from __future__ import annotations

import multiprocessing
import shutil
from datetime import date, datetime
from pathlib import Path

import polars as pl
import pytest
from conftest import write
from typer.testing import CliRunner

from scorecard.access import audit, deadlines, launch
from scorecard.access.config import default_preset, load_access
from scorecard.access.scope import Scope
from scorecard.cli import app as cli
from scorecard.errors import ConfigError
from scorecard.workspace import config

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "tests" / "fixtures" / "app_ws"
ACCESS = """
vendor_preset = "procurement_bid"

[[users]]
match = "Alice@Buyer.example"
role = "admin"

[[users]]
match = "group:northwind-ops"
role = "vendor"
vendor = "north"

[[users]]
match = "cfo@buyer.example"
role = "viewer"
pages = ["ranking", "review"]
vendors = ["north", "south"]

[[users]]
match = "*@buyer.example"
role = "analyst"
"""


@pytest.fixture
def ws(tmp_path) -> Path:
    root = tmp_path / "ws"
    shutil.copytree(FIXTURE, root, ignore=shutil.ignore_patterns("*.py", "__pycache__", "*.duckdb*"))
    return root


def test_no_access_configuration_means_local_mode(ws):
    assert load_access(ws) is None
    assert default_preset(ws, None) == "quarterly_review"


def test_people_get_the_first_rule_that_matches(ws):
    (ws / "access.toml").write_text(ACCESS)
    access = load_access(ws)
    scope = lambda claims: access.scope_for(claims, "quarterly_review")  # noqa: E731
    alice = scope({"email": "alice@buyer.example", "email_verified": True})
    assert (alice.user, alice.role, alice.vendors, "access" in alice.pages) == (
        "alice@buyer.example",
        "admin",
        None,
        True,
    )
    ops = scope({"email": "x@northwind.example", "groups": ["staff", "northwind-ops"]})
    assert (ops.role, ops.own, ops.vendors, ops.preset) == ("vendor", "north", ("north",), "procurement_bid")
    assert "access" not in ops.pages and "data" in ops.pages
    cfo = scope({"email": "CFO@buyer.example"})
    assert (cfo.role, cfo.pages, cfo.vendors) == ("viewer", ("ranking", "review"), ("north", "south"))
    bob = scope({"email": "bob@buyer.example"})
    assert (bob.role, "access" in bob.pages, "data" in bob.pages) == ("analyst", False, True)
    assert scope({"email": "eve@buyer.example.evil.example"}) is None  # not the buyer's domain
    assert scope({"email": "alice@buyer.example", "email_verified": False}) is None  # unverified: no match
    assert scope({"sub": "123", "groups": "northwind-ops"}).own == "north"  # a group as a single string
    assert scope({}) is None


def test_access_can_live_in_scorecard_toml_but_not_in_both_places(ws):
    settings = ws / "scorecard.toml"
    settings.write_text(settings.read_text() + '\n[[access.users]]\nmatch = "a@b.example"\nrole = "admin"\n')
    assert load_access(ws).rules[0].match == "a@b.example"
    config.load_workspace(ws)  # the workspace settings still load with [access] in them
    (ws / "access.toml").write_text(ACCESS)
    with pytest.raises(ConfigError, match="Access is configured twice"):
        load_access(ws)


@pytest.mark.parametrize(
    ("rules", "message"),
    [
        ('match = "x@y.example"\nrole = "vendor"', 'a vendor user needs `vendor = "<vendor_id>"`'),
        ('match = "x@y.example"\nrole = "vendor"\nvendor = "ghost"', "unknown vendor 'ghost'"),
        ('match = "x@y.example"\nrole = "viewer"', "a viewer needs `pages = [...]`"),
        ('match = "x@y.example"\nrole = "viewer"\npages = ["data"]', "unknown page 'data'"),
        (
            'match = "x@y.example"\nrole = "analyst"\nvendors = ["north"]',
            "an analyst sees every page and vendor",
        ),
        ('match = "x@y.example"\nrole = "owner"', "key 'users.0.role'"),
        ('match = "nobody"\nrole = "admin"', "is not an e-mail, '*@domain' or 'group:NAME'"),
        ('match = "x@y.example"\nrole = "admin"\nvendr = "north"', "unknown key 'users.0.vendr'"),
    ],
)
def test_a_mistake_in_access_toml_names_the_file_and_the_rule(ws, rules, message):
    (ws / "access.toml").write_text(f"[[users]]\n{rules}\n")
    with pytest.raises(ConfigError) as exc:
        load_access(ws)
    assert message in str(exc.value) and "access.toml" in str(exc.value)


@pytest.mark.parametrize(
    ("address", "loopback"),
    [("127.0.0.1", True), ("127.8.0.1", True), ("::1", True), ("[::1]", True), ("localhost", True),
     ("", False), (None, False), ("0.0.0.0", False), ("::", False), ("10.0.0.5", False),
     ("example.org", False)],
)  # fmt: skip
def test_loopback_addresses(address, loopback):
    assert launch.is_loopback(address) is loopback


def test_the_start_rule():
    assert launch.exposure("127.0.0.1", False, False).ok
    assert launch.exposure("0.0.0.0", True, False).ok  # access configured: sign-in protects it
    refused = launch.exposure("0.0.0.0", False, False)
    assert not refused.ok and refused.message.startswith(
        "Refusing to start: the app would listen on address 0.0.0.0 without access configured"
    )
    assert "--no-auth" in refused.message and "Deploy for a team" in refused.message
    assert "every network interface" in launch.exposure(None, False, False).message
    open_ = launch.exposure("0.0.0.0", False, True)
    assert open_.ok and "Open without sign-in on address 0.0.0.0 (--no-auth)" in open_.warning


def test_the_address_streamlit_will_use(tmp_path):
    project, home = tmp_path / "project", tmp_path / "home"
    write(project / ".streamlit" / "config.toml", '[server]\naddress = "127.0.0.1"\n')
    write(home / ".streamlit" / "config.toml", '[server]\naddress = "0.0.0.0"\n')
    assert launch.effective_address([], {}, project, home) == "127.0.0.1"
    assert launch.effective_address([], {}, tmp_path, home) == "0.0.0.0"
    assert launch.effective_address([], {"STREAMLIT_SERVER_ADDRESS": "10.0.0.1"}, project, home) == "10.0.0.1"
    assert launch.effective_address(["--server.address", "::"], {}, project, home) == "::"
    assert launch.effective_address(["--server.address=0.0.0.0"], {}, project, home) == "0.0.0.0"
    assert launch.effective_address([], {}, tmp_path, tmp_path) is None
    assert launch.effective_address([], {}, ROOT, tmp_path) == "127.0.0.1"  # this repository's default


def test_scorecard_app_refuses_a_network_address_without_access(ws, monkeypatch):
    started = []
    monkeypatch.setattr("os.execv", lambda *a: started.append(a))
    result = CliRunner().invoke(cli, ["app", "--workspace", str(ws), "--server.address", "0.0.0.0"])
    assert result.exit_code == 1 and "Refusing to start" in result.stderr and started == []
    result = CliRunner().invoke(
        cli, ["app", "--workspace", str(ws), "--server.address", "0.0.0.0", "--no-auth"]
    )
    assert result.exit_code == 0 and "Warning: Open without sign-in" in result.stderr
    argv = started[0][1]
    assert argv[1:4] == ["-m", "streamlit", "run"] and argv[5:7] == ["--server.address", "0.0.0.0"]
    assert argv[7:] == ["--", "--workspace", str(ws), "--no-auth"]
    (ws / "access.toml").write_text(ACCESS)
    result = CliRunner().invoke(cli, ["app", "--workspace", str(ws), "--server.address", "0.0.0.0"])
    assert result.exit_code == 0 and len(started) == 2


def _write_events(workspace: str, n: int, who: str) -> None:
    store = audit.Store(Path(workspace))
    for i in range(n):
        store.record(Scope(who, "analyst"), "view", page="ranking", vendors=("north",), detail=str(i))


def test_the_access_log_takes_writes_from_several_processes_at_once(ws):
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=_write_events, args=(str(ws), 100, f"p{i}")) for i in range(3)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
    assert [p.exitcode for p in procs] == [0, 0, 0]
    events = audit.Store(ws).events(limit=10_000)
    assert events.height == 300
    assert events.group_by("user").len().sort("user").rows() == [("p0", 100), ("p1", 100), ("p2", 100)]


def test_reading_an_empty_access_log_writes_nothing(ws):
    store = audit.Store(ws)
    assert store.events().is_empty() and store.links().is_empty() and store.revoked_at("x") is None
    assert not (ws / ".scorecard").exists()


# --- deadlines: north's calls are due 5 days after each month; today is 2026-04-10 -----------------------
CALLS = {"table": "calls", "format": "canonical", "files": "calls/*.csv",
         "deadline": {"period": "month", "days_after": 5}}  # fmt: skip


def _vendor(tmp_path: Path) -> config.VendorConfig:
    raw = {"name": "Northwind", "timezone": "Europe/Paris", "currency": "EUR", "exports": [CALLS]}
    return config.parse_vendor(raw, tmp_path / "north", tmp_path / "north" / "vendor.toml")


def test_late_and_missing_months_are_listed_against_their_due_dates(tmp_path):
    files = pl.DataFrame(
        {
            "vendor_id": ["north"] * 3,
            "source": ["calls", "calls", "costs"],
            "source_file": ["north/calls/2026-01.csv", "north/calls/2026-03.csv", "north/costs.csv"],
            "rows": [10, 12, 1],
            "first_date": [date(2026, 1, 3), date(2026, 3, 1), date(2026, 1, 1)],
            "last_date": [date(2026, 1, 31), date(2026, 3, 31), date(2026, 3, 31)],
        }
    )
    log = pl.DataFrame(
        {
            "path": ["north/calls/2026-01.csv", "north/calls/2026-03.csv"],
            "status": ["loaded", "loaded"],
            "loaded_at": [datetime(2026, 2, 3, 9, 0), datetime(2026, 4, 9, 8, 0)],
        }
    )
    submitted = pl.DataFrame({"path": ["north/calls/2026-03.csv"], "at": ["2026-04-08 16:30:00"]})
    arrived = deadlines.arrivals(log, submitted)
    assert arrived["north/calls/2026-03.csv"] == datetime(2026, 4, 8, 16, 30)  # the submission came first
    table = deadlines.status(_vendor(tmp_path), files, arrived, date(2026, 4, 10))
    # Jan due Feb 5 (arrived Feb 3: on time); Feb due Mar 5 (no file covers it: missing);
    # Mar due Apr 5 (arrived Apr 8: 3 days late); Apr is due May 5, not yet.
    assert table.select("period", "due", "status", "days_late").rows() == [
        ("2026-01", date(2026, 2, 5), "on time", None),
        ("2026-02", date(2026, 3, 5), "missing", None),
        ("2026-03", date(2026, 4, 5), "late", 3),
    ]
    assert set(table["export"]) == {"calls (calls/*.csv)"}


@pytest.mark.parametrize(
    ("kind", "labels"),
    [("week", ["2026-W52", "2026-W53", "2027-W01"]), ("quarter", ["2026-Q4", "2027-Q1"])],
)
def test_periods_of_weeks_and_quarters(kind, labels):
    got = list(deadlines.periods(date(2026, 12, 22), date(2027, 1, 4), kind))
    assert [g[0] for g in got] == labels
    assert got[0][1] <= date(2026, 12, 22) <= got[0][2]


def test_a_bad_deadline_in_vendor_toml_is_explained(tmp_path):
    bad = {**CALLS, "deadline": {"period": "fortnight", "days_after": 5}}
    raw = {"name": "N", "timezone": "Europe/Paris", "currency": "EUR", "exports": [bad]}
    with pytest.raises(ConfigError, match=r"exports\.0\.deadline\.period"):
        config.parse_vendor(raw, tmp_path / "north", tmp_path / "north" / "vendor.toml")
