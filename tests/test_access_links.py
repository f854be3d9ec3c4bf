"""Signed share links (scorecard.access.links) and `scorecard share create | list | revoke`."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from typer.testing import CliRunner

from scorecard.access import AccessError, audit, links
from scorecard.cli import app as cli

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "tests" / "fixtures" / "app_ws"
NOW = datetime(2026, 12, 5, 12, 0, tzinfo=UTC)
SECRET = b"0123456789abcdef0123456789abcdef"
PARAMS = {"page": "ranking", "period": "2026-Q2", "vendors": "north,south", "preset": "quarterly_review"}


def never(_: str) -> None:
    return None


def test_a_valid_link_grants_exactly_its_view():
    token, made = links.make(SECRET, PARAMS, ["north", "south"], None, NOW + timedelta(days=7))
    grant = links.verify(SECRET, token, NOW, never)
    assert grant == made
    assert (grant.page, grant.vendors, grant.own) == ("ranking", ("north", "south"), None)
    scope = grant.scope("quarterly_review")
    assert (scope.role, scope.pages, scope.vendors, scope.read_only, scope.locked) == (
        "link", ("ranking",), ("north", "south"), True, False,
    )  # fmt: skip


def test_a_vendors_link_names_only_that_vendor_and_fixes_the_preset():
    token, _ = links.make(SECRET, PARAMS, ["north", "south", "west"], "north", NOW + timedelta(days=1))
    grant = links.verify(SECRET, token, NOW, never)
    assert (
        grant.vendors == ("north",)
        and grant.params["vendors"] == "north"
        and grant.params["vendor"] == "north"
    )
    scope = grant.scope("procurement_bid")
    assert (scope.own, scope.anonymised, scope.preset) == ("north", True, "quarterly_review")
    assert "south" not in token and "west" not in token  # zlib-compressed; check the payload itself too
    assert "south" not in str(grant)


def test_a_changed_character_anywhere_is_refused_as_altered():
    token, _ = links.make(SECRET, PARAMS, ["north"], None, NOW + timedelta(days=1))
    for i in (1, len(token) // 2, len(token) - 2):
        changed = token[:i] + ("A" if token[i] != "A" else "B") + token[i + 1 :]
        with pytest.raises(links.LinkRefused) as exc:
            links.verify(SECRET, changed, NOW, never)
        assert exc.value.reason == "altered"
        assert str(exc.value) == (
            "This link is not valid: it was changed after it was made, or it was not made for this "
            "workspace. Ask the person who sent it for a new link."
        )


def test_another_workspaces_secret_is_refused():
    token, _ = links.make(SECRET, PARAMS, ["north"], None, NOW + timedelta(days=1))
    with pytest.raises(links.LinkRefused, match="not valid"):
        links.verify(b"another secret of the same length!", token, NOW, never)


def test_an_expired_link_says_when_it_expired():
    token, _ = links.make(SECRET, PARAMS, ["north"], None, datetime(2026, 12, 5, 11, 59, 30, tzinfo=UTC))
    with pytest.raises(links.LinkRefused) as exc:
        links.verify(SECRET, token, NOW, never)
    assert (exc.value.reason, str(exc.value)) == (
        "expired", "This link expired on 2026-12-05 11:59 UTC. Ask the person who sent it for a new link.",
    )  # fmt: skip


def test_a_revoked_link_says_when_it_was_revoked():
    token, grant = links.make(SECRET, PARAMS, ["north"], None, NOW + timedelta(days=1))
    revoked = {grant.id: "2026-12-05 11:00:00"}
    with pytest.raises(links.LinkRefused) as exc:
        links.verify(SECRET, token, NOW, revoked.get)
    assert (exc.value.reason, str(exc.value)) == (
        "revoked",
        "This link was revoked on 2026-12-05 11:00:00 UTC. Ask the person who sent it for a new link.",
    )  # fmt: skip


@pytest.mark.parametrize(
    ("text", "expected"),
    [("7d", NOW + timedelta(days=7)), ("12h", NOW + timedelta(hours=12)),
     ("30m", NOW + timedelta(minutes=30)), ("2026-12-31", datetime(2027, 1, 1, tzinfo=UTC))],
)  # fmt: skip
def test_expiry_forms(text, expected):
    assert links.parse_expiry(text, NOW) == expected


@pytest.mark.parametrize("text", ["0d", "400d", "2026-01-01", "soon"])
def test_expiry_in_the_past_too_far_or_unreadable_is_refused(text):
    with pytest.raises(AccessError, match="Expiry"):
        links.parse_expiry(text, NOW)


def test_only_reading_pages_can_be_linked():
    with pytest.raises(AccessError, match="A link can show one of these pages"):
        links.make(SECRET, {**PARAMS, "page": "data"}, ["north"], None, NOW + timedelta(days=1))


def test_the_link_address_is_the_apps_root_with_only_the_token():
    assert (
        links.url("https://scorecard.buyer.example/sc/compare?x=1", "T")
        == "https://scorecard.buyer.example/sc/?share=T"
    )
    assert links.url("http://localhost:8501", "T") == "http://localhost:8501/?share=T"


@pytest.fixture
def ws(tmp_path) -> Path:
    root = tmp_path / "ws"
    shutil.copytree(FIXTURE, root, ignore=shutil.ignore_patterns("*.py", "__pycache__", "*.duckdb*"))
    return root


def _share(*args: str):
    return CliRunner().invoke(cli, ["share", *args])


def test_cli_creates_lists_and_revokes_a_link(ws):
    made = _share(
        "create", "--workspace", str(ws), "--page", "compare", "--period", "2026-Q2", "--vendor", "north",
        "--vendor", "west", "--weight", "service_level=40", "--expires", "14d", "--note", "for the CFO",
        "--by", "alice",
    )  # fmt: skip
    assert made.exit_code == 0, made.output
    url = made.stdout.strip()
    token = parse_qs(urlsplit(url).query)["share"][0]
    grant = links.verify(links.workspace_secret(ws), token, datetime.now(UTC), audit.Store(ws).revoked_at)
    assert grant.params["page"] == "compare" and grant.params["vendors"] == "north,west"
    assert grant.params["w_service_level"] == "40" and grant.params["w_abandon_rate"] == "15"
    assert (ws / ".scorecard" / "share.key").stat().st_mode & 0o777 == 0o600
    listed = _share("list", "--workspace", str(ws))
    assert (
        f"{grant.id}  compare  vendors north,west  by alice" in listed.stdout
        and "valid until" in listed.stdout
    )
    assert (
        _share("revoke", grant.id, "--workspace", str(ws), "--by", "bob").stdout
        == f"Link {grant.id} revoked.\n"
    )
    with pytest.raises(links.LinkRefused, match="revoked"):
        links.verify(links.workspace_secret(ws), token, datetime.now(UTC), audit.Store(ws).revoked_at)
    assert "by bob" in _share("list", "--workspace", str(ws)).stdout
    events = audit.Store(ws).events()
    assert events["event"].to_list() == ["link-revoked", "link-created"]
    assert events["user"].to_list() == ["bob", "alice"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--vendor", "ghost"], "The link names 1 vendor(s) not available here"),
        (["--page", "data"], "The link's page 'data' is not available here"),
        (["--weight", "service_level"], "must look like KPI=WEIGHT"),
        (["--weight", "service_level=-1"], "is not a number ≥ 0"),
        (["--period", "2026-Q9"], "Invalid period '2026-Q9'"),
        (["--vendor", "north", "--for-vendor", "north"], "not both"),
        (["--expires", "500d"], "at most 366 days away"),
    ],
)
def test_cli_refuses_a_link_that_would_not_show_what_was_asked(ws, args, message):
    result = _share("create", "--workspace", str(ws), *args)
    assert result.exit_code == 1
    assert message in result.stderr
    assert not (ws / ".scorecard" / "access.sqlite").exists() or audit.Store(ws).links().is_empty()
