"""The access log: sign-ins, views, downloads, uploads and links, with who and when — in SQLite.

Why not the DuckDB database: DuckDB allows one writing process per file, and `scorecard ingest` holds it
while loading, so a page view could not record itself then (and would block the next ingest). SQLite in
WAL mode takes short writes from many processes at once; the file lives in the workspace's state folder
(`<workspace>/.scorecard/access.sqlite`, next to the link secret), readable by admins on the Access page.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import polars as pl

from scorecard.access.scope import Scope

STATE_DIR = ".scorecard"
DB_FILE = "access.sqlite"
EVENTS = (
    "sign-in", "denied", "view", "download", "upload", "ingest",
    "link-created", "link-opened", "link-refused", "link-revoked",
)  # fmt: skip

_SCHEMA = """
create table if not exists events (
    id integer primary key, at text not null, user text not null, role text not null, mode text not null,
    event text not null, page text, vendors text, detail text
);
create table if not exists links (
    id text primary key, created_at text not null, created_by text not null, expires_at text not null,
    page text not null, vendors text, own text, note text, revoked_at text, revoked_by text
);
create table if not exists submissions (
    id integer primary key, at text not null, user text not null, vendor_id text not null, path text not null,
    sha256 text not null, rows integer, status text not null, message text
);
"""


def state_dir(workspace: Path, create: bool = True) -> Path:
    """The workspace's state folder (created on first write; hidden, so ingest and config skip it)."""
    folder = workspace / STATE_DIR
    if create:
        folder.mkdir(mode=0o700, exist_ok=True)
    return folder


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S")


class Store:
    """The access log, issued links and vendor submissions of one workspace."""

    def __init__(self, workspace: Path) -> None:
        self.workspace = workspace
        self.path = state_dir(workspace, create=False) / DB_FILE

    @contextmanager
    def _con(self) -> Iterator[sqlite3.Connection]:
        """A connection; the file and its tables are made on first use (a read of nothing makes nothing)."""
        fresh = not self.path.exists()
        if fresh:
            state_dir(self.workspace)
        con = sqlite3.connect(self.path, timeout=15)
        try:
            con.execute("pragma journal_mode=wal")
            with con:
                # every time, not only when this process made the file: another process may have made
                # it a moment ago and not yet its tables (`if not exists`: nothing to do then)
                con.executescript(_SCHEMA)
                yield con
        finally:
            con.close()

    def _rows(self, sql: str, args: Sequence[Any] = ()) -> list[tuple]:
        """A read: no rows while nothing has been written."""
        if not self.path.exists():
            return []
        with self._con() as con:
            return con.execute(sql, list(args)).fetchall()

    def record(
        self, scope: Scope, event: str, page: str | None = None, vendors: Sequence[str] = (), detail: str = ""
    ) -> None:
        """Append one event (`EVENTS`)."""
        if event not in EVENTS:
            raise ValueError(f"unknown audit event {event!r}")
        with self._con() as con:
            con.execute(
                "insert into events (at, user, role, mode, event, page, vendors, detail) "
                "values (?, ?, ?, ?, ?, ?, ?, ?)",
                (_now(), scope.user, scope.role, scope.mode, event, page, ",".join(vendors), detail),
            )

    def has(self, user: str, event: str, detail: str) -> bool:
        """Whether this exact event was recorded already (a sign-in is one ID token, however many tabs)."""
        sql = "select 1 from events where user = ? and event = ? and detail = ? limit 1"
        return bool(self._rows(sql, [user, event, detail]))

    def events(self, limit: int = 1000, event: str | None = None) -> pl.DataFrame:
        """The latest events, newest first."""
        sql = "select at, user, role, mode, event, page, vendors, detail from events"
        args: list[Any] = []
        if event:
            sql, args = sql + " where event = ?", [event]
        rows = self._rows(sql + " order by id desc limit ?", [*args, limit])
        cols = ["at", "user", "role", "mode", "event", "page", "vendors", "detail"]
        return pl.DataFrame(rows, schema=dict.fromkeys(cols, pl.String), orient="row")

    def add_link(
        self, link_id: str, created_by: str, expires_at: datetime, page: str, vendors: Sequence[str],
        own: str | None, note: str = "",
    ) -> None:  # fmt: skip
        """Remember an issued link (so admins can list and revoke it)."""
        with self._con() as con:
            con.execute(
                "insert into links (id, created_at, created_by, expires_at, page, vendors, own, note) "
                "values (?, ?, ?, ?, ?, ?, ?, ?)",
                (link_id, _now(), created_by, expires_at.strftime("%Y-%m-%d %H:%M:%S"), page,
                 ",".join(vendors), own, note),
            )  # fmt: skip

    def revoke(self, link_id: str, by: str) -> bool:
        """Revoke a link; False when no link has this id. A revoked link stays revoked."""
        with self._con() as con:
            found = con.execute("select revoked_at from links where id = ?", [link_id]).fetchone()
            if found is None:
                con.execute(
                    "insert into links (id, created_at, created_by, expires_at, page, revoked_at, "
                    "revoked_by) values (?, ?, '(not recorded)', '', '', ?, ?)",
                    (link_id, _now(), _now(), by),
                )
                return False
            if found[0] is None:
                con.execute(
                    "update links set revoked_at = ?, revoked_by = ? where id = ?", (_now(), by, link_id)
                )
        return True

    def revoked_at(self, link_id: str) -> str | None:
        """When the link was revoked (UTC text), or None."""
        rows = self._rows("select revoked_at from links where id = ?", [link_id])
        return rows[0][0] if rows else None

    def links(self) -> pl.DataFrame:
        """Every issued link, newest first."""
        cols = ["id", "created_at", "created_by", "expires_at", "page", "vendors", "own", "note",
                "revoked_at", "revoked_by"]  # fmt: skip
        rows = self._rows(f"select {', '.join(cols)} from links order by created_at desc, id")
        return pl.DataFrame(rows, schema=dict.fromkeys(cols, pl.String), orient="row")

    def add_submission(
        self, user: str, vendor_id: str, path: str, sha256: str, rows: int | None, status: str, message: str
    ) -> None:
        """Record a file a user submitted through the app (loaded or rejected)."""
        with self._con() as con:
            con.execute(
                "insert into submissions (at, user, vendor_id, path, sha256, rows, status, message) "
                "values (?, ?, ?, ?, ?, ?, ?, ?)",
                (_now(), user, vendor_id, path, sha256, rows, status, message),
            )

    def submissions(self, vendors: Sequence[str] | None = None) -> pl.DataFrame:
        """Submissions, newest first; only those of `vendors` when given."""
        cols = ["at", "user", "vendor_id", "path", "rows", "status", "message", "sha256"]
        rows = self._rows(f"select {', '.join(cols)} from submissions order by id desc")
        schema = dict.fromkeys(cols, pl.String) | {"rows": pl.Int64}
        frame = pl.DataFrame(rows, schema=schema, orient="row")
        return frame if vendors is None else frame.filter(pl.col("vendor_id").is_in(list(vendors)))


def as_json(values: dict[str, Any]) -> str:
    """Compact detail text for an event."""
    return json.dumps(values, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
