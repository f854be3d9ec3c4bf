"""Keeping the materialised tables of `queries/` in step with the raw tables while an ingest runs."""

from __future__ import annotations

import time
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager

import duckdb

from scorecard.sql import views


class Builder:
    """Keeps the materialised tables of `queries/` in step with the raw tables during one ingest.

    Tables missing or built by other SQL are built whole first (instant on an empty database). Then
    a vendor whose files changed — every vendor when the workspace settings, vendors or FX rates
    changed — has its rows of the PER_VENDOR_TABLES refreshed once its files are loaded, and the other
    materialised tables are rebuilt at the end. The build marker is cleared before the first change
    and written at the end, so an interrupted ingest leaves the tables to be rebuilt whole next time
    (and until then, readers compute from the raw tables: see `views.ensure_views`). With
    `build=False` only the marker is cleared: the next ingest that builds rebuilds whole.
    """

    def __init__(self, con: duckdb.DuckDBPyConnection, workspace_changed: bool, build: bool = True) -> None:
        self.con = con
        self.build = build
        self.done: set[str] = set()
        self.seconds = 0.0
        self.cursor = con.cursor()
        self.pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="ingest-build")
        self.pending: list[Future[None]] = []
        if views.marts_stale(con):
            with self._timed():  # with the workspace tables already synced; a new database is empty
                views.apply_views(con, refresh_tables=build)
            workspace_changed = workspace_changed and not build
        self.all_dirty = workspace_changed
        self.valid = True
        if workspace_changed:
            self.invalidate()

    def invalidate(self) -> None:
        """Clear the build marker (once) before the first write that changes any input."""
        if self.valid:
            views.invalidate_marts(self.con)
            self.valid = False

    def vendor_done(self, vendor_id: str, changed: bool) -> None:
        """All of the vendor's files are loaded (`changed`: any of them loaded or replaced): refresh its
        rows if any of its inputs changed.

        The refresh runs in a thread of its own (own cursor, own transaction; it writes only the
        per-vendor tables), so the next vendor's files load meanwhile."""
        if self.build and (changed or self.all_dirty):
            self.pending.append(self.pool.submit(self._refresh, vendor_id))
        self.done.add(vendor_id)

    def _refresh(self, vendor_id: str) -> None:
        with self._timed():
            for table in sorted(views.PER_VENDOR_TABLES):
                views.refresh_vendor_rows(self.cursor, table, vendor_id)

    def finish(self) -> None:
        """Refresh vendors not seen in this run (removed from the workspace), then the other tables."""
        if not self.build:
            return
        if self.all_dirty:
            loaded = {r[0] for r in self.con.execute("select distinct vendor_id from raw_calls").fetchall()}
            for vendor_id in sorted(loaded - self.done):
                self.vendor_done(vendor_id, changed=False)
        for future in self.pending:
            future.result()  # waits, and re-raises a refresh's error here
        if not self.valid:  # the views are current (built by this SQL); only the tables need work
            with self._timed():
                views.rebuild_tables(self.con, keep=views.PER_VENDOR_TABLES)

    def close(self) -> None:
        """Wait for any refresh still running and release its cursor (also after an error)."""
        self.pool.shutdown(wait=True)
        self.cursor.close()

    @contextmanager
    def _timed(self) -> Iterator[None]:
        start = time.perf_counter()
        try:
            yield
        finally:
            self.seconds += time.perf_counter() - start
