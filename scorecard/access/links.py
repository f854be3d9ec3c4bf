"""Signed share links: one view (page, period, vendors, weights ...) with a scope and an expiry.

A link is `<app>/?share=<token>`. The token is the view's query parameters, the vendors it may show
(or the one vendor it is for, peers then anonymised), an id and an expiry, signed with the workspace
secret by `itsdangerous` (HMAC-SHA256, URL-safe). The token is signed, not encrypted: a vendor-scoped link
names only its own vendor. A tampered, expired or revoked token is refused with a message and nothing else.
Revoked ids are kept in the access log's store (`scorecard.access.audit`); rotating the secret revokes
every link at once.
"""

from __future__ import annotations

import os
import re
import secrets
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from itsdangerous import BadSignature, URLSafeSerializer

from scorecard.access import AccessError
from scorecard.access.audit import state_dir
from scorecard.access.scope import READ_PAGES, Scope

SALT = "scorecard.share.v1"
SECRET_FILE = "share.key"
SECRET_ENV = "SCORECARD_SHARE_SECRET"
MAX_DAYS = 366
ASK = "Ask the person who sent it for a new link."


class LinkRefused(AccessError):
    """A link that is not valid; the message is all the holder sees, `reason` is for the access log."""

    def __init__(self, message: str, reason: str) -> None:
        super().__init__(message)
        self.reason = reason  # altered | expired | revoked


@dataclass(frozen=True)
class Grant:
    """What a valid link grants."""

    id: str
    page: str
    params: dict[str, str]
    vendors: tuple[str, ...]
    own: str | None
    expires: datetime

    def scope(self, default_preset: str) -> Scope:
        """The read-only scope of the link's session; a vendor's link also fixes its preset's own weights."""
        vendors = (self.own,) if self.own else self.vendors
        preset = self.params.get("preset", default_preset) if self.own else None
        return Scope(
            f"link {self.id}", "link", mode="link", vendors=vendors, own=self.own, pages=(self.page,),
            preset=preset, link=self.id,
        )  # fmt: skip


def workspace_secret(workspace: Path) -> bytes:
    """The signing secret: $SCORECARD_SHARE_SECRET, else `<workspace>/.scorecard/share.key` (made once)."""
    if os.environ.get(SECRET_ENV):
        return os.environ[SECRET_ENV].encode()
    path = state_dir(workspace) / SECRET_FILE
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_bytes().strip()
    with os.fdopen(fd, "wb") as fh:
        key = secrets.token_hex(32).encode()
        fh.write(key)
    return key


def parse_expiry(text: str, now: datetime) -> datetime:
    """`7d`, `12h`, `30m` or a date `2026-12-31` (end of that day, UTC) -> the expiry instant."""
    if m := re.fullmatch(r"\s*(\d+)\s*([dhm])\s*", text):
        n, unit = int(m[1]), m[2]
        delta = {"d": timedelta(days=n), "h": timedelta(hours=n), "m": timedelta(minutes=n)}[unit]
    else:
        try:
            day = datetime.strptime(text.strip(), "%Y-%m-%d").replace(tzinfo=UTC)
        except ValueError:
            raise AccessError(
                f"Expiry {text!r} is not understood; use e.g. 7d, 12h, 30m or 2026-12-31."
            ) from None
        delta = day + timedelta(days=1) - now
    if delta <= timedelta(0) or delta > timedelta(days=MAX_DAYS):
        raise AccessError(f"Expiry {text!r} must be in the future and at most {MAX_DAYS} days away.")
    return now + delta


def make(
    secret: bytes, params: Mapping[str, str], vendors: Sequence[str], own: str | None, expires: datetime
) -> tuple[str, Grant]:
    """A signed token for a view; `own` makes it a vendor's link (that vendor only, peers anonymised)."""
    page = params.get("page", "")
    if page not in READ_PAGES:
        raise AccessError(f"A link can show one of these pages: {', '.join(READ_PAGES)}; not {page!r}.")
    if own is not None:
        vendors = (own,)
        params = {**params, "vendors": own, "vendor": own}
    link_id = secrets.token_hex(6)
    payload = {"i": link_id, "e": int(expires.timestamp()), "p": dict(params), "v": list(vendors), "o": own}
    token = URLSafeSerializer(secret, salt=SALT).dumps(payload)
    assert isinstance(token, str)
    return token, Grant(link_id, page, dict(params), tuple(vendors), own, _from_ts(payload["e"]))


def _from_ts(ts: int) -> datetime:
    return datetime.fromtimestamp(ts, UTC)


def verify(secret: bytes, token: str, now: datetime, revoked_at: Callable[[str], str | None]) -> Grant:
    """The grant of a valid token, or LinkRefused saying why (altered, expired, revoked)."""
    try:
        data = URLSafeSerializer(secret, salt=SALT).loads(token)
        grant = Grant(
            str(data["i"]), str(data["p"]["page"]), {str(k): str(v) for k, v in data["p"].items()},
            tuple(str(v) for v in data["v"]), data["o"], _from_ts(int(data["e"])),
        )  # fmt: skip
    except (BadSignature, KeyError, TypeError, ValueError):
        raise LinkRefused(
            "This link is not valid: it was changed after it was made, or it was not made for this "
            f"workspace. {ASK}",
            "altered",
        ) from None
    if now >= grant.expires:
        raise LinkRefused(f"This link expired on {grant.expires:%Y-%m-%d %H:%M} UTC. {ASK}", "expired")
    when = revoked_at(grant.id)
    if when:
        raise LinkRefused(f"This link was revoked on {when} UTC. {ASK}", "revoked")
    return grant


def url(base: str, token: str) -> str:
    """The link: the app's root address with the token as its only query parameter.

    A link session has one page (the link's), served at the root, so the address carries no page path.
    """
    parts = urlsplit(base)
    return urlunsplit((parts.scheme, parts.netloc, _root_path(parts.path), f"share={token}", ""))


def _root_path(path: str) -> str:
    """The app's base path: the address path without a trailing page name."""
    head, _, last = path.rstrip("/").rpartition("/")
    return (head if last in (*READ_PAGES, "data", "access") else path.rstrip("/")) + "/"
